import { CATALOGUE } from '../catalogue/index.js';
import {
  type ActionStatus,
  addDays,
  type Cadence,
  type DayRange,
  daysBetween,
  defaultBaselinePeriod,
  type GoalScopeKind,
  type OwnerRole,
  resolveTarget,
  type TargetKind,
} from '../engine/goals.js';
import type { HistoryWindow, SmartCheck } from '../engine/smart.js';
import { smartCheck } from '../engine/smart.js';
import type { Store } from '../storage/database.js';
import {
  type Goal,
  GoalError,
  getGoal,
  insertGoal,
  type NewGoal,
  updateGoal,
} from '../storage/goals-repository.js';
import type { Organization } from '../storage/organizations.js';
import { findScope, type Scope, scopeLabel } from '../storage/scopes.js';
import { loadScoringSettings } from '../storage/scoring-settings.js';
import { measurableAt, measureKpi } from './measure-kpi.js';
import { KRA_NAMES } from './scorecards.js';

/** What someone asks for when they set a goal (deskscore goal add). */
export interface GoalDraft {
  name?: string;
  kpi: string;
  scope: { kind: GoalScopeKind; idOrName: string | null };
  target: { kind: TargetKind; value: number };
  start: string;
  deadline: string;
  /** Default: the 28 days before the start. */
  baseline?: DayRange;
  owner: { name: string; role: OwnerRole; userId?: number | null };
  cadence?: Cadence | null;
  notes?: string | null;
  actions?: Array<{ title: string; owner: string; due: string; status?: ActionStatus }>;
}

export interface SetGoalResult {
  /** The goal's name (given, or made from the KPI, target and scope). */
  name: string;
  /** The stored goal; null when it was not saved (a SMART letter failed, or a dry run). */
  goal: Goal | null;
  smart: SmartCheck;
  baseline: DayRange & { value: number | null; n: number };
  target_value: number | null;
  scope: Scope | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const num = (v: number) => String(Math.round(v * 100) / 100);

/** A readable name for a goal, e.g. "Churn −15 % (organisation)". */
export function goalTitle(kpiName: string, target: GoalDraft['target'], scope: string): string {
  const v = target.value;
  const sign = v > 0 ? '+' : v < 0 ? '−' : '';
  const text =
    target.kind === 'absolute'
      ? `to ${num(v)}`
      : target.kind === 'percent_change'
        ? `${sign}${num(Math.abs(v))} %`
        : `${sign}${num(Math.abs(v))} points`;
  return `${kpiName} ${text} (${scope})`;
}

/**
 * The scope's own values over consecutive windows as long as the baseline period, going back a year
 * from the end of the baseline: what SMART's "Achievable" compares the target with.
 */
async function history(
  store: Store,
  org: Organization,
  kpi: string,
  scope: Scope,
  baseline: DayRange,
  now: Date,
): Promise<HistoryWindow[]> {
  const length = daysBetween(baseline.from, baseline.to) + 1;
  const count = Math.max(1, Math.floor(365 / length));
  const ranges = Array.from({ length: count }, (_, i) => {
    const to = addDays(baseline.to, -i * length);
    return { from: addDays(to, -(length - 1)), to };
  });
  const measured = await Promise.all(ranges.map((r) => measureKpi(store, org, kpi, scope, r, now)));
  return measured.flatMap((m) =>
    m ? [{ from: m.from, to: m.to, value: m.value, n: m.n, significant: m.significant }] : [],
  );
}

/** Measures the baseline (unless it is given, as stored), resolves the target and runs the SMART check. */
async function checkDraft(
  store: Store,
  org: Organization,
  draft: GoalDraft,
  baselinePeriod: DayRange,
  now: Date,
  storedBaseline?: { value: number | null; n: number },
) {
  const def = CATALOGUE.get(draft.kpi);
  const scope = await findScope(store.db, org.id, draft.scope.kind, draft.scope.idOrName);
  const label = scope !== null ? scopeLabel(scope) : `${draft.scope.kind} "${draft.scope.idOrName ?? ''}"`;
  const measurable = def && scope && measurableAt(def, scope.kind);
  const measured = storedBaseline
    ? storedBaseline
    : measurable
      ? await measureKpi(store, org, draft.kpi, scope, baselinePeriod, now)
      : null;
  const baseline = { ...baselinePeriod, value: measured?.value ?? null, n: measured?.n ?? 0 };
  const targetValue = resolveTarget(draft.target.kind, draft.target.value, baseline.value);
  const settings = await loadScoringSettings(store.db, org.id);
  const smart = smartCheck({
    kpiId: draft.kpi,
    kpi: def,
    scope: { kind: draft.scope.kind, label, exists: scope !== null },
    target: { kind: draft.target.kind, input: draft.target.value, value: targetValue },
    baseline,
    start: draft.start,
    deadline: draft.deadline,
    cadence: draft.cadence ?? null,
    ownerRole: draft.owner.role,
    template: settings.templates[draft.owner.role],
    kraNames: KRA_NAMES,
    history:
      measurable && def.source === 'computed'
        ? await history(store, org, draft.kpi, scope, baselinePeriod, now)
        : [],
  });
  return { def, scope, label, baseline, targetValue, smart };
}

/**
 * Measures the baseline, resolves the target, runs the SMART check and — when no letter fails (or
 * `force`), and unless `dryRun` — stores the goal with its check and action plan.
 */
export async function setGoal(
  store: Store,
  org: Organization,
  draft: GoalDraft,
  now: Date,
  options: { force?: boolean; dryRun?: boolean } = {},
): Promise<SetGoalResult> {
  for (const [what, d] of [
    ['start', draft.start],
    ['deadline', draft.deadline],
  ] as const) {
    if (!DAY.test(d)) throw new GoalError(`the ${what} "${d}" is not a date (YYYY-MM-DD)`);
  }
  const baselinePeriod = draft.baseline ?? defaultBaselinePeriod(draft.start);
  if (
    !DAY.test(baselinePeriod.from) ||
    !DAY.test(baselinePeriod.to) ||
    baselinePeriod.to < baselinePeriod.from
  ) {
    throw new GoalError(
      `the baseline period ${baselinePeriod.from}–${baselinePeriod.to} is not a range of days`,
    );
  }
  if (!Number.isFinite(draft.target.value)) throw new GoalError('the target is not a number');
  for (const a of draft.actions ?? []) {
    if (!DAY.test(a.due)) throw new GoalError(`action "${a.title}": the due date "${a.due}" is not a date`);
  }
  const { def, scope, label, baseline, targetValue, smart } = await checkDraft(
    store,
    org,
    draft,
    baselinePeriod,
    now,
  );
  const name = draft.name ?? goalTitle(def?.name ?? draft.kpi, draft.target, label);
  const result: SetGoalResult = { name, goal: null, smart, baseline, target_value: targetValue, scope };
  if (options.dryRun || (!smart.ok && !options.force)) return result;
  if (!def || !scope)
    throw new GoalError(`cannot store a goal on ${def ? label : `"${draft.kpi}"`}: it does not exist`);
  const goal: NewGoal = {
    name,
    kpi: def.id,
    scope: { kind: scope.kind, id: scope.id },
    baseline,
    target: { kind: draft.target.kind, input: draft.target.value, value: targetValue },
    start: draft.start,
    deadline: draft.deadline,
    owner: { name: draft.owner.name, role: draft.owner.role, userId: draft.owner.userId ?? null },
    cadence: draft.cadence ?? null,
    notes: draft.notes ?? null,
    smart,
    actions: (draft.actions ?? []).map((a) => ({ ...a, status: a.status ?? 'open' })),
  };
  const id = await insertGoal(store.db, org.id, goal);
  return { ...result, goal: await getGoal(store.db, org.id, id) };
}

/** What may change on a stored goal: not its KPI, scope, start or baseline, which define it. */
export interface GoalEdit {
  name?: string;
  target?: { kind: TargetKind; value: number };
  deadline?: string;
  owner?: { name: string; role: OwnerRole; userId?: number | null };
  cadence?: Cadence | null;
  notes?: string | null;
}

export interface EditGoalResult extends SetGoalResult {
  /** The goal as it was stored before the edit. */
  before: Goal;
}

/**
 * Applies an edit to a stored goal: keeps its stored baseline (the KPI, scope and baseline period do
 * not change, so nothing is re-measured but the history SMART's "Achievable" compares with), resolves
 * the target against it, re-runs the SMART check and — when no letter fails (or `force`), and unless
 * `dryRun` — stores the edited goal with its new check. A name made from the old target follows the
 * new one unless a name is given.
 */
export async function editGoal(
  store: Store,
  org: Organization,
  id: number,
  edit: GoalEdit,
  now: Date,
  options: { force?: boolean; dryRun?: boolean } = {},
): Promise<EditGoalResult> {
  const before = await getGoal(store.db, org.id, id);
  if (edit.deadline !== undefined && !DAY.test(edit.deadline)) {
    throw new GoalError(`the deadline "${edit.deadline}" is not a date (YYYY-MM-DD)`);
  }
  const target = edit.target ?? { kind: before.target.kind, value: before.target.input };
  if (!Number.isFinite(target.value)) throw new GoalError('the target is not a number');
  const owner = edit.owner
    ? { name: edit.owner.name, role: edit.owner.role, userId: edit.owner.userId ?? null }
    : before.owner;
  const draft: GoalDraft = {
    kpi: before.kpi,
    scope: { kind: before.scope.kind, idOrName: before.scope.id },
    target,
    start: before.start,
    deadline: edit.deadline ?? before.deadline,
    baseline: { from: before.baseline.from, to: before.baseline.to },
    owner,
    cadence: edit.cadence === undefined ? before.cadence : edit.cadence,
    notes: edit.notes === undefined ? before.notes : edit.notes,
  };
  const { def, scope, label, baseline, targetValue, smart } = await checkDraft(
    store,
    org,
    draft,
    { from: before.baseline.from, to: before.baseline.to },
    now,
    { value: before.baseline.value, n: before.baseline.n },
  );
  const kpiName = def?.name ?? before.kpi;
  const generated =
    before.name === goalTitle(kpiName, { kind: before.target.kind, value: before.target.input }, label);
  const name = edit.name ?? (generated ? goalTitle(kpiName, target, label) : before.name);
  const result: EditGoalResult = {
    name,
    goal: null,
    smart,
    baseline,
    target_value: targetValue,
    scope,
    before,
  };
  if (options.dryRun || (!smart.ok && !options.force)) return result;
  await updateGoal(store.db, org.id, id, {
    name,
    target: { kind: target.kind, input: target.value, value: targetValue },
    deadline: draft.deadline,
    owner: { name: owner.name, role: owner.role, userId: owner.userId ?? null },
    cadence: draft.cadence ?? null,
    notes: draft.notes ?? null,
    smart,
  });
  return { ...result, goal: await getGoal(store.db, org.id, id) };
}
