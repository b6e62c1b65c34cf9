import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/database.js';
import { type BulkRows, bulkInsert } from '../../src/storage/import-writer.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

const texts = [
  '',
  'a"b',
  'line\nbreak',
  'cr\r\nx',
  'tab\tx',
  'back\\slash',
  '\\N',
  ',comma',
  'ünï 😀',
  ' sp ',
  null,
  'NULL',
];
const doubles = [0.1, 1e21, -1.5, 5e-324, 1.7976931348623157e308, 123456.789, null, 2 / 3, 0, 42, 1e-7, 3];
const integers = [0, 1, -5, 9007199254740991, null, 7, 8, 9, 10, 11, 12, 13];
const times = texts.map((_, i) => (i % 5 === 4 ? null : new Date(Date.UTC(2025, 2, 30, 0, 59, 59, i * 37))));
const booleans = texts.map((_, i) => (i % 4 === 3 ? null : i % 2 === 0));

const columns: BulkRows['columns'] = [
  { name: 'n', type: 'integer', values: texts.map((_, i) => i) },
  { name: 't', type: 'text', values: texts },
  { name: 'd', type: 'double', values: doubles },
  { name: 'i', type: 'integer', values: integers },
  { name: 'ts', type: 'timestamptz', values: times },
  { name: 'b', type: 'boolean', values: booleans },
];

describe.each(ENGINES)('bulk inserts on %s', (engine) => {
  let store: Store;
  afterEach(async () => store?.close());

  const create = (table: string) =>
    sql`CREATE TEMPORARY TABLE ${sql.table(table)} (n ${sql.raw(store.dialect.typeName('integer'))}, t text,
      d ${sql.raw(store.dialect.typeName('double'))}, i ${sql.raw(store.dialect.typeName('integer'))},
      ts timestamptz, b boolean)`;

  it('stores every value exactly, in a transaction (appender or COPY) and outside one', async () => {
    store = await freshStore(engine);
    const expected = texts.map((t, i) => ({
      n: i,
      t,
      d: doubles[i],
      i: integers[i],
      ts: times[i],
      b: booleans[i],
    }));
    const read = (table: string) =>
      sql<Record<string, unknown>>`SELECT n, t, d, i, ts, b FROM ${sql.table(table)} ORDER BY n`;
    const inTransaction = await store.db.transaction().execute(async (trx) => {
      await create('bulk_exact').execute(trx);
      await bulkInsert(trx, store.dialect, 'bulk_exact', columns, true);
      // Not the table's layout: the columns are named.
      await create('bulk_named').execute(trx);
      await bulkInsert(trx, store.dialect, 'bulk_named', [...columns].reverse());
      return [(await read('bulk_exact').execute(trx)).rows, (await read('bulk_named').execute(trx)).rows];
    });
    expect(inTransaction[0]).toEqual(expected);
    expect(inTransaction[1]).toEqual(expected);

    await store.db.connection().execute(async (db) => {
      await create('bulk_plain').execute(db);
      await bulkInsert(db, store.dialect, 'bulk_plain', columns);
      expect((await read('bulk_plain').execute(db)).rows).toEqual(expected);
    });
  });

  it('rolls back with its transaction', async () => {
    store = await freshStore(engine);
    await sql`CREATE TABLE bulk_kept (n ${sql.raw(store.dialect.typeName('integer'))}, t text)`.execute(
      store.db,
    );
    const rows: BulkRows['columns'] = [
      { name: 'n', type: 'integer', values: [1, 2] },
      { name: 't', type: 'text', values: ['x', 'y'] },
    ];
    await expect(
      store.db.transaction().execute(async (trx) => {
        await bulkInsert(trx, store.dialect, 'bulk_kept', rows);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*) AS n FROM bulk_kept`.execute(store.db)).rows[0]?.n;
    expect(await count()).toBe(0);
    await store.db.transaction().execute((trx) => bulkInsert(trx, store.dialect, 'bulk_kept', rows));
    expect(await count()).toBe(2);
  });

  it('refuses names that are not plain identifiers', async () => {
    store = await freshStore(engine);
    await expect(
      store.db
        .transaction()
        .execute((trx) => bulkInsert(trx, store.dialect, 'x"; DROP TABLE tickets; --', columns)),
    ).rejects.toThrow('not a plain identifier');
  });
});
