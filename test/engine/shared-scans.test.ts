import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
import { quantileRanks } from '../../src/engine/statistics.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

// Santiago moves its clocks at local midnight (00:00 → 23:00 in April, 00:00 → 01:00 in September):
// the hardest zone for period bounds computed outside the database.
const ZONE = 'America/Santiago';
const NOW = new Date('2026-12-01T00:00:00Z');
const RANGE = { from: '2026-01-01', to: '2026-10-31' };

/** Deterministic replies: 3,000 over ten months, 1,600 of them Alpha's in March (n > 1000), ties included. */
function replies(orgId: number) {
  const rows = [];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.parse('2026-01-01T03:00:00Z');
  const span = Date.parse('2026-10-31T00:00:00Z') - start;
  for (let i = 0; i < 3000; i++) {
    const march = i < 1600;
    const at = march
      ? Date.parse('2026-03-01T03:00:00Z') + Math.floor(next() * 30 * 86400) * 1000
      : start + Math.floor(next() * (span / 1000)) * 1000;
    rows.push({
      org_id: orgId,
      ticket_id: `t${i}`,
      seq: 1,
      replied_at: new Date(at),
      agent_id: `a${i % 7}`,
      team_id: march ? 'alpha' : i % 3 === 0 ? 'beta' : i % 3 === 1 ? 'alpha' : null,
      desk_id: 'd1',
      channel: 'email',
      priority: 'normal',
      reply_seconds: Math.floor(next() * 40) * 60,
      reply_business_seconds: i % 11 === 0 ? null : Math.floor(next() * 50) * 60,
      is_first: i % 2 === 0,
    });
  }
  // On and around the local midnights where the clocks move, and the month bounds.
  for (const iso of [
    '2026-04-05T02:59:59Z',
    '2026-04-05T03:00:00Z',
    '2026-04-05T03:59:59Z',
    '2026-04-05T04:00:00Z',
    '2026-09-06T03:59:59Z',
    '2026-09-06T04:00:00Z',
    '2026-05-01T03:59:59Z',
    '2026-05-01T04:00:00Z',
    '2026-10-01T02:59:59Z',
    '2026-10-01T03:00:00Z',
  ]) {
    rows.push({
      org_id: orgId,
      ticket_id: `edge-${iso}`,
      seq: 1,
      replied_at: new Date(iso),
      agent_id: 'a1',
      team_id: 'beta',
      desk_id: 'd1',
      channel: 'email',
      priority: 'normal',
      reply_seconds: 60,
      reply_business_seconds: 120,
      is_first: true,
    });
  }
  return rows;
}

const round2 = (v: number | null) => (v === null ? null : Math.round((v + Number.EPSILON) * 100) / 100);

describe.each(ENGINES)('shared scans and one-pass order statistics on %s', (engine) => {
  let store: Store;
  let org: Organization;
  const q = (input: Omit<KpiQueryInput, 'from' | 'to'>) =>
    runKpiQuery(store, org, CATALOGUE, { ...RANGE, ...input }, NOW);

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'scans', timeZone: ZONE });
    const rows = replies(org.id);
    for (let i = 0; i < rows.length; i += 500)
      await store.db
        .insertInto('reply_facts')
        .values(rows.slice(i, i + 500))
        .execute();
  });
  afterAll(async () => store?.close());

  it.each([
    ['month', 'median'],
    ['month', 'p90'],
    ['day', 'median'],
    ['week', 'p90'],
  ] as const)(
    'by %s at %s: the database’s own local periods, percentile_cont and exact ranks',
    async (grain, statistic) => {
      // The reference: buckets by the engine's time-zone conversion, order statistics in JS.
      const { rows: raw } = await sql<{ bucket: string; grp: string | null; x: number }>`
      SELECT CAST(CAST(date_trunc(${sql.lit(grain)}, r.replied_at AT TIME ZONE ${ZONE}) AS DATE) AS text) AS bucket,
        r.team_id AS grp, CAST(r.reply_business_seconds AS double precision) AS x
      FROM reply_facts r
      WHERE r.org_id = ${org.id} AND r.reply_business_seconds IS NOT NULL
        AND r.replied_at >= ${new Date('2026-01-01T03:00:00Z')} AND r.replied_at < ${new Date('2026-11-01T03:00:00Z')}`.execute(
        store.db,
      );
      const groups = new Map<string, number[]>();
      for (const r of raw) {
        // A first period that starts before the range is the range's first bucket, clipped.
        const key = `${[r.bucket, RANGE.from].sort()[1]}|${r.grp ?? '-'}`;
        const xs = groups.get(key) ?? [];
        xs.push(r.x);
        groups.set(key, xs);
      }
      const quantile = statistic === 'median' ? 0.5 : 0.9;
      const expected = new Map<
        string,
        { n: number; value: number | null; low: number | null; high: number | null }
      >();
      for (const [key, xs] of groups) {
        xs.sort((a, b) => a - b);
        const position = (xs.length - 1) * quantile;
        const lo = xs[Math.floor(position)]!;
        const hi = xs[Math.ceil(position)]!;
        const ranks = quantileRanks(xs.length, quantile);
        expected.set(key, {
          n: xs.length,
          value: round2(lo + (position - Math.floor(position)) * (hi - lo)),
          low: ranks ? xs[ranks.low - 1]! : null,
          high: ranks ? xs[ranks.high - 1]! : null,
        });
      }
      if (grain === 'month')
        expect(Math.max(...[...expected.values()].map((e) => e.n))).toBeGreaterThan(1000);

      const rows = await q({ kpi: 'avg_response_time', grain, by: 'team', statistic });
      const got = new Map<
        string,
        { n: number; value: number | null; low: number | null; high: number | null }
      >();
      for (const r of rows) {
        if (r.n > 0)
          got.set(`${r.bucket}|${r.team ?? '-'}`, { n: r.n, value: r.value, low: r.ci_low, high: r.ci_high });
      }
      expect(got).toEqual(expected);
    },
  );

  it('gives the same rows to KPIs asked together (one scan per source) as to each asked alone', async () => {
    const queries: Array<Omit<KpiQueryInput, 'from' | 'to'>> = [
      { kpi: 'avg_response_time', grain: 'month', by: 'team' },
      { kpi: 'avg_response_time', grain: 'month', by: 'team', statistic: 'mean' },
      { kpi: 'avg_response_time', grain: 'month', by: 'team', statistic: 'p90', clock: 'calendar' },
      { kpi: 'solved_per_agent_day', grain: 'month', by: 'team' },
      { kpi: 'avg_response_time', grain: 'month', by: 'agent', where: { team: ['alpha'] } },
      { kpi: 'avg_response_time', grain: 'all' },
    ];
    const alone = [];
    for (const input of queries) alone.push(await q(input));
    const together = await Promise.all(queries.map((input) => q(input)));
    expect(together).toEqual(alone);
    expect(alone[0]!.some((r) => r.n > 1000)).toBe(true);
  });
});
