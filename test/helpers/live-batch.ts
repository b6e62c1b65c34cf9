/**
 * A live batch for ticket L1 (UTC): created 09:00, customer writes 09:00, agent ana replies 09:30
 * (first response 1,800 s), solved 10:00; and a CSAT response of 5 about it. All events carry ids.
 */
export const LIVE_BATCH = {
  items: [
    {
      shape: 'events',
      record: {
        ticket_id: 'L1',
        event_id: 'e1',
        type: 'created',
        at: '2026-03-10T09:00:00Z',
        status: 'new',
        team: 'Alpha',
        channel: 'email',
        customer: 'c1',
      },
    },
    {
      shape: 'events',
      record: {
        ticket_id: 'L1',
        event_id: 'e2',
        type: 'customer_message',
        at: '2026-03-10T09:00:00Z',
        actor_type: 'customer',
        actor: 'c1',
        public: true,
      },
    },
    {
      shape: 'events',
      record: {
        ticket_id: 'L1',
        event_id: 'e3',
        type: 'agent_reply',
        at: '2026-03-10T09:30:00Z',
        actor_type: 'agent',
        actor: 'ana',
        public: true,
        assignee: 'ana',
      },
    },
    {
      shape: 'events',
      record: {
        ticket_id: 'L1',
        event_id: 'e4',
        type: 'status_change',
        at: '2026-03-10T10:00:00Z',
        status: 'solved',
      },
    },
    {
      shape: 'surveys',
      record: {
        id: 's1',
        kind: 'csat',
        sent_at: '2026-03-10T10:05:00Z',
        responded_at: '2026-03-10T11:00:00Z',
        score: 5,
        ticket_id: 'L1',
      },
    },
  ],
};
