import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { Random } from '../../src/demo/random.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import {
  detectVolumeSpikes,
  forecastVolume,
  loadVolumeSeries,
  runVolumeForecastJob,
  staffForecast,
  storeForecasts,
} from '../../src/jobs/volume-forecast.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { saveSchedule } from '../../src/storage/settings-repository.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const ZONE = 'Europe/Madrid';
const FIRST = DateTime.fromISO('2026-01-05', { zone: ZONE }); // a Monday
const DAYS = 70; // to 2026-03-15
const HOLIDAY = '2026-02-16';
const FUTURE_HOLIDAY = '2026-03-19';
const SPIKE = '2026-03-11';
const WEEK = [1.2, 1.15, 1.1, 1.05, 1.0, 0.6, 0.4];

interface Ticket {
  id: string;
  at: DateTime;
  desk: string;
  channel: string;
  status: string;
}

/** About 1,100 tickets: weekly pattern, a holiday at 30 %, a spike at Alpha, one deleted ticket. */
function tickets(): Ticket[] {
  const r = new Random(5, 'volume-forecast-test');
  const out: Ticket[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = FIRST.plus({ days: d });
    const iso = day.toISODate()!;
    for (const [desk, base] of [
      ['Alpha', 11],
      ['Beta', 5],
    ] as const) {
      const factor = (iso === HOLIDAY ? 0.3 : 1) * (iso === SPIKE && desk === 'Alpha' ? 3 : 1);
      const n = r.count(base * WEEK[d % 7]! * factor);
      for (let i = 0; i < n; i++) {
        // Some just after local midnight: UTC says the day before.
        const minute = r.chance(0.1) ? r.int(0, 59) : r.int(8 * 60, 20 * 60);
        out.push({
          id: `T${out.length + 1}`,
          at: day.plus({ minutes: minute }),
          desk,
          channel: r.chance(0.6) ? 'email' : 'chat',
          status: 'open',
        });
      }
    }
  }
  out.push({
    id: 'DEL',
    at: FIRST.plus({ days: 3, hours: 10 }),
    desk: 'Alpha',
    channel: 'email',
    status: 'deleted',
  });
  return out;
}

const TICKETS = tickets();
const CSV = `id,created_at,status,channel,desk\n${TICKETS.map(
  (t) => `${t.id},${t.at.toUTC().toISO()},${t.status},${t.channel},${t.desk}`,
).join('\n')}\n`;

function expectedPerDay(filter: (t: Ticket) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of TICKETS) {
    if (t.status === 'deleted' || !filter(t)) continue;
    const key = t.at.toISODate()!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe.each(ENGINES)('volume forecasts on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeEach(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: ZONE });
    await saveSchedule(store.db, org.id, {
      id: 'office',
      name: 'Office',
      timeZone: ZONE,
      isDefault: true,
      intervals: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
      holidays: [
        { day: HOLIDAY, name: 'Carnival' },
        { day: FUTURE_HOLIDAY, name: 'San José' },
      ],
    });
    const summary = await importFile({ store, org, file: files.write(`t-${engine}.csv`, CSV) });
    await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
  });
  afterEach(async () => store.close());

  it('reads tickets created per local day and hour, without deleted tickets, with holidays marked', async () => {
    const holidays = new Set([HOLIDAY]);
    const alpha = { deskId: 'Alpha', channel: null };
    const daily = await loadVolumeSeries(store, org, alpha, 'day', '2026-01-05', '2026-03-15', holidays);
    const expected = expectedPerDay((t) => t.desk === 'Alpha');
    expect(daily.periods).toHaveLength(DAYS);
    expect(daily.values).toEqual(daily.periods.map((d) => expected.get(d) ?? 0));
    expect(daily.periods.filter((_, i) => daily.special[i])).toEqual([HOLIDAY]);

    const chat = await loadVolumeSeries(
      store,
      org,
      { deskId: null, channel: 'chat' },
      'hour',
      '2026-01-07',
      '2026-01-07',
    );
    expect(chat.periods[0]).toBe('2026-01-07T00:00');
    expect(chat.periods).toHaveLength(24);
    const hourly = new Map<string, number>();
    for (const t of TICKETS) {
      if (t.channel !== 'chat' || t.at.toISODate() !== '2026-01-07') continue;
      const key = `${t.at.toISODate()}T${String(t.at.hour).padStart(2, '0')}:00`;
      hourly.set(key, (hourly.get(key) ?? 0) + 1);
    }
    expect(chat.values).toEqual(chat.periods.map((p) => hourly.get(p) ?? 0));
  });

  it('forecasts every scope with intervals, holidays low, and stores the issue idempotently', async () => {
    const run = () => runVolumeForecastJob(store, org, { asOf: '2026-03-16', horizonDays: 14 });
    const { forecasts, stored } = await run();
    expect(forecasts.map((f) => [f.scope.desk, f.scope.channel])).toEqual([
      [null, null],
      ['Alpha', null],
      ['Beta', null],
      [null, 'chat'],
      [null, 'email'],
    ]);
    expect(stored).toBe(5 * 14);
    const all = forecasts[0]!;
    expect(all.history).toEqual({ from: '2026-01-05', to: '2026-03-15', periods: DAYS });
    expect(all.backtest.folds).toBe(3);
    expect(all.backtest.scores.map((s) => s.model)).toContain('seasonal_naive');
    expect(all.points[0]!.period).toBe('2026-03-16');
    for (const p of all.points) {
      expect(p.lower95).toBeLessThanOrEqual(p.upper95);
      expect(p.lower80).toBeGreaterThanOrEqual(p.lower95);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
    const holiday = all.points.find((p) => p.period === FUTURE_HOLIDAY)!;
    const nextThursday = all.points.find((p) => p.period === '2026-03-26')!;
    expect(holiday.special).toBe(true);
    expect(holiday.forecast).toBeLessThan(0.6 * nextThursday.forecast);

    await run();
    const rows = await store.db
      .selectFrom('volume_forecasts')
      .selectAll()
      .where('org_id', '=', org.id)
      .execute();
    expect(rows).toHaveLength(5 * 14);
    const alphaFirst = rows.find(
      (r) =>
        r.desk_id === 'Alpha' &&
        r.channel === null &&
        r.target_day.getTime() === Date.parse('2026-03-15T23:00:00Z'),
    )!;
    expect(alphaFirst).toMatchObject({
      volume: forecasts[1]!.points[0]!.forecast,
      model: forecasts[1]!.model,
      import_id: 0,
    });
    expect(alphaFirst.issued_at.toISOString()).toBe('2026-03-15T23:00:00.000Z');
  });

  it('feeds the forecast_accuracy KPI once the days have happened', async () => {
    const forecasts = await forecastVolume(store, org, {
      asOf: '2026-03-02',
      horizonDays: 7,
      scopes: [{ deskId: null, channel: null }],
    });
    await storeForecasts(store, org, forecasts);
    const actual = expectedPerDay(() => true);
    let errors = 0;
    let total = 0;
    for (const p of forecasts[0]!.points) {
      const a = actual.get(p.period) ?? 0;
      errors += Math.abs(a - p.forecast);
      total += a;
    }
    const [row] = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'forecast_accuracy',
      from: '2026-03-02',
      to: '2026-03-08',
      grain: 'all',
    });
    expect(row!.n).toBe(7);
    expect(row!.denominator).toBe(total);
    expect(row!.numerator!).toBeCloseTo(errors, 6);
    // The KPI reports two decimals.
    expect(row!.value!).toBeCloseTo(100 - (100 * errors) / total, 2);
  });

  it('flags the spike at Alpha among the recent days', async () => {
    const rows = await detectVolumeSpikes(store, org, {
      asOf: '2026-03-16',
      days: 14,
      scopes: [
        { deskId: 'Alpha', channel: null },
        { deskId: 'Beta', channel: null },
      ],
    });
    const spike = rows.find((r) => r.period === SPIKE && r.desk === 'Alpha');
    expect(spike).toMatchObject({ kind: 'spike', deskId: 'Alpha', channel: null });
    expect(spike!.actual).toBeGreaterThan(spike!.upper);
    expect(spike!.excess).toBeCloseTo(spike!.actual - spike!.upper, 1);
    expect(rows.filter((r) => r.desk === 'Beta' && r.period === SPIKE)).toEqual([]);
  });

  it('forecasts hours (not stored: the table holds days)', async () => {
    const [f] = await forecastVolume(store, org, {
      grain: 'hour',
      asOf: '2026-03-16',
      horizonDays: 2,
      scopes: [{ deskId: null, channel: null }],
    });
    expect(f!.points).toHaveLength(48);
    expect(f!.points[0]!.period).toBe('2026-03-16T00:00');
    expect(f!.points[47]!.period).toBe('2026-03-17T23:00');
    // Office hours (08–20) carry most of the volume.
    const day = f!.points.slice(0, 24);
    const office = day.slice(8, 20).reduce((s, p) => s + p.forecast, 0);
    expect(office).toBeGreaterThan(day.reduce((s, p) => s + p.forecast, 0) * 0.7);
    await expect(storeForecasts(store, org, [f!])).rejects.toThrow('only daily forecasts are stored');
  });

  it('staffs the hourly forecast and says whether a headcount serves it', async () => {
    const options = {
      scope: { deskId: 'Alpha', channel: null },
      horizonDays: 1,
      asOf: '2026-03-16',
      intervalMinutes: 30,
      ahtSeconds: 600,
      target: { level: 0.8, answerSeconds: 60 },
      shrinkage: 0.3,
    };
    const one = await staffForecast(store, org, { ...options, agents: 1 });
    expect(one.intervals).toHaveLength(48);
    expect(one.intervals[1]!.period).toBe('2026-03-16T00:30');
    for (const i of one.intervals) {
      if (i.volume > 0) expect(i.serviceLevel).toBeGreaterThanOrEqual(0.8);
      expect(i.staff).toBe(Math.max(0, Math.ceil(i.agents / 0.7 - 1e-9)));
    }
    const needed = one.feasibility!.maxAgentsNeeded;
    expect(needed).toBeGreaterThan(1);
    expect(one.feasibility).toMatchObject({ feasible: false, intervals: 48 });
    expect(one.feasibility!.worstInterval).toMatch(/^2026-03-16T\d\d:\d\d$/);
    const enough = await staffForecast(store, org, { ...options, agents: needed });
    expect(enough.feasibility).toMatchObject({ feasible: true, short: 0 });
    await expect(staffForecast(store, org, { ...options, intervalMinutes: 45 })).rejects.toThrow(
      '15, 20, 30 or 60',
    );
  });
});
