import { describe, expect, it } from 'vitest';
import { CALENDAR_CLOCK } from '../../src/derive/business-calendar.js';
import type { SlaPolicy } from '../../src/derive/sla-policy.js';
import {
  type DeriveContext,
  deriveTicket,
  type FactEvent,
  type FactTicket,
} from '../../src/derive/ticket-facts.js';

const ctx = (policies: SlaPolicy[] = []): DeriveContext => ({
  clock: CALENDAR_CLOCK,
  calendar: CALENDAR_CLOCK,
  policies,
  policyClock: () => CALENDAR_CLOCK,
});

const ticket = (over: Partial<FactTicket> = {}): FactTicket => ({
  id: 'T',
  created_at: new Date('2026-03-02T09:00:00Z'),
  status: 'open',
  priority: 'high',
  channel: 'email',
  desk_id: null,
  team_id: null,
  assignee_id: null,
  customer_id: null,
  ticket_type: null,
  tags: [],
  first_response_at: null,
  solved_at: null,
  reopen_count: null,
  agent_replies: null,
  handle_time_seconds: null,
  escalated_at: null,
  sla_breached: null,
  automated: null,
  kb_article: null,
  source_shape: 'events',
  ...over,
});

let seq = 0;
const ev = (type: string, at: string, over: Partial<FactEvent> = {}): FactEvent => ({
  id: `e${++seq}`,
  type,
  at: new Date(at),
  actor_type: type === 'customer_message' ? 'customer' : type === 'agent_reply' ? 'agent' : null,
  actor: null,
  public: type === 'agent_reply' || type === 'customer_message' ? true : null,
  status: null,
  team: null,
  assignee: null,
  priority: null,
  channel: null,
  desk: null,
  seconds: null,
  article: null,
  ...over,
});

describe('ticket facts from events', () => {
  it('a ticket an agent opens without a created event is outbound: first response from the customer', () => {
    const d = deriveTicket(
      ticket(),
      [
        ev('agent_reply', '2026-03-02T09:00:00Z', { actor: 'ana' }),
        ev('customer_message', '2026-03-02T10:00:00Z'),
        ev('agent_reply', '2026-03-02T10:20:00Z', { actor: 'ana' }),
      ],
      ctx(),
    )!;
    expect(d.facts.first_response_seconds).toBe(1200);
  });

  it('solved → new is not a reopen; solved → open is', () => {
    const base = [
      ev('created', '2026-03-02T09:00:00Z', { actor_type: 'customer' }),
      ev('agent_reply', '2026-03-02T09:10:00Z'),
    ];
    const toNew = deriveTicket(
      ticket(),
      [
        ...base,
        ev('status_change', '2026-03-02T09:20:00Z', { status: 'solved' }),
        ev('status_change', '2026-03-02T09:30:00Z', { status: 'new' }),
      ],
      ctx(),
    )!;
    expect(toNew.facts.reopen_count).toBe(0);
    const toOpen = deriveTicket(
      ticket(),
      [
        ...base,
        ev('status_change', '2026-03-02T09:20:00Z', { status: 'solved' }),
        ev('status_change', '2026-03-02T09:30:00Z', { status: 'open' }),
      ],
      ctx(),
    )!;
    expect(toOpen.facts.reopen_count).toBe(1);
  });

  it('a ticket closed with no reply at all is not a first-contact resolution of any variant', () => {
    const d = deriveTicket(
      ticket(),
      [
        ev('created', '2026-03-02T09:00:00Z', { actor_type: 'customer' }),
        ev('status_change', '2026-03-02T09:20:00Z', { status: 'closed' }),
      ],
      ctx(),
    )!;
    expect(d.facts).toMatchObject({
      automated: false,
      fcr_single_reply_no_reopen: false,
      fcr_no_customer_followup: false,
    });
  });

  it('the opening message logged beside the created event is no follow-up', () => {
    const d = deriveTicket(
      ticket(),
      [
        ev('created', '2026-03-02T09:00:00Z', { actor_type: 'customer' }),
        ev('customer_message', '2026-03-02T09:00:00Z'),
        ev('agent_reply', '2026-03-02T09:10:00Z'),
        ev('status_change', '2026-03-02T09:20:00Z', { status: 'solved' }),
      ],
      ctx(),
    )!;
    expect(d.facts.fcr_no_customer_followup).toBe(true);
  });

  it('the first-reply clock stops at a solve even when a reply comes after a reopen', () => {
    const policy: SlaPolicy = {
      id: 'p',
      name: 'p',
      position: 1,
      conditions: { all: [], any: [] },
      pausingStatuses: ['pending'],
      scheduleId: null,
      targets: [{ priority: 'high', metric: 'first_reply', targetSeconds: 3600, businessHours: false }],
    };
    const d = deriveTicket(
      ticket(),
      [
        ev('created', '2026-03-02T09:00:00Z', { actor_type: 'customer', priority: 'high' }),
        ev('status_change', '2026-03-02T09:10:00Z', { status: 'solved' }),
        ev('customer_message', '2026-03-03T09:00:00Z'),
        ev('status_change', '2026-03-03T09:00:00Z', { status: 'open' }),
        ev('agent_reply', '2026-03-03T09:30:00Z'),
      ],
      ctx([policy]),
    )!;
    expect(d.sla).toHaveLength(1);
    expect(d.sla[0]).toMatchObject({
      metric: 'first_reply',
      achieved_at: new Date('2026-03-02T09:10:00Z'),
      breached_at: null,
    });
  });
});

describe('ticket facts from flat columns', () => {
  it('an unknown reopen count leaves FCR unknown rather than false', () => {
    const d = deriveTicket(
      ticket({
        source_shape: 'tickets',
        status: 'solved',
        solved_at: new Date('2026-03-02T10:00:00Z'),
        agent_replies: 1,
      }),
      [],
      ctx(),
    )!;
    expect(d.facts.fcr_single_reply_no_reopen).toBeNull();
    expect(d.facts.fcr_one_touch).toBe(true);
  });
});
