import { describe, expect, it } from 'vitest';
import { latestReportSlot, periodKey, quietUntil, retryDelay } from '../../src/engine/alert-timing.js';

const MADRID = 'Europe/Madrid';

describe('alert timing', () => {
  it('cuts evaluation periods on the local wall clock', () => {
    // 14:47 UTC is 15:47 in Madrid (CET, winter).
    const t = new Date('2026-03-09T14:47:00Z');
    expect(periodKey(t, MADRID, 5)).toBe('2026-03-09T15:45');
    expect(periodKey(t, MADRID, 60)).toBe('2026-03-09T15:00');
    expect(periodKey(t, MADRID, 720)).toBe('2026-03-09T12:00');
    expect(periodKey(t, MADRID, 1440)).toBe('2026-03-09');
    // 23:30 UTC is already the next local day.
    expect(periodKey(new Date('2026-03-09T23:30:00Z'), MADRID, 1440)).toBe('2026-03-10');
  });

  it('holds notices during quiet hours, also across midnight and a change of clocks', () => {
    const quiet = { start: '22:00', end: '07:00' };
    // 22:30 local (21:30 UTC) → until 07:00 local the next day (06:00 UTC).
    expect(quietUntil(new Date('2026-03-09T21:30:00Z'), MADRID, quiet)).toEqual(
      new Date('2026-03-10T06:00:00Z'),
    );
    // 03:00 local → 07:00 the same day.
    expect(quietUntil(new Date('2026-03-10T02:00:00Z'), MADRID, quiet)).toEqual(
      new Date('2026-03-10T06:00:00Z'),
    );
    expect(quietUntil(new Date('2026-03-10T06:00:00Z'), MADRID, quiet)).toBeNull();
    expect(quietUntil(new Date('2026-03-10T12:00:00Z'), MADRID, quiet)).toBeNull();
    // The night clocks go forward (29 March 2026): 07:00 CEST is 05:00 UTC.
    expect(quietUntil(new Date('2026-03-28T23:00:00Z'), MADRID, quiet)).toEqual(
      new Date('2026-03-29T05:00:00Z'),
    );
    expect(quietUntil(new Date('2026-03-10T12:00:00Z'), MADRID, { start: '12:00', end: '12:00' })).toBeNull();
    expect(quietUntil(new Date('2026-03-10T12:00:00Z'), MADRID, null)).toBeNull();
  });

  it('backs off 30 s, 2 min, 8 min, 30 min, 2 h, then gives up', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(a))).toEqual([
      30_000,
      120_000,
      480_000,
      1_800_000,
      7_200_000,
      null,
    ]);
  });

  it('finds the latest report slot and the period it covers, in the organisation zone', () => {
    const weekly = { cadence: 'weekly' as const, weekday: 1, dayOfMonth: null, at: '08:00' };
    // Monday 2026-03-16 07:30 local: this Monday's slot has not come, last Monday's has.
    expect(latestReportSlot(new Date('2026-03-16T06:30:00Z'), MADRID, weekly)).toEqual({
      scheduledAt: new Date('2026-03-09T07:00:00Z'),
      period: { from: '2026-03-02', to: '2026-03-08' },
    });
    expect(latestReportSlot(new Date('2026-03-16T07:00:00Z'), MADRID, weekly)).toEqual({
      scheduledAt: new Date('2026-03-16T07:00:00Z'),
      period: { from: '2026-03-09', to: '2026-03-15' },
    });
    const monthly = { cadence: 'monthly' as const, weekday: null, dayOfMonth: 2, at: '09:30' };
    expect(latestReportSlot(new Date('2026-04-01T12:00:00Z'), MADRID, monthly)).toEqual({
      scheduledAt: new Date('2026-03-02T08:30:00Z'),
      period: { from: '2026-02-01', to: '2026-02-28' },
    });
    // After the change to summer time, 09:30 local is 07:30 UTC.
    expect(latestReportSlot(new Date('2026-04-02T08:00:00Z'), MADRID, monthly)).toEqual({
      scheduledAt: new Date('2026-04-02T07:30:00Z'),
      period: { from: '2026-03-01', to: '2026-03-31' },
    });
  });
});
