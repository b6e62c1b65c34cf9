import type { Kysely } from 'kysely';

// Survey sends and responses (CSAT, NPS, CES, eNPS, repurchase intent), one row per send.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('surveys')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('responded_at', 'timestamptz')
    .addColumn('score', 'double precision')
    .addColumn('scale_min', 'double precision', (c) => c.notNull())
    .addColumn('scale_max', 'double precision', (c) => c.notNull())
    .addColumn('polarity', 'text', (c) => c.notNull())
    .addColumn('score_std', 'double precision')
    .addColumn('positive', 'boolean')
    .addColumn('detractor', 'boolean')
    .addColumn('comment', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('surveys_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('surveys_by_response')
    .on('surveys')
    .columns(['org_id', 'responded_at'])
    .execute();
  await db.schema.createIndex('surveys_by_send').on('surveys').columns(['org_id', 'sent_at']).execute();
  // Imports of shapes other than tickets and events count what they stored here.
  await db.schema.alterTable('imports').addColumn('records_kind', 'text').execute();
  for (const column of ['records_created', 'records_updated', 'records_unchanged']) {
    await db.schema.alterTable('imports').addColumn(column, 'bigint').execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
