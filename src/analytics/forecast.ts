import { mae, rmse, seasonalNaiveScale } from './accuracy.js';
import { etsName, fitEts, type SeasonKind, type TrendKind } from './exponential-smoothing.js';

/**
 * Volume forecasting: candidate models, special days, prediction intervals, and the rolling-origin
 * backtest that picks a model per series. See docs/forecasting.md for the reasoning.
 *
 * - Models: the seasonal naive (same slot one season earlier) and ETS / Holt–Winters variants
 *   (exponential-smoothing.ts). Daily series use a season of 7; hourly ones a season of 168 (hour of
 *   the week), which holds both the daily and the weekly cycle in one seasonal state.
 * - Special days (holidays) are left out of fitting and forecast as the model's normal value × a factor:
 *   past special days' actual ÷ predicted volume, shrunk towards a default by one pseudo-day.
 * - Intervals (80 %, 95 %) are empirical: from every in-sample origin the model forecasts up to the
 *   horizon; the errors at each step h, divided by √max(ŷ, 1) (count data: variance grows with the
 *   level), give quantiles that are scaled back by the forecast's own √ŷ.
 */

export interface Series {
  /** Observations, oldest first, equally spaced. */
  values: readonly number[];
  /** Per observation: a special day, kept out of fitting. */
  special?: readonly boolean[] | undefined;
}

export type ModelSpec =
  | { kind: 'seasonal_naive' }
  | { kind: 'mean' }
  | { kind: 'ets'; trend: TrendKind; season: SeasonKind };

export const DEFAULT_MODELS: readonly ModelSpec[] = [
  { kind: 'seasonal_naive' },
  { kind: 'ets', trend: 'none', season: 'additive' },
  { kind: 'ets', trend: 'damped', season: 'additive' },
  { kind: 'ets', trend: 'none', season: 'multiplicative' },
  { kind: 'ets', trend: 'damped', season: 'multiplicative' },
];

/** The share of normal volume a special day gets when history has none to learn from. */
export const DEFAULT_SPECIAL_FACTOR = 0.5;

export interface FittedModel {
  name: string;
  params: Record<string, number>;
  /** The first origin with a meaningful forecast (after the initialisation window). */
  firstOrigin: number;
  /** Forecasts of y[origin] … y[origin + horizon − 1] from the observations before `origin`, as normal days. */
  forecastFrom(origin: number, horizon: number): number[];
}

export interface ForecastOptions {
  /** Season length: 7 for daily series, 168 for hourly ones. */
  period: number;
  horizon: number;
  /** Per forecast step: a special day. */
  futureSpecial?: readonly boolean[] | undefined;
  /** Factor for special days when history has none (default DEFAULT_SPECIAL_FACTOR). */
  specialFactor?: number | undefined;
}

export interface ForecastPoint {
  /** 1 for the first period after the history. */
  step: number;
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
  special: boolean;
}

export interface ModelForecast {
  model: string;
  params: Record<string, number>;
  /** Special days are forecast as normal × this. */
  specialFactor: number;
  points: ForecastPoint[];
}

export function modelName(spec: ModelSpec): string {
  return spec.kind === 'ets' ? etsName(spec.trend, spec.season) : spec.kind;
}

const flags = (series: Series) => series.special ?? series.values.map(() => false);

function checkSeries(series: Series, period: number): void {
  if (!(Number.isInteger(period) && period >= 1)) throw new RangeError('period must be a whole number ≥ 1');
  if (series.special && series.special.length !== series.values.length) {
    throw new RangeError('special flags and values differ in length');
  }
  for (const v of series.values)
    if (!Number.isFinite(v)) throw new RangeError('values must be finite numbers');
}

function fitSeasonalNaive(y: readonly number[], special: readonly boolean[], m: number): FittedModel | null {
  if (y.length < m) return null;
  // The latest normal observation in the same slot at or before t (−1: none yet).
  const normal = new Int32Array(y.length);
  for (let t = 0; t < y.length; t++) normal[t] = !special[t] ? t : t >= m ? normal[t - m]! : -1;
  return {
    name: 'seasonal_naive',
    params: {},
    firstOrigin: m,
    forecastFrom(origin, horizon) {
      const out: number[] = [];
      for (let h = 1; h <= horizon; h++) {
        const j = origin - 1 + h - m * Math.ceil(h / m);
        const k = normal[j]!;
        out.push(k >= 0 ? y[k]! : y[j]!);
      }
      return out;
    },
  };
}

function fitMean(y: readonly number[], special: readonly boolean[]): FittedModel | null {
  // Prefix sums of normal observations, so every origin has the mean of what came before it.
  const sums = [0];
  const counts = [0];
  for (let t = 0; t < y.length; t++) {
    sums.push(sums[t]! + (special[t] ? 0 : y[t]!));
    counts.push(counts[t]! + (special[t] ? 0 : 1));
  }
  if (counts[y.length] === 0) return null;
  return {
    name: 'mean',
    params: {},
    firstOrigin: 1,
    forecastFrom(origin, horizon) {
      const c = counts[origin]!;
      return new Array<number>(horizon).fill(c > 0 ? sums[origin]! / c : 0);
    },
  };
}

/** Fits one model to a series, or null when the series does not allow it. */
export function fitModel(spec: ModelSpec, series: Series, period: number): FittedModel | null {
  checkSeries(series, period);
  const special = flags(series);
  if (spec.kind === 'seasonal_naive') return fitSeasonalNaive(series.values, special, period);
  if (spec.kind === 'mean') return fitMean(series.values, special);
  const fit = fitEts(series.values, special, period, spec.trend, spec.season);
  if (!fit) return null;
  return {
    name: fit.name,
    params: { ...fit.params },
    firstOrigin: period,
    forecastFrom: fit.forecastFrom,
  };
}

/** Past special days' actual ÷ predicted volume, with one pseudo-day at the default factor. */
export function specialFactorOf(fit: FittedModel, series: Series, fallback = DEFAULT_SPECIAL_FACTOR): number {
  const special = flags(series);
  let actual = 0;
  let predicted = 0;
  let days = 0;
  for (let t = fit.firstOrigin; t < series.values.length; t++) {
    if (!special[t]) continue;
    const p = Math.max(0, fit.forecastFrom(t, 1)[0]!);
    actual += series.values[t]!;
    predicted += p;
    days++;
  }
  if (days === 0 || predicted <= 0) return fallback;
  const pseudo = predicted / days;
  return Math.max(0, (actual + fallback * pseudo) / (predicted + pseudo));
}

const MIN_ERRORS = 30;
const PROBABILITIES = [0.025, 0.1, 0.9, 0.975] as const;
/** Standard normal quantiles for the same probabilities: the fallback when there is no error history. */
const NORMAL_QUANTILES = [-1.959963984540054, -1.2815515655446004, 1.2815515655446004, 1.959963984540054];

function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (at - low) * (sorted[high]! - sorted[low]!);
}

const scaleOf = (value: number) => Math.sqrt(Math.max(value, 1));

/**
 * Per step h = 1…horizon: quantiles (2.5, 10, 90, 97.5 %) of the standardised in-sample h-step errors.
 * A step with too few errors borrows the last step that has enough, widened by √(h / h₀).
 */
export function errorQuantiles(fit: FittedModel, series: Series, horizon: number): number[][] {
  const y = series.values;
  const special = flags(series);
  const errors: number[][] = Array.from({ length: horizon }, () => []);
  for (let origin = fit.firstOrigin; origin < y.length; origin++) {
    const steps = Math.min(horizon, y.length - origin);
    const predicted = fit.forecastFrom(origin, steps);
    for (let h = 0; h < steps; h++) {
      const t = origin + h;
      if (special[t]) continue;
      const p = Math.max(0, predicted[h]!);
      errors[h]!.push((y[t]! - p) / scaleOf(p));
    }
  }
  const out: number[][] = [];
  let lastGood = -1;
  for (let h = 0; h < horizon; h++) {
    const e = errors[h]!;
    if (e.length >= MIN_ERRORS) {
      e.sort((a, b) => a - b);
      out.push(PROBABILITIES.map((p) => quantile(e, p)));
      lastGood = h;
    } else if (lastGood >= 0) {
      const widen = Math.sqrt((h + 1) / (lastGood + 1));
      out.push(out[lastGood]!.map((q) => q * widen));
    } else {
      out.push([...NORMAL_QUANTILES]);
    }
  }
  return out;
}

/** Point forecasts only (special days scaled), for backtests. */
function pointForecast(fit: FittedModel, series: Series, options: ForecastOptions, factor: number): number[] {
  const base = fit.forecastFrom(series.values.length, options.horizon);
  return base.map((v, h) => Math.max(0, v) * (options.futureSpecial?.[h] ? factor : 1));
}

/** Fits `spec` and forecasts `horizon` steps with 80 % and 95 % intervals; null when the model does not fit. */
export function forecastWith(
  spec: ModelSpec,
  series: Series,
  options: ForecastOptions,
): ModelForecast | null {
  const fit = fitModel(spec, series, options.period);
  if (!fit) return null;
  const factor = specialFactorOf(fit, series, options.specialFactor);
  const base = fit.forecastFrom(series.values.length, options.horizon);
  const quantiles = errorQuantiles(fit, series, options.horizon);
  const points = base.map((raw, h): ForecastPoint => {
    const special = Boolean(options.futureSpecial?.[h]);
    const value = Math.max(0, raw) * (special ? factor : 1);
    const scale = scaleOf(value);
    const [q025, q10, q90, q975] = quantiles[h]!;
    const bound = (q: number) => Math.max(0, value + q * scale);
    return {
      step: h + 1,
      value,
      lower80: bound(q10!),
      upper80: bound(q90!),
      lower95: bound(q025!),
      upper95: bound(q975!),
      special,
    };
  });
  return { model: fit.name, params: fit.params, specialFactor: factor, points };
}

export interface ModelScore {
  model: string;
  /** Mean over folds of MAE ÷ the fold's in-sample seasonal naive MAE. */
  mase: number | null;
  /** 100 · Σ|e| ÷ Σ actual over all folds. */
  wape: number | null;
  mae: number | null;
  rmse: number | null;
  folds: number;
}

export interface BacktestOptions extends Omit<ForecastOptions, 'futureSpecial'> {
  /**
   * Rolling origins, each `horizon` apart, the last one `horizon` before the end (default 8, fewer when
   * the history is short): enough windows that one unforeseeable incident does not decide the choice.
   */
  folds?: number | undefined;
  models?: readonly ModelSpec[] | undefined;
}

export interface BacktestResult {
  /** First index of each test window, oldest first. */
  origins: number[];
  scores: ModelScore[];
  /** The model with the lowest MASE (then WAPE); null when no fold fits the series. */
  best: string | null;
}

/**
 * Rolling-origin backtest: for each origin, every model is fitted on the observations before it and
 * forecasts the next `horizon` ones (special days scaled as in a real forecast). A model that cannot
 * be fitted at some origin is left out of the ranking.
 */
export function backtest(series: Series, options: BacktestOptions): BacktestResult {
  checkSeries(series, options.period);
  const y = series.values;
  const special = flags(series);
  const models = options.models ?? DEFAULT_MODELS;
  const folds = options.folds ?? 8;
  // Enough history before the first origin to initialise a seasonal model and measure a naive scale.
  const minTrain = 3 * options.period;
  const origins: number[] = [];
  for (let k = folds; k >= 1; k--) {
    const origin = y.length - k * options.horizon;
    if (origin >= minTrain) origins.push(origin);
  }
  const scores: ModelScore[] = [];
  for (const spec of models) {
    const actual: number[] = [];
    const predicted: number[] = [];
    let maseSum = 0;
    let maseFolds = 0;
    let fitted = 0;
    for (const origin of origins) {
      const train: Series = { values: y.slice(0, origin), special: special.slice(0, origin) };
      const fit = fitModel(spec, train, options.period);
      if (!fit) break;
      fitted++;
      const futureSpecial = special.slice(origin, origin + options.horizon);
      const factor = specialFactorOf(fit, train, options.specialFactor);
      const f = pointForecast(fit, train, { ...options, futureSpecial }, factor);
      const a = y.slice(origin, origin + options.horizon);
      actual.push(...a);
      predicted.push(...f);
      const scale = seasonalNaiveScale(train.values, options.period);
      const error = mae(a, f);
      if (scale && error !== null) {
        maseSum += error / scale;
        maseFolds++;
      }
    }
    if (fitted === 0 || fitted < origins.length) continue;
    const errors = actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]!), 0);
    const total = actual.reduce((s, a) => s + Math.abs(a), 0);
    scores.push({
      model: modelName(spec),
      mase: maseFolds === origins.length ? maseSum / maseFolds : null,
      wape: total > 0 ? (100 * errors) / total : null,
      mae: mae(actual, predicted),
      rmse: rmse(actual, predicted),
      folds: fitted,
    });
  }
  const rank = (s: ModelScore) => [s.mase ?? Number.POSITIVE_INFINITY, s.wape ?? Number.POSITIVE_INFINITY];
  const ordered = [...scores].sort((a, b) => {
    const [am, aw] = rank(a);
    const [bm, bw] = rank(b);
    return am! - bm! || aw! - bw!;
  });
  return { origins, scores, best: ordered[0]?.model ?? null };
}

export interface BestForecastOptions extends BacktestOptions, ForecastOptions {
  /** Steps each backtest fold forecasts (default: the horizon). */
  backtestHorizon?: number | undefined;
}

export interface BestForecast extends ModelForecast {
  backtest: BacktestResult;
}

/**
 * Chooses the model by backtest and forecasts with it. Without enough history for a backtest, the
 * first candidate that fits wins in this order: additive ETS, seasonal naive, the mean.
 */
export function forecastBest(series: Series, options: BestForecastOptions): BestForecast {
  const models = options.models ?? DEFAULT_MODELS;
  const result = backtest(series, { ...options, horizon: options.backtestHorizon ?? options.horizon });
  const fallbacks: ModelSpec[] = [
    { kind: 'ets', trend: 'none', season: 'additive' },
    { kind: 'seasonal_naive' },
    { kind: 'mean' },
  ];
  const chosen = models.find((m) => modelName(m) === result.best);
  for (const spec of chosen ? [chosen, ...fallbacks] : fallbacks) {
    const forecast = forecastWith(spec, series, options);
    if (forecast) return { ...forecast, backtest: result };
  }
  // Nothing to learn from (no normal observation at all): a flat zero forecast.
  const points = Array.from(
    { length: options.horizon },
    (_, h): ForecastPoint => ({
      step: h + 1,
      value: 0,
      lower80: 0,
      upper80: 0,
      lower95: 0,
      upper95: 0,
      special: Boolean(options.futureSpecial?.[h]),
    }),
  );
  return { model: 'none', params: {}, specialFactor: DEFAULT_SPECIAL_FACTOR, points, backtest: result };
}
