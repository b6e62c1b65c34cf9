import { type RawBuilder, sql } from 'kysely';
import type { ColumnType, SqlDialect } from '../storage/sql-dialect.js';
import type { Dimension, Filter, Grain, KpiDefinition, Side } from './kpi-definition.js';
import type { KpiQuery } from './kpi-query.js';
import { SOURCE_SPECS } from './sources.js';

/** What a compiled query needs to know about where and when it runs. */
export interface QueryContext {
  orgId: number;
  timeZone: string;
  start: Date;
  end: Date;
  /** First day of the range (the bucket of grain "all"). */
  from: string;
  grain: Grain;
  /** "Now": a running SLA clock past its due time counts as breached. */
  now: Date;
  /** Dimension filters, already resolved from display names to ids. */
  where: Partial<Record<Dimension, string[]>>;
  by: Dimension | undefined;
  dialect: SqlDialect;
}

export interface CountRow {
  bucket: string;
  grp: string | null;
  n: number;
}

export interface StatisticRow extends CountRow {
  mean: number | null;
  sd: number | null;
  total: number | null;
  median: number | null;
  p90: number | null;
}

export interface RankRow {
  bucket: string;
  grp: string | null;
  rn: number;
  x: number;
}

function bucketExpression(ctx: QueryContext): RawBuilder<string> {
  if (ctx.grain === 'all') return sql<string>`CAST(${ctx.from} AS text)`;
  const local = sql`f.placed_at AT TIME ZONE ${ctx.timeZone}`;
  if (ctx.grain === 'day') return sql<string>`CAST(CAST(${local} AS DATE) AS text)`;
  return sql<string>`CAST(CAST(date_trunc(${sql.lit(ctx.grain)}, ${local}) AS DATE) AS text)`;
}

function groupExpression(ctx: QueryContext): RawBuilder<string | null> {
  return ctx.by ? sql<string>`${sql.ref(`f.${ctx.by}`)}` : sql<null>`CAST(NULL AS text)`;
}

function compileFilter(f: Filter, columns: ReadonlySet<string>, now: Date): RawBuilder<boolean> {
  if (!columns.has(f.column)) throw new Error(`filter on unknown column ${f.column}`);
  const col = sql.ref(`f.${f.column}`);
  switch (f.op) {
    case 'eq':
      return sql<boolean>`${col} = ${f.value}`;
    case 'ne':
      return sql<boolean>`${col} IS DISTINCT FROM ${f.value}`;
    case 'is_null':
      return sql<boolean>`${col} IS NULL`;
    case 'not_null':
      return sql<boolean>`${col} IS NOT NULL`;
    case 'gte':
      return sql<boolean>`${col} >= ${f.value}`;
    case 'lte':
      return sql<boolean>`${col} <= ${f.value}`;
    case 'is_true':
      return sql<boolean>`${col} = TRUE`;
    case 'is_false':
      return sql<boolean>`${col} = FALSE`;
    case 'by_now':
      return sql<boolean>`${col} <= ${now}`;
  }
}

export function whereClause(
  ctx: QueryContext,
  filters: readonly Filter[],
  columns: ReadonlySet<string>,
): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`TRUE`];
  for (const f of filters) parts.push(compileFilter(f, columns, ctx.now));
  for (const [dim, values] of Object.entries(ctx.where) as Array<[Dimension, string[]]>) {
    parts.push(sql<boolean>`${sql.ref(`f.${dim}`)} IN (${sql.join(values.map((v) => sql`${v}`))})`);
  }
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

export function sourceOf(side: Side) {
  if (side.source === 'backlog') throw new Error('backlog is not a row source');
  return SOURCE_SPECS[side.source];
}

/** Rows (or agent-days) per bucket and group for one side of a KPI. */
export function compileCount(
  ctx: QueryContext,
  side: Side,
  extra: readonly Filter[] = [],
): RawBuilder<CountRow> {
  const spec = sourceOf(side);
  return sql<CountRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp,
      ${spec.countExpression(ctx.timeZone)} AS n
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${whereClause(ctx, [...side.where, ...extra], spec.columns)}
    GROUP BY 1, 2`;
}

export interface NpsRow extends CountRow {
  promoters: number;
  detractors: number;
}

/** Responses, promoters and detractors per bucket and group. */
export function compileNps(ctx: QueryContext, side: Side): RawBuilder<NpsRow> {
  const spec = sourceOf(side);
  return sql<NpsRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      count(CASE WHEN f.positive THEN 1 END) AS promoters, count(CASE WHEN f.detractor THEN 1 END) AS detractors
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${whereClause(ctx, side.where, spec.columns)} AND f.score_std IS NOT NULL
    GROUP BY 1, 2`;
}

/** n, mean, sd, sum, median and p90 of a column per bucket and group (nulls ignored). */
export function compileStatistic(ctx: QueryContext, side: Side, column: string): RawBuilder<StatisticRow> {
  const spec = sourceOf(side);
  if (!spec.columns.has(column)) throw new Error(`statistic on unknown column ${column}`);
  const x = sql.ref(`f.${column}`);
  return sql<StatisticRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp,
      count(${x}) AS n, avg(${x}) AS mean, stddev_samp(${x}) AS sd, sum(${x}) AS total,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x}) AS median,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY ${x}) AS p90
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${whereClause(ctx, side.where, spec.columns)} AND ${x} IS NOT NULL
    GROUP BY 1, 2`;
}

/**
 * The values at the wanted ranks (1-based, ascending) of each bucket and group: the order statistics
 * that bound a distribution-free interval. Joined on (bucket, group, rank), so only those rows return.
 */
export function compileRanks(
  ctx: QueryContext,
  side: Side,
  column: string,
  wanted: ReadonlyArray<{ bucket: string; grp: string | null; rn: number }>,
): RawBuilder<RankRow> {
  const spec = sourceOf(side);
  const x = sql.ref(`f.${column}`);
  const bucket = bucketExpression(ctx);
  const group = groupExpression(ctx);
  const targets = ctx.dialect.rowsFromArrays([
    { name: 'w_bucket', type: 'text', values: wanted.map((w) => w.bucket) },
    { name: 'w_grp', type: 'text', values: wanted.map((w) => w.grp) },
    { name: 'w_rn', type: 'integer', values: wanted.map((w) => w.rn) },
  ]);
  return sql<RankRow>`SELECT r.bucket, r.grp, r.rn, r.x FROM (
      SELECT ${bucket} AS bucket, ${group} AS grp, ${x} AS x,
             row_number() OVER (PARTITION BY ${bucket}, ${group} ORDER BY ${x}) AS rn
      FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
      WHERE ${whereClause(ctx, side.where, spec.columns)} AND ${x} IS NOT NULL) r
    JOIN ${targets} AS w ON w.w_bucket = r.bucket AND w.w_grp IS NOT DISTINCT FROM r.grp AND w.w_rn = r.rn`;
}

/** Tickets created before each bucket's end and not (finally) solved by then. */
export function compileBacklog(
  ctx: QueryContext,
  buckets: ReadonlyArray<{ key: string; endUtc: Date }>,
): RawBuilder<CountRow> {
  const ends = ctx.dialect.rowsFromArrays([
    { name: 'bucket', type: 'text' as ColumnType, values: buckets.map((b) => b.key) },
    { name: 'end_at', type: 'timestamptz' as ColumnType, values: buckets.map((b) => b.endUtc) },
  ]);
  return sql<CountRow>`SELECT e.bucket AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n
    FROM ${ends} AS e
    JOIN (SELECT t.*, t.desk_id AS desk, t.created_team_id AS team, t.created_assignee_id AS agent
          FROM ticket_facts t WHERE t.org_id = ${ctx.orgId}) f
      ON f.created_at < e.end_at
        AND ((f.solved_at IS NULL AND f.status NOT IN ('solved', 'closed')) OR f.solved_at >= e.end_at)
    WHERE ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

type PeriodBucket = { key: string; startUtc: Date; endUtc: Date };

/** The buckets as rows (bucket, start_at, end_at), for measures that look at each period's bounds. */
function periodRows(ctx: QueryContext, buckets: ReadonlyArray<PeriodBucket>): RawBuilder<unknown> {
  return ctx.dialect.rowsFromArrays([
    { name: 'bucket', type: 'text' as ColumnType, values: buckets.map((b) => b.key) },
    { name: 'start_at', type: 'timestamptz' as ColumnType, values: buckets.map((b) => b.startUtc) },
    { name: 'end_at', type: 'timestamptz' as ColumnType, values: buckets.map((b) => b.endUtc) },
  ]);
}

export interface LifecycleRow extends CountRow {
  kept: number;
}

/** Per bucket: customers active at its start (n) and those of them still active at its end (kept). */
export function compileLifecycle(
  ctx: QueryContext,
  buckets: ReadonlyArray<{ key: string; startUtc: Date; endUtc: Date }>,
): RawBuilder<LifecycleRow> {
  const periods = periodRows(ctx, buckets);
  return sql<LifecycleRow>`SELECT p.bucket AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      count(CASE WHEN f.churned_at IS NULL OR f.churned_at >= p.end_at THEN 1 END) AS kept
    FROM ${periods} AS p
    JOIN (SELECT c.*, c.desk_id AS desk FROM customers c
          WHERE c.org_id = ${ctx.orgId} AND c.became_customer_at IS NOT NULL) f
      ON f.became_customer_at <= p.start_at AND (f.churned_at IS NULL OR f.churned_at >= p.start_at)
    WHERE ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

/**
 * Per bucket: escalated tickets open at its start or escalated during it (n), and those of them whose
 * final solve falls in it (kept = closed). Credited to the team and assignee at escalation.
 */
export function compileEscalationClosure(
  ctx: QueryContext,
  buckets: ReadonlyArray<{ key: string; startUtc: Date; endUtc: Date }>,
): RawBuilder<LifecycleRow> {
  const periods = periodRows(ctx, buckets);
  return sql<LifecycleRow>`SELECT p.bucket AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      count(CASE WHEN f.solved_at >= p.start_at AND f.solved_at < p.end_at THEN 1 END) AS kept
    FROM ${periods} AS p
    JOIN (SELECT t.*, t.desk_id AS desk, t.escalated_team_id AS team, t.escalated_assignee_id AS agent
          FROM ticket_facts t WHERE t.org_id = ${ctx.orgId} AND t.escalated_at IS NOT NULL) f
      ON f.escalated_at < p.end_at
        AND ((f.solved_at IS NULL AND f.status NOT IN ('solved', 'closed')) OR f.solved_at >= p.start_at)
    WHERE ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

export interface ManualRow extends CountRow {
  total: number;
  latest: number;
}

/** Recorded values of one manual KPI per bucket and group: how many, their sum, and the latest. */
export function compileManual(ctx: QueryContext, kpi: string): RawBuilder<ManualRow> {
  const spec = SOURCE_SPECS.measurements;
  const id = ctx.dialect.binaryOrder(sql.ref('f.id'));
  return sql<ManualRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      sum(f.value) AS total, (array_agg(f.value ORDER BY f.placed_at DESC, ${id} DESC))[1] AS latest
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${whereClause(ctx, [{ column: 'kpi', op: 'eq', value: kpi }], spec.columns)}
    GROUP BY 1, 2`;
}

export interface SumsRow extends CountRow {
  num: number | null;
  den: number | null;
}

/** Rows, and the sums of two columns, per bucket and group. */
export function compileSums(
  ctx: QueryContext,
  side: Side,
  numerator: string,
  denominator: string,
): RawBuilder<SumsRow> {
  const spec = sourceOf(side);
  for (const c of [numerator, denominator])
    if (!spec.columns.has(c)) throw new Error(`sum of unknown column ${c}`);
  return sql<SumsRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      sum(${sql.ref(`f.${numerator}`)}) AS num, sum(${sql.ref(`f.${denominator}`)}) AS den
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${whereClause(ctx, side.where, spec.columns)}
    GROUP BY 1, 2`;
}

export interface RecoveryRow extends CountRow {
  before_n: number;
  before_pos: number;
  after_n: number;
  after_pos: number;
}

/** CSAT responses before and after each crisis resolved in a bucket, in the crisis's desk (or all). */
export function compileCrisisRecovery(
  ctx: QueryContext,
  beforeDays: number,
  afterDays: number,
): RawBuilder<RecoveryRow> {
  const spec = SOURCE_SPECS.crises_by_resolved;
  const before = sql`s.responded_at >= f.started_at - ${sql.lit(beforeDays)} * INTERVAL '1 day' AND s.responded_at < f.started_at`;
  const after = sql`s.responded_at > f.resolved_at AND s.responded_at <= f.resolved_at + ${sql.lit(afterDays)} * INTERVAL '1 day'`;
  return sql<RecoveryRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp,
      count(DISTINCT f.id) AS n,
      count(CASE WHEN ${before} THEN 1 END) AS before_n,
      count(CASE WHEN ${before} AND s.positive THEN 1 END) AS before_pos,
      count(CASE WHEN ${after} THEN 1 END) AS after_n,
      count(CASE WHEN ${after} AND s.positive THEN 1 END) AS after_pos
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    JOIN surveys s ON s.org_id = f.org_id AND s.kind = 'csat' AND s.responded_at IS NOT NULL
    LEFT JOIN ticket_facts t ON t.org_id = s.org_id AND t.ticket_id = s.ticket_id
    WHERE ${whereClause(ctx, [], spec.columns)}
      AND (f.desk_id IS NULL OR coalesce(s.desk_id, t.desk_id) = f.desk_id)
    GROUP BY 1, 2`;
}

/**
 * Per bucket: articles published at its end (n), and those of them reviewed as accurate within the
 * window before the end with no inaccuracy flag open then (kept). A flag is open when the article's
 * latest flag before the end came after its latest flag resolution.
 */
export function compileKbAccuracy(
  ctx: QueryContext,
  buckets: ReadonlyArray<PeriodBucket>,
  reviewWindowDays: number,
): RawBuilder<LifecycleRow> {
  const periods = periodRows(ctx, buckets);
  const latest = (action: string) => sql`(SELECT max(x.at) FROM kb_activity x
      WHERE x.org_id = a.org_id AND x.article_id = a.id AND x.action = ${action} AND x.at < p.end_at)`;
  return sql<LifecycleRow>`SELECT f.bucket AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      count(CASE WHEN f.accurate THEN 1 END) AS kept
    FROM (
      SELECT p.bucket, a.desk_id AS desk,
        (EXISTS (SELECT 1 FROM kb_activity r
                 WHERE r.org_id = a.org_id AND r.article_id = a.id AND r.action = 'reviewed_accurate'
                   AND r.at < p.end_at AND r.at >= p.end_at - ${sql.lit(reviewWindowDays)} * INTERVAL '1 day')
         AND NOT (${latest('flagged_inaccurate')} IS NOT NULL
                  AND (${latest('flag_resolved')} IS NULL OR ${latest('flagged_inaccurate')} > ${latest('flag_resolved')}))
        ) AS accurate
      FROM ${periods} AS p
      JOIN kb_articles a ON a.org_id = ${ctx.orgId} AND a.published_at < p.end_at
        AND (a.retired_at IS NULL OR a.retired_at >= p.end_at)
    ) f
    WHERE ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

export interface ForecastErrorRow extends CountRow {
  abs_error: number | null;
  actual: number | null;
}

/**
 * For each target day in the range, the latest forecast issued for each scope (organisation, desk,
 * channel) against the tickets created that local day in that scope: Σ|actual − forecast| and Σ actual.
 */
export function compileForecastErrors(ctx: QueryContext): RawBuilder<ForecastErrorRow> {
  // A forecast is scored at its own scope: organisation-wide forecasts for the organisation, desk
  // forecasts when the query is by or for desks, channel forecasts likewise. Pooling scopes would
  // count the same tickets several times.
  const scoped = (column: string, dim: 'desk' | 'channel') =>
    ctx.by === dim || ctx.where[dim] !== undefined
      ? sql`${sql.ref(column)} IS NOT NULL`
      : sql`${sql.ref(column)} IS NULL`;
  return sql<ForecastErrorRow>`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      sum(abs(f.actual - f.volume)) AS abs_error, sum(f.actual) AS actual
    FROM (
      SELECT v.target_day AS placed_at, v.desk_id AS desk, v.channel, v.volume,
        (SELECT count(*) FROM ticket_facts t
         WHERE t.org_id = v.org_id AND t.created_at >= v.target_day AND t.created_at < v.day_end
           AND (v.desk_id IS NULL OR t.desk_id = v.desk_id) AND (v.channel IS NULL OR t.channel = v.channel)) AS actual
      FROM (
        SELECT x.*, row_number() OVER (
          PARTITION BY x.target_day, x.desk_id, x.channel ORDER BY x.issued_at DESC, ${ctx.dialect.binaryOrder(sql.ref('x.id'))} DESC) AS rn
        FROM volume_forecasts x
        WHERE x.org_id = ${ctx.orgId} AND x.target_day >= ${ctx.start} AND x.target_day < ${ctx.end}
          AND ${scoped('x.desk_id', 'desk')} AND ${scoped('x.channel', 'channel')}
      ) v
      WHERE v.rn = 1
    ) f
    WHERE ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

/** Per bucket end: controls checked before it (n) and those whose latest check passed (kept). */
export function compileControlsPassing(
  ctx: QueryContext,
  buckets: ReadonlyArray<PeriodBucket>,
): RawBuilder<LifecycleRow> {
  const id = ctx.dialect.binaryOrder(sql.ref('c.id'));
  return sql<LifecycleRow>`SELECT f.bucket AS bucket, ${groupExpression(ctx)} AS grp, count(*) AS n,
      count(CASE WHEN f.passing THEN 1 END) AS kept
    FROM (
      SELECT p.bucket, c.passing,
        row_number() OVER (PARTITION BY p.bucket, c.control ORDER BY c.checked_at DESC, ${id} DESC) AS rn
      FROM ${periodRows(ctx, buckets)} AS p
      JOIN security_controls c ON c.org_id = ${ctx.orgId} AND c.checked_at < p.end_at
    ) f
    WHERE f.rn = 1 AND ${whereClause(ctx, [], new Set())}
    GROUP BY 1, 2`;
}

/** The numerator and denominator sides of a ratio for the chosen variant. */
export function ratioSides(
  def: KpiDefinition,
  q: KpiQuery,
): { numerator: Side; denominator: Side; variant: string | null } {
  const m = def.measure;
  if (m.kind !== 'ratio') throw new Error(`${def.id} is not a ratio`);
  const variant = q.variant ?? m.defaultVariant ?? null;
  const extra = variant ? m.variants?.[variant] : undefined;
  return {
    numerator: { ...m.numerator, where: [...m.numerator.where, ...(extra?.numerator ?? [])] },
    denominator: { ...m.denominator, where: [...m.denominator.where, ...(extra?.denominator ?? [])] },
    variant,
  };
}
