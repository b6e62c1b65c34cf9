/**
 * Import benchmark: a deterministic event-log CSV, imported into DuckDB and PostgreSQL.
 *
 *   npx tsx bench/import-event-log.ts [--rows 500000] [--engines duckdb,postgres] [--seed 42]
 *                                     [--batch-size 5000] [--pg-url URL] [--skip-reimport] [--keep]
 *                                     [--cpu-prof] [--duckdb-memory-limit 256MB] [--tag NAME]
 *                                     [--generate-only] [--help]
 *
 * The file is generated (seeded PRNG, streamed to a temp dir), then each engine imports it in its own
 * child process, run under `/usr/bin/time -v` when available, so peak RSS is per engine; a second child
 * re-imports the same file, which must change nothing. Inside a child, every SQL statement is timed
 * through a Kysely plugin (compile + bind + execute + result conversion) and memory is sampled (RSS,
 * V8 heap, and DuckDB's own duckdb_memory() read on the pool's second connection), so the JSON result
 * shows where time and memory go. Import seconds cover the importFile call only (not open/migrate).
 * Results: a table on stdout and bench/results/import-event-log-<engine>-<rows>.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresQueryCompiler,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { type ImportProgress, type ImportSummary, importFile } from '../src/ingest/import-file.js';
import { type DatabaseTarget, openStore, type Store } from '../src/storage/database.js';
import { createOrganization, resolveOrganization } from '../src/storage/organizations.js';

const SCRIPT = fileURLToPath(import.meta.url);
const BENCH_DIR = dirname(SCRIPT);
const REPO_DIR = resolve(BENCH_DIR, '..');
const RESULTS_DIR = join(BENCH_DIR, 'results');
const DEFAULT_PG_URL =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/test';
const ORG_SLUG = 'bench';
const ORG_ZONE = 'Europe/Madrid';
const HEADER =
  'ticket_id,event_id,type,at,actor_type,actor,public,status,team,assignee,priority,channel,seconds';

type Engine = 'duckdb' | 'postgres';
type Phase = 'import' | 'reimport';

// ---------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------

function parseArgs(argv: string[]): Map<string, string | true> {
  const args = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg} (run with --help)`);
    const eq = arg.indexOf('=');
    if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) args.set(arg.slice(2), argv[++i]!);
    else args.set(arg.slice(2), true);
  }
  return args;
}

function intArg(args: Map<string, string | true>, name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number`);
  return n;
}

function strArg(args: Map<string, string | true>, name: string, fallback: string): string {
  const v = args.get(name);
  if (v === undefined) return fallback;
  if (v === true) throw new Error(`--${name} needs a value`);
  return v;
}

const USAGE = `usage: npx tsx bench/import-event-log.ts [options]
  --rows N            event rows to generate (default 500000)
  --engines LIST      duckdb,postgres (default: both)
  --seed N            PRNG seed (default 42)
  --batch-size N      importFile batchSize (default: importFile's own, 5000)
  --pg-url URL        PostgreSQL server (default ${DEFAULT_PG_URL})
  --skip-reimport     only the first import
  --generate-only     write the CSV, print its statistics, import nothing
  --keep              keep the generated CSV, the DuckDB file and the PostgreSQL schema (printed)
  --cpu-prof          write V8 CPU profiles of each child to bench/results/profiles/
  --duckdb-memory-limit SIZE  run SET memory_limit = SIZE (e.g. 512MB) before importing (an experiment)
  --tag NAME          suffix for the results file (default: "cpuprof" / "memlimit" when those are used)
`;

// ---------------------------------------------------------------------------------------------------
// Deterministic generator
// ---------------------------------------------------------------------------------------------------

/** sfc32 seeded through splitmix32: fast, good enough, and identical on every machine. */
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
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Log-normal around `median` with spread `sigma`. */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 0, 1);
const SPAN = 365 * DAY;

const TEAMS = [
  'Billing',
  'Technical',
  'Onboarding',
  'Returns',
  'Accounts',
  'Shipping',
  'Enterprise',
  'Tier2',
];
const TEAM_WEIGHTS = [18, 26, 9, 12, 10, 14, 6, 5];
const ESCALATION_TEAM = 'Tier2';
const AGENT_COUNT = 60;
/** 60 agents spread over the 8 teams (7 or 8 each), named agent-01 … agent-60. */
const AGENTS_BY_TEAM: string[][] = TEAMS.map(() => []);
for (let i = 0; i < AGENT_COUNT; i++) {
  AGENTS_BY_TEAM[i % TEAMS.length]!.push(`agent-${String(i + 1).padStart(2, '0')}`);
}
const CHANNELS = [
  ['email', 45],
  ['chat', 25],
  ['web', 15],
  ['phone', 10],
  ['social', 5],
] as const;
const PRIORITY_WEIGHTS = [
  ['low', 20],
  ['normal', 55],
  ['high', 20],
  ['urgent', 5],
] as const;
const FIRST_REPLY_MEAN: Record<string, number> = {
  low: 10 * HOUR,
  normal: 5 * HOUR,
  high: 2 * HOUR,
  urgent: 30 * MINUTE,
};
const BOTS = ['helpbot', 'answerbot'];
const EXPECTED_EVENTS_PER_TICKET = 9.5;

/** Relative ticket arrival rate by UTC hour and weekday (office hours busier, weekends quieter). */
function arrivalWeight(at: number): number {
  const d = new Date(at);
  const hour = d.getUTCHours();
  const day = d.getUTCDay();
  const base = hour >= 7 && hour < 19 ? 1 : hour >= 19 && hour < 23 ? 0.4 : 0.12;
  return day === 0 || day === 6 ? base * 0.45 : base;
}

const MEAN_ARRIVAL_WEIGHT = (() => {
  let sum = 0;
  for (let h = 0; h < 7 * 24; h++) sum += arrivalWeight(Date.UTC(2025, 0, 6) + h * HOUR);
  return sum / (7 * 24);
})();

interface PendingEvent {
  at: number;
  seq: number;
  line: string;
}

/** A binary min-heap of events by (time, sequence): the file is ordered by time across tickets. */
class EventHeap {
  private readonly items: PendingEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): PendingEvent | undefined {
    return this.items[0];
  }
  private less(a: PendingEvent, b: PendingEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(e: PendingEvent): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): PendingEvent | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function iso(at: number): string {
  // Whole seconds, UTC: 2025-03-02T09:00:00Z
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

function csvValue(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

interface EventFields {
  type: string;
  at: number;
  actorType?: string;
  actor?: string;
  public?: string;
  status?: string;
  team?: string;
  assignee?: string;
  priority?: string;
  channel?: string;
  seconds?: number;
}

export interface GeneratedFile {
  path: string;
  rows: number;
  tickets: number;
  bytes: number;
  sha256: string;
  seconds: number;
  typeCounts: Record<string, number>;
  withEventId: number;
  firstAt: string;
  lastAt: string;
  maxHeap: number;
}

/**
 * Writes `rows` events: tickets arrive over 12 months (busier in office hours) and each gets a
 * realistic history; events of all open tickets are merged by time, so tickets interleave in the file
 * as they would in an export. Only a small heap of pending events is held in memory.
 */
export async function generateEventLog(path: string, rows: number, seed: number): Promise<GeneratedFile> {
  const started = performance.now();
  const rng = new Random(makeRng(seed));
  const heap = new EventHeap();
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const typeCounts: Record<string, number> = {};
  let seq = 0;
  let generated = 0;
  let written = 0;
  let tickets = 0;
  let withEventId = 0;
  let maxHeap = 0;
  let bytes = 0;
  let firstAt = '';
  let lastAt = '';
  let chunk = `${HEADER}\n`;

  const flush = async () => {
    if (chunk.length === 0) return;
    const buf = Buffer.from(chunk);
    chunk = '';
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
  };

  const expectedTickets = Math.max(1, Math.ceil(rows / EXPECTED_EVENTS_PER_TICKET));
  const meanGap = (SPAN / expectedTickets) * MEAN_ARRIVAL_WEIGHT;
  const customerPool = Math.max(500, Math.round(expectedTickets / 2.5));
  let clock = START;

  const nextArrival = () => {
    // Thinning: candidate arrivals at the peak rate, kept with the hour's relative weight.
    for (;;) {
      clock += rng.exp(meanGap);
      if (rng.chance(arrivalWeight(clock))) return clock;
    }
  };

  const addTicket = (createdAt: number) => {
    tickets++;
    const events: EventFields[] = [];
    const channel = rng.weighted(CHANNELS);
    let priority: string = rng.weighted(PRIORITY_WEIGHTS);
    // A skewed customer pool: some customers write often.
    const customer = `cust-${String(1 + Math.floor(customerPool * rng.next() ** 2)).padStart(6, '0')}`;
    let teamIndex = rng.weighted(TEAMS.map((_, i) => [i, TEAM_WEIGHTS[i]!] as const));
    let agent = rng.pick(AGENTS_BY_TEAM[teamIndex]!);
    let t = createdAt;
    const add = (e: EventFields) => events.push(e);
    const customerMessage = (at: number) => {
      const e: EventFields = { type: 'customer_message', at, actorType: 'customer', actor: customer };
      if (rng.chance(0.2)) e.public = 'true';
      add(e);
      // Webhooks sometimes deliver the same message twice: an identical row.
      if (rng.chance(0.01)) add({ ...e });
    };
    const agentReply = (at: number) =>
      add({
        type: 'agent_reply',
        at,
        actorType: 'agent',
        actor: agent,
        ...(rng.chance(0.3) ? { public: 'true' } : {}),
      });
    const timeEntry = (at: number) =>
      add({
        type: 'time_entry',
        at,
        actorType: 'agent',
        actor: agent,
        seconds: Math.max(30, Math.round(rng.logNormal(420, 0.8))),
      });

    add({ type: 'created', at: t, actorType: 'customer', actor: customer, status: 'new', priority, channel });

    // Chat and web tickets meet a bot first; a few are solved by it.
    if ((channel === 'chat' || channel === 'web') && rng.chance(0.4)) {
      t += 5 * SECOND + rng.exp(40 * SECOND);
      add({ type: 'bot_reply', at: t, actorType: 'bot', actor: rng.pick(BOTS) });
      if (rng.chance(0.25)) {
        t += rng.exp(3 * MINUTE);
        customerMessage(t);
        t += 5 * SECOND + rng.exp(20 * SECOND);
        add({ type: 'bot_reply', at: t, actorType: 'bot', actor: rng.pick(BOTS) });
        t += rng.exp(10 * MINUTE);
        add({ type: 'status_change', at: t, actorType: 'bot', actor: 'helpbot', status: 'solved' });
        return events;
      }
    }

    t += 30 * SECOND + rng.exp(20 * MINUTE);
    add({ type: 'assignment', at: t, actorType: 'system', team: TEAMS[teamIndex]!, assignee: agent });

    // Some tickets land in the wrong team and are moved.
    if (rng.chance(0.08)) {
      t += rng.exp(HOUR);
      teamIndex = (teamIndex + rng.int(1, TEAMS.length - 1)) % TEAMS.length;
      const from = agent;
      agent = rng.pick(AGENTS_BY_TEAM[teamIndex]!);
      add({
        type: 'assignment',
        at: t,
        actorType: 'agent',
        actor: from,
        team: TEAMS[teamIndex]!,
        assignee: agent,
      });
    }
    if (rng.chance(0.04)) {
      t += rng.exp(30 * MINUTE);
      const next = rng.pick(PRIORITY_WEIGHTS.map(([p]) => p).filter((p) => p !== priority));
      priority = next;
      add({ type: 'priority_change', at: t, actorType: 'agent', actor: agent, priority });
    }
    if (rng.chance(0.45)) {
      t += rng.exp(15 * MINUTE);
      add({
        type: 'internal_note',
        at: t,
        actorType: 'agent',
        actor: agent,
        ...(rng.chance(0.5) ? { public: 'false' } : {}),
      });
    }

    // Conversation rounds: reply, maybe wait on the customer, customer answers, …
    const rounds = 1 + Math.min(6, Math.floor(rng.exp(1.5)));
    for (let round = 0; round < rounds; round++) {
      t += round === 0 ? rng.exp(FIRST_REPLY_MEAN[priority]!) : rng.exp(3 * HOUR);
      agentReply(t);
      if (rng.chance(0.65)) timeEntry(t + rng.int(0, 120) * SECOND);
      if (round === rounds - 1) break;
      const waiting = rng.chance(0.6);
      if (waiting) {
        t += rng.int(5, 90) * SECOND;
        add({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'pending' });
      }
      t += rng.exp(8 * HOUR);
      customerMessage(t);
      if (waiting) {
        t += rng.int(1, 10) * SECOND;
        add({ type: 'status_change', at: t, actorType: 'system', status: 'open' });
      }
      if (round === 0 && rng.chance(0.03)) {
        t += rng.exp(HOUR);
        const team = ESCALATION_TEAM;
        teamIndex = TEAMS.indexOf(team);
        agent = rng.pick(AGENTS_BY_TEAM[teamIndex]!);
        add({ type: 'escalation', at: t, actorType: 'agent', actor: agent, team, assignee: agent });
      }
    }

    t += rng.int(10, 600) * SECOND;
    add({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'solved' });

    // A few come back.
    if (rng.chance(0.07)) {
      t += rng.exp(2 * DAY);
      customerMessage(t);
      t += rng.int(1, 10) * SECOND;
      add({ type: 'status_change', at: t, actorType: 'system', status: 'open' });
      t += rng.exp(4 * HOUR);
      agentReply(t);
      if (rng.chance(0.5)) timeEntry(t + rng.int(0, 120) * SECOND);
      t += rng.int(10, 600) * SECOND;
      add({ type: 'status_change', at: t, actorType: 'agent', actor: agent, status: 'solved' });
    }
    return events;
  };

  const enqueue = (ticketId: string, ticketNo: number, events: EventFields[]) => {
    let k = 0;
    for (const e of events) {
      k++;
      // Most sources give no event id (identity is hashed); some do.
      const eventId = rng.chance(0.1) ? `ev-${ticketNo}-${k}` : '';
      const line = [
        ticketId,
        eventId,
        e.type,
        iso(e.at),
        e.actorType ?? '',
        csvValue(e.actor ?? ''),
        e.public ?? '',
        e.status ?? '',
        csvValue(e.team ?? ''),
        csvValue(e.assignee ?? ''),
        e.priority ?? '',
        e.channel ?? '',
        e.seconds === undefined ? '' : String(e.seconds),
      ].join(',');
      heap.push({ at: e.at, seq: seq++, line });
      generated++;
    }
  };

  const emit = async (e: PendingEvent) => {
    chunk += `${e.line}\n`;
    written++;
    const type = e.line.split(',', 3)[2]!;
    typeCounts[type] = (typeCounts[type] ?? 0) + 1;
    if (e.line.split(',', 2)[1] !== '') withEventId++;
    if (!firstAt) firstAt = iso(e.at);
    lastAt = iso(e.at);
    if (chunk.length >= 1 << 20) await flush();
  };

  // Create tickets until enough events exist; before each arrival, emit every event that precedes it.
  while (generated < rows) {
    const createdAt = nextArrival();
    while (heap.size > 0 && heap.peek()!.at < createdAt && written < rows) await emit(heap.pop()!);
    const events = addTicket(createdAt);
    enqueue(`T${100000 + tickets}`, 100000 + tickets, events);
    maxHeap = Math.max(maxHeap, heap.size);
  }
  // The export ends after `rows` events: the last events of the newest tickets fall outside it.
  while (written < rows && heap.size > 0) await emit(heap.pop()!);
  await flush();
  await new Promise<void>((resolveEnd, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())),
  );
  // Every ticket has exactly one `created` event, its first: tickets in the file are those whose `created` made the cut.
  const ticketsInFile = typeCounts.created ?? 0;
  return {
    path,
    rows: written,
    tickets: ticketsInFile,
    bytes,
    sha256: hash.digest('hex'),
    seconds: (performance.now() - started) / 1000,
    typeCounts,
    withEventId,
    firstAt,
    lastAt,
    maxHeap,
  };
}

// ---------------------------------------------------------------------------------------------------
// Child: one import into one engine, instrumented
// ---------------------------------------------------------------------------------------------------

interface QueryStat {
  label: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Times every statement (compile + execute + result conversion) by its query id. */
class TimingPlugin implements KyselyPlugin {
  private readonly compiler = new PostgresQueryCompiler();
  private readonly started = new WeakMap<object, { at: number; label: string }>();
  readonly stats = new Map<string, QueryStat>();
  lastResultAt = 0;
  queryMs = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.started.set(args.queryId, { at: performance.now(), label: this.labelOf(args) });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const now = performance.now();
    const start = this.started.get(args.queryId);
    if (start) {
      const ms = now - start.at;
      this.queryMs += ms;
      const stat = this.stats.get(start.label) ?? { label: start.label, count: 0, totalMs: 0, maxMs: 0 };
      stat.count++;
      stat.totalMs += ms;
      stat.maxMs = Math.max(stat.maxMs, ms);
      this.stats.set(start.label, stat);
    }
    this.lastResultAt = now;
    return args.result;
  }

  private labelOf(args: PluginTransformQueryArgs): string {
    let text: string;
    try {
      text = this.compiler.compileQuery(args.node, args.queryId).sql;
    } catch {
      text = args.node.kind;
    }
    return text
      .replace(/"deskscore_stage_\d+_(\d+)"/g, 'stage_$1')
      .replace(/\s+/g, ' ')
      .replace(/\$\d+(, \$\d+)*/g, '$…')
      .trim()
      .slice(0, 140);
  }
}

interface MemorySample {
  t: number;
  phase: string;
  rowsRead: number;
  rssMB: number;
  heapUsedMB: number;
  externalMB: number;
  duckdbMB?: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export interface ChildResult {
  engine: Engine;
  phase: Phase;
  importSeconds: number;
  readingSeconds: number;
  mergingSeconds: number;
  commitSeconds: number;
  sqlSeconds: number;
  openSeconds: number;
  summary: Omit<ImportSummary, 'errors'> & { errors: ImportSummary['errors'] };
  stored: { tickets: number; events: number };
  maxRssMBInside: number;
  peakHeapUsedMB: number;
  peakExternalMB: number;
  peakRssByPhaseMB: Record<string, number>;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  timeline: MemorySample[];
  topQueries: QueryStat[];
  duckdbMemory?: Array<{ tag: string; MB: number }>;
}

async function runChild(args: Map<string, string | true>): Promise<void> {
  const engine = strArg(args, 'engine', '') as Engine;
  const phase = strArg(args, 'phase', 'import') as Phase;
  const file = strArg(args, 'file', '');
  const out = strArg(args, 'result-file', '');
  const batchSize = args.has('batch-size') ? intArg(args, 'batch-size', 5000) : undefined;
  const target: DatabaseTarget =
    engine === 'duckdb'
      ? { kind: 'duckdb', location: strArg(args, 'db', '') }
      : {
          kind: 'postgres',
          location: strArg(args, 'pg-url', DEFAULT_PG_URL),
          schema: strArg(args, 'schema', ''),
        };

  const openStarted = performance.now();
  const store = await openStore(target);
  const memoryLimit = args.get('duckdb-memory-limit');
  if (engine === 'duckdb' && typeof memoryLimit === 'string') {
    if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(memoryLimit))
      throw new Error(`bad --duckdb-memory-limit ${memoryLimit}`);
    await sql.raw(`SET memory_limit = '${memoryLimit}'`).execute(store.db);
  }
  const org =
    phase === 'import'
      ? await createOrganization(store.db, { slug: ORG_SLUG, timeZone: ORG_ZONE })
      : await resolveOrganization(store.db, ORG_SLUG);
  const openSeconds = (performance.now() - openStarted) / 1000;

  const timing = new TimingPlugin();
  const timed: Store = { ...store, db: store.db.withPlugin(timing) };

  // Memory: sampled on a timer (the event loop is free while the engines work), plus at every progress call.
  let phaseName = 'reading';
  let rowsRead = 0;
  let peakHeap = 0;
  let peakExternal = 0;
  let duckdbMB: number | undefined;
  const peakRssByPhase: Record<string, number> = {};
  const timeline: MemorySample[] = [];
  const t0 = performance.now();
  let lastTimeline = -Infinity;
  const sample = (force = false) => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
    peakRssByPhase[phaseName] = Math.max(peakRssByPhase[phaseName] ?? 0, mb(m.rss));
    const t = performance.now() - t0;
    if (force || t - lastTimeline >= 2000) {
      lastTimeline = t;
      timeline.push({
        t: Math.round(t) / 1000,
        phase: phaseName,
        rowsRead,
        rssMB: mb(m.rss),
        heapUsedMB: mb(m.heapUsed),
        externalMB: mb(m.external),
        ...(duckdbMB === undefined ? {} : { duckdbMB }),
      });
    }
  };
  const timer = setInterval(() => sample(), 100);
  // DuckDB's own buffer usage, read on the pool's second connection while the import holds the first.
  let probing = false;
  const probe =
    engine === 'duckdb'
      ? setInterval(async () => {
          if (probing) return;
          probing = true;
          try {
            const { rows } = await sql<{
              n: number;
            }>`SELECT sum(memory_usage_bytes) AS n FROM duckdb_memory()`.execute(store.db);
            duckdbMB = mb(Number(rows[0]?.n ?? 0));
          } catch {
            // best effort
          } finally {
            probing = false;
          }
        }, 1000)
      : undefined;

  let readingEnd = 0;
  const onProgress = (p: ImportProgress) => {
    rowsRead = p.rowsRead;
    if (p.phase === 'merging' && phaseName !== 'merging') {
      readingEnd = performance.now();
      sample(true);
      phaseName = 'merging';
      sample(true);
      return;
    }
    sample();
    if (process.stderr.isTTY || rowsRead % 100000 < (batchSize ?? 5000)) {
      process.stderr.write(
        `  [${engine} ${phase}] ${phaseName} ${rowsRead} rows, rss ${mb(process.memoryUsage().rss)} MB\n`,
      );
    }
  };

  const started = performance.now();
  const summary = await importFile({
    store: timed,
    org,
    file,
    onProgress,
    ...(batchSize ? { batchSize } : {}),
  });
  const ended = performance.now();
  phaseName = 'after';
  sample(true);
  clearInterval(timer);
  if (probe) clearInterval(probe);
  while (probing) await new Promise((r) => setTimeout(r, 10));

  let duckdbMemory: ChildResult['duckdbMemory'];
  if (engine === 'duckdb') {
    const { rows } = await sql<{
      tag: string;
      n: number;
    }>`SELECT tag, memory_usage_bytes AS n FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY n DESC`.execute(
      store.db,
    );
    duckdbMemory = rows.map((r) => ({ tag: r.tag, MB: mb(Number(r.n)) }));
  }
  const count = async (table: 'tickets' | 'ticket_events') => {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const stored = { tickets: await count('tickets'), events: await count('ticket_events') };
  await store.close();

  const usage = process.resourceUsage();
  const result: ChildResult = {
    engine,
    phase,
    importSeconds: (ended - started) / 1000,
    readingSeconds: ((readingEnd || ended) - started) / 1000,
    mergingSeconds: readingEnd ? (ended - readingEnd) / 1000 : 0,
    commitSeconds: timing.lastResultAt ? (ended - timing.lastResultAt) / 1000 : 0,
    sqlSeconds: timing.queryMs / 1000,
    openSeconds,
    summary,
    stored,
    maxRssMBInside: Math.round(usage.maxRSS / 102.4) / 10,
    peakHeapUsedMB: mb(peakHeap),
    peakExternalMB: mb(peakExternal),
    peakRssByPhaseMB: peakRssByPhase,
    cpuUserSeconds: usage.userCPUTime / 1e6,
    cpuSystemSeconds: usage.systemCPUTime / 1e6,
    timeline,
    topQueries: [...timing.stats.values()]
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 15)
      .map((q) => ({ ...q, totalMs: Math.round(q.totalMs), maxMs: Math.round(q.maxMs) })),
    ...(duckdbMemory ? { duckdbMemory } : {}),
  };
  writeFileSync(out, JSON.stringify(result, null, 2));
}

// ---------------------------------------------------------------------------------------------------
// Parent: generate, run the children, report
// ---------------------------------------------------------------------------------------------------

interface TimeV {
  maxRssMB: number;
  wallSeconds: number;
  userSeconds: number;
  systemSeconds: number;
}

function parseTimeV(text: string): TimeV | undefined {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(text);
  const user = /User time \(seconds\): ([\d.]+)/.exec(text);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(text);
  if (!rss || !wall) return undefined;
  const parts = wall[1]!.split(':').map(Number);
  const wallSeconds = parts.reduce((acc, p) => acc * 60 + p, 0);
  return {
    maxRssMB: Math.round(Number(rss[1]) / 102.4) / 10,
    wallSeconds,
    userSeconds: Number(user?.[1] ?? 0),
    systemSeconds: Number(sys?.[1] ?? 0),
  };
}

function hasGnuTime(): boolean {
  if (!existsSync('/usr/bin/time')) return false;
  try {
    execFileSync('/usr/bin/time', ['-v', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface PhaseRun {
  child: ChildResult;
  time: TimeV | undefined;
  peakRssMB: number;
  peakRssSource: '/usr/bin/time -v' | 'process.resourceUsage().maxRSS';
  childWallSeconds: number;
}

async function runPhase(options: {
  engine: Engine;
  phase: Phase;
  file: string;
  workDir: string;
  db?: string;
  schema?: string;
  pgUrl: string;
  batchSize?: number;
  cpuProf: boolean;
  gnuTime: boolean;
  memoryLimit?: string | undefined;
}): Promise<PhaseRun> {
  const resultFile = join(options.workDir, `result-${options.engine}-${options.phase}.json`);
  const timeFile = join(options.workDir, `time-${options.engine}-${options.phase}.txt`);
  const nodeArgs = ['--import', 'tsx'];
  if (options.cpuProf) {
    const dir = join(RESULTS_DIR, 'profiles');
    mkdirSync(dir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--cpu-prof-name',
      `import-event-log-${options.engine}-${options.phase}-${Date.now()}.cpuprofile`,
    );
  }
  const childArgs = [
    ...nodeArgs,
    SCRIPT,
    '--child',
    '--engine',
    options.engine,
    '--phase',
    options.phase,
    '--file',
    options.file,
    '--result-file',
    resultFile,
    ...(options.db ? ['--db', options.db] : []),
    ...(options.schema ? ['--schema', options.schema, '--pg-url', options.pgUrl] : []),
    ...(options.batchSize ? ['--batch-size', String(options.batchSize)] : []),
    ...(options.memoryLimit ? ['--duckdb-memory-limit', options.memoryLimit] : []),
  ];
  const [command, args] = options.gnuTime
    ? ['/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...childArgs]]
    : [process.execPath, childArgs];
  const started = performance.now();
  const code = await new Promise<number | null>((resolveExit, reject) => {
    const child = spawn(command, args, { cwd: REPO_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (c) => resolveExit(c));
  });
  const childWallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${options.engine} ${options.phase}: child exited with code ${code}`);
  const child = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
  const time = options.gnuTime ? parseTimeV(readFileSync(timeFile, 'utf8')) : undefined;
  return {
    child,
    time,
    peakRssMB: time?.maxRssMB ?? child.maxRssMBInside,
    peakRssSource: time ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS',
    childWallSeconds,
  };
}

async function pgAdmin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows.slice(1)) process.stdout.write(`${line(r)}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.has('child')) return runChild(args);
  if (args.has('help')) {
    process.stdout.write(USAGE);
    return;
  }
  const rows = intArg(args, 'rows', 500000);
  const seed = intArg(args, 'seed', 42);
  const batchSize = args.has('batch-size') ? intArg(args, 'batch-size', 5000) : undefined;
  const pgUrl = strArg(args, 'pg-url', DEFAULT_PG_URL);
  const engines = strArg(args, 'engines', 'duckdb,postgres')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean) as Engine[];
  for (const e of engines) if (e !== 'duckdb' && e !== 'postgres') throw new Error(`unknown engine ${e}`);
  const keep = args.has('keep');
  const cpuProf = args.has('cpu-prof');
  const memoryLimit = args.has('duckdb-memory-limit') ? strArg(args, 'duckdb-memory-limit', '') : undefined;
  const tag = strArg(args, 'tag', cpuProf ? 'cpuprof' : memoryLimit ? 'memlimit' : '');
  const reimport = !args.has('skip-reimport');
  const gnuTime = hasGnuTime();

  const git = gitState();
  const workDir = mkdtempSync(join(tmpdir(), 'deskscore-bench-'));
  const csv = join(workDir, `event-log-${rows}.csv`);
  process.stderr.write(`generating ${rows} events (seed ${seed}) into ${csv} …\n`);
  const gen = await generateEventLog(csv, rows, seed);
  process.stderr.write(
    `  ${gen.rows} rows, ${gen.tickets} tickets, ${fmt(gen.bytes / 1048576)} MB in ${fmt(gen.seconds, 2)} s (sha256 ${gen.sha256.slice(0, 16)}…)\n`,
  );
  if (args.has('generate-only')) {
    process.stdout.write(
      `${JSON.stringify({ ...gen, eventsPerTicket: round(gen.rows / gen.tickets) }, null, 2)}\n`,
    );
    if (!keep) rmSync(workDir, { recursive: true, force: true });
    return;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });

  const table: string[][] = [
    [
      'engine',
      'rows',
      'tickets',
      'import s',
      'rows/s',
      'peak RSS MB',
      're-import s',
      're-import RSS MB',
      're-import changes',
    ],
  ];
  try {
    for (const engine of engines) {
      let schema: string | undefined;
      let db: string | undefined;
      if (engine === 'postgres') {
        schema = `bench_${randomBytes(5).toString('hex')}`;
        await pgAdmin(pgUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
      } else {
        db = join(workDir, 'bench.duckdb');
      }
      try {
        process.stderr.write(`${engine}: importing …\n`);
        const common = {
          engine,
          file: csv,
          workDir,
          pgUrl,
          cpuProf,
          gnuTime,
          ...(db ? { db } : {}),
          ...(schema ? { schema } : {}),
          ...(batchSize ? { batchSize } : {}),
          memoryLimit,
        };
        const first = await runPhase({ ...common, phase: 'import' });
        let second: PhaseRun | undefined;
        if (reimport) {
          process.stderr.write(`${engine}: re-importing the same file …\n`);
          second = await runPhase({ ...common, phase: 'reimport' });
        }
        let storage: Record<string, unknown> = {};
        if (db) {
          storage = { duckdbFileMB: mb(statSync(db).size) };
        } else {
          storage = await pgAdmin(pgUrl, async (c) => {
            const r = await c.query(
              `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY bytes DESC LIMIT 5`,
              [schema],
            );
            return {
              postgresTablesMB: Object.fromEntries(
                r.rows.map((x: { name: string; bytes: string }) => [x.name, mb(Number(x.bytes))]),
              ),
            };
          });
        }

        const s1 = first.child.summary;
        const s2 = second?.child.summary;
        const changes = s2
          ? s2.tickets.created + s2.tickets.updated + (s2.events?.created ?? 0) + (s2.events?.updated ?? 0)
          : undefined;
        const result = {
          benchmark: 'import-event-log',
          engine,
          rows: gen.rows,
          tickets: first.child.stored.tickets,
          events: first.child.stored.events,
          importSeconds: round(first.child.importSeconds),
          rowsPerSecond: Math.round(gen.rows / first.child.importSeconds),
          peakRssMB: first.peakRssMB,
          peakRssSource: first.peakRssSource,
          reimportSeconds: second ? round(second.child.importSeconds) : null,
          reimportPeakRssMB: second?.peakRssMB ?? null,
          reimportChanges: changes ?? null,
          reimportSummary: s2
            ? {
                rowsRead: s2.rowsRead,
                rowsStored: s2.rowsStored,
                tickets: s2.tickets,
                events: s2.events,
                errorCount: s2.errorCount,
              }
            : null,
          importSummary: {
            rowsRead: s1.rowsRead,
            rowsStored: s1.rowsStored,
            tickets: s1.tickets,
            events: s1.events,
            errorCount: s1.errorCount,
            errors: s1.errors.slice(0, 5),
          },
          storage,
          file: {
            bytes: gen.bytes,
            sha256: gen.sha256,
            seed,
            ticketsGenerated: gen.tickets,
            withEventId: gen.withEventId,
            typeCounts: gen.typeCounts,
            firstAt: gen.firstAt,
            lastAt: gen.lastAt,
            generateSeconds: round(gen.seconds),
          },
          import: detail(first),
          reimport: second ? detail(second) : null,
          environment: {
            node: process.version,
            platform: `${process.platform} ${process.arch}`,
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model ?? 'unknown',
            totalMemoryMB: mb(totalmem()),
            batchSize: batchSize ?? 'default (5000)',
            duckdbMemoryLimit: memoryLimit ?? null,
            git,
            ...(engine === 'postgres'
              ? {
                  postgres: await pgAdmin(
                    pgUrl,
                    async (c) => (await c.query('SHOW server_version')).rows[0]?.server_version,
                  ),
                }
              : { duckdb: readDuckdbVersion() }),
          },
          measuredAt: new Date().toISOString(),
        };
        const out = join(RESULTS_DIR, `import-event-log-${engine}-${gen.rows}${tag ? `-${tag}` : ''}.json`);
        writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
        process.stderr.write(`${engine}: results in ${out}\n`);
        table.push([
          engine,
          String(gen.rows),
          String(result.tickets),
          fmt(result.importSeconds),
          fmt(result.rowsPerSecond, 0),
          fmt(result.peakRssMB, 0),
          second ? fmt(second.child.importSeconds) : '-',
          second ? fmt(second.peakRssMB, 0) : '-',
          s2 ? describeChanges(s2) : '-',
        ]);
      } finally {
        if (schema && keep)
          process.stderr.write(`kept PostgreSQL schema ${schema} (DROP SCHEMA ${schema} CASCADE)\n`);
        else if (schema) await pgAdmin(pgUrl, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
        if (db && !keep) {
          rmSync(db, { force: true });
          rmSync(`${db}.wal`, { force: true });
        }
      }
    }
  } finally {
    if (keep) process.stderr.write(`kept ${workDir}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  process.stdout.write('\n');
  printTable(table);
}

function describeChanges(s: ImportSummary): string {
  const e = s.events;
  return `t +${s.tickets.created}/~${s.tickets.updated}/=${s.tickets.unchanged} e +${e?.created ?? 0}/~${e?.updated ?? 0}/=${e?.unchanged ?? 0}`;
}

function detail(run: PhaseRun) {
  const c = run.child;
  return {
    importSeconds: round(c.importSeconds),
    readingSeconds: round(c.readingSeconds),
    mergingSeconds: round(c.mergingSeconds),
    commitSeconds: round(c.commitSeconds),
    sqlSeconds: round(c.sqlSeconds),
    openAndMigrateSeconds: round(c.openSeconds),
    childWallSeconds: round(run.childWallSeconds),
    peakRssMB: run.peakRssMB,
    peakRssSource: run.peakRssSource,
    maxRssMBInside: c.maxRssMBInside,
    peakRssByPhaseMB: c.peakRssByPhaseMB,
    peakHeapUsedMB: c.peakHeapUsedMB,
    peakExternalMB: c.peakExternalMB,
    cpuUserSeconds: round(c.cpuUserSeconds),
    cpuSystemSeconds: round(c.cpuSystemSeconds),
    timeV: run.time ?? null,
    topQueries: c.topQueries,
    duckdbMemory: c.duckdbMemory ?? null,
    timeline: c.timeline,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The commit benchmarked, and whether src/ differed from it (read-only git). */
function gitState(): { commit: string; srcModified: boolean } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: REPO_DIR,
      encoding: 'utf8',
    });
    return { commit, srcModified: status.trim() !== '' };
  } catch {
    return null;
  }
}

function readDuckdbVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(REPO_DIR, 'node_modules/@duckdb/node-api/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

// Other benchmarks import the generator; only running this file runs the import benchmark.
if (process.argv[1] && resolve(process.argv[1]) === SCRIPT) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
