import { contentHash, type StagedColumn } from '../storage/import-writer.js';
import type { EventRecord, SnapshotRecord, TicketRecord } from './canonical.js';

/** Tags are stored space-separated with a space at each end, so `LIKE '% tag %'` finds a whole tag. */
export function storedTags(tags: readonly string[]): string {
  return tags.length === 0 ? ' ' : ` ${tags.join(' ')} `;
}

type TicketRow = TicketRecord & { snapshot_key?: number | null };

const TICKET_VALUE_COLUMNS: ReadonlyArray<StagedColumn<TicketRow>> = [
  { name: 'id', type: 'text', get: (t) => t.id },
  { name: 'created_at', type: 'timestamptz', get: (t) => t.created_at },
  { name: 'status', type: 'text', get: (t) => t.status },
  { name: 'priority', type: 'text', get: (t) => t.priority },
  { name: 'channel', type: 'text', get: (t) => t.channel },
  { name: 'desk_id', type: 'text', get: (t) => t.desk },
  { name: 'team_id', type: 'text', get: (t) => t.team },
  { name: 'assignee_id', type: 'text', get: (t) => t.assignee },
  { name: 'customer_id', type: 'text', get: (t) => t.customer },
  { name: 'ticket_type', type: 'text', get: (t) => t.type },
  { name: 'subject', type: 'text', get: (t) => t.subject },
  { name: 'first_response_at', type: 'timestamptz', get: (t) => t.first_response_at },
  { name: 'solved_at', type: 'timestamptz', get: (t) => t.solved_at },
  { name: 'reopen_count', type: 'integer', get: (t) => t.reopen_count },
  { name: 'agent_replies', type: 'integer', get: (t) => t.agent_replies },
  { name: 'handle_time_seconds', type: 'double', get: (t) => t.handle_time_seconds },
  { name: 'escalated_at', type: 'timestamptz', get: (t) => t.escalated_at },
  { name: 'sla_breached', type: 'boolean', get: (t) => t.sla_breached },
  { name: 'automated', type: 'boolean', get: (t) => t.automated },
  { name: 'tags', type: 'text', get: (t) => storedTags(t.tags) },
  { name: 'snapshot_key', type: 'double', get: (t) => t.snapshot_key ?? null },
];

/** Ticket columns as staged and stored; the hash covers every value, so an identical re-import is a no-op. */
export const TICKET_COLUMNS: ReadonlyArray<StagedColumn<TicketRow | SnapshotRecord>> = [
  ...TICKET_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (t) => contentHash(TICKET_VALUE_COLUMNS.map((c) => c.get(t))) },
];

export type StagedEvent = EventRecord & { base_id: string | null };

const EVENT_VALUE_COLUMNS: ReadonlyArray<StagedColumn<StagedEvent>> = [
  { name: 'ticket_id', type: 'text', get: (e) => e.ticket_id },
  { name: 'type', type: 'text', get: (e) => e.type },
  { name: 'at', type: 'timestamptz', get: (e) => e.at },
  { name: 'actor_type', type: 'text', get: (e) => e.actor_type },
  { name: 'actor', type: 'text', get: (e) => e.actor },
  { name: 'public', type: 'boolean', get: (e) => e.public },
  { name: 'status', type: 'text', get: (e) => e.status },
  { name: 'team', type: 'text', get: (e) => e.team },
  { name: 'assignee', type: 'text', get: (e) => e.assignee },
  { name: 'priority', type: 'text', get: (e) => e.priority },
  { name: 'channel', type: 'text', get: (e) => e.channel },
  { name: 'desk', type: 'text', get: (e) => e.desk },
  { name: 'customer', type: 'text', get: (e) => e.customer },
  { name: 'seconds', type: 'double', get: (e) => e.seconds },
  { name: 'ticket_type', type: 'text', get: (e) => e.ticket_type },
  { name: 'tags', type: 'text', get: (e) => (e.tags.length > 0 ? storedTags(e.tags) : null) },
];

/** Events as read from the file, before their identity is settled. */
export const RAW_EVENT_COLUMNS: ReadonlyArray<StagedColumn<StagedEvent>> = [
  { name: 'event_id', type: 'text', get: (e) => e.event_id },
  { name: 'base_id', type: 'text', get: (e) => e.base_id },
  ...EVENT_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (e) => contentHash(EVENT_VALUE_COLUMNS.map((c) => c.get(e))) },
];

/** Events with their identity, as merged into ticket_events. */
export const EVENT_COLUMNS: ReadonlyArray<StagedColumn<StagedEvent>> = [
  { name: 'id', type: 'text', get: () => null },
  ...EVENT_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: () => null },
];
