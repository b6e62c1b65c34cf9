import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { runCli } from '../../src/cli/main.js';
import { type DemoOptions, GAMING_TEAM } from '../../src/demo/index.js';
import { coachingSuggestions } from '../../src/jobs/coaching.js';
import { checkCounterweights } from '../../src/jobs/counterweights.js';
import { evaluateGoals, type GoalReport } from '../../src/jobs/evaluate-goals.js';
import { loadDemo } from '../../src/jobs/load-demo.js';
import {
  agentVsTeamMedian,
  buildScorecard,
  compareScorecards,
  type ScorecardReport,
} from '../../src/jobs/scorecards.js';
import { openStore, type Store } from '../../src/storage/database.js';
import { type Organization, resolveOrganization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { resolveScope, type Scope, scopeWhere } from '../../src/storage/scopes.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

/** The small demo of test/demo: two months to 2026-05-13 at 3 % volume. */
const SMALL: DemoOptions = { seed: 7, months: 2, today: '2026-05-14', scale: 0.03 };
const NOW = new Date('2026-05-14T00:00:00Z');
const APRIL = { from: '2026-04-01', to: '2026-04-30' };
const GAMING_DESK = 'Business';

/** runKpiQuery for one scope over one range: the numbers `deskscore kpi` reports. */
async function engineValue(
  store: Store,
  org: Organization,
  kpi: string,
  scope: Scope,
  range: { from: string; to: string },
) {
  const [row] = await runKpiQuery(
    store,
    org,
    CATALOGUE,
    { kpi, from: range.from, to: range.to, grain: 'all', where: scopeWhere(scope) },
    NOW,
  );
  return { value: row!.value, n: row!.n };
}

async function expectGoalsAgree(store: Store, org: Organization, reports: readonly GoalReport[]) {
  expect(reports.map((r) => r.kpi)).toEqual([
    'churn_rate',
    'csat',
    'avg_response_time',
    'loyalty_programme_progress',
  ]);
  for (const r of reports) {
    expect(await engineValue(store, org, r.kpi, r.scope, r.current), `${r.kpi} current`).toEqual({
      value: r.current.value,
      n: r.current.n,
    });
    expect(await engineValue(store, org, r.kpi, r.scope, r.baseline), `${r.kpi} baseline`).toEqual({
      value: r.baseline.value,
      n: r.baseline.n,
    });
  }
}

async function expectScorecardAgrees(store: Store, org: Organization, card: ScorecardReport) {
  let checked = 0;
  for (const kra of card.kras) {
    for (const p of kra.kpis) {
      if (p.status === 'not_applicable') continue;
      expect(await engineValue(store, org, p.kpi, card.scope, card.period), p.kpi).toEqual({
        value: p.value,
        n: p.n,
      });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(30);
}

describe.each(ENGINES)('judging the demo organisation on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    await loadDemo(store, SMALL);
    org = await resolveOrganization(store.db, 'demo');
  });
  afterAll(async () => store?.close());

  it('has seed 000’s worked example as goals, measured with the engine’s numbers', async () => {
    const reports = await evaluateGoals(store, org, { now: NOW });
    // The strategy starts on Monday 2026-04-20 (35 days into the data); six months to 2026-10-20.
    expect(reports.map((r) => [r.name, r.target.kind, r.target.input, r.start, r.deadline])).toEqual([
      ['Reduce churn by 15 % within 6 months', 'percent_change', -15, '2026-04-20', '2026-10-20'],
      ['CSAT up 10 points after the strategy starts', 'points_change', 10, '2026-04-20', '2026-10-20'],
      ['Average response time 20 % faster', 'percent_change', -20, '2026-04-20', '2026-10-20'],
      ['Customer loyalty programme launched', 'absolute', 100, '2026-04-20', '2026-09-20'],
    ]);
    const loyalty = reports[3]!;
    // Recorded 0 % at the end of March (baseline) and 20 % at the end of April.
    expect(loyalty).toMatchObject({ baseline: { value: 0, n: 1 }, current: { value: 20 }, progress: 20 });
    expect(loyalty.actions.map((a) => a.status)).toEqual(['done', 'in_progress', 'open']);
    for (const r of reports) expect(r.smart.letters).toHaveLength(5);
    // Judged once when the demo was loaded: the history has its first entry.
    for (const r of reports) expect(r.recorded.status).toBe(r.status);
    await expectGoalsAgree(store, org, reports);
  });

  it('warns about the gaming team’s counterweights, and about no other team', async () => {
    const report = await checkCounterweights(store, org, { now: NOW });
    expect(report.windows).toEqual({
      before: { from: '2026-03-19', to: '2026-04-15' },
      after: { from: '2026-04-16', to: '2026-05-13' },
    });
    const teams = report.warnings.filter((w) => w.scope.kind === 'team');
    expect(teams.length).toBeGreaterThan(0);
    expect([...new Set(teams.map((w) => w.scope.name))]).toEqual([GAMING_TEAM]);
    // Only the desk that holds the gaming team may show it too.
    for (const w of report.warnings.filter((x) => x.scope.kind === 'desk'))
      expect(w.scope.name).toBe(GAMING_DESK);
    const aht = teams.find((w) => w.kpi === 'aht' && w.counterweight === 'qa_score')!;
    expect(aht.kpi_change.after.value!).toBeLessThan(aht.kpi_change.before.ci_low!);
    expect(aht.counterweight_change.after.ci_high!).toBeLessThan(aht.counterweight_change.before.ci_low!);
    expect(aht.message).toMatch(
      /^Average handling time improved from [\d.]+ \[[\d.]+–[\d.]+\] to [\d.]+ \[[\d.]+–[\d.]+\] seconds while QA score worsened from /,
    );
    // The windows' numbers are the engine's.
    const team = await resolveScope(store.db, org.id, 'team', GAMING_TEAM);
    expect(await engineValue(store, org, 'qa_score', team, report.windows.after)).toMatchObject({
      value: aht.counterweight_change.after.value,
    });
  });

  it('scores a desk with the engine’s numbers, and ranks desks and teams side by side', async () => {
    const retail = await resolveScope(store.db, org.id, 'desk', 'Retail');
    const card = await buildScorecard(store, org, { scope: retail, period: APRIL, now: NOW });
    expect(card.role).toBe('manager');
    expect(card.overall).not.toBeNull();
    await expectScorecardAgrees(store, org, card);
    const desks = await compareScorecards(store, org, { kind: 'desk', period: APRIL, now: NOW });
    expect(desks.ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(desks.scorecards.find((c) => c.scope.name === 'Retail')!.overall).toBe(card.overall);
    const teams = await compareScorecards(store, org, { kind: 'team', period: APRIL, now: NOW });
    expect(teams.ranking).toHaveLength(8);
    const overall = teams.ranking.map((r) => r.overall ?? -1);
    expect(overall).toEqual([...overall].sort((a, b) => b - a));
  });

  it('suggests coaching for the gaming team, with the tickets behind the numbers', async () => {
    const team = await resolveScope(store.db, org.id, 'team', GAMING_TEAM);
    const report = await coachingSuggestions(store, org, { scope: team, period: APRIL, now: NOW, limit: 5 });
    const reopen = report.suggestions.find((s) => s.kpi === 'reopen_rate')!;
    expect(reopen).toBeDefined();
    expect(reopen.courses.map((c) => c.course)).toEqual(['Handling complaints']);
    // Every ticket named is one of the team's reopened tickets solved in April.
    const facts = await store.db
      .selectFrom('ticket_facts')
      .select(['ticket_id', 'reopen_count', 'solved_team_id'])
      .where('org_id', '=', org.id)
      .where(
        'ticket_id',
        'in',
        reopen.tickets!.map((t) => t.ticket_id),
      )
      .execute();
    expect(facts).toHaveLength(reopen.tickets!.length);
    expect(reopen.tickets!.length).toBeGreaterThan(0);
    for (const f of facts)
      expect(f).toMatchObject({ reopen_count: expect.any(Number), solved_team_id: GAMING_TEAM });
    for (const f of facts) expect(f.reopen_count).toBeGreaterThan(0);
  });

  it('compares an agent with the median of the team’s agents', async () => {
    const agent = (await store.db
      .selectFrom('agents')
      .select('name')
      .where('org_id', '=', org.id)
      .where('team_id', '=', 'Retail Mail')
      .orderBy('name')
      .executeTakeFirstOrThrow())!;
    const scope = await resolveScope(store.db, org.id, 'agent', agent.name);
    const card = await buildScorecard(store, org, { scope, period: APRIL, now: NOW });
    expect(card.role).toBe('agent');
    const median = await agentVsTeamMedian(store, org, card, NOW);
    expect(median.team?.name).toBe('Retail Mail');
    const aht = median.kpis.find((k) => k.kpi === 'aht')!;
    expect(aht.agents_with_data).toBeGreaterThan(0);
    expect(aht.team_median).not.toBeNull();
  });
});

describe('deskscore goals, scorecard, counterweights and coaching on the demo (DuckDB file)', () => {
  const files = scratchDir();
  const db = files.path('demo.duckdb');
  afterAll(() => files.cleanup());
  afterEach(() => vi.restoreAllMocks());

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    try {
      return { code: await runCli([...args, '--db', db]), out, err };
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('prints goals and a desk scorecard whose numbers agree with the engine', async () => {
    const demo = await cli(
      'demo',
      '--seed',
      '7',
      '--months',
      '2',
      '--today',
      '2026-05-14',
      '--scale',
      '0.03',
      '--json',
    );
    expect(demo.code, demo.err).toBe(0);
    expect(JSON.parse(demo.out)).toMatchObject({ goals: 4 });

    const goals = await cli('goals', '--as-of', '2026-05-13', '--json');
    expect(goals.code, goals.err).toBe(0);
    const reports = JSON.parse(goals.out) as GoalReport[];
    const card = await cli(
      'scorecard',
      '--desk',
      'Payments',
      '--from',
      '2026-04-01',
      '--to',
      '2026-04-30',
      '--json',
    );
    expect(card.code, card.err).toBe(0);
    const scorecard = JSON.parse(card.out) as ScorecardReport;
    expect(scorecard.scope).toEqual({ kind: 'desk', id: 'Payments', name: 'Payments' });

    const text = await cli('goals', '--as-of', '2026-05-13');
    expect(text.out).toContain('Reduce churn by 15 % within 6 months');
    const cw = await cli('counterweights', '--to', '2026-05-13');
    expect(cw.out).toContain(`WARNING team ${GAMING_TEAM}: Average handling time improved`);
    const coaching = await cli(
      'coaching',
      '--team',
      GAMING_TEAM,
      '--from',
      '2026-04-01',
      '--to',
      '2026-04-30',
    );
    expect(coaching.code, coaching.err).toBe(0);
    expect(coaching.out).toContain('qa_score');
    const compare = await cli('scorecard', '--compare', 'teams', '--period', 'month');
    expect(compare.code, compare.err).toBe(0);

    // A goal that fails SMART letters is printed and not saved; a dry run saves nothing either.
    const bad = await cli(
      'goal',
      'add',
      '--kpi',
      'churn_rate',
      '--team',
      GAMING_TEAM,
      '--change=-15%',
      '--start',
      '2026-05-01',
      '--deadline',
      '2026-04-01',
      '--owner',
      'Ana',
      '--owner-role',
      'team_lead',
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('S Specific    fail  churn_rate cannot be measured per team');
    expect(bad.err).toContain('not saved: the SMART check failed on S, M, A, R, T');
    const good = await cli(
      'goal',
      'add',
      '--kpi',
      'fcr_rate',
      '--team',
      GAMING_TEAM,
      '--change',
      '+5pt',
      '--start',
      '2026-04-20',
      '--deadline',
      '2026-07-19',
      '--owner',
      'Ana',
      '--owner-role',
      'team_lead',
      '--action',
      'Review reopened tickets weekly|Ana|2026-05-01|in_progress',
    );
    expect(good.code, good.err).toBe(0);
    expect(good.out).toContain('saved as goal #5');
    const shown = await cli('goal', 'show', '5', '--as-of', '2026-05-13', '--json');
    expect(JSON.parse(shown.out)).toMatchObject({
      id: 5,
      scope: { kind: 'team', name: GAMING_TEAM },
      actions: [{ seq: 1, status: 'in_progress' }],
    });

    const store = await openStore({ kind: 'duckdb', location: db });
    try {
      const org = await resolveOrganization(store.db, 'demo');
      await expectGoalsAgree(store, org, reports);
      await expectScorecardAgrees(store, org, scorecard);
    } finally {
      await store.close();
    }
  });
});
