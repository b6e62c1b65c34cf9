import { type DatabaseIntrospector, type Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { CurrentSchemaIntrospector } from './current-schema-introspector.js';
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
    options: `-c TimeZone=UTC${schema ? ` -c search_path=${schemaIdentifier(schema)}` : ''}`,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  return new CurrentSchemaPostgresDialect({ pool });
}

class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
