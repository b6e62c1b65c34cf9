/**
 * Forecast accuracy, as KPI-DEFINITIONS.md defines it (e = actual − forecast):
 * MAE, RMSE, MAPE = mean(100·|e|/|a|), sMAPE = mean(200·|a − f|/(|a| + |f|)), WAPE = 100·Σ|e| ÷ Σ|a|,
 * MASE = mean|e| ÷ in-sample mean absolute error of the seasonal naive forecast.
 * A measure that is undefined for the input (no points, all actuals zero) is null, never NaN.
 */

function pairs(actual: readonly number[], forecast: readonly number[]): number {
  if (actual.length !== forecast.length) {
    throw new RangeError(`actual has ${actual.length} values, forecast ${forecast.length}`);
  }
  return actual.length;
}

export function mae(actual: readonly number[], forecast: readonly number[]): number | null {
  const n = pairs(actual, forecast);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / n;
}

export function rmse(actual: readonly number[], forecast: readonly number[]): number | null {
  const n = pairs(actual, forecast);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (actual[i]! - forecast[i]!) ** 2;
  return Math.sqrt(sum / n);
}

/** Points whose actual is 0 have no percentage error and are left out. */
export function mape(actual: readonly number[], forecast: readonly number[]): number | null {
  const n = pairs(actual, forecast);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (actual[i] === 0) continue;
    sum += (100 * Math.abs(actual[i]! - forecast[i]!)) / Math.abs(actual[i]!);
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** A point where both actual and forecast are 0 is a perfect forecast: its term is 0. */
export function smape(actual: readonly number[], forecast: readonly number[]): number | null {
  const n = pairs(actual, forecast);
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const scale = Math.abs(actual[i]!) + Math.abs(forecast[i]!);
    if (scale > 0) sum += (200 * Math.abs(actual[i]! - forecast[i]!)) / scale;
  }
  return sum / n;
}

export function wape(actual: readonly number[], forecast: readonly number[]): number | null {
  const n = pairs(actual, forecast);
  let errors = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    errors += Math.abs(actual[i]! - forecast[i]!);
    total += Math.abs(actual[i]!);
  }
  return total > 0 ? (100 * errors) / total : null;
}

/** Mean |y_t − y_{t−m}| over the history: the in-sample error of the seasonal naive forecast. */
export function seasonalNaiveScale(history: readonly number[], seasonLength: number): number | null {
  if (!(Number.isInteger(seasonLength) && seasonLength >= 1)) {
    throw new RangeError('season length must be a whole number ≥ 1');
  }
  if (history.length <= seasonLength) return null;
  let sum = 0;
  for (let t = seasonLength; t < history.length; t++)
    sum += Math.abs(history[t]! - history[t - seasonLength]!);
  return sum / (history.length - seasonLength);
}

export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  history: readonly number[],
  seasonLength: number,
): number | null {
  const error = mae(actual, forecast);
  const scale = seasonalNaiveScale(history, seasonLength);
  return error === null || scale === null || scale === 0 ? null : error / scale;
}

export interface AccuracyReport {
  n: number;
  mae: number | null;
  rmse: number | null;
  mape: number | null;
  smape: number | null;
  wape: number | null;
  /** Only when a history is given. */
  mase: number | null;
}

/** Every measure at once. */
export function accuracy(
  actual: readonly number[],
  forecast: readonly number[],
  history?: { values: readonly number[]; seasonLength: number },
): AccuracyReport {
  return {
    n: pairs(actual, forecast),
    mae: mae(actual, forecast),
    rmse: rmse(actual, forecast),
    mape: mape(actual, forecast),
    smape: smape(actual, forecast),
    wape: wape(actual, forecast),
    mase: history ? mase(actual, forecast, history.values, history.seasonLength) : null,
  };
}
