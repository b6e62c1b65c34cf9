import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/**
 * Customers (UTC); a period is [start, end), like every other placement. Active at the start of March
 * (1 Mar 00:00): C1, C2, C3, C4 (churned 10 Mar), C6 (churned at 1 Apr 00:00, which belongs to April).
 * C5 joined and left within March: in neither. C7 joined in March: in April's cohort only. C8 left in
 * February. March: 5 active at start, 4 still active at its end → retention 80 %, churn 20 %.
 * April: C1, C2, C3, C6, C7 at start; C6 (1 Apr) and C3 (15 Apr) lost → retention 60 %, churn 40 %.
 */
const CUSTOMERS = dedent(`
  id,name,became_customer_at,churned_at
  C1,Acme,2025-01-01T00:00:00Z,
  C2,Bolt,2025-06-01T00:00:00Z,
  C3,Core,2026-02-28T23:00:00Z,2026-04-15T00:00:00Z
  C4,Dune,2025-01-01T00:00:00Z,2026-03-10T00:00:00Z
  C5,Echo,2026-03-05T00:00:00Z,2026-03-20T00:00:00Z
  C6,Flux,2025-01-01T00:00:00Z,2026-04-01T00:00:00Z
  C7,Gale,2026-03-15T00:00:00Z,
  C8,Halo,2025-01-01T00:00:00Z,2026-02-10T00:00:00Z
`);

/**
 * Enrolments due in March: E1 completed on time (tech), E2 completed a day late (tech), E3 never
 * completed (product), E4 completed on time (product), E5 completed exactly at the due time (tech).
 * E6 is due in April. Completion March: E1, E4, E5 = 3 / 5 = 60 %; technology: E1, E5 = 2 / 3.
 */
const ENROLMENTS = dedent(`
  id,agent,team,course,category,enrolled_at,due_at,completed_at
  E1,ana,Alpha,New CRM,technology,2026-02-01T00:00:00Z,2026-03-15T00:00:00Z,2026-03-10T12:00:00Z
  E2,bo,Beta,New CRM,technology,2026-02-01T00:00:00Z,2026-03-15T00:00:00Z,2026-03-16T12:00:00Z
  E3,bo,Beta,Refunds,product,2026-02-01T00:00:00Z,2026-03-20T00:00:00Z,
  E4,ana,Alpha,Refunds,product,2026-02-01T00:00:00Z,2026-03-20T00:00:00Z,2026-03-01T09:00:00Z
  E5,cy,Beta,Macros,technology,2026-02-01T00:00:00Z,2026-03-31T17:00:00Z,2026-03-31T17:00:00Z
  E6,ana,Alpha,Macros,technology,2026-03-01T00:00:00Z,2026-04-10T00:00:00Z,
  E7,cy,Beta,Refunds,product,2026-03-01,2026-04-20,2026-04-20T15:00:00Z
`);

describe.each(ENGINES)('customer and training KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'people', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('customers.csv', CUSTOMERS) })).records?.counts
        .created,
    ).toBe(8);
    expect(
      (await importFile({ store, org, file: files.write('enrolments.csv', ENROLMENTS) })).records?.counts
        .created,
    ).toBe(7);
  });
  afterAll(async () => store?.close());
  const q = (kpi: string, to = '2026-04-30') =>
    runKpiQuery(store, org, CATALOGUE, { kpi, from: '2026-03-01', to, grain: 'month' });

  it('retention and churn add up to 100; joiners who leave within the period count in neither', async () => {
    const retention = await q('retention_rate');
    const churn = await q('churn_rate');
    expect(retention.map((r) => [r.bucket, r.value, r.numerator, r.denominator])).toEqual([
      ['2026-03-01', 80, 4, 5],
      ['2026-04-01', 60, 3, 5],
    ]);
    expect(churn.map((r) => [r.bucket, r.value, r.numerator, r.denominator])).toEqual([
      ['2026-03-01', 20, 1, 5],
      ['2026-04-01', 40, 2, 5],
    ]);
  });

  it('training completion counts completion by the due date; technology courses only for KRA 8', async () => {
    const [march] = await q('training_completion', '2026-03-31');
    // Wilson(3, 5) = 23.07–88.24.
    expect([march!.value, march!.numerator, march!.denominator, march!.ci_low, march!.ci_high]).toEqual([
      60, 3, 5, 23.07, 88.24,
    ]);
    // E7 is due on 20 April (a date) and was completed that afternoon: on time. E6 was never completed.
    const [april] = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'training_completion',
      from: '2026-04-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect([april!.numerator, april!.denominator]).toEqual([1, 2]);
    const [tech] = await q('tech_training_completion', '2026-03-31');
    expect([tech!.value, tech!.numerator, tech!.denominator]).toEqual([66.67, 2, 3]);
    const byAgent = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'training_completion',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'all',
      by: 'agent',
    });
    expect(byAgent.map((r) => [r.agent, r.numerator, r.denominator])).toEqual([
      ['ana', 2, 2],
      ['bo', 0, 2],
      ['cy', 1, 1],
    ]);
  });

  it('refuses a churn before the customer joined, naming row and field', async () => {
    const bad = 'id,became_customer_at,churned_at\nX,2026-03-10T00:00:00Z,2026-03-01T00:00:00Z\n';
    const failure = await importFile({ store, org, file: files.write('bad-customers.csv', bad) }).catch(
      (e: { summary: { errors: unknown[] } }) => e.summary,
    );
    expect(failure.errors).toEqual([
      {
        file: 'bad-customers.csv',
        row: 2,
        field: 'churned_at',
        reason: '2026-03-01T00:00:00.000Z is before became_customer_at',
      },
    ]);
  });
});

/**
 * Improvement items logged in March: insights I1 (implemented 20 Mar), I2 (not), I3 (implemented in
 * April, so "now implemented"); a report action R1 implemented; tool feedback T1 not; a prevention
 * action P1 implemented and P2 planned for 2099. Insights: 2 / 3 = 66.67 %; reports 1/1; tools 0/1;
 * prevention 1/2.
 */
const IMPROVEMENTS = `id,kind,title,logged_at,implemented_at,team
I1,insight,Explain refunds better,2026-03-02T10:00:00Z,2026-03-20T10:00:00Z,Alpha
I2,insight,Faster callbacks,2026-03-05T10:00:00Z,,Alpha
I3,insight,Weekend chat,2026-03-09T10:00:00Z,2026-04-03T10:00:00Z,Beta
R1,report_action,Fix SLA report,2026-03-10T10:00:00Z,2026-03-11T10:00:00Z,
T1,tool_feedback,CRM search is slow,2026-03-12T10:00:00Z,,
P1,prevention,Status page alerts,2026-03-13T10:00:00Z,2026-03-30T10:00:00Z,
P2,prevention,Second region,2026-03-14T10:00:00Z,2099-01-01T00:00:00Z,
`;

describe.each(ENGINES)('improvement KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'improve', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('improvements.csv', IMPROVEMENTS) })).records?.counts
        .created,
    ).toBe(7);
  });
  afterAll(async () => store?.close());

  it('counts items logged in the period that are now implemented, per kind', async () => {
    const value = async (kpi: string) => {
      const [row] = await runKpiQuery(store, org, CATALOGUE, {
        kpi,
        from: '2026-03-01',
        to: '2026-03-31',
        grain: 'month',
      });
      return [row!.value, row!.numerator, row!.denominator];
    };
    expect(await value('insights_implemented')).toEqual([66.67, 2, 3]);
    expect(await value('report_actions_implemented')).toEqual([100, 1, 1]);
    expect(await value('tool_feedback_implemented')).toEqual([0, 0, 1]);
    // P2 says it will be implemented in 2099: not implemented now.
    expect(await value('prevention_actions_done')).toEqual([50, 1, 2]);
  });
});

/**
 * Reports due in March: W1 on time, W2 late, S1 (sla) on time, S2 (sla) on time but corrected later,
 * S3 (sla) never delivered. On time and never corrected: W1, S1 → 2 / 5 = 40 %.
 * SLA reports issued in March: S1, S2 (S3 was never issued) → never corrected: S1 → 50 %.
 */
const REPORTS = `id,report,due_at,delivered_at,corrected_at
W1,weekly,2026-03-06T17:00:00Z,2026-03-06T16:00:00Z,
W2,weekly,2026-03-13T17:00:00Z,2026-03-14T09:00:00Z,
S1,sla,2026-03-02T09:00:00Z,2026-03-02T08:30:00Z,
S2,sla,2026-03-09T09:00:00Z,2026-03-09T08:00:00Z,2026-03-12T10:00:00Z
S3,sla,2026-03-16T09:00:00Z,,
`;

describe.each(ENGINES)('report KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'reports', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('reports.csv', REPORTS) })).records?.counts.created,
    ).toBe(5);
  });
  afterAll(async () => store?.close());

  it('timeliness and accuracy of reports; accuracy of issued SLA reports', async () => {
    const value = async (kpi: string) => {
      const [row] = await runKpiQuery(store, org, CATALOGUE, {
        kpi,
        from: '2026-03-01',
        to: '2026-03-31',
        grain: 'month',
      });
      return [row!.value, row!.numerator, row!.denominator];
    };
    expect(await value('reports_on_time_accurate')).toEqual([40, 2, 5]);
    expect(await value('sla_report_accuracy')).toEqual([50, 1, 2]);
  });
});

/**
 * Manual values for sla_reviews: the org held 1 review in early March and 2 more in late March; desk
 * Support recorded 1 in April. March sum = 3, April = 1. A value for a computed KPI is refused.
 */
const MEASUREMENTS = `kpi,period_start,period_end,value,desk,note,entered_by
sla_reviews,2026-03-01,2026-03-15,1,,Quarterly review,maria
sla_reviews,2026-03-16,2026-03-31,2,,Two policy changes,maria
sla_reviews,2026-04-01,2026-04-30,1,Support,Desk review,lee
`;

describe.each(ENGINES)('manual KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'manual', timeZone: 'Europe/Madrid' });
    expect(
      (await importFile({ store, org, file: files.write('measurements.csv', MEASUREMENTS) })).records?.counts
        .created,
    ).toBe(3);
  });
  afterAll(async () => store?.close());

  it('sums the recorded values per period, by the last day they cover (in the organisation zone)', async () => {
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'sla_reviews',
      from: '2026-03-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect(rows.map((r) => [r.bucket, r.value, r.n])).toEqual([
      ['2026-03-01', 3, 2],
      ['2026-04-01', 1, 1],
    ]);
    const byDesk = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'sla_reviews',
      from: '2026-04-01',
      to: '2026-04-30',
      grain: 'month',
      by: 'desk',
    });
    expect(byDesk.map((r) => [r.desk, r.value])).toEqual([['Support', 1]]);
  });

  it('refuses values for a KPI that is not manual, and negative counts', async () => {
    const negative = await importFile({
      store,
      org,
      file: files.write('neg.csv', 'kpi,period_end,value\nsla_reviews,2026-03-31,-3\n'),
    }).catch((e: { summary: { errors: Array<{ field: string; reason: string }> } }) => e.summary);
    expect(negative.errors[0]).toMatchObject({ field: 'value', reason: '-3 is a negative count' });
    const bad = 'kpi,period_end,value\nfcr_rate,2026-03-31,80\n';
    const failure = await importFile({ store, org, file: files.write('bad-measurements.csv', bad) }).catch(
      (e: { summary: { errors: Array<{ field: string; reason: string }> } }) => e.summary,
    );
    expect(failure.errors[0]).toMatchObject({
      field: 'kpi',
      reason: expect.stringContaining(
        '"fcr_rate" is not a manual KPI (manual KPIs: sla_reviews, loyalty_programme_progress)',
      ),
    });
  });
});

/**
 * Tools in March (UTC, 31 days = 44,640 minutes): the helpdesk with 50 seats, 40 active users and
 * 60 minutes down; telephony with 10 seats, 10 active, never down.
 * Adoption = (40 + 10) / (50 + 10) = 83.33 %. Downtime, seat-weighted = (50 × 60 + 10 × 0) /
 * (60 × 44,640) = 3,000 / 2,678,400 = 0.112 % → 0.11.
 */
const TOOLS = `tool,period_start,period_end,licensed_seats,active_users,downtime_minutes
Helpdesk,2026-03-01,2026-04-01,50,40,60
Telephony,2026-03-01,2026-04-01,10,10,
`;

describe.each(ENGINES)('technology KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'tools', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('tools.csv', TOOLS) })).records?.counts.created,
    ).toBe(2);
  });
  afterAll(async () => store?.close());

  it('adoption and downtime are seat-weighted over tools, each period placed by its start', async () => {
    const value = async (kpi: string) => {
      const [row] = await runKpiQuery(store, org, CATALOGUE, {
        kpi,
        from: '2026-03-01',
        to: '2026-03-31',
        grain: 'month',
      });
      return [row!.value, row!.numerator, row!.denominator, row!.n];
    };
    expect(await value('tool_adoption')).toEqual([83.33, 50, 60, 2]);
    expect(await value('downtime_pct')).toEqual([0.11, 3000, 2678400, 2]);
  });

  it('refuses more downtime than the period has', async () => {
    const bad =
      'tool,period_start,period_end,licensed_seats,active_users,downtime_minutes\nCRM,2026-03-01,2026-03-02,5,5,2000\n';
    const failure = await importFile({ store, org, file: files.write('bad-tools.csv', bad) }).catch(
      (e: { summary: { errors: Array<{ field: string; reason: string }> } }) => e.summary,
    );
    expect(failure.errors[0]).toMatchObject({
      field: 'downtime_minutes',
      reason: "must lie between 0 and the period's 1440 minutes",
    });
  });
});

/**
 * Crises in March (UTC). A: 10:00 → 13:10; updates due 10:30, 11:30, 12:30; sent 10:20 (meets 10:30)
 * and 11:45 (meets 12:30); 11:30 missed → 2 of 3. B: 09:00 → 09:20, resolved before an update was due
 * → 0 of 0. C: 08:00 → 10:00, due 08:30 and 09:30; its only update, 08:35, is late for 08:30 and meets
 * 09:30 → 1 of 2. On time: (2 + 0 + 1) / (3 + 0 + 2) = 60 %. Resolution times 11,400, 1,200 and 7,200 s
 * → median 7,200. D is still ongoing: in neither.
 */
const CRISES = `id,title,started_at,resolved_at,desk,updates
A,Payments outage,2026-03-10T10:00:00Z,2026-03-10T13:10:00Z,Payments,2026-03-10T10:20:00Z 2026-03-10T11:45:00Z
B,Login blip,2026-03-12T09:00:00Z,2026-03-12T09:20:00Z,Accounts,
C,Email delays,2026-03-20T08:00:00Z,2026-03-20T10:00:00Z,Payments,2026-03-20T08:35:00Z
D,Slow search,2026-03-30T08:00:00Z,,Accounts,2026-03-30T08:10:00Z
`;

describe.each(ENGINES)('crisis KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'crises', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('crises.csv', CRISES) })).records?.counts.created,
    ).toBe(4);
  });
  afterAll(async () => store?.close());

  it('resolution time and on-time status updates, placed by resolution', async () => {
    const q = async (kpi: string) =>
      (
        await runKpiQuery(store, org, CATALOGUE, {
          kpi,
          from: '2026-03-01',
          to: '2026-03-31',
          grain: 'month',
        })
      )[0]!;
    expect(await q('crisis_resolution_time')).toMatchObject({ value: 7200, n: 3, significant: true });
    expect(await q('crisis_updates_on_time')).toMatchObject({
      value: 60,
      numerator: 3,
      denominator: 5,
      n: 3,
    });
    const byDesk = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'crisis_updates_on_time',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
      by: 'desk',
    });
    // Accounts: B needs no update (0 of 0 → no value); Payments: A and C → 3 of 5.
    expect(byDesk.map((r) => [r.desk, r.value, r.numerator, r.denominator])).toEqual([
      ['Accounts', null, 0, 0],
      ['Payments', 60, 3, 5],
    ]);
  });

  it('post-crisis CSAT recovery pools the responses around each crisis of the period, in its desk', async () => {
    // Payments CSAT: S1 20 Feb (5), S2 1 Mar (4), S3 5 Mar (2), S4 15 Mar (1), S5 22 Mar (5).
    // A (10 Mar 10:00–13:10): before = S1, S2, S3 (2 of 3 positive); after (to 24 Mar) = S4, S5 (1 of 2).
    // C (20 Mar 08:00–10:00): before (from 20 Feb 08:00) = S1–S4 (2 of 4); after = S5 (1 of 1).
    // Pooled: after 2/3 = 66.67 %, before 4/7 = 57.14 % → 66.67 / 57.14 × 100 = 116.67. B (Accounts) has
    // no Accounts responses. n = 3 responses after: not significant.
    const surveys = `id,kind,sent_at,responded_at,score,desk
S1,csat,2026-02-20T09:00:00Z,2026-02-20T10:00:00Z,5,Payments
S2,csat,2026-03-01T09:00:00Z,2026-03-01T10:00:00Z,4,Payments
S3,csat,2026-03-05T09:00:00Z,2026-03-05T10:00:00Z,2,Payments
S4,csat,2026-03-15T09:00:00Z,2026-03-15T10:00:00Z,1,Payments
S5,csat,2026-03-22T09:00:00Z,2026-03-22T10:00:00Z,5,Payments
X1,csat,2026-03-15T09:00:00Z,2026-03-15T10:00:00Z,5,Retail
`;
    await importFile({ store, org, file: files.write('crisis-surveys.csv', surveys) });
    const [row] = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'post_crisis_csat_recovery',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
    });
    expect([row!.value, row!.numerator, row!.denominator, row!.n, row!.significant]).toEqual([
      116.67,
      66.67,
      57.14,
      3,
      false,
    ]);
  });
});

/**
 * Presence on 2 March (UTC days): ana logged in 8 h, handled 6 h; bo logged in 4 h, handled 1 h.
 * Utilisation = (6 + 1) / (8 + 4) = 58.33 %; ana 75 %, bo 25 %.
 */
const PRESENCE = `agent,team,period_start,period_end,logged_in_seconds,handling_seconds
ana,Alpha,2026-03-02,2026-03-03,28800,21600
bo,Beta,2026-03-02,2026-03-03,14400,3600
`;

describe.each(ENGINES)('agent utilisation on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'presence', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('presence.csv', PRESENCE) })).records?.counts.created,
    ).toBe(2);
  });
  afterAll(async () => store?.close());

  it('is handling time over logged-in time, summed over agents', async () => {
    const q = (by?: 'agent') =>
      runKpiQuery(store, org, CATALOGUE, {
        kpi: 'agent_utilisation',
        from: '2026-03-01',
        to: '2026-03-31',
        grain: 'month',
        by,
      });
    expect((await q())[0]).toMatchObject({ value: 58.33, numerator: 25200, denominator: 43200, n: 2 });
    expect((await q('agent')).map((r) => [r.agent, r.value])).toEqual([
      ['ana', 75],
      ['bo', 25],
    ]);
    const bad =
      'agent,period_start,period_end,logged_in_seconds,handling_seconds\ncy,2026-03-02,2026-03-03,3600,7200\n';
    const failure = await importFile({ store, org, file: files.write('bad-presence.csv', bad) }).catch(
      (e: { summary: { errors: Array<{ field: string; reason: string }> } }) => e.summary,
    );
    expect(failure.errors[0]).toMatchObject({
      field: 'handling_seconds',
      reason: 'must lie between 0 and logged_in_seconds',
    });
  });
});

/**
 * Knowledge base at the end of March (1 Apr 00:00 UTC). Published then: K1, K2, K3, K4, K7 (K5 is
 * published in April, K6 retired in March). Accurate: K1 (reviewed 1 Mar) and K4 (reviewed 1 Feb; its
 * flag of 10 Feb was resolved on 15 Feb). Not: K2 (never reviewed), K3 (flag of 20 Mar still open),
 * K7 (last review 1 Sep 2025, more than 180 days before). 2 / 5 = 40 %.
 * Contributions in March: K1 updated by ana, K3 updated by bo, K2 created by ana = 3 (the review is no
 * contribution); active agents: ana and bo (a reply or a solve on T1, T2, E1) → 1.5 per agent.
 * Feedback raised in March: F1 resolved in 8 days, F2 in 20, F3 open → 1 / 3.
 */
const KB_ARTICLES = `id,title,created_at,published_at,retired_at
K1,Refunds,2025-12-20T00:00:00Z,2026-01-01T00:00:00Z,
K2,Invoices,2025-12-20T00:00:00Z,2026-01-01T00:00:00Z,
K3,Passwords,2025-12-20T00:00:00Z,2026-01-01T00:00:00Z,
K4,Shipping,2025-12-20T00:00:00Z,2026-01-01T00:00:00Z,
K5,Returns,2026-03-20T00:00:00Z,2026-04-05T00:00:00Z,
K6,Old prices,2025-12-20T00:00:00Z,2026-01-01T00:00:00Z,2026-03-10T00:00:00Z
K7,Warranty,2025-06-20T00:00:00Z,2025-07-01T00:00:00Z,
`;
const KB_ACTIVITY = `article,action,at,agent
K1,reviewed_accurate,2026-03-01T10:00:00Z,cy
K1,updated,2026-03-02T10:00:00Z,ana
K3,reviewed_accurate,2026-03-05T10:00:00Z,cy
K3,updated,2026-03-06T10:00:00Z,bo
K3,flagged_inaccurate,2026-03-20T10:00:00Z,
K2,created,2026-03-07T10:00:00Z,ana
K4,reviewed_accurate,2026-02-01T10:00:00Z,cy
K4,flagged_inaccurate,2026-02-10T10:00:00Z,
K4,flag_resolved,2026-02-15T10:00:00Z,cy
K7,reviewed_accurate,2025-09-01T10:00:00Z,cy
`;
const KB_FEEDBACK = `id,article,raised_at,resolved_at
F1,K1,2026-03-02T10:00:00Z,2026-03-10T10:00:00Z
F2,K2,2026-03-05T10:00:00Z,2026-03-25T10:00:00Z
F3,K3,2026-03-20T10:00:00Z,
`;
const KB_TICKETS = `id,created_at,status,assignee,first_response_at,solved_at,agent_replies,kb_article
T1,2026-03-03T09:00:00Z,solved,ana,2026-03-03T09:30:00Z,2026-03-03T10:00:00Z,1,K1
T2,2026-03-04T09:00:00Z,solved,bo,2026-03-04T09:30:00Z,2026-03-04T10:00:00Z,1,
`;
/** An event-log ticket whose reply links K2, and one solved by a bot (not human-solved). */
const KB_EVENTS = `ticket_id,type,at,actor_type,actor,status,article
E1,created,2026-03-05T09:00:00Z,customer,c1,new,
E1,agent_reply,2026-03-05T09:20:00Z,agent,ana,,K2
E1,status_change,2026-03-05T09:30:00Z,agent,ana,solved,
E2,created,2026-03-05T10:00:00Z,customer,c2,new,
E2,bot_reply,2026-03-05T10:01:00Z,bot,helpbot,,K3
E2,status_change,2026-03-05T10:02:00Z,system,,solved,
`;

describe.each(ENGINES)('knowledge-base KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'kb', timeZone: 'UTC' });
    for (const [name, csv] of [
      ['kb-articles.csv', KB_ARTICLES],
      ['kb-activity.csv', KB_ACTIVITY],
      ['kb-feedback.csv', KB_FEEDBACK],
    ] as const) {
      await importFile({ store, org, file: files.write(name, csv) });
    }
    const tickets = await importFile({ store, org, file: files.write('kb-tickets.csv', KB_TICKETS) });
    await deriveTickets(store, org, { kind: 'import', importId: tickets.importId });
    const events = await importFile({ store, org, file: files.write('kb-events.csv', KB_EVENTS) });
    await deriveTickets(store, org, { kind: 'import', importId: events.importId });
  });
  afterAll(async () => store?.close());

  it('accuracy, contributions per active agent and feedback closure', async () => {
    const q = async (kpi: string) =>
      (
        await runKpiQuery(store, org, CATALOGUE, {
          kpi,
          from: '2026-03-01',
          to: '2026-03-31',
          grain: 'month',
        })
      )[0]!;
    expect(await q('kb_accuracy')).toMatchObject({ value: 40, numerator: 2, denominator: 5 });
    expect(await q('kb_contributions_per_agent')).toMatchObject({ value: 1.5, numerator: 3, denominator: 2 });
    expect(await q('kb_feedback_closure')).toMatchObject({ value: 33.33, numerator: 1, denominator: 3 });
    // Human-solved in March: T1 (links K1), T2 (no link), E1 (its reply links K2); E2 was solved by a
    // bot and is not human-solved → 2 / 3.
    expect(await q('kb_utilisation')).toMatchObject({ value: 66.67, numerator: 2, denominator: 3 });
  });
});

/**
 * Forecast accuracy with the ORACLES.md series: actuals 112, 118, 132, 129, 121, 135 tickets created on
 * 2–7 March; forecasts 120, 115, 128, 133, 118, 140 → Σ|e| = 8 + 3 + 4 + 4 + 3 + 5 = 27, Σ actual = 747,
 * WAPE = 3.614 % → accuracy 96.39. An earlier forecast of 500 for 2 March is superseded by the later one.
 */
describe.each(ENGINES)('forecast accuracy on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  const actuals = [112, 118, 132, 129, 121, 135];
  const forecasts = [120, 115, 128, 133, 118, 140];
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'forecast', timeZone: 'Europe/Madrid' });
    const tickets = ['id,created_at,status,channel'];
    actuals.forEach((count, d) => {
      for (let i = 0; i < count; i++)
        tickets.push(`F${d}-${i},2026-03-0${d + 2} 10:${String(i % 60).padStart(2, '0')}:00,open,email`);
    });
    const imported = await importFile({
      store,
      org,
      file: files.write('forecast-tickets.csv', `${tickets.join('\n')}\n`),
    });
    await deriveTickets(store, org, { kind: 'import', importId: imported.importId });
    const rows = ['target_day,volume,issued_at,model', '2026-03-02,500,2026-02-20T00:00:00Z,draft'];
    for (const [d, v] of forecasts.entries()) rows.push(`2026-03-0${d + 2},${v},2026-03-01T00:00:00Z,ets`);
    await importFile({ store, org, file: files.write('forecasts.csv', `${rows.join('\n')}\n`) });
    // Email-channel forecasts for 2 and 3 March: scored only when the query is by or for channel.
    const email = ['target_day,volume,issued_at,channel', '2026-03-02,110,2026-03-01T00:00:00Z,email'];
    email.push('2026-03-03,120,2026-03-01T00:00:00Z,email');
    await importFile({ store, org, file: files.write('forecasts-email.csv', `${email.join('\n')}\n`) });
  });
  afterAll(async () => store?.close());

  it('is 100 − WAPE of the latest forecast per day (ORACLES.md: WAPE 3.614 %)', async () => {
    const [row] = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'forecast_accuracy',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
    });
    expect([row!.value, row!.numerator, row!.denominator, row!.n, row!.significant]).toEqual([
      96.39,
      27,
      747,
      6,
      false,
    ]);
  });

  /** Email forecasts 110, 120 against 112, 118 email tickets: Σ|e| = 4, Σ actual = 230, WAPE 1.739 % → 98.26. */
  it('scores each forecast at its own scope', async () => {
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'forecast_accuracy',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
      by: 'channel',
    });
    expect(rows.map((r) => [r.channel, r.value, r.numerator, r.denominator, r.n])).toEqual([
      ['email', 98.26, 4, 230, 2],
    ]);
  });
});

/**
 * Security controls: MFA passed in February, failed on 10 March, passed again on 5 April; Backups
 * passed on 1 March; Access review failed on 20 March. End of March: MFA (latest: failed), Backups
 * (passed), Access review (failed) → 1 / 3. End of February: MFA only → 1 / 1.
 */
const CONTROLS = `control,checked_at,passing,note
MFA for admins,2026-02-15T09:00:00Z,true,
MFA for admins,2026-03-10T09:00:00Z,false,new admin without MFA
MFA for admins,2026-04-05T09:00:00Z,true,
Backups restore test,2026-03-01T09:00:00Z,yes,
Access review,2026-03-20T09:00:00Z,no,two leavers still active
`;

describe.each(ENGINES)('security controls on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'security', timeZone: 'UTC' });
    expect(
      (await importFile({ store, org, file: files.write('controls.csv', CONTROLS) })).records?.counts.created,
    ).toBe(5);
  });
  afterAll(async () => store?.close());

  it('judges each control by its latest check before the period ends', async () => {
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'security_controls_passing',
      from: '2026-02-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect(rows.map((r) => [r.bucket, r.value, r.numerator, r.denominator])).toEqual([
      ['2026-02-01', 100, 1, 1],
      ['2026-03-01', 33.33, 1, 3],
      ['2026-04-01', 66.67, 2, 3],
    ]);
  });
});
