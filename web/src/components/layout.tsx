import { type ReactNode, useEffect, useId, useRef } from 'react';
import type { Locale } from '../api/types';
import { PERIOD_GRAINS, type PeriodGrain } from '../dates';
import { formatDate } from '../format';
import { hasNavigated } from '../router';
import { useSession } from '../session';

/** The page's h1; it takes the focus after a navigation so screen readers and keyboards start there. */
export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · deskscore`;
  }, [title]);
  useEffect(() => {
    if (
      hasNavigated() &&
      (document.activeElement === document.body ||
        document.activeElement?.closest('nav, .skip-link, .kra-link'))
    ) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <div className="page-header">
      <div>
        <h1 ref={ref} tabIndex={-1} id="page-title">
          {title}
        </h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function PeriodPicker() {
  const { t, grain, setGrain, period, locale } = useSession();
  const id = useId();
  return (
    <div className="period-picker">
      <label htmlFor={id}>{t('period.label')}</label>
      <select id={id} value={grain} onChange={(e) => setGrain(e.target.value as PeriodGrain)}>
        {PERIOD_GRAINS.map((g) => (
          <option key={g} value={g}>
            {t(`period.${g}`)}
          </option>
        ))}
      </select>
      <span className="period-dates">
        {formatDate(period.from, locale)} – {formatDate(period.to, locale)}
      </span>
    </div>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useSession();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t('language.label')}</label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        <option value="en" lang="en">
          English
        </option>
        <option value="es" lang="es">
          Español
        </option>
      </select>
    </div>
  );
}
