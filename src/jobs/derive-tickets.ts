import { type ControlledTransaction, type Kysely, sql } from 'kysely';
import { BusinessClock, CALENDAR_CLOCK, type Clock } from '../derive/business-calendar.js';
import type { SlaPolicy } from '../derive/sla-policy.js';
import { type DeriveContext, type DerivedTicket, deriveTicket } from '../derive/ticket-facts.js';
import { getOrCreate } from '../engine/collections.js';
import type { Store } from '../storage/database.js';
import { loadTicketsForDerive, replaceFacts } from '../storage/facts-writer.js';
import type { Organization } from '../storage/organizations.js';
import type { Database } from '../storage/schema.js';
import { loadSchedules, loadSlaPolicies } from '../storage/settings-repository.js';

export type DeriveScope =
  | { kind: 'all' }
  | { kind: 'import'; importId: number }
  | { kind: 'tickets'; ids: readonly string[] };

export interface DeriveSummary {
  tickets: number;
  excluded: number;
  replies: number;
  slaInstances: number;
  seconds: number;
}

/** The clocks and policies facts are derived with: the default schedule, or calendar time when there is none. */
export async function loadDeriveContext(store: Store, orgId: number): Promise<DeriveContext> {
  const [schedules, policies] = await Promise.all([
    loadSchedules(store.db, orgId),
    loadSlaPolicies(store.db, orgId),
  ]);
  const clocks = new Map<string, Clock>();
  const clockOf = (id: string | null): Clock => {
    const schedule = id ? schedules.byId.get(id) : undefined;
    if (!id || !schedule) return CALENDAR_CLOCK;
    return getOrCreate(clocks, id, () => new BusinessClock(schedule));
  };
  const clock = clockOf(schedules.defaultId);
  return {
    clock,
    calendar: CALENDAR_CLOCK,
    policies,
    policyClock: (policy: SlaPolicy) => (policy.scheduleId ? clockOf(policy.scheduleId) : clock),
  };
}

const PAGE = 2000;
/**
 * Pages are committed in groups of about this many tickets: a commit per page (WAL writes, fsync and
 * DuckDB's checkpoints) took about half of deriving a large import; a group stays all-or-nothing.
 */
const TICKETS_PER_TRANSACTION = 50_000;
/** Derives at least this large refresh the planner statistics of the fact tables. */
const ANALYZE_AFTER_TICKETS = 10_000;

/**
 * Re-derives ticket facts for a scope: everything, the tickets an import touched (rows or events), or
 * a list. Works page by page with keyset pagination, so memory stays bounded by the page size.
 */
export async function deriveTickets(
  store: Store,
  org: Organization,
  scope: DeriveScope,
): Promise<DeriveSummary> {
  const started = performance.now();
  const ctx = await loadDeriveContext(store, org.id);
  const summary: DeriveSummary = { tickets: 0, excluded: 0, replies: 0, slaInstances: 0, seconds: 0 };
  let trx: ControlledTransaction<Database> | undefined;
  let ticketsInTransaction = 0;
  const pages =
    scope.kind === 'tickets'
      ? chunks([...scope.ids].sort(), PAGE)
      : // The next page is read in the open transaction, so a pool of one connection does not wait on itself.
        pageTicketIds(store, org.id, scope, PAGE, () => trx ?? store.db);
  // A first derive of new tickets (a fresh import) has no facts to replace: skip the per-page deletes.
  const replacing = scope.kind === 'tickets' || (await scopeHasFacts(store, org.id, scope));
  try {
    for await (const ids of pages) {
      if (ids.length === 0) continue;
      trx ??= await store.db.startTransaction().execute();
      const loaded = await loadTicketsForDerive(trx, store.dialect, org.id, ids);
      const derived: DerivedTicket[] = [];
      let excluded = 0;
      for (const { ticket, events } of loaded) {
        const d = deriveTicket(ticket, events, ctx);
        if (d) derived.push(d);
        else excluded++;
      }
      await replaceFacts(trx, store.dialect, org.id, ids, derived, replacing);
      ticketsInTransaction += ids.length;
      if (ticketsInTransaction >= TICKETS_PER_TRANSACTION) {
        const done = trx;
        trx = undefined;
        ticketsInTransaction = 0;
        await done.commit().execute();
      }
      summary.excluded += excluded;
      summary.tickets += loaded.length;
      summary.replies += derived.reduce((n, d) => n + d.replies.length, 0);
      summary.slaInstances += derived.reduce((n, d) => n + d.sla.length, 0);
    }
    if (trx) {
      const done = trx;
      trx = undefined;
      await done.commit().execute();
    }
  } catch (error) {
    if (trx) await trx.rollback().execute();
    throw error;
  }
  // A large derive changes the fact tables' statistics: refresh them for the planner, as imports do for
  // theirs (PostgreSQL's autovacuum may be off or a minute behind; DuckDB keeps its own current).
  if (summary.tickets >= ANALYZE_AFTER_TICKETS) {
    for (const statement of store.dialect.analyzeStatements(['ticket_facts', 'reply_facts', 'sla_instances']))
      await statement.execute(store.db);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/**
 * Whether any ticket of the scope has facts. Only `replaceFacts` writes facts, and a ticket with reply
 * or SLA facts always has its ticket_facts row, so ticket_facts alone tells.
 */
async function scopeHasFacts(
  store: Store,
  orgId: number,
  scope: { kind: 'all' } | { kind: 'import'; importId: number },
): Promise<boolean> {
  const ids =
    scope.kind === 'all'
      ? sql`SELECT id FROM tickets WHERE org_id = ${orgId}`
      : sql`SELECT id FROM tickets WHERE org_id = ${orgId} AND import_id = ${scope.importId}
          UNION ALL SELECT ticket_id FROM ticket_events WHERE org_id = ${orgId} AND import_id = ${scope.importId}`;
  const { rows } = await sql<{ found: number }>`SELECT 1 AS found FROM ticket_facts f
    WHERE f.org_id = ${orgId} AND f.ticket_id IN (${ids}) LIMIT 1`.execute(store.db);
  return rows.length > 0;
}

async function* chunks(ids: readonly string[], size: number): AsyncIterable<string[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}

/**
 * The ticket ids of a scope in pages of `pageSize`, in id order. Every ticket: keyset pages over the
 * primary key. An import's tickets (its ticket rows and the tickets of its events): read once, then
 * paged in memory; a page of the union with `id > last` would re-read every id after it, which made
 * deriving a large import quadratic (a 1,000,000-ticket event log spent 53 of its 59 minutes there on
 * PostgreSQL). The ids of one import are as many as the tickets it touched.
 */
export async function* pageTicketIds(
  store: Store,
  orgId: number,
  scope: { kind: 'all' } | { kind: 'import'; importId: number },
  pageSize = PAGE,
  db: () => Kysely<Database> = () => store.db,
): AsyncIterable<string[]> {
  if (scope.kind === 'import') {
    const { rows } = await sql<{
      id: string;
    }>`SELECT id FROM tickets WHERE org_id = ${orgId} AND import_id = ${scope.importId}
      UNION SELECT ticket_id AS id FROM ticket_events WHERE org_id = ${orgId} AND import_id = ${scope.importId}
      ORDER BY id`.execute(db());
    yield* chunks(
      rows.map((r) => r.id),
      pageSize,
    );
    return;
  }
  let after = '';
  for (;;) {
    const { rows } = await sql<{
      id: string;
    }>`SELECT id FROM tickets WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${pageSize}`.execute(
      db(),
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows[rows.length - 1]!.id;
    if (rows.length < pageSize) return;
  }
}
