/**
 * One phase of `npm run bench`, in its own process so its peak RSS is its own and DuckDB's single
 * writer is free between phases:
 *
 *   node --import tsx bench/phases.ts <input.json>
 *
 * The input names the phase, the database and the work directory; the result is written as JSON to
 * the file the input names. Phases: setup, import-flat, import-events, derive, queries.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  CompiledQuery,
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
import { CATALOGUE } from '../src/catalogue/index.js';
import { importFile } from '../src/ingest/import-file.js';
import { deriveTickets } from '../src/jobs/derive-tickets.js';
import { createApiToken, createUser } from '../src/storage/accounts.js';
import { openStore, type Store } from '../src/storage/database.js';
import { DEFAULT_KPI_CACHE_MB, KpiResultCache } from '../src/storage/kpi-result-cache.js';
import { createOrganization, type Organization, resolveOrganization } from '../src/storage/organizations.js';
import { runKpiQuery } from '../src/storage/run-kpi-query.js';
import { saveSchedule, saveSlaPolicy } from '../src/storage/settings-repository.js';
import {
  BENCH_NOW,
  BENCH_ORG,
  FLAT_ORG,
  HOME_RANGE,
  KPI_PAGE,
  type Phase,
  type PhaseInput,
} from './config.js';
import { DATA_ZONE } from './dataset.js';
import {
  checkHomeCoversCatalogue,
  compareHome,
  engineHome,
  HOME_KPIS,
  homeReferenceStatement,
  type Mismatch,
  type ReferenceRow,
  referenceHome,
} from './home-reference.js';

const MANAGER_EMAIL = 'manager@bench.example';

const seconds = (since: number) => (performance.now() - since) / 1000;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const maxRssMB = () => Math.round(process.resourceUsage().maxRSS / 102.4) / 10;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { seconds: seconds(started), result };
}

interface ColdWarm<T> {
  cold: number;
  warm: number;
  runs: number[];
  result: T;
}

/** First run, then `reps` more: cold is the first, warm the median of the others. */
async function coldWarm<T>(reps: number, work: () => Promise<T>): Promise<ColdWarm<T>> {
  const first = await timed(work);
  const warm: number[] = [];
  for (let i = 0; i < reps; i++) warm.push((await timed(work)).seconds);
  return {
    cold: round(first.seconds),
    warm: round(median(warm)),
    runs: warm.map((s) => round(s)),
    result: first.result,
  };
}

// ---------------------------------------------------------------------------------------------------
// setup: two organisations (flat and bench) with a business schedule and an SLA policy; a manager with
// an API token for the load test.
// ---------------------------------------------------------------------------------------------------

const HOURS = 3600;
async function configure(store: Store, org: Organization): Promise<void> {
  await saveSchedule(store.db, org.id, {
    id: 'office',
    name: 'Office hours',
    timeZone: DATA_ZONE,
    isDefault: true,
    intervals: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '20:00' })),
    holidays: [
      { day: '2025-01-06', name: 'Epiphany' },
      { day: '2025-05-01', name: 'Labour day' },
      { day: '2025-12-25', name: 'Christmas' },
      { day: '2026-01-01', name: 'New year' },
    ],
  });
  const targets = (
    [
      ['urgent', 1, 1, 8],
      ['high', 4, 4, 24],
      ['normal', 8, 8, 48],
      ['low', 24, 24, 96],
    ] as const
  ).flatMap(([priority, first, next, resolution]) => [
    { priority, metric: 'first_reply' as const, targetSeconds: first * HOURS },
    { priority, metric: 'next_reply' as const, targetSeconds: next * HOURS },
    { priority, metric: 'resolution' as const, targetSeconds: resolution * HOURS },
  ]);
  await saveSlaPolicy(store.db, org.id, { id: 'standard', name: 'Standard', position: 1, targets });
}

async function setup(store: Store, input: PhaseInput) {
  const flat = await createOrganization(store.db, { slug: FLAT_ORG, timeZone: DATA_ZONE });
  const bench = await createOrganization(store.db, { slug: BENCH_ORG, timeZone: DATA_ZONE });
  await configure(store, flat);
  await configure(store, bench);
  const queried = input.queryOrg === FLAT_ORG ? flat : bench;
  const user = await createUser(store.db, queried.id, {
    email: MANAGER_EMAIL,
    name: 'Bench manager',
    role: 'manager',
    password: randomBytes(18).toString('base64url'),
  });
  const { token } = await createApiToken(store.db, queried.id, {
    userId: user.id,
    name: 'bench',
    scopes: ['read'],
    expiresAt: null,
  });
  writeFileSync(join(input.dir, `api-token-${input.target.kind}`), token, { mode: 0o600 });
  return {};
}

// ---------------------------------------------------------------------------------------------------
// Imports: file to stored facts (import, then derive what it touched), as `deskscore import` does.
// ---------------------------------------------------------------------------------------------------

async function importToFacts(store: Store, org: Organization, file: string) {
  const imported = await timed(() => importFile({ store, org, file }));
  if (imported.result.status !== 'succeeded' || imported.result.errorCount > 0)
    throw new Error(`import of ${file} failed: ${JSON.stringify(imported.result.errors.slice(0, 3))}`);
  const derived = await timed(() =>
    deriveTickets(store, org, { kind: 'import', importId: imported.result.importId }),
  );
  return {
    importSeconds: round(imported.seconds),
    deriveSeconds: round(derived.seconds),
    seconds: round(imported.seconds + derived.seconds),
    rowsRead: imported.result.rowsRead,
    tickets: derived.result.tickets,
    replies: derived.result.replies,
    slaInstances: derived.result.slaInstances,
  };
}

async function importFlat(store: Store, input: PhaseInput) {
  const org = await resolveOrganization(store.db, FLAT_ORG);
  const r = await importToFacts(store, org, join(input.dir, 'tickets.csv'));
  return { ...r, ticketsPerSecond: Math.round(input.tickets / r.seconds) };
}

async function importEvents(store: Store, input: PhaseInput) {
  const org = await resolveOrganization(store.db, BENCH_ORG);
  const files =
    input.eventFiles > 1
      ? Array.from({ length: input.eventFiles }, (_, i) => join(input.dir, `events-${i + 1}.csv`))
      : [join(input.dir, 'events.csv')];
  const parts: Awaited<ReturnType<typeof importToFacts>>[] = [];
  for (const file of files) parts.push(await importToFacts(store, org, file));
  const sum = (f: (p: (typeof parts)[number]) => number) => parts.reduce((a, p) => a + f(p), 0);
  const events = {
    importSeconds: round(sum((p) => p.importSeconds)),
    deriveSeconds: round(sum((p) => p.deriveSeconds)),
    seconds: round(sum((p) => p.seconds)),
    rowsRead: sum((p) => p.rowsRead),
    tickets: sum((p) => p.tickets),
    replies: sum((p) => p.replies),
    slaInstances: sum((p) => p.slaInstances),
  };
  const surveys = await timed(() => importFile({ store, org, file: join(input.dir, 'surveys.csv') }));
  if (surveys.result.status !== 'succeeded') throw new Error('survey import failed');
  return {
    ...events,
    ticketsPerSecond: Math.round(input.tickets / events.seconds),
    files: files.length,
    ...(files.length > 1 ? { perFileSeconds: parts.map((p) => p.seconds) } : {}),
    surveys: { rows: surveys.result.rowsRead, seconds: round(surveys.seconds) },
  };
}

/** Derive of every ticket, then a later delivery of events on 1 % of them and the re-derive it causes. */
async function derive(store: Store, input: PhaseInput) {
  const org = await resolveOrganization(store.db, BENCH_ORG);
  const all = await timed(() => deriveTickets(store, org, { kind: 'all' }));
  const later = await importToFacts(store, org, join(input.dir, 'new-events.csv'));
  return {
    all: {
      seconds: round(all.seconds),
      tickets: all.result.tickets,
      ticketsPerSecond: Math.round(all.result.tickets / all.seconds),
    },
    rederive: {
      tickets: later.tickets,
      importSeconds: later.importSeconds,
      deriveSeconds: later.deriveSeconds,
      seconds: later.seconds,
      ticketsPerSecond: Math.round(later.tickets / later.deriveSeconds),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// queries: the home and the KPI page through the engine, cold and warm; the reference statement on
// this engine and on the other one (over a copy of the same facts); equality asserted.
// ---------------------------------------------------------------------------------------------------

/** Records every statement's SQL, parameters and duration (compile + execute + conversion). */
class StatementLog implements KyselyPlugin {
  private readonly compiler = new PostgresQueryCompiler();
  private readonly started = new WeakMap<
    object,
    { at: number; sql: string; parameters: readonly unknown[] }
  >();
  readonly statements: Array<{ ms: number; sql: string; parameters: readonly unknown[] }> = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const compiled = this.compiler.compileQuery(args.node, args.queryId);
    this.started.set(args.queryId, {
      at: performance.now(),
      sql: compiled.sql,
      parameters: compiled.parameters,
    });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const s = this.started.get(args.queryId);
    if (s) this.statements.push({ ms: performance.now() - s.at, sql: s.sql, parameters: s.parameters });
    return args.result;
  }
}

const FACT_TABLES = ['ticket_facts', 'reply_facts', 'sla_instances', 'surveys'] as const;

async function columnsOf(store: Store, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns
    WHERE table_name = ${table} AND table_schema = ${store.target.schema ?? (store.dialect.name === 'duckdb' ? 'main' : 'public')}
    ORDER BY ordinal_position`.execute(store.db);
  return rows.map((r) => r.column_name);
}

function psql(url: string, command: string): void {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], {
    env: { ...process.env, PGTZ: 'UTC' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * A store on the other engine holding a copy of this organisation's fact tables (CSV through COPY;
 * psql for PostgreSQL), analysed, for the cross-engine reference. Closed (and dropped) by the caller.
 */
async function copyFactsToOtherEngine(
  store: Store,
  orgId: number,
  input: PhaseInput,
): Promise<{ other: Store; cleanup: () => Promise<void>; copySeconds: number }> {
  const started = performance.now();
  const files: string[] = [];
  let other: Store;
  let cleanup: () => Promise<void>;
  if (store.dialect.name === 'duckdb') {
    const schema = `bench_ref_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: input.pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    other = await openStore({ kind: 'postgres', location: input.pgUrl, schema });
    const opened = other;
    cleanup = async () => {
      await opened.close();
      const c = new pg.Client({ connectionString: input.pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    };
    for (const table of FACT_TABLES) {
      const columns = (await columnsOf(other, table)).join(', ');
      const file = join(input.dir, `copy-${table}.csv`);
      files.push(file);
      await sql
        .raw(
          `COPY (SELECT ${columns} FROM ${table} WHERE org_id = ${orgId}) TO '${file}' (HEADER, DELIMITER ',')`,
        )
        .execute(store.db);
      psql(input.pgUrl, `\\copy ${schema}.${table} (${columns}) FROM '${file}' CSV HEADER`);
    }
    // A database a BI tool reads has been vacuumed and analysed (hint bits set, statistics current).
    for (const table of FACT_TABLES) await sql.raw(`VACUUM ANALYZE ${table}`).execute(other.db);
  } else {
    const file = join(input.dir, 'reference.duckdb');
    rmSync(file, { force: true });
    other = await openStore({ kind: 'duckdb', location: file });
    const opened = other;
    cleanup = async () => {
      await opened.close();
      rmSync(file, { force: true });
      rmSync(`${file}.wal`, { force: true });
    };
    const schema = store.target.schema!;
    for (const table of FACT_TABLES) {
      const columns = (await columnsOf(other, table)).join(', ');
      const csv = join(input.dir, `copy-${table}.csv`);
      files.push(csv);
      psql(
        input.pgUrl,
        `\\copy (SELECT ${columns} FROM ${schema}.${table} WHERE org_id = ${orgId}) TO '${csv}' CSV HEADER`,
      );
      await sql.raw(`COPY ${table} (${columns}) FROM '${csv}' (HEADER, DELIMITER ',')`).execute(other.db);
    }
  }
  for (const f of files) rmSync(f, { force: true });
  return { other, cleanup, copySeconds: round(seconds(started)) };
}

function describeMismatches(where: string, mismatches: readonly Mismatch[]): string {
  const lines = mismatches
    .slice(0, 15)
    .map(
      (m) =>
        `  ${m.kpi} ${m.bucket} ${m.team}: engine ${JSON.stringify(m.engine)} reference ${JSON.stringify(m.reference)}`,
    );
  return `${where}: the reference statement does not compute the engine's numbers (${mismatches.length} cells differ):\n${lines.join('\n')}`;
}

async function explainAnalyze(store: Store, statement: { sql: string; parameters: readonly unknown[] }) {
  const prefix = store.dialect.name === 'postgres' ? 'EXPLAIN (ANALYZE, BUFFERS) ' : 'EXPLAIN ANALYZE ';
  const result = await store.db.executeQuery(
    CompiledQuery.raw(prefix + statement.sql, [...statement.parameters]),
  );
  const rows = result.rows as Array<Record<string, unknown>>;
  return rows.map((r) => Object.values(r).map(String).join('\n')).join('\n');
}

async function queries(store: Store, input: PhaseInput) {
  checkHomeCoversCatalogue(CATALOGUE);
  const org = await resolveOrganization(store.db, input.queryOrg);
  // What autovacuum does a minute after a large write: measure settled tables, not its timing.
  if (store.dialect.name === 'postgres')
    for (const table of FACT_TABLES) await sql.raw(`VACUUM ANALYZE ${table}`).execute(store.db);
  const log = new StatementLog();
  const logged: Store = { ...store, db: store.db.withPlugin(log) };

  const home = await coldWarm(input.reps, () => engineHome(logged, org, CATALOGUE, HOME_RANGE));
  const homeStatements = log.statements.length / (input.reps + 1);
  const kpiPage = await coldWarm(input.reps, () => runKpiQuery(logged, org, CATALOGUE, KPI_PAGE, BENCH_NOW));

  // As the server answers: through the KPI result cache (src/storage/kpi-result-cache.ts). The first run
  // computes and fills it; the warm runs are what a dashboard gets until the next write.
  const cached: Store = { ...store, kpiCache: new KpiResultCache(DEFAULT_KPI_CACHE_MB * 1024 * 1024) };
  const homeCached = await coldWarm(input.reps, () => engineHome(cached, org, CATALOGUE, HOME_RANGE));
  if (JSON.stringify(homeCached.result) !== JSON.stringify(home.result))
    throw new Error('the home served through the result cache differs from the computed one');
  const kpiPageCached = await coldWarm(input.reps, () =>
    runKpiQuery(cached, org, CATALOGUE, KPI_PAGE, BENCH_NOW),
  );

  // Each home KPI alone (warm), to show which ones cost the most.
  const perKpi: Array<{ kpi: string; ms: number }> = [];
  for (const kpi of HOME_KPIS) {
    const q = { kpi, from: HOME_RANGE.from, to: HOME_RANGE.to, grain: 'month', by: 'team' } as const;
    const t = await timed(() => runKpiQuery(store, org, CATALOGUE, q, BENCH_NOW));
    perKpi.push({ kpi, ms: Math.round(t.seconds * 1000) });
  }
  perKpi.sort((a, b) => b.ms - a.ms);

  // The slowest single statement of a warm home (sequential, so its time is its own).
  log.statements.length = 0;
  for (const kpi of HOME_KPIS) {
    const q = { kpi, from: HOME_RANGE.from, to: HOME_RANGE.to, grain: 'month', by: 'team' } as const;
    await runKpiQuery(logged, org, CATALOGUE, q, BENCH_NOW);
  }
  const slowest = [...log.statements].sort((a, b) => b.ms - a.ms)[0]!;
  const slowestPlan = await explainAnalyze(store, slowest);

  // The reference on this engine.
  const own = await coldWarm(input.reps, () => referenceHome(store, org.id, org.time_zone, HOME_RANGE));
  const ownCheck = compareHome(home.result, own.result);
  if (ownCheck.mismatches.length > 0)
    throw new Error(describeMismatches(`${store.dialect.name} reference`, ownCheck.mismatches));
  const compiledReference = homeReferenceStatement(org.id, org.time_zone, HOME_RANGE).compile(store.db);
  const referencePlan = await explainAnalyze(store, compiledReference);

  // The reference on the other engine, over a copy of the same facts.
  const copy = await copyFactsToOtherEngine(store, org.id, input);
  let other: ColdWarm<ReferenceRow[]>;
  let otherPlan: string;
  try {
    other = await coldWarm(input.reps, () => referenceHome(copy.other, org.id, org.time_zone, HOME_RANGE));
    otherPlan = await explainAnalyze(
      copy.other,
      homeReferenceStatement(org.id, org.time_zone, HOME_RANGE).compile(copy.other.db),
    );
  } finally {
    await copy.cleanup();
  }
  const otherCheck = compareHome(home.result, other.result);
  if (otherCheck.mismatches.length > 0)
    throw new Error(describeMismatches(`${copy.other.dialect.name} reference`, otherCheck.mismatches));

  const duck = store.dialect.name === 'duckdb' ? own : other;
  const post = store.dialect.name === 'duckdb' ? other : own;
  const settings =
    store.dialect.name === 'postgres'
      ? await postgresSettings(store)
      : await postgresSettings(copy.other).catch(() => ({}));
  return {
    home: {
      cold: home.cold,
      warm: home.warm,
      runs: home.runs,
      rows: home.result.length,
      statements: homeStatements,
    },
    kpiPage: { cold: kpiPage.cold, warm: kpiPage.warm, runs: kpiPage.runs, rows: kpiPage.result.length },
    homeCached: {
      cold: homeCached.cold,
      warm: homeCached.warm,
      runs: homeCached.runs,
      rows: homeCached.result.length,
    },
    kpiPageCached: {
      cold: kpiPageCached.cold,
      warm: kpiPageCached.warm,
      runs: kpiPageCached.runs,
      rows: kpiPageCached.result.length,
    },
    perKpiMs: perKpi,
    referenceDuckdb: { cold: duck.cold, warm: duck.warm, runs: duck.runs, rows: duck.result.length },
    referencePostgres: { cold: post.cold, warm: post.warm, runs: post.runs, rows: post.result.length },
    cellsCompared: ownCheck.compared,
    copySeconds: copy.copySeconds,
    slowestStatement: { ms: Math.round(slowest.ms), sql: slowest.sql, plan: slowestPlan },
    referencePlans: {
      [store.dialect.name]: referencePlan,
      [copy.other.dialect.name]: otherPlan,
    },
    postgresSettings: settings,
  };
}

async function postgresSettings(store: Store): Promise<Record<string, string>> {
  if (store.dialect.name !== 'postgres') return {};
  const { rows } = await sql<{
    name: string;
    setting: string;
    unit: string | null;
  }>`SELECT name, setting, unit
    FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size',
      'max_parallel_workers_per_gather', 'jit', 'random_page_cost')`.execute(store.db);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.setting}${r.unit ? ` ${r.unit}` : ''}`]));
}

// ---------------------------------------------------------------------------------------------------

const PHASES: Record<Phase, (store: Store, input: PhaseInput) => Promise<object>> = {
  setup,
  'import-flat': importFlat,
  'import-events': importEvents,
  derive,
  queries,
};

async function main(): Promise<void> {
  const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PhaseInput;
  const opened = await timed(() => openStore(input.target));
  const store = opened.result;
  let result: object;
  try {
    result = await PHASES[input.phase](store, input);
  } catch (error) {
    // The parent reports the cause with the phase that failed.
    writeFileSync(`${input.resultFile}.error`, (error as Error).message ?? String(error));
    throw error;
  } finally {
    await store.close();
  }
  const usage = process.resourceUsage();
  writeFileSync(
    input.resultFile,
    JSON.stringify(
      {
        ...result,
        openSeconds: round(opened.seconds),
        peakRssMB: maxRssMB(),
        // CPU of this process (DuckDB's threads included, PostgreSQL's backends not) and the machine's
        // load when the phase ended: wall times on a busy machine read differently.
        cpuSeconds: round((usage.userCPUTime + usage.systemCPUTime) / 1e6),
        loadAverage: round(loadavg()[0]!, 2),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
