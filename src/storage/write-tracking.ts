import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type OperationNode,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Tables no KPI reads: writing them leaves every KPI value as it was, so it does not invalidate cached
 * results (logins, audit entries, token touches and alert bookkeeping would otherwise empty the cache
 * every minute). `test/storage/kpi-result-cache.test.ts` checks that no compiled KPI statement names one.
 */
export const TABLES_NO_KPI_READS: ReadonlySet<string> = new Set([
  'sessions',
  'api_tokens',
  'audit_log',
  'users',
  'user_teams',
  'goals',
  'goal_actions',
  'goal_status_changes',
  'scoring_settings',
  'ingest_batches',
  'ingest_secrets',
  'alert_channels',
  'alert_rules',
  'alert_evaluations',
  'alert_events',
  'alert_deliveries',
  'report_schedules',
]);

/**
 * Tables behind the caller's identity (tokens, sessions, users, their teams, organisations): writing
 * them invalidates the server's cached credentials (src/server/credential-cache.ts).
 */
export const ACCOUNT_TABLES: ReadonlySet<string> = new Set([
  'users',
  'user_teams',
  'api_tokens',
  'sessions',
  'organizations',
]);

/** What a write can make stale: KPI values, or who a credential belongs to. */
export type WriteDomain = 'kpi' | 'accounts';
const DOMAINS: readonly WriteDomain[] = ['kpi', 'accounts'];
const NONE: ReadonlySet<WriteDomain> = new Set();
const ALL: ReadonlySet<WriteDomain> = new Set(DOMAINS);

/** Rows of this table count every process's committed writes per domain, so other processes see them (PostgreSQL). */
export const DATA_VERSION_TABLE = 'deskscore_data_version';
export const DOMAIN_ROW: Readonly<Record<WriteDomain, number>> = { kpi: 1, accounts: 2 };

function bumpStatement(domains: ReadonlySet<WriteDomain>): CompiledQuery {
  const ids = [...domains].map((d) => DOMAIN_ROW[d]).join(', ');
  return CompiledQuery.raw(`UPDATE ${DATA_VERSION_TABLE} SET version = version + 1 WHERE id IN (${ids})`);
}

/**
 * Counts the writes this process committed, per domain. A reader that took the count before running a
 * query may cache the result under that count: the count moves only after a write is committed, so a
 * result computed from data older than the newest commit always carries an older count.
 */
export class WriteTracker {
  private readonly local: Record<WriteDomain, number> = { kpi: 0, accounts: 0 };
  /** Off while migrations run: the shared version table may not exist yet. */
  sharedVersionReady = false;

  constructor(readonly sharesVersion: boolean) {}

  localVersion(domain: WriteDomain): number {
    return this.local[domain];
  }

  /** For writes made outside the store's connections; they must be committed already. */
  noteCommittedWrite(domains: ReadonlySet<WriteDomain> = ALL): void {
    for (const d of domains) this.local[d]++;
  }
}

const READ_ONLY_STATEMENT =
  /^(SELECT|WITH|VALUES|TABLE|SHOW|EXPLAIN|DESCRIBE|SUMMARIZE|PRAGMA|SET|RESET|ANALYZE|VACUUM|CHECKPOINT|BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|LISTEN|UNLISTEN|NOTIFY|DEALLOCATE|DISCARD|LOAD|INSTALL)\b/i;
const WRITE_KEYWORD = /\b(INSERT|UPDATE|DELETE|MERGE|COPY|CREATE|DROP|ALTER|TRUNCATE)\b/i;
const RAW_TARGET =
  /^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?/i;

function stripLeadingComments(text: string): string {
  let s = text.trimStart();
  for (;;) {
    if (s.startsWith('--')) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1).trimStart();
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trimStart();
    } else return s;
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  return undefined;
}

/** The tables a builder query writes, or undefined when they cannot be told (then it counts as a write). */
function builderTargets(query: OperationNode): string[] | undefined {
  const q = query as unknown as Record<string, unknown>;
  switch (query.kind) {
    case 'InsertQueryNode':
    case 'MergeQueryNode': {
      const name = tableName(q.into as OperationNode);
      return name ? [name] : undefined;
    }
    case 'UpdateQueryNode': {
      const name = tableName(q.table as OperationNode);
      return name ? [name] : undefined;
    }
    case 'DeleteQueryNode': {
      const froms = (q.from as { froms?: OperationNode[] } | undefined)?.froms ?? [];
      const names = froms.map(tableName);
      return names.every((n): n is string => n !== undefined) && names.length > 0
        ? (names as string[])
        : undefined;
    }
    default:
      return undefined;
  }
}

function domainsOfTables(tables: readonly string[] | undefined): ReadonlySet<WriteDomain> {
  if (!tables) return ALL;
  const out = new Set<WriteDomain>();
  for (const t of tables) {
    if (!TABLES_NO_KPI_READS.has(t)) out.add('kpi');
    if (ACCOUNT_TABLES.has(t)) out.add('accounts');
  }
  return out;
}

/** What a statement may make stale. Unknown statements count as writes to everything. */
export function domainsWritten(compiled: CompiledQuery): ReadonlySet<WriteDomain> {
  const kind = compiled.query.kind;
  if (kind === 'SelectQueryNode') return NONE;
  if (
    kind === 'InsertQueryNode' ||
    kind === 'UpdateQueryNode' ||
    kind === 'DeleteQueryNode' ||
    kind === 'MergeQueryNode'
  ) {
    return domainsOfTables(builderTargets(compiled.query));
  }
  // Schema changes and anything else the builder makes.
  if (kind !== 'RawNode') return ALL;
  const text = stripLeadingComments(compiled.sql);
  if (READ_ONLY_STATEMENT.test(text)) {
    // A data-modifying CTE, or EXPLAIN ANALYZE of a write, writes.
    const first = text.split(/\s/, 1)[0]!.toUpperCase();
    return (first === 'WITH' || first === 'EXPLAIN') && WRITE_KEYWORD.test(text) ? ALL : NONE;
  }
  const target = RAW_TARGET.exec(text)?.[1]?.toLowerCase();
  return domainsOfTables(target ? [target] : undefined);
}

/** Wraps a dialect so that every committed write moves the tracker (and, shared, the database's version). */
export function trackWrites(inner: Dialect, tracker: WriteTracker): Dialect {
  return {
    createAdapter: (): DialectAdapter => inner.createAdapter(),
    createDriver: (): Driver => new WriteTrackingDriver(inner.createDriver(), tracker),
    createQueryCompiler: (): QueryCompiler => inner.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => inner.createIntrospector(db),
  };
}

/** A connection as handed out by the tracking driver; `inner` is the dialect's own connection. */
export class TrackedConnection implements DatabaseConnection {
  inTransaction = false;
  readonly writtenInTransaction = new Set<WriteDomain>();

  constructor(
    readonly inner: DatabaseConnection,
    private readonly tracker: WriteTracker,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const domains = domainsWritten(compiled);
    const result = await this.inner.executeQuery<R>(compiled);
    await this.noteWrite(domains);
    return result;
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const domains = domainsWritten(compiled);
    try {
      yield* this.inner.streamQuery<R>(compiled, chunkSize);
    } finally {
      // Also when the reader stops early: the statement has run.
      await this.noteWrite(domains);
    }
  }

  /** Also for writes that bypass `executeQuery` on this connection (a raw appender or COPY). */
  async noteWrite(domains: ReadonlySet<WriteDomain> = ALL): Promise<void> {
    if (domains.size === 0) return;
    if (this.inTransaction) {
      for (const d of domains) this.writtenInTransaction.add(d);
      return;
    }
    if (this.tracker.sharesVersion && this.tracker.sharedVersionReady)
      await this.inner.executeQuery(bumpStatement(domains));
    this.tracker.noteCommittedWrite(domains);
  }

  /** Inside the transaction, just before COMMIT: the shared version moves atomically with the data. */
  async beforeCommit(): Promise<void> {
    if (this.writtenInTransaction.size > 0 && this.tracker.sharesVersion && this.tracker.sharedVersionReady)
      await this.inner.executeQuery(bumpStatement(this.writtenInTransaction));
  }

  afterTransaction(committed: boolean): void {
    this.inTransaction = false;
    if (committed) this.tracker.noteCommittedWrite(this.writtenInTransaction);
    this.writtenInTransaction.clear();
  }
}

class WriteTrackingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly tracker: WriteTracker,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TrackedConnection(await this.inner.acquireConnection(), this.tracker);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection((connection as TrackedConnection).inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as TrackedConnection;
    await this.inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
    c.writtenInTransaction.clear();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as TrackedConnection;
    await c.beforeCommit();
    await this.inner.commitTransaction(c.inner);
    c.afterTransaction(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as TrackedConnection;
    c.afterTransaction(false);
    await this.inner.rollbackTransaction(c.inner);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ) {
    if (!this.inner.savepoint) throw new Error('this dialect has no savepoints');
    await this.inner.savepoint((connection as TrackedConnection).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ) {
    if (!this.inner.rollbackToSavepoint) throw new Error('this dialect has no savepoints');
    await this.inner.rollbackToSavepoint((connection as TrackedConnection).inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ) {
    if (!this.inner.releaseSavepoint) throw new Error('this dialect has no savepoints');
    await this.inner.releaseSavepoint((connection as TrackedConnection).inner, name, compile);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
