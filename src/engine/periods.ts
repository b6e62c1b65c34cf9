import { DateTime } from 'luxon';
import type { Grain } from './kpi-definition.js';

/** One reporting bucket, clipped to the requested range; dates are local calendar days, inclusive. */
export interface Bucket {
  key: string;
  end: string;
  /** The unclipped start of the grain period that holds `key` (what SQL's date_trunc returns). */
  natural: string;
  startUtc: Date;
  endUtc: Date;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseDay(day: string, zone: string): DateTime {
  if (!DAY.test(day)) throw new RangeError(`"${day}" is not a date (YYYY-MM-DD)`);
  const dt = DateTime.fromISO(day, { zone });
  if (!dt.isValid) throw new RangeError(`"${day}" is not a valid date`);
  return dt;
}

const UNIT: Record<Exclude<Grain, 'all'>, 'day' | 'week' | 'month' | 'quarter' | 'year'> = {
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

/** The start of the grain period holding `day` (ISO weeks start on Monday). */
export function grainStart(day: DateTime, grain: Exclude<Grain, 'all'>): DateTime {
  return day.startOf(UNIT[grain]);
}

/** The UTC instants that bound [from 00:00, to + 1 day 00:00) in the zone — DST-correct. */
export function rangeUtc(from: string, to: string, zone: string): { start: Date; end: Date } {
  return { start: parseDay(from, zone).toJSDate(), end: parseDay(to, zone).plus({ days: 1 }).toJSDate() };
}

/** Every bucket of a range, in order; the first and last are clipped to the range (KPI-DEFINITIONS.md). */
export function bucketsOf(from: string, to: string, grain: Grain, zone: string): Bucket[] {
  const first = parseDay(from, zone);
  const last = parseDay(to, zone);
  if (last < first) throw new RangeError(`--to ${to} is before --from ${from}`);
  if (grain === 'all') {
    return [
      {
        key: from,
        end: to,
        natural: from,
        startUtc: first.toJSDate(),
        endUtc: last.plus({ days: 1 }).toJSDate(),
      },
    ];
  }
  const buckets: Bucket[] = [];
  let start = first;
  while (start <= last) {
    const natural = grainStart(start, grain);
    const nextNatural = natural.plus({ [`${UNIT[grain]}s`]: 1 });
    const end = DateTime.min(nextNatural.minus({ days: 1 }), last);
    buckets.push({
      key: start.toISODate()!,
      end: end.toISODate()!,
      natural: natural.toISODate()!,
      startUtc: start.toJSDate(),
      endUtc: end.plus({ days: 1 }).toJSDate(),
    });
    start = nextNatural;
  }
  return buckets;
}

/** The local day `periods` grain periods before the period holding `day`. */
export function shiftPeriods(
  day: string,
  grain: Exclude<Grain, 'all'>,
  periods: number,
  zone: string,
): string {
  return grainStart(parseDay(day, zone), grain)
    .minus({ [`${UNIT[grain]}s`]: periods })
    .toISODate()!;
}
