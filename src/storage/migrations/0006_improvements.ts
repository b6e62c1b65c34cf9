import type { Kysely } from 'kysely';

// Insights and action items (feedback insights, report actions, tool feedback, crisis prevention).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('improvements')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('logged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('implemented_at', 'timestamptz')
    .addColumn('owner', 'text')
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('related_to', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('improvements_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('improvements_by_logged')
    .on('improvements')
    .columns(['org_id', 'logged_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
