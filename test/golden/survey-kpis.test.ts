import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import type { KpiQueryInput } from '../../src/engine/kpi-query.js';
import { type ImportFailedError, importFile } from '../../src/ingest/import-file.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

type Row = [
  id: string,
  kind: string,
  sent: string,
  responded: string,
  score: string,
  agent?: string,
  extra?: string,
];

/** Writes survey rows as CSV; `extra` is `scale_min,scale_max,polarity`. */
function surveysCsv(rows: Row[]): string {
  const lines = ['id,kind,sent_at,responded_at,score,agent,scale_min,scale_max,polarity'];
  for (const [id, kind, sent, responded, score, agent = 'ana', extra = ',,'] of rows) {
    lines.push(`${id},${kind},${sent},${responded},${score},${agent},${extra}`);
  }
  return `${lines.join('\n')}\n`;
}

const many = (prefix: string, count: number, kind: string, score: string, day: string): Row[] =>
  Array.from({ length: count }, (_, i) => [
    `${prefix}${i}`,
    kind,
    `${day}T08:00:00Z`,
    `${day}T10:00:00Z`,
    score,
  ]);

/**
 * March: CSAT 8 positive (5 × "5", 3 × "4") and 2 negative ("1", "2") → 80 % (ORACLES.md, Simplesat).
 * April: CSAT 7 positive, 1 neutral ("3"), 2 negative → 70 %; the 3 stays in the denominator.
 * March: NPS 50 promoters, 30 passives, 20 detractors → +30 (ORACLES.md).
 * May: 4 CSAT surveys sent, none answered (a survey with no responses).
 * March: CES 7, 6, 2 and, on a flipped 1–5 scale where 1 is easiest, a 1 → 7 on 1–7; eNPS 9, 10, 3;
 * repurchase yes, yes, no, yes.
 */
const SURVEYS = surveysCsv([
  ...many('c5-', 5, 'csat', '5', '2026-03-10'),
  ...many('c4-', 3, 'csat', '4', '2026-03-11'),
  ['c1', 'csat', '2026-03-12T08:00:00Z', '2026-03-12T09:00:00Z', '1', 'bo'],
  ['c2', 'csat', '2026-03-12T08:00:00Z', '2026-03-12T09:00:00Z', '2', 'bo'],
  ...many('a5-', 7, 'csat', '5', '2026-04-10'),
  ['a3', 'csat', '2026-04-11T08:00:00Z', '2026-04-11T09:00:00Z', '3'],
  ['a1', 'csat', '2026-04-11T08:00:00Z', '2026-04-11T09:00:00Z', '1'],
  ['a2', 'csat', '2026-04-11T08:00:00Z', '2026-04-11T09:00:00Z', '2'],
  ...many('np-', 50, 'nps', '9', '2026-03-15'),
  ...many('nz-', 30, 'nps', '8', '2026-03-15'),
  ...many('nd-', 20, 'nps', '5', '2026-03-15'),
  ...many('m-', 4, 'csat', '', '2026-05-05').map((r): Row => [r[0], r[1], r[2], '', '']),
  ['e7', 'ces', '2026-03-20T08:00:00Z', '2026-03-20T09:00:00Z', '7'],
  ['e6', 'ces', '2026-03-20T08:00:00Z', '2026-03-20T09:00:00Z', '6'],
  ['e2', 'ces', '2026-03-20T08:00:00Z', '2026-03-20T09:00:00Z', '2'],
  ['e1', 'ces', '2026-03-20T08:00:00Z', '2026-03-20T09:00:00Z', '1', 'ana', '1,5,lower_better'],
  ['p9', 'enps', '2026-03-21T08:00:00Z', '2026-03-21T09:00:00Z', '9', ''],
  ['p10', 'enps', '2026-03-21T08:00:00Z', '2026-03-21T09:00:00Z', '10', ''],
  ['p3', 'enps', '2026-03-21T08:00:00Z', '2026-03-21T09:00:00Z', '3', ''],
  ['r1', 'repurchase', '2026-03-22T08:00:00Z', '2026-03-22T09:00:00Z', 'yes'],
  ['r2', 'repurchase', '2026-03-22T08:00:00Z', '2026-03-22T09:00:00Z', 'yes'],
  ['r3', 'repurchase', '2026-03-22T08:00:00Z', '2026-03-22T09:00:00Z', 'no'],
  ['r4', 'repurchase', '2026-03-22T08:00:00Z', '2026-03-22T09:00:00Z', 'yes'],
]);

describe.each(ENGINES)('survey KPIs on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  const q = async (input: Omit<KpiQueryInput, 'grain'> & { grain?: KpiQueryInput['grain'] }) =>
    runKpiQuery(store, org, CATALOGUE, { grain: 'month', ...input });

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'surveys', timeZone: 'UTC' });
    const summary = await importFile({ store, org, file: files.write('surveys.csv', SURVEYS) });
    expect(summary.records).toEqual({ kind: 'surveys', counts: { created: 135, updated: 0, unchanged: 0 } });
  });
  afterAll(async () => store?.close());

  it('CSAT top-2-box reproduces ORACLES.md: 80 %, then 70 % with a neutral 3 in the denominator', async () => {
    const rows = await q({ kpi: 'csat', from: '2026-03-01', to: '2026-05-31' });
    // March 8/10: Wilson 49.02–94.33 (the ORACLES interval). April 7/10: Wilson 39.68–89.22.
    // May: four surveys sent, none answered → n 0, value null.
    expect(
      rows.map((r) => [r.bucket, r.value, r.numerator, r.denominator, r.ci_low, r.ci_high, r.significant]),
    ).toEqual([
      ['2026-03-01', 80, 8, 10, 49.02, 94.33, false],
      ['2026-04-01', 70, 7, 10, 39.68, 89.22, false],
      ['2026-05-01', null, 0, 0, null, null, false],
    ]);
    // By agent in March: ana 8/8, bo 0/2.
    const byAgent = await q({ kpi: 'csat', from: '2026-03-01', to: '2026-03-31', by: 'agent' });
    expect(byAgent.map((r) => [r.agent, r.value, r.n])).toEqual([
      ['ana', 100, 8],
      ['bo', 0, 2],
    ]);
    // Mean March: (5 × 5 + 3 × 4 + 1 + 2) / 10 = 40 / 10 = 4.
    const [mean] = await q({ kpi: 'csat_mean', from: '2026-03-01', to: '2026-03-31' });
    expect([mean!.value, mean!.n]).toEqual([4, 10]);
  });

  it('NPS reproduces ORACLES.md: 50 / 30 / 20 → +30, with the NPS variance interval', async () => {
    // Var = 100² × (0.5 + 0.2 − 0.3²) / 100 = 61; 30 ± 1.96 × 7.81 = 14.69–45.31. n = 100 ≥ 20.
    const [row] = await q({ kpi: 'nps', from: '2026-03-01', to: '2026-03-31' });
    expect([row!.value, row!.n, row!.ci_low, row!.ci_high, row!.significant]).toEqual([
      30,
      100,
      14.69,
      45.31,
      true,
    ]);
  });

  it('CES mean flips a lower-is-easier scale; eNPS; repurchase intent', async () => {
    // 1 on a 1–5 scale where 1 is easiest → 5 → on 1–7: 1 + (5 − 1)/4 × 6 = 7. Mean (7 + 6 + 2 + 7) / 4 = 5.5.
    const [ces] = await q({ kpi: 'ces', from: '2026-03-01', to: '2026-03-31' });
    expect([ces!.value, ces!.n]).toEqual([5.5, 4]);
    // eNPS: promoters 9, 10; detractor 3 → 100 × (2 − 1) / 3 = 33.33.
    const [enps] = await q({ kpi: 'enps', from: '2026-03-01', to: '2026-03-31' });
    expect([enps!.value, enps!.n]).toEqual([33.33, 3]);
    // Repurchase: 3 yes of 4 → 75 %.
    const [rep] = await q({ kpi: 'repurchase_intent', from: '2026-03-01', to: '2026-03-31' });
    expect([rep!.value, rep!.numerator, rep!.denominator]).toEqual([75, 3, 4]);
  });

  it('response rate is placed by sent time and excludes eNPS pulse surveys', async () => {
    // May: 4 sent, 0 answered → 0 %. March: every customer survey sent in March was answered:
    // 10 CSAT + 100 NPS + 4 CES + 4 repurchase = 118 / 118.
    const rows = await q({ kpi: 'survey_response_rate', from: '2026-03-01', to: '2026-05-31' });
    expect(rows.map((r) => [r.bucket, r.value, r.numerator, r.denominator])).toEqual([
      ['2026-03-01', 100, 118, 118],
      ['2026-04-01', 100, 10, 10],
      ['2026-05-01', 0, 0, 4],
    ]);
  });

  it('re-importing the same surveys changes nothing', async () => {
    const again = await importFile({ store, org, file: files.write('surveys-again.csv', SURVEYS) });
    expect(again.records).toEqual({ kind: 'surveys', counts: { created: 0, updated: 0, unchanged: 135 } });
  });

  it('top-2-box on another CSAT scale is its two highest points; NPS and yes/no keep their own scales', async () => {
    const other = await createOrganization(store.db, {
      slug: `scales-${Math.random().toString(36).slice(2, 8)}`,
      timeZone: 'UTC',
    });
    const csv = surveysCsv([
      ['s10', 'csat', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '10', 'ana', '0,10,'],
      ['s9', 'csat', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '9', 'ana', '0,10,'],
      ['s8', 'csat', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '8', 'ana', '0,10,'],
    ]);
    await importFile({ store, org: other, file: files.write('csat10.csv', csv) });
    // On 0–10 the top two boxes are 9 and 10: 2 of 3.
    const [row] = await runKpiQuery(store, other, CATALOGUE, {
      kpi: 'csat',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
    });
    expect([row!.numerator, row!.denominator]).toEqual([2, 3]);
    const bad = surveysCsv([
      ['n1', 'nps', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '5', 'ana', '1,5,'],
      ['n2', 'nps', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '6.5'],
    ]);
    const failure = await importFile({ store, org: other, file: files.write('bad-nps.csv', bad) }).catch(
      (e: ImportFailedError) => e.summary,
    );
    expect(failure.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [2, 'scale_max', 'a nps answer is on 0–10'],
      [3, 'score', '6.5 is not a whole point of the scale'],
    ]);
  });

  it('feedback loop closure: median time from a negative answer to the follow-up that closed it', async () => {
    // F1 CSAT 1 → closed 1 day later (86,400 s); F2 CSAT 2 → 6 h (21,600); F3 NPS 5 → 3 days (259,200);
    // F4 CSAT 5 is not negative; F5 CSAT 1 is still open. Median of 21,600, 86,400, 259,200 = 86,400.
    const other = await createOrganization(store.db, {
      slug: `loop-${Math.random().toString(36).slice(2, 8)}`,
      timeZone: 'UTC',
    });
    const csv = `id,kind,responded_at,score,followup_closed_at
F1,csat,2026-03-02T10:00:00Z,1,2026-03-03T10:00:00Z
F2,csat,2026-03-03T10:00:00Z,2,2026-03-03T16:00:00Z
F3,nps,2026-03-04T10:00:00Z,5,2026-03-07T10:00:00Z
F4,csat,2026-03-05T10:00:00Z,5,2026-03-06T10:00:00Z
F5,csat,2026-03-06T10:00:00Z,1,
`;
    await importFile({ store, org: other, file: files.write('loop.csv', csv) });
    const [row] = await runKpiQuery(store, other, CATALOGUE, {
      kpi: 'feedback_loop_closure_time',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'month',
    });
    expect([row!.value, row!.n]).toEqual([86400, 3]);
  });

  it('refuses scores outside the scale and answers without a score, naming row and field', async () => {
    const bad = surveysCsv([
      ['x1', 'csat', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', '6'],
      ['x2', 'nps', '2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', ''],
      ['x3', 'csat', '2026-03-10T08:00:00Z', '2026-03-09T09:00:00Z', '4'],
    ]);
    const failure = await importFile({ store, org, file: files.write('bad-surveys.csv', bad) }).catch(
      (e: ImportFailedError) => e.summary,
    );
    expect(failure.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [2, 'score', '6 is outside the scale 1–5'],
      [3, 'score', 'is required for an answered survey'],
      [4, 'responded_at', '2026-03-09T09:00:00.000Z is before sent_at 2026-03-10T08:00:00.000Z'],
    ]);
  });
});
