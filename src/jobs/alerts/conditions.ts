import { DateTime } from 'luxon';
import { CATALOGUE } from '../../catalogue/index.js';
import { parseParams } from '../../engine/alert-rules.js';
import { addDays, type GoalScopeKind, localDay } from '../../engine/goals.js';
import { formatValue, round } from '../../reports/format.js';
import type { AlertRule } from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import { findScope, type Scope, scopeLabel } from '../../storage/scopes.js';
import { checkCounterweights } from '../counterweights.js';
import { evaluateGoals } from '../evaluate-goals.js';
import { measureKpi } from '../measure-kpi.js';
import { detectVolumeSpikes } from '../volume-forecast.js';

/** One thing a rule finds in its condition (a KPI, a goal, a ticket's SLA clock, a warning, a spike). */
export interface Subject {
  /** Stable identity within the rule: the dedupe key. */
  key: string;
  label: string;
  /** One line for the notice. */
  summary: string;
  /** A changed fingerprint (e.g. a goal going from at risk to off track) is notified again. */
  fingerprint?: string;
  detail: Record<string, unknown>;
}

export interface ConditionResult {
  /** Subjects in the condition now. */
  subjects: Subject[];
  /**
   * Keys that cannot be judged now (a KPI below its minimum sample): an open event for them neither
   * fires again nor clears.
   */
  undetermined: string[];
  /** Why nothing could be judged, for the evaluation log. */
  note?: string;
}

/** Desks, teams and agents as a tree, to tell whether a subject's scope lies within a rule's scope. */
export interface Hierarchy {
  teamDesk: Map<string, string | null>;
  agentTeam: Map<string, string | null>;
  names: { desk: Map<string, string>; team: Map<string, string>; agent: Map<string, string> };
}

export async function loadHierarchy(store: Store, orgId: number): Promise<Hierarchy> {
  const [desks, teams, agents] = await Promise.all([
    store.db.selectFrom('desks').select(['id', 'name']).where('org_id', '=', orgId).execute(),
    store.db.selectFrom('teams').select(['id', 'name', 'desk_id']).where('org_id', '=', orgId).execute(),
    store.db.selectFrom('agents').select(['id', 'name', 'team_id']).where('org_id', '=', orgId).execute(),
  ]);
  return {
    teamDesk: new Map(teams.map((t) => [t.id, t.desk_id])),
    agentTeam: new Map(agents.map((a) => [a.id, a.team_id])),
    names: {
      desk: new Map(desks.map((d) => [d.id, d.name])),
      team: new Map(teams.map((t) => [t.id, t.name])),
      agent: new Map(agents.map((a) => [a.id, a.name])),
    },
  };
}

/** Whether `inner` lies within `outer`: the organisation holds everything, a desk its teams and their agents. */
export function within(
  outer: { kind: GoalScopeKind; id: string | null },
  inner: { kind: GoalScopeKind; id: string | null },
  h: Hierarchy,
): boolean {
  if (outer.kind === 'organization') return true;
  if (inner.kind === outer.kind) return inner.id === outer.id;
  if (inner.id === null) return false;
  const teamOf = (kind: GoalScopeKind, id: string) =>
    kind === 'team' ? id : kind === 'agent' ? (h.agentTeam.get(id) ?? null) : null;
  if (outer.kind === 'team') return teamOf(inner.kind, inner.id) === outer.id;
  if (outer.kind === 'desk') {
    const team = teamOf(inner.kind, inner.id);
    return team !== null && h.teamDesk.get(team) === outer.id;
  }
  return false;
}

export class ConditionError extends Error {}

async function ruleScope(store: Store, org: Organization, rule: AlertRule): Promise<Scope> {
  const scope = await findScope(store.db, org.id, rule.scope.kind, rule.scope.id);
  if (!scope) throw new ConditionError(`the rule's ${rule.scope.kind} "${rule.scope.id}" no longer exists`);
  return scope;
}

const localTime = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');

async function kpiThreshold(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
): Promise<ConditionResult> {
  const p = parseParams('kpi_threshold', rule.params);
  const def = CATALOGUE.get(p.kpi);
  if (!def) throw new ConditionError(`unknown KPI "${p.kpi}"`);
  const scope = await ruleScope(store, org, rule);
  const to = localDay(now, org.time_zone);
  const range = { from: addDays(to, -(p.window_days - 1)), to };
  const m = await measureKpi(store, org, p.kpi, scope, range, now);
  if (!m) throw new ConditionError(`${p.kpi} cannot be measured for a ${scope.kind}`);
  const key = `kpi:${p.kpi}`;
  if (m.value === null || !m.significant) {
    return {
      subjects: [],
      undetermined: [key],
      note: `${def.name} over ${range.from}–${range.to} has n ${m.n}, below its minimum ${def.minN}: not judged`,
    };
  }
  const crossed = p.op === 'above' ? m.value > p.threshold : m.value < p.threshold;
  if (!crossed) return { subjects: [], undetermined: [] };
  const ci =
    m.ci_low !== null && m.ci_high !== null
      ? `, 95 % ${formatValue(m.ci_low, def.unit)}–${formatValue(m.ci_high, def.unit)}`
      : '';
  return {
    subjects: [
      {
        key,
        label: `${def.name} for ${scopeLabel(scope)}`,
        summary: `${def.name} for ${scopeLabel(scope)} is ${formatValue(m.value, def.unit)} over ${range.from} to ${range.to} (n ${m.n}${ci}), ${p.op} the threshold ${formatValue(p.threshold, def.unit)}`,
        detail: {
          kpi: p.kpi,
          value: m.value,
          n: m.n,
          ci_low: m.ci_low,
          ci_high: m.ci_high,
          from: range.from,
          to: range.to,
          threshold: p.threshold,
          op: p.op,
        },
      },
    ],
    undetermined: [],
  };
}

async function goalStatus(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
  h: Hierarchy,
): Promise<ConditionResult> {
  const p = parseParams('goal_status', rule.params);
  const reports = await evaluateGoals(store, org, { now });
  const subjects: Subject[] = [];
  for (const g of reports) {
    if (!within(rule.scope, g.scope, h)) continue;
    if (!(p.statuses as readonly string[]).includes(g.status)) continue;
    subjects.push({
      key: `goal:${g.id}`,
      label: `Goal #${g.id} ${g.name}`,
      fingerprint: g.status,
      summary: `Goal #${g.id} "${g.name}" (${g.kpi_name}, ${scopeLabel(g.scope)}) is ${g.status.replace('_', ' ')}: ${g.reason}`,
      detail: {
        goal_id: g.id,
        status: g.status,
        recorded_status: g.recorded.status,
        value: g.current.value,
        n: g.current.n,
        progress: g.progress,
        pace: g.pace,
        as_of: g.as_of,
      },
    });
  }
  return { subjects, undetermined: [] };
}

async function slaRisk(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
  h: Hierarchy,
): Promise<ConditionResult> {
  const p = parseParams('sla_risk', rule.params);
  const horizon = new Date(now.getTime() + p.within_minutes * 60_000);
  let q = store.db
    .selectFrom('sla_instances')
    .select(['ticket_id', 'seq', 'metric', 'priority', 'desk_id', 'team_id', 'assignee_id', 'due_at'])
    .where('org_id', '=', org.id)
    .where('completed_at', 'is', null)
    .where('due_at', 'is not', null)
    .where('due_at', '>', now)
    .where('due_at', '<=', horizon);
  const { kind, id } = rule.scope;
  if (kind !== 'organization') {
    if (id === null) throw new ConditionError('the rule names no scope id');
    if (kind === 'desk') q = q.where('desk_id', '=', id);
    else if (kind === 'team') q = q.where('team_id', '=', id);
    else q = q.where('assignee_id', '=', id);
  }
  if (p.metrics) q = q.where('metric', 'in', p.metrics);
  const rows = await q.orderBy('due_at').orderBy('ticket_id').orderBy('seq').limit(500).execute();
  const subjects = rows.map((r): Subject => {
    const due = r.due_at!;
    const minutes = Math.max(0, Math.round((due.getTime() - now.getTime()) / 60_000));
    const who = [
      r.team_id ? `team ${h.names.team.get(r.team_id) ?? r.team_id}` : null,
      r.assignee_id ? `agent ${h.names.agent.get(r.assignee_id) ?? r.assignee_id}` : null,
    ]
      .filter(Boolean)
      .join(', ');
    return {
      key: `sla:${r.ticket_id}:${r.seq}`,
      label: `Ticket ${r.ticket_id} (${r.metric.replace('_', ' ')})`,
      summary: `Ticket ${r.ticket_id}: ${r.metric.replace('_', ' ')} due ${localTime(due, org.time_zone)} (in ${minutes} min)${r.priority ? `, priority ${r.priority}` : ''}${who ? `, ${who}` : ''}`,
      detail: {
        ticket_id: r.ticket_id,
        seq: r.seq,
        metric: r.metric,
        due_at: due.toISOString(),
        priority: r.priority,
      },
    };
  });
  return { subjects, undetermined: [] };
}

/** Why SLA subjects left the condition: met, breached or paused. */
export async function slaOutcomes(
  store: Store,
  org: Organization,
  keys: readonly string[],
  now: Date,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const tickets = [...new Set(keys.map((k) => k.split(':')[1]!))];
  if (tickets.length === 0) return out;
  const rows = await store.db
    .selectFrom('sla_instances')
    .select(['ticket_id', 'seq', 'achieved_at', 'breached_at', 'completed_at', 'due_at'])
    .where('org_id', '=', org.id)
    .where('ticket_id', 'in', tickets)
    .execute();
  for (const r of rows) {
    const key = `sla:${r.ticket_id}:${r.seq}`;
    if (!keys.includes(key)) continue;
    if (r.achieved_at) out.set(key, 'met');
    else if (r.breached_at && r.breached_at <= now) out.set(key, 'breached');
    else if (r.due_at === null) out.set(key, 'paused');
    else out.set(key, 'no longer due within the window');
  }
  for (const k of keys) if (!out.has(k)) out.set(k, 'no longer tracked');
  return out;
}

async function counterweight(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
  h: Hierarchy,
): Promise<ConditionResult> {
  parseParams('counterweight', rule.params);
  const levels =
    rule.scope.kind === 'organization'
      ? (['organization', 'desk', 'team'] as const)
      : rule.scope.kind === 'desk'
        ? (['desk', 'team'] as const)
        : (['team'] as const);
  const report = await checkCounterweights(store, org, { now, levels: [...levels] });
  const subjects = report.warnings
    .filter((w) => within(rule.scope, w.scope, h))
    .map(
      (w): Subject => ({
        key: `cw:${w.scope.kind}:${w.scope.id ?? ''}:${w.kpi}:${w.counterweight}`,
        label: `${w.kpi} ↔ ${w.counterweight} for ${scopeLabel(w.scope)}`,
        summary: `${scopeLabel(w.scope)}: ${w.message}`,
        detail: { kpi: w.kpi, counterweight: w.counterweight, scope: w.scope, windows: report.windows },
      }),
    );
  return { subjects, undetermined: [] };
}

async function volumeSpike(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
): Promise<ConditionResult> {
  const p = parseParams('volume_spike', rule.params);
  const scope = await ruleScope(store, org, rule);
  const today = localDay(now, org.time_zone);
  const rows = await detectVolumeSpikes(store, org, {
    days: 1,
    asOf: today,
    level: p.level,
    scopes: [{ deskId: scope.kind === 'desk' ? scope.id : null, channel: p.channel ?? null }],
  });
  const subjects = rows
    .filter((r) => r.kind === 'spike')
    .map(
      (r): Subject => ({
        key: `spike:${scope.id ?? 'org'}:${p.channel ?? ''}`,
        label: `Ticket volume of ${scopeLabel(scope)}${p.channel ? ` (${p.channel})` : ''}`,
        fingerprint: r.period,
        summary: `${r.period}: ${r.actual} tickets for ${scopeLabel(scope)}${p.channel ? ` on ${p.channel}` : ''}, forecast ${round(r.forecast, 1)} (${p.level} % interval up to ${round(r.upper, 1)}; ${r.deviationPct === null ? '' : `${r.deviationPct > 0 ? '+' : ''}${r.deviationPct} %, `}model ${r.model})`,
        detail: { ...r },
      }),
    );
  return { subjects, undetermined: [] };
}

/** The rule's condition now. */
export async function evaluateCondition(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
  h: Hierarchy,
): Promise<ConditionResult> {
  switch (rule.kind) {
    case 'kpi_threshold':
      return kpiThreshold(store, org, rule, now);
    case 'goal_status':
      return goalStatus(store, org, rule, now, h);
    case 'sla_risk':
      return slaRisk(store, org, rule, now, h);
    case 'counterweight':
      return counterweight(store, org, rule, now, h);
    case 'volume_spike':
      return volumeSpike(store, org, rule, now);
  }
}
