import {
  assembleRows,
  type Cell,
  cellKey,
  countCell,
  type KpiRow,
  npsCell,
  QUANTILE,
  ratioCell,
  type StatisticInput,
  statisticCell,
} from '../engine/assemble-rows.js';
import { getOrCreate } from '../engine/collections.js';
import {
  type CountRow,
  compileBacklog,
  compileControlsPassing,
  compileCount,
  compileCrisisRecovery,
  compileEscalationClosure,
  compileForecastErrors,
  compileKbAccuracy,
  compileLifecycle,
  compileManual,
  compileNps,
  compileRanks,
  compileStatistic,
  compileSums,
  type QueryContext,
  ratioSides,
} from '../engine/compile-kpi.js';
import type { KpiDefinition } from '../engine/kpi-definition.js';
import {
  checkQueryAgainst,
  type KpiQuery,
  KpiQueryError,
  type KpiQueryInput,
  kpiQuerySchema,
} from '../engine/kpi-query.js';
import { type Bucket, bucketsOf, rangeUtc, shiftPeriods } from '../engine/periods.js';
import { leastSquaresSlope, quantileRanks } from '../engine/statistics.js';
import type { Store } from './database.js';
import { applyRestriction, KpiScopeError, type Restriction, resolveWhere } from './kpi-filters.js';
import type { Organization } from './organizations.js';

const TREND_PERIODS = 8;

export function parseKpiQuery(input: KpiQueryInput): KpiQuery {
  const parsed = kpiQuerySchema.safeParse(input);
  if (!parsed.success) {
    throw new KpiQueryError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

function mapRows<R extends { bucket: string; grp: string | null }>(
  rows: readonly R[],
  natural: ReadonlyMap<string, string>,
) {
  const out = new Map<string, R>();
  for (const r of rows) {
    const bucket = natural.get(r.bucket);
    if (bucket !== undefined) out.set(cellKey(bucket, r.grp), r);
  }
  return out;
}

export { KpiScopeError };

/** Runs one KPI query on the store: the query contract's rows, identical on every engine. */
export async function runKpiQuery(
  store: Store,
  org: Organization,
  registry: ReadonlyMap<string, KpiDefinition>,
  input: KpiQueryInput,
  now: Date = new Date(),
  restrict: Restriction = {},
): Promise<KpiRow[]> {
  const q = parseKpiQuery(input);
  const def = registry.get(q.kpi);
  if (!def) throw new KpiQueryError(`unknown KPI "${q.kpi}" (see: deskscore kpi --list)`);
  checkQueryAgainst(def, q);
  if (store.kpiCache) {
    // Everything the rows depend on besides the stored data, whose version the cache checks.
    const key = JSON.stringify([org.id, org.time_zone, q, now.getTime(), restrict]);
    return store.kpiCache.get(store, key, () => computeKpiRows(store, org, def, q, now, restrict));
  }
  return computeKpiRows(store, org, def, q, now, restrict);
}

async function computeKpiRows(
  store: Store,
  org: Organization,
  def: KpiDefinition,
  q: KpiQuery,
  now: Date,
  restrict: Restriction,
): Promise<KpiRow[]> {
  let buckets: Bucket[];
  try {
    buckets = bucketsOf(q.from, q.to, q.grain, org.time_zone);
  } catch (error) {
    throw new KpiQueryError((error as Error).message);
  }

  // --where takes display names (or ids); SQL compares ids.
  const { where, names } = await resolveWhere(store, org.id, q.where, restrict, q.by ? [q.by] : []);
  applyRestriction(def.id, def.dimensions, where, restrict, names);
  const range = rangeUtc(q.from, q.to, org.time_zone);
  const ctx: QueryContext = {
    orgId: org.id,
    timeZone: org.time_zone,
    start: range.start,
    end: range.end,
    from: q.from,
    grain: q.grain,
    now,
    where,
    by: q.by,
    dialect: store.dialect,
  };
  const { cells, variant, emptyCell } = await computeCells(store, def, q, ctx, buckets);
  const trends =
    def.measure.kind === 'ratio' && def.measure.trend
      ? await computeTrends(store, def, q, ctx, buckets)
      : undefined;
  const groupNames = q.by ? names.get(q.by) : undefined;
  return assembleRows({
    def,
    buckets,
    by: q.by,
    cells,
    groupName: (id) => (id === null ? null : (groupNames?.get(id) ?? id)),
    trends,
    variant,
    emptyCell,
  });
}

async function computeCells(
  store: Store,
  def: KpiDefinition,
  q: KpiQuery,
  ctx: QueryContext,
  buckets: readonly Bucket[],
): Promise<{ cells: Map<string, Cell>; variant: string | null; emptyCell: Cell }> {
  const natural = new Map(buckets.map((b) => [q.grain === 'all' ? b.key : b.natural, b.key]));
  const m = def.measure;
  const cells = new Map<string, Cell>();
  const counts = async (rows: Promise<{ rows: CountRow[] }>) => mapRows((await rows).rows, natural);

  if (m.kind === 'count') {
    for (const [key, r] of await counts(compileCount(ctx, m.of).execute(store.db)))
      cells.set(key, countCell(r.n));
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'backlog') {
    const bucketed = buckets.map((b) => ({ key: b.key, endUtc: b.endUtc }));
    const { rows } = await compileBacklog(ctx, bucketed).execute(store.db);
    for (const r of rows) cells.set(cellKey(r.bucket, r.grp), countCell(r.n));
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (
    m.kind === 'lifecycle' ||
    m.kind === 'escalation_closure' ||
    m.kind === 'kb_accuracy' ||
    m.kind === 'controls_passing'
  ) {
    const compiled =
      m.kind === 'lifecycle'
        ? compileLifecycle(ctx, buckets)
        : m.kind === 'kb_accuracy'
          ? compileKbAccuracy(ctx, buckets, m.reviewWindowDays)
          : m.kind === 'controls_passing'
            ? compileControlsPassing(ctx, buckets)
            : compileEscalationClosure(ctx, buckets);
    for (const r of (await compiled.execute(store.db)).rows) {
      const count = m.kind === 'lifecycle' && m.count === 'lost' ? r.n - r.kept : r.kept;
      cells.set(cellKey(r.bucket, r.grp), ratioCell(count, r.n, 100, 'wilson'));
    }
    return { cells, variant: null, emptyCell: ratioCell(0, 0, 100, 'wilson') };
  }
  if (m.kind === 'manual') {
    const { rows } = await compileManual(ctx, def.id).execute(store.db);
    for (const [key, r] of mapRows(rows, natural)) {
      cells.set(key, { ...countCell(r.n), value: m.aggregate === 'sum' ? r.total : r.latest });
    }
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'forecast_accuracy') {
    const { rows } = await compileForecastErrors(ctx).execute(store.db);
    for (const [key, r] of mapRows(rows, natural)) {
      const actual = r.actual ?? 0;
      const wape = actual > 0 ? (100 * (r.abs_error ?? 0)) / actual : null;
      cells.set(key, {
        value: wape === null ? null : Math.max(0, 100 - wape),
        n: r.n,
        numerator: r.abs_error,
        denominator: r.actual,
        interval: null,
      });
    }
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'crisis_recovery') {
    const { rows } = await compileCrisisRecovery(ctx, m.beforeDays, m.afterDays).execute(store.db);
    for (const [key, r] of mapRows(rows, natural)) {
      const before = r.before_n > 0 ? r.before_pos / r.before_n : null;
      const after = r.after_n > 0 ? r.after_pos / r.after_n : null;
      cells.set(key, {
        value: before && after !== null ? (after / before) * 100 : null,
        n: r.after_n,
        numerator: after === null ? null : after * 100,
        denominator: before === null ? null : before * 100,
        interval: null,
      });
    }
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'sum_ratio') {
    const { rows } = await compileSums(ctx, m.of, m.numerator, m.denominator).execute(store.db);
    for (const [key, r] of mapRows(rows, natural)) {
      const den = r.den ?? 0;
      cells.set(key, {
        value: den > 0 ? ((r.num ?? 0) / den) * m.scale : null,
        n: r.n,
        numerator: r.num,
        denominator: r.den,
        interval: null,
      });
    }
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'nps') {
    const { rows } = await compileNps(ctx, m.of).execute(store.db);
    for (const [key, r] of mapRows(rows, natural)) cells.set(key, npsCell(r.promoters, r.detractors, r.n));
    return { cells, variant: null, emptyCell: npsCell(0, 0, 0) };
  }
  if (m.kind === 'ratio') {
    const sides = ratioSides(def, q);
    const [num, den] = await Promise.all([
      counts(compileCount(ctx, sides.numerator).execute(store.db)),
      counts(compileCount(ctx, sides.denominator).execute(store.db)),
    ]);
    for (const key of new Set([...num.keys(), ...den.keys()])) {
      cells.set(key, ratioCell(num.get(key)?.n ?? 0, den.get(key)?.n ?? 0, m.scale, m.interval));
    }
    return { cells, variant: sides.variant, emptyCell: ratioCell(0, 0, m.scale, m.interval) };
  }
  const statistic = q.statistic ?? m.statistic;
  const clock = q.clock ?? 'business';
  const column = 'value' in m.column ? m.column.value : m.column[clock];
  const { rows } = await compileStatistic(ctx, m.of, column).execute(store.db);
  const stats = mapRows(rows, natural);
  const ranked = new Map<string, Map<number, number>>();
  if (statistic !== 'mean') {
    // Two ranks per SQL bucket (the natural period start) and group.
    const wanted: Array<{ bucket: string; grp: string | null; rn: number }> = [];
    for (const s of stats.values()) {
      const r = quantileRanks(s.n, QUANTILE[statistic]);
      if (r) for (const rn of [r.low, r.high]) wanted.push({ bucket: s.bucket, grp: s.grp, rn });
    }
    if (wanted.length > 0) {
      const ranks = await compileRanks(ctx, m.of, column, wanted).execute(store.db);
      for (const r of ranks.rows) {
        const bucket = natural.get(r.bucket);
        if (bucket === undefined) continue;
        const key = cellKey(bucket, r.grp);
        getOrCreate(ranked, key, () => new Map<number, number>()).set(r.rn, r.x);
      }
    }
  }
  for (const [key, s] of stats) {
    const input: StatisticInput = { ...s, ranked: ranked.get(key) ?? new Map() };
    const cell = statisticCell(input, statistic);
    if (cell.interval && m.bounds) {
      cell.interval = {
        low: Math.max(m.bounds.min, cell.interval.low),
        high: Math.min(m.bounds.max, cell.interval.high),
      };
    }
    cells.set(key, cell);
  }
  const variant = `${statistic}${'value' in m.column ? '' : `, ${clock}`}`;
  return {
    cells,
    variant,
    emptyCell: statisticCell(
      { n: 0, mean: null, sd: null, total: null, median: null, p90: null, ranked: new Map() },
      statistic,
    ),
  };
}

/**
 * Trend of a ratio: for each bucket, the least-squares slope of its value over that bucket and the
 * seven whole periods before it (a clipped first bucket counts as its whole period here).
 */
async function computeTrends(
  store: Store,
  def: KpiDefinition,
  q: KpiQuery,
  ctx: QueryContext,
  buckets: readonly Bucket[],
): Promise<Map<string, number | null>> {
  const trends = new Map<string, number | null>();
  if (q.grain === 'all') return trends;
  const from = shiftPeriods(q.from, q.grain, TREND_PERIODS - 1, ctx.timeZone);
  const history = bucketsOf(from, q.to, q.grain, ctx.timeZone);
  const range = rangeUtc(from, q.to, ctx.timeZone);
  const wide = await computeCells(
    store,
    def,
    { ...q, from },
    { ...ctx, start: range.start, end: range.end, from },
    history,
  );
  const groups = new Set<string | null>();
  for (const key of wide.cells.keys()) {
    const g = key.split('\u0000')[1]!;
    groups.add(g === '\u0001' ? null : g);
  }
  if (!q.by) groups.add(null);
  for (const group of groups) {
    const series = history.map((b) => wide.cells.get(cellKey(b.key, group))?.value ?? null);
    for (const b of buckets) {
      const index = history.findIndex((h) => h.natural === b.natural);
      if (index < 0) continue;
      trends.set(
        cellKey(b.key, group),
        leastSquaresSlope(series.slice(Math.max(0, index - TREND_PERIODS + 1), index + 1)),
      );
    }
  }
  return trends;
}
