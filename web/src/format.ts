import type { Locale } from './api/types';

/** Numbers, durations and dates written for the reader's locale (es: 1.234,5; en: 1,234.5). */

const tag = (locale: Locale) => (locale === 'es' ? 'es-ES' : 'en-GB');
const formatters = new Map<string, Intl.NumberFormat>();

function nf(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(tag(locale), options);
    formatters.set(key, f);
  }
  return f;
}

export function formatNumber(value: number | null | undefined, locale: Locale, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return nf(locale, { maximumFractionDigits: digits, useGrouping: true }).format(value);
}

export function formatInteger(value: number | null | undefined, locale: Locale): string {
  return formatNumber(value, locale, 0);
}

export function formatPercent(value: number | null | undefined, locale: Locale, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return nf(locale, { style: 'percent', maximumFractionDigits: digits }).format(value / 100);
}

/** 45 s, 12 min, 3 h 20 min, 2 d 4 h. */
export function formatDuration(seconds: number | null | undefined, locale: Locale): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  const n = (v: number, d = 0) => formatNumber(v, locale, d);
  if (s < 60) return `${sign}${n(s)} s`;
  if (s < 3600) return `${sign}${n(s / 60, s < 600 ? 1 : 0)} min`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m === 0 || h >= 10 ? `${sign}${n(s / 3600, h >= 10 ? 0 : 1)} h` : `${sign}${h} h ${m} min`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return h === 0 ? `${sign}${d} d` : `${sign}${d} d ${h} h`;
}

/** A KPI value in its unit. */
export function formatValue(value: number | null | undefined, unit: string, locale: Locale): string {
  switch (unit) {
    case 'percent':
      return formatPercent(value, locale);
    case 'seconds':
      return formatDuration(value, locale);
    case 'count':
      return formatNumber(value, locale, 1);
    case 'nps':
      return formatNumber(value, locale, 1);
    default:
      return formatNumber(value, locale, 2);
  }
}

/** A change of a KPI value (points for percentages). */
export function formatDelta(delta: number | null | undefined, unit: string, locale: Locale): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '–';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta);
  if (unit === 'percent') return `${sign}${formatNumber(abs, locale, 1)} pt`;
  if (unit === 'points') return `${sign}${formatNumber(abs, locale, 0)} pt`;
  if (unit === 'seconds') return `${sign}${formatDuration(abs, locale)}`;
  return `${sign}${formatNumber(abs, locale, 2)}`;
}

/** A plain number for charts' axes and CSV files (no grouping, dot decimal in CSV). */
export function chartNumber(value: number | null | undefined, unit: string): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return unit === 'seconds' ? Math.round((value / 60) * 100) / 100 : value;
}

/** The unit a chart axis shows: durations are charted in minutes. */
export function axisUnit(unit: string): string {
  return unit === 'seconds' ? 'min' : unit === 'percent' ? '%' : '';
}

export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '–';
  const day = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const d = new Date(day ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(tag(locale), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(day ? { timeZone: 'UTC' } : {}),
  }).format(d);
}

export function formatDateTime(iso: string | null | undefined, locale: Locale, timeZone?: string): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(tag(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

/** A bucket label for a grain: "Mar 2026", "2026-03-09" (week of), "Q1 2026". */
export function formatBucket(bucket: string, grain: string, locale: Locale): string {
  const d = new Date(`${bucket}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return bucket;
  const fmt = (o: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(tag(locale), { ...o, timeZone: 'UTC' }).format(d);
  switch (grain) {
    case 'month':
      return fmt({ month: 'short', year: 'numeric' });
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
    case 'year':
      return String(d.getUTCFullYear());
    default:
      return fmt({ day: 'numeric', month: 'short', year: grain === 'day' ? undefined : 'numeric' });
  }
}
