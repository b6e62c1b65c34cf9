/**
 * Spike detection: a period whose actual volume lies above its forecast interval is a spike, below it
 * a dip. The excess is measured from the interval's bound (how far outside what was plausible), and
 * also relative to the point forecast.
 */

export interface IntervalObservation<K> {
  key: K;
  actual: number;
  forecast: number;
  lower: number;
  upper: number;
}

export interface SpikeFlag<K> extends IntervalObservation<K> {
  kind: 'spike' | 'dip';
  /** Distance outside the interval (actual − upper, or lower − actual), always > 0. */
  excess: number;
  /** (actual − forecast) ÷ forecast × 100; null when the forecast is 0. */
  deviationPct: number | null;
}

export interface SpikeOptions {
  /** Ignore excesses smaller than this (default 0: anything outside the interval). */
  minExcess?: number;
}

export function detectSpikes<K>(
  observations: ReadonlyArray<IntervalObservation<K>>,
  options: SpikeOptions = {},
): Array<SpikeFlag<K>> {
  const minExcess = options.minExcess ?? 0;
  const flags: Array<SpikeFlag<K>> = [];
  for (const o of observations) {
    const above = o.actual - o.upper;
    const below = o.lower - o.actual;
    const kind = above > 0 ? 'spike' : below > 0 ? 'dip' : null;
    if (!kind) continue;
    const excess = kind === 'spike' ? above : below;
    if (excess <= minExcess) continue;
    flags.push({
      ...o,
      kind,
      excess,
      deviationPct: o.forecast > 0 ? (100 * (o.actual - o.forecast)) / o.forecast : null,
    });
  }
  return flags;
}
