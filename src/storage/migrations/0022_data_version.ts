import { type Kysely, sql } from 'kysely';

// Counts of committed writes of every process, one row per domain (src/storage/write-tracking.ts): 1 KPI
// data, 2 accounts. A server's KPI result cache and credential cache compare them before serving, so a
// CLI import or token revocation on the same PostgreSQL database invalidates them too. DuckDB has one
// writing process, which counts in memory; the rows are there but unused.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deskscore_data_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO deskscore_data_version (id, version) VALUES (1, 0), (2, 0)`.execute(db);
}
