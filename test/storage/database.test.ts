import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, resolveDatabaseTarget, type Store } from '../../src/storage/database.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

describe('resolveDatabaseTarget', () => {
  it('prefers --db, then DATABASE_URL, then DESKSCORE_DB, then the default file', () => {
    const env = { DATABASE_URL: 'postgres://a/b', DESKSCORE_DB: '/tmp/x.duckdb' };
    expect(resolveDatabaseTarget('/tmp/flag.duckdb', env)).toEqual({
      kind: 'duckdb',
      location: '/tmp/flag.duckdb',
    });
    expect(resolveDatabaseTarget(undefined, env)).toEqual({ kind: 'postgres', location: 'postgres://a/b' });
    expect(resolveDatabaseTarget(undefined, { DESKSCORE_DB: '/tmp/x.duckdb' })).toEqual({
      kind: 'duckdb',
      location: '/tmp/x.duckdb',
    });
    expect(resolveDatabaseTarget(undefined, {}).location).toMatch(/data\/deskscore\.duckdb$/);
    expect(resolveDatabaseTarget('postgresql://h/db', {}).kind).toBe('postgres');
  });
});

describe.each(ENGINES)('storage on %s', (engine) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('applies migrations once and converts values at the boundary', async () => {
    store = await freshStore(engine);
    expect((await migrateToLatest(store.db, store.target.schema)).applied).toEqual([]);
    const { rows } = await sql<{
      n: unknown;
      total: unknown;
      ratio: unknown;
      at: unknown;
    }>`SELECT count(*) AS n, sum(x) AS total, avg(x) AS ratio, ${new Date('2026-03-01T10:00:00Z')}::timestamptz AS at
       FROM (SELECT 1 AS x UNION ALL SELECT 2) t`.execute(store.db);
    expect(rows[0]).toEqual({ n: 2, total: 3, ratio: 1.5, at: new Date('2026-03-01T10:00:00Z') });
  });

  it('refuses a database that has a migration this version does not know', async () => {
    store = await freshStore(engine);
    await sql`INSERT INTO deskscore_migrations (name, timestamp) VALUES ('0000_unknown', '2026-01-01')`.execute(
      store.db,
    );
    await expect(migrateToLatest(store.db, store.target.schema)).rejects.toThrow(
      /0000_unknown|missing|corrupt/i,
    );
  });

  it('zips arrays into rows with the dialect hook', async () => {
    store = await freshStore(engine);
    const source = store.dialect.rowsFromArrays([
      { name: 'a', type: 'text', values: ['x', null] },
      { name: 'b', type: 'boolean', values: [true, null] },
      { name: 'c', type: 'integer', values: [null, 7] },
    ]);
    const { rows } = await sql`SELECT * FROM ${source} AS s ORDER BY c NULLS FIRST`.execute(store.db);
    expect(rows).toEqual([
      { a: 'x', b: true, c: null },
      { a: null, b: null, c: 7 },
    ]);
  });
});
