import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiRow } from '../../src/engine/assemble-rows.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { saveSchedule, saveSlaPolicy } from '../../src/storage/settings-repository.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';
import { GOLDEN_EVENTS, GOLDEN_POLICY, GOLDEN_SCHEDULE } from './ticket-kpis.fixture.js';

const files = scratchDir();
afterAll(() => files.cleanup());
// "Now" for SLA clocks: long after the fixture, so every running clock has an outcome.
const NOW = new Date('2026-06-01T00:00:00Z');
const MARCH = { from: '2026-03-01', to: '2026-03-31' };

/** The fields a golden expectation checks. */
const pick = (r: KpiRow, group?: string) => ({
  ...(group ? { [group]: r[group] } : {}),
  bucket: r.bucket,
  value: r.value,
  n: r.n,
  numerator: r.numerator,
  denominator: r.denominator,
  ci_low: r.ci_low,
  ci_high: r.ci_high,
  significant: r.significant,
});

describe.each(ENGINES)('ticket KPIs on %s (golden, Europe/Madrid)', (engine) => {
  let store: Store;
  let org: Organization;
  const q = (input: Omit<KpiQueryInput, 'from' | 'to'> & Partial<Pick<KpiQueryInput, 'from' | 'to'>>) =>
    runKpiQuery(store, org, CATALOGUE, { ...MARCH, grain: 'month', ...input }, NOW);

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'golden', timeZone: 'Europe/Madrid' });
    await saveSchedule(store.db, org.id, GOLDEN_SCHEDULE);
    await saveSlaPolicy(store.db, org.id, GOLDEN_POLICY);
    const summary = await importFile({ store, org, file: files.write('golden.csv', GOLDEN_EVENTS) });
    await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
  });
  afterAll(async () => store?.close());

  it('ticket_volume: created per ISO week, clipped to March; the deleted ticket and empty weeks', async () => {
    // Mar 1 is a Sunday: the first bucket is that day alone (the week of 23 Feb, clipped).
    // A (7th) → wk 2 Mar; B, G (10th, 12th; D deleted) → wk 9; I, E → wk 16; F, H, C → wk 23; none in wk 30.
    const rows = await q({ kpi: 'ticket_volume', grain: 'week' });
    expect(rows.map((r) => [r.bucket, r.bucket_end, r.value, r.n])).toEqual([
      ['2026-03-01', '2026-03-01', null, 0],
      ['2026-03-02', '2026-03-08', 1, 1],
      ['2026-03-09', '2026-03-15', 2, 2],
      ['2026-03-16', '2026-03-22', 2, 2],
      ['2026-03-23', '2026-03-29', 3, 3],
      ['2026-03-30', '2026-03-31', null, 0],
    ]);
    // By team: Alpha A, G, I, H, C = 5; Beta B, E, F = 3 (D, deleted, would have been Alpha's sixth).
    const byTeam = await q({ kpi: 'ticket_volume', by: 'team' });
    expect(byTeam.map((r) => [r.team, r.value])).toEqual([
      ['Alpha', 5],
      ['Beta', 3],
    ]);
  });

  it('first_response_time: off-hours start, an agent-created ticket, a bot reply that is no response', async () => {
    // Business seconds, by creation: A Sat 10:00 → starts Mon 09:00, reply 09:30 = 1800 (the bot's Sat
    // reply does not count); B (agent-created) customer 11:00 → reply 11:30 = 1800; G 3600; E 3600;
    // F Mon 09:00 → Tue 11:00 = 8 h + 2 h = 36000; H 1800; C 1800; I has no human reply.
    // Sorted 1800 ×4, 3600 ×2, 36000: median = 4th = 1800. n = 7 < 10: not significant.
    // Order-statistic 95 % interval for n = 7: ranks 1 and 7 → 1800–36000.
    const [row] = await q({ kpi: 'first_response_time' });
    expect(pick(row!)).toEqual({
      bucket: '2026-03-01',
      value: 1800,
      n: 7,
      numerator: null,
      denominator: null,
      ci_low: 1800,
      ci_high: 36000,
      significant: false,
    });
    expect(row!.variant).toBe('median, business');
    // Calendar: A Sat 09:00Z → Mon 08:30Z = 171000; F 26 h = 93600; sorted 1800 ×3, 3600 ×2, 93600,
    // 171000 → median 3600.
    const [calendar] = await q({ kpi: 'first_response_time', clock: 'calendar' });
    expect(calendar!.value).toBe(3600);
    // Mean (business) = (4 × 1800 + 2 × 3600 + 36000) / 7 = 50400 / 7 = 7200.
    const [mean] = await q({ kpi: 'first_response_time', statistic: 'mean' });
    expect(mean!.value).toBe(7200);
  });

  it('avg_response_time: every answered run, by reply, across the DST change; groups below minimum n', async () => {
    // Reply times (business), placed by the reply: A 1800, B 1800 (its outbound reply answered
    // nothing), G 3600, E 3600 and 3600 (run Fri 10:00 → 11:00), F 36000, H 1800, C 1800, and C's
    // second run Fri 27 Mar 16:00 → Mon 30 Mar 10:00 = 1 h + 1 h = 7200.
    // Alpha: 1800, 3600, 1800, 1800, 7200 → median 1800 (n 5). Beta: 1800, 3600, 3600, 36000 → (3600 + 3600)/2.
    const rows = await q({ kpi: 'avg_response_time', by: 'team' });
    expect(rows.map((r) => [r.team, r.value, r.n, r.significant])).toEqual([
      ['Alpha', 1800, 5, false],
      ['Beta', 3600, 4, false],
    ]);
    // All nine: 1800 ×4, 3600 ×3, 7200, 36000 → 5th = 3600.
    const [all] = await q({ kpi: 'avg_response_time' });
    expect([all!.value, all!.n]).toEqual([3600, 9]);
    // C's second run in calendar time: Fri 15:00Z → Mon 08:00Z is 65 h (not 66: the DST change).
    const week = await q({
      kpi: 'avg_response_time',
      clock: 'calendar',
      grain: 'day',
      from: '2026-03-30',
      to: '2026-03-30',
    });
    expect([week[0]!.value, week[0]!.n]).toEqual([65 * 3600, 1]);
  });

  it('resolution_time: business hours skip the holiday; a reopened ticket counts in the month of its final solve', async () => {
    // By final solve in March: A Mon 09:00 → 09:40 = 2400; B 10:00 → 11:35 = 5700; G Thu 10:00 → Fri
    // 10:00 = 7 h + 1 h = 28800; I 120; E Wed 8 h + Thu 19 (holiday) 0 + Fri 09–12 3 h = 39600;
    // F 8 h + 2 h 05 = 36300. Sorted 120, 2400, 5700, 28800, 36300, 39600 → median (5700 + 28800)/2.
    const [march] = await q({ kpi: 'resolution_time' });
    expect([march!.value, march!.n]).toEqual([17250, 6]);
    // C: Thu 26 16:00 → Thu 2 Apr 10:00: 1 + 8 (Fri) + 8 (Mon) + 8 (Tue) + 8 (Wed) + 1 = 34 h.
    const [april] = await q({ kpi: 'resolution_time', from: '2026-04-01', to: '2026-04-30' });
    expect([april!.value, april!.n]).toEqual([34 * 3600, 1]);
  });

  it('fcr_rate and its variants', async () => {
    // Solved in March with ≥ 1 human reply: A(1), B(2), G(1), E(2), F(1) → 5; exactly one reply and no
    // reopen: A, G, F → 3/5 = 60 %. Wilson(3, 5) = 23.07–88.24.
    const [fcr] = await q({ kpi: 'fcr_rate' });
    expect(pick(fcr!)).toEqual({
      bucket: '2026-03-01',
      value: 60,
      n: 5,
      numerator: 3,
      denominator: 5,
      ci_low: 23.07,
      ci_high: 88.24,
      significant: false,
    });
    // one_touch: ≤ 1 reply over all 6 solved (I with zero included): A, G, F, I → 4/6; Wilson 30.00–90.32.
    const [oneTouch] = await q({ kpi: 'fcr_rate', variant: 'one_touch' });
    expect([
      oneTouch!.value,
      oneTouch!.numerator,
      oneTouch!.denominator,
      oneTouch!.ci_low,
      oneTouch!.ci_high,
    ]).toEqual([66.67, 4, 6, 30, 90.32]);
    expect(oneTouch!.variant).toBe('one_touch');
    // no_customer_followup: all but E (the customer wrote again) → 5/6; Wilson 43.65–96.99.
    const [followup] = await q({ kpi: 'fcr_rate', variant: 'no_customer_followup' });
    expect([followup!.value, followup!.ci_low, followup!.ci_high]).toEqual([83.33, 43.65, 96.99]);
  });

  it('reopen_rate: C was solved in March, reopened, and counts once, in April', async () => {
    // March: 6 solved, none reopened → 0 %, Wilson(0, 6) = 0–39.03. April: C → 1/1.
    const [march] = await q({ kpi: 'reopen_rate' });
    expect([march!.value, march!.n, march!.ci_low, march!.ci_high]).toEqual([0, 6, 0, 39.03]);
    const [april] = await q({ kpi: 'reopen_rate', from: '2026-04-01', to: '2026-04-30' });
    expect([april!.value, april!.numerator, april!.denominator]).toEqual([100, 1, 1]);
  });

  it('backlog: created by the end of the period and not (finally) solved by then', async () => {
    // End of March: C (final solve 2 Apr) and H (never solved); D is deleted.
    const [march] = await q({ kpi: 'backlog' });
    expect([march!.value, march!.n]).toEqual([2, 2]);
    // End of the week of 2 March (Mon 9 Mar 00:00 local): A, solved Mon 9 Mar 09:40 local.
    const weeks = await q({ kpi: 'backlog', grain: 'week' });
    expect(weeks.map((r) => r.value)).toEqual([null, 1, null, null, 2, 2]);
  });

  it('sla_compliance: pausing while pending, next-reply runs, and breaches placed when due', async () => {
    // High priority instances: B first reply (customer 11:00 → 11:30) and resolution (1 h 35) achieved;
    // E first reply (1 h), next reply (Fri 10:00 → 11:00) and resolution achieved: 1 h running, paused
    // while pending Wed 10:00 → Fri 10:00, 2 h more = 3 h < 8 h (unpaused it would have fallen due Wed
    // 17:00); F first reply due Mon 13:00 and resolution due Mon 17:00, both breached.
    // 5 achieved of 7 → 71.43 %, Wilson(5, 7) = 35.89–91.78.
    const [row] = await q({ kpi: 'sla_compliance' });
    expect(pick(row!)).toEqual({
      bucket: '2026-03-01',
      value: 71.43,
      n: 7,
      numerator: 5,
      denominator: 7,
      ci_low: 35.89,
      ci_high: 91.78,
      significant: false,
    });
    // Breaches per 100 tickets created: 2 / 8 × 100 = 25. Both on Mon 23 Mar (F).
    const [per100] = await q({ kpi: 'sla_breaches_per_100' });
    expect([per100!.value, per100!.numerator, per100!.denominator, per100!.ci_low]).toEqual([25, 2, 8, null]);
    const byDay = await q({
      kpi: 'sla_breaches_per_100',
      grain: 'day',
      from: '2026-03-23',
      to: '2026-03-23',
    });
    expect([byDay[0]!.numerator, byDay[0]!.denominator]).toEqual([2, 1]);
  });

  it('a running SLA clock counts as breached once its due time has passed', async () => {
    // Before F's first reply (due Mon 23 Mar 12:00Z), "now" = 11:00Z: nothing has fallen due yet.
    const early = await runKpiQuery(
      store,
      org,
      CATALOGUE,
      { kpi: 'sla_compliance', from: '2026-03-23', to: '2026-03-23', grain: 'day' },
      new Date('2026-03-23T11:00:00Z'),
    );
    expect(early[0]!.n).toBe(0);
    const later = await runKpiQuery(
      store,
      org,
      CATALOGUE,
      { kpi: 'sla_compliance', from: '2026-03-23', to: '2026-03-23', grain: 'day' },
      new Date('2026-03-23T13:00:00Z'),
    );
    expect([later[0]!.numerator, later[0]!.denominator]).toEqual([0, 1]);
  });

  it('resolution_efficiency, automation_rate and escalation_rate with its trend', async () => {
    // Solved in March 6 ÷ created 8 → 75 % (not a proportion: no interval).
    const [eff] = await q({ kpi: 'resolution_efficiency' });
    expect([eff!.value, eff!.numerator, eff!.denominator, eff!.ci_low]).toEqual([75, 6, 8, null]);
    // I is the only automated resolution: 1 / 6; Wilson(1, 6) = 3.01–56.35.
    const [auto] = await q({ kpi: 'automation_rate' });
    expect([auto!.value, auto!.ci_low, auto!.ci_high]).toEqual([16.67, 3.01, 56.35]);
    // G escalated: 1 / 8 = 12.5 %; Wilson 2.24–47.09.
    const [esc] = await q({ kpi: 'escalation_rate' });
    expect([esc!.value, esc!.ci_low, esc!.ci_high]).toEqual([12.5, 2.24, 47.09]);
    // Weekly trend for the week of 30 March: the 8 weeks from 9 Feb hold values only for wk 2 Mar (A:
    // 0/1 = 0), wk 9 (B, G: 1/2 = 50), wk 16 (E, I: 0), wk 23 (F, H, C: 0) at x = 3, 4, 5, 6.
    // x̄ = 4.5, ȳ = 12.5; Σ(x−x̄)(y−ȳ) = 18.75 − 18.75 − 6.25 − 18.75 = −25; Σ(x−x̄)² = 5 → slope −5.
    const weekly = await q({ kpi: 'escalation_rate', grain: 'week' });
    expect(weekly.at(-1)).toMatchObject({ bucket: '2026-03-30', value: null, trend: -5 });
    // Week of 9 March: points x = 6 (0) and x = 7 (50) → slope 50.
    expect(weekly[2]).toMatchObject({ bucket: '2026-03-09', value: 50, trend: 50 });
  });

  it('escalation_response_time and complaint_resolution_rate', async () => {
    // G escalated 10:30, next human reply 11:00 → 1800.
    const [resp] = await q({ kpi: 'escalation_response_time' });
    expect([resp!.value, resp!.n]).toEqual([1800, 1]);
    // Complaints created in March: G (solved the next day) and H (never solved) → 1 / 2; Wilson 9.45–90.55.
    const [complaints] = await q({ kpi: 'complaint_resolution_rate' });
    expect([
      complaints!.value,
      complaints!.numerator,
      complaints!.denominator,
      complaints!.ci_low,
      complaints!.ci_high,
    ]).toEqual([50, 1, 2, 9.45, 90.55]);
  });

  it('aht: mean handle time of solved tickets with time entries, Student t interval', async () => {
    // A 600, B 900, G 1200 → mean 900 = 2700 / 3; sd 300; t(0.975, 2) = 4.3027;
    // half-width = 4.3027 × 300 / √3 = 745.24 → 154.76–1645.24.
    const [row] = await q({ kpi: 'aht' });
    expect(pick(row!)).toEqual({
      bucket: '2026-03-01',
      value: 900,
      n: 3,
      numerator: 2700,
      denominator: 3,
      ci_low: 154.76,
      ci_high: 1645.24,
      significant: false,
    });
  });

  it('solved_per_agent_day: solves over agent × local days with a public reply or a solve', async () => {
    // ana: 9 (A), 12 (G reply), 13 (G solve), 24 (H), 26 (C), 30 (C) = 6 days; bo: 10 (B), 18 (E),
    // 20 (E), 24 (F) = 4 days. I was solved by nobody in particular. 6 solved / 10 agent-days = 0.6.
    const [all] = await q({ kpi: 'solved_per_agent_day' });
    expect([all!.value, all!.numerator, all!.denominator, all!.n]).toEqual([0.6, 6, 10, 10]);
    // Alpha: A, G, I solved over ana's 6 days = 0.5; Beta: B, E, F over bo's 4 days = 0.75.
    const byTeam = await q({ kpi: 'solved_per_agent_day', by: 'team' });
    expect(byTeam.map((r) => [r.team, r.value])).toEqual([
      ['Alpha', 0.5],
      ['Beta', 0.75],
    ]);
  });

  it('filters combine: --where channel=email,chat AND priority=high', async () => {
    // Created in March on email or chat: A, G, I, E, F, H, C = 7 (B is phone); of those, high: E, F.
    const [either] = await q({ kpi: 'ticket_volume', where: { channel: ['email', 'chat'] } });
    expect(either!.value).toBe(7);
    const [both] = await q({
      kpi: 'ticket_volume',
      where: { channel: ['email', 'chat'], priority: ['high'] },
    });
    expect(both!.value).toBe(2);
  });

  it('refuses what a KPI cannot do, with a clear reason', async () => {
    await expect(q({ kpi: 'fcr_rate', variant: 'nope' })).rejects.toThrow(/no variant "nope".*one_touch/);
    await expect(q({ kpi: 'no_such_kpi' })).rejects.toThrow(/unknown KPI "no_such_kpi"/);
    await expect(q({ kpi: 'fcr_rate', statistic: 'p90' })).rejects.toThrow(/not a duration/);
    await expect(q({ kpi: 'ticket_volume', from: '2026-03-31', to: '2026-03-01' })).rejects.toThrow(/before/);
  });
});
