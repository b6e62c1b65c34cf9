import type { Kysely } from 'kysely';

// Tools per period: licensed seats, active users and downtime (technology adoption, system downtime).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tool_periods')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('licensed_seats', 'double precision', (c) => c.notNull())
    .addColumn('active_users', 'double precision', (c) => c.notNull())
    .addColumn('downtime_minutes', 'double precision', (c) => c.notNull())
    .addColumn('seat_minutes', 'double precision', (c) => c.notNull())
    .addColumn('seat_downtime_minutes', 'double precision', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tool_periods_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
