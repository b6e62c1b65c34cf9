import type { Kysely } from 'kysely';

// Customer lifecycle on the customers table (retention, churn) and training enrolments (completion).
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [column, type] of [
    ['became_customer_at', 'timestamptz'],
    ['churned_at', 'timestamptz'],
    ['desk_id', 'text'],
    ['content_hash', 'text'],
    ['import_id', 'bigint'],
  ] as const) {
    await db.schema.alterTable('customers').addColumn(column, type).execute();
  }
  await db.schema
    .createTable('training_enrolments')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('course', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('enrolled_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('score', 'double precision')
    .addColumn('completed_on_time', 'boolean', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_enrolments_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('training_enrolments_by_due')
    .on('training_enrolments')
    .columns(['org_id', 'due_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
