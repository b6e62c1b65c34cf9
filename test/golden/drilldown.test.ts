import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
import { KpiQueryError } from '../../src/engine/kpi-query.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import {
  DrilldownUnsupportedError,
  type DrillOptionsInput,
  type DrillRow,
  exportDrilldown,
  exportTickets,
  type Restriction,
  runDrilldown,
} from '../../src/storage/run-drilldown.js';
import { KpiScopeError, runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { saveSchedule, saveSlaPolicy } from '../../src/storage/settings-repository.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';
import { GOLDEN_EVENTS, GOLDEN_POLICY, GOLDEN_SCHEDULE } from './ticket-kpis.fixture.js';

/**
 * Drill-down (issue 7, "Done when"): for a KPI bucket the rows behind it recount to exactly its numerator
 * and denominator (a ratio), its median and n (a duration) and its top-2-box share (a survey), on every
 * engine. The ticket fixture is the hand-worked golden organisation of ticket-kpis.fixture.ts.
 */
const files = scratchDir();
afterAll(() => files.cleanup());
const NOW = new Date('2026-06-01T00:00:00Z');
const MARCH = { from: '2026-03-01', to: '2026-03-31', grain: 'month' as const };

type Query = Omit<KpiQueryInput, 'from' | 'to'> & Partial<Pick<KpiQueryInput, 'from' | 'to'>>;

const ids = (rows: readonly DrillRow[]) => rows.map((r) => r.id).sort();
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

describe.each(ENGINES)('drill-down on %s (golden tickets, Europe/Madrid)', (engine) => {
  let store: Store;
  let org: Organization;
  const kpi = async (q: Query) => {
    const rows = await runKpiQuery(store, org, CATALOGUE, { ...MARCH, ...q }, NOW);
    return rows;
  };
  const drill = (q: Query, options: Partial<DrillOptionsInput> = {}, restrict: Restriction = {}) =>
    runDrilldown(
      store,
      org,
      CATALOGUE,
      { ...MARCH, ...q },
      { bucket: '2026-03-01', limit: 1000, ...options },
      NOW,
      restrict,
    );

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'golden', timeZone: 'Europe/Madrid' });
    await saveSchedule(store.db, org.id, GOLDEN_SCHEDULE);
    await saveSlaPolicy(store.db, org.id, GOLDEN_POLICY);
    const summary = await importFile({ store, org, file: files.write('golden.csv', GOLDEN_EVENTS) });
    await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
  });
  afterAll(async () => store?.close());

  it('fcr_rate: the rows recount to its numerator and denominator', async () => {
    // Solved in March with ≥ 1 human reply: A, B, G, E, F (I has none and is in neither side). Exactly one
    // reply and no reopen: A, G, F → 3 / 5 = 60 %.
    const [row] = await kpi({ kpi: 'fcr_rate' });
    const d = await drill({ kpi: 'fcr_rate' });
    expect(ids(d.rows)).toEqual(['A', 'B', 'E', 'F', 'G']);
    expect(ids(d.rows.filter((r) => r.in_numerator))).toEqual(['A', 'F', 'G']);
    expect(d.rows.every((r) => r.in_denominator && r.source === 'tickets_by_solve')).toBe(true);
    const numerator = d.rows.filter((r) => r.in_numerator).length;
    const denominator = d.rows.filter((r) => r.in_denominator).length;
    expect([numerator, denominator]).toEqual([row!.numerator, row!.denominator]);
    expect(d.totals).toMatchObject({ rows: 5, n: 5, numerator: 3, denominator: 5, value: 60 });
    expect(d.totals.value).toBe(row!.value);
    // The facts that made it: A had one reply and no reopen; E two replies.
    const byId = new Map(d.rows.map((r) => [r.id, r]));
    expect(byId.get('A')!.facts).toMatchObject({
      agent_replies: 1,
      reopen_count: 0,
      fcr_single_reply_no_reopen: true,
    });
    expect(byId.get('E')!.facts).toMatchObject({ agent_replies: 2, fcr_single_reply_no_reopen: false });
    expect(d.variant).toBe('single_reply_no_reopen');

    // one_touch: ≤ 1 reply over all six solved (I with zero included): A, G, F, I → 4 / 6.
    const oneTouch = await drill({ kpi: 'fcr_rate', variant: 'one_touch' });
    expect(ids(oneTouch.rows)).toEqual(['A', 'B', 'E', 'F', 'G', 'I']);
    expect(ids(oneTouch.rows.filter((r) => r.in_numerator))).toEqual(['A', 'F', 'G', 'I']);
    expect(oneTouch.totals).toMatchObject({ numerator: 4, denominator: 6, value: 66.67 });
  });

  it('fcr_rate for one group: the rows of that group only', async () => {
    // Beta solved B, E, F in March; only F had one reply and no reopen → 1 / 3.
    const byTeam = await kpi({ kpi: 'fcr_rate', by: 'team' });
    const beta = byTeam.find((r) => r.team === 'Beta')!;
    const d = await drill({ kpi: 'fcr_rate', by: 'team' }, { group: 'Beta' });
    expect(ids(d.rows)).toEqual(['B', 'E', 'F']);
    expect(d.rows.every((r) => r.team === 'Beta')).toBe(true);
    expect([d.totals.numerator, d.totals.denominator, d.totals.value]).toEqual([
      beta.numerator,
      beta.denominator,
      beta.value,
    ]);
    expect([d.by, d.group]).toEqual(['team', 'Beta']);
    // A week bucket: 9–15 March holds A (solved Mon 9, 09:40 local), B (Tue 10) and G (Fri 13); A and G
    // had one reply and no reopen → 2 / 3, as the KPI's week row says.
    const week = await drill({ kpi: 'fcr_rate', grain: 'week' }, { bucket: '2026-03-09' });
    const weekRow = (await kpi({ kpi: 'fcr_rate', grain: 'week' })).find((r) => r.bucket === '2026-03-09')!;
    expect(ids(week.rows)).toEqual(['A', 'B', 'G']);
    expect([week.bucket, week.bucket_end, week.totals.numerator, week.totals.denominator]).toEqual([
      '2026-03-09',
      '2026-03-15',
      2,
      3,
    ]);
    expect([weekRow.numerator, weekRow.denominator]).toEqual([2, 3]);
  });

  it('sla_compliance: SLA instances, achieved ones in the numerator', async () => {
    // B first reply + resolution, E first reply + next reply + resolution achieved; F first reply and
    // resolution breached → 5 / 7.
    const [row] = await kpi({ kpi: 'sla_compliance' });
    const d = await drill({ kpi: 'sla_compliance' });
    expect(d.rows.map((r) => r.ticket_id).sort()).toEqual(['B', 'B', 'E', 'E', 'E', 'F', 'F']);
    const achieved = d.rows.filter((r) => r.in_numerator);
    expect(achieved.map((r) => r.ticket_id).sort()).toEqual(['B', 'B', 'E', 'E', 'E']);
    expect(achieved.every((r) => r.facts.achieved_at instanceof Date)).toBe(true);
    const breached = d.rows.filter((r) => !r.in_numerator);
    expect(breached.map((r) => r.facts.metric).sort()).toEqual(['first_reply', 'resolution']);
    expect(breached.every((r) => r.facts.achieved_at === null && r.facts.breached_at instanceof Date)).toBe(
      true,
    );
    expect([achieved.length, d.rows.filter((r) => r.in_denominator).length]).toEqual([
      row!.numerator,
      row!.denominator,
    ]);
    expect(d.totals).toMatchObject({ numerator: 5, denominator: 7, value: 71.43 });
  });

  it('first_response_time: the median of the rows is the KPI value and n is the row count', async () => {
    // Business seconds by creation: A 1800, B 1800, G 3600, E 3600, F 36000, H 1800, C 1800; I has no human
    // reply and is not a row. Median of 1800 ×4, 3600 ×2, 36000 = 1800; n 7.
    const [row] = await kpi({ kpi: 'first_response_time' });
    const d = await drill({ kpi: 'first_response_time' });
    expect(ids(d.rows)).toEqual(['A', 'B', 'C', 'E', 'F', 'G', 'H']);
    const values = d.rows.map((r) => r.value!);
    expect([...values].sort((a, b) => a - b)).toEqual([1800, 1800, 1800, 1800, 3600, 3600, 36000]);
    expect(median(values)).toBe(row!.value);
    expect(d.rows.length).toBe(row!.n);
    expect(d.totals).toMatchObject({ rows: 7, n: 7, value: 1800, numerator: null, denominator: null });
    expect(d.variant).toBe('median, business');
    // Each value is the fact it came from.
    expect(d.rows.every((r) => r.value === r.facts.first_response_business_seconds)).toBe(true);
    // Calendar clock: A 171000, F 93600 → median 3600 (ticket-kpis.test.ts).
    const calendar = await drill({ kpi: 'first_response_time', clock: 'calendar' });
    const [calendarRow] = await kpi({ kpi: 'first_response_time', clock: 'calendar' });
    expect(median(calendar.rows.map((r) => r.value!))).toBe(calendarRow!.value);
    expect(calendar.totals.value).toBe(3600);
    // Mean: (4 × 1800 + 2 × 3600 + 36000) / 7 = 7200; numerator the sum 50400, denominator n.
    const mean = await drill({ kpi: 'first_response_time', statistic: 'mean' });
    expect(mean.totals).toMatchObject({ value: 7200, numerator: 50400, denominator: 7 });
  });

  it('a ratio of two row sets (solved ÷ created): their union, each row in its own side', async () => {
    // Solved in March: A, B, G, I, E, F (6); created in March: A, B, G, I, E, F, H, C (8; D deleted) → 75 %.
    const [row] = await kpi({ kpi: 'resolution_efficiency' });
    const d = await drill({ kpi: 'resolution_efficiency' });
    const solved = d.rows.filter((r) => r.in_numerator);
    const created = d.rows.filter((r) => r.in_denominator);
    expect(solved.every((r) => r.source === 'tickets_by_solve' && !r.in_denominator)).toBe(true);
    expect(created.every((r) => r.source === 'tickets_by_created' && !r.in_numerator)).toBe(true);
    expect(ids(solved)).toEqual(['A', 'B', 'E', 'F', 'G', 'I']);
    expect(ids(created)).toEqual(['A', 'B', 'C', 'E', 'F', 'G', 'H', 'I']);
    expect([solved.length, created.length]).toEqual([row!.numerator, row!.denominator]);
    expect(d.totals).toMatchObject({ rows: 14, numerator: 6, denominator: 8, value: 75 });
  });

  it('agent-days: one row per agent and local day, recounting the denominator', async () => {
    const [row] = await kpi({ kpi: 'solved_per_agent_day' });
    const d = await drill({ kpi: 'solved_per_agent_day' });
    const days = d.rows.filter((r) => r.source === 'agent_days');
    expect(days.length).toBe(row!.denominator);
    expect(d.rows.filter((r) => r.in_numerator).length).toBe(row!.numerator);
    // ana replied and solved A on Mon 9 March (local): one agent-day with two activities.
    expect(days.find((r) => r.id === 'ana|2026-03-09')).toMatchObject({
      agent: 'ana',
      facts: { day: '2026-03-09', activities: 2 },
    });
  });

  it('backlog: the tickets open at the end of the bucket', async () => {
    // End of March: C (final solve 2 April) and H (never solved).
    const d = await drill({ kpi: 'backlog' });
    expect(ids(d.rows)).toEqual(['C', 'H']);
    expect(d.totals).toMatchObject({ n: 2, value: 2 });
  });

  it('pages and sorts by a whitelisted column, stably', async () => {
    // By value descending: F 36000, then G and E (3600, by placement: G 12 Mar, E 18 Mar), then the 1800s.
    const all = await drill({ kpi: 'first_response_time' }, { sort: 'value', order: 'desc' });
    expect(all.rows.slice(0, 3).map((r) => r.id)).toEqual(['F', 'G', 'E']);
    const pages: DrillRow[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await drill(
        { kpi: 'first_response_time' },
        { sort: 'value', order: 'desc', limit: 3, offset },
      );
      expect(page.rows.length).toBeLessThanOrEqual(3);
      expect(page.totals.n).toBe(7);
      pages.push(...page.rows);
      offset = page.next_offset;
    }
    expect(pages.map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
    // Sorting by id, both ways.
    const byId = await drill({ kpi: 'fcr_rate' }, { sort: 'id', order: 'desc' });
    expect(byId.rows.map((r) => r.id)).toEqual(['G', 'F', 'E', 'B', 'A']);
    const byFlag = await drill({ kpi: 'fcr_rate' }, { sort: 'in_numerator', order: 'desc' });
    expect(byFlag.rows.map((r) => r.in_numerator)).toEqual([true, true, true, false, false]);
    // Anything else is refused before any SQL exists.
    await expect(drill({ kpi: 'fcr_rate' }, { sort: 'status; DROP TABLE x' as 'id' })).rejects.toThrow(
      KpiQueryError,
    );
  });

  it('exports page through every row by keyset, in placement order', async () => {
    const all = await drill({ kpi: 'resolution_efficiency' });
    const table = await exportDrilldown(
      store,
      org,
      CATALOGUE,
      { ...MARCH, kpi: 'resolution_efficiency' },
      {
        bucket: '2026-03-01',
      },
      NOW,
      {},
      3,
    );
    const exported: unknown[][] = [];
    for await (const r of table.rows) exported.push([...r]);
    expect(exported.map((r) => [r[0], r[1]])).toEqual(all.rows.map((r) => [r.source, r.id]));
    expect(table.columns.slice(0, 4)).toEqual(['source', 'id', 'ticket_id', 'placed_at']);

    const tickets = await exportTickets(store, org, { from: '2026-03-01', to: '2026-03-31' }, NOW, {}, 3);
    const ticketIds: unknown[] = [];
    for await (const r of tickets.rows) ticketIds.push(r[0]);
    // By creation: A 7 Mar, B 10, G 12, I 16, E 18, F 23, H 24, C 26 (D deleted).
    expect(ticketIds).toEqual(['A', 'B', 'G', 'I', 'E', 'F', 'H', 'C']);
    const solved = await exportTickets(store, org, {
      from: '2026-03-01',
      to: '2026-03-31',
      where: { team: ['Beta'] },
      statuses: ['solved'],
    });
    const beta: unknown[] = [];
    for await (const r of solved.rows) beta.push(r[0]);
    expect(beta).toEqual(['B', 'E', 'F']);
  });

  it('respects the caller restriction and refuses what has no rows', async () => {
    const teams = await store.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('org_id', '=', org.id)
      .execute();
    const alpha = teams.find((t) => t.name === 'Alpha')!.id;
    const mine = await drill({ kpi: 'fcr_rate' }, {}, { team: [alpha] });
    // Alpha solved A, G (and I, outside both sides) in March.
    expect(ids(mine.rows)).toEqual(['A', 'G']);
    await expect(
      drill({ kpi: 'fcr_rate', by: 'team' }, { group: 'Beta' }, { team: [alpha] }),
    ).rejects.toThrow(KpiScopeError);
    await expect(drill({ kpi: 'retention_rate' })).rejects.toThrow(DrilldownUnsupportedError);
    await expect(drill({ kpi: 'fcr_rate' }, { bucket: '2026-03-02' })).rejects.toThrow(/does not start/);
    await expect(drill({ kpi: 'fcr_rate', by: 'team' })).rejects.toThrow(/name the team/);
  });
});

/** Survey rows: March CSAT 5 × "5", 3 × "4" (ana), "1" and "2" (bo); an April "3"; NPS 3 / 1 / 2. */
const SURVEYS = [
  'id,kind,sent_at,responded_at,score,agent',
  ...[1, 2, 3, 4, 5].map((i) => `c5-${i},csat,2026-03-10T08:00:00Z,2026-03-10T10:00:00Z,5,ana`),
  ...[1, 2, 3].map((i) => `c4-${i},csat,2026-03-11T08:00:00Z,2026-03-11T10:00:00Z,4,ana`),
  'c1,csat,2026-03-12T08:00:00Z,2026-03-12T09:00:00Z,1,bo',
  'c2,csat,2026-03-12T08:00:00Z,2026-03-12T09:00:00Z,2,bo',
  'a3,csat,2026-04-11T08:00:00Z,2026-04-11T09:00:00Z,3,ana',
  ...[1, 2, 3].map((i) => `np-${i},nps,2026-03-15T08:00:00Z,2026-03-15T10:00:00Z,9,ana`),
  'nz-1,nps,2026-03-15T08:00:00Z,2026-03-15T10:00:00Z,8,ana',
  ...[1, 2].map((i) => `nd-${i},nps,2026-03-15T08:00:00Z,2026-03-15T10:00:00Z,${i + 3},bo`),
  '',
].join('\n');

describe.each(ENGINES)('drill-down of survey KPIs on %s', (engine) => {
  let store: Store;
  let org: Organization;
  const q = (kpi: string) => ({ kpi, ...MARCH });
  const drill = (kpi: string, options: Partial<DrillOptionsInput> = {}, by?: 'agent') =>
    runDrilldown(
      store,
      org,
      CATALOGUE,
      { ...q(kpi), ...(by ? { by } : {}) },
      { bucket: '2026-03-01', ...options },
    );

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'surveys', timeZone: 'UTC' });
    await importFile({ store, org, file: files.write(`surveys-${engine}.csv`, SURVEYS) });
  });
  afterAll(async () => store?.close());

  it('csat: the numerator is the rows scored 4–5, the denominator every CSAT response', async () => {
    // 5 × "5" + 3 × "4" = 8 of 10 → 80 %; the April "3" is in another bucket.
    const [row] = await runKpiQuery(store, org, CATALOGUE, q('csat'));
    const d = await drill('csat');
    expect(d.rows.length).toBe(10);
    const top2 = d.rows.filter((r) => r.in_numerator);
    expect(top2.every((r) => r.score === 4 || r.score === 5)).toBe(true);
    expect(d.rows.filter((r) => r.score! >= 4).length).toBe(top2.length);
    expect([top2.length, d.rows.filter((r) => r.in_denominator).length]).toEqual([
      row!.numerator,
      row!.denominator,
    ]);
    expect(d.totals).toMatchObject({ numerator: 8, denominator: 10, value: 80 });
    expect(new Set(top2.map((r) => r.class))).toEqual(new Set(['positive']));
    expect(
      d.rows
        .filter((r) => !r.in_numerator)
        .map((r) => [r.id, r.score, r.class])
        .sort(),
    ).toEqual([
      ['c1', 1, 'negative'],
      ['c2', 2, 'negative'],
    ]);
    // By agent: bo 0 / 2.
    const bo = await drill('csat', { group: 'bo' }, 'agent');
    expect(bo.rows.map((r) => r.id).sort()).toEqual(['c1', 'c2']);
    expect([bo.totals.numerator, bo.totals.denominator, bo.totals.value]).toEqual([0, 2, 0]);
    // April: the "3" is neutral, in the denominator only.
    const april = await runDrilldown(
      store,
      org,
      CATALOGUE,
      { kpi: 'csat', from: '2026-04-01', to: '2026-04-30' },
      {
        bucket: '2026-04-01',
      },
    );
    expect(april.rows.map((r) => [r.id, r.class, r.in_numerator, r.in_denominator])).toEqual([
      ['a3', 'neutral', false, true],
    ]);
  });

  it('nps: promoters and detractors recount the score', async () => {
    // Promoters 3 (9), passive 1 (8), detractors 2 (4, 5) → 100 × (3 − 2) / 6 = 16.67.
    const [row] = await runKpiQuery(store, org, CATALOGUE, q('nps'));
    const d = await drill('nps');
    const classes = d.rows.map((r) => r.class).sort();
    expect(classes).toEqual(['detractor', 'detractor', 'passive', 'promoter', 'promoter', 'promoter']);
    expect(d.totals).toMatchObject({ rows: 6, n: 6, promoters: 3, detractors: 2, value: row!.value });
    expect(row!.value).toBe(16.67);
  });
});
