import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type DatabaseTarget,
  type OpenStoreOptions,
  openStore,
  type Store,
} from '../../src/storage/database.js';

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function postgresAnswers(): boolean {
  try {
    execFileSync('pg_isready', ['-h', new URL(POSTGRES_URL).hostname || '127.0.0.1', '-t', '3'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

export const postgresAvailable = postgresAnswers();

if (!postgresAvailable) {
  const message = `PostgreSQL does not answer at ${POSTGRES_URL}`;
  if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`${message}, and REQUIRE_POSTGRES=1`);
  console.warn(`\n*** ${message}: PostgreSQL tests are SKIPPED on this machine ***\n`);
}

export type EngineName = 'duckdb' | 'postgres';
export const ENGINES: EngineName[] = postgresAvailable ? ['duckdb', 'postgres'] : ['duckdb'];

/** A fresh, migrated store: an in-memory DuckDB, or a new PostgreSQL schema dropped on close. */
export async function freshStore(engine: EngineName, options: OpenStoreOptions = {}): Promise<Store> {
  if (engine === 'duckdb') return openStore({ kind: 'duckdb', location: ':memory:' }, options);
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const target: DatabaseTarget = { kind: 'postgres', location: POSTGRES_URL, schema };
  const store = await openStore(target, options);
  return {
    ...store,
    async close() {
      await store.close();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
