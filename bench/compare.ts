/**
 * `npm run bench:compare [-- <results.json> …] [--threshold 25]`
 *
 * Compares results with the committed baselines (bench/baseline/<engine>-<tickets>.json) metric by
 * metric in their normalised form (bench/report.ts: times as ratios to the reference statement of the
 * same run, import and derive times as ratios to the same run's generator time), so a slower or busier
 * machine cancels out. A metric more than the threshold (default 25 %) worse than its baseline is a
 * regression; any API error where the baseline had none is one too. Exit code 1 when there is one.
 * Without arguments, the newest results file for each baseline's engine and size is compared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BASELINE_DIR, RESULTS_DIR } from './config.js';
import { type BenchResult, METRICS } from './report.js';

interface Row {
  metric: string;
  baseline: string;
  now: string;
  change: string;
  status: 'ok' | 'REGRESSION' | 'better' | 'new' | 'gone';
}

function read(file: string): BenchResult {
  const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  if (r.benchmark !== 'deskscore' || r.version !== 1)
    throw new Error(`${file} is not a deskscore bench result`);
  return r;
}

const jsonFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(dir, f))
    : [];

/** The newest result (by measuredAt) for an engine and size. */
function newestResult(engine: string, tickets: number): string | undefined {
  let best: { file: string; at: string } | undefined;
  for (const file of jsonFiles(RESULTS_DIR)) {
    try {
      const r = read(file);
      if (r.engine === engine && r.tickets === tickets && (!best || r.measuredAt > best.at))
        best = { file, at: r.measuredAt };
    } catch {
      // other benchmarks' files live here too
    }
  }
  return best?.file;
}

function raw(r: BenchResult, key: string): string {
  const m = METRICS.find((x) => x.key === key);
  const v = m?.value(r);
  return v === null || v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function compareResults(baseline: BenchResult, now: BenchResult, threshold: number): Row[] {
  const rows: Row[] = [];
  const keys = new Set([...Object.keys(baseline.normalised), ...Object.keys(now.normalised)]);
  for (const key of METRICS.map((m) => m.key).filter((k) => keys.has(k))) {
    const b = baseline.normalised[key];
    const n = now.normalised[key];
    const label = METRICS.find((m) => m.key === key)!.label;
    const shown = { metric: label, baseline: raw(baseline, key), now: raw(now, key) };
    if (b === undefined) {
      rows.push({ ...shown, change: '', status: 'new' });
      continue;
    }
    if (n === undefined) {
      rows.push({ ...shown, change: '', status: 'gone' });
      continue;
    }
    // Every normalised metric is "lower is better"; errors count from zero.
    if (b === 0) {
      rows.push({ ...shown, change: n === 0 ? '0' : `+${n}`, status: n > 0 ? 'REGRESSION' : 'ok' });
      continue;
    }
    const change = n / b - 1;
    rows.push({
      ...shown,
      change: `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)} %`,
      status: change > threshold ? 'REGRESSION' : change < -threshold ? 'better' : 'ok',
    });
  }
  return rows;
}

function render(rows: readonly Row[]): string {
  const header: Row = {
    metric: 'metric',
    baseline: 'baseline',
    now: 'now',
    change: 'normalised Δ',
    status: 'ok',
  };
  const all = [header, ...rows];
  const w = (f: keyof Row) => Math.max(...all.map((r) => r[f].length));
  const line = (r: Row, status: string) =>
    `${r.metric.padEnd(w('metric'))}  ${r.baseline.padStart(w('baseline'))}  ${r.now.padStart(w('now'))}  ${r.change.padStart(w('change'))}  ${status}`;
  return `${[line(header, 'status'), ...rows.map((r) => line(r, r.status))].join('\n')}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  let threshold = 0.25;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help') {
      process.stdout.write(
        'usage: npm run bench:compare [-- <results.json> …] [--threshold 25]\n' +
          'Compares with bench/baseline/<engine>-<tickets>.json; without files, the newest result of each baseline.\n',
      );
      return;
    }
    if (a === '--threshold' || a.startsWith('--threshold=')) {
      const v = Number(a.includes('=') ? a.split('=')[1] : args[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error('--threshold is a percentage, e.g. 25');
      threshold = v / 100;
    } else files.push(resolve(a));
  }
  const pairs: Array<{ baseline: string; now: string }> = [];
  if (files.length > 0) {
    for (const file of files) {
      const r = read(file);
      const baseline = join(BASELINE_DIR, `${r.engine}-${r.tickets}.json`);
      if (!existsSync(baseline))
        throw new Error(`no baseline for ${r.engine} at ${r.tickets} tickets (${baseline})`);
      pairs.push({ baseline, now: file });
    }
  } else {
    for (const baseline of jsonFiles(BASELINE_DIR)) {
      const b = read(baseline);
      const now = newestResult(b.engine, b.tickets);
      if (now) pairs.push({ baseline, now });
      else
        process.stdout.write(
          `${b.engine}, ${b.tickets} tickets: no results yet (npm run bench -- --tickets ${b.tickets} --engine ${b.engine})\n`,
        );
    }
  }
  if (pairs.length === 0) {
    process.stdout.write('nothing to compare\n');
    return;
  }
  let regressions = 0;
  for (const { baseline, now } of pairs) {
    const b = read(baseline);
    const n = read(now);
    const rows = compareResults(b, n, threshold);
    regressions += rows.filter((r) => r.status === 'REGRESSION').length;
    process.stdout.write(
      `\n${n.engine}, ${n.tickets.toLocaleString('en-US')} tickets: ${now} (${n.measuredAt}) against ${baseline} (${b.measuredAt})\n\n`,
    );
    process.stdout.write(render(rows));
  }
  process.stdout.write(
    regressions > 0
      ? `\n${regressions} regression(s) of more than ${Math.round(threshold * 100)} % (normalised)\n`
      : `\nno regression of more than ${Math.round(threshold * 100)} % (normalised)\n`,
  );
  if (regressions > 0) process.exitCode = 1;
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:compare: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
