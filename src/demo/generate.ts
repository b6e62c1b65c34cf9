import { DateTime } from 'luxon';
import { CATALOGUE } from '../catalogue/index.js';
import { BusinessClock } from '../derive/business-calendar.js';
import type { SlaPolicy } from '../derive/sla-policy.js';
import {
  DEMO_DESKS,
  DEMO_TEAMS,
  DEMO_TIME_ZONE,
  type DemoAgent,
  type DemoDesk,
  demoAgents,
  demoSchedule,
  demoSlaPolicies,
  GAMING_TEAM,
  toBusinessSchedule,
} from './organisation.js';
import { Random } from './random.js';
import type { Cell, DemoFile, DemoSink } from './tables.js';

export interface DemoOptions {
  seed: number;
  /** Months of data, ending yesterday. */
  months: number;
  /** The local date (YYYY-MM-DD, Europe/Madrid) the data is generated relative to: it ends the day before. */
  today: string;
  /** Ticket volume multiplier: 1 gives about 150,000 tickets a year. */
  scale?: number;
}

export interface DemoIncident {
  name: string;
  desk: DemoDesk;
  /** First local day (YYYY-MM-DD). */
  start: string;
  days: number;
  /** Volume multiplier on the desk, per day. */
  factors: readonly number[];
  major: boolean;
}

export interface DemoPlan {
  from: string;
  to: string;
  timeZone: string;
  schedule: ReturnType<typeof demoSchedule>;
  slaPolicies: SlaPolicy[];
  agents: DemoAgent[];
  incidents: DemoIncident[];
  processChange: string;
  gamingTeam: string;
  gamingFrom: string;
  /**
   * The day seed 000's worked example starts: a proactive support strategy to reduce churn, whose goals
   * (churn, CSAT, response time, loyalty programme) the demo sets.
   */
  strategyStart: string;
}

export interface DemoCounts {
  tickets: number;
  complaintTickets: number;
  rows: Record<DemoFile, number>;
}

const DAY_MS = 86_400_000;
const HOUR_S = 3600;
const ISO = (ms: number) => new Date(ms).toISOString();
/** Local hour weights (00–23): quiet nights, a morning peak and an afternoon peak. */
const HOURLY = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 4, 3.8, 3.2, 2.8, 3, 3.4, 3.3, 3, 2.6, 2.1, 1.6, 1.2, 0.8,
  0.4,
];
/** Monday … Sunday. */
const WEEKDAY = [1.3, 1.2, 1.1, 1.05, 0.95, 0.4, 0.25];
const WEEKDAY_MEAN = WEEKDAY.reduce((a, b) => a + b, 0) / 7;
const DESK_SHARE: Record<DemoDesk, number> = { Retail: 0.45, Business: 0.33, Payments: 0.22 };
const CHANNELS = ['email', 'chat', 'phone', 'web'] as const;
type Channel = (typeof CHANNELS)[number];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];
const TICKETS_PER_YEAR = 150_000;
const BOT = 'Deskbot';

interface Day {
  index: number;
  iso: string;
  /** UTC ms of local midnight (by the offset at noon). */
  base: number;
  weekday: number;
  holiday: boolean;
  daysAgo: number;
  month: string;
}

interface Event {
  type: string;
  at: number;
  actorType: string | null;
  actor: string | null;
  status?: string;
  team?: string;
  assignee?: string;
  seconds?: number;
}

interface Customer {
  id: string;
  desk: DemoDesk;
  joined: number;
  churned: number | null;
}

/**
 * Thirteen weeks before today, but late enough for a four-week baseline in a short demo: the Monday on
 * or after the later of the two.
 */
function strategyStart(from: DateTime, today: DateTime): DateTime {
  const earliest = from.plus({ days: 35 });
  const wanted = today.minus({ days: 91 });
  let d = DateTime.max(wanted, earliest);
  while (d.weekday !== 1) d = d.plus({ days: 1 });
  return d.startOf('day');
}

/** The loyalty programme milestone at a month's end: 0 before the strategy starts, then 20 points a month. */
function loyaltyProgress(monthEnd: DateTime, strategy: DateTime): number {
  if (monthEnd < strategy) return 0;
  const months = Math.floor(monthEnd.diff(strategy.startOf('month'), 'months').months) + 1;
  return Math.min(100, 20 * months);
}

/** The organisation, the period and the stories, without generating any rows. */
export function planDemo(options: DemoOptions): DemoPlan {
  const today = DateTime.fromISO(options.today, { zone: DEMO_TIME_ZONE });
  if (!today.isValid) throw new RangeError(`today "${options.today}" is not a YYYY-MM-DD date`);
  if (!(Number.isInteger(options.months) && options.months >= 1 && options.months <= 36)) {
    throw new RangeError('months must be a whole number from 1 to 36');
  }
  const from = today.minus({ months: options.months });
  const to = today.minus({ days: 1 });
  const years: number[] = [];
  for (let y = from.year - 1; y <= to.year + 1; y++) years.push(y);
  const lastFullMonth = today.startOf('month').minus({ months: 1 });
  const day = (d: DateTime) => d.toISODate()!;
  const schedule = demoSchedule(years);
  const closed = new Set(schedule.holidays.map((h) => h.day));
  /** The first working Monday–Thursday on or after `d`, so a spike starts on a busy day. */
  const workday = (d: DateTime) => {
    let x = d;
    while (x.weekday > 4 || closed.has(day(x))) x = x.plus({ days: 1 });
    return x;
  };
  const incidents: DemoIncident[] = [
    {
      name: 'Payments outage',
      desk: 'Payments',
      start: day(workday(today.minus({ days: 100 }))),
      days: 4,
      factors: [3.2, 3, 2.2, 1.4],
      major: true,
    },
    {
      name: 'Retail delivery delays',
      desk: 'Retail',
      start: day(today.minus({ days: 250 })),
      days: 2,
      factors: [1.7, 1.3],
      major: false,
    },
    {
      name: 'Business login incident',
      desk: 'Business',
      start: day(today.minus({ days: 45 })),
      days: 1,
      factors: [1.6],
      major: false,
    },
    {
      name: 'Retail app release bug',
      desk: 'Retail',
      start: day(workday(lastFullMonth.set({ day: 12 }))),
      days: 2,
      factors: [1.8, 1.3],
      major: false,
    },
  ];
  return {
    from: day(from),
    to: day(to),
    timeZone: DEMO_TIME_ZONE,
    schedule,
    slaPolicies: demoSlaPolicies(),
    agents: demoAgents(options.seed),
    incidents,
    processChange: day(today.minus({ days: 150 })),
    gamingTeam: GAMING_TEAM,
    gamingFrom: day(today.minus({ days: 42 })),
    strategyStart: day(strategyStart(from, today)),
  };
}

/**
 * Generates the demo organisation's data, row by row into `sink`, in a fixed order: the same options
 * always give the same rows. Pure apart from the sink: no clock, no Math.random, no I/O.
 */
export function generateDemo(options: DemoOptions, sink: DemoSink): { plan: DemoPlan; counts: DemoCounts } {
  const plan = planDemo(options);
  const scale = options.scale ?? 1;
  const seed = options.seed;
  const zone = DEMO_TIME_ZONE;
  const clock = new BusinessClock(toBusinessSchedule(plan.schedule));
  const holidays = new Set(plan.schedule.holidays.map((h) => h.day));
  const counts: DemoCounts = {
    tickets: 0,
    complaintTickets: 0,
    rows: {
      customers: 0,
      tickets: 0,
      events: 0,
      surveys: 0,
      qa_ratings: 0,
      enrolments: 0,
      improvements: 0,
      reports: 0,
      measurements: 0,
      tool_periods: 0,
      crises: 0,
      presence: 0,
      kb_articles: 0,
      kb_activity: 0,
      kb_feedback: 0,
      forecasts: 0,
      security_controls: 0,
    },
  };
  const emit = (file: DemoFile, values: readonly Cell[]) => {
    counts.rows[file]++;
    sink.row(file, values);
  };

  // The days, oldest first.
  const days: Day[] = [];
  const start = DateTime.fromISO(plan.from, { zone });
  const end = DateTime.fromISO(plan.to, { zone });
  const total = Math.round(end.diff(start, 'days').days) + 1;
  for (let i = 0; i < total; i++) {
    const d = start.plus({ days: i });
    const noon = d.set({ hour: 12 });
    days.push({
      index: i,
      iso: d.toISODate()!,
      base: Date.UTC(d.year, d.month - 1, d.day) - noon.offset * 60_000,
      weekday: d.weekday,
      holiday: holidays.has(d.toISODate()!),
      daysAgo: total - i,
      month: d.toFormat('yyyy-MM'),
    });
  }
  const firstMs = days[0]!.base;
  /** The end of the data: local midnight that starts `today`. Nothing happens at or after it. */
  const cutoff = DateTime.fromISO(options.today, { zone }).toMillis();
  const local = (day: Day, minutes: number) => day.base + minutes * 60_000;
  const isOpenDay = (day: Day) => !day.holiday && day.weekday <= 6;
  const processChangeMs = DateTime.fromISO(plan.processChange, { zone }).toMillis();
  const gamingFromMs = DateTime.fromISO(plan.gamingFrom, { zone }).toMillis();
  const incidentFactor = (desk: DemoDesk, iso: string): { factor: number; incident: DemoIncident | null } => {
    for (const inc of plan.incidents) {
      if (inc.desk !== desk) continue;
      const offset = Math.round(
        DateTime.fromISO(iso, { zone }).diff(DateTime.fromISO(inc.start, { zone }), 'days').days,
      );
      if (offset >= 0 && offset < inc.days) return { factor: inc.factors[offset] ?? 1, incident: inc };
    }
    return { factor: 1, incident: null };
  };
  /** Slower before the process change (about 5 months ago), ramping to normal over two weeks. */
  const processFactor = (ms: number) => {
    const ramp = (ms - processChangeMs) / (14 * DAY_MS);
    return ramp >= 1 ? 1 : ramp <= 0 ? 1.8 : 1.8 - 0.8 * ramp;
  };
  /** 0 before the gaming story starts, rising to 1 by yesterday. */
  const gaming = (team: string, ms: number) =>
    team === GAMING_TEAM && ms > gamingFromMs
      ? Math.sqrt(Math.min(1, (ms - gamingFromMs) / (cutoff - gamingFromMs)))
      : 0;

  const agentsByTeam = new Map<string, DemoAgent[]>();
  for (const a of plan.agents) agentsByTeam.set(a.team, [...(agentsByTeam.get(a.team) ?? []), a]);
  const specialistOf = (desk: DemoDesk) => DEMO_TEAMS.find((t) => t.desk === desk && t.specialist)!.name;

  // Customers: most joined before the period, some during it; some churn.
  const customers = generateCustomers(seed, scale, firstMs, cutoff);
  for (const c of customers) {
    emit('customers', [
      c.id,
      `Customer ${c.id.slice(5)}`,
      ISO(c.joined),
      c.churned === null ? null : ISO(c.churned),
      c.desk,
    ]);
  }
  const customersByDesk = new Map<DemoDesk, Customer[]>(
    DEMO_DESKS.map((d) => [d, customers.filter((c) => c.desk === d)]),
  );

  // Tickets, their events and the surveys about them.
  const rng = Random.stream(seed, 'tickets');
  const srng = Random.stream(seed, 'surveys');
  let ticketSeq = 0;
  /** Tickets created per day (by day index), for the demo's stored forecasts. */
  const createdPerDay = new Map<number, number>();
  let surveySeq = 0;
  const survey = (
    kind: string,
    sent: number,
    respondProbability: number,
    score: () => number | string,
    about: {
      ticket: string | null;
      customer: string | null;
      agent: string;
      team: string;
      desk: string;
      channel: string | null;
    },
  ) => {
    if (sent >= cutoff) return false;
    const responded = srng.chance(respondProbability) ? sent + srng.logNormal(4 * HOUR_S, 1) * 1000 : null;
    const answered = responded !== null && responded < cutoff;
    const value = score();
    // Negative answers get a follow-up that closes the loop, mostly within a few days.
    const negative =
      answered &&
      typeof value === 'number' &&
      ((kind === 'csat' && value <= 2) || (kind === 'nps' && value <= 6));
    const followup =
      negative && srng.chance(0.85) ? responded! + srng.logNormal(36 * HOUR_S, 0.8) * 1000 : null;
    emit('surveys', [
      `S${String(++surveySeq).padStart(7, '0')}`,
      kind,
      ISO(sent),
      answered ? ISO(Math.round(responded)) : null,
      answered ? value : null,
      about.ticket,
      about.customer,
      about.agent,
      about.team,
      about.desk,
      about.channel,
      followup !== null && followup < cutoff ? ISO(Math.round(followup)) : null,
    ]);
    return answered;
  };

  const perDay = (TICKETS_PER_YEAR * scale) / 365.25;
  for (const day of days) {
    const progress = day.index / Math.max(1, total - 1);
    const month = Number(day.iso.slice(5, 7));
    const season = 1 + 0.12 * Math.cos((2 * Math.PI * (month - 11)) / 12);
    const growth = 0.94 + 0.12 * progress;
    const holiday = day.holiday ? 0.35 : 1;
    for (const desk of DEMO_DESKS) {
      const { factor, incident } = incidentFactor(desk, day.iso);
      const mean =
        perDay *
        DESK_SHARE[desk] *
        (WEEKDAY[day.weekday - 1]! / WEEKDAY_MEAN) *
        season *
        growth *
        holiday *
        factor;
      const n = rng.count(mean);
      const created: number[] = [];
      for (let i = 0; i < n; i++) {
        const hour = rng.weighted(
          HOURLY.map((_, h) => h),
          HOURLY,
        );
        created.push(local(day, hour * 60 + rng.int(0, 59)) + rng.int(0, 59) * 1000);
      }
      created.sort((a, b) => a - b);
      for (let at of created) {
        const id = `T${String(++ticketSeq).padStart(6, '0')}`;
        let channel: Channel = rng.weighted(
          CHANNELS,
          desk === 'Business' ? [0.45, 0.22, 0.18, 0.15] : [0.35, 0.35, 0.14, 0.16],
        );
        if (channel === 'phone') {
          // Calls come in while the phones are open.
          if (!isOpenDay(day)) channel = 'chat';
          else {
            const opens = day.weekday === 6 ? 9 * 60 : 8 * 60;
            const closes = day.weekday === 6 ? 14 * 60 : 20 * 60;
            at = local(day, rng.int(opens, closes - 1)) + rng.int(0, 59) * 1000;
          }
        }
        const priority: Priority = rng.weighted(
          PRIORITIES,
          incident ? [0.08, 0.42, 0.35, 0.15] : [0.2, 0.56, 0.19, 0.05],
        );
        const team =
          priority === 'urgent' && rng.chance(0.4)
            ? specialistOf(desk)
            : desk === 'Retail'
              ? channel === 'chat' || channel === 'web'
                ? 'Retail Live'
                : 'Retail Mail'
              : desk === 'Business'
                ? rng.chance(0.75)
                  ? 'Business Tier 1'
                  : 'Onboarding'
                : 'Payments Core';
        const agent = rng.pick(agentsByTeam.get(team)!);
        const customer = pickCustomer(rng, customersByDesk.get(desk)!, at);
        const complaint = rng.chance(incident ? 0.06 : 0.015);
        const load = factor > 1 ? 1 + (factor - 1) * 0.8 : 1;
        const speed = (processFactor(at) * load) / agent.skill;
        const g = gaming(team, at);
        const events = simulateTicket(rng, {
          at,
          channel,
          priority,
          team,
          agent,
          speed,
          gaming: g,
          incident: incident !== null,
          botShare: 0.22 + 0.18 * progress,
          specialistTeam: specialistOf(desk),
          specialists: agentsByTeam.get(specialistOf(desk))!,
          clock,
        }).filter((e) => e.at < cutoff);
        counts.tickets++;
        createdPerDay.set(day.index, (createdPerDay.get(day.index) ?? 0) + 1);
        const s = summarise(events);
        if (complaint) {
          counts.complaintTickets++;
          emit('tickets', [
            id,
            ISO(at),
            s.status,
            priority,
            channel,
            desk,
            s.team ?? team,
            s.assignee ?? agent.name,
            customer.id,
            s.firstReply === null ? null : ISO(s.firstReply),
            s.solved === null ? null : ISO(s.solved),
            s.reopens,
            s.agentReplies,
            s.handle,
            s.escalated === null ? null : ISO(s.escalated),
            'complaint',
            'complaint',
          ]);
        } else {
          let n = 0;
          for (const e of events) {
            const first = e.type === 'created';
            emit('events', [
              id,
              `${id}-${++n}`,
              e.type,
              ISO(e.at),
              e.actorType,
              e.actor,
              null,
              e.status ?? null,
              e.team ?? null,
              e.assignee ?? null,
              first ? priority : null,
              first ? channel : null,
              first ? desk : null,
              first ? customer.id : null,
              e.seconds ?? null,
              // Some agents link an article of the starting library in their reply.
              e.type === 'agent_reply' && (id.charCodeAt(id.length - 1) + n) % 4 === 0
                ? `KB${String(1 + ((id.length * 7 + n) % 60)).padStart(4, '0')}`
                : null,
            ]);
          }
        }

        // Surveys about solved tickets: CSAT most often, then CES, NPS and repurchase intent.
        if (s.solved !== null) {
          const finalTeam = s.team ?? team;
          const about = {
            ticket: id,
            customer: customer.id,
            agent: s.assignee ?? agent.name,
            team: finalTeam,
            desk,
            channel,
          };
          const slow =
            s.firstReply !== null && (s.firstReply - at) / 1000 > (channel === 'chat' ? 600 : 8 * HOUR_S);
          const goodness = Math.max(
            0.05,
            0.88 -
              (s.reopens > 0 ? 0.3 : 0) -
              (slow ? 0.15 : 0) -
              (incident ? 0.2 : 0) -
              (s.automated ? 0.1 : 0) -
              0.15 * gaming(finalTeam, s.solved) -
              (complaint ? 0.3 : 0),
          );
          const respond = incident ? 0.16 : 0.24;
          const sent = s.solved + 30 * 60_000;
          if (srng.chance(0.75)) {
            survey(
              'csat',
              sent,
              respond,
              () =>
                srng.chance(goodness)
                  ? srng.chance(0.65)
                    ? 5
                    : 4
                  : srng.weighted([1, 2, 3], [0.3, 0.3, 0.4]),
              about,
            );
          }
          if (srng.chance(0.2)) {
            survey(
              'ces',
              sent,
              respond * 1.1,
              () => (srng.chance(goodness) ? srng.weighted([5, 6, 7], [0.3, 0.4, 0.3]) : srng.int(1, 4)),
              about,
            );
          }
          if (srng.chance(0.08)) {
            const npsSent = s.solved + 2 * DAY_MS;
            let promoter = false;
            survey(
              'nps',
              npsSent,
              0.18,
              () => {
                const score = srng.chance(goodness * 0.75)
                  ? srng.weighted([9, 10], [0.5, 0.5])
                  : srng.weighted([7, 8, 0, 2, 4, 5, 6], [0.3, 0.3, 0.04, 0.05, 0.08, 0.1, 0.13]);
                promoter = score >= 9;
                return score;
              },
              about,
            );
            if (srng.chance(0.35)) {
              survey(
                'repurchase',
                npsSent,
                0.2,
                () => (srng.chance(promoter ? 0.92 : 0.55) ? 'yes' : 'no'),
                about,
              );
            }
          }
        }
      }
    }
  }

  // Stored forecasts, as the forecasting feature would issue them: the seasonal naive one (same weekday
  // a week earlier) for every day after the first week, issued two days ahead.
  for (const day of days) {
    if (day.index < 7) continue;
    emit('forecasts', [
      day.iso,
      createdPerDay.get(day.index - 7) ?? 0,
      ISO(day.base - 2 * DAY_MS),
      null,
      null,
      'seasonal_naive',
    ]);
  }

  const monthsInRange = monthStarts(plan.from, plan.to, zone);
  generatePeople(seed, plan, monthsInRange, cutoff, emit);
  generateImprovements(seed, plan, monthsInRange, cutoff, emit);
  generateReports(seed, days, cutoff, emit);
  generateMeasurements(plan, monthsInRange, cutoff, emit);
  generateToolPeriods(seed, plan, monthsInRange, cutoff, emit);
  generateCrises(seed, plan, cutoff, emit);
  generatePresence(seed, plan, monthsInRange, cutoff, emit);
  generateKnowledgeBase(seed, plan, days, cutoff, emit);
  generateSecurityControls(seed, monthsInRange, cutoff, emit);
  return { plan, counts };
}

interface TicketInput {
  at: number;
  channel: Channel;
  priority: Priority;
  team: string;
  agent: DemoAgent;
  speed: number;
  gaming: number;
  incident: boolean;
  botShare: number;
  specialistTeam: string;
  specialists: readonly DemoAgent[];
  clock: BusinessClock;
}

const PRIORITY_SPEED: Record<Priority, number> = { urgent: 0.3, high: 0.6, normal: 1, low: 1.4 };
const HANDLE_SECONDS: Record<Channel, number> = { email: 540, chat: 720, phone: 480, web: 600 };

/** One ticket's life as events, in time order (about 6–8 events). */
function simulateTicket(rng: Random, t: TicketInput): Event[] {
  const events: Event[] = [];
  const live = t.channel === 'chat' || t.channel === 'phone';
  const business = (from: number, seconds: number) =>
    t.clock.addSeconds(new Date(from), Math.max(1, seconds))?.getTime() ?? from + seconds * 1000;
  events.push({
    type: 'created',
    at: t.at,
    actorType: 'customer',
    actor: null,
    status: 'new',
    team: t.team,
    assignee: t.agent.name,
  });
  if (t.channel !== 'phone')
    events.push({ type: 'customer_message', at: t.at, actorType: 'customer', actor: null });

  if (t.channel === 'chat' && rng.chance(t.botShare)) {
    events.push({ type: 'bot_reply', at: t.at + 15_000, actorType: 'bot', actor: BOT });
    if (rng.chance(0.55)) {
      const solvedAt = t.at + Math.round(rng.logNormal(240, 0.6) * 1000);
      events.push({ type: 'status_change', at: solvedAt, actorType: 'bot', actor: BOT, status: 'solved' });
      return events;
    }
  }

  let agent = t.agent;
  const replyDelay = (median: number) => rng.logNormal(median, 0.9) * t.speed * PRIORITY_SPEED[t.priority];
  const firstMedian = t.channel === 'chat' ? 90 : t.channel === 'phone' ? 20 : 5400;
  let now = business(t.at, replyDelay(firstMedian));
  const followups = rng.chance(live ? 0.22 : 0.35) ? (rng.chance(0.25) ? 2 : 1) : 0;
  events.push({
    type: 'agent_reply',
    at: now,
    actorType: 'agent',
    actor: agent.name,
    status: followups > 0 && !live ? 'pending' : 'open',
  });
  if (rng.chance(0.25))
    events.push({ type: 'internal_note', at: now + 30_000, actorType: 'agent', actor: agent.name });

  let escalated = false;
  if (rng.chance(0.05 + (t.incident ? 0.12 : 0) + (t.priority === 'urgent' ? 0.08 : 0))) {
    escalated = true;
    const at = now + Math.round(rng.logNormal(1800, 0.8) * 1000);
    const specialist = rng.pick(t.specialists.filter((a) => a.name !== agent.name));
    events.push({
      type: 'escalation',
      at,
      actorType: 'agent',
      actor: agent.name,
      team: t.specialistTeam,
      assignee: specialist.name,
    });
    agent = specialist;
    now = business(at, rng.logNormal(live ? 600 : 1.2 * HOUR_S, 0.8) * Math.min(t.speed, 2.5));
    events.push({ type: 'agent_reply', at: now, actorType: 'agent', actor: agent.name });
  }

  for (let i = 0; i < followups; i++) {
    const customerAt = now + Math.round(rng.logNormal(live ? 90 : 5 * HOUR_S, 0.9) * 1000);
    events.push({
      type: 'customer_message',
      at: customerAt,
      actorType: 'customer',
      actor: null,
      status: 'open',
    });
    now = business(customerAt, replyDelay(live ? 60 : 2 * HOUR_S));
    events.push({ type: 'agent_reply', at: now, actorType: 'agent', actor: agent.name });
  }

  const solveAfter = live ? rng.logNormal(120, 0.6) : rng.logNormal(1.5 * HOUR_S, 1);
  const solvedAt = live ? now + Math.round(solveAfter * 1000) : business(now, solveAfter);
  // The gaming team's handle time falls while quality falls.
  const handle =
    HANDLE_SECONDS[t.channel] *
    rng.logNormal(1, 0.45) *
    (1 + 0.35 * followups + (escalated ? 0.5 : 0)) *
    (1 - 0.5 * t.gaming) *
    (2 - Math.min(1.2, t.agent.skill));
  events.push({
    type: 'time_entry',
    at: solvedAt,
    actorType: 'agent',
    actor: agent.name,
    seconds: Math.round(handle),
  });
  events.push({
    type: 'status_change',
    at: solvedAt,
    actorType: 'agent',
    actor: agent.name,
    status: 'solved',
  });

  if (rng.chance(0.05 + (t.speed > 1.5 ? 0.03 : 0) + 0.14 * t.gaming)) {
    const reopenAt = solvedAt + Math.round(rng.logNormal(20 * HOUR_S, 0.8) * 1000);
    events.push({
      type: 'customer_message',
      at: reopenAt,
      actorType: 'customer',
      actor: null,
      status: 'open',
    });
    const replyAt = business(reopenAt, replyDelay(live ? 300 : 2 * HOUR_S));
    events.push({ type: 'agent_reply', at: replyAt, actorType: 'agent', actor: agent.name });
    events.push({
      type: 'status_change',
      at: replyAt + Math.round(rng.logNormal(900, 0.5) * 1000),
      actorType: 'agent',
      actor: agent.name,
      status: 'solved',
    });
  }
  return events;
}

interface TicketSummary {
  status: string;
  team: string | null;
  assignee: string | null;
  firstReply: number | null;
  solved: number | null;
  reopens: number;
  agentReplies: number;
  handle: number | null;
  escalated: number | null;
  automated: boolean;
}

/** What the events add up to (for the flat complaint rows and the surveys). */
function summarise(events: readonly Event[]): TicketSummary {
  const s: TicketSummary = {
    status: 'new',
    team: null,
    assignee: null,
    firstReply: null,
    solved: null,
    reopens: 0,
    agentReplies: 0,
    handle: null,
    escalated: null,
    automated: false,
  };
  let bot = false;
  for (const e of events) {
    if (e.team) s.team = e.team;
    if (e.assignee) s.assignee = e.assignee;
    if (e.type === 'agent_reply') {
      s.agentReplies++;
      s.firstReply ??= e.at;
    }
    if (e.type === 'bot_reply') bot = true;
    if (e.type === 'escalation') s.escalated ??= e.at;
    if (e.type === 'time_entry') s.handle = (s.handle ?? 0) + (e.seconds ?? 0);
    if (e.status) {
      if (e.status === 'solved') s.solved = e.at;
      else if (s.status === 'solved') {
        s.reopens++;
        s.solved = null;
      }
      s.status = e.status;
    }
  }
  s.automated = s.status === 'solved' && s.agentReplies === 0 && bot;
  return s;
}

function generateCustomers(seed: number, scale: number, firstMs: number, cutoff: number): Customer[] {
  const rng = Random.stream(seed, 'customers');
  const n = Math.max(150, Math.round(9000 * scale));
  const span = cutoff - firstMs;
  const out: Customer[] = [];
  for (let i = 0; i < n; i++) {
    const desk = rng.weighted(DEMO_DESKS, [0.5, 0.3, 0.2]);
    const joined = rng.chance(0.78)
      ? firstMs - Math.round(rng.uniform(1, 3 * 365) * DAY_MS)
      : firstMs + Math.round(rng.uniform(0, 0.95) * span);
    let churned: number | null = null;
    if (rng.chance(0.2)) {
      const earliest = Math.max(joined + 30 * DAY_MS, firstMs - 180 * DAY_MS);
      const at = earliest + Math.round(rng.uniform(0, 1) * (cutoff - earliest + 120 * DAY_MS));
      if (at < cutoff) churned = at;
    }
    out.push({ id: `CUST-${String(i + 1).padStart(5, '0')}`, desk, joined, churned });
  }
  return out;
}

/** A customer of the desk who is a customer at `at` (a few tries, else the last one tried). */
function pickCustomer(rng: Random, pool: readonly Customer[], at: number): Customer {
  let c = rng.pick(pool);
  for (let i = 0; i < 8; i++) {
    if (c.joined <= at && (c.churned === null || c.churned > at)) return c;
    c = rng.pick(pool);
  }
  return c;
}

/** Local month starts (YYYY-MM-DD) from the month of `from` to the month of `to`. */
function monthStarts(from: string, to: string, zone: string): DateTime[] {
  const out: DateTime[] = [];
  let m = DateTime.fromISO(from, { zone }).startOf('month');
  const last = DateTime.fromISO(to, { zone }).startOf('month');
  while (m <= last) {
    out.push(m);
    m = m.plus({ months: 1 });
  }
  return out;
}

type Emit = (file: DemoFile, values: readonly Cell[]) => void;

const QA_CATEGORIES = [
  { name: 'Tone', min: 1, max: 5, weight: 1, critical: false, na: 0 },
  { name: 'Accuracy', min: 1, max: 5, weight: 2, critical: false, na: 0 },
  { name: 'Process', min: 1, max: 5, weight: 1, critical: false, na: 0.05 },
  { name: 'Empathy', min: 1, max: 5, weight: 1, critical: false, na: 0.2 },
  { name: 'Compliance', min: 0, max: 1, weight: 1, critical: true, na: 0 },
] as const;
const REVIEWERS = ['Carmen Vidal', 'Jorge Peña', 'Rosa Lozano'];
export const COURSES = {
  technology: ['New CRM rollout', 'Macros and automations', 'Telephony system', 'Reporting dashboards'],
  product: ['Payments product update', 'Business plans 2.0', 'Mobile app features'],
  soft_skills: ['De-escalation', 'Empathic writing', 'Handling complaints'],
} as const;
const CATEGORIES = ['technology', 'product', 'soft_skills'] as const;

/** QA reviews, training enrolments and eNPS pulses: per agent, per month. */
function generatePeople(
  seed: number,
  plan: DemoPlan,
  months: readonly DateTime[],
  cutoff: number,
  emit: Emit,
) {
  const rng = Random.stream(seed, 'people');
  const fromMs = DateTime.fromISO(plan.from, { zone: plan.timeZone }).toMillis();
  const gamingFrom = DateTime.fromISO(plan.gamingFrom, { zone: plan.timeZone }).toMillis();
  let review = 0;
  let enrolment = 0;
  let pulse = 0;
  for (const [mi, month] of months.entries()) {
    for (const [ai, agent] of plan.agents.entries()) {
      // Four QA reviews a month, on weekdays during office hours.
      for (let r = 0; r < 4; r++) {
        const day = month.set({ day: rng.int(1, month.daysInMonth!) });
        const at = day.set({ hour: rng.int(10, 17), minute: rng.int(0, 59) }).toMillis();
        if (at < fromMs || at >= cutoff || day.weekday > 5) continue;
        const g =
          agent.team === GAMING_TEAM && at > gamingFrom
            ? Math.sqrt(Math.min(1, (at - gamingFrom) / (cutoff - gamingFrom)))
            : 0;
        const id = `Q${String(++review).padStart(6, '0')}`;
        for (const c of QA_CATEGORIES) {
          const na = rng.chance(c.na);
          let rating: number | null = null;
          if (!na) {
            rating = c.critical
              ? rng.chance(0.97 - 0.2 * g)
                ? 1
                : 0
              : Math.min(5, Math.max(1, Math.round(3.6 + agent.skill * 0.6 - 2 * g + 0.7 * rng.normal())));
          }
          emit('qa_ratings', [
            id,
            new Date(at).toISOString(),
            c.name,
            rating,
            c.min,
            c.max,
            c.weight,
            c.critical,
            agent.name,
            agent.team,
            agent.desk,
            REVIEWERS[(ai + r) % REVIEWERS.length]!,
            'Support QA v2',
          ]);
        }
      }
      // One course a month, rotating categories so every month has technology courses due.
      const category = CATEGORIES[(ai + mi) % 3]!;
      const course = COURSES[category][(ai + mi) % COURSES[category].length]!;
      const enrolled = month.set({ day: 1, hour: 9 }).toMillis();
      const due = month.set({ day: 20, hour: 18 }).toMillis();
      const roll = rng.next();
      const completed =
        roll < 0.8
          ? enrolled + rng.uniform(0.1, 0.98) * (due - enrolled)
          : roll < 0.92
            ? due + rng.uniform(1, 20) * DAY_MS
            : null;
      emit('enrolments', [
        `E${String(++enrolment).padStart(6, '0')}`,
        agent.name,
        agent.team,
        agent.desk,
        course,
        category,
        new Date(enrolled).toISOString(),
        new Date(due).toISOString(),
        completed !== null && completed < cutoff ? new Date(Math.round(completed)).toISOString() : null,
        completed !== null && completed < cutoff ? rng.int(60, 100) : null,
      ]);
      // The monthly eNPS pulse, sent on the 3rd.
      const sent = month.set({ day: 3, hour: 9 }).toMillis();
      if (sent >= fromMs && sent < cutoff) {
        const responded = rng.chance(0.7) ? sent + rng.logNormal(1.5 * DAY_MS, 0.8) : null;
        const answered = responded !== null && responded < cutoff;
        const unhappy = agent.team === GAMING_TEAM && sent > gamingFrom ? 0.25 : 0;
        const score = rng.chance(0.45 - unhappy)
          ? rng.int(9, 10)
          : rng.chance(0.55)
            ? rng.int(7, 8)
            : rng.int(2, 6);
        emit('surveys', [
          `P${String(++pulse).padStart(6, '0')}`,
          'enps',
          new Date(sent).toISOString(),
          answered ? new Date(Math.round(responded)).toISOString() : null,
          answered ? score : null,
          null,
          null,
          agent.name,
          agent.team,
          agent.desk,
          null,
          null,
        ]);
      }
    }
  }
}

const IMPROVEMENT_KINDS = [
  {
    kind: 'insight',
    perMonth: 10,
    titles: [
      'Clarify refund wording',
      'Proactive delay notice',
      'Self-service password reset',
      'Simplify invoice page',
    ],
  },
  {
    kind: 'report_action',
    perMonth: 6,
    titles: ['Rebalance weekend rota', 'Tag cleanup', 'Add chat capacity at 10:00', 'Review backlog ageing'],
  },
  {
    kind: 'tool_feedback',
    perMonth: 5,
    titles: [
      'CRM search is slow',
      'Macro for address changes',
      'Telephony wrap-up codes',
      'Dashboard export',
    ],
  },
  {
    kind: 'prevention_action',
    perMonth: 4,
    titles: [
      'Status page automation',
      'Payment gateway failover drill',
      'Release checklist',
      'Incident runbook update',
    ],
  },
] as const;

/** Insights, report actions, tool feedback and prevention actions; older items are more often implemented. */
function generateImprovements(
  seed: number,
  plan: DemoPlan,
  months: readonly DateTime[],
  cutoff: number,
  emit: Emit,
) {
  const rng = Random.stream(seed, 'improvements');
  const fromMs = DateTime.fromISO(plan.from, { zone: plan.timeZone }).toMillis();
  const major = plan.incidents.find((i) => i.major)!;
  const majorEnd = DateTime.fromISO(major.start, { zone: plan.timeZone }).plus({ days: major.days });
  let seq = 0;
  const item = (kind: string, title: string, logged: number, relatedTo: string | null) => {
    if (logged < fromMs || logged >= cutoff) return;
    const implemented = rng.chance(0.72) ? logged + rng.logNormal(18 * DAY_MS, 0.7) : null;
    const owner = rng.pick(plan.agents);
    emit('improvements', [
      `I${String(++seq).padStart(5, '0')}`,
      kind,
      title,
      new Date(logged).toISOString(),
      implemented !== null && implemented < cutoff ? new Date(Math.round(implemented)).toISOString() : null,
      owner.name,
      owner.team,
      owner.desk,
      relatedTo,
    ]);
  };
  for (const month of months) {
    for (const k of IMPROVEMENT_KINDS) {
      const n = rng.count(k.perMonth);
      for (let i = 0; i < Math.max(1, n); i++) {
        const logged = month.set({ day: rng.int(1, month.daysInMonth!), hour: rng.int(9, 18) }).toMillis();
        item(k.kind, rng.pick(k.titles), logged, k.kind === 'report_action' ? 'weekly' : null);
      }
    }
  }
  // After the major crisis: a burst of prevention actions.
  for (let i = 0; i < 8; i++) {
    const logged = majorEnd.plus({ days: rng.int(1, 14), hours: rng.int(9, 17) }).toMillis();
    item('prevention_action', rng.pick(IMPROVEMENT_KINDS[3].titles), logged, major.name);
  }
}

/** Weekly reports per desk (due Monday 10:00) and monthly SLA reports per desk (due on the 5th). */
function generateReports(seed: number, days: readonly Day[], cutoff: number, emit: Emit) {
  const rng = Random.stream(seed, 'reports');
  let seq = 0;
  const report = (kind: string, due: number, desk: string) => {
    const late = rng.chance(0.12);
    const delivered = late
      ? due + rng.uniform(1, 30) * HOUR_S * 1000
      : due - rng.uniform(0.5, 20) * HOUR_S * 1000;
    const corrected = rng.chance(0.07) ? delivered + rng.uniform(1, 3) * DAY_MS : null;
    const deliveredOk = delivered < cutoff;
    emit('reports', [
      `R${String(++seq).padStart(5, '0')}`,
      kind,
      new Date(due).toISOString(),
      deliveredOk ? new Date(Math.round(delivered)).toISOString() : null,
      deliveredOk && corrected !== null && corrected < cutoff
        ? new Date(Math.round(corrected)).toISOString()
        : null,
      desk,
      null,
    ]);
  };
  for (const day of days) {
    if (day.weekday === 1)
      for (const desk of DEMO_DESKS) report('weekly', day.base + 10 * HOUR_S * 1000, desk);
    if (day.iso.endsWith('-05'))
      for (const desk of DEMO_DESKS) report('sla', day.base + 12 * HOUR_S * 1000, desk);
  }
}

/** A recorded value for every manual KPI of the catalogue, once a month (sla_reviews: reviews held). */
function generateMeasurements(plan: DemoPlan, months: readonly DateTime[], cutoff: number, emit: Emit) {
  const strategy = DateTime.fromISO(plan.strategyStart, { zone: plan.timeZone });
  const manual = [...CATALOGUE.values()].filter((d) => d.source === 'manual');
  const major = plan.incidents.find((i) => i.major)!;
  for (const month of months) {
    const end = month.endOf('month');
    if (end.toMillis() >= cutoff) continue;
    for (const def of manual) {
      const quarterEnd = month.month % 3 === 0;
      const afterCrisis = major.start.slice(0, 7) === month.toFormat('yyyy-MM');
      const value =
        def.id === 'sla_reviews'
          ? 1 + (quarterEnd ? 1 : 0) + (afterCrisis ? 1 : 0)
          : def.id === 'loyalty_programme_progress'
            ? loyaltyProgress(end, strategy)
            : 1;
      emit('measurements', [
        def.id,
        month.toISODate(),
        end.toISODate(),
        value,
        null,
        null,
        null,
        afterCrisis ? `monthly review; extra review after the ${major.name}` : 'monthly review',
        'Head of Support',
      ]);
    }
  }
}

const DEMO_TOOLS = [
  { tool: 'Helpdesk', seats: 70 },
  { tool: 'Telephony', seats: 25 },
  { tool: 'CRM', seats: 70 },
  { tool: 'Knowledge base', seats: 70 },
] as const;

/**
 * Monthly seats, active users and downtime per tool (KRA 8). Adoption is high but not full; downtime
 * is a few minutes a month, except telephony during the major crisis.
 */
function generateToolPeriods(
  seed: number,
  plan: DemoPlan,
  months: readonly DateTime[],
  cutoff: number,
  emit: Emit,
) {
  const rng = Random.stream(seed, 'tools');
  const major = plan.incidents.find((i) => i.major)!;
  for (const month of months) {
    if (month.toMillis() >= cutoff) continue;
    const next = month.plus({ months: 1 });
    const end = next.toMillis() <= cutoff ? next : DateTime.fromMillis(cutoff, { zone: month.zone });
    const crisisMonth = major.start.slice(0, 7) === month.toFormat('yyyy-MM');
    for (const t of DEMO_TOOLS) {
      const active = Math.round(t.seats * rng.uniform(0.78, 0.97));
      const down = t.tool === 'Telephony' && crisisMonth ? 240 : rng.chance(0.4) ? rng.int(5, 45) : 0;
      emit('tool_periods', [t.tool, month.toISODate(), end.toISODate(), t.seats, active, down]);
    }
  }
}

/**
 * The incidents as crises: the major one lasts most of its days, smaller ones hours. Status updates
 * go out roughly hourly; now and then one is late, and the major crisis misses a few overnight.
 */
function generateCrises(seed: number, plan: DemoPlan, cutoff: number, emit: Emit) {
  const rng = Random.stream(seed, 'crises');
  plan.incidents.forEach((incident, i) => {
    const start = DateTime.fromISO(incident.start, { zone: DEMO_TIME_ZONE }).set({
      hour: 9,
      minute: rng.int(0, 59),
    });
    const hours = incident.major ? incident.days * 24 - rng.int(6, 14) : rng.int(2, 9);
    const resolved = start.plus({ hours, minutes: rng.int(0, 59) });
    if (resolved.toMillis() >= cutoff) return;
    const updates: string[] = [];
    let at = start.plus({ minutes: rng.int(10, incident.major ? 28 : 45) });
    while (at < resolved) {
      const overnight = incident.major && (at.hour < 7 || at.hour >= 23);
      if (!overnight || rng.chance(0.3)) updates.push(at.toUTC().toISO({ suppressMilliseconds: true })!);
      at = at.plus({ minutes: rng.chance(0.15) ? rng.int(61, 95) : rng.int(40, 60) });
    }
    emit('crises', [
      `CR${i + 1}`,
      incident.name,
      start.toUTC().toISO()!,
      resolved.toUTC().toISO()!,
      incident.desk,
      updates.join(' '),
    ]);
  });
}

/** Monthly presence per agent: about 7.5 h logged in per working day, 55–80 % of it handling work. */
function generatePresence(
  seed: number,
  plan: DemoPlan,
  months: readonly DateTime[],
  cutoff: number,
  emit: Emit,
) {
  const rng = Random.stream(seed, 'presence');
  for (const month of months) {
    if (month.toMillis() >= cutoff) continue;
    const next = month.plus({ months: 1 });
    const end = next.toMillis() <= cutoff ? next : DateTime.fromMillis(cutoff, { zone: month.zone });
    const days = end.diff(month, 'days').days;
    for (const agent of plan.agents) {
      const loggedIn = Math.round(days * (5 / 7) * 7.5 * 3600 * rng.uniform(0.85, 1));
      const handling = Math.round(loggedIn * rng.uniform(0.55, 0.8));
      emit('presence', [
        agent.name,
        agent.team,
        agent.desk,
        month.toISODate(),
        end.toISODate(),
        loggedIn,
        handling,
      ]);
    }
  }
}

/**
 * A knowledge base: articles written by agents through the year (a few retired), monthly updates,
 * accuracy reviews every few months (some articles never reviewed), inaccuracy flags that are mostly
 * resolved, and feedback items resolved within days or weeks.
 */
function generateKnowledgeBase(
  seed: number,
  plan: DemoPlan,
  days: readonly Day[],
  cutoff: number,
  emit: Emit,
) {
  const rng = Random.stream(seed, 'kb');
  const activity = (article: string, action: string, at: number, agent: string | null) => {
    if (at < cutoff) emit('kb_activity', [article, action, ISO(Math.round(at)), agent]);
  };
  const articles: Array<{ id: string; published: number; desk: string }> = [];
  let feedbackSeq = 0;
  for (const day of days) {
    if (day.weekday > 5 || day.holiday) continue;
    // About two new articles a week, plus a starting library on the first day.
    const count = day.index === 0 ? 60 : rng.chance(0.4) ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const author = rng.pick(plan.agents);
      const id = `KB${String(articles.length + 1).padStart(4, '0')}`;
      const created = day.base + rng.int(9, 17) * HOUR_S * 1000;
      const published = created + rng.int(1, 5) * DAY_MS;
      const retired = rng.chance(0.05) ? published + rng.int(30, 200) * DAY_MS : null;
      if (created >= cutoff) continue;
      emit('kb_articles', [
        id,
        `How to ${rng.pick(['refund', 'reset', 'ship', 'invoice', 'upgrade', 'cancel', 'verify'])} (${id})`,
        ISO(created),
        published < cutoff ? ISO(published) : null,
        retired !== null && retired < cutoff ? ISO(retired) : null,
        author.desk,
      ]);
      activity(id, 'created', created, author.name);
      articles.push({ id, published, desk: author.desk });
      // Reviews every ~3–5 months; one article in six is never reviewed.
      if (!rng.chance(1 / 6)) {
        for (let at = published + rng.int(5, 60) * DAY_MS; at < cutoff; at += rng.int(90, 150) * DAY_MS) {
          activity(id, 'reviewed_accurate', at, rng.pick(plan.agents).name);
        }
      }
    }
    if (articles.length === 0) continue;
    // Updates by agents, flags and feedback on existing articles.
    if (rng.chance(0.6))
      activity(rng.pick(articles).id, 'updated', day.base + 11 * HOUR_S * 1000, rng.pick(plan.agents).name);
    if (rng.chance(0.08)) {
      const article = rng.pick(articles);
      const flagged = day.base + 14 * HOUR_S * 1000;
      activity(article.id, 'flagged_inaccurate', flagged, null);
      if (rng.chance(0.8))
        activity(article.id, 'flag_resolved', flagged + rng.int(1, 20) * DAY_MS, rng.pick(plan.agents).name);
    }
    if (rng.chance(0.5)) {
      const article = rng.pick(articles);
      const raised = day.base + 15 * HOUR_S * 1000;
      const resolved = rng.chance(0.85) ? raised + rng.logNormal(7 * DAY_MS, 0.7) : null;
      emit('kb_feedback', [
        `KF${String(++feedbackSeq).padStart(5, '0')}`,
        article.id,
        ISO(raised),
        resolved !== null && resolved < cutoff ? ISO(Math.round(resolved)) : null,
        article.desk,
      ]);
    }
  }
}

const DEMO_CONTROLS = [
  'MFA for admins',
  'Quarterly access review',
  'Leavers removed within 24 h',
  'API tokens rotated',
  'Backups restore test',
  'Customer data export logged',
  'Least privilege for team leads',
  'Security training up to date',
];

/** A monthly check of each security control on the 3rd; one in ten fails. */
function generateSecurityControls(seed: number, months: readonly DateTime[], cutoff: number, emit: Emit) {
  const rng = Random.stream(seed, 'controls');
  for (const month of months) {
    const checked = month.set({ day: 3, hour: 10 }).toMillis();
    if (checked >= cutoff) continue;
    for (const control of DEMO_CONTROLS) {
      const passing = !rng.chance(0.1);
      emit('security_controls', [control, ISO(checked), passing, passing ? null : 'remediation opened']);
    }
  }
}
