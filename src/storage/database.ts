import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, Migrator } from 'kysely';
import { DuckDBDialect } from './duckdb-kysely-dialect.js';
import type { KpiResultCache } from './kpi-result-cache.js';
import { migrations } from './migrations/index.js';
import { createPostgresDialect } from './postgres-kysely-dialect.js';
import type { Database } from './schema.js';
import { duckdbDialect, postgresDialect, type SqlDialect } from './sql-dialect.js';
import { DATA_VERSION_TABLE, trackWrites, WriteTracker } from './write-tracking.js';

export const DEFAULT_DATABASE_FILE = './data/deskscore.duckdb';

export interface DatabaseTarget {
  kind: 'duckdb' | 'postgres';
  /** A file path or ':memory:' for DuckDB, a connection URL for PostgreSQL. */
  location: string;
  /** PostgreSQL only: the schema to work in (tests use one per file). */
  schema?: string;
}

/** `--db` wins, then DATABASE_URL, then DESKSCORE_DB, then ./data/deskscore.duckdb (DESIGN.md, Storage). */
export function resolveDatabaseTarget(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseTarget {
  const chosen = flag || env.DATABASE_URL || env.DESKSCORE_DB || DEFAULT_DATABASE_FILE;
  if (/^postgres(ql)?:\/\//i.test(chosen)) return { kind: 'postgres', location: chosen };
  return { kind: 'duckdb', location: chosen === ':memory:' ? chosen : resolve(chosen) };
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  readonly target: DatabaseTarget;
  /** Committed writes of this process (and, on PostgreSQL, of every process): what invalidates `kpiCache`. */
  readonly writes: WriteTracker;
  /** KPI results by query (src/storage/kpi-result-cache.ts); the server has one, one-shot commands none. */
  readonly kpiCache?: KpiResultCache;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  migrate?: boolean;
  kpiCache?: KpiResultCache;
}

/** Opens the database and applies pending migrations (under a lock) before anything else touches it. */
export async function openStore(target: DatabaseTarget, options: OpenStoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: SqlDialect;
  // Only one process can write a DuckDB file, so its own count is the whole story there.
  const writes = new WriteTracker(target.kind === 'postgres');
  if (target.kind === 'postgres') {
    db = new Kysely<Database>({
      dialect: trackWrites(createPostgresDialect(target.location, target.schema), writes),
    });
    dialect = postgresDialect;
  } else {
    if (target.location !== ':memory:') mkdirSync(dirname(target.location), { recursive: true });
    db = new Kysely<Database>({
      dialect: trackWrites(
        new DuckDBDialect({
          path: target.location,
          memoryLimit: process.env.DESKSCORE_DUCKDB_MEMORY_LIMIT,
        }),
        writes,
      ),
    });
    dialect = duckdbDialect;
  }
  const store: Store = {
    db,
    dialect,
    target,
    writes,
    ...(options.kpiCache ? { kpiCache: options.kpiCache } : {}),
    close: () => db.destroy(),
  };
  try {
    if (options.migrate !== false) await migrateToLatest(db, target.schema);
    writes.sharedVersionReady = await hasDataVersionTable(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return store;
}

export class MigrationError extends Error {}

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies pending migrations in order. Kysely's migrator refuses a database whose executed migrations
 * are not a prefix of ours (missing or reordered ones); its failure is rethrown, never swallowed.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'deskscore_migrations',
    migrationLockTableName: 'deskscore_migration_lock',
    // Kysely looks its tables up across all schemas; name ours when we work in one.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new MigrationError(
      failed ? `migration ${failed.migrationName} failed: ${reason}` : `migrations refused: ${reason}`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

async function hasDataVersionTable(db: Kysely<Database>): Promise<boolean> {
  try {
    await db.selectFrom(DATA_VERSION_TABLE).select('version').where('id', '=', 1).execute();
    return true;
  } catch {
    // Not migrated yet (`deskscore migrate` opens the store before migrating it).
    return false;
  }
}
