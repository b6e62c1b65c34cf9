import { z } from 'zod';
import { type Cell, countCell, npsCell, ratioCell, statisticCell } from '../engine/assemble-rows.js';
import {
  type CompiledDrilldown,
  compileDrilldown,
  compileTicketExport,
  DRILL_SORTS,
  type DrillContext,
  DrilldownUnsupportedError,
  type DrillMeasure,
  type DrillRowRaw,
  type DrillSort,
  TICKET_EXPORT_COLUMNS,
  type TicketExportRaw,
} from '../engine/compile-drilldown.js';
import type { QueryContext } from '../engine/compile-kpi.js';
import { DIMENSIONS, type Dimension, type KpiDefinition } from '../engine/kpi-definition.js';
import { checkQueryAgainst, type KpiQuery, KpiQueryError, type KpiQueryInput } from '../engine/kpi-query.js';
import { type Bucket, bucketsOf, rangeUtc } from '../engine/periods.js';
import type { CellValue, ExportTable } from '../reports/table.js';
import type { Store } from './database.js';
import { applyRestriction, idOf, type Restriction, resolveWhere } from './kpi-filters.js';
import type { Organization } from './organizations.js';
import { parseKpiQuery } from './run-kpi-query.js';

export { DrilldownUnsupportedError };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_DRILL_LIMIT = 1000;
/** Rows per database round trip when an export pages through a result. */
export const EXPORT_PAGE_SIZE = 2000;

/** The drill-down's own parameters, on top of the KPI query's. */
export const drillOptionsSchema = z.strictObject({
  /** The bucket's first day, as the query contract's `bucket` names it. */
  bucket: z.string().regex(DAY, 'use YYYY-MM-DD'),
  /** The group's display name (or id) when the query has `by`; null: the rows with no value for `by`. */
  group: z.string().max(200).nullable().optional(),
  sort: z.enum(DRILL_SORTS).default('placed_at'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(MAX_DRILL_LIMIT).default(100),
  offset: z.number().int().min(0).default(0),
});
export type DrillOptionsInput = z.input<typeof drillOptionsSchema>;

export type { Restriction };
export type FactValue = CellValue;

export interface DrillRow {
  /** The source the row comes from (tickets_by_solve, replies, survey_responses, …). */
  source: string;
  id: string;
  ticket_id: string | null;
  /** The timestamp that placed the row in the bucket. */
  placed_at: Date;
  desk: string | null;
  team: string | null;
  agent: string | null;
  channel: string | null;
  priority: string | null;
  /** Ratios: whether the row counts in the numerator / denominator; null for other measures. */
  in_numerator: boolean | null;
  in_denominator: boolean | null;
  /** The number the row contributes (a statistic's duration or score, a manual value). */
  value: number | null;
  /** Surveys: the answer as given, and its class (promoter/passive/detractor, positive/neutral/negative). */
  score: number | null;
  class: string | null;
  facts: Record<string, FactValue>;
}

/** Recounted from every row of the drill-down (not just the page), with the KPI's own formulas. */
export interface DrillTotals {
  rows: number;
  n: number;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  promoters: number | null;
  detractors: number | null;
}

export interface DrilldownResult {
  kpi: string;
  unit: string;
  measure: DrillMeasure['kind'];
  variant: string | null;
  bucket: string;
  bucket_end: string;
  by: Dimension | null;
  group: string | null;
  facts: string[];
  totals: DrillTotals;
  rows: DrillRow[];
  sort: DrillSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** The offset of the next page, or null on the last one. */
  next_offset: number | null;
}

const round2 = (v: number | null) => (v === null ? null : Math.round((v + Number.EPSILON) * 100) / 100);

interface Prepared {
  def: KpiDefinition;
  q: KpiQuery;
  bucket: Bucket;
  group: string | null;
  compiled: CompiledDrilldown;
  /** Nothing can match (the group is excluded by the query's own filters). */
  empty: boolean;
}

async function prepare(
  store: Store,
  org: Organization,
  registry: ReadonlyMap<string, KpiDefinition>,
  input: KpiQueryInput,
  options: { bucket: string; group?: string | null | undefined },
  now: Date,
  restrict: Restriction,
): Promise<Prepared> {
  const q = parseKpiQuery(input);
  const def = registry.get(q.kpi);
  if (!def) throw new KpiQueryError(`unknown KPI "${q.kpi}" (see: deskscore kpi --list)`);
  checkQueryAgainst(def, q);
  let buckets: Bucket[];
  try {
    buckets = bucketsOf(q.from, q.to, q.grain, org.time_zone);
  } catch (error) {
    throw new KpiQueryError((error as Error).message);
  }
  const bucket = buckets.find((b) => b.key === options.bucket);
  if (!bucket) {
    const keys = buckets.map((b) => b.key);
    const shown = keys.length > 6 ? [...keys.slice(0, 3), '…', ...keys.slice(-2)] : keys;
    throw new KpiQueryError(
      `bucket ${options.bucket} does not start a ${q.grain} bucket of the range (${shown.join(', ')})`,
    );
  }
  if (options.group !== undefined && !q.by)
    throw new KpiQueryError('group needs by (the dimension it is a value of)');
  if (q.by && options.group === undefined) {
    throw new KpiQueryError(`name the ${q.by} (group=…), or leave out by`);
  }
  const { where, names } = await resolveWhere(store, org.id, q.where, restrict, q.by ? [q.by] : []);
  let empty = false;
  let nullGroup: Dimension | undefined;
  if (q.by && options.group !== undefined) {
    if (options.group === null) nullGroup = q.by;
    else {
      const id = idOf(names.get(q.by), options.group);
      const asked = where[q.by];
      if (asked && !asked.includes(id)) empty = true;
      where[q.by] = [id];
    }
  }
  applyRestriction(def.id, def.dimensions, where, restrict, names);
  const ctx: DrillContext = {
    orgId: org.id,
    timeZone: org.time_zone,
    start: bucket.startUtc,
    end: bucket.endUtc,
    from: q.from,
    grain: q.grain,
    now,
    where,
    by: q.by,
    dialect: store.dialect,
    nullGroup,
  };
  const compiled = compileDrilldown(ctx, def, q);
  return { def, q, bucket, group: options.group ?? null, compiled, empty };
}

function toRow(raw: DrillRowRaw, facts: readonly string[]): DrillRow {
  const out: Record<string, FactValue> = {};
  const record = raw as unknown as Record<string, unknown>;
  for (const name of facts) out[name] = (record[`fact_${name}`] ?? null) as FactValue;
  return {
    source: raw.source,
    id: raw.row_id,
    ticket_id: raw.ticket_id,
    placed_at: raw.placed_at,
    desk: raw.desk,
    team: raw.team,
    agent: raw.agent,
    channel: raw.channel,
    priority: raw.priority,
    in_numerator: raw.in_numerator,
    in_denominator: raw.in_denominator,
    value: raw.value === null ? null : Number(raw.value),
    score: raw.score === null ? null : Number(raw.score),
    class: raw.class,
    facts: out,
  };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function totalsOf(store: Store, p: Prepared): Promise<DrillTotals> {
  const m = p.compiled.measure;
  const zero = { rows: 0, promoters: null, detractors: null };
  if (p.empty) {
    const cell: Cell =
      m.kind === 'ratio'
        ? ratioCell(0, 0, m.scale, m.interval)
        : m.kind === 'nps'
          ? npsCell(0, 0, 0)
          : countCell(0);
    return {
      ...zero,
      n: 0,
      numerator: cell.numerator,
      denominator: cell.denominator,
      value: null,
      ...(m.kind === 'nps' ? { promoters: 0, detractors: 0 } : {}),
    };
  }
  const { rows } = await p.compiled.totals().execute(store.db);
  const t = rows[0]!;
  const count = Number(t.row_count);
  let cell: Cell;
  let extra: Pick<DrillTotals, 'promoters' | 'detractors'> = { promoters: null, detractors: null };
  switch (m.kind) {
    case 'ratio':
      cell = ratioCell(Number(t.numerator), Number(t.denominator), m.scale, m.interval);
      break;
    case 'statistic':
      cell = statisticCell(
        {
          n: Number(t.n_value),
          mean: num(t.mean),
          sd: num(t.sd),
          total: num(t.total),
          median: num(t.median),
          p90: num(t.p90),
          ranked: new Map(),
        },
        m.statistic,
      );
      break;
    case 'nps':
      extra = { promoters: Number(t.promoters), detractors: Number(t.detractors) };
      cell = npsCell(extra.promoters!, extra.detractors!, count);
      break;
    case 'sum_ratio': {
      const den = num(t.sum_denominator) ?? 0;
      cell = {
        value: den > 0 ? ((num(t.sum_numerator) ?? 0) / den) * m.scale : null,
        n: count,
        numerator: num(t.sum_numerator),
        denominator: num(t.sum_denominator),
        interval: null,
      };
      break;
    }
    case 'manual':
      cell = { ...countCell(count), value: m.aggregate === 'sum' ? num(t.total) : num(t.latest) };
      break;
    default:
      cell = countCell(count);
  }
  return {
    rows: count,
    n: cell.n,
    numerator: round2(cell.numerator),
    denominator: round2(cell.denominator),
    value: round2(cell.value),
    ...extra,
  };
}

/** The rows behind one KPI bucket × group, one page of them, and their totals. */
export async function runDrilldown(
  store: Store,
  org: Organization,
  registry: ReadonlyMap<string, KpiDefinition>,
  input: KpiQueryInput,
  optionsInput: DrillOptionsInput,
  now: Date = new Date(),
  restrict: Restriction = {},
): Promise<DrilldownResult> {
  const parsed = drillOptionsSchema.safeParse(optionsInput);
  if (!parsed.success) {
    throw new KpiQueryError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const options = parsed.data;
  const p = await prepare(store, org, registry, input, options, now, restrict);
  const totals = await totalsOf(store, p);
  let rows: DrillRow[] = [];
  let more = false;
  if (!p.empty) {
    const page = await p.compiled
      .rows({ sort: options.sort, order: options.order, limit: options.limit + 1, offset: options.offset })
      .execute(store.db);
    more = page.rows.length > options.limit;
    rows = page.rows.slice(0, options.limit).map((r) => toRow(r, p.compiled.facts));
  }
  return {
    kpi: p.def.id,
    unit: p.def.unit,
    measure: p.compiled.measure.kind,
    variant: p.compiled.variant,
    bucket: p.bucket.key,
    bucket_end: p.bucket.end,
    by: p.q.by ?? null,
    group: p.group,
    facts: [...p.compiled.facts],
    totals,
    rows,
    sort: options.sort,
    order: options.order,
    limit: options.limit,
    offset: options.offset,
    next_offset: more ? options.offset + options.limit : null,
  };
}

export const DRILL_EXPORT_COLUMNS = [
  'source',
  'id',
  'ticket_id',
  'placed_at',
  'desk',
  'team',
  'agent',
  'channel',
  'priority',
  'in_numerator',
  'in_denominator',
  'value',
  'score',
  'class',
] as const;

/**
 * Pages through a result by keyset: `fetch(after)` returns up to `pageSize` rows after the given one.
 * The first page is read before this returns, so a failing query fails the request, not the stream.
 */
async function keysetPages<R, K>(
  fetch: (after: K | undefined) => Promise<R[]>,
  keyOf: (row: R) => K,
  toCells: (row: R) => readonly FactValue[],
  pageSize: number,
): Promise<AsyncIterable<readonly FactValue[]>> {
  const first = await fetch(undefined);
  return {
    async *[Symbol.asyncIterator]() {
      let page = first;
      for (;;) {
        for (const row of page) yield toCells(row);
        if (page.length < pageSize) return;
        page = await fetch(keyOf(page[page.length - 1]!));
      }
    },
  };
}

/** Every row of a drill-down (ordered by placement), for CSV/XLSX: fetched in pages, never all at once. */
export async function exportDrilldown(
  store: Store,
  org: Organization,
  registry: ReadonlyMap<string, KpiDefinition>,
  input: KpiQueryInput,
  options: { bucket: string; group?: string | null | undefined },
  now: Date = new Date(),
  restrict: Restriction = {},
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ExportTable & { kpi: string; bucket: string }> {
  const p = await prepare(store, org, registry, input, options, now, restrict);
  const facts = p.compiled.facts;
  const columns = [...DRILL_EXPORT_COLUMNS, ...facts];
  type Key = { placedKey: string; source: string; rowId: string };
  const rows = await keysetPages<DrillRowRaw, Key>(
    async (after) => {
      if (p.empty) return [];
      const result = await p.compiled
        .rows({ sort: 'placed_at', order: 'asc', limit: pageSize, ...(after ? { after } : {}) })
        .execute(store.db);
      return result.rows;
    },
    (r) => ({ placedKey: r.placed_key, source: r.source, rowId: r.row_id }),
    (raw) => {
      const r = toRow(raw, facts);
      return [
        r.source,
        r.id,
        r.ticket_id,
        r.placed_at,
        r.desk,
        r.team,
        r.agent,
        r.channel,
        r.priority,
        r.in_numerator,
        r.in_denominator,
        r.value,
        r.score,
        r.class,
        ...facts.map((f) => r.facts[f] ?? null),
      ];
    },
    pageSize,
  );
  return { kpi: p.def.id, bucket: p.bucket.key, columns, rows };
}

export const TICKET_STATUSES_MAX = 20;

export interface TicketExportInput {
  from: string;
  to: string;
  /** Dimension filters by display name or id, as the query contract's `where` (credited at creation). */
  where?: Partial<Record<Dimension, string[]>>;
  /** Only tickets in one of these statuses (any when empty). */
  statuses?: readonly string[];
}

/**
 * Tickets created in [from, to] (inclusive local days) with their derived facts, ordered by creation,
 * for CSV/XLSX. Attributed like tickets_by_created: the team and assignee at creation.
 */
export async function exportTickets(
  store: Store,
  org: Organization,
  input: TicketExportInput,
  now: Date = new Date(),
  restrict: Restriction = {},
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ExportTable> {
  if (!DAY.test(input.from) || !DAY.test(input.to)) throw new KpiQueryError('from and to: use YYYY-MM-DD');
  if (input.from > input.to) throw new KpiQueryError('"to" is before "from"');
  const statuses = [...new Set(input.statuses ?? [])];
  if (statuses.length > TICKET_STATUSES_MAX) throw new KpiQueryError('too many statuses');
  let range: { start: Date; end: Date };
  try {
    range = rangeUtc(input.from, input.to, org.time_zone);
  } catch (error) {
    throw new KpiQueryError((error as Error).message);
  }
  const { where, names } = await resolveWhere(store, org.id, input.where ?? {}, restrict);
  applyRestriction('the ticket export', DIMENSIONS, where, restrict, names);
  const ctx: QueryContext = {
    orgId: org.id,
    timeZone: org.time_zone,
    start: range.start,
    end: range.end,
    from: input.from,
    grain: 'all',
    now,
    where,
    by: undefined,
    dialect: store.dialect,
  };
  type Key = { placedKey: string; ticketId: string };
  const rows = await keysetPages<TicketExportRaw, Key>(
    async (after) => (await compileTicketExport(ctx, statuses, pageSize, after).execute(store.db)).rows,
    (r) => ({ placedKey: r.placed_key, ticketId: r.ticket_id }),
    (r) => {
      const record = r as unknown as Record<string, unknown>;
      return TICKET_EXPORT_COLUMNS.map((c) => (record[c] ?? null) as FactValue);
    },
    pageSize,
  );
  return { columns: TICKET_EXPORT_COLUMNS, rows };
}
