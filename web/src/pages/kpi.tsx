import { useEffect, useMemo, useState } from 'react';
import { PRIORITIES, useAgents, useDesks, useKpis, useKras, useTeams } from '../api/catalogue';
import { useGet } from '../api/hooks';
import { useMyScope, useScorecard } from '../api/scoring';
import type { Dimension, Grain, Kpi, KpiRow } from '../api/types';
import { ChartPanel } from '../components/chart-panel';
import { PageHeader } from '../components/layout';
import type { Column } from '../components/table';
import {
  Async,
  Card,
  Empty,
  ErrorBox,
  MultiSelect,
  Segmented,
  Skeleton,
  StatusBadge,
} from '../components/ui';
import { type PeriodGrain, trailing } from '../dates';
import { formatBucket, formatDate, formatInteger, formatValue } from '../format';
import { Link, setQuery, useRoute } from '../router';
import { useSession } from '../session';
import { DistributionView } from './distribution';
import { DrilldownDialog, type DrillTarget } from './drilldown';
import { barOption, trendOption } from './kpi-charts';
import { visibleKpis } from './kra';
import { kpiName, kraName } from './names';

const GRAINS: readonly Exclude<Grain, 'all' | 'year'>[] = ['day', 'week', 'month', 'quarter'];
const BACK: Record<PeriodGrain, number> = { week: 12, month: 12, quarter: 8, year: 3 };

export function KpiListPage() {
  const { t, locale, role } = useSession();
  const kpis = useKpis();
  const kras = useKras();
  const [filter, setFilter] = useState('');
  return (
    <>
      <PageHeader title={t('kpis.title')} subtitle={t('kpis.subtitle')} />
      <div className="toolbar">
        <label className="field inline">
          <span className="field-label">{t('common.search')}</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
      </div>
      <Async
        state={{
          data: kpis.data && kras.data ? { kpis: kpis.data, kras: kras.data } : undefined,
          error: kpis.error ?? kras.error,
          loading: kpis.loading,
        }}
        skeleton={10}
      >
        {({ kpis: all, kras: kraList }) => {
          const list = visibleKpis(all, role).filter((k) =>
            `${k.id} ${k.name} ${kpiName(locale, k.id, k.name)}`.toLowerCase().includes(filter.toLowerCase()),
          );
          const groups = [
            ...kraList.map((k) => ({
              key: String(k.id),
              title: `KRA ${k.id} · ${kraName(locale, k.id, k.name)}`,
              kpis: list.filter((p) => p.kra === k.id),
            })),
            { key: 'other', title: t('kpis.other'), kpis: list.filter((p) => p.kra === null) },
          ].filter((g) => g.kpis.length > 0);
          if (groups.length === 0) return <Empty />;
          return (
            <div className="kpi-catalogue">
              {groups.map((g) => (
                <Card key={g.key} title={g.title}>
                  <ul className="plain-list">
                    {g.kpis.map((k) => (
                      <li key={k.id}>
                        <Link to={`/kpis/${k.id}`}>{kpiName(locale, k.id, k.name)}</Link>{' '}
                        <span className="muted small">
                          {t(`unit.${unitKey(k.unit)}`)} · {t(`direction.${k.direction}`)}
                        </span>
                      </li>
                    ))}
                  </ul>
                </Card>
              ))}
            </div>
          );
        }}
      </Async>
    </>
  );
}

type UnitKey =
  | 'seconds'
  | 'percent'
  | 'score'
  | 'count'
  | 'nps'
  | 'ratio'
  | 'per_100'
  | 'per_agent_day'
  | 'other';
export function unitKey(unit: string): UnitKey {
  return (
    ['seconds', 'percent', 'score', 'count', 'nps', 'ratio', 'per_100', 'per_agent_day'] as const
  ).includes(unit as Exclude<UnitKey, 'other'>)
    ? (unit as UnitKey)
    : 'other';
}

/** The filters of the KPI page live in the URL (f_team=Alpha,Beta) so a view can be shared. */
function readFilters(query: URLSearchParams, dims: readonly Dimension[]): Record<Dimension, string[]> {
  const out = {} as Record<Dimension, string[]>;
  for (const d of dims) out[d] = (query.get(`f_${d}`) ?? '').split(',').filter(Boolean);
  return out;
}

function whereOf(filters: Record<Dimension, string[]>): string[] {
  return Object.entries(filters)
    .filter(([, v]) => v.length > 0)
    .map(([d, v]) => `${d}=${v.join(',')}`);
}

export function KpiPage({ id }: { id: string }) {
  const { t, locale, role } = useSession();
  const kpis = useKpis();
  const kpi = kpis.data?.find((k) => k.id === id);
  if (kpis.error) return <ErrorBox error={kpis.error} onRetry={kpis.reload} />;
  if (!kpis.data) return <Skeleton lines={12} />;
  if (!kpi) {
    return (
      <>
        <PageHeader title={t('notFound.title')} />
        <Link to="/kpis">{t('nav.kpis')}</Link>
      </>
    );
  }
  if (role === 'agent' && !kpi.dimensions.includes('agent')) {
    return (
      <>
        <PageHeader title={kpiName(locale, kpi.id, kpi.name)} />
        <p className="notice">{t('kpi.notPerAgent')}</p>
      </>
    );
  }
  return <KpiView kpi={kpi} />;
}

function KpiView({ kpi }: { kpi: Kpi }) {
  const { t, locale, grain: periodGrain, period, role } = useSession();
  const { query } = useRoute();
  const kras = useKras();
  const kra = kras.data?.find((k) => k.id === kpi.kra);
  const grain = (GRAINS as readonly string[]).includes(query.get('grain') ?? '')
    ? (query.get('grain') as Grain)
    : periodGrain === 'year'
      ? 'quarter'
      : periodGrain;
  const defaults = trailing(periodGrain, period, BACK[periodGrain]);
  const from = query.get('from') ?? defaults.from;
  const to = query.get('to') ?? defaults.to;
  const dims = kpi.dimensions.filter((d) => !(role === 'agent' && d === 'agent'));
  const filters = readFilters(query, dims);
  const where = whereOf(filters);
  const variant = query.get('variant') ?? undefined;
  const by = (dims.includes(query.get('by') as Dimension) ? query.get('by') : dims[0]) as
    | Dimension
    | undefined;
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  // A team lead sees KPIs without team attribution whole, but their rows only managers may read.
  const canDrill = !(role === 'team_lead' && !kpi.dimensions.includes('team'));

  const values = useGet<KpiRow[]>(`/kpis/${kpi.id}/values`, { from, to, grain, where, variant });
  // The target line needs the scorecard; asked after the trend, which is what the page is for.
  const myScope = useMyScope();
  const scorecard = useScorecard(values.data || values.error ? myScope : null);
  const scored = scorecard.data?.kras.flatMap((k) => k.kpis).find((k) => k.kpi === kpi.id);
  const target = scored?.target ?? null;

  useEffect(() => {
    if (values.data) performance.mark('deskscore:kpi-ready');
  }, [values.data]);

  const name = kpiName(locale, kpi.id, kpi.name);
  const [fromInput, setFromInput] = useState(from);
  const [toInput, setToInput] = useState(to);
  useEffect(() => {
    setFromInput(from);
    setToInput(to);
  }, [from, to]);

  return (
    <>
      <PageHeader
        title={name}
        subtitle={
          <>
            {kra ? (
              <Link to={`/kras/${kra.id}`}>
                KRA {kra.id} · {kraName(locale, kra.id, kra.name)}
              </Link>
            ) : (
              t('kpis.other')
            )}
            {target !== null && scored && (
              <>
                {' · '}
                {t('kpi.target')}: <strong>{formatValue(target, kpi.unit, locale)}</strong>{' '}
                <span className="muted small">({scored.target_source})</span>
              </>
            )}
          </>
        }
      />
      <Definition kpi={kpi} />
      <Card title={t('kpi.trend')}>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ from: fromInput, to: toInput });
          }}
        >
          <Segmented
            label={t('kpi.grain')}
            options={GRAINS.map((g) => ({ key: g, label: t(`grain.${g}`) }))}
            value={grain as (typeof GRAINS)[number]}
            onChange={(g) => setQuery({ grain: g })}
          />
          <label className="field inline">
            <span className="field-label">{t('common.from')}</span>
            <input type="date" value={fromInput} onChange={(e) => setFromInput(e.target.value)} />
          </label>
          <label className="field inline">
            <span className="field-label">{t('common.to')}</span>
            <input type="date" value={toInput} onChange={(e) => setToInput(e.target.value)} />
          </label>
          <button type="submit" className="button-secondary small">
            {t('common.apply')}
          </button>
          {kpi.variants.length > 0 && (
            <label className="field inline">
              <span className="field-label">{t('kpi.variant')}</span>
              <select value={variant ?? ''} onChange={(e) => setQuery({ variant: e.target.value || null })}>
                <option value="">{t('kpi.defaultVariant')}</option>
                {kpi.variants.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          )}
        </form>
        <Filters kpi={kpi} dims={dims} filters={filters} from={from} to={to} />
        {values.error ? (
          <ErrorBox error={values.error} onRetry={values.reload} />
        ) : !values.data ? (
          <Skeleton lines={8} />
        ) : values.data.every((r) => r.value === null) ? (
          <Empty>{t('kpi.noData')}</Empty>
        ) : (
          <Trend
            kpi={kpi}
            rows={values.data.slice(
              Math.min(
                values.data.findIndex((r) => r.n > 0),
                values.data.length - 1,
              ),
            )}
            grain={grain}
            target={target}
            onSelect={
              canDrill
                ? (r) =>
                    setDrill({
                      kpi,
                      from,
                      to,
                      grain,
                      bucket: r.bucket,
                      where,
                      label: formatBucket(r.bucket, grain, locale),
                    })
                : undefined
            }
          />
        )}
      </Card>
      {by && (
        <Card title={t('kpi.breakdown')}>
          <div className="toolbar">
            <Segmented
              label={t('kpi.by')}
              options={dims.map((d) => ({ key: d, label: t(`dim.${d}`) }))}
              value={by}
              onChange={(d) => setQuery({ by: d })}
            />
            <span className="muted small">
              {formatDate(from, locale)} – {formatDate(to, locale)}
            </span>
          </div>
          <Breakdown
            kpi={kpi}
            by={by}
            from={from}
            to={to}
            where={where}
            variant={variant}
            target={target}
            onSelect={
              canDrill
                ? (r, group) =>
                    setDrill({
                      kpi,
                      from,
                      to,
                      grain: 'all',
                      bucket: r.bucket,
                      where,
                      by,
                      group,
                      label: `${group ?? '–'} (${formatDate(from, locale)} – ${formatDate(to, locale)})`,
                    })
                : undefined
            }
          />
        </Card>
      )}
      {kpi.unit === 'seconds' && values.data && (
        <DistributionCard kpi={kpi} rows={values.data} grain={grain} from={from} to={to} where={where} />
      )}
      <DrilldownDialog target={drill} onClose={() => setDrill(null)} />
    </>
  );
}

/** The definition in plain words: what is counted, which way is better, when it is judged. */
function Definition({ kpi }: { kpi: Kpi }) {
  const { t } = useSession();
  return (
    <Card title={t('kpi.definition')} className="definition">
      <p>{kpi.description}</p>
      <ul className="facts">
        <li>
          <strong>{t('kpi.better')}:</strong> {t(`direction.${kpi.direction}`)}
        </li>
        <li>
          <strong>{t('kpi.unit')}:</strong> {t(`unit.${unitKey(kpi.unit)}`)}
        </li>
        <li>
          <strong>{t('kpi.placement')}:</strong> {kpi.placement}
        </li>
        <li>
          <strong>{t('kpi.minN')}:</strong> {t('kpi.minNText', { n: kpi.min_n })}
        </li>
        <li>
          <strong>{t('kpi.source')}:</strong> {t(`source.${kpi.source}`)}
        </li>
        {kpi.dimensions.length > 0 && (
          <li>
            <strong>{t('kpi.segments')}:</strong> {kpi.dimensions.map((d) => t(`dim.${d}`)).join(', ')}
          </li>
        )}
      </ul>
    </Card>
  );
}

function Filters({
  kpi,
  dims,
  filters,
  from,
  to,
}: {
  kpi: Kpi;
  dims: Dimension[];
  filters: Record<Dimension, string[]>;
  from: string;
  to: string;
}) {
  const { t, me, role } = useSession();
  const desks = useDesks();
  const teams = useTeams();
  const agents = useAgents();
  const [channelsWanted, setChannelsWanted] = useState((filters.channel ?? []).length > 0);
  const channelRows = useGet<KpiRow[]>(
    dims.includes('channel') && channelsWanted ? `/kpis/${kpi.id}/values` : null,
    {
      from,
      to,
      grain: 'all',
      by: 'channel',
    },
  );
  const optionsOf = (d: Dimension): string[] => {
    switch (d) {
      case 'desk':
        return (desks.data ?? []).map((x) => x.name);
      case 'team': {
        const list = teams.data ?? [];
        return (role === 'team_lead' ? list.filter((x) => me?.user.team_ids.includes(x.id)) : list).map(
          (x) => x.name,
        );
      }
      case 'agent':
        return (agents.data ?? []).map((x) => x.name).sort();
      case 'channel':
        return (channelRows.data ?? []).map((r) => r.channel).filter((c): c is string => !!c);
      case 'priority':
        return [...PRIORITIES];
    }
  };
  const active = dims.some((d) => filters[d].length > 0);
  if (dims.length === 0) return null;
  return (
    <fieldset className="filters">
      <legend className="filters-label">{t('kpi.filters')}</legend>
      {dims.map((d) => (
        <MultiSelect
          key={d}
          label={t(`dim.${d}`)}
          options={optionsOf(d)}
          selected={filters[d]}
          loading={d === 'channel' && channelRows.loading}
          {...(d === 'channel' ? { onOpen: () => setChannelsWanted(true) } : {})}
          onChange={(values) => setQuery({ [`f_${d}`]: values.join(',') || null })}
        />
      ))}
      {active && (
        <button
          type="button"
          className="link-button"
          onClick={() => setQuery(Object.fromEntries(dims.map((d) => [`f_${d}`, null])))}
        >
          {t('kpi.clearFilters')}
        </button>
      )}
      {active && (
        <p className="muted small filters-summary">
          {dims
            .filter((d) => filters[d].length > 0)
            .map((d) => `${t(`dim.${d}`)}: ${filters[d].join(` ${t('common.or')} `)}`)
            .join(` ${t('common.and')} `)}
        </p>
      )}
    </fieldset>
  );
}

function rowColumns(
  kpi: Kpi,
  t: ReturnType<typeof useSession>['t'],
  locale: 'en' | 'es',
  first: Column<KpiRow>,
): Column<KpiRow>[] {
  return [
    first,
    {
      key: 'value',
      header: t('kpi.value'),
      align: 'right',
      value: (r) => r.value,
      render: (r) => formatValue(r.value, kpi.unit, locale),
    },
    { key: 'n', header: 'n', align: 'right', value: (r) => r.n, render: (r) => formatInteger(r.n, locale) },
    {
      key: 'ci_low',
      header: t('kpi.ciLow'),
      align: 'right',
      value: (r) => r.ci_low,
      render: (r) => formatValue(r.ci_low, kpi.unit, locale),
    },
    {
      key: 'ci_high',
      header: t('kpi.ciHigh'),
      align: 'right',
      value: (r) => r.ci_high,
      render: (r) => formatValue(r.ci_high, kpi.unit, locale),
    },
    { key: 'numerator', header: t('kpi.numerator'), align: 'right', value: (r) => r.numerator },
    { key: 'denominator', header: t('kpi.denominator'), align: 'right', value: (r) => r.denominator },
    {
      key: 'significant',
      header: t('kpi.significant'),
      value: (r) => r.significant,
      render: (r) =>
        r.value === null ? (
          '–'
        ) : r.significant ? (
          <span>✓ {t('drill.yes')}</span>
        ) : (
          <StatusBadge status="not_significant" />
        ),
    },
  ];
}

function Trend({
  kpi,
  rows,
  grain,
  target,
  onSelect,
}: {
  kpi: Kpi;
  rows: KpiRow[];
  grain: Grain;
  target: number | null;
  onSelect: ((row: KpiRow) => void) | undefined;
}) {
  const { t, locale } = useSession();
  const option = useMemo(
    () =>
      trendOption({
        rows,
        labels: rows.map((r) => formatBucket(r.bucket, grain, locale)),
        unit: kpi.unit,
        locale,
        target,
        targetLabel: t('kpi.target'),
        valueLabel: kpiName(locale, kpi.id, kpi.name),
        bandLabel: t('kpi.interval'),
        notSignificantLabel: t('status.not_significant'),
      }),
    [rows, grain, kpi, locale, target, t],
  );
  const columns = rowColumns(kpi, t, locale, {
    key: 'bucket',
    header: t('kpi.bucket'),
    value: (r) => r.bucket,
    render: (r) => formatBucket(r.bucket, grain, locale),
  });
  return (
    <ChartPanel
      title={t('kpi.trendOf', { kpi: kpiName(locale, kpi.id, kpi.name) })}
      option={option}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.bucket}
      csvName={`${kpi.id}-${grain}`}
      {...(onSelect
        ? { onSelect: (r: KpiRow) => r.n > 0 && onSelect(r), selectLabel: () => t('kpi.showRows') }
        : {})}
      extra={<span className="muted small legend-inline">{t('kpi.trendLegend')}</span>}
    />
  );
}

function Breakdown({
  kpi,
  by,
  from,
  to,
  where,
  variant,
  target,
  onSelect,
}: {
  kpi: Kpi;
  by: Dimension;
  from: string;
  to: string;
  where: string[];
  variant: string | undefined;
  target: number | null;
  onSelect: ((row: KpiRow, group: string | null) => void) | undefined;
}) {
  const { t, locale } = useSession();
  const state = useGet<KpiRow[]>(`/kpis/${kpi.id}/values`, { from, to, grain: 'all', by, where, variant });
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Skeleton lines={8} />;
  const rows = [...state.data]
    .filter((r) => r.value !== null)
    .sort((a, b) => {
      const va = a.value ?? 0;
      const vb = b.value ?? 0;
      return kpi.direction === 'lower' ? va - vb : vb - va;
    });
  if (rows.length === 0) return <Empty>{t('kpi.noData')}</Empty>;
  const names = rows.map((r) => r[by] ?? t('kpi.none'));
  const option = barOption({
    names,
    rows,
    unit: kpi.unit,
    locale,
    target,
    targetLabel: t('kpi.target'),
    valueLabel: kpiName(locale, kpi.id, kpi.name),
  });
  const columns = rowColumns(kpi, t, locale, {
    key: 'group',
    header: t(`dim.${by}`),
    value: (r) => r[by] ?? null,
  });
  return (
    <ChartPanel
      title={t('kpi.breakdownBy', { by: t(`dim.${by}`) })}
      option={option}
      height={Math.max(160, rows.length * 30 + 48)}
      columns={columns}
      rows={rows}
      rowKey={(r) => String(r[by] ?? '')}
      csvName={`${kpi.id}-by-${by}`}
      categoryAxis="y"
      {...(onSelect
        ? { onSelect: (r: KpiRow) => onSelect(r, r[by] ?? null), selectLabel: () => t('kpi.showRows') }
        : {})}
      extra={<span className="muted small">{t('kpi.rankedHint')}</span>}
    />
  );
}

function DistributionCard({
  kpi,
  rows,
  grain,
  from,
  to,
  where,
}: {
  kpi: Kpi;
  rows: KpiRow[];
  grain: Grain;
  from: string;
  to: string;
  where: string[];
}) {
  const { t, locale } = useSession();
  const withData = rows.filter((r) => r.n > 0);
  const [bucket, setBucket] = useState<string | null>(null);
  const chosen = withData.find((r) => r.bucket === bucket) ?? withData[withData.length - 1];
  if (!chosen) return null;
  const label = formatBucket(chosen.bucket, grain, locale);
  return (
    <Card title={t('dist.title')}>
      <div className="toolbar">
        <label className="field inline">
          <span className="field-label">{t('kpi.bucket')}</span>
          <select value={chosen.bucket} onChange={(e) => setBucket(e.target.value)}>
            {withData.map((r) => (
              <option key={r.bucket} value={r.bucket}>
                {formatBucket(r.bucket, grain, locale)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <DistributionView
        kpi={kpi}
        bucketLabel={label}
        query={{ from, to, grain, bucket: chosen.bucket, where }}
      />
    </Card>
  );
}
