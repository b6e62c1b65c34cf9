/**
 * A small support organisation in Europe/Madrid, March–April 2026, worked by hand.
 * Business hours: Mon–Fri 09:00–17:00 local; 19 March (San José) is a holiday.
 * DST: on Sunday 29 March clocks go from 02:00 to 03:00 (UTC+1 → UTC+2).
 * SLA policy "vip" for priority high: first reply 4 h, next reply 2 h, resolution 8 h, all business
 * hours, paused while pending or on hold. Normal and low priorities have no targets.
 *
 * Times below are UTC; local = UTC+1 until 29 March, UTC+2 after.
 *
 * A  customer, Sat 7 Mar 10:00 local (off hours); a bot reply that is not a response; ana replies
 *    Mon 9 Mar 09:30, solves 09:40; 600 s of time entries. Team Alpha, normal, email.
 * B  created by agent bo (outbound), Tue 10 Mar 10:00; customer answers 11:00; bo replies 11:30,
 *    solves 11:35; 900 s. Team Beta, high, phone.
 * D  deleted: created Wed 11 Mar, then deleted. Excluded from every KPI.
 * G  complaint, Thu 12 Mar 10:00; escalated 10:30; ana replies 11:00; solved Fri 13 Mar 10:00;
 *    1200 s. Team Alpha, normal, email.
 * I  Mon 16 Mar 10:00, bot replies and the ticket is solved at 10:02 with no human reply
 *    (automated). Team Alpha, no assignee, low, chat.
 * E  Wed 18 Mar 09:00, high; bo replies 10:00 and sets pending; customer answers Fri 20 Mar 10:00
 *    (Thu 19 is a holiday) and the ticket reopens; bo replies 11:00, solves 12:00. Team Beta, email.
 * F  Mon 23 Mar 09:00, high; bo replies only Tue 24 Mar 11:00, solves 11:05: first reply and
 *    resolution targets breached. Team Beta, email.
 * H  complaint, Tue 24 Mar 10:00; ana replies 10:30; never solved. Team Alpha, normal, chat.
 * C  Thu 26 Mar 16:00; ana replies 16:30 and solves 16:31; customer writes Fri 27 Mar 16:00 and the
 *    ticket reopens; ana replies Mon 30 Mar 10:00 (across the DST change); final solve Thu 2 Apr
 *    10:00. Team Alpha, normal, chat.
 */
export const GOLDEN_EVENTS = `ticket_id,type,at,actor_type,actor,status,team,assignee,priority,channel,seconds,ticket_type
A,created,2026-03-07T09:00:00Z,customer,ca,new,,,normal,email,,
A,assignment,2026-03-07T09:01:00Z,system,,,Alpha,ana,,,,
A,bot_reply,2026-03-07T09:02:00Z,bot,helpbot,,,,,,,
A,agent_reply,2026-03-09T08:30:00Z,agent,ana,,,,,,,
A,status_change,2026-03-09T08:40:00Z,agent,ana,solved,,,,,,
A,time_entry,2026-03-09T08:40:00Z,agent,ana,,,,,,600,
B,created,2026-03-10T09:00:00Z,agent,bo,open,Beta,bo,high,phone,,
B,agent_reply,2026-03-10T09:00:00Z,agent,bo,,,,,,,
B,customer_message,2026-03-10T10:00:00Z,customer,cb,,,,,,,
B,agent_reply,2026-03-10T10:30:00Z,agent,bo,,,,,,,
B,status_change,2026-03-10T10:35:00Z,agent,bo,solved,,,,,,
B,time_entry,2026-03-10T10:35:00Z,agent,bo,,,,,,900,
D,created,2026-03-11T09:00:00Z,customer,cd,new,Alpha,ana,normal,email,,
D,status_change,2026-03-11T09:05:00Z,agent,ana,deleted,,,,,,
G,created,2026-03-12T09:00:00Z,customer,cg,new,Alpha,ana,normal,email,,complaint
G,escalation,2026-03-12T09:30:00Z,agent,ana,,,,,,,
G,agent_reply,2026-03-12T10:00:00Z,agent,ana,,,,,,,
G,status_change,2026-03-13T09:00:00Z,agent,ana,solved,,,,,,
G,time_entry,2026-03-13T09:00:00Z,agent,ana,,,,,,1200,
I,created,2026-03-16T09:00:00Z,customer,ci,new,Alpha,,low,chat,,
I,bot_reply,2026-03-16T09:01:00Z,bot,helpbot,,,,,,,
I,status_change,2026-03-16T09:02:00Z,system,,solved,,,,,,
E,created,2026-03-18T08:00:00Z,customer,ce,new,Beta,bo,high,email,,
E,agent_reply,2026-03-18T09:00:00Z,agent,bo,,,,,,,
E,status_change,2026-03-18T09:00:00Z,agent,bo,pending,,,,,,
E,customer_message,2026-03-20T09:00:00Z,customer,ce,,,,,,,
E,status_change,2026-03-20T09:00:00Z,system,,open,,,,,,
E,agent_reply,2026-03-20T10:00:00Z,agent,bo,,,,,,,
E,status_change,2026-03-20T11:00:00Z,agent,bo,solved,,,,,,
F,created,2026-03-23T08:00:00Z,customer,cf,new,Beta,bo,high,email,,
F,agent_reply,2026-03-24T10:00:00Z,agent,bo,,,,,,,
F,status_change,2026-03-24T10:05:00Z,agent,bo,solved,,,,,,
H,created,2026-03-24T09:00:00Z,customer,ch,new,Alpha,ana,normal,chat,,complaint
H,agent_reply,2026-03-24T09:30:00Z,agent,ana,,,,,,,
C,created,2026-03-26T15:00:00Z,customer,cc,new,Alpha,ana,normal,chat,,
C,agent_reply,2026-03-26T15:30:00Z,agent,ana,,,,,,,
C,status_change,2026-03-26T15:31:00Z,agent,ana,solved,,,,,,
C,customer_message,2026-03-27T15:00:00Z,customer,cc,,,,,,,
C,status_change,2026-03-27T15:00:00Z,system,,open,,,,,,
C,agent_reply,2026-03-30T08:00:00Z,agent,ana,,,,,,,
C,status_change,2026-04-02T08:00:00Z,agent,ana,solved,,,,,,
`;

export const GOLDEN_SCHEDULE = {
  id: 'office',
  name: 'Madrid office',
  timeZone: 'Europe/Madrid',
  isDefault: true,
  intervals: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  holidays: [{ day: '2026-03-19', name: 'San José' }],
};

export const GOLDEN_POLICY = {
  id: 'vip',
  name: 'High priority',
  position: 1,
  conditions: { all: [{ field: 'priority' as const, operator: 'is' as const, value: 'high' }], any: [] },
  pausingStatuses: ['pending' as const, 'on_hold' as const],
  targets: [
    { priority: 'high' as const, metric: 'first_reply' as const, targetSeconds: 4 * 3600 },
    { priority: 'high' as const, metric: 'next_reply' as const, targetSeconds: 2 * 3600 },
    { priority: 'high' as const, metric: 'resolution' as const, targetSeconds: 8 * 3600 },
  ],
};
