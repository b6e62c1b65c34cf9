import { type RawBuilder, sql } from 'kysely';
import { type Dimension, type KpiDefinition, KpiDefinitionError, type SourceName } from './kpi-definition.js';

/**
 * Each source is a derived table `f` over the fact tables with the same few columns: `at` (the
 * placing timestamp), one column per segment dimension credited at that event, and the fact columns
 * that filters and statistics read. Keeping the shape uniform keeps the compiler small.
 */
export interface SourceSpec {
  /** Fact columns filters and statistics may name. */
  columns: ReadonlySet<string>;
  dimensions: ReadonlySet<Dimension>;
  /** The rows for one organisation whose `at` falls in [start, end). */
  rows(orgId: number, start: Date, end: Date, now: Date): RawBuilder<unknown>;
  /** How a row counts (one each, or distinct agent × `localDay`), over the rows `filter` keeps. */
  countExpression(localDay: () => RawBuilder<string>, filter?: RawBuilder<boolean>): RawBuilder<number>;
  /** The count is of distinct values, so a group can hold rows and still count 0. */
  countsDistinct?: true;
}

const TICKET_COLUMNS = new Set([
  'status',
  'channel',
  'priority',
  'desk_id',
  'customer_id',
  'first_response_seconds',
  'first_response_business_seconds',
  'first_resolution_seconds',
  'first_resolution_business_seconds',
  'full_resolution_seconds',
  'full_resolution_business_seconds',
  'reopen_count',
  'agent_replies',
  'customer_messages',
  'handle_time_seconds',
  'escalated_at',
  'escalation_response_seconds',
  'escalation_response_business_seconds',
  'automated',
  'complaint',
  'kb_linked',
  'fcr_single_reply_no_reopen',
  'fcr_one_touch',
  'fcr_no_customer_followup',
  'first_solved_at',
  'solved_at',
  'created_at',
  'complaint_solved_within_7_days',
]);
const ALL_DIMENSIONS: ReadonlySet<Dimension> = new Set(['desk', 'team', 'agent', 'channel', 'priority']);
const filtered = (filter: RawBuilder<boolean> | undefined) =>
  filter ? sql` FILTER (WHERE ${filter})` : sql``;
const COUNT_ROWS: SourceSpec['countExpression'] = (_localDay, filter) =>
  sql<number>`count(*)${filtered(filter)}`;

// Sessions run in UTC, where 7 days are 168 hours; DuckDB adds hours to a TIMESTAMPTZ without its
// calendar (ICU), about five times faster than days, on every row of every ticket scan.
function ticketSource(time: string, team: string, agent: string): SourceSpec {
  return {
    columns: TICKET_COLUMNS,
    dimensions: ALL_DIMENSIONS,
    rows: (orgId, start, end) => sql`(SELECT t.*,
        ${sql.ref(`t.${time}`)} AS placed_at, t.desk_id AS desk, ${sql.ref(`t.${team}`)} AS team,
        ${sql.ref(`t.${agent}`)} AS agent,
        (coalesce(t.first_solved_at, t.solved_at) <= t.created_at + INTERVAL '168 hours') IS TRUE AS complaint_solved_within_7_days
      FROM ticket_facts t
      WHERE t.org_id = ${orgId} AND ${sql.ref(`t.${time}`)} >= ${start} AND ${sql.ref(`t.${time}`)} < ${end})`,
    countExpression: COUNT_ROWS,
  };
}

const SLA_COLUMNS = new Set([
  'metric',
  'policy_id',
  'priority',
  'channel',
  'target_seconds',
  'business_hours',
  'achieved_at',
]);

/**
 * SLA target instances placed by their outcome: achieved when met, breached when due. A running clock
 * whose due time has passed counts as breached as of `now`, before any re-derive says so.
 */
function slaSource(onlyBreached: boolean): SourceSpec {
  const placed = sql`coalesce(s.achieved_at, s.breached_at)`;
  return {
    columns: SLA_COLUMNS,
    dimensions: ALL_DIMENSIONS,
    rows: (
      orgId,
      start,
      end,
      now,
    ) => sql`(SELECT s.*, ${placed} AS placed_at, s.desk_id AS desk, s.team_id AS team,
        s.assignee_id AS agent
      FROM sla_instances s
      WHERE s.org_id = ${orgId} AND ${placed} >= ${start} AND ${placed} < ${end}
        AND ${onlyBreached ? sql`s.breached_at <= ${now}` : sql`(s.achieved_at IS NOT NULL OR s.breached_at <= ${now})`})`,
    countExpression: COUNT_ROWS,
  };
}

const SURVEY_DIMENSIONS: ReadonlySet<Dimension> = new Set(['desk', 'team', 'agent', 'channel']);

/**
 * Surveys placed by their answer or by their sending. Credited to the agent, team and desk the row
 * names; when it names none but names a ticket, to the ticket's assignee and team at its final solve
 * (else at creation), as KPI-DEFINITIONS.md attributes ratings.
 */
function surveySource(time: 'responded_at' | 'sent_at'): SourceSpec {
  return {
    columns: new Set([
      'kind',
      'score',
      'score_std',
      'positive',
      'detractor',
      'responded_at',
      'sent_at',
      'channel',
      'negative',
      'followup_seconds',
    ]),
    dimensions: SURVEY_DIMENSIONS,
    rows: (orgId, start, end) => sql`(SELECT s.*, ${sql.ref(`s.${time}`)} AS placed_at,
        coalesce(s.desk_id, t.desk_id) AS desk,
        coalesce(s.team_id, t.solved_team_id, t.created_team_id) AS team,
        coalesce(s.agent_id, t.solved_assignee_id, t.created_assignee_id) AS agent
      FROM surveys s
      LEFT JOIN ticket_facts t ON t.org_id = s.org_id AND t.ticket_id = s.ticket_id
      WHERE s.org_id = ${orgId} AND ${sql.ref(`s.${time}`)} >= ${start} AND ${sql.ref(`s.${time}`)} < ${end})`,
    countExpression: COUNT_ROWS,
  };
}

function reportSource(time: 'due_at' | 'delivered_at'): SourceSpec {
  return {
    columns: new Set(['report', 'on_time_accurate', 'corrected_at', 'delivered_at']),
    dimensions: new Set(['desk', 'team']),
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT r.*, ${sql.ref(`r.${time}`)} AS placed_at, r.desk_id AS desk, r.team_id AS team
      FROM reports r
      WHERE r.org_id = ${orgId} AND ${sql.ref(`r.${time}`)} >= ${start} AND ${sql.ref(`r.${time}`)} < ${end})`,
    countExpression: COUNT_ROWS,
  };
}

/** Agent activity (a human public reply or a solve): agent-days, or distinct agents. */
const agentActivityRows: SourceSpec['rows'] = (orgId, start, end) => sql`(
    SELECT r.replied_at AS placed_at, r.desk_id AS desk, r.team_id AS team, r.agent_id AS agent, r.channel, r.priority
    FROM reply_facts r
    WHERE r.org_id = ${orgId} AND r.replied_at >= ${start} AND r.replied_at < ${end} AND r.agent_id IS NOT NULL
    UNION ALL
    SELECT t.solved_at, t.desk_id, t.solved_team_id, t.solved_assignee_id, t.channel, t.priority
    FROM ticket_facts t
    WHERE t.org_id = ${orgId} AND t.solved_at >= ${start} AND t.solved_at < ${end} AND t.solved_assignee_id IS NOT NULL)`;

export const SOURCE_SPECS: Record<Exclude<SourceName, 'backlog'>, SourceSpec> = {
  kb_feedback_by_raised: {
    columns: new Set(['resolved_within_14_days', 'resolved_at']),
    dimensions: new Set(['desk']),
    rows: (orgId, start, end) => sql`(SELECT k.*, k.raised_at AS placed_at, k.desk_id AS desk
      FROM kb_feedback k
      WHERE k.org_id = ${orgId} AND k.raised_at >= ${start} AND k.raised_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  // Articles written or updated by agents.
  kb_contributions: {
    columns: new Set(['action']),
    dimensions: new Set(),
    rows: (orgId, start, end) => sql`(SELECT k.*, k.at AS placed_at, k.agent_id AS agent
      FROM kb_activity k
      WHERE k.org_id = ${orgId} AND k.at >= ${start} AND k.at < ${end}
        AND k.action IN ('created', 'updated') AND k.agent_id IS NOT NULL)`,
    countExpression: COUNT_ROWS,
  },
  // Agents with a human public reply or a solve in the period.
  active_agents: {
    columns: new Set(['channel', 'priority']),
    dimensions: ALL_DIMENSIONS,
    rows: agentActivityRows,
    countExpression: (_localDay, filter) => sql<number>`count(DISTINCT f.agent)${filtered(filter)}`,
    countsDistinct: true,
  },
  presence: {
    columns: new Set(['logged_in_seconds', 'handling_seconds']),
    dimensions: new Set(['desk', 'team', 'agent']),
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT p.*, p.period_start AS placed_at, p.desk_id AS desk, p.team_id AS team,
        p.agent_id AS agent
      FROM agent_presence p
      WHERE p.org_id = ${orgId} AND p.period_start >= ${start} AND p.period_start < ${end})`,
    countExpression: COUNT_ROWS,
  },
  crises_by_resolved: {
    columns: new Set(['resolution_seconds', 'updates_required', 'updates_on_time']),
    dimensions: new Set(['desk']),
    rows: (orgId, start, end) => sql`(SELECT c.*, c.resolved_at AS placed_at, c.desk_id AS desk
      FROM crises c
      WHERE c.org_id = ${orgId} AND c.resolved_at >= ${start} AND c.resolved_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  // A tool's period belongs where it starts (its end is the next period's start).
  tool_periods: {
    columns: new Set(['tool', 'licensed_seats', 'active_users', 'seat_minutes', 'seat_downtime_minutes']),
    dimensions: new Set(),
    rows: (orgId, start, end) => sql`(SELECT p.*, p.period_start AS placed_at
      FROM tool_periods p
      WHERE p.org_id = ${orgId} AND p.period_start >= ${start} AND p.period_start < ${end})`,
    countExpression: COUNT_ROWS,
  },
  // Recorded values of manual KPIs, placed by the last day they cover.
  measurements: {
    columns: new Set(['kpi', 'value']),
    dimensions: new Set(['desk', 'team', 'agent']),
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT m.*, m.period_end AS placed_at, m.desk_id AS desk, m.team_id AS team,
        m.agent_id AS agent
      FROM manual_measurements m
      WHERE m.org_id = ${orgId} AND m.period_end >= ${start} AND m.period_end < ${end})`,
    countExpression: COUNT_ROWS,
  },
  reports_by_due: reportSource('due_at'),
  reports_by_delivery: reportSource('delivered_at'),
  improvements_by_logged: {
    columns: new Set(['kind', 'implemented_at']),
    dimensions: new Set(['desk', 'team']),
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT i.*, i.logged_at AS placed_at, i.desk_id AS desk, i.team_id AS team
      FROM improvements i
      WHERE i.org_id = ${orgId} AND i.logged_at >= ${start} AND i.logged_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  enrolments_by_due: {
    columns: new Set(['category', 'course', 'completed_on_time', 'completed_at']),
    dimensions: new Set(['desk', 'team', 'agent']),
    rows: (orgId, start, end) => sql`(SELECT t.*, t.due_at AS placed_at, t.desk_id AS desk, t.team_id AS team,
        t.agent_id AS agent
      FROM training_enrolments t
      WHERE t.org_id = ${orgId} AND t.due_at >= ${start} AND t.due_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  qa_reviews: {
    columns: new Set(['score_pct', 'critical_failed', 'scorecard']),
    dimensions: new Set(['desk', 'team', 'agent']),
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT q.*, q.reviewed_at AS placed_at, q.desk_id AS desk, q.team_id AS team,
        q.agent_id AS agent
      FROM qa_reviews q
      WHERE q.org_id = ${orgId} AND q.reviewed_at >= ${start} AND q.reviewed_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  survey_responses: surveySource('responded_at'),
  survey_sends: surveySource('sent_at'),
  tickets_by_created: ticketSource('created_at', 'created_team_id', 'created_assignee_id'),
  tickets_by_solve: ticketSource('solved_at', 'solved_team_id', 'solved_assignee_id'),
  tickets_by_escalation: ticketSource('escalated_at', 'escalated_team_id', 'escalated_assignee_id'),
  replies: {
    columns: new Set(['reply_seconds', 'reply_business_seconds', 'is_first', 'channel', 'priority']),
    dimensions: ALL_DIMENSIONS,
    rows: (
      orgId,
      start,
      end,
    ) => sql`(SELECT r.*, r.replied_at AS placed_at, r.desk_id AS desk, r.team_id AS team, r.agent_id AS agent
      FROM reply_facts r
      WHERE r.org_id = ${orgId} AND r.replied_at >= ${start} AND r.replied_at < ${end})`,
    countExpression: COUNT_ROWS,
  },
  sla_by_outcome: slaSource(false),
  sla_by_breached: slaSource(true),
  // An agent is active on a local day when they sent a public reply or solved a ticket that day.
  agent_days: {
    columns: new Set(['channel', 'priority']),
    dimensions: ALL_DIMENSIONS,
    rows: agentActivityRows,
    countExpression: (localDay, filter) =>
      sql<number>`count(DISTINCT f.agent || '|' || ${localDay()})${filtered(filter)}`,
    countsDistinct: true,
  },
};

/** Refuses definitions that segment a KPI by a dimension one of its sources cannot answer. */
export function checkDimensions(defs: Iterable<KpiDefinition>): void {
  const problems: string[] = [];
  for (const def of defs) {
    const m = def.measure;
    // Measures with their own SQL (backlog, lifecycle, …) check their columns where they are compiled.
    const sides = m.kind === 'ratio' ? [m.numerator, m.denominator] : 'of' in m ? [m.of] : [];
    for (const side of sides) {
      if (side.source === 'backlog') continue;
      const supported = SOURCE_SPECS[side.source].dimensions;
      for (const d of def.dimensions) {
        if (!supported.has(d)) problems.push(`${def.id}.dimensions: ${side.source} has no ${d}`);
      }
    }
  }
  if (problems.length > 0)
    throw new KpiDefinitionError(`invalid KPI definitions:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
