import { type RawBuilder, sql } from 'kysely';
import { DateTime } from 'luxon';
import type { ColumnType, SqlDialect } from '../storage/sql-dialect.js';
import type { Dimension, Filter, Grain, KpiDefinition, Side, SourceName } from './kpi-definition.js';
import type { KpiQuery } from './kpi-query.js';
import { grainStart } from './periods.js';
import { SOURCE_SPECS } from './sources.js';
import { quantileRanks, Z_975 } from './statistics.js';

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

export interface RankRow {
  bucket: string;
  grp: string | null;
  rn: number;
  x: number;
}

/** Beyond this many periods in range, the engine's own time-zone conversion labels the rows. */
const MAX_PERIOD_BOUNDS = 1100;

/**
 * The start (local day, UTC instant) of every grain period that overlaps [start, end), in order,
 * computed here with the same zone rules as the buckets; null when there are too many.
 */
const periodStartsCache = new Map<string, ReadonlyArray<{ day: string; at: Date }> | null>();

function periodStarts(
  start: Date,
  end: Date,
  grain: Exclude<Grain, 'all'>,
  timeZone: string,
): ReadonlyArray<{ day: string; at: Date }> | null {
  // Zone arithmetic is slow in luxon, and a dashboard asks the same few ranges again and again.
  const key = `${start.getTime()} ${end.getTime()} ${grain} ${timeZone}`;
  if (periodStartsCache.has(key)) return periodStartsCache.get(key)!;
  if (periodStartsCache.size >= 1000) periodStartsCache.clear();
  const starts = computePeriodStarts(start, end, grain, timeZone);
  periodStartsCache.set(key, starts);
  return starts;
}

function computePeriodStarts(
  start: Date,
  end: Date,
  grain: Exclude<Grain, 'all'>,
  timeZone: string,
): Array<{ day: string; at: Date }> | null {
  const unit = grain === 'day' ? 'days' : `${grain}s`;
  const starts: Array<{ day: string; at: Date }> = [];
  let period = grainStart(DateTime.fromJSDate(start, { zone: timeZone }).startOf('day'), grain);
  while (period.toJSDate() < end) {
    if (starts.length === MAX_PERIOD_BOUNDS) return null;
    starts.push({ day: period.toISODate()!, at: period.toJSDate() });
    // Re-anchored each time: after a midnight that does not exist, plus() would keep 01:00.
    period = grainStart(period.plus({ [unit]: 1 }), grain);
  }
  return starts;
}

/**
 * The local grain period (its first day, as text) holding a timestamp of [start, end). Converting
 * every row to local time costs DuckDB about 2 µs a row (ICU); comparing it with the few period
 * bounds, as a binary search of CASEs, costs a fraction of that on both engines.
 */
function localPeriod(
  at: RawBuilder<unknown>,
  grain: Exclude<Grain, 'all'>,
  ctx: Pick<QueryContext, 'start' | 'end' | 'timeZone'>,
): RawBuilder<string> {
  const starts = periodStarts(ctx.start, ctx.end, grain, ctx.timeZone);
  if (!starts || starts.length === 0) {
    const local = sql`${at} AT TIME ZONE ${ctx.timeZone}`;
    if (grain === 'day') return sql<string>`CAST(CAST(${local} AS DATE) AS text)`;
    return sql<string>`CAST(CAST(date_trunc(${sql.lit(grain)}, ${local}) AS DATE) AS text)`;
  }
  const search = (low: number, high: number): RawBuilder<string> => {
    if (low === high) return sql<string>`CAST(${starts[low]!.day} AS text)`;
    const mid = (low + high + 1) >> 1;
    return sql<string>`CASE WHEN ${at} < ${starts[mid]!.at} THEN ${search(low, mid - 1)} ELSE ${search(mid, high)} END`;
  };
  return search(0, starts.length - 1);
}

function bucketExpression(ctx: QueryContext): RawBuilder<string> {
  if (ctx.grain === 'all') return sql<string>`CAST(${ctx.from} AS text)`;
  return localPeriod(sql`f.placed_at`, ctx.grain, ctx);
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

function conjunction(parts: readonly RawBuilder<boolean>[]): RawBuilder<boolean> {
  return sql<boolean>`${sql.join([sql<boolean>`TRUE`, ...parts], sql` AND `)}`;
}

function dimensionConditions(ctx: QueryContext): RawBuilder<boolean>[] {
  return (Object.entries(ctx.where) as Array<[Dimension, string[]]>).map(
    ([dim, values]) => sql<boolean>`${sql.ref(`f.${dim}`)} IN (${sql.join(values.map((v) => sql`${v}`))})`,
  );
}

export function whereClause(
  ctx: QueryContext,
  filters: readonly Filter[],
  columns: ReadonlySet<string>,
): RawBuilder<boolean> {
  return conjunction([
    ...filters.map((f) => compileFilter(f, columns, ctx.now)),
    ...dimensionConditions(ctx),
  ]);
}

export function sourceOf(side: Side) {
  if (side.source === 'backlog') throw new Error('backlog is not a row source');
  return SOURCE_SPECS[side.source];
}

export type RowSource = Exclude<SourceName, 'backlog'>;

/** What one KPI asks of a source's rows in a shared scan. */
export type ScanMeasure =
  /** Rows (or agent-days) kept by the filters: `n`, and `rows` where the count is of distinct values. */
  | { kind: 'count'; where: readonly Filter[] }
  /** Responses with a score (`n`), promoters and detractors among them. */
  | { kind: 'nps'; where: readonly Filter[] }
  /** Rows (`n`) and the sums of two columns (`num`, `den`). */
  | { kind: 'sums'; where: readonly Filter[]; numerator: string; denominator: string }
  /**
   * n, mean, sd and total of a column's non-null values; for a quantile, also up to four order
   * statistics as (rank `r1`…`r4`, value `x1`…`x4`): the two the quantile interpolates between and the
   * two that bound its interval (quantileRanks).
   */
  | { kind: 'statistic'; where: readonly Filter[]; column: string; quantile: number | null };

/** One measure of a scan over the rows placed in [start, end). */
export interface ScanPart {
  measure: ScanMeasure;
  start: Date;
  end: Date;
}

/** A scan row: bucket, group and each part's aggregates, named `p<index>_<name>`. */
export type ScanRow = { bucket: string; grp: string | null } & Record<string, string | number | null>;

/** Up to this n the interval ranks come from the exact binomial table; above, the normal approximation. */
const EXACT_RANKS_UP_TO = 1000;
const exactRankTables = new Map<
  number,
  { n: number[]; low: Array<number | null>; high: Array<number | null> }
>();

function exactRanks(q: number) {
  let table = exactRankTables.get(q);
  if (!table) {
    table = { n: [], low: [], high: [] };
    for (let n = 1; n <= EXACT_RANKS_UP_TO; n++) {
      const r = quantileRanks(n, q);
      table.n.push(n);
      table.low.push(r?.low ?? null);
      table.high.push(r?.high ?? null);
    }
    exactRankTables.set(q, table);
  }
  return table;
}

/** Refuses a measure naming a column its source lacks: before it joins a scan other KPIs share. */
export function checkScanMeasure(source: RowSource, measure: ScanMeasure): void {
  const columns = SOURCE_SPECS[source].columns;
  const named = [
    ...measure.where.map((f) => f.column),
    ...(measure.kind === 'sums' ? [measure.numerator, measure.denominator] : []),
    ...(measure.kind === 'statistic' ? [measure.column] : []),
  ];
  for (const c of named) if (!columns.has(c)) throw new Error(`${source} has no column ${c}`);
}

/**
 * Every measure of `parts` over one pass of a source's rows, per bucket and group: KPIs of the same
 * source share the scan. A part whose range is narrower than the context's is limited to its own
 * range; each aggregate is filtered to its part's rows, so a group shows in a part only where the
 * part counts rows (the caller checks `n`, or `rows`).
 */
export function compileScan(
  ctx: QueryContext,
  source: RowSource,
  parts: readonly ScanPart[],
): RawBuilder<ScanRow> {
  const spec = SOURCE_SPECS[source];
  const aggregates: RawBuilder<unknown>[] = [];
  const ranked: RawBuilder<unknown>[] = [];
  const joins: RawBuilder<unknown>[] = [];
  const selected: RawBuilder<unknown>[] = [];
  const kept: RawBuilder<boolean>[] = [];
  parts.forEach((part, i) => {
    const m = part.measure;
    const name = (suffix: string) => sql.ref(`p${i}_${suffix}`);
    const add = (suffix: string, expression: RawBuilder<unknown>) => {
      aggregates.push(sql`${expression} AS ${name(suffix)}`);
      selected.push(sql`s.${name(suffix)}`);
    };
    const own = m.where.map((f) => compileFilter(f, spec.columns, ctx.now));
    if (part.start.getTime() > ctx.start.getTime()) own.push(sql<boolean>`f.placed_at >= ${part.start}`);
    if (part.end.getTime() < ctx.end.getTime()) own.push(sql<boolean>`f.placed_at < ${part.end}`);
    if (m.kind === 'count') {
      const rows = conjunction(own);
      kept.push(rows);
      add(
        'n',
        spec.countExpression(() => localPeriod(sql`f.placed_at`, 'day', ctx), rows),
      );
      if (spec.countsDistinct) add('rows', sql`count(*) FILTER (WHERE ${rows})`);
      return;
    }
    if (m.kind === 'nps') {
      const rows = conjunction([...own, sql<boolean>`f.score_std IS NOT NULL`]);
      kept.push(rows);
      add('n', sql`count(*) FILTER (WHERE ${rows})`);
      add('promoters', sql`count(*) FILTER (WHERE ${rows} AND f.positive)`);
      add('detractors', sql`count(*) FILTER (WHERE ${rows} AND f.detractor)`);
      return;
    }
    if (m.kind === 'sums') {
      for (const c of [m.numerator, m.denominator])
        if (!spec.columns.has(c)) throw new Error(`sum of unknown column ${c}`);
      const rows = conjunction(own);
      kept.push(rows);
      add('n', sql`count(*) FILTER (WHERE ${rows})`);
      add('num', sql`sum(${sql.ref(`f.${m.numerator}`)}) FILTER (WHERE ${rows})`);
      add('den', sql`sum(${sql.ref(`f.${m.denominator}`)}) FILTER (WHERE ${rows})`);
      return;
    }
    if (!spec.columns.has(m.column)) throw new Error(`statistic on unknown column ${m.column}`);
    const x = sql.ref(`f.${m.column}`);
    const rows = conjunction([...own, sql<boolean>`${x} IS NOT NULL`]);
    kept.push(rows);
    add('n', sql`count(*) FILTER (WHERE ${rows})`);
    add('mean', sql`avg(${x}) FILTER (WHERE ${rows})`);
    add('sd', sql`stddev_samp(${x}) FILTER (WHERE ${rows})`);
    add('total', sql`sum(${x}) FILTER (WHERE ${rows})`);
    if (m.quantile === null) return;
    // The sorted values of the group, indexed (1-based) at the wanted ranks one level up.
    aggregates.push(sql`array_agg(${x} ORDER BY ${x}) FILTER (WHERE ${rows}) AS ${name('xs')}`);
    const table = exactRanks(m.quantile);
    const k = sql.ref(`k${i}`);
    joins.push(
      sql`LEFT JOIN ${ctx.dialect.rowsFromArrays([
        { name: 'rank_n', type: 'integer', values: table.n },
        { name: 'rank_low', type: 'integer', values: table.low },
        { name: 'rank_high', type: 'integer', values: table.high },
      ])} AS ${k} ON ${k}.rank_n = a.${name('n')}`,
    );
    // Same double arithmetic as quantileRanks and percentile_cont; run-kpi-query checks every rank.
    const n = sql`a.${name('n')}`;
    const q = sql`CAST(${m.quantile} AS double precision)`;
    const position = sql`(${n} - 1) * ${q}`;
    const spread = sql`CAST(${Z_975} AS double precision) * sqrt(${n} * ${q} * (1 - ${q}))`;
    const ranks = [
      sql`floor(${position}) + 1`,
      sql`ceil(${position}) + 1`,
      sql`CASE WHEN ${n} <= ${sql.lit(EXACT_RANKS_UP_TO)} THEN ${k}.rank_low ELSE floor(${n} * ${q} - ${spread}) END`,
      sql`CASE WHEN ${n} <= ${sql.lit(EXACT_RANKS_UP_TO)} THEN ${k}.rank_high ELSE ceil(${n} * ${q} + ${spread}) END`,
    ];
    ranks.forEach((rank, j) => {
      const r = name(`r${j + 1}`);
      ranked.push(sql`CAST(${rank} AS integer) AS ${r}`);
      selected.push(sql`s.${r}`);
      selected.push(
        sql`CASE WHEN s.${r} BETWEEN 1 AND s.${name('n')} THEN CAST((s.${name('xs')})[s.${r}] AS double precision) END AS ${name(`x${j + 1}`)}`,
      );
    });
  });
  const grouped = sql`SELECT ${bucketExpression(ctx)} AS bucket, ${groupExpression(ctx)} AS grp, ${sql.join(aggregates)}
    FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
    WHERE ${conjunction(dimensionConditions(ctx))}
      AND (${sql.join(kept, sql` OR `)})
    GROUP BY 1, 2`;
  if (ranked.length === 0) return sql<ScanRow>`${grouped}`;
  return sql<ScanRow>`SELECT s.bucket, s.grp, ${sql.join(selected)}
    FROM (SELECT a.*, ${sql.join(ranked)} FROM (${grouped}) a ${sql.join(joins, sql` `)}) s`;
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
  return sql<RankRow>`SELECT r.bucket, r.grp, r.rn, CAST(r.x AS double precision) AS x FROM (
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
