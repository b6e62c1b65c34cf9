import { DateTime } from 'luxon';
import { CATALOGUE } from '../../catalogue/index.js';
import { addDays, type DayRange, lastFullPeriod, localDay } from '../../engine/goals.js';
import {
  REPORT_TITLES,
  type ReportData,
  type ReportKind,
  type ReportTrend,
} from '../../reports/report-data.js';
import { listEvents, listRules } from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import { runKpiQuery } from '../../storage/run-kpi-query.js';
import { type Scope, scopeLabel, scopeWhere } from '../../storage/scopes.js';
import { loadHierarchy, within } from '../alerts/conditions.js';
import { checkCounterweights } from '../counterweights.js';
import { evaluateGoals } from '../evaluate-goals.js';
import { measurableAt } from '../measure-kpi.js';
import { agentVsTeamMedian, buildScorecard } from '../scorecards.js';

/**
 * Gathers what a report says (src/reports/report-data.ts), every number through the metric engine:
 * - `weekly`: the manager report of a desk, team or the organisation for the last whole week (Monday
 *   to Sunday) against the week before, with 8-week trends, goals, counterweight warnings and alerts;
 * - `kra_review`: the same scorecard over the last whole month against the month before, 6-month trends;
 * - `agent_weekly`: an agent's own week on the agent scorecard, with the team's median per KPI.
 */

export interface ReportRequest {
  kind: ReportKind;
  scope: Scope;
  /** Default: the last whole week (weekly reports) or month (the KRA review) before today. */
  period?: DayRange;
  now: Date;
}

/** Headline KPIs drawn as trends, the first four measurable at the scope. */
const TREND_KPIS: Record<ReportKind, readonly string[]> = {
  weekly: ['ticket_volume', 'csat', 'first_response_time', 'sla_compliance', 'fcr_rate'],
  kra_review: ['ticket_volume', 'csat', 'sla_compliance', 'fcr_rate', 'first_response_time'],
  agent_weekly: ['csat', 'first_response_time', 'fcr_rate', 'qa_score', 'aht'],
};

export function reportPeriod(kind: ReportKind, org: Organization, now: Date): DayRange {
  return lastFullPeriod(kind === 'kra_review' ? 'month' : 'week', localDay(now, org.time_zone));
}

function previousPeriod(kind: ReportKind, period: DayRange): DayRange {
  if (kind === 'kra_review') {
    const start = DateTime.fromISO(period.from).minus({ months: 1 }).startOf('month');
    const isWholeMonth =
      DateTime.fromISO(period.from).startOf('month').toISODate() === period.from &&
      DateTime.fromISO(period.from).endOf('month').toISODate() === period.to;
    if (isWholeMonth) return { from: start.toISODate()!, to: start.endOf('month').toISODate()! };
  }
  const days = Math.round(DateTime.fromISO(period.to).diff(DateTime.fromISO(period.from), 'days').days) + 1;
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

async function trends(
  store: Store,
  org: Organization,
  kind: ReportKind,
  scope: Scope,
  period: DayRange,
  now: Date,
): Promise<ReportTrend[]> {
  const grain = kind === 'kra_review' ? 'month' : 'week';
  const from =
    grain === 'month'
      ? DateTime.fromISO(period.from).startOf('month').minus({ months: 5 }).toISODate()!
      : DateTime.fromISO(period.to).startOf('week').minus({ weeks: 7 }).toISODate()!;
  const out: ReportTrend[] = [];
  for (const kpi of TREND_KPIS[kind]) {
    const def = CATALOGUE.get(kpi);
    if (!def || !measurableAt(def, scope.kind)) continue;
    const rows = await runKpiQuery(
      store,
      org,
      CATALOGUE,
      { kpi, from, to: period.to, grain, where: scopeWhere(scope) },
      now,
    );
    out.push({
      kpi,
      name: def.name,
      unit: def.unit,
      points: rows.map((r) => ({ bucket: r.bucket, value: r.value, n: r.n, significant: r.significant })),
    });
    if (out.length === 4) break;
  }
  return out;
}

export async function buildReport(store: Store, org: Organization, req: ReportRequest): Promise<ReportData> {
  const { kind, scope, now } = req;
  const period = req.period ?? reportPeriod(kind, org, now);
  const previous = previousPeriod(kind, period);
  const [card, before] = [
    await buildScorecard(store, org, { scope, period, now }),
    await buildScorecard(store, org, { scope, period: previous, now }),
  ];
  const previousKpi = new Map(before.kras.flatMap((k) => k.kpis.map((p) => [p.kpi, p.value] as const)));
  const previousKra = new Map(before.kras.map((k) => [k.kra, k.score]));
  const medians =
    kind === 'agent_weekly'
      ? new Map((await agentVsTeamMedian(store, org, card, now)).kpis.map((k) => [k.kpi, k]))
      : null;

  const h = await loadHierarchy(store, org.id);
  const goals =
    kind === 'agent_weekly'
      ? []
      : (await evaluateGoals(store, org, { now, asOf: period.to }))
          .filter((g) => within(scope, g.scope, h))
          .map((g) => ({
            id: g.id,
            name: g.name,
            kpi_name: g.kpi_name,
            scope: scopeLabel(g.scope),
            status: g.status,
            progress: g.progress,
            pace: g.pace,
            deadline: g.deadline,
            reason: g.reason,
          }));
  const warnings: string[] = [];
  if (kind !== 'agent_weekly' && scope.kind !== 'agent') {
    const levels =
      scope.kind === 'organization'
        ? ['organization', 'desk', 'team']
        : scope.kind === 'desk'
          ? ['desk', 'team']
          : ['team'];
    const cw = await checkCounterweights(store, org, {
      now,
      lastDay: period.to,
      levels: levels as Array<'organization' | 'desk' | 'team'>,
    });
    for (const w of cw.warnings)
      if (within(scope, w.scope, h)) warnings.push(`${scopeLabel(w.scope)}: ${w.message}`);
  }
  const rules = new Map(
    (await listRules(store.db, org.id)).filter((r) => within(scope, r.scope, h)).map((r) => [r.id, r]),
  );
  const alerts = (
    await listEvents(store.db, org.id, { state: 'firing', ruleIds: [...rules.keys()], limit: 50 })
  ).map((e) => ({
    rule: rules.get(e.rule_id)?.name ?? `rule #${e.rule_id}`,
    subject: e.subject,
    since: e.fired_at,
  }));

  const title = kind === 'agent_weekly' ? `${REPORT_TITLES[kind]} for ${scope.name}` : REPORT_TITLES[kind];
  return {
    kind,
    title,
    organization: { name: org.name, slug: org.slug, time_zone: org.time_zone },
    scope: { kind: scope.kind, id: scope.id, name: scope.name, label: scopeLabel(scope) },
    period,
    previous_period: previous,
    generated_at: now,
    template: card.template,
    overall: { current: card.overall, previous: before.overall },
    indices: {
      happy_customers: {
        current: card.indices.happy_customers.score,
        previous: before.indices.happy_customers.score,
      },
      healthy_teams: {
        current: card.indices.healthy_teams.score,
        previous: before.indices.healthy_teams.score,
      },
    },
    kras: card.kras.map((k) => ({
      kra: k.kra,
      name: k.name,
      weight: k.weight,
      score: k.score,
      previous: previousKra.get(k.kra) ?? null,
    })),
    kpis: card.kras.flatMap((k) =>
      k.kpis
        .filter((p) => p.status !== 'not_applicable')
        .map((p) => ({
          kra: k.kra,
          kra_name: k.name,
          kpi: p.kpi,
          name: p.name,
          unit: p.unit,
          direction: p.direction,
          value: p.value,
          previous: previousKpi.get(p.kpi) ?? null,
          n: p.n,
          significant: p.significant,
          ci_low: p.ci_low,
          ci_high: p.ci_high,
          target: p.target,
          floor: p.floor,
          target_source: p.target_source,
          score: p.score,
          status: p.status,
          ...(medians
            ? {
                team_median: medians.get(p.kpi)?.team_median ?? null,
                vs_team_median: medians.get(p.kpi)?.vs_team_median ?? null,
              }
            : {}),
        })),
    ),
    trends: await trends(store, org, kind, scope, period, now),
    trend_grain: kind === 'kra_review' ? 'month' : 'week',
    goals,
    warnings,
    alerts,
  };
}
