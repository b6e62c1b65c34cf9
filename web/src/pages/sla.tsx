import type { EChartsOption } from 'echarts';
import { useState } from 'react';
import { useCapability, useGet } from '../api/hooks';
import { ChartPanel } from '../components/chart-panel';
import { PageHeader } from '../components/layout';
import { type Column, CsvButton, DataTable } from '../components/table';
import { Async, Card, Empty, NotAvailable, Segmented, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime, formatDuration, formatInteger, formatPercent } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { PALETTE } from './kpi-charts';

type ParetoKey = 'metric' | 'priority' | 'team' | 'channel' | 'hour' | 'weekday';

interface ParetoItem {
  key: string;
  breaches: number;
  cumulative_pct: number;
}

interface TargetRow {
  policy_id: string | null;
  policy_name: string | null;
  metric: string;
  priority: string | null;
  target_seconds: number | null;
  business_hours: boolean;
  achieved: number;
  breached: number;
  total: number;
  compliance: number | null;
}

interface AtRisk {
  ticket_id: string;
  metric: string;
  priority: string | null;
  team: string | null;
  agent: string | null;
  channel: string | null;
  policy_id: string | null;
  due_at: string;
  minutes_left: number;
}

interface SlaOverview {
  from: string;
  to: string;
  time_zone: string;
  totals: { achieved: number; breached: number; total: number; compliance: number | null };
  by_target: TargetRow[];
  pareto: Record<ParetoKey, ParetoItem[]>;
  at_risk: AtRisk[];
  at_risk_within_hours: number;
}

/** Compliance with the SLA targets of 95 % or more reads as on track, 85 % or more at risk. */
function complianceStatus(c: number | null) {
  if (c === null) return 'no_data' as const;
  return c >= 95 ? ('on_track' as const) : c >= 85 ? ('at_risk' as const) : ('off_track' as const);
}

export function SlaPage() {
  const { t, period, locale } = useSession();
  const available = useCapability('GET /api/v1/sla/overview');
  const state = useGet<SlaOverview>(available ? '/sla/overview' : null, { from: period.from, to: period.to });
  return (
    <>
      <PageHeader
        title={t('sla.title')}
        subtitle={
          <>
            {formatDate(period.from, locale)} – {formatDate(period.to, locale)} ·{' '}
            <Link to="/kpis/sla_compliance">{t('sla.kpiLink')}</Link>
          </>
        }
      />
      {available === false ? (
        <NotAvailable what={t('sla.title')} />
      ) : (
        <Async state={state} skeleton={10}>
          {(o) => <SlaView o={o} />}
        </Async>
      )}
    </>
  );
}

function SlaView({ o }: { o: SlaOverview }) {
  const { t, locale, timeZone } = useSession();
  const [pareto, setPareto] = useState<ParetoKey>('priority');
  const metric = (m: string) =>
    t(
      `sla.metric.${(['first_reply', 'next_reply', 'resolution'] as const).includes(m as 'first_reply') ? (m as 'first_reply') : 'ticket'}`,
    );
  const targetColumns: Column<TargetRow>[] = [
    { key: 'policy', header: t('sla.policy'), value: (r) => r.policy_name ?? '–' },
    { key: 'metric', header: t('sla.metricLabel'), value: (r) => r.metric, render: (r) => metric(r.metric) },
    { key: 'priority', header: t('dim.priority'), value: (r) => r.priority },
    {
      key: 'target',
      header: t('kpi.target'),
      align: 'right',
      value: (r) => r.target_seconds,
      render: (r) =>
        `${formatDuration(r.target_seconds, locale)}${r.business_hours ? ` (${t('sla.businessHours')})` : ''}`,
    },
    {
      key: 'total',
      header: t('sla.instances'),
      align: 'right',
      value: (r) => r.total,
      render: (r) => formatInteger(r.total, locale),
    },
    {
      key: 'breached',
      header: t('sla.breached'),
      align: 'right',
      value: (r) => r.breached,
      render: (r) => formatInteger(r.breached, locale),
    },
    {
      key: 'compliance',
      header: t('sla.compliance'),
      align: 'right',
      value: (r) => r.compliance,
      render: (r) => (
        <>
          {formatPercent(r.compliance, locale)} <StatusBadge status={complianceStatus(r.compliance)} />
        </>
      ),
    },
  ];
  const items = o.pareto[pareto];
  const label = (k: string) =>
    pareto === 'metric'
      ? metric(k)
      : pareto === 'weekday'
        ? weekdayName(k, locale)
        : pareto === 'hour'
          ? `${k}:00`
          : k;
  const paretoColumns: Column<ParetoItem>[] = [
    { key: 'key', header: t(`sla.by.${pareto}`), value: (r) => r.key, render: (r) => label(r.key) },
    {
      key: 'breaches',
      header: t('sla.breaches'),
      align: 'right',
      value: (r) => r.breaches,
      render: (r) => formatInteger(r.breaches, locale),
    },
    {
      key: 'cumulative',
      header: t('sla.cumulative'),
      align: 'right',
      value: (r) => r.cumulative_pct,
      render: (r) => formatPercent(r.cumulative_pct, locale),
    },
  ];
  const ordered = pareto === 'hour' || pareto === 'weekday';
  const option: EChartsOption = {
    grid: { left: 48, right: 48, top: 32, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: items.map((i) => label(i.key)),
      axisLabel: { interval: 0, rotate: items.length > 8 ? 45 : 0 },
    },
    yAxis: [
      { type: 'value', name: t('sla.breaches') },
      ...(ordered ? [] : [{ type: 'value' as const, name: '%', max: 100, min: 0 }]),
    ],
    series: [
      {
        type: 'bar',
        name: t('sla.breaches'),
        data: items.map((i) => i.breaches),
        itemStyle: { color: PALETTE.bad },
      },
      ...(ordered
        ? []
        : [
            {
              type: 'line' as const,
              name: t('sla.cumulative'),
              yAxisIndex: 1,
              data: items.map((i) => i.cumulative_pct),
              itemStyle: { color: PALETTE.target },
              symbol: 'diamond',
            },
          ]),
    ],
  };
  const riskColumns: Column<AtRisk>[] = [
    { key: 'ticket', header: t('drill.ticket'), value: (r) => r.ticket_id },
    { key: 'metric', header: t('sla.metricLabel'), value: (r) => r.metric, render: (r) => metric(r.metric) },
    { key: 'priority', header: t('dim.priority'), value: (r) => r.priority },
    { key: 'team', header: t('dim.team'), value: (r) => r.team },
    { key: 'agent', header: t('dim.agent'), value: (r) => r.agent },
    {
      key: 'due',
      header: t('sla.due'),
      value: (r) => r.due_at,
      render: (r) => formatDateTime(r.due_at, locale, timeZone),
    },
    {
      key: 'left',
      header: t('sla.left'),
      align: 'right',
      value: (r) => r.minutes_left,
      render: (r) => (
        <>
          {formatDuration(r.minutes_left * 60, locale)}{' '}
          {r.minutes_left <= 60 && <StatusBadge status="at_risk" label={t('sla.soon')} />}
        </>
      ),
    },
  ];
  return (
    <>
      <div className="indices">
        <div className="index-card">
          <h2 className="index-title">{t('sla.compliance')}</h2>
          <p className="index-score">
            <span className="big-number">{formatPercent(o.totals.compliance, locale)}</span>
          </p>
          <StatusBadge status={complianceStatus(o.totals.compliance)} />
        </div>
        <div className="index-card">
          <h2 className="index-title">{t('sla.instances')}</h2>
          <p className="index-score">
            <span className="big-number">{formatInteger(o.totals.total, locale)}</span>
          </p>
          <p className="muted small">
            {t('sla.breachedCount', { n: formatInteger(o.totals.breached, locale) })}
          </p>
        </div>
        <div className="index-card">
          <h2 className="index-title">{t('sla.atRisk')}</h2>
          <p className="index-score">
            <span className="big-number">{formatInteger(o.at_risk.length, locale)}</span>
          </p>
          <p className="muted small">{t('sla.withinHours', { h: o.at_risk_within_hours })}</p>
        </div>
      </div>
      <p className="muted small">{t('sla.legend')}</p>
      <Card
        title={t('sla.byTarget')}
        actions={<CsvButton name={`sla-targets-${o.from}`} columns={targetColumns} rows={o.by_target} />}
      >
        {o.by_target.length === 0 ? (
          <Empty />
        ) : (
          <DataTable
            caption={t('sla.byTarget')}
            columns={targetColumns}
            rows={o.by_target}
            rowKey={(r) => `${r.policy_id}-${r.metric}-${r.priority}-${r.target_seconds}`}
          />
        )}
      </Card>
      <Card title={t('sla.pareto')}>
        <Segmented
          label={t('sla.pareto')}
          options={(['metric', 'priority', 'team', 'channel', 'hour', 'weekday'] as const).map((k) => ({
            key: k,
            label: t(`sla.by.${k}`),
          }))}
          value={pareto}
          onChange={setPareto}
        />
        {o.totals.breached === 0 ? (
          <Empty>{t('sla.noBreaches')}</Empty>
        ) : (
          <ChartPanel
            title={t('sla.paretoBy', { by: t(`sla.by.${pareto}`) })}
            option={option}
            columns={paretoColumns}
            rows={items}
            rowKey={(r) => r.key}
            csvName={`sla-breaches-by-${pareto}-${o.from}`}
          />
        )}
      </Card>
      <Card
        title={t('sla.atRisk')}
        actions={<CsvButton name="sla-at-risk" columns={riskColumns} rows={o.at_risk} />}
      >
        {o.at_risk.length === 0 ? (
          <Empty>{t('sla.noneAtRisk', { h: o.at_risk_within_hours })}</Empty>
        ) : (
          <DataTable
            caption={t('sla.atRisk')}
            columns={riskColumns}
            rows={o.at_risk}
            rowKey={(r) => `${r.ticket_id}-${r.metric}-${r.due_at}`}
          />
        )}
      </Card>
    </>
  );
}

function weekdayName(key: string, locale: 'en' | 'es'): string {
  const n = Number(key.slice(0, 1));
  // 2024-01-01 was a Monday.
  const d = new Date(Date.UTC(2024, 0, n));
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', {
    weekday: 'long',
    timeZone: 'UTC',
  }).format(d);
}
