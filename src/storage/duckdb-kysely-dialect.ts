import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  LIST,
  listValue,
  TIMESTAMPTZ,
  timestampTZValue,
  VARCHAR,
} from '@duckdb/node-api';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { CurrentSchemaIntrospector } from './current-schema-introspector.js';
import { type BulkRows, isBulkRows } from './import-writer.js';
import type { ColumnType } from './sql-dialect.js';
import { normaliseRow } from './values.js';

/**
 * A Kysely dialect for DuckDB through `@duckdb/node-api`.
 * DuckDB speaks PostgreSQL-flavoured SQL with `$n` placeholders, so Kysely's Postgres compiler is reused;
 * only the driver (connections, parameter binding, result conversion) is DuckDB-specific.
 */
export interface DuckDBDialectConfig {
  /** A file path, or ':memory:'. */
  path: string;
  /** DuckDB runs one statement per connection at a time; a few connections let reads overlap. */
  connections?: number;
  /** DuckDB's memory_limit, e.g. '1GB' (DESKSCORE_DUCKDB_MEMORY_LIMIT). */
  memoryLimit?: string;
}

export class DuckDBDialect implements Dialect {
  constructor(private readonly config: DuckDBDialectConfig) {}
  createAdapter(): DialectAdapter {
    return new DuckDBAdapter();
  }
  createDriver(): Driver {
    return new DuckDBDriver(this.config);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class DuckDBAdapter extends PostgresAdapter {
  // Only one process can open a DuckDB file for writing, so the migration lock is the file itself.
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class DuckDBDriver implements Driver {
  private instance: DuckDBInstance | undefined;
  private readonly idle: DuckDBKyselyConnection[] = [];
  private readonly all: DuckDBKyselyConnection[] = [];
  private readonly waiters: Array<(c: DuckDBKyselyConnection) => void> = [];

  constructor(private readonly config: DuckDBDialectConfig) {}

  async init(): Promise<void> {
    // DuckDB would otherwise let its buffer pool grow to 80 % of RAM; beyond the limit it spills to disk.
    this.instance = await DuckDBInstance.create(this.config.path, {
      memory_limit: this.config.memoryLimit ?? '1GB',
      preserve_insertion_order: 'false',
    });
    // A dashboard's KPIs arrive as about a dozen statements: four connections let the short ones run
    // beside the long ones (DuckDB's own threads still cap the CPU used).
    const size = Math.max(1, this.config.connections ?? 4);
    for (let i = 0; i < size; i++) {
      const connection = new DuckDBKyselyConnection(await this.instance.connect());
      // Sessions run in UTC so nothing depends on the host's zone (ICU ships in the package).
      await connection.run("SET TimeZone = 'UTC'");
      this.all.push(connection);
      this.idle.push(connection);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const free = this.idle.pop();
    if (free) return free;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const waiter = this.waiters.shift();
    if (waiter) waiter(connection as DuckDBKyselyConnection);
    else this.idle.push(connection as DuckDBKyselyConnection);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await (connection as DuckDBKyselyConnection).run('BEGIN TRANSACTION');
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as DuckDBKyselyConnection).run('COMMIT');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as DuckDBKyselyConnection).run('ROLLBACK');
  }

  async destroy(): Promise<void> {
    for (const c of this.all) c.close();
    this.all.length = 0;
    this.idle.length = 0;
    this.instance?.closeSync();
    this.instance = undefined;
  }
}

const LIST_OF_VARCHAR = LIST(VARCHAR);

/**
 * Binds JS values the way pg does: Dates as TIMESTAMPTZ; arrays as VARCHAR[] (SQL casts them, e.g.
 * `$1::DOUBLE[]`), so a list that starts with null still has a type.
 */
function bindParameter(value: unknown): { value: DuckDBValue; type?: DuckDBType } {
  if (value === undefined || value === null) return { value: null };
  if (value instanceof Date) return { value: timestampTZValue(BigInt(value.getTime()) * 1000n) };
  if (Array.isArray(value)) {
    const items = value.map((v) =>
      v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v),
    );
    return { value: listValue(items), type: LIST_OF_VARCHAR };
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  ) {
    return { value };
  }
  throw new TypeError(`cannot bind a ${typeof value} parameter to DuckDB`);
}

const APPEND_TYPES: Record<ColumnType, DuckDBType> = {
  text: VARCHAR,
  double: DOUBLE,
  integer: BIGINT,
  boolean: BOOLEAN,
  timestamptz: TIMESTAMPTZ,
};
const APPEND_TYPE_NAMES: Record<ColumnType, string> = {
  text: 'VARCHAR',
  double: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamptz: 'TIMESTAMPTZ',
};
/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

/** A JS value as the appender takes it for a column type (the same values the array casts accepted). */
function appendValue(type: ColumnType, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'text':
      return typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
    case 'double':
      return Number(value);
    case 'integer': {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new TypeError(`not an integer: ${String(value)}`);
      return BigInt(n);
    }
    case 'boolean':
      return Boolean(value);
    case 'timestamptz': {
      const ms = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
      if (Number.isNaN(ms)) throw new TypeError(`not a timestamp: ${String(value)}`);
      return timestampTZValue(BigInt(ms) * 1000n);
    }
  }
}

let landingCounter = 0;

class DuckDBKyselyConnection implements DatabaseConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  /**
   * Bulk rows (import-writer's `bulkInsert`) through the appender, on this connection and so inside its
   * open transaction. A table of another layout gets them through a temporary landing table, so its
   * other columns take their defaults and the column order need not match.
   */
  private async append(bulk: BulkRows): Promise<QueryResult<never>> {
    const types = bulk.columns.map((c) => APPEND_TYPES[c.type]);
    const rowCount = bulk.columns[0]?.values.length ?? 0;
    const names = bulk.columns.map((c) => `"${c.name}"`).join(', ');
    const landing = bulk.exactLayout ? undefined : `deskscore_landing_${process.pid}_${++landingCounter}`;
    if (landing) {
      const defs = bulk.columns.map((c) => `"${c.name}" ${APPEND_TYPE_NAMES[c.type]}`).join(', ');
      await this.connection.run(`CREATE TEMPORARY TABLE "${landing}" (${defs})`);
    }
    try {
      // Both are temporary tables: catalog "temp", schema "main".
      const appender = await this.connection.createAppender(landing ?? bulk.table, 'main', 'temp');
      try {
        for (let offset = 0; offset < rowCount; offset += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, rowCount - offset);
          const chunk = DuckDBDataChunk.create(types, n);
          chunk.setColumns(
            bulk.columns.map((c) => {
              const out = new Array<DuckDBValue>(n);
              for (let i = 0; i < n; i++) out[i] = appendValue(c.type, c.values[offset + i]);
              return out;
            }),
          );
          appender.appendDataChunk(chunk);
        }
      } finally {
        appender.closeSync();
      }
      if (landing)
        await this.connection.run(`INSERT INTO "${bulk.table}" (${names}) SELECT ${names} FROM "${landing}"`);
    } finally {
      if (landing) await this.connection.run(`DROP TABLE "${landing}"`);
    }
    return { rows: [], numAffectedRows: BigInt(rowCount) };
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  close(): void {
    this.connection.closeSync();
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const [first] = compiled.parameters;
    if (compiled.parameters.length === 1 && isBulkRows(first)) return this.append(first);
    const bound = compiled.parameters.map(bindParameter);
    const values = bound.map((b) => b.value);
    const types = bound.some((b) => b.type)
      ? bound.map((b) => b.type ?? (undefined as unknown as DuckDBType))
      : undefined;
    const reader = await this.connection.runAndReadAll(compiled.sql, values, types);
    const kind = compiled.query.kind;
    if (kind === 'InsertQueryNode' || kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode') {
      const hasReturning = 'returning' in compiled.query && compiled.query.returning !== undefined;
      if (!hasReturning) {
        // DuckDB reports the affected rows as a single "Count" column.
        const [first] = reader.getRowObjectsJS();
        const count = first ? Number(Object.values(first)[0]) : 0;
        return { rows: [], numAffectedRows: BigInt(count) };
      }
    }
    const dateColumns = reader
      .columnNames()
      .filter((_, i) => reader.columnTypes()[i]?.typeId === DuckDBTypeId.DATE);
    return { rows: reader.getRowObjectsJS().map((row) => normaliseRow(row, dateColumns) as R) };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const bound = compiled.parameters.map(bindParameter);
    const types = bound.some((b) => b.type)
      ? bound.map((b) => b.type ?? (undefined as unknown as DuckDBType))
      : undefined;
    const result = await this.connection.stream(
      compiled.sql,
      bound.map((b) => b.value),
      types,
    );
    const dateColumns = result
      .columnNames()
      .filter((_, i) => result.columnTypes()[i]?.typeId === DuckDBTypeId.DATE);
    let rows: R[] = [];
    for await (const batch of result.yieldRowObjectJs()) {
      for (const row of batch) {
        rows.push(normaliseRow(row, dateColumns) as R);
        if (rows.length >= chunkSize) {
          yield { rows };
          rows = [];
        }
      }
    }
    if (rows.length > 0) yield { rows };
  }
}
