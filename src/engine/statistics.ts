/**
 * The interval conventions of KPI-DEFINITIONS.md: Wilson for proportions, Student t for means,
 * distribution-free order statistics for medians and percentiles, and the NPS variance. All 95 %.
 */
export const Z_975 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for x successes of n, as proportions 0–1. */
export function wilson(x: number, n: number, z = Z_975): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** NPS (−100..100) interval: Var = 100²·(p + d − (p − d)²)/n, normal approximation. */
export function npsInterval(promoters: number, detractors: number, n: number): Interval | null {
  if (n <= 0) return null;
  const p = promoters / n;
  const d = detractors / n;
  const nps = 100 * (p - d);
  const se = Math.sqrt((100 * 100 * (p + d - (p - d) ** 2)) / n);
  return { low: Math.max(-100, nps - Z_975 * se), high: Math.min(100, nps + Z_975 * se) };
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999186,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised incomplete beta I_x(a, b), by Lentz's continued fraction. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    let numerator: number;
    if (i === 0) numerator = 1;
    else if (i % 2 === 0) numerator = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-15) break;
  }
  return (front * (f - 1)) / a;
}

/** Student t cumulative distribution. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Memoised by argument: pure functions that every cell of a dashboard calls with a few values. */
function memoised<A extends number[], R>(f: (...args: A) => R): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args) => {
    const key = args.join(',');
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      if (cache.size >= 50_000) cache.clear();
      value = f(...args);
      cache.set(key, value);
    }
    return value as R;
  };
}

/** The t quantile for probability p (e.g. 0.975), by bisection on the CDF. */
export const studentTQuantile = memoised(function studentTQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
});

/** Mean ± t(0.975, n−1)·sd/√n; needs n ≥ 2. */
export function tInterval(mean: number, sd: number | null, n: number): Interval | null {
  if (n < 2 || sd === null || !Number.isFinite(sd)) return null;
  const half = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { low: mean - half, high: mean + half };
}

/**
 * Ranks (1-based order statistics) bounding a distribution-free 95 % interval for the q-quantile of
 * n observations: P(X(l) ≤ ξq < X(u)) ≥ 0.95. Null where n is too small for such ranks to exist.
 * Exact binomial up to n = 1000, normal approximation above.
 */
export const quantileRanks = memoised(function quantileRanks(
  n: number,
  q: number,
): { low: number; high: number } | null {
  if (n < 1) return null;
  let low: number;
  let high: number;
  if (n <= 1000) {
    // One pass over the binomial CDF: low = last k with P(B ≤ k − 1) ≤ 0.025, high = first k with P(B ≤ k − 1) ≥ 0.975.
    low = 0;
    high = n + 1;
    const lq = Math.log(q);
    const lnq = Math.log(1 - q);
    let logPmf = n * lnq;
    let cdf = 0;
    for (let k = 0; k <= n; k++) {
      if (k > 0) logPmf += Math.log((n - k + 1) / k) + lq - lnq;
      cdf += Math.exp(logPmf);
      // cdf is now P(B ≤ k): it decides rank k + 1.
      if (cdf <= 0.025) low = k + 1;
      if (cdf >= 0.975 && high === n + 1) high = k + 1;
    }
  } else {
    const sd = Math.sqrt(n * q * (1 - q));
    low = Math.floor(n * q - Z_975 * sd);
    high = Math.ceil(n * q + Z_975 * sd);
  }
  if (low < 1 || high > n) return null;
  return { low, high };
});

/** Least-squares slope of y over x = 0, 1, 2, … skipping nulls; null with fewer than two points. */
export function leastSquaresSlope(values: ReadonlyArray<number | null>): number | null {
  const points = values.flatMap((y, x) => (y === null ? [] : [{ x, y }]));
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}
