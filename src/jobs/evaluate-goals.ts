import { CATALOGUE } from '../catalogue/index.js';
import {
  addDays,
  type DayRange,
  evaluateGoal,
  type GoalEvaluation,
  type GoalStatus,
  localDay,
  measurementWindow,
} from '../engine/goals.js';
import type { SmartCheck } from '../engine/smart.js';
import type { Store } from '../storage/database.js';
import {
  type ActionItem,
  achievedGoalIds,
  type Goal,
  listGoals,
  recordStatusChange,
} from '../storage/goals-repository.js';
import type { Organization } from '../storage/organizations.js';
import { findScope, type Scope } from '../storage/scopes.js';
import { loadScoringSettings } from '../storage/scoring-settings.js';
import { measureKpi } from './measure-kpi.js';

/** One goal as `deskscore goals --json` prints it: the stored goal, its current measurement and verdict. */
export interface GoalReport extends Omit<GoalEvaluation, 'status' | 'reason'> {
  id: number;
  name: string;
  kpi: string;
  kpi_name: string;
  unit: string;
  direction: string;
  scope: Scope;
  owner: Goal['owner'];
  baseline: Goal['baseline'];
  target: Goal['target'];
  start: string;
  deadline: string;
  cadence: string | null;
  notes: string | null;
  /** The last day of data the measurement uses. */
  as_of: string;
  current: DayRange & {
    value: number | null;
    n: number;
    ci_low: number | null;
    ci_high: number | null;
    significant: boolean;
  };
  status: GoalStatus;
  reason: string;
  /** The status last recorded in the history, and when. */
  recorded: { status: GoalStatus | null; at: Date | null };
  smart: SmartCheck;
  actions: ActionItem[];
}

const round = (v: number | null) => (v === null ? null : Math.round((v + Number.EPSILON) * 100) / 100);

/**
 * Measures every goal (or the chosen ones) as of the day before `now` (or `asOf`), through runKpiQuery,
 * and judges it. With `record`, a status that differs from the stored one is kept in the history — the
 * job a scheduler runs daily (deskscore goal evaluate).
 */
export async function evaluateGoals(
  store: Store,
  org: Organization,
  options: { now: Date; asOf?: string; record?: boolean; ids?: readonly number[] },
): Promise<GoalReport[]> {
  const asOf = options.asOf ?? addDays(localDay(options.now, org.time_zone), -1);
  const [goals, settings, achieved] = await Promise.all([
    listGoals(store.db, org.id),
    loadScoringSettings(store.db, org.id),
    achievedGoalIds(store.db, org.id),
  ]);
  const reports: GoalReport[] = [];
  for (const goal of goals) {
    if (options.ids && !options.ids.includes(goal.id)) continue;
    const def = CATALOGUE.get(goal.kpi);
    const scope = await findScope(store.db, org.id, goal.scope.kind, goal.scope.id);
    if (!def || !scope) continue;
    const latestCounts = def.measure.kind === 'manual' && def.measure.aggregate === 'latest';
    const window = measurementWindow(goal, asOf, latestCounts);
    const m = await measureKpi(store, org, goal.kpi, scope, window, options.now);
    const current = {
      ...window,
      value: m?.value ?? null,
      n: m?.n ?? 0,
      ci_low: m?.ci_low ?? null,
      ci_high: m?.ci_high ?? null,
      significant: m?.significant ?? false,
    };
    const verdict = evaluateGoal({
      direction: def.direction,
      minN: def.minN,
      start: goal.start,
      deadline: goal.deadline,
      asOf: window.to,
      window,
      baseline: { value: goal.baseline.value, n: goal.baseline.n },
      target: goal.target.value,
      current: { value: current.value, n: current.n },
      thresholds: settings.thresholds,
      achievedBefore: achieved.has(goal.id),
    });
    const report: GoalReport = {
      id: goal.id,
      name: goal.name,
      kpi: goal.kpi,
      kpi_name: def.name,
      unit: def.unit,
      direction: def.direction,
      scope,
      owner: goal.owner,
      baseline: goal.baseline,
      target: goal.target,
      start: goal.start,
      deadline: goal.deadline,
      cadence: goal.cadence,
      notes: goal.notes,
      as_of: window.to,
      current,
      ...verdict,
      progress: round(verdict.progress),
      progress_raw: round(verdict.progress_raw),
      elapsed_pct: round(verdict.elapsed_pct)!,
      pace: round(verdict.pace),
      recorded: { status: goal.status, at: goal.statusAt },
      smart: goal.smart,
      actions: goal.actions,
    };
    if (options.record && goal.status !== verdict.status) {
      const changedAt = new Date();
      await recordStatusChange(store.db, org.id, goal.id, {
        changedAt,
        asOf: window.to,
        from: goal.status,
        to: verdict.status,
        value: current.value,
        n: current.n,
        progress: report.progress_raw,
        pace: report.pace,
        reason: verdict.reason,
      });
      report.recorded = { status: verdict.status, at: changedAt };
    }
    reports.push(report);
  }
  return reports;
}
