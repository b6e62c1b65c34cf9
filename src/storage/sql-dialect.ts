import { type RawBuilder, sql } from 'kysely';

/** Column types the set-based loaders cast arrays to. */
export type ColumnType = 'text' | 'double' | 'integer' | 'boolean' | 'timestamptz';

/**
 * What differs between the engines, and nothing else. Every engine difference lives here as a small
 * hook or a capability flag; callers never test the engine's name.
 */
export interface SqlDialect {
  readonly name: 'duckdb' | 'postgres';
  /** A row source `(SELECT … ) AS alias(columns)` zipping one array parameter per column. */
  rowsFromArrays(
    columns: ReadonlyArray<{ name: string; type: ColumnType; values: unknown[] }>,
  ): RawBuilder<unknown>;
  /** SQL type name for a column type. */
  typeName(type: ColumnType): string;
  /** The expression compared byte by byte, so text orders the same on every engine. */
  binaryOrder(expression: RawBuilder<unknown>): RawBuilder<unknown>;
  /** Refreshes planner statistics after a large write (inside the writing transaction). */
  analyzeStatements(tables: readonly string[]): RawBuilder<unknown>[];
}

const DUCKDB_TYPES: Record<ColumnType, string> = {
  text: 'VARCHAR',
  double: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamptz: 'TIMESTAMPTZ',
};

const POSTGRES_TYPES: Record<ColumnType, string> = {
  text: 'text',
  double: 'double precision',
  integer: 'bigint',
  boolean: 'boolean',
  timestamptz: 'timestamptz',
};

function arrayParameter(values: unknown[]): unknown[] {
  return values.map((v) => (v === undefined ? null : v instanceof Date ? v.toISOString() : v));
}

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  typeName: (type) => DUCKDB_TYPES[type],
  rowsFromArrays(columns) {
    // Each column travels as one JSON text parameter: binding a native list costs a value per cell.
    // Several unnest() calls in one SELECT list are zipped by DuckDB.
    const selects = columns.map(
      (c) =>
        sql`unnest(CAST(CAST(${JSON.stringify(arrayParameter(c.values))} AS JSON) AS ${sql.raw(DUCKDB_TYPES[c.type])}[])) AS ${sql.ref(c.name)}`,
    );
    return sql`(SELECT ${sql.join(selects)})`;
  },
  binaryOrder: (expression) => expression,
  // DuckDB keeps its statistics current as it writes.
  analyzeStatements: () => [],
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  typeName: (type) => POSTGRES_TYPES[type],
  rowsFromArrays(columns) {
    const arrays = columns.map(
      (c) => sql`${sql.val(arrayParameter(c.values))}::${sql.raw(POSTGRES_TYPES[c.type])}[]`,
    );
    const names = columns.map((c) => sql.ref(c.name));
    return sql`(SELECT * FROM unnest(${sql.join(arrays)}) AS u(${sql.join(names)}))`;
  },
  // The database's collation may be a locale's; "C" compares bytes, as DuckDB does.
  binaryOrder: (expression) => sql`${expression} COLLATE "C"`,
  // Rows written in the open transaction are invisible to autovacuum: analyze so the planner uses indexes.
  analyzeStatements: (tables) => tables.map((t) => sql`ANALYZE ${sql.table(t)}`),
};
