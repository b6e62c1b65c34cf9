/**
 * Derive and KPI-query timings on a generated event log (the import benchmark's generator), on DuckDB
 * and PostgreSQL: import, derive of every ticket, then every computed KPI of the catalogue by team and
 * week over the generated year, cold (first run) and warm (second run).
 *
 *   npx tsx bench/kpi-queries.ts [--rows 500000] [--engines duckdb,postgres] [--seed 42]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CATALOGUE } from '../src/catalogue/index.js';
import { importFile } from '../src/ingest/import-file.js';
import { deriveTickets } from '../src/jobs/derive-tickets.js';
import { type DatabaseTarget, openStore } from '../src/storage/database.js';
import { createOrganization } from '../src/storage/organizations.js';
import { runKpiQuery } from '../src/storage/run-kpi-query.js';
import { generateEventLog } from './import-event-log.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--'))
    args.set(
      a.slice(2),
      process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[++i]! : 'true',
    );
}
const rows = Number(args.get('rows') ?? 500000);
const seed = Number(args.get('seed') ?? 42);
const engines = (args.get('engines') ?? 'duckdb,postgres').split(',');
const pgUrl =
  args.get('pg-url') ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const seconds = (start: number) => (performance.now() - start) / 1000;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'deskscore-kpibench-'));
  const csv = join(dir, `events-${rows}.csv`);
  const gen = await generateEventLog(csv, rows, seed);
  process.stderr.write(
    `generated ${gen.rows} events, ${gen.tickets} tickets (${gen.firstAt} … ${gen.lastAt})\n`,
  );
  const results: Record<string, unknown>[] = [];
  for (const engine of engines) {
    let target: DatabaseTarget;
    const schema = `kpibench_${process.pid}`;
    if (engine === 'postgres') {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      await c.end();
      target = { kind: 'postgres', location: pgUrl, schema };
    } else {
      target = { kind: 'duckdb', location: join(dir, 'bench.duckdb') };
    }
    const store = await openStore(target);
    try {
      const org = await createOrganization(store.db, { slug: 'bench', timeZone: 'Europe/Madrid' });
      let t = performance.now();
      const imported = await importFile({ store, org, file: csv });
      const importSeconds = seconds(t);
      t = performance.now();
      const derived = await deriveTickets(store, org, { kind: 'all' });
      const deriveSeconds = seconds(t);
      process.stderr.write(
        `${engine}: import ${importSeconds.toFixed(1)} s, derive ${deriveSeconds.toFixed(1)} s (${derived.tickets} tickets)\n`,
      );
      const queries: Record<string, { cold: number; warm: number; rows: number }> = {};
      const from = gen.firstAt.slice(0, 10);
      const to = gen.lastAt.slice(0, 10);
      for (const def of CATALOGUE.values()) {
        if (def.source !== 'computed') continue;
        const query = { kpi: def.id, from, to, grain: 'week' as const, by: 'team' as const };
        t = performance.now();
        const out = await runKpiQuery(store, org, CATALOGUE, query);
        const cold = seconds(t);
        t = performance.now();
        await runKpiQuery(store, org, CATALOGUE, query);
        queries[def.id] = { cold, warm: seconds(t), rows: out.length };
      }
      results.push({
        engine,
        rows,
        tickets: imported.tickets.created,
        importSeconds,
        deriveSeconds,
        derived,
        queries,
      });
    } finally {
      await store.close();
      if (engine === 'postgres') {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const kpis = Object.keys((results[0]?.queries as object) ?? {});
  const header = [
    'kpi (team × week)',
    ...results.flatMap((r) => [`${r.engine} cold ms`, `${r.engine} warm ms`]),
  ];
  const table = [
    header,
    ['import s', ...results.flatMap((r) => [(r.importSeconds as number).toFixed(1), ''])],
    ['derive s', ...results.flatMap((r) => [(r.deriveSeconds as number).toFixed(1), ''])],
    ...kpis.map((k) => [
      k,
      ...results.flatMap((r) => {
        const q = (r.queries as Record<string, { cold: number; warm: number }>)[k]!;
        return [(q.cold * 1000).toFixed(0), (q.warm * 1000).toFixed(0)];
      }),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table)
    process.stdout.write(
      `${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`,
    );
  const outDir = new URL('./results/', import.meta.url);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(new URL(`kpi-queries-${rows}.json`, outDir), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
