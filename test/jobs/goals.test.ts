import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import { evaluateGoals } from '../../src/jobs/evaluate-goals.js';
import { buildScorecard } from '../../src/jobs/scorecards.js';
import { setGoal } from '../../src/jobs/set-goal.js';
import type { Store } from '../../src/storage/database.js';
import { listGoals, statusHistory } from '../../src/storage/goals-repository.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { resolveScope } from '../../src/storage/scopes.js';
import { ScoringSettingsError, saveScoringSettings } from '../../src/storage/scoring-settings.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/**
 * Organisation in UTC with no schedule. The goals start on Monday 2026-03-30 with the default baseline,
 * the 28 days 2026-03-02 … 2026-03-29, and end on 2026-05-24 (56 days). Judged as of 2026-04-26, their
 * window is 2026-03-30 … 2026-04-26 and 50 % of their time has gone.
 *
 * Handle time (AHT, mean, by solve): team Alpha 600 s in the baseline, 540 s after; team Beta 600 s, then
 * 720 s. Alpha reopened one of its 10 later tickets (reopen rate 10 %). CSAT of Alpha: 25 answers in the
 * baseline (20 of 5, 5 of 2: 80 %), 12 answers after (all 5) — below CSAT's minimum of 20.
 */
function ticketsCsv(): string {
  const rows = [
    'id,created_at,status,team,assignee,channel,solved_at,reopen_count,agent_replies,handle_time_seconds',
  ];
  const add = (id: string, team: string, day: string, handle: number, reopens = 0) => {
    rows.push(
      `${id},${day}T09:00:00Z,solved,${team},${team === 'Alpha' ? 'ana' : 'bo'},email,${day}T10:00:00Z,${reopens},1,${handle}`,
    );
  };
  for (let i = 0; i < 10; i++) {
    const before = `2026-03-${String(2 + i).padStart(2, '0')}`;
    const after = i < 2 ? `2026-03-${30 + i}` : `2026-04-${String(i - 1).padStart(2, '0')}`;
    add(`A${i}`, 'Alpha', before, 600);
    add(`B${i}`, 'Beta', before, 600);
    add(`A${i + 10}`, 'Alpha', after, 540, i === 0 ? 1 : 0);
    add(`B${i + 10}`, 'Beta', after, 720);
  }
  return `${rows.join('\n')}\n`;
}

function surveysCsv(): string {
  const rows = ['id,kind,sent_at,responded_at,score,agent,team'];
  for (let i = 0; i < 25; i++) {
    const day = `2026-03-${String(3 + (i % 20)).padStart(2, '0')}`;
    rows.push(`S${i},csat,${day}T11:00:00Z,${day}T12:00:00Z,${i < 20 ? 5 : 2},ana,Alpha`);
  }
  for (let i = 0; i < 12; i++) {
    const day = `2026-04-${String(1 + i).padStart(2, '0')}`;
    rows.push(`S${25 + i},csat,${day}T11:00:00Z,${day}T12:00:00Z,5,ana,Alpha`);
  }
  return `${rows.join('\n')}\n`;
}

const NOW = new Date('2026-05-01T00:00:00Z');
const START = '2026-03-30';
const DEADLINE = '2026-05-24';
const LEAD = { name: 'Tess Lead', role: 'team_lead' } as const;

describe.each(ENGINES)('goals and scorecards on %s (golden)', (engine) => {
  let store: Store;
  let org: Organization;

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'goals', timeZone: 'UTC' });
    const t = await importFile({ store, org, file: files.write(`tickets-${engine}.csv`, ticketsCsv()) });
    await deriveTickets(store, org, { kind: 'import', importId: t.importId });
    await importFile({ store, org, file: files.write(`surveys-${engine}.csv`, surveysCsv()) });
  });
  afterAll(async () => store?.close());

  it('sets goals with their baseline, target and SMART check, and refuses one that fails a letter', async () => {
    const aht = (team: string) =>
      setGoal(
        store,
        org,
        {
          kpi: 'aht',
          scope: { kind: 'team', idOrName: team },
          target: { kind: 'percent_change', value: -20 },
          start: START,
          deadline: DEADLINE,
          owner: LEAD,
          actions: [{ title: 'Macros for common questions', owner: 'Tess Lead', due: '2026-04-15' }],
        },
        NOW,
      );
    const alpha = await aht('Alpha');
    // Baseline 600 s over 2026-03-02 … 2026-03-29 (n = 10); target 600 × 0.8 = 480.
    expect(alpha.baseline).toEqual({ from: '2026-03-02', to: '2026-03-29', value: 600, n: 10 });
    expect(alpha.target_value).toBeCloseTo(480, 10);
    // Only the baseline window has history: 480 is beyond its 600 — a stretch, not a failure.
    expect(alpha.smart.letters.map((l) => l.verdict)).toEqual(['pass', 'pass', 'warn', 'pass', 'pass']);
    expect(alpha.goal).toMatchObject({ id: 1, name: 'Average handling time −20 % (team Alpha)' });
    expect(alpha.goal!.actions).toEqual([
      { seq: 1, title: 'Macros for common questions', owner: 'Tess Lead', due: '2026-04-15', status: 'open' },
    ]);
    expect((await aht('Beta')).goal?.id).toBe(2);
    const csat = await setGoal(
      store,
      org,
      {
        kpi: 'csat',
        scope: { kind: 'team', idOrName: 'Alpha' },
        target: { kind: 'points_change', value: 10 },
        start: START,
        deadline: DEADLINE,
        owner: LEAD,
      },
      NOW,
    );
    // 20 of 25 answers positive: 80 %; +10 points → 90.
    expect(csat.baseline).toMatchObject({ value: 80, n: 25 });
    expect(csat.target_value).toBe(90);
    expect(csat.goal?.id).toBe(3);

    // Churn cannot be measured per team (Specific), and the team lead's scorecard has no KRA for it.
    const churn = await setGoal(
      store,
      org,
      {
        kpi: 'churn_rate',
        scope: { kind: 'team', idOrName: 'Alpha' },
        target: { kind: 'percent_change', value: -15 },
        start: START,
        deadline: '2026-03-01',
        owner: LEAD,
      },
      NOW,
    );
    expect(churn.goal).toBeNull();
    expect(churn.smart.ok).toBe(false);
    expect(churn.smart.letters.filter((l) => l.verdict === 'fail').map((l) => l.letter)).toEqual([
      'S',
      'M',
      'A',
      'R',
      'T',
    ]);
    expect((await listGoals(store.db, org.id)).map((g) => g.id)).toEqual([1, 2, 3]);
  });

  it('judges them: a lower-is-better relative target, a KPI that moved the wrong way, too few responses', async () => {
    const reports = await evaluateGoals(store, org, { now: NOW, asOf: '2026-04-26', record: true });
    const byId = new Map(reports.map((r) => [r.id, r]));
    // Alpha: (540 − 600) ÷ (480 − 600) = 50 % with 28 of 56 days gone → pace 0 → on track.
    expect(byId.get(1)).toMatchObject({
      current: { from: '2026-03-30', to: '2026-04-26', value: 540, n: 10 },
      progress: 50,
      elapsed_pct: 50,
      pace: 0,
      status: 'on_track',
    });
    // Beta: (720 − 600) ÷ (−120) = −100 %: negative, pace −150 → off track.
    expect(byId.get(2)).toMatchObject({
      progress: -100,
      progress_raw: -100,
      pace: -150,
      status: 'off_track',
    });
    // CSAT: 12 answers, all positive (100 %), but 12 < 20 → not significant.
    expect(byId.get(3)).toMatchObject({ current: { value: 100, n: 12 }, status: 'not_significant' });
    // The numbers are the engine's for the same period and scope.
    for (const r of reports) {
      const [row] = await runKpiQuery(
        store,
        org,
        CATALOGUE,
        { kpi: r.kpi, from: r.current.from, to: r.current.to, grain: 'all', where: { team: [r.scope.name] } },
        NOW,
      );
      expect(r.current.value).toBe(row!.value);
      expect(r.current.n).toBe(row!.n);
    }
  });

  it('keeps every status change in the history, and only changes', async () => {
    await evaluateGoals(store, org, { now: NOW, asOf: '2026-04-26', record: true });
    expect((await statusHistory(store.db, org.id, 1)).map((h) => h.to)).toEqual(['on_track']);
    // At the deadline the window 2026-04-27 … 2026-05-24 has no tickets: not significant.
    await evaluateGoals(store, org, { now: NOW, asOf: '2026-05-24', record: true });
    const history = await statusHistory(store.db, org.id, 2);
    expect(history.map((h) => [h.from, h.to, h.asOf])).toEqual([
      [null, 'off_track', '2026-04-26'],
      ['off_track', 'not_significant', '2026-05-24'],
    ]);
    expect(history[0]).toMatchObject({ value: 720, n: 10, progress: -100, pace: -150 });
  });

  it('scores a scorecard where one KRA has no data, with a goal supplying a target and floor', async () => {
    await saveScoringSettings(store.db, org.id, {
      scorecardTemplates: [
        {
          role: 'team_lead',
          name: 'Lean team lead',
          kras: [
            {
              kra: 3,
              weight: 60,
              kpis: [
                { kpi: 'aht', weight: 2, target: 400, floor: 800 },
                { kpi: 'reopen_rate', weight: 1, target: 0, floor: 40 },
              ],
            },
            { kra: 2, weight: 40, kpis: [{ kpi: 'qa_score', weight: 1, target: 90, floor: 60 }] },
          ],
        },
      ],
    });
    const scope = await resolveScope(store.db, org.id, 'team', 'Alpha');
    const card = await buildScorecard(store, org, {
      scope,
      period: { from: '2026-03-30', to: '2026-04-26' },
      now: NOW,
    });
    // AHT 540: goal #1 runs in the period, so target 480 and floor = its baseline 600 → 50.
    // Reopen rate 1 of 10 = 10 % between floor 40 and target 0 → (10 − 40) ÷ (0 − 40) = 75.
    // KRA 3 = (2 × 50 + 1 × 75) ÷ 3 = 58.33; KRA 2 (QA) has no reviews → no score, no weight;
    // overall = KRA 3 alone; happy customers (KRA 3) 58.33, healthy teams (KRA 2) none.
    expect(card.template_source).toBe('organisation');
    const [process, team] = card.kras;
    expect(process!.kpis.map((p) => [p.kpi, p.value, p.target, p.floor, p.target_source, p.score])).toEqual([
      ['aht', 540, 480, 600, 'goal #1', 50],
      ['reopen_rate', 10, 0, 40, 'organisation template', 75],
    ]);
    expect(process).toMatchObject({ score: 58.33, weight_used: 1 });
    expect(team).toMatchObject({
      score: null,
      weight_used: null,
      kpis: [{ kpi: 'qa_score', status: 'no_data' }],
    });
    expect(card.overall).toBe(58.33);
    expect(card.weights_used).toEqual({ '3': 1 });
    expect(card.indices).toEqual({
      happy_customers: { score: 58.33, weights_used: { '3': 1 } },
      healthy_teams: { score: null, weights_used: {} },
    });
  });

  it('refuses settings whose targets lie on the wrong side of their floors', async () => {
    await expect(
      saveScoringSettings(store.db, org.id, {
        scorecardTemplates: [
          {
            role: 'agent',
            name: 'x',
            kras: [{ kra: 3, weight: 1, kpis: [{ kpi: 'aht', weight: 1, target: 900, floor: 300 }] }],
          },
        ],
      }),
    ).rejects.toThrow(ScoringSettingsError);
    await expect(
      saveScoringSettings(store.db, org.id, { goalThresholds: { onTrack: -30, atRisk: -10 } }),
    ).rejects.toThrow(/atRisk/);
  });
});
