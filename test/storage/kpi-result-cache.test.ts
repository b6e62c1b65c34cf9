import { CompiledQuery, type KyselyPlugin, PostgresQueryCompiler, sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import { recordAudit } from '../../src/storage/audit-log.js';
import type { Store } from '../../src/storage/database.js';
import { openStore } from '../../src/storage/database.js';
import { KpiResultCache, kpiNow } from '../../src/storage/kpi-result-cache.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { domainsWritten, TABLES_NO_KPI_READS } from '../../src/storage/write-tracking.js';
import { ENGINES, type EngineName, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const MARCH = dedent(`
  id,created_at,status,team,assignee,channel,first_response_at,solved_at
  T1,2026-03-02T09:00:00Z,solved,Alpha,ana,email,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z
  T2,2026-03-03T09:00:00Z,solved,Beta,bo,email,2026-03-03T09:30:00Z,2026-03-05T09:00:00Z
  T3,2026-03-04T09:00:00Z,open,Alpha,ana,chat,2026-03-04T11:00:00Z,
`);
// A later delivery: one new ticket, and T3 answered sooner than first exported.
const LATER = dedent(`
  id,created_at,status,team,assignee,channel,first_response_at,solved_at
  T3,2026-03-04T09:00:00Z,solved,Alpha,ana,chat,2026-03-04T09:10:00Z,2026-03-04T12:00:00Z
  T4,2026-03-09T09:00:00Z,open,Beta,bo,phone,2026-03-09T09:20:00Z,
`);

const NOW = new Date('2026-04-01T00:00:00Z');
const VOLUME: KpiQueryInput = {
  kpi: 'ticket_volume',
  from: '2026-03-01',
  to: '2026-03-31',
  grain: 'month',
  by: 'team',
};
const FIRST_RESPONSE: KpiQueryInput = {
  kpi: 'first_response_time',
  from: '2026-03-01',
  to: '2026-03-31',
  grain: 'month',
};

async function load(store: Store, org: Organization, name: string, text: string) {
  const summary = await importFile({ store, org, file: files.write(name, text) });
  await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
}

const values = (rows: Array<{ value: number | null }>) => rows.map((r) => r.value);

describe.each(ENGINES)('the KPI result cache on %s', (engine: EngineName) => {
  let store: Store;
  let plain: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await plain?.close();
    plain = undefined;
  });

  async function setup() {
    const cache = new KpiResultCache(1024 * 1024);
    store = await freshStore(engine, { kpiCache: cache });
    const org = await createOrganization(store.db, { slug: 'cached', timeZone: 'UTC' });
    await load(store, org, `march-${engine}.csv`, MARCH);
    return { cache, org };
  }

  it('serves a repeated query from memory, and recomputes it after new data arrives', async () => {
    const { cache, org } = await setup();
    const first = await runKpiQuery(store, org, CATALOGUE, FIRST_RESPONSE, NOW);
    // T1 3600 s, T2 1800 s, T3 7200 s: median 3600.
    expect(first[0]).toMatchObject({ value: 3600, n: 3 });
    const again = await runKpiQuery(store, org, CATALOGUE, FIRST_RESPONSE, NOW);
    expect(again).toEqual(first);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });

    // A caller changing its copy changes nothing cached.
    again[0]!.value = -1;
    expect((await runKpiQuery(store, org, CATALOGUE, FIRST_RESPONSE, NOW))[0]!.value).toBe(3600);

    await load(store, org, `later-${engine}.csv`, LATER);
    // T1 3600, T2 1800, T3 600, T4 1200: median (1200 + 1800) / 2 = 1500, n 4.
    const after = await runKpiQuery(store, org, CATALOGUE, FIRST_RESPONSE, NOW);
    expect(after[0]).toMatchObject({ value: 1500, n: 4 });
    expect(values(await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW))).toEqual([2, 2]);
  });

  it('never serves, after a write, a result computed before it (a query running while an import commits)', async () => {
    const { org } = await setup();
    const running = runKpiQuery(store, org, CATALOGUE, VOLUME, NOW);
    const importing = load(store, org, `race-${engine}.csv`, LATER);
    const [during] = await Promise.all([running, importing]);
    // Either answer is right while the import runs …
    expect([[2, 1].join(), [2, 2].join()]).toContain(values(during).join());
    // … but once it has committed, only the new one is.
    expect(values(await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW))).toEqual([2, 2]);
  });

  it('keeps answers apart by scope, time zone, "now" and query', async () => {
    const { cache, org } = await setup();
    const all = await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW);
    const alphaId = (
      await store.db.selectFrom('teams').select('id').where('name', '=', 'Alpha').executeTakeFirstOrThrow()
    ).id;
    const scoped = await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW, { team: [alphaId] });
    expect(values(all)).toEqual([2, 1]);
    expect(values(scoped)).toEqual([2]);
    const byDay = await runKpiQuery(
      store,
      org,
      CATALOGUE,
      { ...VOLUME, grain: 'day', from: '2026-03-02', to: '2026-03-02' },
      NOW,
    );
    expect(values(byDay)).toEqual([1]);
    // T3 opened 09:00 UTC on 4 March: in Pacific time (UTC−8) the day before the 4th ends at 08:00 UTC.
    const pacific = { ...org, time_zone: 'America/Los_Angeles' };
    const day4 = { ...VOLUME, by: undefined, grain: 'day' as const, from: '2026-03-04', to: '2026-03-04' };
    expect(values(await runKpiQuery(store, org, CATALOGUE, day4, NOW))).toEqual([1]);
    expect(values(await runKpiQuery(store, pacific, CATALOGUE, day4, NOW))).toEqual([1]);
    const earlier = new Date('2026-03-03T12:00:00Z');
    expect(values(await runKpiQuery(store, org, CATALOGUE, { ...VOLUME, by: undefined }, earlier))).toEqual([
      3,
    ]);
    expect(cache.stats().hits).toBe(0);
  });

  it('is not emptied by writes to tables no KPI reads (sessions, audit), but is by any other', async () => {
    const { cache, org } = await setup();
    await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW);
    const before = store.writes.localVersion('kpi');
    await recordAudit(store.db, { orgId: org.id, actorUserId: null, actor: 'test', action: 'test.write' });
    await store.db
      .transaction()
      .execute((trx) =>
        recordAudit(trx, { orgId: org.id, actorUserId: null, actor: 'test', action: 'test.trx' }),
      );
    expect(await store.db.selectFrom('audit_log').select('id').execute()).toHaveLength(2);
    await sql`DELETE FROM sessions WHERE org_id = ${org.id}`.execute(store.db);
    expect(store.writes.localVersion('kpi')).toBe(before);
    await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW);
    expect(cache.stats().hits).toBe(1);
    // A KPI table written outside any transaction and by raw SQL counts.
    await sql`UPDATE teams SET name = name WHERE org_id = ${org.id}`.execute(store.db);
    expect(store.writes.localVersion('kpi')).toBe(before + 1);
    await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
    // A rolled-back transaction changes nothing.
    await store.db
      .transaction()
      .execute(async (trx) => {
        await sql`UPDATE teams SET name = name WHERE org_id = ${org.id}`.execute(trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(store.writes.localVersion('kpi')).toBe(before + 1);
  });

  it.runIf(engine === 'postgres')('is invalidated by another process writing the same database', async () => {
    const { cache, org } = await setup();
    expect(values(await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW))).toEqual([2, 1]);
    // A second store on the same schema stands for a CLI import run beside the server.
    plain = await openStore(store.target);
    await load(plain, org, `other-${engine}.csv`, LATER);
    expect(values(await runKpiQuery(store, org, CATALOGUE, VOLUME, NOW))).toEqual([2, 2]);
    expect(cache.stats().hits).toBe(0);
  });

  it('agrees with the uncached engine on every home KPI', async () => {
    const { org } = await setup();
    plain = await freshStoreSharing(engine, store);
    for (const def of CATALOGUE.values()) {
      if (def.measure.kind === 'manual') continue;
      const input: KpiQueryInput = { kpi: def.id, from: '2026-03-01', to: '2026-03-31', grain: 'week' };
      let expected: unknown;
      try {
        expected = await runKpiQuery(plain, org, CATALOGUE, input, NOW);
      } catch (error) {
        await expect(runKpiQuery(store, org, CATALOGUE, input, NOW)).rejects.toThrow(
          (error as Error).message,
        );
        continue;
      }
      expect(await runKpiQuery(store, org, CATALOGUE, input, NOW)).toEqual(expected);
      expect(await runKpiQuery(store, org, CATALOGUE, input, NOW)).toEqual(expected);
    }
  });
});

/** The same database without a cache: DuckDB's in-memory store is only reachable through its own handle. */
async function freshStoreSharing(engine: EngineName, store: Store): Promise<Store> {
  if (engine === 'postgres') return openStore(store.target);
  return { ...store, kpiCache: undefined, close: async () => {} } as Store;
}

describe('"now" of live KPI answers', () => {
  it('is the start of the minute, so requests within one minute share an answer', () => {
    expect(kpiNow(new Date('2026-03-04T12:34:56.789Z')).toISOString()).toBe('2026-03-04T12:34:00.000Z');
  });
});

describe('which statements invalidate cached KPI results', () => {
  const raw = (text: string) => CompiledQuery.raw(text);
  const kpi = (text: string) => domainsWritten(raw(text)).has('kpi');
  it('reads do not; writes do, unless every table they write is one no KPI reads', () => {
    expect(kpi('SELECT 1')).toBe(false);
    expect(kpi('  -- note\n  WITH x AS (SELECT 1) SELECT * FROM x')).toBe(false);
    expect(kpi('WITH x AS (DELETE FROM tickets RETURNING id) SELECT * FROM x')).toBe(true);
    expect(kpi('EXPLAIN ANALYZE UPDATE tickets SET status = 1')).toBe(true);
    expect(kpi('ANALYZE tickets')).toBe(false);
    expect(kpi('INSERT INTO ticket_facts SELECT * FROM x')).toBe(true);
    expect(kpi('insert into "sessions" (id) values (1)')).toBe(false);
    expect(kpi('UPDATE api_tokens SET last_used_at = now()')).toBe(false);
    expect(kpi('DELETE FROM audit_log')).toBe(false);
    expect(kpi('CREATE TEMP TABLE stage (a int)')).toBe(true);
    expect(kpi('COPY tickets FROM STDIN')).toBe(true);
    expect(kpi('something new')).toBe(true);
    // Who a credential belongs to: tokens, sessions, users and organisations.
    expect([...domainsWritten(raw('UPDATE api_tokens SET revoked_at = now()'))]).toEqual(['accounts']);
    expect([...domainsWritten(raw('UPDATE organizations SET time_zone = 1'))].sort()).toEqual([
      'accounts',
      'kpi',
    ]);
    expect([...domainsWritten(raw('INSERT INTO tickets VALUES (1)'))]).toEqual(['kpi']);
  });

  it('no compiled KPI statement reads a table whose writes are ignored', async () => {
    const store = await freshStore('duckdb');
    try {
      const org = await createOrganization(store.db, { slug: 'guard', timeZone: 'UTC' });
      const text: string[] = [];
      const recorder: Store = { ...store, db: store.db.withPlugin(recordSql(text)) };
      for (const def of CATALOGUE.values()) {
        try {
          await runKpiQuery(
            recorder,
            org,
            CATALOGUE,
            { kpi: def.id, from: '2026-03-01', to: '2026-03-31', grain: 'month', by: def.dimensions[0] },
            NOW,
          );
        } catch {
          // A KPI without that breakdown still compiled its statements before refusing, or none.
        }
      }
      expect(text.length).toBeGreaterThan(CATALOGUE.size);
      for (const table of TABLES_NO_KPI_READS) {
        const pattern = new RegExp(`\\b${table}\\b`, 'i');
        expect(
          text.filter((s) => pattern.test(s)),
          table,
        ).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });
});

function recordSql(into: string[]): KyselyPlugin {
  const compiler = new PostgresQueryCompiler();
  return {
    transformQuery: ({ node, queryId }) => {
      into.push(compiler.compileQuery(node, queryId).sql);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}
