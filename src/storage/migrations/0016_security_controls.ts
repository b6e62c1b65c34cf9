import type { Kysely } from 'kysely';

// Recorded checks of security controls (data security compliance).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_controls')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('control', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('passing', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('security_controls_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
