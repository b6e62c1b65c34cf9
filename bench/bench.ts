/**
 * `npm run bench -- --tickets N [--engine duckdb|postgres|both] [--skip-load] …` (bench/README.md).
 *
 * Generates the organisation (bench/dataset.ts), then per engine, each phase in its own process
 * (bench/phases.ts): setup, flat CSV → facts, event log → facts, derive and re-derive, the home and
 * KPI page queries with the reference statements (equality asserted), and the API under load
 * (bench/load.ts). Prints the table and the targets; writes bench/results/<date>-<engine>-<N>.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseTarget } from '../src/storage/database.js';
import {
  BASELINE_DIR,
  BENCH_ORG,
  FLAT_ORG,
  HOME_RANGE,
  KPI_PAGE,
  type Phase,
  type PhaseInput,
  RESULTS_DIR,
} from './config.js';
import { type DatasetFiles, generateDataset, splitEventLog } from './dataset.js';
import { HOME_KPIS } from './home-reference.js';
import { loadTest, startServerChild, warmUp } from './load.js';
import { type BenchResult, checkTargets, normalise, renderTable, renderTargets } from './report.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = resolve(BENCH_DIR, '..');

const USAGE = `usage: npm run bench -- [options]
  --tickets N          tickets to generate (default 100000; 1000000 and 10000000 are the issue's sizes)
  --engine E           duckdb, postgres or both (default both)
  --skip-load          no API load test (no server started)
  --duration S         seconds of load per endpoint (default 30)
  --connections C      concurrent API clients (default 20)
  --reps R             warm repetitions of each query; the median is reported (default 3)
  --seed S             generator seed (default 42)
  --pg-url URL         PostgreSQL server (default $BENCH_DATABASE_URL, $TEST_DATABASE_URL,
                       or postgres://postgres@127.0.0.1:5432/test); each run uses a fresh schema
  --work-dir DIR       where the generated files and the DuckDB file go (default: a new temp dir)
  --keep               keep the work directory and the PostgreSQL schema
  --duckdb-memory-limit SIZE  DuckDB's memory_limit while loading (import and derive phases;
                       DESKSCORE_DUCKDB_MEMORY_LIMIT): the default 1GB is too little for a
                       1,000,000-ticket event log; queries and the server keep the default
  --event-files K      import the event log as K files of whole tickets, one after the other
                       (default 1: one file, as the issue measures it)
  --flat-only          no event log: generate and import the flat tickets only, and run the queries
                       and the API on that organisation (how the 10,000,000-ticket run fits in hours)
  --save-baseline      also write the results as bench/baseline/<engine>-<N>.json
  --from-phase P       with --work-dir of an earlier run that used --keep: start at phase P (queries or
                       api), on the databases that run kept; earlier phases' figures are read from its
                       result files (to re-measure the queries after a change without reloading)
A work directory that already holds the same dataset (same size, seed, shape and generator) is reused.
At 1,000,000 tickets and more, the event log is imported as files of 100,000 tickets each and DuckDB
loads with memory_limit 4GB, unless --event-files or --duckdb-memory-limit say otherwise.
`;

interface Options {
  tickets: number;
  engines: Array<'duckdb' | 'postgres'>;
  skipLoad: boolean;
  duration: number;
  connections: number;
  reps: number;
  seed: number;
  pgUrl: string;
  workDir: string | undefined;
  keep: boolean;
  saveBaseline: boolean;
  duckdbMemoryLimit: string | undefined;
  eventFiles: number | undefined;
  flatOnly: boolean;
  fromPhase: 'queries' | 'api' | undefined;
}

function parseOptions(argv: readonly string[]): Options | null {
  const o: Options = {
    tickets: 100_000,
    engines: ['duckdb', 'postgres'],
    skipLoad: false,
    duration: 30,
    connections: 20,
    reps: 3,
    seed: 42,
    pgUrl:
      process.env.BENCH_DATABASE_URL ||
      process.env.TEST_DATABASE_URL ||
      'postgres://postgres@127.0.0.1:5432/test',
    workDir: undefined,
    keep: false,
    saveBaseline: false,
    duckdbMemoryLimit: process.env.DESKSCORE_DUCKDB_MEMORY_LIMIT || undefined,
    eventFiles: undefined,
    flatOnly: false,
    fromPhase: undefined,
  };
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case 'help':
        return null;
      case 'tickets':
        o.tickets = int(name, value());
        break;
      case 'engine': {
        const e = value();
        if (e !== 'duckdb' && e !== 'postgres' && e !== 'both')
          throw new Error('--engine is duckdb, postgres or both');
        o.engines = e === 'both' ? ['duckdb', 'postgres'] : [e];
        break;
      }
      case 'skip-load':
        o.skipLoad = true;
        break;
      case 'duration':
        o.duration = int(name, value());
        break;
      case 'connections':
        o.connections = int(name, value());
        break;
      case 'reps':
        o.reps = int(name, value());
        break;
      case 'seed':
        o.seed = int(name, value());
        break;
      case 'pg-url':
        o.pgUrl = value() ?? o.pgUrl;
        break;
      case 'work-dir':
        o.workDir = value();
        break;
      case 'keep':
        o.keep = true;
        break;
      case 'event-files':
        o.eventFiles = int(name, value());
        break;
      case 'save-baseline':
        o.saveBaseline = true;
        break;
      case 'flat-only':
        o.flatOnly = true;
        break;
      case 'from-phase': {
        const p = value();
        if (p !== 'queries' && p !== 'api') throw new Error('--from-phase is queries or api');
        o.fromPhase = p;
        break;
      }
      case 'duckdb-memory-limit': {
        const v = value();
        if (!v || !/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(v))
          throw new Error('--duckdb-memory-limit takes a size, e.g. 4GB');
        o.duckdbMemoryLimit = v;
        break;
      }
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  if (o.fromPhase && !o.workDir)
    throw new Error('--from-phase needs the --work-dir of a run made with --keep');
  // A large event log as one file outgrows DuckDB's default memory limit (bench/README.md).
  if (o.eventFiles === undefined) o.eventFiles = o.tickets >= 1_000_000 ? Math.ceil(o.tickets / 100_000) : 1;
  if (o.duckdbMemoryLimit === undefined && o.tickets >= 1_000_000) o.duckdbMemoryLimit = '4GB';
  return o;
}

const log = (text: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

async function runPhase(input: PhaseInput, memoryLimit?: string): Promise<Record<string, unknown>> {
  const inputFile = join(input.dir, `phase-${input.phase}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  const started = performance.now();
  const code = await new Promise<number | null>((resolveExit, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'phases.ts'), inputFile], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
      // openStore reads it.
      env: memoryLimit ? { ...process.env, DESKSCORE_DUCKDB_MEMORY_LIMIT: memoryLimit } : process.env,
    });
    child.on('error', reject);
    child.on('exit', resolveExit);
  });
  if (code !== 0) {
    const errorFile = `${input.resultFile}.error`;
    const cause = existsSync(errorFile) ? `: ${readFileSync(errorFile, 'utf8').split('\n')[0]}` : '';
    throw new Error(`phase ${input.phase} on ${input.target.kind} failed (exit code ${code})${cause}`);
  }
  const result = JSON.parse(readFileSync(input.resultFile, 'utf8')) as Record<string, unknown>;
  log(`  ${input.phase}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function pgAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function gitState(): { commit: string; dirty: boolean } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: REPO_DIR,
      encoding: 'utf8',
    });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return null;
  }
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}

/** The first few errors the server logged (pino JSON lines), for the results file. */
function serverErrors(logFile: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim() || out.length >= 5) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      out.push(`${entry.msg ?? ''}: ${entry.err?.message ?? ''}`.slice(0, 500));
    } catch {
      out.push(line.slice(0, 500));
    }
  }
  return out;
}

/** The API paths of the home (every home KPI, by month and team) and of the KPI page. */
function apiPaths() {
  const home = HOME_KPIS.map(
    (kpi) => `/api/v1/kpis/${kpi}/values?from=${HOME_RANGE.from}&to=${HOME_RANGE.to}&grain=month&by=team`,
  );
  const q = KPI_PAGE;
  const kpiPage = [
    `/api/v1/kpis/${q.kpi}/values?from=${q.from}&to=${q.to}&grain=${q.grain}&by=${q.by}&statistic=${q.statistic}`,
  ];
  return { home, kpiPage };
}

async function runEngine(
  engine: 'duckdb' | 'postgres',
  o: Options,
  dir: string,
  dataset: BenchResult['dataset'],
): Promise<BenchResult> {
  let target: DatabaseTarget;
  let schema: string | undefined;
  const schemaFile = join(dir, 'pg-schema');
  if (engine === 'postgres') {
    if (o.fromPhase) {
      if (!existsSync(schemaFile)) throw new Error(`${schemaFile} is missing: was the earlier run kept?`);
      schema = readFileSync(schemaFile, 'utf8').trim();
    } else {
      schema = `bench_${randomBytes(5).toString('hex')}`;
      await pgAdmin(o.pgUrl, `CREATE SCHEMA ${schema}`);
      if (o.keep) writeFileSync(schemaFile, schema);
    }
    target = { kind: 'postgres', location: o.pgUrl, schema };
  } else {
    target = { kind: 'duckdb', location: join(dir, 'bench.duckdb') };
    if (o.fromPhase) {
      if (!existsSync(target.location))
        throw new Error(`${target.location} is missing: was the earlier run kept?`);
    } else {
      rmSync(target.location, { force: true });
      rmSync(`${target.location}.wal`, { force: true });
    }
  }
  const loadBefore = loadavg()[0]!;
  try {
    // The memory limit option is for loading; queries and the server run as configured.
    const earlier = (name: Phase) => {
      const file = join(dir, `result-${engine}-${name}.json`);
      if (!existsSync(file)) throw new Error(`${file} is missing: the earlier run did not reach ${name}`);
      log(`  ${name}: figures of the earlier run`);
      return Promise.resolve(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    };
    const skipped = (name: Phase) =>
      o.fromPhase !== undefined && (name !== 'queries' || o.fromPhase === 'api');
    const phase = (name: Phase) =>
      skipped(name)
        ? earlier(name)
        : runPhase(
            {
              phase: name,
              target,
              dir,
              resultFile: join(dir, `result-${engine}-${name}.json`),
              tickets: o.tickets,
              pgUrl: o.pgUrl,
              reps: o.reps,
              eventFiles: o.eventFiles ?? 1,
              queryOrg: o.flatOnly ? FLAT_ORG : BENCH_ORG,
            },
            name === 'queries' ? undefined : o.duckdbMemoryLimit,
          );
    log(`${engine}: ${o.tickets.toLocaleString('en-US')} tickets`);
    await phase('setup');
    const flat = await phase('import-flat');
    const events = o.flatOnly ? null : await phase('import-events');
    const derived = o.flatOnly ? null : await phase('derive');
    const queries = await phase('queries');

    let api: BenchResult['api'] = null;
    if (!o.skipLoad) {
      const serverLog = join(
        RESULTS_DIR,
        `${new Date().toISOString().slice(0, 10)}-${engine}-${o.tickets}-server.log`,
      );
      const server = await startServerChild(target, serverLog);
      try {
        const token = readFileSync(join(dir, `api-token-${engine}`), 'utf8');
        const paths = apiPaths();
        const idle = server.memory();
        await warmUp(server.url, token, [...paths.home, ...paths.kpiPage]);
        log(`${engine}: API home, ${o.connections} clients for ${o.duration} s`);
        const home = await loadTest(server.url, token, paths.home, o.connections, o.duration);
        log(`${engine}: API KPI page, ${o.connections} clients for ${o.duration} s`);
        const kpiPage = await loadTest(server.url, token, paths.kpiPage, o.connections, o.duration);
        const after = server.memory();
        api = {
          home,
          kpiPage,
          serverRssIdleMB: idle?.rssMB ?? null,
          serverRssAfterLoadMB: after?.rssMB ?? null,
          serverPeakRssMB: after?.peakRssMB ?? null,
          serverErrors: [],
        };
      } finally {
        await server.stop();
      }
      api.serverErrors = serverErrors(serverLog);
    }

    const d = derived as null | {
      all: { ticketsPerSecond: number; seconds: number };
      rederive: NonNullable<BenchResult['imports']['rederive']>;
      peakRssMB: number;
    };
    const result: BenchResult = {
      benchmark: 'deskscore',
      version: 1,
      engine,
      tickets: o.tickets,
      seed: o.seed,
      measuredAt: new Date().toISOString(),
      environment: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        totalMemoryMB: Math.round(totalmem() / 1048576),
        loadAverageBefore: Math.round(loadBefore * 100) / 100,
        loadAverageAfter: Math.round(loadavg()[0]! * 100) / 100,
        duckdb: packageVersion('@duckdb/node-api'),
        autocannon: packageVersion('autocannon'),
        git: gitState(),
        reps: o.reps,
        orgSlug: o.flatOnly ? FLAT_ORG : BENCH_ORG,
        flatOnly: o.flatOnly,
        duckdbMemoryLimitWhileLoading: o.duckdbMemoryLimit ?? '1GB (default)',
        eventFiles: o.eventFiles,
      },
      dataset,
      imports: {
        flat: flat as BenchResult['imports']['flat'],
        events: events as BenchResult['imports']['events'],
        derive: d ? { ...d.all, peakRssMB: d.peakRssMB } : null,
        rederive: d ? d.rederive : null,
      },
      queries: queries as unknown as BenchResult['queries'],
      api,
      normalised: {},
      targets: [],
    };
    result.normalised = normalise(result);
    result.targets = checkTargets(result);
    return result;
  } finally {
    if (schema && !o.keep && !o.fromPhase) await pgAdmin(o.pgUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    else if (schema) log(`kept PostgreSQL schema ${schema}`);
  }
}

/**
 * The generated files: those already in the work directory when its manifest names the same size, seed,
 * shape and generator source (generation is deterministic), else generated anew.
 */
async function datasetIn(dir: string, o: Options): Promise<DatasetFiles> {
  const manifestFile = join(dir, 'dataset.json');
  const generator = createHash('sha256')
    .update(readFileSync(join(BENCH_DIR, 'dataset.ts')))
    .digest('hex');
  const wanted = { tickets: o.tickets, seed: o.seed, eventLog: !o.flatOnly, generator };
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof wanted & {
      files: DatasetFiles;
    };
    const same = (Object.keys(wanted) as Array<keyof typeof wanted>).every((k) => manifest[k] === wanted[k]);
    if (same && existsSync(manifest.files.flat.path)) {
      log(`reusing the ${o.tickets.toLocaleString('en-US')}-ticket dataset in ${dir}`);
      return manifest.files;
    }
  }
  log(`generating ${o.tickets.toLocaleString('en-US')} tickets (seed ${o.seed}) in ${dir}`);
  const files = await generateDataset(dir, o.tickets, o.seed, { eventLog: !o.flatOnly });
  writeFileSync(manifestFile, JSON.stringify({ ...wanted, files }, null, 2));
  return files;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!o) {
    process.stdout.write(USAGE);
    return;
  }
  const dir = o.workDir ? resolve(o.workDir) : mkdtempSync(join(tmpdir(), 'deskscore-bench-'));
  mkdirSync(dir, { recursive: true });
  try {
    const gen = await datasetIn(dir, o);
    log(
      `  ${gen.events.rows.toLocaleString('en-US')} events, ${gen.surveys.rows.toLocaleString('en-US')} surveys in ${gen.seconds.toFixed(1)} s`,
    );
    const eventFiles = o.eventFiles ?? 1;
    if (eventFiles > 1 && !o.flatOnly) {
      const parts = await splitEventLog(dir, o.tickets, eventFiles);
      log(`  event log split into ${parts.length} files of whole tickets`);
    }
    const strip = (f: { rows: number; bytes: number; sha256: string }) => ({
      rows: f.rows,
      bytes: f.bytes,
      sha256: f.sha256,
    });
    const dataset: BenchResult['dataset'] = {
      generateSeconds: Math.round(gen.seconds * 1000) / 1000,
      files: {
        tickets: strip(gen.flat),
        events: strip(gen.events),
        surveys: strip(gen.surveys),
        newEvents: strip(gen.newEvents),
      },
    };
    const results: BenchResult[] = [];
    mkdirSync(RESULTS_DIR, { recursive: true });
    const failures: string[] = [];
    for (const engine of o.engines) {
      let result: BenchResult;
      try {
        result = await runEngine(engine, o, dir, dataset);
      } catch (error) {
        // One engine failing (e.g. DuckDB out of memory) still leaves the other's figures.
        failures.push(`${engine}: ${(error as Error).message}`);
        log(`${engine} FAILED: ${(error as Error).message}`);
        continue;
      }
      results.push(result);
      const file = join(RESULTS_DIR, `${result.measuredAt.slice(0, 10)}-${engine}-${o.tickets}.json`);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      log(`${engine}: results in ${file}`);
      if (o.saveBaseline) {
        mkdirSync(BASELINE_DIR, { recursive: true });
        const baseline = join(BASELINE_DIR, `${engine}-${o.tickets}.json`);
        writeFileSync(baseline, `${JSON.stringify(result, null, 2)}\n`);
        log(`${engine}: baseline written to ${baseline}`);
      }
    }
    if (failures.length > 0) process.exitCode = 1;
    if (results.length === 0) throw new Error(`no engine completed:\n  ${failures.join('\n  ')}`);
    const r0 = results[0]!;
    process.stdout.write(
      `\ndeskscore benchmark: ${o.tickets.toLocaleString('en-US')} tickets (seed ${o.seed}), ` +
        `${r0.environment.cpus} cores, Node ${process.version}; warm = median of ${o.reps}; ` +
        `home = ${HOME_KPIS.length} KPIs × 13 months × team` +
        (o.eventFiles && o.eventFiles > 1 ? `; event log imported as ${o.eventFiles} files` : '') +
        (o.duckdbMemoryLimit ? `; DuckDB memory_limit ${o.duckdbMemoryLimit} while loading` : '') +
        '\n\n',
    );
    process.stdout.write(renderTable(results));
    process.stdout.write('\ntargets (issue 11):\n');
    process.stdout.write(renderTargets(results));
    for (const f of failures) process.stdout.write(`\nFAILED ${f}\n`);
  } finally {
    if (o.keep) log(`kept ${dir}`);
    else if (!o.workDir) rmSync(dir, { recursive: true, force: true });
    else if (!o.fromPhase)
      for (const f of ['bench.duckdb', 'bench.duckdb.wal']) rmSync(join(dir, f), { force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
