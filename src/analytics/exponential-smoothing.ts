import { nelderMead } from './nelder-mead.js';

/**
 * Holt–Winters as ETS with additive errors (Hyndman & Athanasopoulos, "Forecasting: principles and
 * practice", ch. 8): level, optional damped trend, additive or multiplicative season of length m.
 *
 *   additive season:        ŷ_t = l + φb + s_{t−m};  l ← l + φb + αe;  b ← φb + βe;  s_t = s_{t−m} + γe
 *   multiplicative season:  ŷ_t = (l + φb)·s_{t−m};  l ← l + φb + αe/s;  b ← φb + βe/s;  s_t = s + γe/(l + φb)
 *
 * Parameters minimise the in-sample sum of squared one-step errors (Nelder–Mead on logit-transformed
 * parameters, so 0 < β < α < 1, 0 < γ < 1 − α and 0.8 ≤ φ ≤ 0.98 hold by construction), robustly:
 * a first fit gives the errors' robust scale, and the final fit clips each error (for the state update
 * and the sum alike) at HUBER_K of those scales × √max(ŷ, 1), as in robust Holt–Winters (Gelper,
 * Fried & Croux 2010), so an incident's spike does not lift the level and its weekday for weeks. Initial
 * states come from the first seasons (up to four): level and seasonal indices from their means, trend
 * from the change between the first and last of them. Special observations (holidays) are treated as
 * missing: the state moves on with the model's own prediction, and they add nothing to the SSE.
 */

export type TrendKind = 'none' | 'damped';
export type SeasonKind = 'additive' | 'multiplicative';

export interface EtsParameters {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface EtsFit {
  name: string;
  params: EtsParameters;
  sse: number;
  /** Forecasts of y[origin] … y[origin + horizon − 1] from the observations before `origin`. */
  forecastFrom(origin: number, horizon: number): number[];
}

interface InitialState {
  level: number;
  trend: number;
  /** s_{−m} … s_{−1}. */
  season: number[];
}

/** Below this, a multiplicative seasonal index would blow the level up when divided by: refuse the model. */
const MIN_SEASON_INDEX = 0.05;
const INIT_SEASONS = 4;

export function etsName(trend: TrendKind, season: SeasonKind): string {
  return `ETS(A,${trend === 'damped' ? 'Ad' : 'N'},${season === 'additive' ? 'A' : 'M'})`;
}

function initialState(
  y: readonly number[],
  special: readonly boolean[],
  m: number,
  trend: TrendKind,
  season: SeasonKind,
): InitialState | null {
  const seasons = Math.min(INIT_SEASONS, Math.floor(y.length / m));
  if (seasons < 2) return null;
  const means: number[] = [];
  for (let k = 0; k < seasons; k++) {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < m; j++) {
      const t = k * m + j;
      if (!special[t]) {
        sum += y[t]!;
        n++;
      }
    }
    means.push(n > 0 ? sum / n : Number.NaN);
  }
  const known = means.map((v, k) => ({ v, k })).filter((e) => Number.isFinite(e.v));
  if (known.length === 0) return null;
  const first = known[0]!;
  const last = known[known.length - 1]!;
  const slope = trend === 'damped' && last.k > first.k ? (last.v - first.v) / ((last.k - first.k) * m) : 0;

  const indices: number[] = [];
  for (let j = 0; j < m; j++) {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < seasons; k++) {
      const t = k * m + j;
      const mean = means[k]!;
      if (special[t] || !Number.isFinite(mean)) continue;
      // Deviation from the season's mean, corrected for the trend inside the season.
      const local = mean + slope * (j - (m - 1) / 2);
      if (season === 'additive') sum += y[t]! - local;
      else if (local > 0) sum += y[t]! / local;
      else continue;
      n++;
    }
    indices.push(n > 0 ? sum / n : season === 'additive' ? 0 : 1);
  }
  if (season === 'additive') {
    const mean = indices.reduce((a, b) => a + b, 0) / m;
    for (let j = 0; j < m; j++) indices[j] = indices[j]! - mean;
  } else {
    const mean = indices.reduce((a, b) => a + b, 0) / m;
    if (!(mean > 0)) return null;
    for (let j = 0; j < m; j++) indices[j] = indices[j]! / mean;
    if (Math.min(...indices) < MIN_SEASON_INDEX) return null;
  }
  // The level just before the first observation: the first season's mean, moved back to t = −1.
  const level = first.v - slope * (first.k * m + (m + 1) / 2);
  if (season === 'multiplicative' && level <= 0) return null;
  return { level, trend: slope, season: indices };
}

interface States {
  level: Float64Array;
  trend: Float64Array;
  season: Float64Array;
}

/** Runs the filter; returns the SSE (∞ when the states leave the model's domain). */
function filter(
  y: readonly number[],
  special: readonly boolean[],
  m: number,
  p: EtsParameters,
  init: InitialState,
  season: SeasonKind,
  clip: number,
  record?: States,
  errors?: Float64Array,
): number {
  let l = init.level;
  let b = init.trend;
  const s = new Float64Array(y.length + m);
  s.set(init.season, 0);
  if (record) {
    record.level[0] = l;
    record.trend[0] = b;
  }
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const sp = s[t]!;
    const base = l + p.phi * b;
    const predicted = season === 'additive' ? base + sp : base * sp;
    let e = special[t] ? 0 : y[t]! - predicted;
    if (errors) errors[t] = special[t] ? Number.NaN : e / Math.sqrt(Math.max(predicted, 1));
    // Huber: an error beyond `clip` standardised units moves the states as if it were that size.
    const bound = clip * Math.sqrt(Math.max(predicted, 1));
    e = Math.max(-bound, Math.min(bound, e));
    if (season === 'additive') {
      l = base + p.alpha * e;
      b = p.phi * b + p.beta * e;
      s[t + m] = sp + p.gamma * e;
    } else {
      if (!(sp > 1e-9 && base > 1e-9)) return Number.POSITIVE_INFINITY;
      l = base + (p.alpha * e) / sp;
      b = p.phi * b + (p.beta * e) / sp;
      s[t + m] = sp + (p.gamma * e) / base;
    }
    sse += e * e;
    if (record) {
      record.level[t + 1] = l;
      record.trend[t + 1] = b;
    }
  }
  if (record) record.season.set(s);
  return Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY;
}

/** Errors beyond this many robust standard deviations count as this many (Huber's k, a common choice). */
const HUBER_K = 3;

/** 1.4826 × the median absolute standardised error: the standard deviation if errors were normal. */
function robustScale(errors: Float64Array): number {
  const values = [...errors].filter((e) => Number.isFinite(e)).map(Math.abs);
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return 1.4826 * median;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

function parameters(x: readonly number[], trend: TrendKind): EtsParameters {
  const alpha = 1e-4 + (1 - 2e-4) * sigmoid(x[0]!);
  const gamma = (1 - alpha) * sigmoid(x[1]!);
  if (trend === 'none') return { alpha, beta: 0, gamma, phi: 1 };
  return { alpha, beta: alpha * sigmoid(x[2]!), gamma, phi: 0.8 + 0.18 * sigmoid(x[3]!) };
}

/** Fits the model, or null when the series is too short or does not suit it (e.g. a zero season). */
export function fitEts(
  y: readonly number[],
  special: readonly boolean[],
  m: number,
  trend: TrendKind,
  season: SeasonKind,
): EtsFit | null {
  const init = initialState(y, special, m, trend, season);
  if (!init) return null;
  const objective = (clip: number) => (x: readonly number[]) =>
    filter(y, special, m, parameters(x, trend), init, season, clip);
  const start = trend === 'none' ? [logit(0.2), logit(0.1)] : [logit(0.2), logit(0.1), logit(0.1), 0];
  const first = nelderMead(objective(Number.POSITIVE_INFINITY), start, { step: 1 });
  if (!Number.isFinite(first.value)) return null;
  // The first fit's errors give a robust scale; the second fit (a restart, which also guards against
  // a simplex that collapsed early) clips errors beyond HUBER_K scales, so one incident does not
  // drag the level and that weekday's seasonal index up for weeks.
  const standardised = new Float64Array(y.length);
  filter(
    y,
    special,
    m,
    parameters(first.x, trend),
    init,
    season,
    Number.POSITIVE_INFINITY,
    undefined,
    standardised,
  );
  const scale = robustScale(standardised);
  const clip = scale > 0 ? HUBER_K * scale : Number.POSITIVE_INFINITY;
  const best = nelderMead(objective(clip), first.x, { step: 0.25 });
  if (!Number.isFinite(best.value)) return null;
  const params = parameters(best.x, trend);
  const states: States = {
    level: new Float64Array(y.length + 1),
    trend: new Float64Array(y.length + 1),
    season: new Float64Array(y.length + m),
  };
  filter(y, special, m, params, init, season, clip, states);
  return {
    name: etsName(trend, season),
    params,
    sse: best.value,
    forecastFrom(origin, horizon) {
      if (origin < 0 || origin > y.length) throw new RangeError(`origin ${origin} outside the series`);
      const l = states.level[origin]!;
      const b = states.trend[origin]!;
      const out: number[] = [];
      let damped = 0;
      let power = 1;
      for (let h = 1; h <= horizon; h++) {
        power *= params.phi;
        damped += power;
        // The seasonal index last updated for this slot at or before origin − 1.
        const s = states.season[origin - 1 + h - m * Math.ceil(h / m) + m]!;
        const base = l + damped * b;
        out.push(season === 'additive' ? base + s : base * s);
      }
      return out;
    },
  };
}
