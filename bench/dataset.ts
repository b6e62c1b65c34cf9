/**
 * The benchmark's deterministic organisation: N tickets simulated once each, written as
 *
 *   tickets.csv      flat tickets (one row per ticket, the canonical flat shape);
 *   events.csv       the same tickets as an event log (grouped by ticket, in creation order);
 *   surveys.csv      CSAT, NPS, CES and repurchase sends and answers about those tickets, and eNPS;
 *   new-events.csv   a later delivery: a reopen (message, reply, solve) on 1 % of the tickets.
 *
 * Tickets arrive from 2025-01-01 to the end of DATA_TODAY (Europe/Madrid), busier in office hours and
 * on weekdays; events after the export's end are cut, so the newest tickets are still open. The same
 * seed and N give byte-identical files on every machine (sha256 in the result). Memory stays flat:
 * each ticket is simulated, written and forgotten.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DATA_ZONE = 'Europe/Madrid';
/** The last local day with data ("today" for the home query). */
export const DATA_TODAY = '2026-01-15';
/** First local day of the home range: this month and the previous 12. */
export const HOME_FROM = '2025-01-01';
const START = Date.UTC(2024, 11, 31, 23, 0, 0); // 2025-01-01 00:00 in Madrid
const EXPORT_END = Date.UTC(2026, 0, 15, 23, 0, 0); // 2026-01-16 00:00 in Madrid
const SPAN = EXPORT_END - START;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** sfc32 seeded through splitmix32: fast and identical everywhere. */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

class Random {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

export const TEAMS = [
  'Billing',
  'Technical',
  'Onboarding',
  'Returns',
  'Accounts',
  'Shipping',
  'Enterprise',
  'Tier2',
];
const TEAM_WEIGHTS: ReadonlyArray<readonly [number, number]> = [18, 26, 9, 12, 10, 14, 6, 5].map(
  (w, i) => [i, w] as const,
);
const DESK_OF_TEAM = [
  'Consumer',
  'Consumer',
  'Business',
  'Consumer',
  'Business',
  'Consumer',
  'Business',
  'Business',
];
const TIER2 = TEAMS.indexOf('Tier2');
const AGENTS_BY_TEAM: string[][] = TEAMS.map(() => []);
for (let i = 0; i < 60; i++)
  AGENTS_BY_TEAM[i % TEAMS.length]!.push(`agent-${String(i + 1).padStart(2, '0')}`);
const CHANNELS: ReadonlyArray<readonly [string, number]> = [
  ['email', 45],
  ['chat', 25],
  ['web', 15],
  ['phone', 10],
  ['social', 5],
];
const PRIORITIES: ReadonlyArray<readonly [string, number]> = [
  ['low', 20],
  ['normal', 55],
  ['high', 20],
  ['urgent', 5],
];
const FIRST_REPLY_MEAN: Record<string, number> = {
  low: 10 * HOUR,
  normal: 5 * HOUR,
  high: 2 * HOUR,
  urgent: 30 * MINUTE,
};
const ARTICLES = Array.from({ length: 200 }, (_, i) => `kb-${String(i + 1).padStart(3, '0')}`);

/** Relative arrival rate by hour of the week (UTC, close enough to Madrid for a benchmark). */
const HOUR_WEIGHTS: ReadonlyArray<readonly [number, number]> = Array.from({ length: 24 }, (_, h) => [
  h,
  h >= 7 && h < 19 ? 1 : h >= 19 && h < 23 ? 0.4 : 0.12,
]);

const iso = (at: number) => `${new Date(at).toISOString().slice(0, 19)}Z`;

interface Event {
  type: string;
  at: number;
  actorType?: string;
  actor?: string;
  status?: string;
  team?: string;
  assignee?: string;
  priority?: string;
  channel?: string;
  desk?: string;
  customer?: string;
  seconds?: number;
  ticketType?: string;
  article?: string;
}

export const EVENT_HEADER =
  'ticket_id,type,at,actor_type,actor,status,team,assignee,priority,channel,desk,customer,seconds,ticket_type,article';
export const FLAT_HEADER =
  'id,created_at,status,priority,channel,desk,team,assignee,customer,first_response_at,solved_at,reopen_count,agent_replies,handle_time_seconds,escalated_at,automated,type,kb_article';
export const SURVEY_HEADER =
  'id,kind,sent_at,responded_at,score,ticket_id,customer,agent,team,channel,followup_closed_at';

function eventLine(ticketId: string, e: Event): string {
  return [
    ticketId,
    e.type,
    iso(e.at),
    e.actorType ?? '',
    e.actor ?? '',
    e.status ?? '',
    e.team ?? '',
    e.assignee ?? '',
    e.priority ?? '',
    e.channel ?? '',
    e.desk ?? '',
    e.customer ?? '',
    e.seconds === undefined ? '' : String(e.seconds),
    e.ticketType ?? '',
    e.article ?? '',
  ].join(',');
}

/** A buffered, hashed CSV writer with back-pressure. */
class CsvOut {
  private readonly stream: WriteStream;
  private readonly hash = createHash('sha256');
  private chunk = '';
  rows = 0;
  bytes = 0;
  constructor(
    readonly path: string,
    header: string,
  ) {
    this.stream = createWriteStream(path);
    this.chunk = `${header}\n`;
  }
  async line(text: string): Promise<void> {
    this.chunk += `${text}\n`;
    this.rows++;
    if (this.chunk.length >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const buf = Buffer.from(this.chunk);
    this.chunk = '';
    this.hash.update(buf);
    this.bytes += buf.length;
    if (!this.stream.write(buf)) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }
  async close(): Promise<{ path: string; rows: number; bytes: number; sha256: string }> {
    await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return { path: this.path, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

export interface DatasetFiles {
  tickets: number;
  seed: number;
  flat: { path: string; rows: number; bytes: number; sha256: string };
  events: { path: string; rows: number; bytes: number; sha256: string };
  surveys: { path: string; rows: number; bytes: number; sha256: string };
  newEvents: { path: string; rows: number; bytes: number; sha256: string; tickets: number };
  seconds: number;
}

/** Simulates one ticket: its events (cut at the export's end) and the flat row they imply. */
function simulate(rng: Random, no: number, createdAt: number, customers: number) {
  const id = `T${no}`;
  const events: Event[] = [];
  const channel = rng.weighted(CHANNELS);
  let priority = rng.weighted(PRIORITIES);
  const customer = `cust-${String(1 + Math.floor(customers * rng.next() ** 2)).padStart(7, '0')}`;
  let team = rng.weighted(TEAM_WEIGHTS);
  let agent = rng.pick(AGENTS_BY_TEAM[team]!);
  const complaint = rng.chance(0.05);
  let t = createdAt;
  events.push({
    type: 'created',
    at: t,
    actorType: 'customer',
    actor: customer,
    status: 'new',
    priority,
    channel,
    desk: DESK_OF_TEAM[team]!,
    customer,
    ...(complaint ? { ticketType: 'complaint' } : {}),
  });
  const reply = (at: number) => {
    const e: Event = { type: 'agent_reply', at, actorType: 'agent', actor: agent };
    if (rng.chance(0.2)) e.article = rng.pick(ARTICLES);
    events.push(e);
    if (rng.chance(0.7))
      events.push({
        type: 'time_entry',
        at: at + rng.int(0, 120) * SECOND,
        actorType: 'agent',
        actor: agent,
        seconds: Math.max(30, Math.round(rng.logNormal(420, 0.8))),
      });
  };
  const message = (at: number) =>
    events.push({ type: 'customer_message', at, actorType: 'customer', actor: customer });

  let botSolved = false;
  if ((channel === 'chat' || channel === 'web') && rng.chance(0.4)) {
    t += 5 * SECOND + rng.exp(40 * SECOND);
    events.push({ type: 'bot_reply', at: t, actorType: 'bot', actor: 'helpbot' });
    if (rng.chance(0.25)) {
      t += rng.exp(10 * MINUTE);
      events.push({ type: 'status_change', at: t, actorType: 'bot', actor: 'helpbot', status: 'solved' });
      botSolved = true;
    }
  }
  if (!botSolved) {
    t += 30 * SECOND + rng.exp(20 * MINUTE);
    events.push({
      type: 'assignment',
      at: t,
      actorType: 'system',
      team: TEAMS[team]!,
      assignee: agent,
      desk: DESK_OF_TEAM[team]!,
    });
    if (rng.chance(0.08)) {
      t += rng.exp(HOUR);
      team = (team + rng.int(1, TEAMS.length - 1)) % TEAMS.length;
      agent = rng.pick(AGENTS_BY_TEAM[team]!);
      events.push({ type: 'assignment', at: t, actorType: 'system', team: TEAMS[team]!, assignee: agent });
    }
    if (rng.chance(0.04)) {
      t += rng.exp(30 * MINUTE);
      priority = rng.pick(PRIORITIES.map(([p]) => p).filter((p) => p !== priority));
      events.push({ type: 'priority_change', at: t, actorType: 'agent', actor: agent, priority });
    }
    if (rng.chance(0.4)) {
      t += rng.exp(15 * MINUTE);
      events.push({ type: 'internal_note', at: t, actorType: 'agent', actor: agent });
    }
    const rounds = 1 + Math.min(6, Math.floor(rng.exp(1.5)));
    for (let round = 0; round < rounds; round++) {
      t += round === 0 ? rng.exp(FIRST_REPLY_MEAN[priority]!) : rng.exp(3 * HOUR);
      reply(t);
      if (round === rounds - 1) break;
      const waiting = rng.chance(0.6);
      if (waiting) {
        t += rng.int(5, 90) * SECOND;
        events.push({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'pending' });
      }
      t += rng.exp(8 * HOUR);
      message(t);
      if (waiting) {
        t += rng.int(1, 10) * SECOND;
        events.push({ type: 'status_change', at: t, actorType: 'system', status: 'open' });
      }
      if (round === 0 && rng.chance(0.04)) {
        t += rng.exp(HOUR);
        team = TIER2;
        agent = rng.pick(AGENTS_BY_TEAM[team]!);
        events.push({
          type: 'escalation',
          at: t,
          actorType: 'agent',
          actor: agent,
          team: TEAMS[team]!,
          assignee: agent,
        });
      }
    }
    t += rng.int(10, 600) * SECOND;
    events.push({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'solved' });
    if (rng.chance(0.07)) {
      t += rng.exp(2 * DAY);
      message(t);
      t += rng.int(1, 10) * SECOND;
      events.push({ type: 'status_change', at: t, actorType: 'system', status: 'open' });
      t += rng.exp(4 * HOUR);
      reply(t);
      t += rng.int(10, 600) * SECOND;
      events.push({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'solved' });
    }
  }
  // The export ends: later events are not in it.
  let kept = events.length;
  while (kept > 1 && events[kept - 1]!.at >= EXPORT_END) kept--;
  if (kept < events.length) events.length = kept;
  events.sort((a, b) => a.at - b.at);

  // The flat row these events imply (what a helpdesk's ticket export would say).
  let status = 'new';
  let firstResponse: number | null = null;
  let solvedAt: number | null = null;
  let solves = 0;
  let replies = 0;
  let handle = 0;
  let escalatedAt: number | null = null;
  let article: string | null = null;
  let flatTeam: string | null = null;
  let flatAgent: string | null = null;
  for (const e of events) {
    if (e.status) status = e.status;
    if (e.team) flatTeam = e.team;
    if (e.assignee) flatAgent = e.assignee;
    if (e.type === 'agent_reply') {
      replies++;
      firstResponse ??= e.at;
      if (status === 'new') status = 'open';
    }
    if (e.type === 'time_entry') handle += e.seconds ?? 0;
    if (e.type === 'escalation') escalatedAt ??= e.at;
    if (e.article) article = e.article;
    if (e.type === 'status_change' && e.status === 'solved') {
      solves++;
      solvedAt = e.at;
    }
  }
  if (status !== 'solved') solvedAt = null;
  const flat = [
    id,
    iso(createdAt),
    status,
    priority,
    channel,
    DESK_OF_TEAM[team]!,
    flatTeam ?? '',
    flatAgent ?? '',
    customer,
    firstResponse === null ? '' : iso(firstResponse),
    solvedAt === null ? '' : iso(solvedAt),
    String(Math.max(0, solves - 1)),
    String(replies),
    replies > 0 ? String(handle) : '',
    escalatedAt === null ? '' : iso(escalatedAt),
    botSolved ? 'true' : 'false',
    complaint ? 'complaint' : '',
    article ?? '',
  ].join(',');
  return {
    id,
    events,
    flat,
    customer,
    channel,
    team: flatTeam,
    agent: flatAgent,
    solvedAt,
    human: replies > 0,
    last: events[events.length - 1]!.at,
  };
}

/** Writes the four files for `tickets` tickets into `dir`. */
/** `eventLog: false` writes only the flat tickets and surveys (the same ones; the random draws are unchanged). */
export async function generateDataset(
  dir: string,
  tickets: number,
  seed = 42,
  options: { eventLog?: boolean } = {},
): Promise<DatasetFiles> {
  const eventLog = options.eventLog ?? true;
  const started = performance.now();
  const rng = new Random(makeRng(seed));
  const flat = new CsvOut(join(dir, 'tickets.csv'), FLAT_HEADER);
  const events = new CsvOut(join(dir, 'events.csv'), EVENT_HEADER);
  const surveys = new CsvOut(join(dir, 'surveys.csv'), SURVEY_HEADER);
  const later = new CsvOut(join(dir, 'new-events.csv'), EVENT_HEADER);
  const laterLine = (text: string) => (eventLog ? later.line(text) : undefined);
  const customers = Math.max(500, Math.round(tickets / 2.5));
  let laterTickets = 0;
  let surveyNo = 0;
  const days = Math.floor(SPAN / DAY);
  for (let i = 0; i < tickets; i++) {
    // Tickets spread evenly over the days, weekends quieter, then an hour by office weights.
    let day = Math.floor(((i + rng.next()) / tickets) * days);
    const weekday = new Date(START + day * DAY + HOUR).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rng.chance(0.5)) day = Math.max(0, day - rng.int(1, 2));
    const createdAt = Math.min(
      EXPORT_END - MINUTE,
      START + day * DAY + rng.weighted(HOUR_WEIGHTS) * HOUR + rng.int(0, 3599) * SECOND,
    );
    const tk = simulate(rng, 100000 + i, createdAt, customers);
    await flat.line(tk.flat);
    if (eventLog) for (const e of tk.events) await events.line(eventLine(tk.id, e));

    // Surveys about solved tickets.
    if (tk.solvedAt !== null) {
      const kinds: Array<[string, number, number]> = [
        ['csat', tk.human ? 0.35 : 0.15, 0.45],
        ['nps', 0.08, 0.3],
        ['ces', 0.08, 0.35],
        ['repurchase', 0.04, 0.4],
      ];
      for (const [kind, sendP, answerP] of kinds) {
        if (!rng.chance(sendP)) continue;
        const sent = tk.solvedAt + HOUR + rng.int(0, 3600) * SECOND;
        if (sent >= EXPORT_END) continue;
        let responded = '';
        let score = '';
        let followup = '';
        if (rng.chance(answerP)) {
          const at = sent + Math.round(rng.exp(6 * HOUR) / SECOND) * SECOND;
          if (at < EXPORT_END) {
            responded = iso(at);
            const s =
              kind === 'csat'
                ? rng.weighted([
                    [1, 6],
                    [2, 6],
                    [3, 12],
                    [4, 30],
                    [5, 46],
                  ])
                : kind === 'nps'
                  ? rng.weighted(
                      Array.from({ length: 11 }, (_, k) => [k, k < 6 ? 2 : k < 9 ? 8 : 14] as const),
                    )
                  : kind === 'ces'
                    ? rng.int(1, 7)
                    : rng.chance(0.7)
                      ? 1
                      : 0;
            score = String(s);
            const negative = (kind === 'csat' && s <= 2) || (kind === 'nps' && s <= 6);
            if (negative && rng.chance(0.6)) {
              const closed = at + Math.round(rng.exp(DAY) / SECOND) * SECOND;
              if (closed < EXPORT_END) followup = iso(closed);
            }
          }
        }
        await surveys.line(
          [
            `s${++surveyNo}`,
            kind,
            iso(sent),
            responded,
            score,
            tk.id,
            tk.customer,
            '',
            '',
            tk.channel,
            followup,
          ].join(','),
        );
      }
    }

    // The later delivery: 1 % of tickets come back (message, reply, solve).
    if (i % 100 === 37) {
      laterTickets++;
      let at = Math.max(tk.last, createdAt) + MINUTE + Math.round(rng.exp(DAY) / SECOND) * SECOND;
      const agent = tk.agent ?? rng.pick(AGENTS_BY_TEAM[0]!);
      await laterLine(
        eventLine(tk.id, { type: 'customer_message', at, actorType: 'customer', actor: tk.customer }),
      );
      at += rng.int(1, 10) * SECOND;
      await laterLine(eventLine(tk.id, { type: 'status_change', at, actorType: 'system', status: 'open' }));
      at += Math.round(rng.exp(3 * HOUR) / SECOND) * SECOND;
      await laterLine(eventLine(tk.id, { type: 'agent_reply', at, actorType: 'agent', actor: agent }));
      at += rng.int(10, 600) * SECOND;
      await laterLine(
        eventLine(tk.id, { type: 'status_change', at, actorType: 'agent', actor: agent, status: 'solved' }),
      );
    }
  }
  // eNPS: every agent answers once a quarter (credited to agent and team, no ticket).
  for (let q = 0; q < 5; q++) {
    const sent = START + q * 91 * DAY + 10 * DAY + 9 * HOUR;
    if (sent >= EXPORT_END) break;
    for (let team = 0; team < TEAMS.length; team++) {
      for (const agent of AGENTS_BY_TEAM[team]!) {
        const answered = rng.chance(0.7);
        await surveys.line(
          [
            `e${q}-${agent}`,
            'enps',
            iso(sent),
            answered ? iso(sent + rng.int(1, 72) * HOUR) : '',
            answered ? String(rng.int(0, 10)) : '',
            '',
            '',
            agent,
            TEAMS[team]!,
            '',
            '',
          ].join(','),
        );
      }
    }
  }
  return {
    tickets,
    seed,
    flat: await flat.close(),
    events: await events.close(),
    surveys: await surveys.close(),
    newEvents: { ...(await later.close()), tickets: laterTickets },
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Splits events.csv into `parts` files of whole tickets (events-1.csv …), as a helpdesk delivering its
 * history in batches would: the file is grouped by ticket, so a part ends where a ticket ends.
 */
export async function splitEventLog(dir: string, tickets: number, parts: number): Promise<string[]> {
  const perPart = Math.ceil(tickets / parts);
  const files: string[] = [];
  let out: CsvOut | undefined;
  let current = '';
  let seen = 0;
  const lines = createInterface({ input: createReadStream(join(dir, 'events.csv')), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const ticket = line.slice(0, line.indexOf(','));
    if (ticket !== current) {
      current = ticket;
      if (seen % perPart === 0) {
        await out?.close();
        const path = join(dir, `events-${files.length + 1}.csv`);
        files.push(path);
        out = new CsvOut(path, EVENT_HEADER);
      }
      seen++;
    }
    await out!.line(line);
  }
  await out?.close();
  return files;
}
