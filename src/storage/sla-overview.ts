import { type Kysely, sql } from 'kysely';
import { DateTime } from 'luxon';
import { rangeUtc } from '../engine/periods.js';
import type { Database } from './schema.js';

/**
 * The SLA page of the dashboard in one read: compliance per policy and target (metric × priority),
 * where breaches concentrate (by metric, priority, team, channel, hour and weekday of the breach, in the
 * organisation's zone) and the running clocks due soon. Outcomes are placed like `sla_compliance`:
 * when the target was met, or when it fell due (a running clock past due counts as breached).
 */

export interface SlaRestriction {
  team?: readonly string[];
  agent?: readonly string[];
}

export interface SlaTargetCompliance {
  policy_id: string | null;
  policy_name: string | null;
  metric: string;
  priority: string | null;
  target_seconds: number | null;
  business_hours: boolean;
  achieved: number;
  breached: number;
  total: number;
  /** 100 × achieved ÷ total. */
  compliance: number | null;
}

export interface ParetoItem {
  key: string;
  breaches: number;
  /** Cumulative share of all breaches up to and including this item (0–100). */
  cumulative_pct: number;
}

export interface SlaAtRisk {
  ticket_id: string;
  metric: string;
  priority: string | null;
  team: string | null;
  agent: string | null;
  channel: string | null;
  policy_id: string | null;
  due_at: Date;
  minutes_left: number;
}

export interface SlaOverview {
  from: string;
  to: string;
  time_zone: string;
  totals: { achieved: number; breached: number; total: number; compliance: number | null };
  by_target: SlaTargetCompliance[];
  pareto: Record<'metric' | 'priority' | 'team' | 'channel' | 'hour' | 'weekday', ParetoItem[]>;
  at_risk: SlaAtRisk[];
  at_risk_within_hours: number;
}

const WEEKDAYS = ['1 Mon', '2 Tue', '3 Wed', '4 Thu', '5 Fri', '6 Sat', '7 Sun'];

function pareto(counts: Map<string, number>, order?: readonly string[]): ParetoItem[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const items = order
    ? order.map((key) => ({ key, breaches: counts.get(key) ?? 0 }))
    : [...counts.entries()]
        .map(([key, breaches]) => ({ key, breaches }))
        .sort((a, b) => b.breaches - a.breaches);
  let running = 0;
  return items.map((i) => {
    running += i.breaches;
    return { ...i, cumulative_pct: total ? Math.round((running / total) * 10000) / 100 : 0 };
  });
}

export async function slaOverview(
  db: Kysely<Database>,
  org: { id: number; time_zone: string },
  input: { from: string; to: string; now: Date; restriction: SlaRestriction; atRiskHours?: number },
): Promise<SlaOverview> {
  const { start, end } = rangeUtc(input.from, input.to, org.time_zone);
  const now = input.now;
  let outcomes = db
    .selectFrom('sla_instances as s')
    .where('s.org_id', '=', org.id)
    .where(sql<boolean>`coalesce(s.achieved_at, s.breached_at) >= ${start}`)
    .where(sql<boolean>`coalesce(s.achieved_at, s.breached_at) < ${end}`)
    .where((eb) => eb.or([eb('s.achieved_at', 'is not', null), eb('s.breached_at', '<=', now)]));
  // An empty list (a team lead who leads no team) matches nothing.
  const team = input.restriction.team;
  const agent = input.restriction.agent;
  if (team)
    outcomes = team.length
      ? outcomes.where('s.team_id', 'in', [...team])
      : outcomes.where(sql<boolean>`false`);
  if (agent)
    outcomes = agent.length
      ? outcomes.where('s.assignee_id', 'in', [...agent])
      : outcomes.where(sql<boolean>`false`);

  const grouped = await outcomes
    .select([
      's.policy_id',
      's.metric',
      's.priority',
      's.target_seconds',
      's.business_hours',
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(CASE WHEN s.achieved_at IS NOT NULL THEN 1 ELSE 0 END)`.as('achieved'),
    ])
    .groupBy(['s.policy_id', 's.metric', 's.priority', 's.target_seconds', 's.business_hours'])
    .execute();

  const breachRows = await outcomes
    .where('s.achieved_at', 'is', null)
    .select(['s.metric', 's.priority', 's.team_id', 's.channel', 's.breached_at'])
    .execute();

  const policies = new Map(
    (await db.selectFrom('sla_policies').select(['id', 'name']).where('org_id', '=', org.id).execute()).map(
      (p) => [p.id, p.name],
    ),
  );
  const teams = new Map(
    (await db.selectFrom('teams').select(['id', 'name']).where('org_id', '=', org.id).execute()).map((t) => [
      t.id,
      t.name,
    ]),
  );
  const agents = new Map(
    (await db.selectFrom('agents').select(['id', 'name']).where('org_id', '=', org.id).execute()).map((a) => [
      a.id,
      a.name,
    ]),
  );

  const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];
  const METRIC_ORDER = ['first_reply', 'next_reply', 'resolution', 'ticket'];
  const by_target: SlaTargetCompliance[] = grouped
    .map((g) => {
      const total = Number(g.total);
      const achieved = Number(g.achieved);
      return {
        policy_id: g.policy_id,
        policy_name: g.policy_id ? (policies.get(g.policy_id) ?? g.policy_id) : null,
        metric: g.metric,
        priority: g.priority,
        target_seconds: g.target_seconds === null ? null : Number(g.target_seconds),
        business_hours: Boolean(g.business_hours),
        achieved,
        breached: total - achieved,
        total,
        compliance: total ? Math.round((achieved / total) * 10000) / 100 : null,
      };
    })
    .sort(
      (a, b) =>
        (a.policy_name ?? '').localeCompare(b.policy_name ?? '') ||
        METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric) ||
        PRIORITY_ORDER.indexOf(a.priority ?? '') - PRIORITY_ORDER.indexOf(b.priority ?? ''),
    );
  const achieved = by_target.reduce((s, r) => s + r.achieved, 0);
  const total = by_target.reduce((s, r) => s + r.total, 0);

  const counters = {
    metric: new Map<string, number>(),
    priority: new Map<string, number>(),
    team: new Map<string, number>(),
    channel: new Map<string, number>(),
    hour: new Map<string, number>(),
    weekday: new Map<string, number>(),
  };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of breachRows) {
    bump(counters.metric, r.metric);
    bump(counters.priority, r.priority ?? '(none)');
    bump(counters.team, r.team_id ? (teams.get(r.team_id) ?? r.team_id) : '(none)');
    bump(counters.channel, r.channel ?? '(none)');
    if (r.breached_at) {
      const local = DateTime.fromJSDate(new Date(r.breached_at), { zone: org.time_zone });
      bump(counters.hour, String(local.hour).padStart(2, '0'));
      bump(counters.weekday, WEEKDAYS[local.weekday - 1]!);
    }
  }
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

  const withinHours = input.atRiskHours ?? 24;
  const horizon = new Date(now.getTime() + withinHours * 3_600_000);
  let running = db
    .selectFrom('sla_instances')
    .select(['ticket_id', 'metric', 'priority', 'team_id', 'assignee_id', 'channel', 'policy_id', 'due_at'])
    .where('org_id', '=', org.id)
    .where('completed_at', 'is', null)
    .where('due_at', 'is not', null)
    .where('due_at', '>', now)
    .where('due_at', '<=', horizon);
  if (team)
    running = team.length ? running.where('team_id', 'in', [...team]) : running.where(sql<boolean>`false`);
  if (agent)
    running = agent.length
      ? running.where('assignee_id', 'in', [...agent])
      : running.where(sql<boolean>`false`);
  const soon = await running.orderBy('due_at').orderBy('ticket_id').limit(200).execute();

  return {
    from: input.from,
    to: input.to,
    time_zone: org.time_zone,
    totals: {
      achieved,
      breached: total - achieved,
      total,
      compliance: total ? Math.round((achieved / total) * 10000) / 100 : null,
    },
    by_target,
    pareto: {
      metric: pareto(counters.metric),
      priority: pareto(counters.priority),
      team: pareto(counters.team),
      channel: pareto(counters.channel),
      hour: pareto(counters.hour, hours),
      weekday: pareto(counters.weekday, WEEKDAYS),
    },
    at_risk: soon.map((r) => {
      const due = new Date(r.due_at!);
      return {
        ticket_id: r.ticket_id,
        metric: r.metric,
        priority: r.priority,
        team: r.team_id ? (teams.get(r.team_id) ?? r.team_id) : null,
        agent: r.assignee_id ? (agents.get(r.assignee_id) ?? r.assignee_id) : null,
        channel: r.channel,
        policy_id: r.policy_id,
        due_at: due,
        minutes_left: Math.max(0, Math.round((due.getTime() - now.getTime()) / 60_000)),
      };
    }),
    at_risk_within_hours: withinHours,
  };
}
