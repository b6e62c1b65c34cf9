import type { Kysely } from 'kysely';

// Agent presence per period: logged-in and handling time (agent utilisation).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agent_presence')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('logged_in_seconds', 'double precision', (c) => c.notNull())
    .addColumn('handling_seconds', 'double precision', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_presence_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('agent_presence_by_start')
    .on('agent_presence')
    .columns(['org_id', 'period_start'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
