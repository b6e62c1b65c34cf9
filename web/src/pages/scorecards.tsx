import type { EChartsOption } from 'echarts';
import { useState } from 'react';
import { useAgents, useDesks, useTeams } from '../api/catalogue';
import { useCapabilities, useGet } from '../api/hooks';
import { useScorecard } from '../api/scoring';
import type {
  CoachingReport,
  ScopeKind,
  Scorecard,
  ScorecardComparison,
  ScoredKpi,
  TeamMedian,
} from '../api/types';
import { ChartPanel } from '../components/chart-panel';
import { PageHeader } from '../components/layout';
import { type Column, CsvButton, DataTable } from '../components/table';
import {
  Async,
  Card,
  Empty,
  ErrorBox,
  Field,
  NotAvailable,
  Skeleton,
  StatusBadge,
  Tabs,
} from '../components/ui';
import { formatDate, formatNumber, formatPercent, formatValue } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import { kpiStatus, scoreStatus } from '../status';
import { PALETTE } from './kpi-charts';
import { kpiName, kraName } from './names';

type Tab = 'organization' | 'desk' | 'team' | 'agent' | 'compare-desks' | 'compare-teams';

export function ScorecardsPage() {
  const { t, role, me } = useSession();
  const caps = useCapabilities();
  if (caps && !caps.has('GET /api/v1/scorecards'))
    return (
      <>
        <PageHeader title={t('scorecards.title')} />
        <NotAvailable what={t('scorecards.title')} />
      </>
    );
  if (role === 'agent') return <AgentOwnScorecard agentId={me?.user.agent_id ?? null} />;
  return <ScorecardTabs />;
}

function ScorecardTabs() {
  const { t, role } = useSession();
  const lead = role === 'team_lead';
  const tabs: Array<{ key: Tab; label: string }> = lead
    ? [
        { key: 'team', label: t('scope.team') },
        { key: 'agent', label: t('scope.agent') },
      ]
    : [
        { key: 'organization', label: t('scope.organization') },
        { key: 'desk', label: t('scope.desk') },
        { key: 'team', label: t('scope.team') },
        { key: 'agent', label: t('scope.agent') },
        { key: 'compare-desks', label: t('scorecards.compareDesks') },
        { key: 'compare-teams', label: t('scorecards.compareTeams') },
      ];
  const [tab, setTab] = useState<Tab>(tabs[0]!.key);
  return (
    <>
      <PageHeader title={t('scorecards.title')} subtitle={t('scorecards.subtitle')} />
      <Tabs label={t('scorecards.title')} items={tabs} value={tab} onChange={setTab} />
      <div role="tabpanel" className="tab-panel">
        {tab === 'organization' && <ScopeScorecard kind="organization" id={null} />}
        {(tab === 'desk' || tab === 'team' || tab === 'agent') && <ScopePicker key={tab} kind={tab} />}
        {tab === 'compare-desks' && <Comparison kind="desk" />}
        {tab === 'compare-teams' && <Comparison kind="team" />}
      </div>
    </>
  );
}

function ScopePicker({ kind }: { kind: 'desk' | 'team' | 'agent' }) {
  const { t, role, me } = useSession();
  const desks = useDesks();
  const teams = useTeams();
  const agents = useAgents();
  const myTeams = me?.user.team_ids ?? [];
  const options =
    kind === 'desk'
      ? (desks.data ?? [])
      : kind === 'team'
        ? (teams.data ?? []).filter((x) => role !== 'team_lead' || myTeams.includes(x.id))
        : [...(agents.data ?? [])]
            .filter((a) => role !== 'team_lead' || (a.team_id !== null && myTeams.includes(a.team_id)))
            .sort((a, b) => a.name.localeCompare(b.name));
  const [id, setId] = useState<string>('');
  const chosen = id || options[0]?.id || '';
  return (
    <>
      <div className="toolbar">
        <Field label={t(`scope.${kind}`)}>
          <select value={chosen} onChange={(e) => setId(e.target.value)}>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {chosen ? (
        kind === 'agent' ? (
          <AgentScorecard agentId={chosen} />
        ) : (
          <>
            <ScopeScorecard kind={kind} id={chosen} />
            {kind === 'team' && <Coaching param="team" id={chosen} />}
          </>
        )
      ) : (
        <Skeleton lines={4} />
      )}
    </>
  );
}

function ScopeScorecard({ kind, id }: { kind: ScopeKind; id: string | null }) {
  const card = useScorecard({ kind, id });
  if (card.available === false) return <NotAvailable what="scorecards" />;
  return (
    <Async state={card} skeleton={10}>
      {(c) => <ScorecardView card={c} teamMedian={c.team_median ?? undefined} />}
    </Async>
  );
}

/** An agent's scorecard (with the team median per KPI) and coaching suggestions. */
function AgentScorecard({ agentId }: { agentId: string }) {
  return (
    <>
      <ScopeScorecard kind="agent" id={agentId} />
      <Coaching param="agent" id={agentId} />
    </>
  );
}

function AgentOwnScorecard({ agentId }: { agentId: string | null }) {
  const { t, me } = useSession();
  return (
    <>
      <PageHeader title={t('scorecards.mine')} subtitle={me?.user.name} />
      {agentId ? <AgentScorecard agentId={agentId} /> : <Empty>{t('scorecards.noAgent')}</Empty>}
    </>
  );
}

export function ScorecardView({
  card,
  teamMedian,
}: {
  card: Scorecard;
  teamMedian?: TeamMedian | undefined;
}) {
  const { t, locale } = useSession();
  const medians = new Map((teamMedian?.kpis ?? []).map((k) => [k.kpi, k]));
  const kraRows = card.kras;
  const option: EChartsOption = {
    grid: {
      left: 8,
      right: 48,
      top: 16,
      bottom: 24,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: kraRows.map((k) => `${k.kra}. ${kraName(locale, k.kra, k.name)}`),
      axisLabel: { width: 180, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: t('kra.score'),
        data: kraRows.map((k) => k.score),
        itemStyle: { color: PALETTE.primary },
        label: { show: true, position: 'right', formatter: (p) => formatNumber(Number(p.value), locale, 0) },
      },
    ],
  };
  const kraColumns: Column<Scorecard['kras'][number]>[] = [
    { key: 'kra', header: 'KRA', value: (k) => k.kra },
    { key: 'name', header: t('scorecards.kra'), value: (k) => kraName(locale, k.kra, k.name) },
    { key: 'weight', header: t('scorecards.weight'), align: 'right', value: (k) => k.weight },
    {
      key: 'weight_used',
      header: t('scorecards.weightUsed'),
      align: 'right',
      value: (k) => k.weight_used,
      render: (k) => (k.weight_used === null ? '–' : formatPercent(k.weight_used * 100, locale, 0)),
    },
    {
      key: 'score',
      header: t('kra.score'),
      align: 'right',
      value: (k) => k.score,
      render: (k) => formatNumber(k.score, locale, 1),
    },
    {
      key: 'status',
      header: t('kpi.status'),
      value: (k) => scoreStatus(k.score),
      render: (k) => <StatusBadge status={scoreStatus(k.score)} />,
    },
  ];
  return (
    <div className="scorecard" data-scope={card.scope.kind}>
      <div className="indices">
        <div className="index-card">
          <h2 className="index-title">{t('home.overall')}</h2>
          <p className="index-score">
            <span className="big-number">{formatNumber(card.overall, locale, 0)}</span>
            <span className="muted"> / 100</span>
          </p>
          <StatusBadge status={scoreStatus(card.overall)} />
        </div>
        {(['happy_customers', 'healthy_teams'] as const).map((k) => (
          <div key={k} className="index-card">
            <h2 className="index-title">{t(`index.${k}`)}</h2>
            <p className="index-score">
              <span className="big-number">{formatNumber(card.indices[k]?.score ?? null, locale, 0)}</span>
              <span className="muted"> / 100</span>
            </p>
            <StatusBadge status={scoreStatus(card.indices[k]?.score ?? null)} />
          </div>
        ))}
      </div>
      <p className="muted small">
        {t('scorecards.meta', {
          scope:
            card.scope.kind === 'organization'
              ? t('scope.organization')
              : `${t(`scope.${card.scope.kind}`)} ${card.scope.name}`,
          template: card.template,
          from: formatDate(card.period.from, locale),
          to: formatDate(card.period.to, locale),
        })}
      </p>
      <Card title={t('scorecards.kraScores')}>
        <ChartPanel
          title={t('scorecards.kraScores')}
          option={option}
          height={Math.max(160, kraRows.length * 34 + 40)}
          columns={kraColumns}
          rows={kraRows}
          rowKey={(k) => String(k.kra)}
          csvName={`scorecard-${card.scope.kind}-${card.scope.id ?? 'org'}-${card.period.from}`}
          categoryAxis="y"
        />
      </Card>
      {card.kras.map((kra) => (
        <Card
          key={kra.kra}
          headingLevel={3}
          title={
            <>
              <Link to={`/kras/${kra.kra}`}>
                KRA {kra.kra} · {kraName(locale, kra.kra, kra.name)}
              </Link>{' '}
              <span className="muted small">
                {t('scorecards.weightOf', { weight: kra.weight })} · {t('kra.score')}{' '}
                {formatNumber(kra.score, locale, 0)}
              </span>{' '}
              <StatusBadge status={scoreStatus(kra.score)} />
            </>
          }
        >
          <KpiScoreTable kpis={kra.kpis} medians={medians} name={`kra-${kra.kra}`} />
        </Card>
      ))}
    </div>
  );
}

function KpiScoreTable({
  kpis,
  medians,
  name,
}: {
  kpis: ScoredKpi[];
  medians: Map<string, TeamMedian['kpis'][number]>;
  name: string;
}) {
  const { t, locale } = useSession();
  const columns: Column<ScoredKpi>[] = [
    {
      key: 'kpi',
      header: t('kpi.kpi'),
      value: (k) => k.kpi,
      render: (k) => <Link to={`/kpis/${k.kpi}`}>{kpiName(locale, k.kpi, k.name)}</Link>,
    },
    { key: 'weight', header: t('scorecards.weight'), align: 'right', value: (k) => k.weight },
    {
      key: 'value',
      header: t('kpi.value'),
      align: 'right',
      value: (k) => k.value,
      render: (k) => formatValue(k.value, k.unit, locale),
    },
    { key: 'n', header: 'n', align: 'right', value: (k) => k.n },
    {
      key: 'floor',
      header: t('scorecards.floor'),
      align: 'right',
      value: (k) => k.floor,
      render: (k) => formatValue(k.floor, k.unit, locale),
    },
    {
      key: 'target',
      header: t('kpi.target'),
      align: 'right',
      value: (k) => k.target,
      render: (k) => formatValue(k.target, k.unit, locale),
    },
    {
      key: 'score',
      header: t('kra.score'),
      align: 'right',
      value: (k) => k.score,
      render: (k) => formatNumber(k.score, locale, 0),
    },
    {
      key: 'status',
      header: t('kpi.status'),
      value: (k) => k.status,
      render: (k) => <StatusBadge status={kpiStatus(k.status, k.score)} />,
    },
    ...(medians.size
      ? [
          {
            key: 'median',
            header: t('scorecards.teamMedian'),
            align: 'right' as const,
            value: (k: ScoredKpi) => medians.get(k.kpi)?.team_median ?? null,
            render: (k: ScoredKpi) => {
              const m = medians.get(k.kpi);
              if (!m || m.team_median === null) return '–';
              const vs = m.vs_team_median;
              return (
                <>
                  {formatValue(m.team_median, k.unit, locale)}
                  {vs && (
                    <span
                      className={`change change-${vs === 'better' ? 'better' : vs === 'worse' ? 'worse' : 'equal'}`}
                    >
                      {' '}
                      <span aria-hidden="true">{vs === 'better' ? '↑' : vs === 'worse' ? '↓' : '='}</span>{' '}
                      {t(`compare.${vs}`)}
                    </span>
                  )}
                </>
              );
            },
          } satisfies Column<ScoredKpi>,
        ]
      : []),
    { key: 'source', header: t('scorecards.source'), value: (k) => k.target_source },
  ];
  return (
    <>
      <DataTable caption={name} columns={columns} rows={kpis} rowKey={(k) => k.kpi} />
      <div className="table-foot">
        {kpis.some((k) => k.note) && (
          <ul className="notes small muted">
            {kpis
              .filter((k) => k.note)
              .map((k) => (
                <li key={k.kpi}>
                  {kpiName(locale, k.kpi, k.name)}: {k.note}
                </li>
              ))}
          </ul>
        )}
        <CsvButton name={name} columns={columns} rows={kpis} />
      </div>
    </>
  );
}

function Comparison({ kind }: { kind: 'desk' | 'team' }) {
  const { t, grain, locale } = useSession();
  const caps = useCapabilities();
  const available = caps?.has('GET /api/v1/scorecards/compare');
  const state = useGet<ScorecardComparison>(available ? '/scorecards/compare' : null, {
    kind,
    period: grain,
  });
  if (caps && !available) return <NotAvailable what={t('scorecards.compare')} />;
  return (
    <Async state={state} skeleton={8} isEmpty={(c) => c.ranking.length === 0}>
      {(c) => {
        const kraIds = [...new Set(c.ranking.flatMap((r) => Object.keys(r.kras)))].sort(
          (a, b) => Number(a) - Number(b),
        );
        type R = ScorecardComparison['ranking'][number];
        const columns: Column<R>[] = [
          { key: 'rank', header: t('scorecards.rank'), align: 'right', value: (r) => r.rank },
          { key: 'name', header: t(`scope.${kind}`), value: (r) => r.scope.name },
          {
            key: 'overall',
            header: t('home.overall'),
            align: 'right',
            value: (r) => r.overall,
            render: (r) => <ScoreCell score={r.overall} />,
          },
          {
            key: 'happy',
            header: t('index.happy_customers'),
            align: 'right',
            value: (r) => r.happy_customers,
            render: (r) => <ScoreCell score={r.happy_customers} />,
          },
          {
            key: 'healthy',
            header: t('index.healthy_teams'),
            align: 'right',
            value: (r) => r.healthy_teams,
            render: (r) => <ScoreCell score={r.healthy_teams} />,
          },
          ...kraIds.map(
            (k): Column<R> => ({
              key: `kra-${k}`,
              header: `KRA ${k}`,
              align: 'right',
              value: (r) => r.kras[k] ?? null,
              render: (r) => <ScoreCell score={r.kras[k] ?? null} />,
            }),
          ),
        ];
        const option: EChartsOption = {
          grid: {
            left: 8,
            right: 48,
            top: 16,
            bottom: 24,
            outerBoundsMode: 'same',
            outerBoundsContain: 'axisLabel',
          },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          xAxis: { type: 'value', min: 0, max: 100 },
          yAxis: {
            type: 'category',
            inverse: true,
            data: c.ranking.map((r) => `${r.rank}. ${r.scope.name}`),
          },
          series: [
            {
              type: 'bar',
              name: t('home.overall'),
              data: c.ranking.map((r) => r.overall),
              itemStyle: { color: PALETTE.primary },
              label: {
                show: true,
                position: 'right',
                formatter: (p) => formatNumber(Number(p.value), locale, 0),
              },
            },
          ],
        };
        return (
          <>
            <p className="muted small">
              {t('scorecards.compareMeta', {
                from: formatDate(c.period.from, locale),
                to: formatDate(c.period.to, locale),
                role: c.role,
              })}
            </p>
            <Card title={t('scorecards.ranking')}>
              <ChartPanel
                title={t('scorecards.ranking')}
                option={option}
                height={Math.max(160, c.ranking.length * 34 + 40)}
                columns={columns}
                rows={c.ranking}
                rowKey={(r) => r.scope.id ?? r.scope.name}
                csvName={`compare-${kind}-${c.period.from}`}
                categoryAxis="y"
                defaultView="table"
              />
            </Card>
          </>
        );
      }}
    </Async>
  );
}

function ScoreCell({ score }: { score: number | null }) {
  const { locale, t } = useSession();
  const status = scoreStatus(score);
  return (
    <span className={`score-cell tone-${status}`} title={t(`status.${status}`)}>
      {formatNumber(score, locale, 0)}
      <span className="visually-hidden"> ({t(`status.${status}`)})</span>
    </span>
  );
}

function Coaching({ param, id }: { param: 'agent' | 'team'; id: string }) {
  const { t, locale, grain } = useSession();
  const caps = useCapabilities();
  const available = caps?.has('GET /api/v1/coaching');
  const state = useGet<CoachingReport>(available ? '/coaching' : null, { [param]: id, period: grain });
  return (
    <Card title={t('coaching.title')}>
      {caps && !available ? (
        <NotAvailable what={t('coaching.title')} />
      ) : state.error ? (
        <ErrorBox error={state.error} onRetry={state.reload} />
      ) : !state.data ? (
        <Skeleton lines={4} />
      ) : state.data.suggestions.length === 0 ? (
        <Empty>{t('coaching.none')}</Empty>
      ) : (
        <>
          <p className="muted small">{t('coaching.peers', { peers: state.data.peers })}</p>
          <ol className="coaching-list">
            {state.data.suggestions.map((s) => (
              <li key={s.kpi}>
                <strong>
                  <Link to={`/kpis/${s.kpi}`}>{kpiName(locale, s.kpi, s.name)}</Link>
                </strong>
                <p className="small">
                  {t('coaching.line', {
                    value: formatValue(s.value, s.unit, locale),
                    target: formatValue(s.target, s.unit, locale),
                    median: formatValue(s.peer_median, s.unit, locale),
                    gap: formatNumber(s.target_gap, locale, 0),
                  })}
                </p>
                {s.tickets && s.tickets.length > 0 && (
                  <p className="small">
                    {t('coaching.tickets')}:{' '}
                    {s.tickets.map((tk) => (
                      <span key={tk.ticket_id} className="ticket-chip">
                        {tk.ticket_id}
                        {tk.value !== null && ` (${formatValue(tk.value, s.unit, locale)})`}
                      </span>
                    ))}
                  </p>
                )}
                {s.courses.length > 0 && (
                  <p className="small">
                    {t('coaching.courses')}: {s.courses.map((c) => c.course).join(', ')}
                  </p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </Card>
  );
}
