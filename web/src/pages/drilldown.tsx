import { useEffect, useRef, useState } from 'react';
import { apiUrl, get } from '../api/client';
import type { Cell, Dimension, Drilldown, DrillRow, Grain, Kpi } from '../api/types';
import { type Column, DataTable } from '../components/table';
import { Dialog, ErrorBox, Loading } from '../components/ui';
import { formatDateTime, formatInteger, formatValue } from '../format';
import { useSession } from '../session';
import { kpiName } from './names';

/** What to drill into: one bucket of a KPI query, optionally one group of a breakdown. */
export interface DrillTarget {
  kpi: Kpi;
  from: string;
  to: string;
  grain: Grain;
  bucket: string;
  /** A label for the dialog title (the bucket or group as shown). */
  label: string;
  where: string[];
  by?: Dimension;
  group?: string | null;
}

const PAGE = 100;

function drillQuery(target: DrillTarget) {
  return {
    from: target.from,
    to: target.to,
    grain: target.grain,
    bucket: target.bucket,
    where: target.where,
    by: target.by,
    group: target.by ? (target.group ?? '') : undefined,
  };
}

export function drillUrl(target: DrillTarget, format: 'csv' | 'xlsx'): string {
  return apiUrl(`/kpis/${target.kpi.id}/rows.${format}`, drillQuery(target));
}

function cellText(v: Cell, locale: 'en' | 'es', timeZone: string): string {
  if (v === null) return '–';
  if (typeof v === 'boolean') return v ? '✓' : '✕';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatDateTime(v, locale, timeZone);
  if (typeof v === 'number')
    return formatInteger(v, locale) === String(v) ? String(v) : String(Math.round(v * 100) / 100);
  return String(v);
}

/** The rows behind a KPI bucket: tickets, replies, survey answers… with CSV and XLSX downloads. */
export function DrilldownDialog({ target, onClose }: { target: DrillTarget | null; onClose: () => void }) {
  const { t, locale } = useSession();
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      wide
      title={
        target
          ? t('drill.title', { kpi: kpiName(locale, target.kpi.id, target.kpi.name), bucket: target.label })
          : ''
      }
    >
      {target && <DrillRows target={target} />}
    </Dialog>
  );
}

function DrillRows({ target }: { target: DrillTarget }) {
  const { t, locale, timeZone } = useSession();
  const [pages, setPages] = useState<Drilldown[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const sort = target.kpi.unit === 'seconds' ? 'value' : 'placed_at';
  const order = target.kpi.unit === 'seconds' && target.kpi.direction === 'lower' ? 'desc' : 'asc';

  // Answers of an earlier target (or an unmounted dialog) are dropped; a page is kept once.
  const generation = useRef(0);
  const load = (offset: number) => {
    const mine = generation.current;
    setLoading(true);
    get<Drilldown>(`/kpis/${target.kpi.id}/rows`, { ...drillQuery(target), sort, order, limit: PAGE, offset })
      .then((page) => {
        if (mine === generation.current)
          setPages((p) => (p.some((x) => x.offset === page.offset) ? p : [...p, page]));
      })
      .catch((e: unknown) => mine === generation.current && setError(e))
      .finally(() => mine === generation.current && setLoading(false));
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per target
  useEffect(() => {
    generation.current += 1;
    setPages([]);
    setError(null);
    load(0);
    return () => {
      generation.current += 1;
    };
  }, [target]);

  const first = pages[0];
  const rows = pages.flatMap((p) => p.rows);
  const next = pages[pages.length - 1]?.next_offset ?? null;
  const unit = first?.unit ?? target.kpi.unit;
  const facts = (first?.facts ?? []).slice(0, 6);
  const ratio = first?.measure === 'ratio' || first?.totals.numerator !== null;
  const columns: Column<DrillRow>[] = [
    { key: 'ticket', header: t('drill.ticket'), value: (r) => r.ticket_id ?? r.id },
    {
      key: 'placed_at',
      header: t('drill.placedAt'),
      value: (r) => r.placed_at,
      render: (r) => formatDateTime(r.placed_at, locale, timeZone),
    },
    { key: 'team', header: t('dim.team'), value: (r) => r.team },
    { key: 'agent', header: t('dim.agent'), value: (r) => r.agent },
    { key: 'channel', header: t('dim.channel'), value: (r) => r.channel },
    { key: 'priority', header: t('dim.priority'), value: (r) => r.priority },
    ...(ratio
      ? [
          {
            key: 'in_numerator',
            header: t('drill.counts'),
            value: (r: DrillRow) => r.in_numerator,
            render: (r: DrillRow) =>
              r.in_numerator === null ? '–' : r.in_numerator ? `✓ ${t('drill.yes')}` : `✕ ${t('drill.no')}`,
          } satisfies Column<DrillRow>,
        ]
      : []),
    {
      key: 'value',
      header: t('kpi.value'),
      align: 'right',
      value: (r) => r.value ?? r.score,
      render: (r) =>
        r.value === null && r.score === null ? '–' : formatValue(r.value ?? r.score, unit, locale),
    },
    ...facts.map(
      (f): Column<DrillRow> => ({
        key: `fact-${f}`,
        header: f,
        value: (r) => r.facts[f] ?? null,
        render: (r) => cellText(r.facts[f] ?? null, locale, timeZone),
      }),
    ),
  ];

  return (
    <div className="drill">
      {first && (
        <p className="drill-totals">
          {t('drill.totals', {
            rows: formatInteger(first.totals.rows, locale),
            n: formatInteger(first.totals.n, locale),
          })}
          {first.totals.numerator !== null && first.totals.denominator !== null && (
            <>
              {' · '}
              {t('drill.ratio', {
                num: formatInteger(first.totals.numerator, locale),
                den: formatInteger(first.totals.denominator, locale),
              })}
            </>
          )}
          {first.totals.value !== null && (
            <>
              {' · '}
              {t('kpi.value')}: <strong>{formatValue(first.totals.value, unit, locale)}</strong>
            </>
          )}
          {target.by && target.group !== undefined && (
            <>
              {' · '}
              {t(`dim.${target.by}`)}: <strong>{target.group ?? '–'}</strong>
            </>
          )}
        </p>
      )}
      <div className="drill-downloads">
        <a className="button-secondary small" href={drillUrl(target, 'csv')} download>
          <span aria-hidden="true">⤓ </span>CSV
        </a>
        <a className="button-secondary small" href={drillUrl(target, 'xlsx')} download>
          <span aria-hidden="true">⤓ </span>XLSX
        </a>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      {rows.length > 0 && (
        <DataTable
          caption={t('drill.caption')}
          columns={columns}
          rows={rows}
          rowKey={(r) => `${r.source}-${r.id}`}
        />
      )}
      {!loading && !error && rows.length === 0 && <p className="empty">{t('drill.none')}</p>}
      {loading && <Loading />}
      {next !== null && !loading && (
        <button type="button" className="button-secondary" onClick={() => load(next)}>
          {t('drill.more', {
            shown: formatInteger(rows.length, locale),
            total: formatInteger(first?.totals.rows ?? 0, locale),
          })}
        </button>
      )}
    </div>
  );
}
