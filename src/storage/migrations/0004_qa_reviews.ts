import type { Kysely } from 'kysely';

// QA: category ratings as imported, and the review scores computed from them (KPI-DEFINITIONS.md, "QA").
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('qa_ratings')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('review_id', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('rating', 'double precision')
    .addColumn('scale_min', 'double precision', (c) => c.notNull())
    .addColumn('scale_max', 'double precision', (c) => c.notNull())
    .addColumn('weight', 'double precision', (c) => c.notNull())
    .addColumn('critical', 'boolean', (c) => c.notNull())
    .addColumn('na', 'boolean', (c) => c.notNull())
    .addColumn('category_score', 'double precision')
    .addColumn('agent_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('reviewer', 'text')
    .addColumn('scorecard', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('import_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('qa_ratings_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('qa_ratings_by_review')
    .on('qa_ratings')
    .columns(['org_id', 'review_id'])
    .execute();
  await db.schema
    .createTable('qa_reviews')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('desk_id', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('reviewer', 'text')
    .addColumn('scorecard', 'text')
    // 0–100; null when every category was N/A.
    .addColumn('score_pct', 'double precision')
    .addColumn('critical_failed', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('qa_reviews_pk', ['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('qa_reviews_by_time')
    .on('qa_reviews')
    .columns(['org_id', 'reviewed_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
