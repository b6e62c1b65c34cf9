import { DateTime, IANAZone } from 'luxon';

/** Open hours: per ISO weekday (1 = Monday) a list of [startMinute, endMinute) in local time, plus holidays. */
export interface BusinessSchedule {
  timeZone: string;
  intervals: ReadonlyArray<{ weekday: number; startMinute: number; endMinute: number }>;
  /** Local calendar days ('YYYY-MM-DD') that are closed all day. */
  holidays: ReadonlyArray<string>;
}

/** Measures durations: calendar time, or only the open minutes of a schedule. */
export interface Clock {
  readonly business: boolean;
  /** Seconds between two instants that count (0 when `to` is not after `from`). */
  seconds(from: Date, to: Date): number;
  /** The instant when `seconds` countable seconds have passed since `from`; null if that never happens. */
  addSeconds(from: Date, seconds: number): Date | null;
}

export const CALENDAR_CLOCK: Clock = {
  business: false,
  seconds: (from, to) => Math.max(0, (to.getTime() - from.getTime()) / 1000),
  addSeconds: (from, seconds) => new Date(from.getTime() + seconds * 1000),
};

type Span = readonly [number, number];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A business-hours clock. Each local day's open spans are converted to UTC instants with the zone's rules
 * for that day (so a DST change shifts them correctly) and cached. A duration is the overlap of [from, to)
 * with the open spans, so a ticket created while closed starts counting at the next opening.
 */
export class BusinessClock implements Clock {
  readonly business = true;
  private readonly byWeekday: Array<Array<[number, number]>> = Array.from({ length: 8 }, () => []);
  private readonly holidays: Set<string>;
  private readonly cache = new Map<number, readonly Span[]>();
  private readonly opensAtAll: boolean;
  private readonly zone: IANAZone;
  /** UTC offset (minutes) per UTC hour, when it holds for the whole hour; NaN when it changes inside it. */
  private readonly hourOffsets = new Map<number, number>();

  constructor(readonly schedule: BusinessSchedule) {
    for (const i of schedule.intervals) {
      if (i.weekday < 1 || i.weekday > 7) throw new RangeError(`weekday ${i.weekday} is not 1–7`);
      if (!(i.startMinute >= 0 && i.endMinute <= 1440 && i.startMinute < i.endMinute)) {
        throw new RangeError(`interval ${i.startMinute}–${i.endMinute} is not inside a day`);
      }
      this.byWeekday[i.weekday]!.push([i.startMinute, i.endMinute]);
    }
    // Overlapping or touching intervals are merged, so no minute counts twice.
    for (let d = 1; d <= 7; d++) {
      const merged: Array<[number, number]> = [];
      for (const [s, e] of this.byWeekday[d]!.sort((a, b) => a[0] - b[0])) {
        const last = merged[merged.length - 1];
        if (last && s <= last[1]) last[1] = Math.max(last[1], e);
        else merged.push([s, e]);
      }
      this.byWeekday[d] = merged;
    }
    this.holidays = new Set(schedule.holidays);
    this.opensAtAll = schedule.intervals.length > 0;
    this.zone = IANAZone.create(schedule.timeZone);
  }

  /** The open spans (UTC ms) of the local day whose local date is `dayIndex` days after 1970-01-01. */
  private spansOfDay(dayIndex: number): readonly Span[] {
    const cached = this.cache.get(dayIndex);
    if (cached) return cached;
    const date = DateTime.fromMillis(dayIndex * DAY_MS, { zone: 'utc' });
    const iso = date.toISODate()!;
    let spans: Span[] = [];
    if (!this.holidays.has(iso)) {
      const zone = this.schedule.timeZone;
      const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone });
      // Each boundary is a wall-clock time of that day: on a DST day, 09:00 is still 09:00.
      const at = (minute: number) =>
        minute === 1440
          ? local.plus({ days: 1 }).toMillis()
          : DateTime.fromObject(
              {
                year: date.year,
                month: date.month,
                day: date.day,
                hour: Math.floor(minute / 60),
                minute: minute % 60,
              },
              { zone },
            ).toMillis();
      spans = this.byWeekday[local.weekday]!.map(([s, e]) => [at(s), at(e)] as const);
    }
    this.cache.set(dayIndex, spans);
    return spans;
  }

  /**
   * The local date of an instant as days since 1970-01-01, as luxon computes it (UTC fields of the
   * instant plus the zone's offset there). Luxon's offset lookup dominated deriving, so the offset is
   * cached per UTC hour when it is the same at both ends of the hour (no transition inside it).
   */
  private localDayIndex(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      const start = this.zone.offset(hour * HOUR_MS);
      offset = start === this.zone.offset(hour * HOUR_MS + HOUR_MS - 1) ? start : Number.NaN;
      this.hourOffsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) offset = this.zone.offset(ms);
    return Math.floor((ms + offset * 60_000) / DAY_MS);
  }

  seconds(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (!(b > a) || !this.opensAtAll) return 0;
    let total = 0;
    const first = this.localDayIndex(a);
    const last = this.localDayIndex(b);
    for (let day = first; day <= last; day++) {
      for (const [s, e] of this.spansOfDay(day)) {
        const lo = Math.max(s, a);
        const hi = Math.min(e, b);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / 1000;
  }

  /** The first open instant at or after `at` (within a year), or null when the schedule never opens. */
  nextOpening(at: Date): Date | null {
    if (!this.opensAtAll) return null;
    const ms = at.getTime();
    const first = this.localDayIndex(ms);
    for (let day = first; day <= first + 366; day++) {
      for (const [s, e] of this.spansOfDay(day)) {
        if (e > ms) return new Date(Math.max(s, ms));
      }
    }
    return null;
  }

  /** The instant when `seconds` of open time have passed since `from` (for SLA due dates). */
  addSeconds(from: Date, seconds: number): Date | null {
    if (!this.opensAtAll) return null;
    let remaining = seconds * 1000;
    const ms = from.getTime();
    const first = this.localDayIndex(ms);
    for (let day = first; day <= first + 3660; day++) {
      for (const [s, e] of this.spansOfDay(day)) {
        const lo = Math.max(s, ms);
        if (e <= lo) continue;
        if (e - lo >= remaining) return new Date(lo + remaining);
        remaining -= e - lo;
      }
    }
    return null;
  }
}
