import { en } from './en';
import { es } from './es';

/** English and Spanish strings; `{name}` in a string is replaced by vars.name. */
export type Key = keyof typeof en;
export type Vars = Record<string, string | number>;

const DICTIONARIES = { en, es } as const;

export function translate(locale: 'en' | 'es', key: Key, vars?: Vars): string {
  const text: string = DICTIONARIES[locale][key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
