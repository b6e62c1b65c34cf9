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
import {
  checkScanMeasure,
  compileBacklog,
  compileControlsPassing,
  compileCrisisRecovery,
  compileEscalationClosure,
  compileForecastErrors,
  compileKbAccuracy,
  compileLifecycle,
  compileManual,
  compileRanks,
  compileScan,
  type QueryContext,
  type RowSource,
  ratioSides,
  type ScanMeasure,
  type ScanPart,
  type ScanRow,
} from '../engine/compile-kpi.js';
import type { KpiDefinition, Side } from '../engine/kpi-definition.js';
import {
  checkQueryAgainst,
  type KpiQuery,
  KpiQueryError,
  type KpiQueryInput,
  kpiQuerySchema,
} from '../engine/kpi-query.js';
import { type Bucket, bucketsOf, rangeUtc, shiftPeriods } from '../engine/periods.js';
import { SOURCE_SPECS } from '../engine/sources.js';
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

function rowSource(side: Side): RowSource {
  if (side.source === 'backlog') throw new Error('backlog is not a row source');
  return side.source;
}

function numberOrNull(row: ScanRow, column: string): number | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : Number(v);
}

const count = (row: ScanRow, column: string) => numberOrNull(row, column) ?? 0;

interface ScanRequest {
  part: ScanPart;
  resolve: (result: ScanResult) => void;
  reject: (error: unknown) => void;
}

interface ScanBatch {
  ctx: QueryContext;
  source: RowSource;
  requests: ScanRequest[];
}

/** A scan's rows, and the names of one measure's columns in them. */
interface ScanResult {
  rows: readonly ScanRow[];
  name: (suffix: string) => string;
}

/** Scans waiting for the end of the current turn, by database and by what their rows share. */
const pendingScans = new WeakMap<object, Map<string, ScanBatch>>();

/**
 * One measure over a source's rows. Measures asked in the same turn of the event loop (a dashboard's
 * KPIs, a ratio's two sides, a trend's wider range) over the same source, organisation, grain, group
 * and dimension filters become one statement: one pass over the facts instead of one per measure.
 */
function scanSource(
  store: Store,
  ctx: QueryContext,
  source: RowSource,
  measure: ScanMeasure,
): Promise<ScanResult> {
  const key = JSON.stringify([
    source,
    ctx.orgId,
    ctx.timeZone,
    ctx.grain,
    ctx.grain === 'all' ? ctx.from : null,
    ctx.now.getTime(),
    ctx.by ?? null,
    Object.entries(ctx.where).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  checkScanMeasure(source, measure);
  let pending = pendingScans.get(store.db);
  if (!pending) {
    pending = new Map();
    pendingScans.set(store.db, pending);
  }
  let batch = pending.get(key);
  if (!batch) {
    const created: ScanBatch = { ctx, source, requests: [] };
    const turn = pending;
    turn.set(key, created);
    setImmediate(() => {
      turn.delete(key);
      void runScan(store, created);
    });
    batch = created;
  }
  const part: ScanPart = { measure, start: ctx.start, end: ctx.end };
  return new Promise((resolve, reject) => batch.requests.push({ part, resolve, reject }));
}

async function runScan(store: Store, batch: ScanBatch): Promise<void> {
  const parts: ScanPart[] = [];
  const index = new Map<string, number>();
  const positions = batch.requests.map(({ part }) => {
    const id = JSON.stringify([part.measure, part.start.getTime(), part.end.getTime()]);
    let i = index.get(id);
    if (i === undefined) {
      i = parts.length;
      parts.push(part);
      index.set(id, i);
    }
    return i;
  });
  try {
    let start = parts[0]!.start;
    let end = parts[0]!.end;
    for (const p of parts) {
      if (p.start < start) start = p.start;
      if (p.end > end) end = p.end;
    }
    const { rows } = await compileScan({ ...batch.ctx, start, end }, batch.source, parts).execute(store.db);
    batch.requests.forEach((r, j) => {
      r.resolve({ rows, name: (suffix) => `p${positions[j]}_${suffix}` });
    });
  } catch (error) {
    for (const r of batch.requests) r.reject(error);
  }
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
  // Issued together, so the trend's wider range shares the cells' scan.
  const [{ cells, variant, emptyCell }, trends] = await Promise.all([
    computeCells(store, def, q, ctx, buckets),
    def.measure.kind === 'ratio' && def.measure.trend
      ? computeTrends(store, def, q, ctx, buckets)
      : undefined,
  ]);
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
  // The cells of one side's count: where it counts rows, n (distinct values, for agent-days).
  const counts = async (side: Side) => {
    const { rows, name } = await scanSource(store, ctx, rowSource(side), {
      kind: 'count',
      where: side.where,
    });
    const present = SOURCE_SPECS[rowSource(side)].countsDistinct ? name('rows') : name('n');
    const out = new Map<string, number>();
    for (const [key, r] of mapRows(rows, natural))
      if (count(r, present) > 0) out.set(key, count(r, name('n')));
    return out;
  };

  if (m.kind === 'count') {
    for (const [key, n] of await counts(m.of)) cells.set(key, countCell(n));
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
    const { rows, name } = await scanSource(store, ctx, rowSource(m.of), {
      kind: 'sums',
      where: m.of.where,
      numerator: m.numerator,
      denominator: m.denominator,
    });
    for (const [key, r] of mapRows(rows, natural)) {
      const n = count(r, name('n'));
      if (n === 0) continue;
      const num = numberOrNull(r, name('num'));
      const den = numberOrNull(r, name('den'));
      cells.set(key, {
        value: (den ?? 0) > 0 ? ((num ?? 0) / den!) * m.scale : null,
        n,
        numerator: num,
        denominator: den,
        interval: null,
      });
    }
    return { cells, variant: null, emptyCell: countCell(0) };
  }
  if (m.kind === 'nps') {
    const { rows, name } = await scanSource(store, ctx, rowSource(m.of), { kind: 'nps', where: m.of.where });
    for (const [key, r] of mapRows(rows, natural)) {
      const n = count(r, name('n'));
      if (n > 0) cells.set(key, npsCell(count(r, name('promoters')), count(r, name('detractors')), n));
    }
    return { cells, variant: null, emptyCell: npsCell(0, 0, 0) };
  }
  if (m.kind === 'ratio') {
    const sides = ratioSides(def, q);
    // Both sides join the same scan when they share a source.
    const [num, den] = await Promise.all([counts(sides.numerator), counts(sides.denominator)]);
    for (const key of new Set([...num.keys(), ...den.keys()])) {
      cells.set(key, ratioCell(num.get(key) ?? 0, den.get(key) ?? 0, m.scale, m.interval));
    }
    return { cells, variant: sides.variant, emptyCell: ratioCell(0, 0, m.scale, m.interval) };
  }
  const statistic = q.statistic ?? m.statistic;
  const clock = q.clock ?? 'business';
  const column = 'value' in m.column ? m.column.value : m.column[clock];
  const quantile = statistic === 'mean' ? null : QUANTILE[statistic];
  const { rows, name } = await scanSource(store, ctx, rowSource(m.of), {
    kind: 'statistic',
    where: m.of.where,
    column,
    quantile,
  });
  const stats = new Map<string, StatisticInput>();
  const rankedByKey = new Map<string, Map<number, number>>();
  // Order statistics the scan did not return (it computes ranks as quantileRanks does; this is the
  // safety net should the two ever disagree): fetched by rank, as before the scan computed them.
  const wanted: Array<{ bucket: string; grp: string | null; rn: number }> = [];
  for (const [key, r] of mapRows(rows, natural)) {
    const n = count(r, name('n'));
    if (n === 0) continue;
    const ranked = new Map<number, number>();
    const s: StatisticInput = {
      n,
      mean: numberOrNull(r, name('mean')),
      sd: numberOrNull(r, name('sd')),
      total: numberOrNull(r, name('total')),
      median: null,
      p90: null,
      ranked,
    };
    stats.set(key, s);
    rankedByKey.set(key, ranked);
    if (quantile === null) continue;
    for (let j = 1; j <= 4; j++) {
      const rank = numberOrNull(r, name(`r${j}`));
      const x = numberOrNull(r, name(`x${j}`));
      if (rank !== null && x !== null) ranked.set(rank, x);
    }
    const position = (n - 1) * quantile;
    const interval = quantileRanks(n, quantile);
    const ranks = [Math.floor(position) + 1, Math.ceil(position) + 1, interval?.low, interval?.high];
    const missing = ranks.filter((rn): rn is number => rn !== undefined && !ranked.has(rn));
    for (const rn of missing) wanted.push({ bucket: r.bucket, grp: r.grp, rn });
  }
  if (wanted.length > 0) {
    const { rows: extra } = await compileRanks(ctx, m.of, column, wanted).execute(store.db);
    for (const r of extra) {
      const bucket = natural.get(r.bucket);
      if (bucket !== undefined) rankedByKey.get(cellKey(bucket, r.grp))?.set(r.rn, r.x);
    }
  }
  if (quantile !== null) {
    for (const s of stats.values()) {
      // percentile_cont's interpolation between the two order statistics around (n − 1)·q.
      const position = (s.n - 1) * quantile;
      const low = s.ranked.get(Math.floor(position) + 1);
      const high = s.ranked.get(Math.ceil(position) + 1);
      if (low === undefined || high === undefined) throw new Error(`${def.id}: order statistics missing`);
      const value = low === high ? low : low + (position - Math.floor(position)) * (high - low);
      if (statistic === 'median') s.median = value;
      else s.p90 = value;
    }
  }
  for (const [key, s] of stats) {
    const cell = statisticCell(s, statistic);
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
