import { describe, expect, it } from 'vitest';
import { BusinessClock, CALENDAR_CLOCK } from '../../src/derive/business-calendar.js';

const madrid = new BusinessClock({
  timeZone: 'Europe/Madrid',
  intervals: [
    // Mon–Fri 09:00–13:00 and 14:00–18:00: two intervals a day with a lunch break.
    ...[1, 2, 3, 4, 5].flatMap((weekday) => [
      { weekday, startMinute: 9 * 60, endMinute: 13 * 60 },
      { weekday, startMinute: 14 * 60, endMinute: 18 * 60 },
    ]),
  ],
  holidays: ['2026-03-19'],
});
const at = (iso: string) => new Date(iso);

describe('business clock', () => {
  it('counts only open minutes, skipping the lunch break', () => {
    // Mon 2 Mar 12:00 → 15:00 local (11:00Z → 14:00Z): 12–13 and 14–15 = 2 h.
    expect(madrid.seconds(at('2026-03-02T11:00:00Z'), at('2026-03-02T14:00:00Z'))).toBe(7200);
  });

  it('starts counting at the next opening when created while closed', () => {
    // Sat 7 Mar 10:00 local → Mon 9 Mar 09:30 local = 30 min.
    expect(madrid.seconds(at('2026-03-07T09:00:00Z'), at('2026-03-09T08:30:00Z'))).toBe(1800);
    expect(madrid.nextOpening(at('2026-03-07T09:00:00Z'))).toEqual(at('2026-03-09T08:00:00Z'));
  });

  it('skips holidays', () => {
    // Wed 18 Mar 17:00 → Fri 20 Mar 10:00 local: Wed 1 h + Thu (holiday) 0 + Fri 1 h = 2 h.
    expect(madrid.seconds(at('2026-03-18T16:00:00Z'), at('2026-03-20T09:00:00Z'))).toBe(7200);
  });

  it('keeps local opening hours across the DST change', () => {
    // Fri 27 Mar 17:00 (UTC+1) → Mon 30 Mar 10:00 (UTC+2): 1 h + 1 h. Monday opens at 07:00Z, not 08:00Z.
    expect(madrid.seconds(at('2026-03-27T16:00:00Z'), at('2026-03-30T08:00:00Z'))).toBe(7200);
    expect(madrid.nextOpening(at('2026-03-28T12:00:00Z'))).toEqual(at('2026-03-30T07:00:00Z'));
    // Calendar time over the same span is 64 h, though the wall clocks read 65 h apart (17:00 → 10:00).
    expect(CALENDAR_CLOCK.seconds(at('2026-03-27T16:00:00Z'), at('2026-03-30T08:00:00Z'))).toBe(64 * 3600);
  });

  it('adds business seconds to find a due time', () => {
    // 4 h from Mon 23 Mar 11:00 local: 11–13 (2 h) + 14–16 (2 h) → 16:00 local = 15:00Z.
    expect(madrid.addSeconds(at('2026-03-23T10:00:00Z'), 4 * 3600)).toEqual(at('2026-03-23T15:00:00Z'));
    // 8 h from Fri 27 Mar 17:00: 1 h Friday, then Monday 09–13, 14–17 → Mon 17:00 CEST = 15:00Z.
    expect(madrid.addSeconds(at('2026-03-27T16:00:00Z'), 8 * 3600)).toEqual(at('2026-03-30T15:00:00Z'));
  });

  it('a schedule that never opens counts nothing', () => {
    const closed = new BusinessClock({ timeZone: 'UTC', intervals: [], holidays: [] });
    expect(closed.seconds(at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toBe(0);
    expect(closed.addSeconds(at('2026-01-01T00:00:00Z'), 60)).toBeNull();
  });
});

describe('business clock on the DST days themselves', () => {
  const everyDay = new BusinessClock({
    timeZone: 'Europe/Madrid',
    intervals: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 })),
    holidays: [],
  });

  it('opens at 09:00 local on the day clocks go forward and on the day they go back', () => {
    // Sun 29 Mar 2026 (UTC+2 from 02:00): 09:00–10:00 local = 07:00–08:00Z counts 1 h.
    expect(everyDay.seconds(at('2026-03-29T07:00:00Z'), at('2026-03-29T08:00:00Z'))).toBe(3600);
    expect(everyDay.nextOpening(at('2026-03-29T01:00:00Z'))).toEqual(at('2026-03-29T07:00:00Z'));
    // Sun 25 Oct 2026 (UTC+1 from 03:00): 09:00 local = 08:00Z; the whole day is 8 h.
    expect(everyDay.nextOpening(at('2026-10-25T00:00:00Z'))).toEqual(at('2026-10-25T08:00:00Z'));
    expect(everyDay.seconds(at('2026-10-25T00:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(8 * 3600);
  });

  it('merges overlapping intervals so no minute counts twice', () => {
    const overlapping = new BusinessClock({
      timeZone: 'UTC',
      intervals: [
        { weekday: 1, startMinute: 9 * 60, endMinute: 13 * 60 },
        { weekday: 1, startMinute: 12 * 60, endMinute: 17 * 60 },
      ],
      holidays: [],
    });
    // Monday 2 Mar 2026: 09:00–17:00 = 8 h, not 9.
    expect(overlapping.seconds(at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'))).toBe(8 * 3600);
  });
});
