import type { Priority, Status } from '../ingest/canonical.js';

/** The stored fields of an event that decide a ticket's current state. */
export interface StateEvent {
  id: string;
  type: string;
  at: Date;
  actor_type: string | null;
  actor: string | null;
  status: string | null;
  team: string | null;
  assignee: string | null;
  priority: string | null;
  channel: string | null;
  desk: string | null;
  customer: string | null;
  ticket_type: string | null;
  /** Stored form (' a b '), or null when the event says nothing about tags. */
  tags: string | null;
}

export interface TicketState {
  created_at: Date;
  status: Status;
  priority: Priority | null;
  channel: string | null;
  desk: string | null;
  team: string | null;
  assignee: string | null;
  customer: string | null;
  ticket_type: string | null;
  tags: string[];
}

function byTime(a: StateEvent, b: StateEvent): number {
  return a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A ticket's current attributes from its whole event history (events from every import of it):
 * created at its `created` event (else its first event); each attribute is the latest value any event set.
 */
export function ticketStateFromEvents(events: readonly StateEvent[]): TicketState {
  if (events.length === 0) throw new Error('a ticket state needs at least one event');
  const sorted = [...events].sort(byTime);
  const created = sorted.find((e) => e.type === 'created');
  const state: TicketState = {
    created_at: (created ?? sorted[0]!).at,
    status: 'new',
    priority: null,
    channel: null,
    desk: null,
    team: null,
    assignee: null,
    customer: null,
    ticket_type: null,
    tags: [],
  };
  let sawStatus = false;
  let sawAgentReply = false;
  for (const e of sorted) {
    if (e.status !== null) {
      state.status = e.status as Status;
      sawStatus = true;
    }
    if (e.type === 'agent_reply') sawAgentReply = true;
    if (e.priority !== null) state.priority = e.priority as Priority;
    if (e.channel !== null) state.channel = e.channel;
    if (e.desk !== null) state.desk = e.desk;
    if (e.team !== null) state.team = e.team;
    if (e.assignee !== null) state.assignee = e.assignee;
    if (e.customer !== null && state.customer === null) state.customer = e.customer;
    if (e.ticket_type !== null) state.ticket_type = e.ticket_type;
    if (e.tags !== null) state.tags = e.tags.trim() === '' ? [] : e.tags.trim().split(' ');
  }
  // Without any status event, a ticket an agent has answered is open; one nobody answered is new.
  if (!sawStatus && sawAgentReply) state.status = 'open';
  if (state.customer === null) {
    const opener = sorted.find((e) => e.actor_type === 'customer' && e.actor !== null);
    state.customer = opener?.actor ?? null;
  }
  return state;
}
