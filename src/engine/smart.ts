import { DateTime } from 'luxon';
import {
  type Cadence,
  type DayRange,
  daysBetween,
  type GoalScopeKind,
  goalDirection,
  type TargetKind,
} from './goals.js';
import type { KpiDefinition } from './kpi-definition.js';
import { kraOf, type ScorecardTemplate } from './scorecard.js';

/**
 * The SMART check of a goal (seed 000: "KPIs should always be SMART"): one verdict and one reason per
 * letter. A letter fails when the goal is not what the letter asks; Achievable can also warn (a stretch
 * target, or no history to compare with). Pure: the history comes in as values.
 */
export type SmartVerdict = 'pass' | 'warn' | 'fail';

export interface SmartLetter {
  letter: 'S' | 'M' | 'A' | 'R' | 'T';
  name: 'Specific' | 'Measurable' | 'Achievable' | 'Relevant' | 'Time-bound';
  verdict: SmartVerdict;
  reason: string;
}

export interface SmartCheck {
  /** No letter failed. */
  ok: boolean;
  letters: SmartLetter[];
}

export interface HistoryWindow extends DayRange {
  value: number | null;
  n: number;
  significant: boolean;
}

export interface SmartInput {
  kpiId: string;
  kpi: KpiDefinition | undefined;
  scope: { kind: GoalScopeKind; label: string; exists: boolean };
  target: { kind: TargetKind; input: number; value: number | null };
  baseline: DayRange & { value: number | null; n: number };
  start: string;
  deadline: string;
  cadence: Cadence | null;
  ownerRole: string;
  /** The owner's role scorecard (the organisation's, else the default). */
  template: ScorecardTemplate | undefined;
  kraNames: ReadonlyMap<number, string>;
  /** The scope's own values over windows as long as the baseline period, across the last 12 months. */
  history: HistoryWindow[];
}

const num = (v: number) => String(Math.round(v * 100) / 100);
const validDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid;

/** The values a KPI can take, where its definition bounds them. */
export function kpiBounds(def: KpiDefinition): { min: number | null; max: number | null } {
  const m = def.measure;
  if (def.unit === 'nps') return { min: -100, max: 100 };
  if (m.kind === 'statistic' && m.bounds) return { min: m.bounds.min, max: m.bounds.max };
  if (def.unit === 'percent') {
    const proportion =
      (m.kind === 'ratio' && m.interval === 'wilson') ||
      [
        'lifecycle',
        'escalation_closure',
        'kb_accuracy',
        'controls_passing',
        'forecast_accuracy',
        'manual',
      ].includes(m.kind);
    return { min: 0, max: proportion ? 100 : null };
  }
  return { min: 0, max: null };
}

function specific(input: SmartInput): SmartLetter {
  const letter = (verdict: SmartVerdict, reason: string): SmartLetter => ({
    letter: 'S',
    name: 'Specific',
    verdict,
    reason,
  });
  const def = input.kpi;
  if (!def) return letter('fail', `"${input.kpiId}" is not a KPI of the catalogue`);
  if (!input.scope.exists) return letter('fail', `${input.scope.label} does not exist`);
  if (input.scope.kind !== 'organization' && !def.dimensions.includes(input.scope.kind)) {
    return letter(
      'fail',
      `${def.id} cannot be measured per ${input.scope.kind} (it can per: ${def.dimensions.join(', ') || 'organisation only'})`,
    );
  }
  const b = input.baseline.value;
  const t = input.target.value;
  if (b !== null && t !== null) {
    if (def.direction === 'target' && t === b) {
      return letter('fail', `the target ${num(t)} equals the baseline: there is nothing to change`);
    }
    const way = goalDirection(def.direction, b, t);
    if (def.direction !== 'target' && (way === 'higher' ? t <= b : t >= b)) {
      return letter(
        'fail',
        `the target ${num(t)} is no improvement on the baseline ${num(b)} for a ${def.direction}-is-better KPI`,
      );
    }
  }
  return letter(
    'pass',
    `one KPI (${def.name}, ${def.id}) for one scope (${input.scope.label})${
      t !== null ? `, to reach ${num(t)}${b !== null ? ` from ${num(b)}` : ''}` : ''
    }`,
  );
}

function measurable(input: SmartInput): SmartLetter {
  const letter = (verdict: SmartVerdict, reason: string): SmartLetter => ({
    letter: 'M',
    name: 'Measurable',
    verdict,
    reason,
  });
  const def = input.kpi;
  if (!def) return letter('fail', 'no KPI to measure');
  const b = input.baseline;
  if (def.source === 'manual') {
    if (!input.cadence) {
      return letter('fail', `${def.id} is recorded by hand and the goal names no recording cadence`);
    }
    if (input.target.kind !== 'absolute' && b.value === null) {
      return letter(
        'fail',
        `a relative target needs a recorded baseline, and none was recorded ${b.from}–${b.to}`,
      );
    }
    return letter('pass', `recorded by hand, ${input.cadence}`);
  }
  if (b.value === null || b.n === 0) {
    return letter(
      'fail',
      `no ${def.id} data for ${input.scope.label} from ${b.from} to ${b.to}: no baseline`,
    );
  }
  if (b.n < def.minN) {
    return letter(
      'fail',
      `the baseline ${num(b.value)} rests on n = ${b.n} (${b.from}–${b.to}), below the KPI's minimum of ${def.minN}`,
    );
  }
  return letter(
    'pass',
    `computed from the data: baseline ${num(b.value)} from ${b.from} to ${b.to}, n = ${b.n}`,
  );
}

function achievable(input: SmartInput): SmartLetter {
  const letter = (verdict: SmartVerdict, reason: string): SmartLetter => ({
    letter: 'A',
    name: 'Achievable',
    verdict,
    reason,
  });
  const def = input.kpi;
  const t = input.target.value;
  if (!def) return letter('fail', 'no KPI to judge the target against');
  if (t === null) return letter('fail', 'the relative target cannot be resolved without a baseline');
  const bounds = kpiBounds(def);
  if ((bounds.min !== null && t < bounds.min) || (bounds.max !== null && t > bounds.max)) {
    return letter(
      'fail',
      `the target ${num(t)} is outside the values ${def.id} can take (${bounds.min ?? '−∞'} to ${bounds.max ?? '∞'})`,
    );
  }
  if (def.source === 'manual')
    return letter('pass', `within ${def.id}'s range; a recorded KPI is judged by its owner`);
  const way = goalDirection(def.direction, input.baseline.value, t);
  const windows = input.history.filter((w) => w.significant && w.value !== null);
  const days = daysBetween(input.baseline.from, input.baseline.to) + 1;
  if (windows.length === 0 || way === null) {
    return letter(
      'warn',
      `no significant ${days}-day window in the last 12 months to compare the target with`,
    );
  }
  const better = (a: number, b: number) => (way === 'higher' ? a > b : a < b);
  let best = windows[0]!;
  let worst = windows[0]!;
  for (const w of windows) {
    if (better(w.value!, best.value!)) best = w;
    if (better(worst.value!, w.value!)) worst = w;
  }
  const bestText = `the best ${days}-day value of the last 12 months, ${num(best.value!)} (${best.from}–${best.to}, n = ${best.n})`;
  if (!better(t, best.value!)) return letter('pass', `the target ${num(t)} is within reach: ${bestText}`);
  const gap = Math.abs(t - best.value!);
  const range = Math.abs(best.value! - worst.value!);
  if (gap > range && range > 0) {
    return letter(
      'fail',
      `the target ${num(t)} is beyond ${bestText} by ${num(gap)}, more than the whole 12-month range of ${num(range)} (worst ${num(worst.value!)})`,
    );
  }
  return letter(
    'warn',
    `stretch: the target ${num(t)} is beyond ${bestText} by ${num(gap)} (12-month range ${num(range)}, worst ${num(worst.value!)})`,
  );
}

function relevant(input: SmartInput): SmartLetter {
  const letter = (verdict: SmartVerdict, reason: string): SmartLetter => ({
    letter: 'R',
    name: 'Relevant',
    verdict,
    reason,
  });
  const def = input.kpi;
  if (!def) return letter('fail', 'no KPI, so no KRA');
  const template = input.template;
  if (!template) return letter('fail', `no scorecard for the role ${input.ownerRole}`);
  const kra = kraOf(def, template);
  if (kra === null)
    return letter('fail', `${def.id} counts under no KRA of the ${input.ownerRole} scorecard`);
  const name = input.kraNames.get(kra) ?? `KRA ${kra}`;
  const weight = template.kras.find((k) => k.kra === kra)?.weight ?? 0;
  const total = template.kras.reduce((s, k) => s + k.weight, 0);
  if (!(weight > 0)) {
    return letter(
      'fail',
      `${def.id} is in KRA ${kra} (${name}), which weighs 0 in the ${input.ownerRole} scorecard`,
    );
  }
  return letter(
    'pass',
    `${def.id} is in KRA ${kra} (${name}), weighing ${num(weight)} of ${num(total)} in the ${input.ownerRole} scorecard`,
  );
}

function timeBound(input: SmartInput): SmartLetter {
  const letter = (verdict: SmartVerdict, reason: string): SmartLetter => ({
    letter: 'T',
    name: 'Time-bound',
    verdict,
    reason,
  });
  if (!validDay(input.start)) return letter('fail', `the start "${input.start}" is not a date`);
  if (!validDay(input.deadline)) return letter('fail', `the deadline "${input.deadline}" is not a date`);
  if (input.deadline <= input.start) {
    return letter('fail', `the deadline ${input.deadline} is not after the start ${input.start}`);
  }
  return letter(
    'pass',
    `from ${input.start} to ${input.deadline} (${daysBetween(input.start, input.deadline)} days)`,
  );
}

export function smartCheck(input: SmartInput): SmartCheck {
  const letters = [specific(input), measurable(input), achievable(input), relevant(input), timeBound(input)];
  return { ok: letters.every((l) => l.verdict !== 'fail'), letters };
}
