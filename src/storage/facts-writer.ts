import { type RawBuilder, sql } from 'kysely';
import type {
  DerivedTicket,
  FactEvent,
  FactTicket,
  ReplyFact,
  SlaInstanceFact,
  TicketFacts,
} from '../derive/ticket-facts.js';
import { getOrCreate } from '../engine/collections.js';
import { bulkInsert, type Trx } from './import-writer.js';
import type { ColumnType, SqlDialect } from './sql-dialect.js';

type Columns<T> = ReadonlyArray<{ name: keyof T & string; type: ColumnType }>;

const TICKET_FACT_COLUMNS: Columns<TicketFacts> = [
  { name: 'ticket_id', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'status', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'priority', type: 'text' },
  { name: 'desk_id', type: 'text' },
  { name: 'customer_id', type: 'text' },
  { name: 'created_team_id', type: 'text' },
  { name: 'created_assignee_id', type: 'text' },
  { name: 'solved_team_id', type: 'text' },
  { name: 'solved_assignee_id', type: 'text' },
  { name: 'first_response_at', type: 'timestamptz' },
  { name: 'first_response_seconds', type: 'double' },
  { name: 'first_response_business_seconds', type: 'double' },
  { name: 'first_solved_at', type: 'timestamptz' },
  { name: 'solved_at', type: 'timestamptz' },
  { name: 'first_resolution_seconds', type: 'double' },
  { name: 'first_resolution_business_seconds', type: 'double' },
  { name: 'full_resolution_seconds', type: 'double' },
  { name: 'full_resolution_business_seconds', type: 'double' },
  { name: 'reopen_count', type: 'integer' },
  { name: 'agent_replies', type: 'integer' },
  { name: 'customer_messages', type: 'integer' },
  { name: 'handle_time_seconds', type: 'double' },
  { name: 'escalated_at', type: 'timestamptz' },
  { name: 'escalated_team_id', type: 'text' },
  { name: 'escalated_assignee_id', type: 'text' },
  { name: 'escalation_response_at', type: 'timestamptz' },
  { name: 'escalation_response_seconds', type: 'double' },
  { name: 'escalation_response_business_seconds', type: 'double' },
  { name: 'automated', type: 'boolean' },
  { name: 'complaint', type: 'boolean' },
  { name: 'kb_linked', type: 'boolean' },
  { name: 'fcr_single_reply_no_reopen', type: 'boolean' },
  { name: 'fcr_one_touch', type: 'boolean' },
  { name: 'fcr_no_customer_followup', type: 'boolean' },
];

const REPLY_FACT_COLUMNS: Columns<ReplyFact> = [
  { name: 'ticket_id', type: 'text' },
  { name: 'seq', type: 'integer' },
  { name: 'replied_at', type: 'timestamptz' },
  { name: 'agent_id', type: 'text' },
  { name: 'team_id', type: 'text' },
  { name: 'desk_id', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'priority', type: 'text' },
  { name: 'reply_seconds', type: 'double' },
  { name: 'reply_business_seconds', type: 'double' },
  { name: 'is_first', type: 'boolean' },
];

const SLA_INSTANCE_COLUMNS: Columns<SlaInstanceFact> = [
  { name: 'ticket_id', type: 'text' },
  { name: 'seq', type: 'integer' },
  { name: 'policy_id', type: 'text' },
  { name: 'metric', type: 'text' },
  { name: 'priority', type: 'text' },
  { name: 'team_id', type: 'text' },
  { name: 'assignee_id', type: 'text' },
  { name: 'desk_id', type: 'text' },
  { name: 'channel', type: 'text' },
  { name: 'target_seconds', type: 'double' },
  { name: 'business_hours', type: 'boolean' },
  { name: 'started_at', type: 'timestamptz' },
  { name: 'due_at', type: 'timestamptz' },
  { name: 'completed_at', type: 'timestamptz' },
  { name: 'achieved_at', type: 'timestamptz' },
  { name: 'breached_at', type: 'timestamptz' },
];

async function insertRows<T>(
  trx: Trx,
  dialect: SqlDialect,
  table: string,
  orgId: number,
  columns: Columns<T>,
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  await bulkInsert(trx, dialect, table, [
    { name: 'org_id', type: 'integer', values: new Array<number>(rows.length).fill(orgId) },
    ...columns.map((c) => ({ name: c.name, type: c.type, values: rows.map((r) => r[c.name]) })),
  ]);
}

/**
 * `column BETWEEN` the least and greatest of the ids, compared as bytes. Redundant with the IN list,
 * but DuckDB checks it in the scan, before reading the other columns: without it every page read
 * and joined the whole table (a 1,000,000-ticket derive spent a third of its time there).
 */
function idRange(
  dialect: SqlDialect,
  column: RawBuilder<unknown>,
  ids: readonly string[],
): RawBuilder<unknown> {
  let least: Buffer | undefined;
  let greatest: Buffer | undefined;
  for (const id of ids) {
    const bytes = Buffer.from(id, 'utf8');
    if (!least || Buffer.compare(bytes, least) < 0) least = bytes;
    if (!greatest || Buffer.compare(bytes, greatest) > 0) greatest = bytes;
  }
  if (!least || !greatest) return sql`FALSE`;
  return sql`${dialect.binaryOrder(column)} BETWEEN ${least.toString('utf8')} AND ${greatest.toString('utf8')}`;
}

/** Replaces the facts of the given tickets with freshly derived ones (deleted tickets keep none). */
export async function replaceFacts(
  trx: Trx,
  dialect: SqlDialect,
  orgId: number,
  ticketIds: readonly string[],
  derived: readonly DerivedTicket[],
  /** False when the caller knows these tickets have no facts yet (nothing to delete). */
  replacing = true,
): Promise<void> {
  const ids = dialect.rowsFromArrays([{ name: 'id', type: 'text', values: [...ticketIds] }]);
  for (const table of replacing ? ['ticket_facts', 'reply_facts', 'sla_instances'] : []) {
    await sql`DELETE FROM ${sql.table(table)} WHERE org_id = ${orgId} AND ticket_id IN (SELECT id FROM ${ids} AS ids)
      AND ${idRange(dialect, sql.ref('ticket_id'), ticketIds)}`.execute(trx);
  }
  await insertRows(
    trx,
    dialect,
    'ticket_facts',
    orgId,
    TICKET_FACT_COLUMNS,
    derived.map((d) => d.facts),
  );
  await insertRows(
    trx,
    dialect,
    'reply_facts',
    orgId,
    REPLY_FACT_COLUMNS,
    derived.flatMap((d) => d.replies),
  );
  await insertRows(
    trx,
    dialect,
    'sla_instances',
    orgId,
    SLA_INSTANCE_COLUMNS,
    derived.flatMap((d) => d.sla),
  );
}

/** The tickets and their events, as the derive step reads them. */
export async function loadTicketsForDerive(
  trx: Trx,
  dialect: SqlDialect,
  orgId: number,
  ticketIds: readonly string[],
): Promise<Array<{ ticket: FactTicket; events: FactEvent[] }>> {
  const ids = () => dialect.rowsFromArrays([{ name: 'id', type: 'text', values: [...ticketIds] }]);
  const tickets = await trx
    .selectFrom('tickets')
    .select([
      'id',
      'created_at',
      'status',
      'priority',
      'channel',
      'desk_id',
      'team_id',
      'assignee_id',
      'customer_id',
      'ticket_type',
      'tags',
      'first_response_at',
      'solved_at',
      'reopen_count',
      'agent_replies',
      'handle_time_seconds',
      'escalated_at',
      'sla_breached',
      'automated',
      'kb_article',
      'source_shape',
    ])
    .where('org_id', '=', orgId)
    .where(
      sql<boolean>`id IN (SELECT id FROM ${ids()} AS ids) AND ${idRange(dialect, sql.ref('id'), ticketIds)}`,
    )
    .orderBy('id')
    .execute();
  const { rows: events } = await sql<FactEvent & { ticket_id: string }>`
    SELECT e.ticket_id, e.id, e.type, e.at, e.actor_type, e.actor, e.public, e.status, e.team, e.assignee, e.priority,
           e.channel, e.desk, e.seconds, e.article
    FROM ticket_events e
    WHERE e.org_id = ${orgId} AND e.ticket_id IN (SELECT id FROM ${ids()} AS ids)
      AND ${idRange(dialect, sql.ref('e.ticket_id'), ticketIds)}
    ORDER BY e.ticket_id`.execute(trx);
  const byTicket = new Map<string, FactEvent[]>();
  for (const e of events) {
    getOrCreate(byTicket, e.ticket_id, () => []).push(e);
  }
  return tickets.map((t) => ({
    ticket: { ...t, tags: t.tags.trim() === '' ? [] : t.tags.trim().split(' ') },
    events: byTicket.get(t.id) ?? [],
  }));
}
