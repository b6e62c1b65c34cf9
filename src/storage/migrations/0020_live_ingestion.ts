import type { Kysely } from 'kysely';

// Batches received by POST /api/v1/events (stored before the 2xx, processed after) and the secrets
// that sign them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ingest_batches')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_batches_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('ingest_batches_status')
    .on('ingest_batches')
    .columns(['status', 'received_at'])
    .execute();

  await db.schema
    .createTable('ingest_secrets')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('ingest_secrets_pk', ['org_id', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
