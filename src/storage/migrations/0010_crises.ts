import type { Kysely } from 'kysely';

// Crises: start, resolution, affected desk, status updates (crisis KPIs of KRA 9).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('crises')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('desk_id', 'text')
    .addColumn('updates', 'text', (c) => c.notNull())
    .addColumn('resolution_seconds', 'double precision')
    .addColumn('updates_required', 'integer')
    .addColumn('updates_on_time', 'integer')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('crises_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
