import { describe, expect, it } from 'vitest';
import { accuracy, mape, mase, seasonalNaiveScale, smape, wape } from '../../src/analytics/accuracy.js';

const round = (x: number | null, digits: number) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

describe('forecast accuracy', () => {
  it('reproduces the ORACLES example', () => {
    const a = accuracy([112, 118, 132, 129, 121, 135], [120, 115, 128, 133, 118, 140]);
    expect(a.mae).toBe(4.5);
    expect(round(a.rmse, 3)).toBe(4.813);
    expect(round(a.mape, 3)).toBe(3.667);
    expect(round(a.smape, 3)).toBe(3.625);
    expect(round(a.wape, 3)).toBe(3.614);
    expect(a.n).toBe(6);
    expect(a.mase).toBeNull();
  });

  it('MASE scales by the in-sample seasonal naive error', () => {
    // Season 2: |3 − 1| + |4 − 2| + |5 − 3| + |8 − 4| = 10 over 4 → 2.5.
    const history = [1, 2, 3, 4, 5, 8];
    expect(seasonalNaiveScale(history, 2)).toBe(2.5);
    expect(mase([10, 12], [9, 15], history, 2)).toBe(2 / 2.5);
    expect(accuracy([10, 12], [9, 15], { values: history, seasonLength: 2 }).mase).toBe(0.8);
    // Too short a history, or a flat one, gives no scale.
    expect(mase([1], [1], [1, 2], 2)).toBeNull();
    expect(mase([1], [2], [3, 3, 3, 3], 1)).toBeNull();
  });

  it('is null, not NaN, where a measure is undefined', () => {
    expect(mape([0, 0], [1, 2])).toBeNull();
    expect(mape([0, 10], [1, 12])).toBe(20);
    expect(wape([0, 0], [1, 2])).toBeNull();
    expect(smape([0, 5], [0, 5])).toBe(0);
    expect(accuracy([], []).mae).toBeNull();
    expect(() => accuracy([1], [1, 2])).toThrow(RangeError);
  });
});
