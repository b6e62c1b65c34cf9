import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { importFile } from '../../src/ingest/import-file.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/**
 * March: the five reviews of ORACLES.md (Zendesk QA): 100 %, 9.91 %, 63.96 %, 90.99 %, 0 %, each one
 * category on a 0–10000 scale so the published percentages are exact → IQS = 264.86 / 5 = 52.97.
 * April: Q1 Tone 4 of 1–5 (0.75, weight 1) and Accuracy 5 of 1–5 (1.0, weight 2), Compliance critical
 * but N/A → (0.75 + 2) / 3 = 91.67; Q2 Tone 5/5 but Compliance critical 0 of 0–1 → 0; Q3 every
 * category N/A → no score. IQS April = (91.67 + 0) / 2 = 45.83, n 2.
 */
const RATINGS = dedent(`
  review_id,reviewed_at,category,rating,scale_min,scale_max,weight,critical,na,agent,team
  R1,2026-03-05T10:00:00Z,Overall,10000,0,10000,,,,ana,Alpha
  R2,2026-03-06T10:00:00Z,Overall,991,0,10000,,,,ana,Alpha
  R3,2026-03-07T10:00:00Z,Overall,6396,0,10000,,,,bo,Beta
  R4,2026-03-08T10:00:00Z,Overall,9099,0,10000,,,,bo,Beta
  R5,2026-03-09T10:00:00Z,Overall,0,0,10000,,,,bo,Beta
  Q1,2026-04-02T10:00:00Z,Tone,4,1,5,1,false,,ana,Alpha
  Q1,2026-04-02T10:00:00Z,Accuracy,5,1,5,2,false,,ana,Alpha
  Q1,2026-04-02T10:00:00Z,Compliance,,0,1,1,true,true,ana,Alpha
  Q2,2026-04-03T10:00:00Z,Tone,5,1,5,1,false,,bo,Beta
  Q2,2026-04-03T10:00:00Z,Compliance,0,0,1,1,true,,bo,Beta
  Q3,2026-04-04T10:00:00Z,Tone,,1,5,1,false,true,bo,Beta
`);

describe.each(ENGINES)('QA score on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'qa', timeZone: 'UTC' });
    const summary = await importFile({ store, org, file: files.write('qa.csv', RATINGS) });
    expect(summary.records).toEqual({
      kind: 'qa ratings',
      counts: { created: 11, updated: 0, unchanged: 0 },
    });
  });
  afterAll(async () => store?.close());

  it('reproduces the IQS of ORACLES.md and applies the critical and N/A rules', async () => {
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'qa_score',
      from: '2026-03-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect(rows.map((r) => [r.bucket, r.value, r.n])).toEqual([
      ['2026-03-01', 52.97, 5],
      ['2026-04-01', 45.83, 2],
    ]);
    const reviews = await store.db
      .selectFrom('qa_reviews')
      .select(['id', 'score_pct', 'critical_failed'])
      .orderBy('id')
      .execute();
    expect(
      reviews.map((r) => [
        r.id,
        r.score_pct === null ? null : Math.round(r.score_pct * 100) / 100,
        r.critical_failed,
      ]),
    ).toEqual([
      ['Q1', 91.67, false],
      ['Q2', 0, true],
      ['Q3', null, false],
      ['R1', 100, false],
      ['R2', 9.91, false],
      ['R3', 63.96, false],
      ['R4', 90.99, false],
      ['R5', 0, false],
    ]);
  });

  it('adds the agents and teams reviewed, and no reviewer as a customer', async () => {
    expect(await store.db.selectFrom('agents').select(['id', 'team_id']).orderBy('id').execute()).toEqual([
      { id: 'ana', team_id: 'Alpha' },
      { id: 'bo', team_id: 'Beta' },
    ]);
    expect(await store.db.selectFrom('customers').selectAll().execute()).toEqual([]);
  });

  it('a file that holds a review replaces all its ratings, and re-scores it', async () => {
    const fix = dedent(`
      review_id,reviewed_at,category,rating,scale_min,scale_max,weight,critical,na,agent,team
      Q2,2026-04-03T10:00:00Z,Compliance,1,0,1,1,true,,bo,Beta
    `);
    const summary = await importFile({ store, org, file: files.write('qa-fix.csv', fix) });
    expect(summary.records?.counts).toEqual({ created: 0, updated: 1, unchanged: 0 });
    // The file holds only Compliance for Q2, so Q2's Tone rating goes: Q2 = 1.0 → 100.
    // April IQS = (91.67 + 100) / 2 = 95.83.
    const q2 = await store.db
      .selectFrom('qa_ratings')
      .select('category')
      .where('review_id', '=', 'Q2')
      .execute();
    expect(q2).toEqual([{ category: 'Compliance' }]);
    const [, april] = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'qa_score',
      from: '2026-03-01',
      to: '2026-04-30',
      grain: 'month',
    });
    expect(april!.value).toBe(95.83);
  });
});
