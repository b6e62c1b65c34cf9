import type { Kysely } from 'kysely';

// Follow-ups that close the loop on negative survey answers (feedback loop closure time).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('surveys').addColumn('followup_closed_at', 'timestamptz').execute();
  await db.schema.alterTable('surveys').addColumn('negative', 'boolean').execute();
  await db.schema.alterTable('surveys').addColumn('followup_seconds', 'double precision').execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
