import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DatabaseIntrospector, type Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CurrentSchemaIntrospector } from './current-schema-introspector.js';
import { type BulkRows, isBulkRows } from './import-writer.js';
import { toSafeNumber } from './values.js';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** pg returns int8 and numeric as strings; convert them here, once, like the DuckDB driver does. */
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8) return (v) => toSafeNumber(BigInt(v));
  if (oid === NUMERIC) return (v) => Number(v);
  // A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' rather than a local midnight.
  if (oid === DATE) return (v) => v;
  return pg.types.getTypeParser(oid, format as 'text');
}

/** Schemas are chosen by the operator or the test harness, never by request input; still, allow only plain names. */
export function schemaIdentifier(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  return schema;
}

export function createPostgresDialect(
  connectionString: string,
  schema?: string,
  maxConnections = 5,
): PostgresDialect {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    // Sessions run in UTC so nothing depends on the server's configured zone.
    // JIT compiling costs 250–370 ms per large statement and buys nothing on queries of a second or two.
    options: `-c TimeZone=UTC -c jit=off${schema ? ` -c search_path=${schemaIdentifier(schema)}` : ''}`,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  pool.on('connect', acceptBulkRows);
  return new CurrentSchemaPostgresDialect({ pool });
}

class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

type Query = (...args: unknown[]) => unknown;

/**
 * Kysely runs every statement as `client.query(sql, parameters)`. A `COPY … FROM STDIN` whose only
 * parameter is import-writer's `BulkRows` streams those rows with COPY on the same client, so inside
 * the transaction Kysely opened on it; every other statement goes through unchanged.
 */
function acceptBulkRows(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  (client as unknown as { query: Query }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length === 1 && isBulkRows(values[0])) {
      return copyIn(query, text, values[0]);
    }
    return query(...args);
  };
}

async function copyIn(query: Query, text: string, bulk: BulkRows) {
  const stream = query(copyFrom(text)) as ReturnType<typeof copyFrom>;
  await pipeline(Readable.from(copyText(bulk)), stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] };
}

const COPY_ROWS_PER_CHUNK = 1000;

/** The rows in COPY's text format: tab-separated, \N for null, backslash escapes. */
function* copyText(bulk: BulkRows): Generator<string> {
  const rowCount = bulk.columns[0]?.values.length ?? 0;
  const formats = bulk.columns.map((c) => COPY_FORMATS[c.type]);
  const columns = bulk.columns.map((c) => c.values);
  let out = '';
  for (let row = 0; row < rowCount; row++) {
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c]![row];
      if (c > 0) out += '\t';
      out += value === null || value === undefined ? '\\N' : formats[c]!(value);
    }
    out += '\n';
    if ((row + 1) % COPY_ROWS_PER_CHUNK === 0) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

const SPECIAL = /[\\\n\r\t]/;
function copyString(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : '\\t',
  );
}

const COPY_FORMATS: Record<BulkRows['columns'][number]['type'], (value: unknown) => string> = {
  text: copyString,
  double: (v) => String(v),
  integer: (v) => String(v),
  boolean: (v) => (v ? 't' : 'f'),
  timestamptz: (v) => (v instanceof Date ? v.toISOString() : String(v)),
};
