import type { Kysely } from 'kysely';

// Values recorded by people for manual KPIs (value, period, scope, note, who entered it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('manual_measurements')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kpi', 'text', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz')
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('desk_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('note', 'text')
    .addColumn('entered_by', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('manual_measurements_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
