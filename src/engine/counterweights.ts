import { z } from 'zod';
import { addDays, type DayRange } from './goals.js';
import type { KpiDefinition } from './kpi-definition.js';
import { Z_975 } from './statistics.js';

/**
 * Counterweights, the gaming detector (KPI-DEFINITIONS.md, "Goals, scores and warnings"): the last four
 * weeks against the four weeks before; a warning when a KPI improved while its counterweight worsened,
 * each change larger than the two windows' intervals together (the intervals do not overlap). Pure.
 */
export const counterweightPairSchema = z.strictObject({
  kpi: z.string().min(1),
  counterweights: z.array(z.string().min(1)).min(1),
  /** Why a stand-in was chosen, when the pair names a KPI the catalogue lacks. */
  note: z.string().optional(),
});
export type CounterweightPair = z.infer<typeof counterweightPairSchema>;

/** The two windows ending on `lastDay`: the 28 days up to it, and the 28 days before those. */
export function counterweightWindows(lastDay: string): { before: DayRange; after: DayRange } {
  return {
    before: { from: addDays(lastDay, -55), to: addDays(lastDay, -28) },
    after: { from: addDays(lastDay, -27), to: lastDay },
  };
}

export interface WindowValue extends DayRange {
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
  /** Set when the interval was computed here rather than reported by the engine. */
  interval_note?: string;
}

export type Change = 'improved' | 'worsened' | 'within_intervals' | 'not_judged';

export interface JudgedChange {
  change: Change;
  before: WindowValue;
  after: WindowValue;
  /** after − before. */
  delta: number | null;
  reason: string;
}

/**
 * A change counts when both windows are significant, both have an interval, and the intervals do not
 * overlap: the change is then larger than the two intervals together. Its sign, read in the KPI's
 * direction, says improved or worsened.
 */
export function judgeChange(
  direction: KpiDefinition['direction'],
  before: WindowValue,
  after: WindowValue,
): JudgedChange {
  const delta = before.value !== null && after.value !== null ? after.value - before.value : null;
  const out = (change: Change, reason: string): JudgedChange => ({ change, before, after, delta, reason });
  if (direction === 'target') return out('not_judged', 'the KPI has a target value, not a better direction');
  for (const [name, w] of [
    ['earlier', before],
    ['later', after],
  ] as const) {
    if (w.value === null || w.n === 0) return out('not_judged', `no data in the ${name} window`);
    if (!w.significant) return out('not_judged', `n = ${w.n} in the ${name} window is too small`);
    if (w.ci_low === null || w.ci_high === null)
      return out('not_judged', `no interval in the ${name} window`);
  }
  const disjoint = after.ci_low! > before.ci_high! || after.ci_high! < before.ci_low!;
  if (!disjoint) return out('within_intervals', 'the intervals overlap');
  const up = after.value! > before.value!;
  return out(up === (direction === 'higher') ? 'improved' : 'worsened', 'the intervals do not overlap');
}

/**
 * A 95 % interval for a rate numerator ÷ denominator × scale whose numerator is a count (e.g. solved
 * tickets per agent-day), treating the count as Poisson (Wilson–Hilferty approximation of the exact
 * chi-square bounds). Used where the engine reports no interval.
 */
export function poissonRateInterval(
  numerator: number,
  denominator: number,
  scale = 1,
): { low: number; high: number } | null {
  if (!(denominator > 0) || numerator < 0) return null;
  const z = Z_975;
  const x = numerator;
  const low = x === 0 ? 0 : x * (1 - 1 / (9 * x) - z / (3 * Math.sqrt(x))) ** 3;
  const y = x + 1;
  const high = y * (1 - 1 / (9 * y) + z / (3 * Math.sqrt(y))) ** 3;
  return { low: (Math.max(0, low) / denominator) * scale, high: (high / denominator) * scale };
}

export interface CounterweightWarning {
  kpi: string;
  counterweight: string;
  kpi_change: JudgedChange;
  counterweight_change: JudgedChange;
  message: string;
}

export interface PairCheck {
  kpi: string;
  counterweight: string;
  kpi_change: JudgedChange;
  counterweight_change: JudgedChange;
  warning: boolean;
}

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v * 100) / 100));
const describe = (name: string, unit: string, c: JudgedChange, verb: string) =>
  `${name} ${verb} from ${num(c.before.value)} [${num(c.before.ci_low)}–${num(c.before.ci_high)}] to ${num(c.after.value)} [${num(c.after.ci_low)}–${num(c.after.ci_high)}] ${unit}`;

/** Checks every pair with the windows' values of one scope; warnings are the pairs where both changes count. */
export function checkPairs(
  pairs: readonly CounterweightPair[],
  registry: ReadonlyMap<string, KpiDefinition>,
  windows: ReadonlyMap<string, { before: WindowValue; after: WindowValue }>,
): { checks: PairCheck[]; warnings: CounterweightWarning[] } {
  const checks: PairCheck[] = [];
  const warnings: CounterweightWarning[] = [];
  for (const pair of pairs) {
    const def = registry.get(pair.kpi);
    const w = windows.get(pair.kpi);
    if (!def || !w) continue;
    const kpiChange = judgeChange(def.direction, w.before, w.after);
    for (const cw of pair.counterweights) {
      const cdef = registry.get(cw);
      const cwWindows = windows.get(cw);
      if (!cdef || !cwWindows) continue;
      const cwChange = judgeChange(cdef.direction, cwWindows.before, cwWindows.after);
      const warning = kpiChange.change === 'improved' && cwChange.change === 'worsened';
      checks.push({
        kpi: pair.kpi,
        counterweight: cw,
        kpi_change: kpiChange,
        counterweight_change: cwChange,
        warning,
      });
      if (warning) {
        warnings.push({
          kpi: pair.kpi,
          counterweight: cw,
          kpi_change: kpiChange,
          counterweight_change: cwChange,
          message: `${describe(def.name, def.unit, kpiChange, 'improved')} while ${describe(cdef.name, cdef.unit, cwChange, 'worsened')} (${w.before.from}–${w.before.to} against ${w.after.from}–${w.after.to})`,
        });
      }
    }
  }
  return { checks, warnings };
}
