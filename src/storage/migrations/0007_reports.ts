import type { Kysely } from 'kysely';

// Reports owed upward: due, delivered, corrected (report accuracy and timeliness, SLA report accuracy).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reports')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('corrected_at', 'timestamptz')
    .addColumn('desk_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('on_time_accurate', 'boolean', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reports_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
