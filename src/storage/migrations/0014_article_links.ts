import type { Kysely } from 'kysely';

// Knowledge-base articles linked to tickets (KB utilisation): on events, on flat tickets, on facts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_events').addColumn('article', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('kb_article', 'text').execute();
  await db.schema.alterTable('ticket_facts').addColumn('kb_linked', 'boolean').execute();
}

export async function down(): Promise<void> {
  throw new Error('deskscore migrations are forward-only');
}
