import { type RawBuilder, sql } from 'kysely';
import type { ColumnType } from '../storage/sql-dialect.js';
import { type QueryContext, ratioSides, whereClause } from './compile-kpi.js';
import {
  DIMENSIONS,
  type Dimension,
  type Filter,
  type KpiDefinition,
  type SourceName,
} from './kpi-definition.js';
import type { KpiQuery } from './kpi-query.js';
import { SOURCE_SPECS } from './sources.js';

/**
 * Drill-down (issue 7): the rows behind one KPI bucket × group, each with the facts that made the number,
 * so that a client can recount the numerator and denominator. The rows come from the same derived
 * sources (`f`, see sources.ts) and the same filters as the KPI query; only the projection differs.
 *
 * Every row has the same columns whatever its source: `source`, `row_id`, `ticket_id`, `placed_at`, the
 * five dimensions, the membership flags `in_numerator` / `in_denominator` (ratios), `value` (the number a
 * statistic or a manual KPI used), `score` and `class` (surveys), and `fact_<name>` for each fact of the
 * sources involved (null where a row's source has no such fact).
 */

export class DrilldownUnsupportedError extends Error {}

/** A fact column: read from `f.<name>`, or computed (grouped sources). */
interface Fact {
  name: string;
  type: ColumnType;
}

const T: ColumnType = 'timestamptz';
const D: ColumnType = 'double';
const I: ColumnType = 'integer';
const B: ColumnType = 'boolean';
const S: ColumnType = 'text';
const facts = (...pairs: Array<[string, ColumnType]>): Fact[] =>
  pairs.map(([name, type]) => ({ name, type }));

/** The derived facts of a ticket (ticket_facts), in the order exports show them. */
export const TICKET_FACTS: readonly Fact[] = facts(
  ['status', S],
  ['created_at', T],
  ['first_response_at', T],
  ['first_response_seconds', D],
  ['first_response_business_seconds', D],
  ['first_solved_at', T],
  ['solved_at', T],
  ['first_resolution_seconds', D],
  ['first_resolution_business_seconds', D],
  ['full_resolution_seconds', D],
  ['full_resolution_business_seconds', D],
  ['reopen_count', I],
  ['agent_replies', I],
  ['customer_messages', I],
  ['handle_time_seconds', D],
  ['escalated_at', T],
  ['escalation_response_seconds', D],
  ['escalation_response_business_seconds', D],
  ['automated', B],
  ['complaint', B],
  ['kb_linked', B],
  ['complaint_solved_within_7_days', B],
  ['fcr_single_reply_no_reopen', B],
  ['fcr_one_touch', B],
  ['fcr_no_customer_followup', B],
  ['customer_id', S],
);

/** What one row of a source is, how it is identified, and which of its columns are shown. */
interface DrillSource {
  /** Row identity, unique within the source for one organisation. */
  id: 'ticket' | 'ticket_seq' | 'id';
  /** The row names a ticket (`f.ticket_id`). */
  ticket: boolean;
  /** The dimension columns `f` has (display only; filters use the source's own dimension list). */
  dims: readonly Dimension[];
  facts: readonly Fact[];
  /** Survey rows carry a score and its class. */
  survey?: boolean;
  /**
   * Sources counted as distinct agents or agent-days: a row is one such group of activities
   * (a reply or a solve), member of a side when any of its activities is.
   */
  grouped?: 'agent' | 'agent_day';
}

const ALL: readonly Dimension[] = DIMENSIONS;
const ticketSource: DrillSource = { id: 'ticket', ticket: true, dims: ALL, facts: TICKET_FACTS };
const surveySource: DrillSource = {
  id: 'id',
  ticket: true,
  dims: ['desk', 'team', 'agent', 'channel'],
  survey: true,
  facts: facts(
    ['kind', S],
    ['sent_at', T],
    ['responded_at', T],
    ['scale_min', D],
    ['scale_max', D],
    ['score_std', D],
    ['positive', B],
    ['detractor', B],
    ['negative', B],
    ['followup_seconds', D],
    ['comment', S],
    ['customer_id', S],
  ),
};
const reportSource: DrillSource = {
  id: 'id',
  ticket: false,
  dims: ['desk', 'team'],
  facts: facts(
    ['report', S],
    ['due_at', T],
    ['delivered_at', T],
    ['corrected_at', T],
    ['on_time_accurate', B],
  ),
};
const slaSource: DrillSource = {
  id: 'ticket_seq',
  ticket: true,
  dims: ALL,
  facts: facts(
    ['metric', S],
    ['policy_id', S],
    ['target_seconds', D],
    ['business_hours', B],
    ['started_at', T],
    ['due_at', T],
    ['completed_at', T],
    ['achieved_at', T],
    ['breached_at', T],
  ),
};
const activityFacts = facts(['activities', I]);

/** The rows behind a measure reading `backlog`: tickets open at the bucket's end (see compileBacklog). */
type DrillSourceName = Exclude<SourceName, 'backlog'> | 'backlog';

const DRILL_SOURCES: Record<DrillSourceName, DrillSource> = {
  tickets_by_created: ticketSource,
  tickets_by_solve: ticketSource,
  tickets_by_escalation: ticketSource,
  backlog: ticketSource,
  replies: {
    id: 'ticket_seq',
    ticket: true,
    dims: ALL,
    facts: facts(['is_first', B], ['reply_seconds', D], ['reply_business_seconds', D]),
  },
  sla_by_outcome: slaSource,
  sla_by_breached: slaSource,
  agent_days: {
    id: 'id',
    ticket: false,
    dims: ALL,
    facts: facts(['day', S], ['activities', I]),
    grouped: 'agent_day',
  },
  active_agents: { id: 'id', ticket: false, dims: ALL, facts: activityFacts, grouped: 'agent' },
  survey_responses: surveySource,
  survey_sends: surveySource,
  qa_reviews: {
    id: 'id',
    ticket: true,
    dims: ['desk', 'team', 'agent'],
    facts: facts(['reviewer', S], ['scorecard', S], ['score_pct', D], ['critical_failed', B]),
  },
  enrolments_by_due: {
    id: 'id',
    ticket: false,
    dims: ['desk', 'team', 'agent'],
    facts: facts(
      ['course', S],
      ['category', S],
      ['due_at', T],
      ['completed_at', T],
      ['completed_on_time', B],
    ),
  },
  improvements_by_logged: {
    id: 'id',
    ticket: false,
    dims: ['desk', 'team'],
    facts: facts(['kind', S], ['title', S], ['logged_at', T], ['implemented_at', T], ['owner', S]),
  },
  reports_by_due: reportSource,
  reports_by_delivery: reportSource,
  measurements: {
    id: 'id',
    ticket: false,
    dims: ['desk', 'team', 'agent'],
    facts: facts(['period_start', T], ['period_end', T], ['note', S], ['entered_by', S]),
  },
  tool_periods: {
    id: 'id',
    ticket: false,
    dims: [],
    facts: facts(
      ['tool', S],
      ['period_start', T],
      ['period_end', T],
      ['licensed_seats', D],
      ['active_users', D],
      ['seat_minutes', D],
      ['seat_downtime_minutes', D],
    ),
  },
  crises_by_resolved: {
    id: 'id',
    ticket: false,
    dims: ['desk'],
    facts: facts(
      ['title', S],
      ['started_at', T],
      ['resolved_at', T],
      ['resolution_seconds', D],
      ['updates_required', I],
      ['updates_on_time', I],
    ),
  },
  presence: {
    id: 'id',
    ticket: false,
    dims: ['desk', 'team', 'agent'],
    facts: facts(['period_start', T], ['period_end', T], ['logged_in_seconds', D], ['handling_seconds', D]),
  },
  kb_feedback_by_raised: {
    id: 'id',
    ticket: false,
    dims: ['desk'],
    facts: facts(['article_id', S], ['raised_at', T], ['resolved_at', T], ['resolved_within_14_days', B]),
  },
  kb_contributions: {
    id: 'id',
    ticket: false,
    dims: ['agent'],
    facts: facts(['article_id', S], ['action', S]),
  },
};

/** Columns a drill-down may be sorted by (the only names that reach ORDER BY). */
export const DRILL_SORTS = [
  'placed_at',
  'id',
  'ticket_id',
  'desk',
  'team',
  'agent',
  'channel',
  'priority',
  'value',
  'score',
  'in_numerator',
  'in_denominator',
] as const;
export type DrillSort = (typeof DRILL_SORTS)[number];
const TEXT_SORTS: ReadonlySet<DrillSort> = new Set([
  'id',
  'ticket_id',
  'desk',
  'team',
  'agent',
  'channel',
  'priority',
]);
const SORT_COLUMN: Record<DrillSort, string> = {
  placed_at: 'placed_at',
  id: 'row_id',
  ticket_id: 'ticket_id',
  desk: 'desk',
  team: 'team',
  agent: 'agent',
  channel: 'channel',
  priority: 'priority',
  value: 'value',
  score: 'score',
  in_numerator: 'in_numerator',
  in_denominator: 'in_denominator',
};

/** One row as the database returns it (fact columns are `fact_<name>`). */
export interface DrillRowRaw {
  source: string;
  row_id: string;
  ticket_id: string | null;
  placed_at: Date;
  /** `placed_at` at full precision as text, for keyset paging. */
  placed_key: string;
  desk: string | null;
  team: string | null;
  agent: string | null;
  channel: string | null;
  priority: string | null;
  in_numerator: boolean | null;
  in_denominator: boolean | null;
  value: number | null;
  score: number | null;
  class: string | null;
  [fact: `fact_${string}`]: unknown;
}

export interface DrillTotalsRaw {
  row_count: number;
  numerator: number;
  denominator: number;
  n_value: number;
  total: number | null;
  mean: number | null;
  sd: number | null;
  median: number | null;
  p90: number | null;
  promoters: number | null;
  detractors: number | null;
  sum_numerator: number | null;
  sum_denominator: number | null;
  latest: number | null;
}

/** How the totals turn into the KPI's number (the runner applies the same formulas as the query). */
export type DrillMeasure =
  | { kind: 'count' }
  | { kind: 'ratio'; scale: number; interval: 'wilson' | 'none' }
  | { kind: 'statistic'; statistic: 'median' | 'mean' | 'p90'; column: string }
  | { kind: 'nps' }
  | { kind: 'sum_ratio'; scale: number; numerator: string; denominator: string }
  | { kind: 'manual'; aggregate: 'sum' | 'latest' }
  | { kind: 'backlog' };

export interface DrillPage {
  sort: DrillSort;
  order: 'asc' | 'desc';
  limit: number;
  /** Offset paging (any sort). */
  offset?: number;
  /** Keyset paging after this row (sort placed_at only): the last row's placed_key, source and row_id. */
  after?: { placedKey: string; source: string; rowId: string };
}

export interface CompiledDrilldown {
  measure: DrillMeasure;
  /** The variant label of the query contract ("one_touch", "median, business"), or null. */
  variant: string | null;
  /** Fact columns, in order (without the `fact_` prefix). */
  facts: readonly string[];
  /** The sources rows can come from. */
  sources: readonly DrillSourceName[];
  rows(page: DrillPage): RawBuilder<DrillRowRaw>;
  totals(): RawBuilder<DrillTotalsRaw>;
}

/** The context of one drill-down: the query context with start/end set to the bucket, and the group. */
export interface DrillContext extends QueryContext {
  /** Rows whose `by` dimension is null (the "(none)" group); a named group travels in `where`. */
  nullGroup?: Dimension | undefined;
}

/** What makes a row a member of a ratio's side: its filters, every row, no row; null: not a ratio. */
type Member = readonly Filter[] | 'all' | 'never' | null;

interface Branch {
  source: DrillSourceName;
  numerator: Member;
  denominator: Member;
  /** Filters every row must pass (non-ratio measures). */
  only: readonly Filter[];
  /** Column whose value the row carries (statistic, manual). */
  value: string | null;
  /** Extra condition a row must meet (e.g. a statistic's column is not null). */
  extra: RawBuilder<boolean> | null;
}

function columnsOf(source: DrillSourceName): ReadonlySet<string> {
  return source === 'backlog' ? SOURCE_SPECS.tickets_by_created.columns : SOURCE_SPECS[source].columns;
}

function rowsOf(ctx: QueryContext, source: DrillSourceName): RawBuilder<unknown> {
  if (source !== 'backlog') return SOURCE_SPECS[source].rows(ctx.orgId, ctx.start, ctx.end, ctx.now);
  // As compileBacklog: created before the bucket's end and not (finally) solved by then, credited at creation.
  return sql`(SELECT t.*, t.created_at AS placed_at, t.desk_id AS desk, t.created_team_id AS team,
      t.created_assignee_id AS agent,
      (coalesce(t.first_solved_at, t.solved_at) <= t.created_at + INTERVAL '7 days') IS TRUE AS complaint_solved_within_7_days
    FROM ticket_facts t
    WHERE t.org_id = ${ctx.orgId} AND t.created_at < ${ctx.end}
      AND ((t.solved_at IS NULL AND t.status NOT IN ('solved', 'closed')) OR t.solved_at >= ${ctx.end}))`;
}

function typed(ctx: QueryContext, type: ColumnType) {
  return sql.raw(ctx.dialect.typeName(type));
}

/** Filters only (no dimensions): the condition a side adds. */
function filtersOf(
  ctx: QueryContext,
  filters: readonly Filter[],
  source: DrillSourceName,
): RawBuilder<boolean> {
  return whereClause({ ...ctx, where: {} }, filters, columnsOf(source));
}

function flag(ctx: QueryContext, side: Member, source: DrillSourceName): RawBuilder<boolean | null> {
  if (side === null) return sql<null>`CAST(NULL AS boolean)`;
  if (side === 'all') return sql<boolean>`TRUE`;
  if (side === 'never') return sql<boolean>`FALSE`;
  return sql<boolean>`((${filtersOf(ctx, side, source)}) IS TRUE)`;
}

/** A row belongs to the drill-down when it passes `only` and is in either side of a ratio. */
function membership(ctx: QueryContext, b: Branch): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [filtersOf(ctx, b.only, b.source)];
  const sides = [b.numerator, b.denominator];
  if (!sides.includes('all')) {
    const filtered = sides.filter((s): s is readonly Filter[] => Array.isArray(s));
    if (filtered.length > 0) {
      parts.push(
        sql<boolean>`(${sql.join(
          filtered.map((s) => filtersOf(ctx, s, b.source)),
          sql` OR `,
        )})`,
      );
    }
  }
  if (b.extra) parts.push(b.extra);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

function rowIdExpression(ds: DrillSource): RawBuilder<string> {
  if (ds.id === 'ticket') return sql<string>`CAST(f.ticket_id AS text)`;
  if (ds.id === 'ticket_seq') return sql<string>`(f.ticket_id || '#' || CAST(f.seq AS text))`;
  return sql<string>`CAST(f.id AS text)`;
}

const SURVEY_CLASS = sql<string | null>`CASE
    WHEN f.score_std IS NULL THEN NULL
    WHEN f.kind IN ('nps', 'enps') THEN
      CASE WHEN f.positive THEN 'promoter' WHEN f.detractor THEN 'detractor' ELSE 'passive' END
    WHEN f.positive THEN 'positive'
    WHEN f.negative THEN 'negative'
    ELSE 'neutral' END`;

/** The projection of one branch, in the union's column order. */
function compileBranch(ctx: DrillContext, b: Branch, allFacts: readonly Fact[]): RawBuilder<unknown> {
  const ds = DRILL_SOURCES[b.source];
  const dims = whereClause(ctx, [], columnsOf(b.source));
  const nullGroup = ctx.nullGroup
    ? sql<boolean>`${sql.ref(`f.${ctx.nullGroup}`)} IS NULL`
    : sql<boolean>`TRUE`;
  const where = sql<boolean>`${dims} AND ${nullGroup} AND ${membership(ctx, b)}`;
  const text = typed(ctx, 'text');
  const double = typed(ctx, 'double');
  const label = sql`CAST(${b.source} AS ${text}) AS source`;
  const own = new Set(ds.facts.map((f) => f.name));
  const numFlag = flag(ctx, b.numerator, b.source);
  const denFlag = flag(ctx, b.denominator, b.source);

  if (ds.grouped) {
    const day = sql`CAST(CAST(f.placed_at AT TIME ZONE ${ctx.timeZone} AS DATE) AS text)`;
    const key = ds.grouped === 'agent_day' ? sql`(f.agent || '|' || ${day})` : sql`f.agent`;
    // A dimension shows when all the group's activities agree on it.
    // A dimension shows when all the group's activities agree on it (the agent always does).
    const dimension = (d: Dimension) =>
      sql`CAST(CASE WHEN count(DISTINCT ${sql.ref(`f.${d}`)}) = 1 THEN min(${sql.ref(`f.${d}`)}) END AS ${text}) AS ${sql.ref(d)}`;
    const computed: Record<string, RawBuilder<unknown>> = {
      day: sql`min(${day})`,
      activities: sql`count(*)`,
    };
    const factColumns = allFacts.map((fc) => {
      const expr = own.has(fc.name) ? computed[fc.name]! : sql`NULL`;
      return sql`CAST(${expr} AS ${typed(ctx, fc.type)}) AS ${sql.ref(`fact_${fc.name}`)}`;
    });
    return sql`SELECT ${label}, CAST(${key} AS ${text}) AS row_id, CAST(NULL AS ${text}) AS ticket_id,
        min(f.placed_at) AS placed_at, ${sql.join(DIMENSIONS.map(dimension))},
        ${Array.isArray(b.numerator) ? sql`bool_or(${numFlag})` : numFlag} AS in_numerator,
        ${Array.isArray(b.denominator) ? sql`bool_or(${denFlag})` : denFlag} AS in_denominator,
        CAST(NULL AS ${double}) AS value, CAST(NULL AS ${double}) AS score, CAST(NULL AS ${text}) AS class
        ${factColumns.length > 0 ? sql`, ${sql.join(factColumns)}` : sql``}
      FROM ${rowsOf(ctx, b.source)} f
      WHERE ${where}
      GROUP BY 2`;
  }

  const dimension = (d: Dimension) =>
    ds.dims.includes(d)
      ? sql`CAST(${sql.ref(`f.${d}`)} AS ${text}) AS ${sql.ref(d)}`
      : sql`CAST(NULL AS ${text}) AS ${sql.ref(d)}`;
  const value = b.value ? sql`${sql.ref(`f.${b.value}`)}` : sql`NULL`;
  const factColumns = allFacts.map((fc) => {
    const expr = own.has(fc.name) ? sql.ref(`f.${fc.name}`) : sql`NULL`;
    return sql`CAST(${expr} AS ${typed(ctx, fc.type)}) AS ${sql.ref(`fact_${fc.name}`)}`;
  });
  return sql`SELECT ${label}, ${rowIdExpression(ds)} AS row_id,
      ${ds.ticket ? sql`CAST(f.ticket_id AS ${text})` : sql`CAST(NULL AS ${text})`} AS ticket_id,
      f.placed_at AS placed_at, ${sql.join(DIMENSIONS.map(dimension))},
      ${numFlag} AS in_numerator, ${denFlag} AS in_denominator,
      CAST(${value} AS ${double}) AS value,
      ${ds.survey ? sql`CAST(f.score AS ${double})` : sql`CAST(NULL AS ${double})`} AS score,
      ${ds.survey ? SURVEY_CLASS : sql`CAST(NULL AS ${text})`} AS class
      ${factColumns.length > 0 ? sql`, ${sql.join(factColumns)}` : sql``}
    FROM ${rowsOf(ctx, b.source)} f
    WHERE ${where}`;
}

/** The branches and measure of a KPI; refuses measures whose number is not a count over rows. */
function plan(
  def: KpiDefinition,
  q: KpiQuery,
): { branches: Branch[]; measure: DrillMeasure; variant: string | null } {
  const m = def.measure;
  const none = { numerator: null, denominator: null, value: null, extra: null } as const;
  switch (m.kind) {
    case 'count':
      return {
        branches: [{ ...none, source: m.of.source, only: m.of.where }],
        measure: { kind: 'count' },
        variant: null,
      };
    case 'backlog':
      return {
        branches: [{ ...none, source: 'backlog', only: [] }],
        measure: { kind: 'backlog' },
        variant: null,
      };
    case 'nps':
      return {
        branches: [
          { ...none, source: m.of.source, only: m.of.where, extra: sql<boolean>`f.score_std IS NOT NULL` },
        ],
        measure: { kind: 'nps' },
        variant: null,
      };
    case 'manual':
      return {
        branches: [
          {
            ...none,
            source: 'measurements',
            only: [{ column: 'kpi', op: 'eq', value: def.id }],
            value: 'value',
          },
        ],
        measure: { kind: 'manual', aggregate: m.aggregate },
        variant: null,
      };
    case 'sum_ratio':
      return {
        branches: [{ ...none, source: m.of.source, only: m.of.where }],
        measure: { kind: 'sum_ratio', scale: m.scale, numerator: m.numerator, denominator: m.denominator },
        variant: null,
      };
    case 'statistic': {
      const statistic = q.statistic ?? m.statistic;
      const clock = q.clock ?? 'business';
      const column = 'value' in m.column ? m.column.value : m.column[clock];
      return {
        branches: [
          {
            ...none,
            source: m.of.source,
            only: m.of.where,
            value: column,
            extra: sql<boolean>`${sql.ref(`f.${column}`)} IS NOT NULL`,
          },
        ],
        measure: { kind: 'statistic', statistic, column },
        variant: `${statistic}${'value' in m.column ? '' : `, ${clock}`}`,
      };
    }
    case 'ratio': {
      const sides = ratioSides(def, q);
      const measure: DrillMeasure = { kind: 'ratio', scale: m.scale, interval: m.interval };
      if (sides.numerator.source === sides.denominator.source) {
        // One set of rows: those in either side, each flagged with the sides it belongs to.
        return {
          branches: [
            {
              ...none,
              source: sides.numerator.source,
              only: [],
              numerator: sides.numerator.where,
              denominator: sides.denominator.where,
            },
          ],
          measure,
          variant: sides.variant,
        };
      }
      // Two different row sets (e.g. tickets solved ÷ tickets created): their union, each row in one side.
      // A row of one side's source is never a member of the other side.
      return {
        branches: [
          {
            ...none,
            source: sides.numerator.source,
            only: sides.numerator.where,
            numerator: 'all',
            denominator: 'never',
          },
          {
            ...none,
            source: sides.denominator.source,
            only: sides.denominator.where,
            numerator: 'never',
            denominator: 'all',
          },
        ],
        measure,
        variant: sides.variant,
      };
    }
    default:
      throw new DrilldownUnsupportedError(
        `${def.id} has no row-level drill-down: its ${m.kind.replace(/_/g, ' ')} measure is not a count over rows`,
      );
  }
}

export function compileDrilldown(ctx: DrillContext, def: KpiDefinition, q: KpiQuery): CompiledDrilldown {
  const { branches, measure, variant } = plan(def, q);
  const allFacts: Fact[] = [];
  for (const b of branches) {
    for (const fc of DRILL_SOURCES[b.source].facts) {
      const seen = allFacts.find((x) => x.name === fc.name);
      if (!seen) allFacts.push(fc);
      else if (seen.type !== fc.type) throw new Error(`fact ${fc.name} has two types`);
    }
  }
  if (measure.kind === 'sum_ratio') {
    for (const c of [measure.numerator, measure.denominator])
      if (!allFacts.some((f) => f.name === c)) throw new DrilldownUnsupportedError(`${def.id}: no fact ${c}`);
  }
  const union = sql`(${sql.join(
    branches.map((b) => compileBranch(ctx, b, allFacts)),
    sql` UNION ALL `,
  )})`;
  const factNames = allFacts.map((f) => f.name);
  const factRef = (name: string) => sql.ref(`d.fact_${name}`);
  const bin = (e: RawBuilder<unknown>) => ctx.dialect.binaryOrder(e);

  const rows = (page: DrillPage): RawBuilder<DrillRowRaw> => {
    for (const v of [page.limit, page.offset ?? 0])
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`bad page bound ${v}`);
    const direction = sql.raw(page.order === 'desc' ? 'DESC' : 'ASC');
    const column = sql.ref(`r.${SORT_COLUMN[page.sort]}`);
    const sortKey = TEXT_SORTS.has(page.sort) ? bin(column) : column;
    let keyset = sql<boolean>`TRUE`;
    if (page.after) {
      if (page.sort !== 'placed_at') throw new Error('keyset paging needs sort placed_at');
      const at = sql`CAST(${page.after.placedKey} AS ${typed(ctx, 'timestamptz')})`;
      const cmp = sql.raw(page.order === 'desc' ? '<' : '>');
      const source = bin(sql.ref('r.source'));
      const rowId = bin(sql.ref('r.row_id'));
      keyset = sql<boolean>`(r.placed_at ${cmp} ${at} OR (r.placed_at = ${at} AND (${source} > ${page.after.source}
        OR (${source} = ${page.after.source} AND ${rowId} > ${page.after.rowId}))))`;
    }
    const facts = factNames.map((name) => factRef(name));
    return sql<DrillRowRaw>`SELECT r.* FROM (
        SELECT d.source, d.row_id, d.ticket_id, d.placed_at, CAST(d.placed_at AS ${typed(ctx, 'text')}) AS placed_key,
          coalesce(dk.name, d.desk) AS desk, coalesce(tm.name, d.team) AS team, coalesce(ag.name, d.agent) AS agent,
          d.channel, d.priority, d.in_numerator, d.in_denominator, d.value, d.score, d.class
          ${facts.length > 0 ? sql`, ${sql.join(facts)}` : sql``}
        FROM ${union} d
        LEFT JOIN desks dk ON dk.org_id = ${ctx.orgId} AND dk.id = d.desk
        LEFT JOIN teams tm ON tm.org_id = ${ctx.orgId} AND tm.id = d.team
        LEFT JOIN agents ag ON ag.org_id = ${ctx.orgId} AND ag.id = d.agent
      ) r
      WHERE ${keyset}
      ORDER BY ${sortKey} ${direction} NULLS LAST, r.placed_at ${page.sort === 'placed_at' ? direction : sql``},
        ${bin(sql.ref('r.source'))}, ${bin(sql.ref('r.row_id'))}
      LIMIT ${sql.lit(page.limit)}${page.offset ? sql` OFFSET ${sql.lit(page.offset)}` : sql``}`;
  };

  const totals = (): RawBuilder<DrillTotalsRaw> => {
    const double = typed(ctx, 'double');
    const nul = sql`CAST(NULL AS ${double})`;
    const nps = measure.kind === 'nps';
    const sums = measure.kind === 'sum_ratio' ? measure : null;
    const latest =
      measure.kind === 'manual'
        ? sql`(array_agg(d.value ORDER BY d.placed_at DESC, ${bin(sql.ref('d.row_id'))} DESC))[1]`
        : nul;
    return sql<DrillTotalsRaw>`SELECT count(*) AS row_count,
        count(CASE WHEN d.in_numerator THEN 1 END) AS numerator,
        count(CASE WHEN d.in_denominator THEN 1 END) AS denominator,
        count(d.value) AS n_value, sum(d.value) AS total, avg(d.value) AS mean, stddev_samp(d.value) AS sd,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY d.value) AS median,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY d.value) AS p90,
        ${nps ? sql`count(CASE WHEN d.fact_positive THEN 1 END)` : nul} AS promoters,
        ${nps ? sql`count(CASE WHEN d.fact_detractor THEN 1 END)` : nul} AS detractors,
        ${sums ? sql`sum(${factRef(sums.numerator)})` : nul} AS sum_numerator,
        ${sums ? sql`sum(${factRef(sums.denominator)})` : nul} AS sum_denominator,
        ${latest} AS latest
      FROM ${union} d`;
  };

  return { measure, variant, facts: factNames, sources: branches.map((b) => b.source), rows, totals };
}

const TICKET_EXPORT_FACTS = TICKET_FACTS.map((f) => f.name).filter(
  (n) => !['status', 'created_at', 'customer_id'].includes(n),
);

/** The columns of the ticket export, in order: identity and attribution, then the derived facts. */
export const TICKET_EXPORT_COLUMNS: readonly string[] = [
  'ticket_id',
  'created_at',
  'status',
  'priority',
  'channel',
  'desk',
  'team',
  'agent',
  'solved_team',
  'solved_agent',
  'customer',
  'subject',
  'tags',
  ...TICKET_EXPORT_FACTS,
];

export interface TicketExportRaw {
  ticket_id: string;
  placed_key: string;
  [column: string]: unknown;
}

/**
 * One page of the ticket export: tickets created in the context's range (ticket_facts, placed and
 * attributed like tickets_by_created), in the statuses given (any when none), after a keyset position.
 */
export function compileTicketExport(
  ctx: QueryContext,
  statuses: readonly string[],
  limit: number,
  after?: { placedKey: string; ticketId: string },
): RawBuilder<TicketExportRaw> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`bad page size ${limit}`);
  const spec = SOURCE_SPECS.tickets_by_created;
  const text = typed(ctx, 'text');
  const bin = (e: RawBuilder<unknown>) => ctx.dialect.binaryOrder(e);
  const status =
    statuses.length > 0 ? sql`f.status IN (${sql.join(statuses.map((s) => sql`${s}`))})` : sql`TRUE`;
  let keyset = sql`TRUE`;
  if (after) {
    const at = sql`CAST(${after.placedKey} AS ${typed(ctx, 'timestamptz')})`;
    keyset = sql`(f.created_at > ${at} OR (f.created_at = ${at} AND ${bin(sql.ref('f.ticket_id'))} > ${after.ticketId}))`;
  }
  return sql<TicketExportRaw>`SELECT f.ticket_id, f.created_at, CAST(f.created_at AS ${text}) AS placed_key, f.status,
      f.priority, f.channel, coalesce(dk.name, f.desk) AS desk, coalesce(tm.name, f.team) AS team,
      coalesce(ag.name, f.agent) AS agent, coalesce(st.name, f.solved_team_id) AS solved_team,
      coalesce(sa.name, f.solved_assignee_id) AS solved_agent, f.customer_id AS customer, tk.subject AS subject,
      trim(tk.tags) AS tags, ${sql.join(TICKET_EXPORT_FACTS.map((n) => sql.ref(`f.${n}`)))}
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    LEFT JOIN tickets tk ON tk.org_id = ${ctx.orgId} AND tk.id = f.ticket_id
    LEFT JOIN desks dk ON dk.org_id = ${ctx.orgId} AND dk.id = f.desk
    LEFT JOIN teams tm ON tm.org_id = ${ctx.orgId} AND tm.id = f.team
    LEFT JOIN agents ag ON ag.org_id = ${ctx.orgId} AND ag.id = f.agent
    LEFT JOIN teams st ON st.org_id = ${ctx.orgId} AND st.id = f.solved_team_id
    LEFT JOIN agents sa ON sa.org_id = ${ctx.orgId} AND sa.id = f.solved_assignee_id
    WHERE ${whereClause(ctx, [], spec.columns)} AND ${status} AND ${keyset}
    ORDER BY f.created_at, ${bin(sql.ref('f.ticket_id'))}
    LIMIT ${sql.lit(limit)}`;
}
