import {
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ApiError } from '../api/client';
import { useSession, useT } from '../session';
import { STATUS_ICON, type Status, tone } from '../status';

export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  const t = useT();
  return (
    <span className={`badge badge-${tone(status)}`} data-status={status}>
      <span aria-hidden="true" className="badge-icon">
        {STATUS_ICON[status]}
      </span>
      {label ?? t(`status.${status}`)}
    </span>
  );
}

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

/** A placeholder block while a card's data loads (keeps the layout still). */
export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div className="skeleton" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder lines
        <div key={i} className="skeleton-line" />
      ))}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const t = useT();
  return <p className="empty">{children ?? t('common.empty')}</p>;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const message =
    error instanceof ApiError
      ? error.status === 403
        ? t('error.forbidden')
        : error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="error-box" role="alert">
      <span aria-hidden="true">✕ </span>
      {message}
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Loading / error / empty / content, in that order. */
export function Async<T>({
  state,
  children,
  empty,
  isEmpty,
  skeleton,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload?: () => void };
  children: (data: T) => ReactNode;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  skeleton?: number;
}) {
  if (state.error)
    return <ErrorBox error={state.error} {...(state.reload ? { onRetry: state.reload } : {})} />;
  if (state.data === undefined) return skeleton ? <Skeleton lines={skeleton} /> : <Loading />;
  if (isEmpty?.(state.data)) return <Empty>{empty}</Empty>;
  return <>{children(state.data)}</>;
}

export function Card({
  title,
  children,
  actions,
  className,
  headingLevel = 2,
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <div className="card-head">
          {title && <Heading className="card-title">{title}</Heading>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

/** A 0–100 bar with its number written next to it. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const { locale } = useSession();
  const shown = value === null ? null : Math.max(-100, Math.min(100, value));
  const width = shown === null ? 0 : Math.max(0, shown);
  return (
    <div className="progress">
      <div
        className={`progress-track${shown !== null && shown < 0 ? ' progress-negative' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown === null ? undefined : Math.round(shown)}
      >
        <div className="progress-fill" style={{ width: `${width}%` }} />
      </div>
      <span className="progress-text">
        {value === null
          ? '–'
          : `${new Intl.NumberFormat(locale === 'es' ? 'es-ES' : 'en-GB', { maximumFractionDigits: 0 }).format(value)} %`}
      </span>
    </div>
  );
}

/** A tiny line of values (decorative: the numbers are in the table next to it). */
export function Sparkline({
  values,
  width = 96,
  height = 28,
}: {
  values: Array<number | null>;
  width?: number;
  height?: number;
}) {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return <span className="sparkline-empty" aria-hidden="true" />;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const step = width / Math.max(1, values.length - 1);
  const points: string[] = [];
  values.forEach((v, i) => {
    if (v !== null)
      points.push(`${(i * step).toFixed(1)},${(height - 3 - ((v - min) / span) * (height - 6)).toFixed(1)}`);
  });
  const last = points[points.length - 1]!.split(',');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
    >
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx={last[0]} cy={last[1]} r="2.5" fill="currentColor" />
    </svg>
  );
}

export interface TabItem<K extends string> {
  key: K;
  label: string;
}

/** An ARIA tab list: arrow keys move between tabs, Home/End jump. */
export function Tabs<K extends string>({
  items,
  value,
  onChange,
  label,
}: {
  items: readonly TabItem<K>[];
  value: K;
  onChange: (key: K) => void;
  label: string;
}) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (event: ReactKeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    if (next < 0) return;
    event.preventDefault();
    onChange(items[next]!.key);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {items.map((item, i) => (
        <button
          key={item.key}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          aria-selected={item.key === value}
          tabIndex={item.key === value ? 0 : -1}
          className="tab"
          onClick={() => onChange(item.key)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

/** A segmented choice (radio group) for a few options such as the grain. */
export function Segmented<K extends string>({
  options,
  value,
  onChange,
  label,
}: {
  options: readonly TabItem<K>[];
  value: K;
  onChange: (key: K) => void;
  label: string;
}) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{label}</legend>
      {options.map((o) => (
        <label key={o.key} className={o.key === value ? 'selected' : ''}>
          <input
            type="radio"
            name={name}
            value={o.key}
            checked={o.key === value}
            onChange={() => onChange(o.key)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** A native modal dialog (focus stays inside, Escape closes, focus returns to the opener). */
export function Dialog({
  title,
  open,
  onClose,
  children,
  wide,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onClose={onClose}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
          ✕
        </button>
      </div>
      <div className="dialog-body">{open && children}</div>
    </dialog>
  );
}

/** A multi-select as a disclosure of checkboxes (keyboard: Tab/Space; Escape closes). */
export function MultiSelect({
  label,
  options,
  selected,
  onChange,
  loading,
  onOpen,
}: {
  label: string;
  options: readonly string[];
  selected: readonly string[];
  onChange: (values: string[]) => void;
  loading?: boolean;
  /** Called when the list opens (options can be fetched then). */
  onOpen?: () => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      root.current?.querySelector('button')?.focus();
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', onEscape);
    };
  }, [open]);
  const shown = options.filter((o) => o.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (v: string) =>
    onChange(selected.includes(v) ? selected.filter((s) => s !== v) : [...selected, v]);
  return (
    <div className="multiselect" ref={root}>
      <button
        type="button"
        className={`multiselect-button${selected.length ? ' active' : ''}`}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => {
          if (!open) onOpen?.();
          setOpen((o) => !o);
        }}
      >
        {label}
        {selected.length > 0 && <span className="count">{selected.length}</span>}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open && (
        <div className="multiselect-panel" id={id}>
          {options.length > 8 && (
            <input
              type="search"
              className="multiselect-filter"
              placeholder={t('common.search')}
              aria-label={`${t('common.search')}: ${label}`}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          )}
          {loading && <Loading />}
          <fieldset>
            <legend className="visually-hidden">{label}</legend>
            {shown.map((o) => (
              <label key={o} className="check">
                <input type="checkbox" checked={selected.includes(o)} onChange={() => toggle(o)} />
                {o}
              </label>
            ))}
          </fieldset>
          {!loading && shown.length === 0 && <Empty />}
          {selected.length > 0 && (
            <button type="button" className="link-button" onClick={() => onChange([])}>
              {t('common.clear')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** A visible message for a route the server does not have yet. */
export function NotAvailable({ what }: { what: string }) {
  const t = useT();
  return (
    <div className="notice" role="note">
      <span aria-hidden="true">ⓘ </span>
      {t('common.notAvailable', { what })}
    </div>
  );
}

export function Field({
  label,
  hint,
  children,
  error,
}: {
  label: string;
  hint?: string;
  children: ReactNode;
  error?: string | undefined;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** A horizontally scrollable table area, reachable by keyboard (so it can be scrolled without a mouse). */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
