import type { Kysely } from 'kysely';

// Goals with their action plans and status history, and the organisation's scoring settings (goal
// thresholds, scorecard templates, index weights, counterweight pairs, KPI → training course mapping).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('goals')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kpi', 'text', (c) => c.notNull())
    .addColumn('scope_kind', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text')
    .addColumn('baseline_from', 'text', (c) => c.notNull())
    .addColumn('baseline_to', 'text', (c) => c.notNull())
    .addColumn('baseline_value', 'double precision')
    .addColumn('baseline_n', 'bigint', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_input', 'double precision', (c) => c.notNull())
    .addColumn('target_value', 'double precision')
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('owner_role', 'text', (c) => c.notNull())
    // Linked to a user account once accounts exist; no foreign key on purpose.
    .addColumn('owner_user_id', 'bigint')
    .addColumn('cadence', 'text')
    .addColumn('notes', 'text')
    .addColumn('smart', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('status_at', 'timestamptz')
    .addPrimaryKeyConstraint('goals_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createTable('goal_actions')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('goal_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('goal_actions_pk', ['org_id', 'goal_id', 'seq'])
    .execute();
  await db.schema
    .createTable('goal_status_changes')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('goal_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('progress', 'double precision')
    .addColumn('pace', 'double precision')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('goal_status_changes_pk', ['org_id', 'goal_id', 'seq'])
    .execute();
  await db.schema
    .createTable('scoring_settings')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // JSON, validated by the schema of its key when read and when written.
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('scoring_settings_pk', ['org_id', 'key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
