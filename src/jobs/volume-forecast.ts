import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { AgentsOutcome, ServiceTarget } from '../analytics/erlang.js';
import type { ModelScore } from '../analytics/forecast.js';
import { forecastBest } from '../analytics/forecast.js';
import { detectSpikes } from '../analytics/spikes.js';
import { type Feasibility, staffingPlan } from '../analytics/staffing.js';
import { CATALOGUE } from '../catalogue/index.js';
import type { ForecastRecord } from '../ingest/canonical.js';
import { FORECAST_COLUMNS } from '../ingest/staged-columns.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { runKpiQuery } from '../storage/run-kpi-query.js';
import { loadSchedules } from '../storage/settings-repository.js';

/**
 * Ticket-volume forecasts per organisation, desk and channel: reads the volume (tickets by created
 * time in the organisation's zone, deleted and spam excluded — the `ticket_volume` KPI), chooses a
 * model per series by backtest, forecasts with intervals, and stores daily forecasts in
 * `volume_forecasts` (which the `forecast_accuracy` KPI scores). Also spike detection over recent days.
 */

export type VolumeGrain = 'day' | 'hour';

/** A forecast series: the whole organisation, one desk, one channel, or one desk's channel. */
export interface VolumeScope {
  deskId: string | null;
  channel: string | null;
}

export interface VolumeSeries {
  /** 'YYYY-MM-DD' for days, 'YYYY-MM-DDTHH:00' (local wall-clock hour) for hours. */
  periods: string[];
  values: number[];
  special: boolean[];
}

export interface VolumeForecastPoint {
  period: string;
  special: boolean;
  forecast: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface VolumeForecast {
  scope: VolumeScope & { desk: string | null };
  grain: VolumeGrain;
  /** The first forecast day; the history ends the day before. */
  asOf: string;
  /** Local midnight starting `asOf`: the issue time stored with daily forecasts. */
  issuedAt: Date;
  history: { from: string | null; to: string; periods: number };
  model: string;
  params: Record<string, number>;
  specialFactor: number;
  backtest: { folds: number; scores: ModelScore[] };
  points: VolumeForecastPoint[];
}

export interface VolumeForecastOptions {
  grain?: VolumeGrain;
  /** Days ahead (default 28 for days, 14 for hours; at most 56 and 14). */
  horizonDays?: number;
  /** The first forecast day, 'YYYY-MM-DD' in the organisation's zone (default: today there). */
  asOf?: string;
  /** Days of history to learn from (default 730 for days, 84 for hours). */
  historyDays?: number;
  /** Factor for holidays when history has none. */
  specialFactor?: number;
  /** Backtest folds forecast at least this many days, even for a shorter horizon. */
  minBacktestDays?: number;
}

export const MAX_HORIZON_DAYS: Record<VolumeGrain, number> = { day: 56, hour: 14 };
const DEFAULT_HORIZON_DAYS: Record<VolumeGrain, number> = { day: 28, hour: 14 };
const DEFAULT_HISTORY_DAYS: Record<VolumeGrain, number> = { day: 730, hour: 84 };
const PERIOD: Record<VolumeGrain, number> = { day: 7, hour: 168 };
const STEPS_PER_DAY: Record<VolumeGrain, number> = { day: 1, hour: 24 };
/** Issued forecasts are not imported: they carry this import id. */
export const ISSUED_IMPORT_ID = 0;

export class VolumeForecastError extends Error {}

const round2 = (x: number) => Math.round(x * 100) / 100;

function today(org: Organization): string {
  return DateTime.now().setZone(org.time_zone).toISODate()!;
}

function localDay(day: string, org: Organization): DateTime {
  const dt = DateTime.fromISO(day, { zone: org.time_zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !dt.isValid)
    throw new VolumeForecastError(`"${day}" is not a date`);
  return dt;
}

/** Holidays of the organisation's default business schedule (or of its only schedule). */
export async function loadHolidays(store: Store, org: Organization): Promise<Set<string>> {
  const schedules = await loadSchedules(store.db, org.id);
  const id = schedules.defaultId ?? (schedules.byId.size === 1 ? [...schedules.byId.keys()][0]! : null);
  return new Set(id ? (schedules.byId.get(id)?.holidays ?? []) : []);
}

const scopeFilter = (scope: VolumeScope) => ({
  ...(scope.deskId !== null ? { desk: [scope.deskId] } : {}),
  ...(scope.channel !== null ? { channel: [scope.channel] } : {}),
});

/** The first local day with a ticket in the scope, or null. */
async function firstDay(store: Store, org: Organization, scope: VolumeScope): Promise<string | null> {
  const { rows } = await sql<{
    day: string | null;
  }>`SELECT CAST(CAST(min(t.created_at) AT TIME ZONE ${org.time_zone} AS DATE) AS text) AS day
    FROM ticket_facts t
    WHERE t.org_id = ${org.id}
      ${scope.deskId !== null ? sql`AND t.desk_id = ${scope.deskId}` : sql``}
      ${scope.channel !== null ? sql`AND t.channel = ${scope.channel}` : sql``}`.execute(store.db);
  return rows[0]?.day ?? null;
}

/**
 * Tickets created per local day (through the `ticket_volume` KPI, so the count is the KPI's) or per
 * local wall-clock hour (its own query: a DST change gives one 25-hour day whose repeated hour counts
 * twice, and one 23-hour day whose missing hour is 0).
 */
export async function loadVolumeSeries(
  store: Store,
  org: Organization,
  scope: VolumeScope,
  grain: VolumeGrain,
  from: string,
  to: string,
  holidays: ReadonlySet<string> = new Set(),
): Promise<VolumeSeries> {
  const days: string[] = [];
  for (let d = localDay(from, org); d <= localDay(to, org); d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  if (grain === 'day') {
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'ticket_volume',
      from,
      to,
      grain: 'day',
      where: scopeFilter(scope),
    });
    const byDay = new Map(rows.map((r) => [r.bucket, r.n]));
    return {
      periods: days,
      values: days.map((d) => byDay.get(d) ?? 0),
      special: days.map((d) => holidays.has(d)),
    };
  }
  const start = localDay(from, org).toJSDate();
  const end = localDay(to, org).plus({ days: 1 }).toJSDate();
  const { rows } = await sql<{ bucket: string; n: number }>`SELECT
      CAST(date_trunc('hour', t.created_at AT TIME ZONE ${org.time_zone}) AS text) AS bucket, count(*) AS n
    FROM ticket_facts t
    WHERE t.org_id = ${org.id} AND t.created_at >= ${start} AND t.created_at < ${end}
      ${scope.deskId !== null ? sql`AND t.desk_id = ${scope.deskId}` : sql``}
      ${scope.channel !== null ? sql`AND t.channel = ${scope.channel}` : sql``}
    GROUP BY 1`.execute(store.db);
  // '2026-03-01 10:00:00' → '2026-03-01T10:00'
  const byHour = new Map(
    rows.map((r) => [`${r.bucket.slice(0, 10)}T${r.bucket.slice(11, 16)}`, Number(r.n)]),
  );
  const periods = days.flatMap((d) =>
    Array.from({ length: 24 }, (_, h) => `${d}T${String(h).padStart(2, '0')}:00`),
  );
  return {
    periods,
    values: periods.map((p) => byHour.get(p) ?? 0),
    special: periods.map((p) => holidays.has(p.slice(0, 10))),
  };
}

/** The scopes with tickets since `from`: the organisation, each desk and each channel. */
export async function defaultScopes(store: Store, org: Organization, from: string): Promise<VolumeScope[]> {
  const start = localDay(from, org).toJSDate();
  const [desks, channels] = await Promise.all([
    store.db
      .selectFrom('ticket_facts')
      .select('desk_id')
      .distinct()
      .where('org_id', '=', org.id)
      .where('created_at', '>=', start)
      .where('desk_id', 'is not', null)
      .execute(),
    store.db
      .selectFrom('ticket_facts')
      .select('channel')
      .distinct()
      .where('org_id', '=', org.id)
      .where('created_at', '>=', start)
      .where('channel', 'is not', null)
      .execute(),
  ]);
  return [
    { deskId: null, channel: null },
    ...desks
      .map((d) => d.desk_id!)
      .sort()
      .map((deskId) => ({ deskId, channel: null })),
    ...channels
      .map((c) => c.channel!)
      .sort()
      .map((channel) => ({ deskId: null, channel })),
  ];
}

/** A desk given by name or id, as its id; an error naming the known desks otherwise. */
export async function resolveDesk(store: Store, org: Organization, desk: string): Promise<string> {
  const desks = await store.db
    .selectFrom('desks')
    .select(['id', 'name'])
    .where('org_id', '=', org.id)
    .execute();
  const found = desks.find((d) => d.name === desk) ?? desks.find((d) => d.id === desk);
  if (!found) {
    const known = desks.map((d) => d.name).sort();
    throw new VolumeForecastError(
      `no desk "${desk}"${known.length ? ` (desks: ${known.join(', ')})` : ' (no desks yet)'}`,
    );
  }
  return found.id;
}

async function deskNames(store: Store, org: Organization): Promise<Map<string, string>> {
  const rows = await store.db
    .selectFrom('desks')
    .select(['id', 'name'])
    .where('org_id', '=', org.id)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

interface Prepared {
  grain: VolumeGrain;
  horizonDays: number;
  asOf: string;
  historyFrom: string;
  historyTo: string;
  holidays: Set<string>;
  names: Map<string, string>;
  /** Days ahead each backtest fold forecasts. */
  backtestDays: number;
}

async function prepare(store: Store, org: Organization, options: VolumeForecastOptions): Promise<Prepared> {
  const grain = options.grain ?? 'day';
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS[grain];
  if (!(Number.isInteger(horizonDays) && horizonDays >= 1 && horizonDays <= MAX_HORIZON_DAYS[grain])) {
    throw new VolumeForecastError(
      `horizon must be 1 to ${MAX_HORIZON_DAYS[grain]} days for ${grain === 'day' ? 'daily' : 'hourly'} forecasts`,
    );
  }
  const asOf = options.asOf ?? today(org);
  const first = localDay(asOf, org);
  const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS[grain];
  return {
    grain,
    horizonDays,
    asOf,
    historyFrom: first.minus({ days: historyDays }).toISODate()!,
    historyTo: first.minus({ days: 1 }).toISODate()!,
    holidays: await loadHolidays(store, org),
    names: await deskNames(store, org),
    backtestDays: Math.max(horizonDays, options.minBacktestDays ?? 0),
  };
}

/** Forecasts one scope: history up to the day before `asOf`, then `horizonDays` ahead. */
async function forecastScope(
  store: Store,
  org: Organization,
  scope: VolumeScope,
  p: Prepared,
  options: VolumeForecastOptions,
): Promise<VolumeForecast> {
  const steps = STEPS_PER_DAY[p.grain];
  const first = await firstDay(store, org, scope);
  const from = first && first > p.historyFrom ? first : p.historyFrom;
  const series =
    first && from <= p.historyTo
      ? await loadVolumeSeries(store, org, scope, p.grain, from, p.historyTo, p.holidays)
      : { periods: [], values: [], special: [] };
  const futureDays = Array.from(
    { length: p.horizonDays },
    (_, i) => localDay(p.asOf, org).plus({ days: i }).toISODate()!,
  );
  const futurePeriods =
    p.grain === 'day'
      ? futureDays
      : futureDays.flatMap((d) =>
          Array.from({ length: 24 }, (_, h) => `${d}T${String(h).padStart(2, '0')}:00`),
        );
  const best = forecastBest(
    { values: series.values, special: series.special },
    {
      period: PERIOD[p.grain],
      horizon: p.horizonDays * steps,
      backtestHorizon: p.backtestDays * steps,
      futureSpecial: futurePeriods.map((f) => p.holidays.has(f.slice(0, 10))),
      specialFactor: options.specialFactor,
    },
  );
  return {
    scope: { ...scope, desk: scope.deskId === null ? null : (p.names.get(scope.deskId) ?? scope.deskId) },
    grain: p.grain,
    asOf: p.asOf,
    issuedAt: localDay(p.asOf, org).toJSDate(),
    history: { from: series.periods.length ? from : null, to: p.historyTo, periods: series.values.length },
    model: best.model,
    params: best.params,
    specialFactor: best.specialFactor,
    backtest: { folds: best.backtest.origins.length, scores: best.backtest.scores },
    points: best.points.map((pt, i) => ({
      period: futurePeriods[i]!,
      special: pt.special,
      forecast: round2(pt.value),
      lower80: round2(pt.lower80),
      upper80: round2(pt.upper80),
      lower95: round2(pt.lower95),
      upper95: round2(pt.upper95),
    })),
  };
}

/** Forecasts the given scopes (default: the organisation, each desk, each channel). */
export async function forecastVolume(
  store: Store,
  org: Organization,
  options: VolumeForecastOptions & { scopes?: readonly VolumeScope[] | undefined } = {},
): Promise<VolumeForecast[]> {
  const p = await prepare(store, org, options);
  const scopes = options.scopes ?? (await defaultScopes(store, org, p.historyFrom));
  const out: VolumeForecast[] = [];
  for (const scope of scopes) out.push(await forecastScope(store, org, scope, p, options));
  return out;
}

/**
 * Stores daily forecasts in `volume_forecasts`, one row per target day and scope, keyed as imported
 * forecasts are (day, desk, channel, issue time): issuing again on the same day replaces, never adds.
 */
export async function storeForecasts(
  store: Store,
  org: Organization,
  forecasts: readonly VolumeForecast[],
): Promise<number> {
  const column = (name: string) => FORECAST_COLUMNS.find((c) => c.name === name)!.get!;
  const rows = forecasts.flatMap((f) => {
    if (f.grain !== 'day') throw new VolumeForecastError('only daily forecasts are stored');
    return f.points.map((pt) => {
      const day = localDay(pt.period, org);
      const record: ForecastRecord = {
        target_day: day.toJSDate(),
        day_end: day.plus({ days: 1 }).toJSDate(),
        volume: pt.forecast,
        issued_at: f.issuedAt,
        desk: f.scope.deskId,
        channel: f.scope.channel,
        model: f.model,
      };
      return {
        org_id: org.id,
        id: String(column('id')(record)),
        target_day: record.target_day,
        day_end: record.day_end!,
        volume: record.volume,
        issued_at: record.issued_at,
        desk_id: record.desk,
        channel: record.channel,
        model: record.model,
        content_hash: String(column('content_hash')(record)),
        import_id: ISSUED_IMPORT_ID,
      };
    });
  });
  if (rows.length === 0) return 0;
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('volume_forecasts')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(['org_id', 'id']).doUpdateSet((eb) => ({
            volume: eb.ref('excluded.volume'),
            model: eb.ref('excluded.model'),
            content_hash: eb.ref('excluded.content_hash'),
            import_id: eb.ref('excluded.import_id'),
          })),
        )
        .execute();
    }
  });
  return rows.length;
}

/** The job: forecast the default scopes daily and store what was issued. */
export async function runVolumeForecastJob(
  store: Store,
  org: Organization,
  options: Omit<VolumeForecastOptions, 'grain'> = {},
): Promise<{ forecasts: VolumeForecast[]; stored: number }> {
  const forecasts = await forecastVolume(store, org, { ...options, grain: 'day' });
  return { forecasts, stored: await storeForecasts(store, org, forecasts) };
}

export interface SpikeRow {
  desk: string | null;
  deskId: string | null;
  channel: string | null;
  period: string;
  kind: 'spike' | 'dip';
  actual: number;
  forecast: number;
  lower: number;
  upper: number;
  excess: number;
  deviationPct: number | null;
  model: string;
}

export interface SpikeOptions {
  grain?: VolumeGrain;
  /** Recent days to check, ending the day before `asOf` (default 14). */
  days?: number;
  /** The day after the last one checked (default: today). */
  asOf?: string;
  /** Which interval counts: 80 or 95 (default 95). */
  level?: 80 | 95;
  scopes?: readonly VolumeScope[] | undefined;
  historyDays?: number;
}

/**
 * Spikes and dips over the last `days` days: for each scope, a model chosen on the history before
 * the window forecasts the window, and periods outside its interval are flagged (the early warning
 * the alerts can use).
 */
export async function detectVolumeSpikes(
  store: Store,
  org: Organization,
  options: SpikeOptions = {},
): Promise<SpikeRow[]> {
  const grain = options.grain ?? 'day';
  const days = options.days ?? 14;
  if (!(Number.isInteger(days) && days >= 1 && days <= MAX_HORIZON_DAYS[grain])) {
    throw new VolumeForecastError(`days must be 1 to ${MAX_HORIZON_DAYS[grain]}`);
  }
  const asOf = options.asOf ?? today(org);
  const windowStart = localDay(asOf, org).minus({ days }).toISODate()!;
  // A short window still chooses its model on folds of two weeks.
  const p = await prepare(store, org, {
    grain,
    asOf: windowStart,
    horizonDays: days,
    historyDays: options.historyDays,
    minBacktestDays: 14,
  });
  const windowEnd = localDay(asOf, org).minus({ days: 1 }).toISODate()!;
  const scopes = options.scopes ?? (await defaultScopes(store, org, p.historyFrom));
  const level = options.level ?? 95;
  const rows: SpikeRow[] = [];
  for (const scope of scopes) {
    const f = await forecastScope(store, org, scope, p, {});
    const actual = await loadVolumeSeries(store, org, scope, grain, windowStart, windowEnd);
    const flags = detectSpikes(
      f.points.map((pt, i) => ({
        key: pt.period,
        actual: actual.values[i] ?? 0,
        forecast: pt.forecast,
        lower: level === 80 ? pt.lower80 : pt.lower95,
        upper: level === 80 ? pt.upper80 : pt.upper95,
      })),
    );
    for (const flag of flags) {
      rows.push({
        desk: f.scope.desk,
        deskId: scope.deskId,
        channel: scope.channel,
        period: flag.key,
        kind: flag.kind,
        actual: flag.actual,
        forecast: flag.forecast,
        lower: flag.lower,
        upper: flag.upper,
        excess: round2(flag.excess),
        deviationPct: flag.deviationPct === null ? null : round2(flag.deviationPct),
        model: f.model,
      });
    }
  }
  return rows;
}

export interface ForecastStaffingOptions {
  scope: VolumeScope;
  /** Days of hourly forecast to staff (1–14). */
  horizonDays: number;
  asOf?: string | undefined;
  /** Interval length: 15, 20, 30 or 60 minutes (an hour's forecast is split evenly). */
  intervalMinutes: number;
  ahtSeconds: number;
  target: ServiceTarget;
  maxOccupancy?: number | undefined;
  shrinkage?: number | undefined;
  /** Given: Erlang A with this mean patience. */
  patienceSeconds?: number | undefined;
  /** Agents answering per interval: judges whether they can serve the forecast. */
  agents?: number | undefined;
}

export interface IntervalPlan {
  period: string;
  volume: number;
  trafficErlangs: number;
  agents: number;
  staff: number;
  /** What the required agents reach. */
  serviceLevel: number;
  withAgents: AgentsOutcome | null;
}

export interface ForecastStaffing {
  forecast: VolumeForecast;
  intervalMinutes: number;
  intervals: IntervalPlan[];
  /** With `agents`: whether they serve the forecast at target, and what it would take. */
  feasibility: (Omit<Feasibility, 'worstInterval'> & { worstInterval: string | null }) | null;
}

/**
 * Staffing from the hourly forecast, interval by interval, and the goal-feasibility answer for a
 * headcount: can it serve the forecast volume at the service-level target, and how many are needed.
 */
export async function staffForecast(
  store: Store,
  org: Organization,
  options: ForecastStaffingOptions,
): Promise<ForecastStaffing> {
  const minutes = options.intervalMinutes;
  if (![15, 20, 30, 60].includes(minutes)) {
    throw new VolumeForecastError('interval must be 15, 20, 30 or 60 minutes to split an hourly forecast');
  }
  const [forecast] = await forecastVolume(store, org, {
    grain: 'hour',
    horizonDays: options.horizonDays,
    asOf: options.asOf,
    scopes: [options.scope],
  });
  const split = 60 / minutes;
  const periods = forecast!.points.flatMap((p) =>
    Array.from({ length: split }, (_, k) => ({
      period: `${p.period.slice(0, 14)}${String(k * minutes).padStart(2, '0')}`,
      volume: p.forecast / split,
    })),
  );
  const plan = staffingPlan({
    volumes: periods.map((p) => p.volume),
    intervalSeconds: minutes * 60,
    ahtSeconds: options.ahtSeconds,
    target: options.target,
    maxOccupancy: options.maxOccupancy,
    shrinkage: options.shrinkage,
    patienceSeconds: options.patienceSeconds,
    agents: options.agents,
  });
  const worst = plan.feasibility?.worstInterval ?? null;
  return {
    forecast: forecast!,
    intervalMinutes: minutes,
    intervals: plan.intervals.map((i) => ({
      period: periods[i.index]!.period,
      volume: i.volume,
      trafficErlangs: i.required.traffic,
      agents: i.required.agents,
      staff: i.required.staff,
      serviceLevel: i.required.outcome.serviceLevel,
      withAgents: i.withAgents,
    })),
    feasibility: plan.feasibility && {
      ...plan.feasibility,
      worstInterval: worst === null ? null : periods[worst]!.period,
    },
  };
}
