import { describe, expect, it } from 'vitest';
import {
  leastSquaresSlope,
  npsInterval,
  quantileRanks,
  studentTQuantile,
  tInterval,
  wilson,
} from '../../src/engine/statistics.js';

describe('statistics', () => {
  it('reproduces the Wilson interval of ORACLES.md: 8 of 10 → [0.4902, 0.9433]', () => {
    const w = wilson(8, 10)!;
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
    expect(wilson(0, 0)).toBeNull();
    // Bounds stay inside 0–1 at the extremes.
    expect(wilson(0, 5)!.low).toBe(0);
    expect(wilson(5, 5)!.high).toBe(1);
  });

  it('Student t quantiles match published tables', () => {
    // t(0.975, df): 1 → 12.706, 2 → 4.303, 10 → 2.228, 30 → 2.042, ∞ → 1.960.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(studentTQuantile(0.975, 100000)).toBeCloseTo(1.96, 2);
    // Mean 10, sd 2, n 5: 10 ± 2.776 × 2/√5 = 10 ± 2.483.
    const t = tInterval(10, 2, 5)!;
    expect(t.low).toBeCloseTo(7.517, 3);
    expect(t.high).toBeCloseTo(12.483, 3);
    expect(tInterval(10, null, 1)).toBeNull();
  });

  it('order-statistic ranks for a median interval', () => {
    // Binomial(10, ½): P(B ≤ 1) = 11/1024 = 0.0107 ≤ 0.025 < P(B ≤ 2) = 56/1024 → lower rank 2;
    // P(B ≤ 7) = 968/1024 = 0.945 < 0.975 ≤ P(B ≤ 8) = 0.989 → upper rank 9. (The classic table: 2 and 9.)
    expect(quantileRanks(10, 0.5)).toEqual({ low: 2, high: 9 });
    // Five observations cannot give a 95 % distribution-free interval (2/32 > 5 %).
    expect(quantileRanks(5, 0.5)).toBeNull();
    expect(quantileRanks(6, 0.5)).toEqual({ low: 1, high: 6 });
    // Large n uses the normal approximation: n = 2000 → 1000 ± 1.96·√500 = ±43.8.
    expect(quantileRanks(2000, 0.5)).toEqual({ low: 956, high: 1044 });
  });

  it('NPS interval: 50 promoters, 30 passives, 20 detractors → +30 ± 1.96·√(100²·(0.7 − 0.09)/100)', () => {
    // Var = 10000 × (0.5 + 0.2 − 0.3²) / 100 = 61 → se 7.81 → 30 ± 15.31.
    const i = npsInterval(50, 20, 100)!;
    expect(i.low).toBeCloseTo(14.69, 2);
    expect(i.high).toBeCloseTo(45.31, 2);
  });

  it('least-squares slope skips missing points', () => {
    expect(leastSquaresSlope([1, 2, 3])).toBe(1);
    expect(leastSquaresSlope([null, 0, 50, 0, 0, null])).toBe(-5);
    expect(leastSquaresSlope([null, 4])).toBeNull();
  });
});
