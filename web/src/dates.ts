/** Local days as ISO strings (YYYY-MM-DD), computed in the organisation's time zone. */

export type PeriodGrain = 'week' | 'month' | 'quarter' | 'year';
export const PERIOD_GRAINS: readonly PeriodGrain[] = ['week', 'month', 'quarter', 'year'];

export interface DayRange {
  from: string;
  to: string;
}

const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  const d = asDate(day);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

export function addMonths(day: string, months: number): string {
  const d = asDate(day);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return iso(target);
}

/** Today in a time zone. */
export function today(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date());
  } catch {
    return iso(new Date());
  }
}

export function startOf(grain: PeriodGrain, day: string): string {
  const d = asDate(day);
  switch (grain) {
    case 'week': {
      const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
      return addDays(day, -weekday);
    }
    case 'month':
      return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)));
    case 'quarter':
      return iso(new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1)));
    case 'year':
      return iso(new Date(Date.UTC(d.getUTCFullYear(), 0, 1)));
  }
}

export function shift(grain: PeriodGrain, day: string, n: number): string {
  switch (grain) {
    case 'week':
      return addDays(day, 7 * n);
    case 'month':
      return addMonths(day, n);
    case 'quarter':
      return addMonths(day, 3 * n);
    case 'year':
      return addMonths(day, 12 * n);
  }
}

/** The last whole period before today (what scorecards default to). */
export function lastFullPeriod(grain: PeriodGrain, todayDay: string): DayRange {
  const currentStart = startOf(grain, todayDay);
  const from = shift(grain, currentStart, -1);
  return { from, to: addDays(currentStart, -1) };
}

/** `count` whole periods ending with `period` (for trends and sparklines). */
export function trailing(grain: PeriodGrain, period: DayRange, count: number): DayRange {
  return { from: shift(grain, period.from, -(count - 1)), to: period.to };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((asDate(to).getTime() - asDate(from).getTime()) / 86_400_000);
}
