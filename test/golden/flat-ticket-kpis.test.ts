import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
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
 * Flat exports (one row per ticket) in an organisation with no business schedule (open around the
 * clock, so business = calendar), time zone UTC. T5 is deleted; T6 is a complaint with unknown replies;
 * T7 is closed but its export has no solve time.
 */
const FLAT = dedent(`
  id,created_at,status,team,assignee,channel,first_response_at,solved_at,reopen_count,agent_replies,handle_time_seconds,escalated_at,sla_breached,automated,type
  T1,2026-03-02T09:00:00Z,solved,Alpha,ana,email,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z,0,1,300,,false,false,
  T2,2026-03-03T09:00:00Z,closed,Beta,bo,email,2026-03-03T09:30:00Z,2026-03-05T09:00:00Z,1,3,900,,true,false,
  T3,2026-03-04T09:00:00Z,solved,Alpha,,chat,,2026-03-04T09:05:00Z,,0,,,false,true,
  T4,2026-03-05T09:00:00Z,open,Beta,bo,chat,2026-03-05T11:00:00Z,,0,1,,,true,,
  T5,2026-03-06T09:00:00Z,deleted,Alpha,ana,email,,,,,,,,,
  T6,2026-03-07T09:00:00Z,solved,Alpha,ana,phone,,2026-03-08T09:00:00Z,,,,2026-03-07T10:00:00Z,,,complaint
  T7,2026-03-08T09:00:00Z,closed,Beta,bo,email,,,,,,,,,
`);

describe.each(ENGINES)('ticket KPIs from flat columns on %s (golden, UTC)', (engine) => {
  let store: Store;
  let org: Organization;
  const q = async (input: Omit<KpiQueryInput, 'from' | 'to'>) =>
    (
      await runKpiQuery(store, org, CATALOGUE, {
        from: '2026-03-01',
        to: '2026-03-31',
        grain: 'month',
        ...input,
      })
    )[0]!;

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'flat', timeZone: 'UTC' });
    const summary = await importFile({ store, org, file: files.write('flat.csv', FLAT) });
    await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
  });
  afterAll(async () => store?.close());

  it('counts, rates and durations from the stated columns', async () => {
    // Created: T1, T2, T3, T4, T6, T7 (T5 deleted) = 6.
    expect((await q({ kpi: 'ticket_volume' })).value).toBe(6);
    // Source-stated SLA outcomes: T1 met, T2 breached (placed by its solve), T3 met, T4 breached
    // (unsolved: placed by creation) → 2 / 4; T6 states none.
    expect(await q({ kpi: 'sla_compliance' })).toMatchObject({ value: 50, numerator: 2, denominator: 4 });
    // Solved T1, T2 (closed), T3, T6 = 4; T3 automated and with no agent reply → 25 %.
    expect(await q({ kpi: 'automation_rate' })).toMatchObject({ value: 25, numerator: 1, denominator: 4 });
    // FCR: solved with ≥ 1 reply: T1 (1), T2 (3) → T1 alone qualifies → 50 %.
    expect(await q({ kpi: 'fcr_rate' })).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
    // Reopen rate over solved tickets whose reopen count is known: T1 (0), T2 (1); T3 and T6 leave it
    // empty → 1/2.
    expect(await q({ kpi: 'reopen_rate' })).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
    // AHT: T1 300, T2 900 → 600.
    expect(await q({ kpi: 'aht' })).toMatchObject({ value: 600, n: 2 });
    // First response: T1 3600, T2 1800, T4 7200 → median 3600.
    expect(await q({ kpi: 'first_response_time' })).toMatchObject({ value: 3600, n: 3 });
    // Resolution: T3 300, T1 10800, T6 86400, T2 172800 → (10800 + 86400) / 2.
    expect(await q({ kpi: 'resolution_time' })).toMatchObject({ value: 48600, n: 4 });
    // Escalated: T6 of 6 created → 16.67 %.
    expect(await q({ kpi: 'escalation_rate' })).toMatchObject({ value: 16.67, numerator: 1, denominator: 6 });
    // T6 is a complaint solved after 1 day (no reopen stated, so its solve is its first) → 100 %.
    expect(await q({ kpi: 'complaint_resolution_rate' })).toMatchObject({
      value: 100,
      numerator: 1,
      denominator: 1,
    });
    // Backlog at the end of March: T4 (T7 is closed: without a solve time it is in no "by solve" KPI,
    // but it is not open either).
    expect(await q({ kpi: 'backlog' })).toMatchObject({ value: 1 });
  });

  it('escalation closure rate: closed in the period ÷ (open at its start + escalated in it)', async () => {
    // X1 escalated in Feb, solved 5 Mar: open at March's start, closed in March. X2 escalated and solved
    // in Feb: not in March. X3 escalated 10 Mar, never solved. X4 escalated 20 Mar, solved 2 Apr.
    // X5 escalated and solved in March. March: X1, X3, X4, X5 = 4, closed X1, X5 → 50 %.
    // April: open at its start X3, X4; closed X4 → 1 / 2.
    const esc = await createOrganization(store.db, { slug: 'escalations', timeZone: 'UTC' });
    const csv = dedent(`
      id,created_at,status,team,escalated_at,solved_at
      X1,2026-02-19T09:00:00Z,solved,Alpha,2026-02-20T09:00:00Z,2026-03-05T09:00:00Z
      X2,2026-02-09T09:00:00Z,solved,Alpha,2026-02-10T09:00:00Z,2026-02-15T09:00:00Z
      X3,2026-03-09T09:00:00Z,open,Alpha,2026-03-10T09:00:00Z,
      X4,2026-03-19T09:00:00Z,solved,Beta,2026-03-20T09:00:00Z,2026-04-02T09:00:00Z
      X5,2026-03-24T09:00:00Z,solved,Beta,2026-03-25T09:00:00Z,2026-03-26T09:00:00Z
    `);
    const summary = await importFile({ store, org: esc, file: files.write('escalations.csv', csv) });
    await deriveTickets(store, esc, { kind: 'import', importId: summary.importId });
    const rows = await runKpiQuery(store, esc, CATALOGUE, {
      kpi: 'escalation_closure_rate',
      from: '2026-03-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect(rows.map((r) => [r.bucket, r.value, r.numerator, r.denominator])).toEqual([
      ['2026-03-01', 50, 2, 4],
      ['2026-04-01', 50, 1, 2],
    ]);
    const byTeam = await runKpiQuery(store, esc, CATALOGUE, {
      kpi: 'escalation_closure_rate',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
      by: 'team',
    });
    expect(byTeam.map((r) => [r.team, r.numerator, r.denominator])).toEqual([
      ['Alpha', 1, 2],
      ['Beta', 1, 2],
    ]);
  });
});
