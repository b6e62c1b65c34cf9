import { type DatabaseTarget, openStore, resolveDatabaseTarget, type Store } from '../storage/database.js';
import { type Organization, OrganizationError, resolveOrganization } from '../storage/organizations.js';
import { commandIo, out } from './io.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  debug?: boolean;
}

/** A failure the user can act on: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'duckdb') return target.location;
  const url = new URL(target.location);
  url.password = url.password ? '***' : '';
  return url.toString();
}

/** Opens the chosen database (migrating it), runs `work`, and always closes it. */
export async function withStore<T>(
  options: GlobalOptions,
  work: (store: Store) => Promise<T>,
  open: { migrate?: boolean } = {},
): Promise<T> {
  // Inside a server, the command uses the server's store, already open and migrated.
  const shared = commandIo().store;
  if (shared) return work(shared);
  const target = resolveDatabaseTarget(options.db);
  let store: Store;
  try {
    store = await openStore(target, open);
  } catch (error) {
    const message = (error as Error).message;
    if (/Could not set lock|Conflicting lock/i.test(message)) {
      throw new CliError(
        `${describeTarget(target)} is open in another deskscore process (DuckDB allows one); stop it or use its server`,
      );
    }
    throw new CliError(`cannot open ${describeTarget(target)}: ${message}`);
  }
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table for terminals. */
export function printTable(rows: ReadonlyArray<Record<string, unknown>>, columns?: string[]): void {
  if (rows.length === 0) {
    out('(none)\n');
    return;
  }
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: unknown) =>
    v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  out(`${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) out(`${line(cols.map((c) => text(r[c])))}\n`);
}

/** The organisation a command works on (`--org`, or the only one), as a one-line error otherwise. */
export async function organizationFor(store: Store, slug: string | undefined): Promise<Organization> {
  try {
    return await resolveOrganization(store.db, slug);
  } catch (error) {
    if (error instanceof OrganizationError) throw new CliError(error.message);
    throw error;
  }
}
