import { DateTime } from 'luxon';
import { z } from 'zod';
import type { KpiDefinition } from './kpi-definition.js';

/**
 * Goal maths (KPI-DEFINITIONS.md, "Goals, scores and warnings — the defaults"): the target a goal
 * resolves to, the windows it is measured over, its progress, pace and status. Pure: the values come in,
 * the verdict goes out.
 */
export const GOAL_SCOPES = ['organization', 'desk', 'team', 'agent'] as const;
export type GoalScopeKind = (typeof GOAL_SCOPES)[number];

export const OWNER_ROLES = ['agent', 'team_lead', 'manager'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** Absolute ("CSAT 85"), or relative to the baseline: a percent change ("−15 % churn") or points ("+10 CSAT points"). */
export const TARGET_KINDS = ['absolute', 'percent_change', 'points_change'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const GOAL_STATUSES = [
  'not_started',
  'on_track',
  'at_risk',
  'off_track',
  'achieved',
  'missed',
  'not_significant',
] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Recording cadences of manual KPIs (SMART "Measurable"). */
export const CADENCES = ['daily', 'weekly', 'monthly', 'quarterly'] as const;
export type Cadence = (typeof CADENCES)[number];

/**
 * Pace thresholds, in points of pace (progress − % of time elapsed): on track at or above `onTrack`, at
 * risk from `atRisk` up to it, off track below `atRisk`. Configuration per organisation.
 */
export const goalThresholdsSchema = z
  .strictObject({
    onTrack: z.number().max(0).default(-10),
    atRisk: z.number().max(0).default(-25),
  })
  .refine((t) => t.atRisk <= t.onTrack, { message: 'atRisk must be at or below onTrack', path: ['atRisk'] });
export type GoalThresholds = z.infer<typeof goalThresholdsSchema>;
export const DEFAULT_GOAL_THRESHOLDS: GoalThresholds = { onTrack: -10, atRisk: -25 };

/** The absolute value a target stands for; null when it is relative and the baseline is unknown. */
export function resolveTarget(kind: TargetKind, input: number, baseline: number | null): number | null {
  if (kind === 'absolute') return input;
  if (baseline === null) return null;
  return kind === 'percent_change' ? baseline * (1 + input / 100) : baseline + input;
}

/** Which way is better for this goal: the KPI's direction, or for "target" KPIs the way the target lies. */
export function goalDirection(
  direction: KpiDefinition['direction'],
  baseline: number | null,
  target: number | null,
): 'higher' | 'lower' | null {
  if (direction !== 'target') return direction;
  if (baseline === null || target === null || baseline === target) return null;
  return target > baseline ? 'higher' : 'lower';
}

/** True when `value` is at or beyond `target` in the better direction. */
export function meetsTarget(value: number, target: number, direction: 'higher' | 'lower'): boolean {
  return direction === 'higher' ? value >= target : value <= target;
}

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
export const daysBetween = (from: string, to: string) => Math.round(day(to).diff(day(from), 'days').days);
export const addDays = (iso: string, days: number) => day(iso).plus({ days }).toISODate()!;

/** A local date range, inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/** The default baseline period: the four whole weeks before the start. */
export function defaultBaselinePeriod(start: string): DayRange {
  return { from: addDays(start, -28), to: addDays(start, -1) };
}

/**
 * The window a goal's current value is measured over, as of `asOf` (never after the deadline): the same
 * number of days as the baseline period, ending on that day — so a rate or a lifecycle KPI compares like
 * with like. A milestone (a manual KPI whose latest recorded value counts) is the latest value recorded
 * since the start instead.
 */
export function measurementWindow(
  goal: { start: string; deadline: string; baseline: DayRange },
  asOf: string,
  latestValueCounts: boolean,
): DayRange {
  const to = [asOf, goal.deadline].sort()[0]!;
  if (latestValueCounts) return { from: [goal.start, to].sort()[0]!, to };
  const length = daysBetween(goal.baseline.from, goal.baseline.to) + 1;
  return { from: addDays(to, -(length - 1)), to };
}

/** Share of the goal's days (start to deadline, inclusive) that have passed by the end of `asOf`, 0–100. */
export function elapsedPercent(start: string, deadline: string, asOf: string): number {
  const total = daysBetween(start, deadline) + 1;
  const done = daysBetween(start, asOf) + 1;
  return Math.min(100, Math.max(0, (100 * done) / total));
}

/**
 * Progress = (current − baseline) ÷ (target − baseline) × 100: negative when the KPI moved away from the
 * target. Null when target and baseline coincide (there is no distance to cover).
 */
export function goalProgress(current: number, baseline: number, target: number): number | null {
  if (target === baseline) return null;
  return ((current - baseline) / (target - baseline)) * 100;
}

/** Progress for display: capped at 100 (never beyond), negative kept as it is. */
export const displayProgress = (raw: number | null) => (raw === null ? null : Math.min(100, raw));

export interface Measured {
  value: number | null;
  n: number;
}

export interface GoalEvaluationInput {
  direction: KpiDefinition['direction'];
  minN: number;
  start: string;
  deadline: string;
  /** The last whole day of data the measurement uses. */
  asOf: string;
  window: DayRange;
  baseline: Measured;
  target: number | null;
  current: Measured;
  thresholds: GoalThresholds;
  /** A recorded "achieved" stays: the target was met at a measurement. */
  achievedBefore: boolean;
}

export interface GoalEvaluation {
  status: GoalStatus;
  /** Capped at 100 for display; negative when moving the wrong way. */
  progress: number | null;
  progress_raw: number | null;
  elapsed_pct: number;
  /** progress_raw − elapsed_pct, in points. */
  pace: number | null;
  met: boolean | null;
  reason: string;
}

const fmt = (v: number) => String(Math.round(v * 100) / 100);

/** Status per KPI-DEFINITIONS.md: achieved, missed, on track / at risk / off track by pace, not significant. */
export function evaluateGoal(input: GoalEvaluationInput): GoalEvaluation {
  const { baseline, current, target, thresholds } = input;
  const elapsed = elapsedPercent(input.start, input.deadline, input.asOf);
  const progressRaw =
    current.value !== null && baseline.value !== null && target !== null
      ? goalProgress(current.value, baseline.value, target)
      : null;
  const direction = goalDirection(input.direction, baseline.value, target);
  const met =
    current.value !== null && target !== null && direction !== null
      ? meetsTarget(current.value, target, direction)
      : null;
  const pace = progressRaw === null ? null : progressRaw - elapsed;
  const base = {
    progress: displayProgress(progressRaw),
    progress_raw: progressRaw,
    elapsed_pct: elapsed,
    met,
  };
  const verdict = (status: GoalStatus, reason: string, paceValue: number | null = pace): GoalEvaluation => ({
    status,
    ...base,
    pace: paceValue,
    reason,
  });

  if (input.asOf < input.start) return verdict('not_started', `starts on ${input.start}`, null);
  if (input.achievedBefore) return verdict('achieved', 'the target was met at an earlier measurement');
  const below = (m: Measured) => m.value === null || m.n === 0 || m.n < input.minN;
  if (below(baseline)) {
    return verdict(
      'not_significant',
      baseline.n === 0
        ? 'no baseline value'
        : `baseline n = ${baseline.n} is below the KPI's minimum of ${input.minN}`,
    );
  }
  if (below(current)) {
    return verdict(
      'not_significant',
      current.n === 0
        ? `no data from ${input.window.from} to ${input.window.to}`
        : `n = ${current.n} from ${input.window.from} to ${input.window.to} is below the KPI's minimum of ${input.minN}`,
    );
  }
  if (target === null || direction === null) {
    return verdict('not_significant', 'the target cannot be resolved against the baseline');
  }
  const cur = current.value!;
  // Met at a measurement on or after the start: one whose window lies after the start, or the final one.
  if (met && (input.window.from >= input.start || input.asOf >= input.deadline)) {
    return verdict('achieved', `${fmt(cur)} meets the target ${fmt(target)}`);
  }
  if (input.asOf >= input.deadline && !met) {
    return verdict('missed', `the deadline ${input.deadline} passed at ${fmt(cur)}, target ${fmt(target)}`);
  }
  // Target and baseline equal: no distance to cover, so met or not is all there is.
  const p = pace ?? (met ? 0 : -100);
  const paceText = `pace ${fmt(p)} points (progress ${progressRaw === null ? '-' : fmt(progressRaw)} % with ${fmt(elapsed)} % of the time gone)`;
  if (p >= thresholds.onTrack) return verdict('on_track', paceText, p);
  if (p >= thresholds.atRisk) return verdict('at_risk', paceText, p);
  return verdict('off_track', paceText, p);
}

/** The local calendar day `now` falls on in `zone`. */
export function localDay(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

export const PERIOD_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

/** The last whole week (ISO, Monday), month, quarter or year that ended before `today`. */
export function lastFullPeriod(grain: PeriodGrain, today: string): DayRange {
  const start = day(today)
    .startOf(grain)
    .minus({ [`${grain}s`]: 1 });
  return { from: start.toISODate()!, to: start.endOf(grain).toISODate()! };
}
