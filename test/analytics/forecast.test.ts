import { describe, expect, it } from 'vitest';
import {
  backtest,
  DEFAULT_SPECIAL_FACTOR,
  fitModel,
  forecastBest,
  forecastWith,
  type Series,
} from '../../src/analytics/forecast.js';
import { nelderMead } from '../../src/analytics/nelder-mead.js';
import { detectSpikes } from '../../src/analytics/spikes.js';
import { Random } from '../../src/demo/random.js';

const WEEK = [1.2, 1.15, 1.1, 1.05, 1.0, 0.6, 0.4];

/** Daily counts: weekly pattern × a slowly rising level, Poisson noise; holidays every `holidayEvery` days. */
function dailySeries(seed: number, days: number, options: { slope?: number; holidayEvery?: number } = {}) {
  const r = new Random(seed, 'forecast-test');
  const values: number[] = [];
  const special: boolean[] = [];
  for (let t = 0; t < days; t++) {
    const holiday =
      options.holidayEvery !== undefined && t % options.holidayEvery === options.holidayEvery - 3;
    const mean = (100 + (options.slope ?? 0) * t) * WEEK[t % 7]! * (holiday ? 0.3 : 1);
    values.push(r.count(mean));
    special.push(holiday);
  }
  return { values, special };
}

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(1, 3);
  });
});

describe('seasonal naive', () => {
  it('repeats the last season, skipping special days for the one a season earlier', () => {
    const series: Series = {
      values: [10, 20, 30, 11, 21, 5, 12, 22, 32],
      special: [false, false, false, false, false, true, false, false, false],
    };
    const fit = fitModel({ kind: 'seasonal_naive' }, series, 3)!;
    expect(fit.forecastFrom(9, 4)).toEqual([12, 22, 32, 12]);
    // From origin 6 the third slot's latest value (5) is a holiday: the one before it (30) stands in.
    expect(fit.forecastFrom(6, 3)).toEqual([11, 21, 30]);
  });
});

describe('ETS / Holt–Winters', () => {
  it('reproduces an exact seasonal pattern', () => {
    const values = Array.from({ length: 8 * 7 }, (_, t) => 100 * WEEK[t % 7]!);
    for (const season of ['additive', 'multiplicative'] as const) {
      const f = forecastWith({ kind: 'ets', trend: 'none', season }, { values }, { period: 7, horizon: 14 })!;
      f.points.forEach((p, h) => {
        expect(p.value).toBeCloseTo(100 * WEEK[h % 7]!, 4);
      });
    }
  });

  it('follows a trend with the damped-trend model', () => {
    const values = Array.from(
      { length: 10 * 7 },
      (_, t) => 100 + 2 * t + 20 * Math.sin((2 * Math.PI * t) / 7),
    );
    const f = forecastWith(
      { kind: 'ets', trend: 'damped', season: 'additive' },
      { values },
      { period: 7, horizon: 7 },
    )!;
    const next = 100 + 2 * 70 + 20 * Math.sin((2 * Math.PI * 70) / 7);
    // Damping bends the trend slightly; one step ahead it is still almost exact.
    expect(Math.abs(f.points[0]!.value - next)).toBeLessThan(2);
    expect(f.params.phi).toBeGreaterThanOrEqual(0.8);
    expect(f.params.phi).toBeLessThanOrEqual(0.98);
  });

  it('is not dragged up for weeks by a one-day incident', () => {
    const { values } = dailySeries(4, 210);
    values[196] = values[196]! * 3; // slot 0 of the week, two weeks before the end
    const f = forecastWith(
      { kind: 'ets', trend: 'none', season: 'multiplicative' },
      { values },
      { period: 7, horizon: 7 },
    )!;
    // The next day in that slot (210 % 7 = 0: the first forecast) stays near the truth.
    expect(Math.abs(f.points[0]!.value - 100 * WEEK[0]!) / (100 * WEEK[0]!)).toBeLessThan(0.06);
  });

  it('beats the seasonal naive in a rolling-origin backtest on a seasonal series with trend', () => {
    const { values } = dailySeries(1, 365, { slope: 0.1 });
    const result = backtest({ values }, { period: 7, horizon: 28 });
    expect(result.origins).toHaveLength(8);
    const naive = result.scores.find((s) => s.model === 'seasonal_naive')!;
    const best = result.scores.find((s) => s.model === result.best)!;
    expect(result.best).toMatch(/^ETS/);
    expect(best.mase!).toBeLessThan(naive.mase!);
    expect(best.mase!).toBeLessThan(1);
    expect(best.wape!).toBeLessThan(naive.wape!);
    expect(result.scores.map((s) => s.model)).toEqual([
      'seasonal_naive',
      'ETS(A,N,A)',
      'ETS(A,Ad,A)',
      'ETS(A,N,M)',
      'ETS(A,Ad,M)',
    ]);
  });
});

describe('prediction intervals', () => {
  it('cover about 80 % and 95 % of simulated future values', () => {
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (let seed = 0; seed < 30; seed++) {
      const { values } = dailySeries(100 + seed, 200 + 28);
      const f = forecastWith(
        { kind: 'ets', trend: 'none', season: 'additive' },
        { values: values.slice(0, 200) },
        { period: 7, horizon: 28 },
      )!;
      f.points.forEach((p, h) => {
        const actual = values[200 + h]!;
        n++;
        if (actual >= p.lower80 && actual <= p.upper80) in80++;
        if (actual >= p.lower95 && actual <= p.upper95) in95++;
        expect(p.lower95).toBeLessThanOrEqual(p.lower80);
        expect(p.upper80).toBeLessThanOrEqual(p.upper95);
      });
    }
    expect(in80 / n).toBeGreaterThan(0.74);
    expect(in80 / n).toBeLessThan(0.86);
    expect(in95 / n).toBeGreaterThan(0.91);
    expect(in95 / n).toBeLessThan(0.985);
  });
});

describe('special days (holidays)', () => {
  it('learns the holiday factor, keeps holidays out of the fit and forecasts them low', () => {
    const { values, special } = dailySeries(7, 280, { holidayEvery: 30 });
    const horizon = 14;
    const futureSpecial = Array.from({ length: horizon }, (_, h) => h === 9);
    const spec = { kind: 'ets', trend: 'none', season: 'multiplicative' } as const;
    const f = forecastWith(spec, { values, special }, { period: 7, horizon, futureSpecial })!;
    expect(f.specialFactor).toBeGreaterThan(0.25);
    expect(f.specialFactor).toBeLessThan(0.4);
    const holiday = f.points[9]!;
    expect(holiday.special).toBe(true);
    expect(holiday.value / f.points[2]!.value).toBeCloseTo(f.specialFactor, 6); // same weekday a week earlier
    expect(holiday.upper95).toBeLessThan(f.points[2]!.lower95);
    // Without the flags, holidays drag the normal days' forecast down.
    const blind = forecastWith(spec, { values }, { period: 7, horizon })!;
    const truth = (h: number) => 100 * WEEK[(280 + h) % 7]!;
    const error = (points: typeof f.points) =>
      points.reduce((s, p, h) => (h === 9 ? s : s + Math.abs(p.value - truth(h))), 0);
    expect(error(f.points)).toBeLessThan(error(blind.points));
  });

  it('uses the default (or configured) factor when history has no holiday', () => {
    const { values } = dailySeries(8, 70);
    const futureSpecial = [true, false];
    const base = forecastWith({ kind: 'seasonal_naive' }, { values }, { period: 7, horizon: 2 })!;
    const f = forecastWith({ kind: 'seasonal_naive' }, { values }, { period: 7, horizon: 2, futureSpecial })!;
    expect(f.specialFactor).toBe(DEFAULT_SPECIAL_FACTOR);
    expect(f.points[0]!.value).toBeCloseTo(base.points[0]!.value * DEFAULT_SPECIAL_FACTOR, 9);
    const low = forecastWith(
      { kind: 'seasonal_naive' },
      { values },
      { period: 7, horizon: 2, futureSpecial, specialFactor: 0.1 },
    )!;
    expect(low.points[0]!.value).toBeCloseTo(base.points[0]!.value * 0.1, 9);
  });
});

describe('model choice', () => {
  it('forecasts hourly series with an hour-of-week season', () => {
    const r = new Random(3, 'hourly');
    const hour = (h: number) => (h < 7 || h > 21 ? 0.1 : 1 + Math.sin(((h - 7) / 14) * Math.PI));
    const values = Array.from({ length: 6 * 168 }, (_, t) =>
      r.count(4 * WEEK[Math.floor(t / 24) % 7]! * hour(t % 24)),
    );
    const f = forecastBest({ values }, { period: 168, horizon: 48, folds: 3 });
    expect(f.backtest.origins).toHaveLength(3);
    expect(f.model).toMatch(/^ETS/);
    expect(f.points).toHaveLength(48);
    // Night hours stay low, mid-day hours high.
    expect(f.points[3]!.value).toBeLessThan(2);
    expect(f.points[14]!.value).toBeGreaterThan(4);
  });

  it('falls back without enough history, down to the mean and to zero', () => {
    const short = forecastBest({ values: [5, 6, 7, 5, 6, 7, 5, 6, 7, 5] }, { period: 7, horizon: 3 });
    expect(short.backtest.origins).toEqual([]);
    expect(short.model).toBe('seasonal_naive');
    const tiny = forecastBest({ values: [4, 6] }, { period: 7, horizon: 2 });
    expect(tiny.model).toBe('mean');
    expect(tiny.points.map((p) => p.value)).toEqual([5, 5]);
    const none = forecastBest({ values: [] }, { period: 7, horizon: 2 });
    expect(none.model).toBe('none');
    expect(none.points.map((p) => p.value)).toEqual([0, 0]);
  });
});

describe('spikes', () => {
  it('flags values above and below the interval with their excess', () => {
    const flags = detectSpikes([
      { key: 'mon', actual: 130, forecast: 100, lower: 80, upper: 120 },
      { key: 'tue', actual: 100, forecast: 100, lower: 80, upper: 120 },
      { key: 'wed', actual: 70, forecast: 100, lower: 80, upper: 120 },
      { key: 'thu', actual: 120, forecast: 100, lower: 80, upper: 120 },
      { key: 'fri', actual: 3, forecast: 0, lower: 0, upper: 1 },
    ]);
    expect(flags.map((f) => [f.key, f.kind, f.excess, f.deviationPct])).toEqual([
      ['mon', 'spike', 10, 30],
      ['wed', 'dip', 10, -30],
      ['fri', 'spike', 2, null],
    ]);
    expect(
      detectSpikes([{ key: 1, actual: 125, forecast: 100, lower: 80, upper: 120 }], { minExcess: 5 }),
    ).toEqual([]);
  });
});
