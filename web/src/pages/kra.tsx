import { kpiById, useKpis, useKras } from '../api/catalogue';
import { get } from '../api/client';
import { useLoad } from '../api/hooks';
import { useMyScope, useScorecard } from '../api/scoring';
import type { Kpi, KpiRow, ScoredKpi } from '../api/types';
import { PageHeader } from '../components/layout';
import { type Column, CsvButton } from '../components/table';
import { Card, Empty, ErrorBox, Skeleton, Sparkline, StatusBadge } from '../components/ui';
import { trailing } from '../dates';
import { formatBucket, formatDelta, formatInteger, formatValue } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { better, kpiStatus, type Status, scoreStatus } from '../status';
import { kpiName, kraName } from './names';

const PERIODS_BACK = { week: 12, month: 12, quarter: 8, year: 4 } as const;

/** Which KPIs a role can ask for: agents only those measured per agent. */
export function visibleKpis(kpis: readonly Kpi[], role: string | null): Kpi[] {
  return role === 'agent' ? kpis.filter((k) => k.dimensions.includes('agent')) : [...kpis];
}

export function KraPage({ id }: { id: number }) {
  const { t, locale, role } = useSession();
  const kras = useKras();
  const kpis = useKpis();
  const scorecard = useScorecard(useMyScope());
  const kra = kras.data?.find((k) => k.id === id);
  const byId = kpiById(kpis.data);
  const list = kra
    ? visibleKpis(
        kra.kpis.map((k) => byId.get(k)).filter((k): k is Kpi => !!k),
        role,
      )
    : [];
  const scoredKra = scorecard.data?.kras.find((k) => k.kra === id);
  const hidden = kra ? kra.kpis.length - list.length : 0;

  if (kras.error) return <ErrorBox error={kras.error} onRetry={kras.reload} />;
  if (kras.data && !kra) {
    return (
      <>
        <PageHeader title={t('notFound.title')} />
        <Link to="/">{t('nav.home')}</Link>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={kra ? `KRA ${id} · ${kraName(locale, id, kra.name)}` : `KRA ${id}`}
        subtitle={
          <>
            <Link to="/">{t('nav.home')}</Link>
            {scoredKra && (
              <>
                {' · '}
                {t('kra.score')}: <strong>{formatInteger(scoredKra.score, locale)}</strong> / 100{' '}
                <StatusBadge status={scoreStatus(scoredKra.score)} />
                {' · '}
                {t('kra.weight', { weight: scoredKra.weight })}
              </>
            )}
          </>
        }
      />
      {!kra || !kpis.data ? (
        <Skeleton lines={8} />
      ) : list.length === 0 ? (
        <Empty>{t('kra.noKpis')}</Empty>
      ) : (
        <KraKpis kpis={list} scored={scoredKra?.kpis ?? []} />
      )}
      {hidden > 0 && <p className="muted small">{t('kra.hiddenForAgents', { n: hidden })}</p>}
    </>
  );
}

interface KpiSummary {
  kpi: Kpi;
  rows: KpiRow[] | null;
  error: unknown;
  scored: ScoredKpi | undefined;
  current: KpiRow | undefined;
  previous: KpiRow | undefined;
  delta: number | null;
  direction: 'better' | 'worse' | 'unclear' | null;
  status: Status | null;
}

function summarise(
  kpi: Kpi,
  result: PromiseSettledResult<KpiRow[]>,
  scored: ScoredKpi | undefined,
): KpiSummary {
  const rows = result.status === 'fulfilled' ? result.value : null;
  const current = rows?.[rows.length - 1];
  const previous = rows?.[rows.length - 2];
  const delta = current?.value != null && previous?.value != null ? current.value - previous.value : null;
  // A change inside the current value's 95 % interval is not called better or worse.
  const withinInterval =
    delta !== null &&
    current?.ci_low != null &&
    current.ci_high != null &&
    previous!.value! >= current.ci_low &&
    previous!.value! <= current.ci_high;
  const direction =
    delta === null || delta === 0 || kpi.direction === 'target'
      ? null
      : withinInterval
        ? 'unclear'
        : better(kpi.direction, current!.value!, previous!.value!)
          ? 'better'
          : 'worse';
  const status: Status | null = !current
    ? null
    : current.value === null
      ? 'no_data'
      : !current.significant
        ? 'not_significant'
        : scored
          ? kpiStatus(scored.status, scored.score)
          : 'no_target';
  return {
    kpi,
    rows,
    error: result.status === 'rejected' ? result.reason : undefined,
    scored,
    current,
    previous,
    delta,
    direction,
    status,
  };
}

function KraKpis({ kpis, scored }: { kpis: Kpi[]; scored: ScoredKpi[] }) {
  const { t, grain, period } = useSession();
  const range = trailing(grain, period, PERIODS_BACK[grain]);
  const ids = kpis.map((k) => k.id).join(',');
  const values = useLoad(`kra-values:${ids}:${range.from}:${range.to}:${grain}`, (signal) =>
    Promise.allSettled(
      kpis.map((k) =>
        get<KpiRow[]>(`/kpis/${k.id}/values`, { from: range.from, to: range.to, grain }, signal),
      ),
    ),
  );
  const summaries = values.data
    ? kpis.map((k, i) =>
        summarise(
          k,
          values.data![i]!,
          scored.find((s) => s.kpi === k.id),
        ),
      )
    : null;
  const columns: Column<KpiSummary>[] = [
    { key: 'kpi', header: t('kpi.kpi'), value: (r) => r.kpi.id },
    { key: 'bucket', header: t('kpi.bucket'), value: (r) => r.current?.bucket },
    { key: 'value', header: t('kpi.value'), value: (r) => r.current?.value },
    { key: 'unit', header: t('kpi.unit'), value: (r) => r.kpi.unit },
    { key: 'target', header: t('kpi.target'), value: (r) => r.scored?.target },
    { key: 'n', header: 'n', value: (r) => r.current?.n },
    { key: 'ci_low', header: t('kpi.ciLow'), value: (r) => r.current?.ci_low },
    { key: 'ci_high', header: t('kpi.ciHigh'), value: (r) => r.current?.ci_high },
    { key: 'previous', header: t('kra.previous'), value: (r) => r.previous?.value },
    { key: 'status', header: t('kpi.status'), value: (r) => r.status },
  ];
  return (
    <Card
      title={t('kra.kpis')}
      actions={summaries && <CsvButton name={`kra-kpis-${period.to}`} columns={columns} rows={summaries} />}
    >
      {values.error ? (
        <ErrorBox error={values.error} onRetry={values.reload} />
      ) : !summaries ? (
        <Skeleton lines={kpis.length * 2} />
      ) : (
        <div className="kpi-lines">
          <div className="kpi-line kpi-line-head" aria-hidden="true">
            <span>{t('kpi.kpi')}</span>
            <span>{t('kpi.value')}</span>
            <span>{t('kpi.target')}</span>
            <span>{t('kpi.status')}</span>
            <span>{t('kra.trend')}</span>
            <span>{t('kra.change')}</span>
          </div>
          <ul>
            {summaries.map((s) => (
              <li key={s.kpi.id}>
                <KpiSummaryLine s={s} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="muted small">{t('kra.explain')}</p>
    </Card>
  );
}

function KpiSummaryLine({ s }: { s: KpiSummary }) {
  const { t, locale, grain } = useSession();
  const { kpi, current, previous, scored, status, delta, direction } = s;
  const name = kpiName(locale, kpi.id, kpi.name);
  return (
    <div className="kpi-line">
      <span className="kpi-line-name">
        <Link to={`/kpis/${kpi.id}`}>{name}</Link>
      </span>
      {s.error ? (
        <span className="kpi-line-error">
          <ErrorBox error={s.error} />
        </span>
      ) : !current ? (
        <span className="kpi-line-error muted">{t('common.empty')}</span>
      ) : (
        <>
          <span className="kpi-line-value">
            <span className="label-mobile">{t('kpi.value')}: </span>
            <strong>{formatValue(current.value, kpi.unit, locale)}</strong>
            <span className="muted small">
              {' '}
              n = {formatInteger(current.n, locale)}
              {current.ci_low !== null && current.ci_high !== null && (
                <>
                  {' · '}
                  {t('kpi.interval')} {formatValue(current.ci_low, kpi.unit, locale)}–
                  {formatValue(current.ci_high, kpi.unit, locale)}
                </>
              )}
            </span>
          </span>
          <span className="kpi-line-target">
            <span className="label-mobile">{t('kpi.target')}: </span>
            {scored ? formatValue(scored.target, kpi.unit, locale) : '–'}
          </span>
          <span className="kpi-line-status">{status && <StatusBadge status={status} />}</span>
          <span className="kpi-line-spark" title={t('kra.trendOf', { n: s.rows?.length ?? 0 })}>
            <Sparkline values={(s.rows ?? []).map((r) => r.value)} />
          </span>
          <span className="kpi-line-change">
            <span className="label-mobile">{t('kra.change')}: </span>
            {formatDelta(delta, kpi.unit, locale)}
            {direction && (
              <span className={`change change-${direction}`}>
                {' '}
                <span aria-hidden="true">
                  {direction === 'better' ? '↑' : direction === 'worse' ? '↓' : '≈'}
                </span>{' '}
                {t(`kra.${direction}`)}
              </span>
            )}
            {previous && (
              <span className="muted small">
                {' '}
                ({t('kra.vs', { period: formatBucket(previous.bucket, grain, locale) })})
              </span>
            )}
          </span>
        </>
      )}
    </div>
  );
}
