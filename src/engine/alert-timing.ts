import { DateTime } from 'luxon';

/**
 * Time arithmetic of alerts and scheduled reports, in the organisation's time zone: evaluation periods
 * (a rule is evaluated at most once per period), quiet hours, retry back-off and report slots. Pure.
 */

/** Evaluation intervals a rule may use: divisors of a day, so periods start at the same times daily. */
export const ALERT_INTERVALS = [5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440] as const;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(value: string): boolean {
  return HHMM.test(value);
}

function minutesOf(clock: string): number {
  const m = HHMM.exec(clock);
  if (!m) throw new RangeError(`"${clock}" is not a time of day (HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The evaluation period `now` falls in: the local day and the start of its `intervalMinutes` slot on
 * the wall clock, e.g. "2026-03-09T14:30" for 30-minute periods, "2026-03-09" for daily ones.
 */
export function periodKey(now: Date, zone: string, intervalMinutes: number): string {
  const local = DateTime.fromJSDate(now, { zone });
  const day = local.toISODate()!;
  if (intervalMinutes >= 1440) return day;
  const minute = local.hour * 60 + local.minute;
  const start = Math.floor(minute / intervalMinutes) * intervalMinutes;
  const hh = String(Math.floor(start / 60)).padStart(2, '0');
  const mm = String(start % 60).padStart(2, '0');
  return `${day}T${hh}:${mm}`;
}

export interface QuietHours {
  start: string;
  end: string;
}

/**
 * When quiet hours hold notices back at `now`, the instant they end; otherwise null. Quiet hours are a
 * wall-clock window in the organisation's zone and may span midnight (22:00–07:00). Equal start and
 * end mean none.
 */
export function quietUntil(now: Date, zone: string, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = DateTime.fromJSDate(now, { zone });
  const minute = local.hour * 60 + local.minute;
  const spansMidnight = start > end;
  const inside = spansMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  let endDay = local.startOf('day');
  if (spansMidnight && minute >= start) endDay = endDay.plus({ days: 1 });
  const until = endDay.set({ hour: Math.floor(end / 60), minute: end % 60 });
  return until.toJSDate();
}

/** Delays before each retry: 30 s, 2 min, 8 min, 30 min, 2 h (then the delivery fails). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 480_000, 1_800_000, 7_200_000];

/** The delay before the next attempt after `attempts` failed ones; null once they are used up. */
export function retryDelay(
  attempts: number,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): number | null {
  if (attempts < 1) return 0;
  return delays[attempts - 1] ?? null;
}

export type ReportCadence = 'weekly' | 'monthly';

export interface ReportSlotRule {
  cadence: ReportCadence;
  /** ISO weekday 1 (Monday) – 7, for weekly reports. */
  weekday: number | null;
  /** 1–28, for monthly reports. */
  dayOfMonth: number | null;
  /** Local time of day, HH:MM. */
  at: string;
}

export interface ReportSlot {
  /** The instant the report is scheduled for. */
  scheduledAt: Date;
  /** The period it covers: the last whole week (Monday–Sunday) or month before the slot's day. */
  period: { from: string; to: string };
}

/** The latest slot at or before `now` (its period is the last whole week or month before that day). */
export function latestReportSlot(now: Date, zone: string, rule: ReportSlotRule): ReportSlot {
  const local = DateTime.fromJSDate(now, { zone });
  const minutes = minutesOf(rule.at);
  const at = (d: DateTime) =>
    d.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
  let slotDay: DateTime;
  if (rule.cadence === 'weekly') {
    const weekday = rule.weekday ?? 1;
    slotDay = local.startOf('day').minus({ days: (local.weekday - weekday + 7) % 7 });
    if (at(slotDay) > local) slotDay = slotDay.minus({ weeks: 1 });
  } else {
    const dom = rule.dayOfMonth ?? 1;
    slotDay = local.startOf('month').set({ day: dom });
    if (at(slotDay) > local) slotDay = slotDay.minus({ months: 1 }).set({ day: dom });
  }
  const scheduled = at(slotDay);
  const unit = rule.cadence === 'weekly' ? 'week' : 'month';
  const periodStart = slotDay.startOf(unit).minus({ [`${unit}s`]: 1 });
  return {
    scheduledAt: scheduled.toJSDate(),
    period: { from: periodStart.toISODate()!, to: periodStart.endOf(unit).toISODate()! },
  };
}
