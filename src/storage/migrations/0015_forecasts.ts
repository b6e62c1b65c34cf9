import type { Kysely } from 'kysely';

// Issued daily volume forecasts, scored against actual volume (forecast accuracy).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('volume_forecasts')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('target_day', 'timestamptz', (c) => c.notNull())
    .addColumn('day_end', 'timestamptz', (c) => c.notNull())
    .addColumn('volume', 'double precision', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('desk_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('model', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_forecasts_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
