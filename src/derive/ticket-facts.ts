import type { Status } from '../ingest/canonical.js';
import type { Clock } from './business-calendar.js';
import { matchPolicy, type PolicyAttributes, type SlaMetric, type SlaPolicy } from './sla-policy.js';

/** A stored ticket as the derive step reads it. */
export interface FactTicket {
  id: string;
  created_at: Date;
  status: string;
  priority: string | null;
  channel: string | null;
  desk_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  customer_id: string | null;
  ticket_type: string | null;
  tags: readonly string[];
  first_response_at: Date | null;
  solved_at: Date | null;
  reopen_count: number | null;
  agent_replies: number | null;
  handle_time_seconds: number | null;
  escalated_at: Date | null;
  sla_breached: boolean | null;
  automated: boolean | null;
  kb_article: string | null;
  source_shape: string;
}

/** A stored event as the derive step reads it. */
export interface FactEvent {
  id: string;
  type: string;
  at: Date;
  actor_type: string | null;
  actor: string | null;
  public: boolean | null;
  status: string | null;
  team: string | null;
  assignee: string | null;
  priority: string | null;
  channel: string | null;
  desk: string | null;
  seconds: number | null;
  article: string | null;
}

/** Per-ticket facts: every duration twice, calendar and business (KPI-DEFINITIONS.md, "Ticket facts"). */
export interface TicketFacts {
  ticket_id: string;
  created_at: Date;
  status: string;
  channel: string | null;
  priority: string | null;
  desk_id: string | null;
  customer_id: string | null;
  /** Credited at creation: the team/assignee in force then, else the first one assigned. */
  created_team_id: string | null;
  created_assignee_id: string | null;
  /** Credited at the final solve. */
  solved_team_id: string | null;
  solved_assignee_id: string | null;
  first_response_at: Date | null;
  first_response_seconds: number | null;
  first_response_business_seconds: number | null;
  first_solved_at: Date | null;
  /** The final solve, only while the ticket is solved or closed ("by solve" placement). */
  solved_at: Date | null;
  first_resolution_seconds: number | null;
  first_resolution_business_seconds: number | null;
  full_resolution_seconds: number | null;
  full_resolution_business_seconds: number | null;
  reopen_count: number | null;
  agent_replies: number | null;
  customer_messages: number | null;
  handle_time_seconds: number | null;
  escalated_at: Date | null;
  /** Credited at the first escalation. */
  escalated_team_id: string | null;
  escalated_assignee_id: string | null;
  escalation_response_at: Date | null;
  escalation_response_seconds: number | null;
  escalation_response_business_seconds: number | null;
  automated: boolean;
  complaint: boolean;
  /** A knowledge-base article was linked to the ticket. */
  kb_linked: boolean;
  fcr_single_reply_no_reopen: boolean | null;
  fcr_one_touch: boolean | null;
  fcr_no_customer_followup: boolean | null;
}

/** Every human public reply; the reply time is set when it answered a run of customer messages. */
export interface ReplyFact {
  ticket_id: string;
  seq: number;
  replied_at: Date;
  agent_id: string | null;
  team_id: string | null;
  desk_id: string | null;
  channel: string | null;
  priority: string | null;
  reply_seconds: number | null;
  reply_business_seconds: number | null;
  is_first: boolean;
}

export interface SlaInstanceFact {
  ticket_id: string;
  seq: number;
  policy_id: string | null;
  metric: SlaMetric | 'ticket';
  priority: string | null;
  /** Credited where the outcome happened. */
  team_id: string | null;
  assignee_id: string | null;
  desk_id: string | null;
  channel: string | null;
  target_seconds: number | null;
  business_hours: boolean;
  started_at: Date;
  /** When the target is (or was) reached; null while the clock is paused. */
  due_at: Date | null;
  completed_at: Date | null;
  achieved_at: Date | null;
  /** Set when the target was missed, and for a running clock (breached once due_at has passed). */
  breached_at: Date | null;
}

export interface DerivedTicket {
  facts: TicketFacts;
  replies: ReplyFact[];
  sla: SlaInstanceFact[];
}

export interface DeriveContext {
  /** The organisation's business schedule (calendar time when it has none). */
  clock: Clock;
  policies: readonly SlaPolicy[];
  /** The clock a policy's business-hours targets run on. */
  policyClock(policy: SlaPolicy): Clock;
  calendar: Clock;
}

const SOLVED = new Set(['solved', 'closed']);
/** Statuses that reopen a solved ticket (KPI-DEFINITIONS.md: solved/closed → open, pending or on_hold). */
const REOPENED = new Set(['open', 'pending', 'on_hold']);
/** How events at the same instant are ordered: the ticket opens, people write, then status moves. */
export const EVENT_TYPE_ORDER = [
  'created',
  'customer_message',
  'bot_reply',
  'agent_reply',
  'internal_note',
  'assignment',
  'priority_change',
  'escalation',
  'time_entry',
  'status_change',
] as const;
const TYPE_ORDER: Record<string, number> = Object.fromEntries(EVENT_TYPE_ORDER.map((t, i) => [t, i]));

function byTime(a: FactEvent, b: FactEvent): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    (TYPE_ORDER[a.type] ?? 10) - (TYPE_ORDER[b.type] ?? 10) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

const isHumanPublicReply = (e: FactEvent) =>
  e.type === 'agent_reply' && e.actor_type === 'agent' && e.public !== false;
const excluded = (t: FactTicket, finalStatus: string) => finalStatus === 'deleted' || t.tags.includes('spam');

interface Run {
  start: Date;
  end: Date | null;
}

/** Values over time: what was in force at an instant. */
class Timeline<T> {
  private readonly points: Array<{ at: number; value: T }> = [];
  set(at: Date, value: T): void {
    this.points.push({ at: at.getTime(), value });
  }
  at(instant: Date): T | undefined {
    let found: T | undefined;
    for (const p of this.points) {
      if (p.at > instant.getTime()) break;
      found = p.value;
    }
    return found;
  }
  first(): T | undefined {
    return this.points[0]?.value;
  }
  last(): T | undefined {
    return this.points[this.points.length - 1]?.value;
  }
  /** The value in force at `instant`, else the first one set afterwards (routing happens after creation). */
  atOrNext(instant: Date): T | undefined {
    return this.at(instant) ?? this.first();
  }
  changes(): ReadonlyArray<{ at: number; value: T }> {
    return this.points;
  }
}

function secondsOrNull(clock: Clock, from: Date | null, to: Date | null): number | null {
  return from && to ? clock.seconds(from, to) : null;
}

/**
 * Measures one SLA target on a status timeline: the clock runs from `start` while the status is not
 * paused, until `end` (reply or solve) or for ever. Returns when the target fell due and the outcome.
 */
export function measureTarget(
  statuses: ReadonlyArray<{ at: number; value: string }>,
  paused: ReadonlySet<string>,
  start: Date,
  end: Date | null,
  targetSeconds: number,
  clock: Clock,
): Pick<SlaInstanceFact, 'due_at' | 'completed_at' | 'achieved_at' | 'breached_at'> {
  const startMs = start.getTime();
  const endMs = end ? end.getTime() : Number.POSITIVE_INFINITY;
  let used = 0;
  let due: Date | null = null;
  for (let i = 0; i < statuses.length && due === null; i++) {
    const point = statuses[i]!;
    const segStart = Math.max(point.at, startMs);
    const segEnd = Math.min(statuses[i + 1]?.at ?? Number.POSITIVE_INFINITY, endMs);
    if (segEnd <= segStart || paused.has(point.value)) continue;
    const from = new Date(segStart);
    const running =
      segEnd === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : clock.seconds(from, new Date(segEnd));
    if (used + running >= targetSeconds) due = clock.addSeconds(from, targetSeconds - used);
    else used += running;
  }
  const completed = end;
  if (completed && (due === null || completed.getTime() <= due.getTime())) {
    return { due_at: due, completed_at: completed, achieved_at: completed, breached_at: null };
  }
  return { due_at: due, completed_at: completed, achieved_at: null, breached_at: due };
}

function deriveFromEvents(
  ticket: FactTicket,
  events: readonly FactEvent[],
  ctx: DeriveContext,
): DerivedTicket | null {
  const sorted = [...events].sort(byTime);
  const createdEvent = sorted.find((e) => e.type === 'created');
  const createdAt = ticket.created_at;
  // Without a created event, a ticket that an agent's message opens is outbound, like an agent-created one.
  const opener = createdEvent ?? sorted[0];
  const agentCreated = opener?.actor_type === 'agent' || (!createdEvent && opener?.type === 'agent_reply');
  const team = new Timeline<string>();
  const assignee = new Timeline<string>();
  const priority = new Timeline<string>();
  const statuses = new Timeline<string>();
  statuses.set(createdAt, 'new');
  let channel: string | null = null;
  let desk: string | null = null;

  let status: string = 'new';
  let firstSolvedAt: Date | null = null;
  let lastSolvedAt: Date | null = null;
  let reopens = 0;
  let humanReplies = 0;
  let botReplies = 0;
  let customerMessages = 0;
  let followups = 0;
  let handle: number | null = null;
  let escalatedAt: Date | null = null;
  let escalationResponseAt: Date | null = null;
  let openingAt: Date | null = agentCreated ? null : createdAt;
  let firstHumanReplyAt: Date | null = null;
  const runs: Run[] = [];
  let openRun: Run | null = agentCreated ? null : { start: createdAt, end: null };
  const replies: Array<{ from: Date | null; at: Date; agent: string | null }> = [];

  for (const e of sorted) {
    if (e.team !== null) team.set(e.at, e.team);
    if (e.assignee !== null) assignee.set(e.at, e.assignee);
    if (e.priority !== null) priority.set(e.at, e.priority);
    if (e.channel !== null) channel ??= e.channel;
    if (e.desk !== null) desk = e.desk;

    if (e.type === 'customer_message') {
      customerMessages++;
      if (openingAt === null) openingAt = e.at;
      // A source may log the opening message itself beside the created event: that is no follow-up.
      else if (agentCreated || e.at.getTime() !== createdAt.getTime()) followups++;
      openRun ??= { start: e.at, end: null };
    } else if (isHumanPublicReply(e)) {
      humanReplies++;
      if (openingAt !== null && firstHumanReplyAt === null && e.at >= openingAt) firstHumanReplyAt = e.at;
      if (escalatedAt !== null && escalationResponseAt === null) escalationResponseAt = e.at;
      replies.push({ from: openRun?.start ?? null, at: e.at, agent: e.actor });
      if (openRun) {
        openRun.end = e.at;
        runs.push(openRun);
        openRun = null;
      }
    } else if (e.type === 'bot_reply') {
      botReplies++;
    } else if (e.type === 'time_entry' && e.seconds !== null) {
      handle = (handle ?? 0) + e.seconds;
    } else if (e.type === 'escalation') {
      escalatedAt ??= e.at;
    }

    if (e.status !== null && e.status !== status) {
      const next = e.status;
      if (SOLVED.has(next) && !SOLVED.has(status)) {
        firstSolvedAt ??= e.at;
        lastSolvedAt = e.at;
        // A solve stops the reply clock of the open run (it never gets a reply fact).
        if (openRun) {
          openRun.end = e.at;
          runs.push(openRun);
          openRun = null;
        }
      } else if (SOLVED.has(status) && REOPENED.has(next)) {
        reopens++;
      }
      status = next;
      statuses.set(e.at, next);
    }
  }
  if (openRun) runs.push(openRun);
  if (excluded(ticket, status)) return null;

  const solved = SOLVED.has(status);
  const solvedAt = solved ? lastSolvedAt : null;
  const { clock, calendar } = ctx;
  const createdTeam = team.atOrNext(createdAt) ?? null;
  const deskId = desk ?? ticket.desk_id;
  const channelValue = channel ?? ticket.channel;
  const priorityAtCreation = priority.atOrNext(createdAt) ?? null;

  const facts: TicketFacts = {
    ticket_id: ticket.id,
    created_at: createdAt,
    status,
    channel: channelValue,
    // Priority as the ticket was opened with (the one its SLA policy applied to).
    priority: priorityAtCreation,
    desk_id: deskId,
    customer_id: ticket.customer_id,
    created_team_id: createdTeam,
    created_assignee_id: assignee.atOrNext(createdAt) ?? null,
    solved_team_id: solvedAt ? (team.at(solvedAt) ?? null) : null,
    solved_assignee_id: solvedAt ? (assignee.at(solvedAt) ?? null) : null,
    first_response_at: firstHumanReplyAt,
    first_response_seconds: secondsOrNull(calendar, openingAt, firstHumanReplyAt),
    first_response_business_seconds: secondsOrNull(clock, openingAt, firstHumanReplyAt),
    first_solved_at: firstSolvedAt,
    solved_at: solvedAt,
    first_resolution_seconds: secondsOrNull(calendar, createdAt, firstSolvedAt),
    first_resolution_business_seconds: secondsOrNull(clock, createdAt, firstSolvedAt),
    full_resolution_seconds: secondsOrNull(calendar, createdAt, solvedAt),
    full_resolution_business_seconds: secondsOrNull(clock, createdAt, solvedAt),
    reopen_count: reopens,
    agent_replies: humanReplies,
    customer_messages: customerMessages,
    handle_time_seconds: handle,
    escalated_at: escalatedAt,
    escalated_team_id: escalatedAt ? (team.at(escalatedAt) ?? createdTeam) : null,
    escalated_assignee_id: escalatedAt ? (assignee.at(escalatedAt) ?? null) : null,
    escalation_response_at: escalationResponseAt,
    escalation_response_seconds: secondsOrNull(calendar, escalatedAt, escalationResponseAt),
    escalation_response_business_seconds: secondsOrNull(clock, escalatedAt, escalationResponseAt),
    automated: solved && humanReplies === 0 && (botReplies > 0 || ticket.automated === true),
    complaint: isComplaint(ticket),
    kb_linked: sorted.some((e) => e.article !== null) || ticket.kb_article !== null,
    fcr_single_reply_no_reopen: solved ? humanReplies === 1 && reopens === 0 : null,
    fcr_one_touch: solved ? humanReplies <= 1 : null,
    // A ticket closed with no reply and no automation is no contact resolution at all.
    fcr_no_customer_followup: solved
      ? followups === 0 && (humanReplies > 0 || botReplies > 0 || ticket.automated === true)
      : null,
  };

  const replyFacts: ReplyFact[] = replies.map((r, i) => ({
    ticket_id: ticket.id,
    seq: i + 1,
    replied_at: r.at,
    agent_id: r.agent,
    team_id: team.at(r.at) ?? null,
    desk_id: deskId,
    channel: channelValue,
    priority: priority.at(r.at) ?? priorityAtCreation,
    reply_seconds: secondsOrNull(calendar, r.from, r.at),
    reply_business_seconds: secondsOrNull(clock, r.from, r.at),
    is_first: r.from !== null && r.at.getTime() === firstHumanReplyAt?.getTime(),
  }));

  const sla: SlaInstanceFact[] = [];
  const policy = matchPolicy(ctx.policies, {
    priority: priorityAtCreation,
    channel: channelValue,
    team: createdTeam,
    desk: deskId,
    type: ticket.ticket_type,
    tags: ticket.tags,
    customer: ticket.customer_id,
  });
  if (policy && priorityAtCreation) {
    const timeline = statuses.changes();
    const paused = new Set<string>(policy.pausingStatuses);
    const resolutionPaused = new Set<string>([...paused, ...SOLVED]);
    for (const target of policy.targets.filter((t) => t.priority === priorityAtCreation)) {
      const targetClock = target.businessHours ? ctx.policyClock(policy) : calendar;
      const spans: Array<{ start: Date; end: Date | null; pause: ReadonlySet<string> }> = [];
      if (target.metric === 'first_reply' && openingAt) {
        const firstRun = runs.find((r) => r.start.getTime() === openingAt!.getTime());
        // The opening run ends at the first reply or at a solve, whichever came first.
        spans.push({ start: openingAt, end: firstRun?.end ?? null, pause: paused });
      } else if (target.metric === 'next_reply') {
        for (const r of runs) {
          if (firstHumanReplyAt && r.start > firstHumanReplyAt)
            spans.push({ start: r.start, end: r.end, pause: paused });
        }
      } else if (target.metric === 'resolution') {
        spans.push({ start: createdAt, end: solvedAt, pause: resolutionPaused });
      }
      for (const span of spans) {
        const outcome = measureTarget(
          timeline,
          span.pause,
          span.start,
          span.end,
          target.targetSeconds,
          targetClock,
        );
        const placedAt = outcome.achieved_at ?? outcome.breached_at ?? span.start;
        sla.push({
          ticket_id: ticket.id,
          seq: sla.length + 1,
          policy_id: policy.id,
          metric: target.metric,
          priority: priorityAtCreation,
          team_id: team.at(placedAt) ?? createdTeam,
          assignee_id: assignee.at(placedAt) ?? null,
          desk_id: deskId,
          channel: channelValue,
          target_seconds: target.targetSeconds,
          business_hours: target.businessHours,
          started_at: span.start,
          ...outcome,
        });
      }
    }
  }
  return { facts, replies: replyFacts, sla };
}

function isComplaint(t: FactTicket): boolean {
  return t.ticket_type === 'complaint' || t.tags.includes('complaint');
}

/** Facts of a ticket known only by its flat columns (one row per ticket, as many exports are). */
function deriveFromColumns(t: FactTicket, ctx: DeriveContext): DerivedTicket | null {
  if (excluded(t, t.status)) return null;
  const { clock, calendar } = ctx;
  const solved = SOLVED.has(t.status);
  const solvedAt = solved ? t.solved_at : null;
  const replies = t.agent_replies;
  const reopens = t.reopen_count;
  const neverReopened = reopens === null || reopens === 0;
  const facts: TicketFacts = {
    ticket_id: t.id,
    created_at: t.created_at,
    status: t.status,
    channel: t.channel,
    priority: t.priority,
    desk_id: t.desk_id,
    customer_id: t.customer_id,
    created_team_id: t.team_id,
    created_assignee_id: t.assignee_id,
    solved_team_id: solvedAt ? t.team_id : null,
    solved_assignee_id: solvedAt ? t.assignee_id : null,
    first_response_at: t.first_response_at,
    first_response_seconds: secondsOrNull(calendar, t.created_at, t.first_response_at),
    first_response_business_seconds: secondsOrNull(clock, t.created_at, t.first_response_at),
    // A flat row knows only the last solve; unless it says the ticket was reopened, that is also the first.
    first_solved_at: neverReopened ? solvedAt : null,
    solved_at: solvedAt,
    first_resolution_seconds: neverReopened ? secondsOrNull(calendar, t.created_at, solvedAt) : null,
    first_resolution_business_seconds: neverReopened ? secondsOrNull(clock, t.created_at, solvedAt) : null,
    full_resolution_seconds: secondsOrNull(calendar, t.created_at, solvedAt),
    full_resolution_business_seconds: secondsOrNull(clock, t.created_at, solvedAt),
    reopen_count: reopens,
    agent_replies: replies,
    customer_messages: null,
    handle_time_seconds: t.handle_time_seconds,
    escalated_at: t.escalated_at,
    escalated_team_id: t.escalated_at ? t.team_id : null,
    escalated_assignee_id: t.escalated_at ? t.assignee_id : null,
    escalation_response_at: null,
    escalation_response_seconds: null,
    escalation_response_business_seconds: null,
    automated: solved && t.automated === true && (replies === null || replies === 0),
    complaint: isComplaint(t),
    kb_linked: t.kb_article !== null,
    fcr_single_reply_no_reopen:
      solved && replies !== null && reopens !== null ? replies === 1 && reopens === 0 : null,
    fcr_one_touch: solved && replies !== null ? replies <= 1 : null,
    fcr_no_customer_followup: null,
  };
  // The only reply time a flat row states is its first response.
  const replyFacts: ReplyFact[] = t.first_response_at
    ? [
        {
          ticket_id: t.id,
          seq: 1,
          replied_at: t.first_response_at,
          agent_id: t.assignee_id,
          team_id: t.team_id,
          desk_id: t.desk_id,
          channel: t.channel,
          priority: t.priority,
          reply_seconds: facts.first_response_seconds!,
          reply_business_seconds: facts.first_response_business_seconds!,
          is_first: true,
        },
      ]
    : [];
  const sla: SlaInstanceFact[] = [];
  if (t.sla_breached !== null) {
    // The source states the outcome: one instance, placed by the last solve, or by creation while unsolved.
    const placedAt = solvedAt ?? t.created_at;
    sla.push({
      ticket_id: t.id,
      seq: 1,
      policy_id: null,
      metric: 'ticket',
      priority: t.priority,
      team_id: t.team_id,
      assignee_id: t.assignee_id,
      desk_id: t.desk_id,
      channel: t.channel,
      target_seconds: null,
      business_hours: false,
      started_at: t.created_at,
      due_at: null,
      completed_at: solvedAt,
      achieved_at: t.sla_breached ? null : placedAt,
      breached_at: t.sla_breached ? placedAt : null,
    });
  } else {
    const policy = matchPolicy(ctx.policies, policyAttributes(t));
    for (const target of policy?.targets.filter((x) => x.priority === t.priority) ?? []) {
      if (target.metric === 'next_reply') continue;
      const end = target.metric === 'first_reply' ? (t.first_response_at ?? solvedAt) : solvedAt;
      const targetClock = target.businessHours ? ctx.policyClock(policy!) : calendar;
      const outcome = measureTarget(
        [{ at: t.created_at.getTime(), value: t.status }],
        new Set(),
        t.created_at,
        end,
        target.targetSeconds,
        targetClock,
      );
      sla.push({
        ticket_id: t.id,
        seq: sla.length + 1,
        policy_id: policy!.id,
        metric: target.metric,
        priority: t.priority,
        team_id: t.team_id,
        assignee_id: t.assignee_id,
        desk_id: t.desk_id,
        channel: t.channel,
        target_seconds: target.targetSeconds,
        business_hours: target.businessHours,
        started_at: t.created_at,
        ...outcome,
      });
    }
  }
  return { facts, replies: replyFacts, sla };
}

function policyAttributes(t: FactTicket): PolicyAttributes {
  return {
    priority: t.priority,
    channel: t.channel,
    team: t.team_id,
    desk: t.desk_id,
    type: t.ticket_type,
    tags: t.tags,
    customer: t.customer_id,
  };
}

/**
 * Derives a ticket's facts, reply facts and SLA instances. Pure and deterministic: the same ticket,
 * events and context always give the same result. Deleted and spam tickets give null (no facts).
 */
export function deriveTicket(
  ticket: FactTicket,
  events: readonly FactEvent[],
  ctx: DeriveContext,
): DerivedTicket | null {
  if (ticket.source_shape === 'events' && events.length > 0) return deriveFromEvents(ticket, events, ctx);
  return deriveFromColumns(ticket, ctx);
}

export type { Status };
