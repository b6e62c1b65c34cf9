import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { DEFAULT_SCORECARD_TEMPLATES } from '../../src/catalogue/scorecard-templates.js';
import {
  checkPairs,
  judgeChange,
  poissonRateInterval,
  type WindowValue,
} from '../../src/engine/counterweights.js';
import {
  DEFAULT_GOAL_THRESHOLDS,
  evaluateGoal,
  type GoalEvaluationInput,
  lastFullPeriod,
  measurementWindow,
  resolveTarget,
} from '../../src/engine/goals.js';
import { computeScorecard, kpiScore, type ScorecardTemplate } from '../../src/engine/scorecard.js';
import { type SmartInput, smartCheck } from '../../src/engine/smart.js';
import { KRA_NAMES } from '../../src/jobs/scorecards.js';

/** A 56-day goal from 2026-03-02 to 2026-04-26 with a 28-day baseline: as of 2026-03-29, 50 % of it has gone. */
const GOAL = {
  start: '2026-03-02',
  deadline: '2026-04-26',
  baseline: { from: '2026-02-02', to: '2026-03-01' },
};
const AS_OF = '2026-03-29';

function judge(over: Partial<GoalEvaluationInput>): ReturnType<typeof evaluateGoal> {
  return evaluateGoal({
    direction: 'lower',
    minN: 10,
    start: GOAL.start,
    deadline: GOAL.deadline,
    asOf: AS_OF,
    window: measurementWindow(GOAL, AS_OF, false),
    baseline: { value: 3600, n: 50 },
    target: 2880,
    current: { value: 3240, n: 50 },
    thresholds: DEFAULT_GOAL_THRESHOLDS,
    achievedBefore: false,
    ...over,
  });
}

describe('goal maths (golden)', () => {
  it('resolves absolute, percent and points targets', () => {
    expect(resolveTarget('absolute', 85, null)).toBe(85);
    // −20 % of a 3600 s response time: 3600 × 0.8 = 2880.
    expect(resolveTarget('percent_change', -20, 3600)).toBeCloseTo(2880, 10);
    // +10 CSAT points on 78: 88.
    expect(resolveTarget('points_change', 10, 78)).toBe(88);
    expect(resolveTarget('percent_change', -15, null)).toBeNull();
  });

  it('measures over a window as long as the baseline, ending on the as-of day (never after the deadline)', () => {
    expect(measurementWindow(GOAL, AS_OF, false)).toEqual({ from: '2026-03-02', to: '2026-03-29' });
    expect(measurementWindow(GOAL, '2026-06-30', false)).toEqual({ from: '2026-03-30', to: '2026-04-26' });
    // A milestone: the latest recorded value since the start.
    expect(measurementWindow(GOAL, AS_OF, true)).toEqual({ from: '2026-03-02', to: '2026-03-29' });
  });

  it('a relative target on a lower-is-better KPI: progress towards the lower target', () => {
    // Baseline 3600 s, target −20 % = 2880 s, current 3240 s: (3240 − 3600) ÷ (2880 − 3600) × 100 = 50 %.
    // Elapsed: 2026-03-02 … 2026-03-29 is 28 of 56 days = 50 %; pace 50 − 50 = 0 ≥ −10 → on track.
    const v = judge({});
    expect(v.progress).toBeCloseTo(50, 10);
    expect(v.elapsed_pct).toBe(50);
    expect(v.pace).toBeCloseTo(0, 10);
    expect(v.status).toBe('on_track');
    // 3000 s: (3000 − 3600) ÷ (−720) = 83.33 %; 2800 s meets 2880 → achieved (the window starts on the start day).
    expect(judge({ current: { value: 3000, n: 50 } }).progress).toBeCloseTo(83.33, 2);
    expect(judge({ current: { value: 2800, n: 50 } }).status).toBe('achieved');
  });

  it('a KPI that moved the wrong way: negative progress, never shown as progress', () => {
    // Current 4320 s: (4320 − 3600) ÷ (2880 − 3600) = −100 %; pace −100 − 50 = −150 < −25 → off track.
    const v = judge({ current: { value: 4320, n: 50 } });
    expect(v.progress).toBe(-100);
    expect(v.progress_raw).toBe(-100);
    expect(v.pace).toBe(-150);
    expect(v.status).toBe('off_track');
    expect(v.met).toBe(false);
  });

  it('too few responses to judge: not significant, whatever the value', () => {
    const v = judge({
      direction: 'higher',
      minN: 20,
      baseline: { value: 80, n: 25 },
      target: 90,
      current: { value: 100, n: 12 },
    });
    expect(v.status).toBe('not_significant');
    expect(v.reason).toContain('n = 12');
    expect(v.reason).toContain('minimum of 20');
    expect(judge({ baseline: { value: 3600, n: 4 } }).status).toBe('not_significant');
  });

  it('pace thresholds are configuration: at risk and off track move with them', () => {
    // Current 3420: progress (3420 − 3600) ÷ (−720) = 25 %, pace 25 − 50 = −25 → at risk by default.
    expect(judge({ current: { value: 3420, n: 50 } }).status).toBe('at_risk');
    expect(judge({ current: { value: 3420, n: 50 }, thresholds: { onTrack: -30, atRisk: -40 } }).status).toBe(
      'on_track',
    );
    // 3528: progress 10 %, pace −40 → off track by default.
    expect(judge({ current: { value: 3528, n: 50 } }).status).toBe('off_track');
  });

  it('caps progress at 100 for display and keeps the raw value; achieved stays, missed after the deadline', () => {
    const beyond = judge({ current: { value: 2520, n: 50 } });
    // (2520 − 3600) ÷ (−720) = 150 %.
    expect(beyond.progress_raw).toBe(150);
    expect(beyond.progress).toBe(100);
    expect(judge({ achievedBefore: true, current: { value: 4000, n: 50 } }).status).toBe('achieved');
    const late = judge({ asOf: GOAL.deadline, window: measurementWindow(GOAL, GOAL.deadline, false) });
    expect(late.status).toBe('missed');
    expect(judge({ asOf: '2026-03-01' }).status).toBe('not_started');
  });

  it('last full periods', () => {
    expect(lastFullPeriod('month', '2026-05-14')).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(lastFullPeriod('week', '2026-05-14')).toEqual({ from: '2026-05-04', to: '2026-05-10' });
    expect(lastFullPeriod('quarter', '2026-05-14')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
  });
});

const SMART_OK: SmartInput = {
  kpiId: 'aht',
  kpi: CATALOGUE.get('aht'),
  scope: { kind: 'team', label: 'team Alpha', exists: true },
  target: { kind: 'percent_change', input: -20, value: 480 },
  baseline: { from: '2026-02-02', to: '2026-03-01', value: 600, n: 40 },
  start: '2026-03-02',
  deadline: '2026-06-30',
  cadence: null,
  ownerRole: 'team_lead',
  template: DEFAULT_SCORECARD_TEMPLATES.team_lead,
  kraNames: KRA_NAMES,
  // 28-day windows: best (lowest) 500, worst 700.
  history: [
    { from: '2026-02-02', to: '2026-03-01', value: 600, n: 40, significant: true },
    { from: '2026-01-05', to: '2026-02-01', value: 500, n: 40, significant: true },
    { from: '2025-12-08', to: '2026-01-04', value: 700, n: 40, significant: true },
    { from: '2025-11-10', to: '2025-12-07', value: 300, n: 3, significant: false },
  ],
};
const letter = (input: SmartInput, l: string) => smartCheck(input).letters.find((x) => x.letter === l)!;

describe('SMART check', () => {
  it('passes a well-formed goal, flagging a target beyond the best window as a stretch with the numbers', () => {
    const check = smartCheck(SMART_OK);
    expect(check.ok).toBe(true);
    expect(check.letters.map((l) => [l.letter, l.verdict])).toEqual([
      ['S', 'pass'],
      ['M', 'pass'],
      ['A', 'warn'],
      ['R', 'pass'],
      ['T', 'pass'],
    ]);
    // Target 480 is 20 below the best value 500 (the insignificant 300 does not count); range 700 − 500 = 200.
    expect(letter(SMART_OK, 'A').reason).toBe(
      'stretch: the target 480 is beyond the best 28-day value of the last 12 months, 500 (2026-01-05–2026-02-01, n = 40) by 20 (12-month range 200, worst 700)',
    );
    expect(letter({ ...SMART_OK, target: { ...SMART_OK.target, value: 550 } }, 'A').verdict).toBe('pass');
  });

  it('fails Specific: a KPI not measurable per team, a scope that does not exist, a target that is no improvement', () => {
    const churn = { ...SMART_OK, kpiId: 'churn_rate', kpi: CATALOGUE.get('churn_rate') };
    expect(letter(churn, 'S')).toMatchObject({
      verdict: 'fail',
      reason: expect.stringContaining('per team'),
    });
    expect(letter({ ...SMART_OK, scope: { ...SMART_OK.scope, exists: false } }, 'S').verdict).toBe('fail');
    const worse = { ...SMART_OK, target: { kind: 'absolute' as const, input: 650, value: 650 } };
    expect(letter(worse, 'S').reason).toBe(
      'the target 650 is no improvement on the baseline 600 for a lower-is-better KPI',
    );
    expect(smartCheck(worse).ok).toBe(false);
  });

  it('fails Measurable: too small a baseline, or a manual KPI without a recording cadence', () => {
    const small = { ...SMART_OK, baseline: { ...SMART_OK.baseline, n: 4 } };
    expect(letter(small, 'M')).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('n = 4') });
    const manual = {
      ...SMART_OK,
      kpiId: 'loyalty_programme_progress',
      kpi: CATALOGUE.get('loyalty_programme_progress'),
      target: { kind: 'absolute' as const, input: 100, value: 100 },
      baseline: { ...SMART_OK.baseline, value: 0, n: 1 },
    };
    expect(letter(manual, 'M').verdict).toBe('fail');
    expect(letter({ ...manual, cadence: 'monthly' }, 'M')).toMatchObject({ verdict: 'pass' });
  });

  it('fails Achievable: beyond what the KPI can be, or beyond the best value by more than the whole range', () => {
    const csat = {
      ...SMART_OK,
      kpiId: 'csat',
      kpi: CATALOGUE.get('csat'),
      target: { kind: 'points_change' as const, input: 30, value: 110 },
      baseline: { ...SMART_OK.baseline, value: 80, n: 60 },
      history: [{ from: '2026-02-02', to: '2026-03-01', value: 80, n: 60, significant: true }],
    };
    expect(letter(csat, 'A').reason).toBe('the target 110 is outside the values csat can take (0 to 100)');
    // AHT 250: 250 below the best 500, more than the 200 range → implausible.
    const far = { ...SMART_OK, target: { kind: 'absolute' as const, input: 250, value: 250 } };
    expect(letter(far, 'A')).toMatchObject({
      verdict: 'fail',
      reason: expect.stringContaining('more than the whole 12-month range of 200'),
    });
  });

  it('fails Relevant: a KPI in no KRA of the role, or in a KRA that weighs 0', () => {
    const frt = { ...SMART_OK, kpiId: 'first_response_time', kpi: CATALOGUE.get('first_response_time') };
    expect(letter(frt, 'R').reason).toBe(
      'first_response_time counts under no KRA of the team_lead scorecard',
    );
    const zero: ScorecardTemplate = {
      ...DEFAULT_SCORECARD_TEMPLATES.team_lead,
      kras: DEFAULT_SCORECARD_TEMPLATES.team_lead.kras.map((k) => (k.kra === 3 ? { ...k, weight: 0 } : k)),
    };
    expect(letter({ ...SMART_OK, template: zero }, 'R')).toMatchObject({
      verdict: 'fail',
      reason: 'aht is in KRA 3 (Process improvement), which weighs 0 in the team_lead scorecard',
    });
  });

  it('fails Time-bound: a deadline not after the start', () => {
    expect(letter({ ...SMART_OK, deadline: '2026-03-02' }, 'T').reason).toBe(
      'the deadline 2026-03-02 is not after the start 2026-03-02',
    );
    expect(letter({ ...SMART_OK, deadline: 'soon' }, 'T').verdict).toBe('fail');
  });
});

describe('scorecard maths (golden)', () => {
  it('scores 0 at the floor, 100 at the target, linear between, in either direction', () => {
    expect(kpiScore(80, 70, 90, 'higher')).toMatchObject({ score: 50, raw: 50 });
    expect(kpiScore(95, 70, 90, 'higher')).toMatchObject({ score: 100, raw: 125 });
    // AHT 540 between floor 600 and target 480: (540 − 600) ÷ (480 − 600) = 50.
    expect(kpiScore(540, 600, 480, 'lower')).toMatchObject({ score: 50 });
    expect(kpiScore(700, 600, 480, 'lower')).toMatchObject({ score: 0 });
    // A floor on the better side (a goal whose baseline beat its target): pass/fail.
    expect(kpiScore(84, 90, 85, 'higher')).toMatchObject({ score: 0, passFail: true });
  });

  it('leaves KPIs and KRAs without data out, and reports the weights used', () => {
    const template: ScorecardTemplate = {
      role: 'team_lead',
      name: 'Test',
      kras: [
        {
          kra: 1,
          weight: 60,
          kpis: [
            { kpi: 'csat', weight: 2, target: 90, floor: 70 },
            { kpi: 'fcr_rate', weight: 1, target: 80, floor: 40 },
          ],
        },
        { kra: 2, weight: 40, kpis: [{ kpi: 'qa_score', weight: 1, target: 90, floor: 60 }] },
      ],
    };
    const m = (value: number | null, n: number, significant = true) => ({
      value,
      n,
      significant,
      ci_low: null,
      ci_high: null,
    });
    const card = computeScorecard({
      template,
      registry: CATALOGUE,
      kraNames: KRA_NAMES,
      // CSAT 85 → 75; FCR 60 → 50; no QA reviews.
      measurements: new Map([
        ['csat', m(85, 40)],
        ['fcr_rate', m(60, 30)],
        ['qa_score', m(null, 0, false)],
      ]),
      targets: new Map(),
      indices: { happy_customers: { '1': 60 }, healthy_teams: { '2': 40 } },
    });
    // KRA 1 = (2 × 75 + 1 × 50) ÷ 3 = 66.67; KRA 2 has no data, so overall = KRA 1 with all the weight.
    expect(card.kras.map((k) => [k.kra, k.score, k.weight_used])).toEqual([
      [1, 66.67, 1],
      [2, null, null],
    ]);
    expect(card.kras[0]!.kpis.map((p) => [p.kpi, p.score, p.weight_used])).toEqual([
      ['csat', 75, 0.6667],
      ['fcr_rate', 50, 0.3333],
    ]);
    expect(card.kras[1]!.kpis[0]!.status).toBe('no_data');
    expect(card.overall).toBe(66.67);
    expect(card.weights_used).toEqual({ '1': 1 });
    expect(card.indices).toEqual({
      happy_customers: { score: 66.67, weights_used: { '1': 1 } },
      healthy_teams: { score: null, weights_used: {} },
    });
  });
});

describe('counterweight maths', () => {
  const w = (value: number, low: number, high: number, n = 50): WindowValue => ({
    from: '2026-01-01',
    to: '2026-01-28',
    value,
    n,
    ci_low: low,
    ci_high: high,
    significant: n >= 10,
  });

  it('a change counts only when the two intervals do not overlap', () => {
    expect(judgeChange('lower', w(600, 560, 640), w(450, 420, 480)).change).toBe('improved');
    expect(judgeChange('lower', w(600, 560, 640), w(550, 520, 580)).change).toBe('within_intervals');
    expect(judgeChange('higher', w(80, 75, 85), w(60, 50, 70)).change).toBe('worsened');
    expect(judgeChange('higher', w(80, 75, 85, 5), w(60, 50, 70, 5)).change).toBe('not_judged');
  });

  it('warns when the KPI improved and its counterweight worsened, naming both numbers and intervals', () => {
    const windows = new Map([
      ['aht', { before: w(600, 560, 640), after: w(450, 420, 480) }],
      ['qa_score', { before: w(80, 75, 85), after: w(60, 50, 70) }],
      ['fcr_rate', { before: w(60, 55, 65), after: w(61, 56, 66) }],
    ]);
    const { warnings, checks } = checkPairs(
      [{ kpi: 'aht', counterweights: ['qa_score', 'fcr_rate'] }],
      CATALOGUE,
      windows,
    );
    expect(checks.map((c) => [c.counterweight, c.warning])).toEqual([
      ['qa_score', true],
      ['fcr_rate', false],
    ]);
    expect(warnings[0]!.message).toBe(
      'Average handling time improved from 600 [560–640] to 450 [420–480] seconds while QA score worsened from 80 [75–85] to 60 [50–70] score (2026-01-01–2026-01-28 against 2026-01-01–2026-01-28)',
    );
  });

  it('a Poisson interval for a count over exposure', () => {
    // 100 events over 50 agent-days: 2 per day, exact 95 % bounds 81.37–121.63 events → 1.63–2.43.
    const i = poissonRateInterval(100, 50)!;
    expect(i.low).toBeCloseTo(1.627, 2);
    expect(i.high).toBeCloseTo(2.433, 2);
  });
});
