/**
 * API latency under load: the server in a child process (bench/server-child.ts), autocannon in this
 * one, N concurrent keep-alive clients authenticated with an API token. Latencies are collected per
 * response, so p50/p95/p99 are exact (autocannon's own summary has no p95).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { DatabaseTarget } from '../src/storage/database.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export interface RunningChild {
  url: string;
  pid: number;
  /** Current and peak resident set size of the server process (Linux /proc), in MB. */
  memory(): { rssMB: number; peakRssMB: number } | null;
  stop(): Promise<void>;
}

/**
 * Starts the server; its first stdout line is its address, every later one (its error log) goes to
 * `logFile`, so the pipe never fills.
 */
export async function startServerChild(target: DatabaseTarget, logFile: string): Promise<RunningChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(BENCH_DIR, 'server-child.ts'), JSON.stringify(target)],
    { cwd: join(BENCH_DIR, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const log = createWriteStream(logFile);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        log.write(`${line}\n`);
        return;
      }
      first = false;
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch (error) {
        reject(error);
      }
    });
    exited.then((code) => reject(new Error(`the server exited with code ${code} before it was ready`)));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    memory() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
        return {
          rssMB: Math.round(kb('VmRSS') / 102.4) / 10,
          peakRssMB: Math.round(kb('VmHWM') / 102.4) / 10,
        };
      } catch {
        return null;
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
}

export interface LoadResult {
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Every path once, one after the other: loads caches and JIT before the measured run. */
export async function warmUp(url: string, token: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`warm-up: GET ${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
}

/** `connections` clients cycle through `paths` for `seconds`. */
export async function loadTest(
  url: string,
  token: string,
  paths: readonly string[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      connections,
      duration: seconds,
      timeout: 30,
      headers: { authorization: `Bearer ${token}` },
      requests: paths.map((path) => ({ method: 'GET' as const, path })),
    },
    (error, result) => (error ? fail(error as Error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    seconds,
    connections,
    requests: latencies.length,
    requestsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
    p50: ms(percentile(latencies, 50)),
    p95: ms(percentile(latencies, 95)),
    p99: ms(percentile(latencies, 99)),
    max: ms(latencies[latencies.length - 1] ?? Number.NaN),
    errors: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  };
}
