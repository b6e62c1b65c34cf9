import type { Kysely } from 'kysely';
import type {
  ActionStatus,
  Cadence,
  GoalScopeKind,
  GoalStatus,
  OwnerRole,
  TargetKind,
} from '../engine/goals.js';
import type { SmartCheck } from '../engine/smart.js';
import type { Database } from './schema.js';

/** A stored goal, as the rest of the code sees it. */
export interface Goal {
  id: number;
  name: string;
  kpi: string;
  scope: { kind: GoalScopeKind; id: string | null };
  baseline: { from: string; to: string; value: number | null; n: number };
  target: { kind: TargetKind; input: number; value: number | null };
  start: string;
  deadline: string;
  owner: { name: string; role: OwnerRole; userId: number | null };
  cadence: Cadence | null;
  notes: string | null;
  smart: SmartCheck;
  createdAt: Date;
  status: GoalStatus | null;
  statusAt: Date | null;
  actions: ActionItem[];
}

export interface ActionItem {
  seq: number;
  title: string;
  owner: string;
  due: string;
  status: ActionStatus;
}

export type NewGoal = Omit<Goal, 'id' | 'createdAt' | 'status' | 'statusAt' | 'actions'> & {
  actions: Array<Omit<ActionItem, 'seq'>>;
};

export interface StatusChange {
  seq: number;
  changedAt: Date;
  asOf: string;
  from: GoalStatus | null;
  to: GoalStatus;
  value: number | null;
  n: number;
  progress: number | null;
  pace: number | null;
  reason: string;
}

export class GoalError extends Error {}

type GoalRow = Database['goals'];

function toGoal(r: GoalRow, actions: ActionItem[]): Goal {
  return {
    id: r.id,
    name: r.name,
    kpi: r.kpi,
    scope: { kind: r.scope_kind as GoalScopeKind, id: r.scope_id },
    baseline: { from: r.baseline_from, to: r.baseline_to, value: r.baseline_value, n: r.baseline_n },
    target: { kind: r.target_kind as TargetKind, input: r.target_input, value: r.target_value },
    start: r.start_date,
    deadline: r.deadline,
    owner: { name: r.owner_name, role: r.owner_role as OwnerRole, userId: r.owner_user_id },
    cadence: r.cadence as Cadence | null,
    notes: r.notes,
    smart: JSON.parse(r.smart) as SmartCheck,
    createdAt: r.created_at,
    status: r.status as GoalStatus | null,
    statusAt: r.status_at,
    actions,
  };
}

async function nextId(db: Kysely<Database>, orgId: number): Promise<number> {
  const { next } = await db
    .selectFrom('goals')
    .select((eb) => eb(eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)), '+', 1).as('next'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(next);
}

export async function insertGoal(db: Kysely<Database>, orgId: number, goal: NewGoal): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await nextId(trx, orgId);
    await trx
      .insertInto('goals')
      .values({
        org_id: orgId,
        id,
        name: goal.name,
        kpi: goal.kpi,
        scope_kind: goal.scope.kind,
        scope_id: goal.scope.id,
        baseline_from: goal.baseline.from,
        baseline_to: goal.baseline.to,
        baseline_value: goal.baseline.value,
        baseline_n: goal.baseline.n,
        target_kind: goal.target.kind,
        target_input: goal.target.input,
        target_value: goal.target.value,
        start_date: goal.start,
        deadline: goal.deadline,
        owner_name: goal.owner.name,
        owner_role: goal.owner.role,
        owner_user_id: goal.owner.userId,
        cadence: goal.cadence,
        notes: goal.notes,
        smart: JSON.stringify(goal.smart),
        created_at: new Date(),
        status: null,
        status_at: null,
      })
      .execute();
    if (goal.actions.length > 0) {
      await trx
        .insertInto('goal_actions')
        .values(
          goal.actions.map((a, i) => ({
            org_id: orgId,
            goal_id: id,
            seq: i + 1,
            title: a.title,
            owner: a.owner,
            due_date: a.due,
            status: a.status,
            updated_at: new Date(),
          })),
        )
        .execute();
    }
    return id;
  });
}

/** The fields of a goal an edit may change (not its KPI, scope, start or baseline). */
export type GoalChanges = Pick<
  Goal,
  'name' | 'target' | 'deadline' | 'owner' | 'cadence' | 'notes' | 'smart'
>;

export async function updateGoal(
  db: Kysely<Database>,
  orgId: number,
  id: number,
  changes: GoalChanges,
): Promise<void> {
  const result = await db
    .updateTable('goals')
    .set({
      name: changes.name,
      target_kind: changes.target.kind,
      target_input: changes.target.input,
      target_value: changes.target.value,
      deadline: changes.deadline,
      owner_name: changes.owner.name,
      owner_role: changes.owner.role,
      owner_user_id: changes.owner.userId,
      cadence: changes.cadence,
      notes: changes.notes,
      smart: JSON.stringify(changes.smart),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new GoalError(`no goal #${id} in this organisation`);
}

async function actionsOf(db: Kysely<Database>, orgId: number, goalIds: readonly number[]) {
  const out = new Map<number, ActionItem[]>();
  if (goalIds.length === 0) return out;
  const rows = await db
    .selectFrom('goal_actions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', [...goalIds])
    .orderBy('goal_id')
    .orderBy('seq')
    .execute();
  for (const r of rows) {
    const list = out.get(r.goal_id) ?? [];
    list.push({
      seq: r.seq,
      title: r.title,
      owner: r.owner,
      due: r.due_date,
      status: r.status as ActionStatus,
    });
    out.set(r.goal_id, list);
  }
  return out;
}

export async function listGoals(db: Kysely<Database>, orgId: number): Promise<Goal[]> {
  const rows = await db.selectFrom('goals').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
  const actions = await actionsOf(
    db,
    orgId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toGoal(r, actions.get(r.id) ?? []));
}

export async function getGoal(db: Kysely<Database>, orgId: number, id: number): Promise<Goal> {
  const row = await db
    .selectFrom('goals')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new GoalError(`no goal #${id} in this organisation`);
  return toGoal(row, (await actionsOf(db, orgId, [id])).get(id) ?? []);
}

/** Appends an action item to a goal's plan; returns its number. */
export async function addAction(
  db: Kysely<Database>,
  orgId: number,
  goalId: number,
  item: Omit<ActionItem, 'seq'>,
): Promise<number> {
  await getGoal(db, orgId, goalId);
  return db.transaction().execute(async (trx) => {
    const { next } = await trx
      .selectFrom('goal_actions')
      .select((eb) => eb(eb.fn.coalesce(eb.fn.max('seq'), eb.lit(0)), '+', 1).as('next'))
      .where('org_id', '=', orgId)
      .where('goal_id', '=', goalId)
      .executeTakeFirstOrThrow();
    const seq = Number(next);
    await trx
      .insertInto('goal_actions')
      .values({
        org_id: orgId,
        goal_id: goalId,
        seq,
        title: item.title,
        owner: item.owner,
        due_date: item.due,
        status: item.status,
        updated_at: new Date(),
      })
      .execute();
    return seq;
  });
}

export async function setActionStatus(
  db: Kysely<Database>,
  orgId: number,
  goalId: number,
  seq: number,
  status: ActionStatus,
): Promise<void> {
  const result = await db
    .updateTable('goal_actions')
    .set({ status, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new GoalError(`goal #${goalId} has no action ${seq}`);
}

export async function statusHistory(
  db: Kysely<Database>,
  orgId: number,
  goalId: number,
): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('goal_status_changes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    changedAt: r.changed_at,
    asOf: r.as_of,
    from: r.from_status as GoalStatus | null,
    to: r.to_status as GoalStatus,
    value: r.value,
    n: r.n,
    progress: r.progress,
    pace: r.pace,
    reason: r.reason,
  }));
}

/** Whether a goal was ever recorded as achieved. */
export async function achievedGoalIds(db: Kysely<Database>, orgId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('goal_status_changes')
    .select('goal_id')
    .where('org_id', '=', orgId)
    .where('to_status', '=', 'achieved')
    .execute();
  return new Set(rows.map((r) => r.goal_id));
}

/** Records a status change (history row) and the goal's current status, in one transaction. */
export async function recordStatusChange(
  db: Kysely<Database>,
  orgId: number,
  goalId: number,
  change: Omit<StatusChange, 'seq'>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { next } = await trx
      .selectFrom('goal_status_changes')
      .select((eb) => eb(eb.fn.coalesce(eb.fn.max('seq'), eb.lit(0)), '+', 1).as('next'))
      .where('org_id', '=', orgId)
      .where('goal_id', '=', goalId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('goal_status_changes')
      .values({
        org_id: orgId,
        goal_id: goalId,
        seq: Number(next),
        changed_at: change.changedAt,
        as_of: change.asOf,
        from_status: change.from,
        to_status: change.to,
        value: change.value,
        n: change.n,
        progress: change.progress,
        pace: change.pace,
        reason: change.reason,
      })
      .execute();
    await trx
      .updateTable('goals')
      .set({ status: change.to, status_at: change.changedAt })
      .where('org_id', '=', orgId)
      .where('id', '=', goalId)
      .execute();
  });
}
