import type { Dimension, KpiDefinition } from './kpi-definition.js';
import type { Bucket } from './periods.js';
import { type Interval, npsInterval, quantileRanks, tInterval, wilson } from './statistics.js';

/** One result row of the query contract (DESIGN.md): one per bucket × group. */
export interface KpiRow {
  kpi: string;
  bucket: string;
  bucket_end: string;
  /** The group key, named after --by (desk, team, agent, channel or priority), holding the display name. */
  [group: string]: unknown;
  value: number | null;
  unit: string;
  n: number;
  numerator: number | null;
  denominator: number | null;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
  /** escalation_rate: least-squares slope per period over the last 8 periods; null elsewhere. */
  trend: number | null;
  /** The definition variant that made the number, e.g. "single_reply_no_reopen" or "median, business". */
  variant: string | null;
}

/** A bucket × group cell, before it becomes a row. */
export interface Cell {
  value: number | null;
  n: number;
  numerator: number | null;
  denominator: number | null;
  interval: Interval | null;
}

export const cellKey = (bucket: string, group: string | null) => `${bucket}\u0000${group ?? '\u0001'}`;

const round2 = (v: number | null) => (v === null ? null : Math.round((v + Number.EPSILON) * 100) / 100);

export function countCell(n: number): Cell {
  return { value: n > 0 ? n : null, n, numerator: null, denominator: null, interval: null };
}

export function ratioCell(
  numerator: number,
  denominator: number,
  scale: number,
  interval: 'wilson' | 'none',
): Cell {
  const value = denominator > 0 ? (numerator / denominator) * scale : null;
  const w = interval === 'wilson' ? wilson(numerator, denominator) : null;
  return {
    value,
    n: denominator,
    numerator,
    denominator,
    interval: w ? { low: w.low * scale, high: w.high * scale } : null,
  };
}

/** NPS: 100 × (promoters − detractors) ÷ responses, −100..100, with the NPS variance interval. */
export function npsCell(promoters: number, detractors: number, n: number): Cell {
  return {
    value: n > 0 ? (100 * (promoters - detractors)) / n : null,
    n,
    numerator: null,
    denominator: null,
    interval: npsInterval(promoters, detractors, n),
  };
}

export interface StatisticInput {
  n: number;
  mean: number | null;
  sd: number | null;
  total: number | null;
  median: number | null;
  p90: number | null;
  /** Values at ranks, for order-statistic intervals. */
  ranked: ReadonlyMap<number, number>;
}

export const QUANTILE = { median: 0.5, p90: 0.9 } as const;

export function statisticCell(s: StatisticInput, statistic: 'median' | 'mean' | 'p90'): Cell {
  if (s.n === 0) return { value: null, n: 0, numerator: null, denominator: null, interval: null };
  if (statistic === 'mean') {
    return {
      value: s.mean,
      n: s.n,
      numerator: s.total,
      denominator: s.n,
      interval: s.mean === null ? null : tInterval(s.mean, s.sd, s.n),
    };
  }
  const ranks = quantileRanks(s.n, QUANTILE[statistic]);
  const low = ranks ? s.ranked.get(ranks.low) : undefined;
  const high = ranks ? s.ranked.get(ranks.high) : undefined;
  return {
    value: statistic === 'median' ? s.median : s.p90,
    n: s.n,
    numerator: null,
    denominator: null,
    interval: low !== undefined && high !== undefined ? { low, high } : null,
  };
}

/**
 * Turns cells into contract rows: every bucket for every group that has data in range (or one
 * ungrouped series), empty buckets with value null and n 0, numbers rounded to two decimals.
 */
export function assembleRows(input: {
  def: KpiDefinition;
  buckets: readonly Bucket[];
  by: Dimension | undefined;
  cells: ReadonlyMap<string, Cell>;
  groupName: (id: string | null) => string | null;
  trends?: ReadonlyMap<string, number | null>;
  variant: string | null;
  emptyCell: Cell;
}): Array<KpiRow> {
  const { def, buckets, by, cells } = input;
  const inRange = new Set(buckets.map((b) => b.key));
  let groups: Array<string | null> = [null];
  if (by) {
    const seen = new Set<string | null>();
    for (const key of cells.keys()) {
      const [bucket, group] = key.split('\u0000') as [string, string];
      if (inRange.has(bucket)) seen.add(group === '\u0001' ? null : group);
    }
    // Code-point order: the same on every host, whatever its locale.
    const label = (g: string | null) => String(input.groupName(g));
    groups = [...seen].sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
  }
  const rows: KpiRow[] = [];
  for (const group of groups) {
    for (const b of buckets) {
      const key = cellKey(b.key, group);
      const cell = cells.get(key) ?? input.emptyCell;
      const row: KpiRow = {
        kpi: def.id,
        bucket: b.key,
        bucket_end: b.end,
        ...(by ? { [by]: input.groupName(group) } : {}),
        value: round2(cell.value),
        unit: def.unit,
        n: cell.n,
        numerator: round2(cell.numerator),
        denominator: round2(cell.denominator),
        ci_low: round2(cell.interval?.low ?? null),
        ci_high: round2(cell.interval?.high ?? null),
        significant: cell.n > 0 && cell.n >= def.minN,
        trend: round2(input.trends?.get(key) ?? null),
        variant: input.variant,
      };
      rows.push(row);
    }
  }
  return rows;
}
