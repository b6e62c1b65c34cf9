import { type Command, InvalidArgumentError } from 'commander';
import type { AgentsOutcome, ServiceTarget } from '../../analytics/erlang.js';
import { outcomeFor, staffingFor } from '../../analytics/erlang.js';
import {
  detectVolumeSpikes,
  forecastVolume,
  resolveDesk,
  staffForecast,
  storeForecasts,
  type VolumeForecast,
  VolumeForecastError,
  type VolumeGrain,
  type VolumeScope,
} from '../../jobs/volume-forecast.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';

interface ForecastCliOptions {
  desk?: string;
  channel?: string;
  all?: boolean;
  grain: VolumeGrain;
  horizon?: number;
  asOf?: string;
  store: boolean;
  spikes?: boolean;
  days: number;
  level: 80 | 95;
  org?: string;
  json?: boolean;
}

interface StaffingCliOptions {
  sla: ServiceTarget;
  aht: number;
  shrinkage: number;
  maxOccupancy: number;
  patience?: number;
  volume?: number;
  intervalMinutes?: number;
  agents?: number;
  desk?: string;
  channel?: string;
  horizon: number;
  asOf?: string;
  org?: string;
  json?: boolean;
}

/** Commander parsers: a bad value is a usage error (exit 2) naming what is expected. */
function number(what: string, min: number, max: number, integer = false) {
  return (text: string): number => {
    const n = Number(text);
    if (
      text.trim() === '' ||
      !Number.isFinite(n) ||
      n < min ||
      n > max ||
      (integer && !Number.isInteger(n))
    ) {
      throw new InvalidArgumentError(`${what} from ${min} to ${max}`);
    }
    return n;
  };
}

/** "80/20" → 80 % within 20 s; the time may carry s, m or h ("90/4h" for email). */
export function parseSla(text: string): ServiceTarget {
  const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)([smh]?)$/.exec(text.trim());
  const level = m ? Number(m[1]) : Number.NaN;
  if (!m || !(level > 0 && level < 100)) {
    throw new InvalidArgumentError('use <percent>/<seconds>, e.g. 80/20 (or 90/4h)');
  }
  const unit = m[3] === 'h' ? 3600 : m[3] === 'm' ? 60 : 1;
  return { level: level / 100, answerSeconds: Number(m[2]) * unit };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10000) / 10000;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

async function scopeOf(
  store: Store,
  org: Organization,
  desk?: string,
  channel?: string,
): Promise<VolumeScope> {
  return {
    deskId: desk === undefined ? null : await resolveDesk(store, org, desk),
    channel: channel === undefined ? null : channel.toLowerCase(),
  };
}

function scopeLabel(f: { scope: { desk: string | null; channel: string | null } }): string {
  return `${f.scope.desk ?? 'all desks'} · ${f.scope.channel ?? 'all channels'}`;
}

function describeChoice(f: VolumeForecast): string {
  const chosen = f.backtest.scores.find((s) => s.model === f.model);
  const naive = f.backtest.scores.find((s) => s.model === 'seasonal_naive');
  if (!chosen) return `${f.model} (history too short for a backtest)`;
  const mase = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  const wape = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)} %`);
  return (
    `${f.model}, chosen by backtest over ${f.backtest.folds} fold(s): MASE ${mase(chosen.mase)}, WAPE ${wape(chosen.wape)}` +
    (naive ? ` (seasonal naive: MASE ${mase(naive.mase)}, WAPE ${wape(naive.wape)})` : '')
  );
}

function wrap(error: unknown): never {
  if (error instanceof VolumeForecastError || error instanceof RangeError) throw new CliError(error.message);
  throw error;
}

function outcomeRow(o: AgentsOutcome) {
  return {
    agents: o.agents,
    serviceLevel: r4(o.serviceLevel),
    pWait: r4(o.pWait),
    asaSeconds: Number.isFinite(o.asaSeconds) ? r2(o.asaSeconds) : null,
    occupancy: r4(o.occupancy),
    pAbandon: r4(o.pAbandon),
  };
}

export function registerForecastCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('forecast')
    .description(
      'forecast ticket volume with 80 % and 95 % intervals (daily forecasts are stored), or list spikes',
    )
    .option('--desk <desk>', 'one desk (name or id)')
    .option('--channel <channel>', 'one channel')
    .option('--all', 'every scope: the organisation, each desk and each channel')
    .option(
      '--grain <grain>',
      'day or hour',
      (v: string) => {
        if (v !== 'day' && v !== 'hour') throw new InvalidArgumentError('use day or hour');
        return v;
      },
      'day',
    )
    .option('--horizon <days>', 'days ahead (default 28 for days, 14 for hours)', number('days', 1, 56, true))
    .option('--as-of <date>', 'first forecast day, YYYY-MM-DD (default: today in the organisation zone)')
    .option('--no-store', 'do not store the daily forecast')
    .option('--spikes', 'list recent days (or hours) outside the forecast interval instead')
    .option('--days <n>', 'with --spikes: recent days to check', number('days', 1, 56, true), 14)
    .option(
      '--level <level>',
      'with --spikes: the interval, 80 or 95',
      (v: string) => {
        if (v !== '80' && v !== '95') throw new InvalidArgumentError('use 80 or 95');
        return Number(v);
      },
      95,
    )
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (opts: ForecastCliOptions) => {
      if (opts.all && (opts.desk !== undefined || opts.channel !== undefined)) {
        throw new CliError('--all forecasts every scope: leave out --desk and --channel', 2);
      }
      if (opts.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) {
        throw new CliError('--as-of must be a date as YYYY-MM-DD', 2);
      }
      if (opts.grain === 'hour' && opts.horizon !== undefined && opts.horizon > 14) {
        throw new CliError('--horizon is at most 14 days for hourly forecasts', 2);
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          const every = opts.all || (opts.spikes && opts.desk === undefined && opts.channel === undefined);
          const scopes = every ? undefined : [await scopeOf(store, org, opts.desk, opts.channel)];
          if (opts.spikes) {
            const rows = await detectVolumeSpikes(store, org, {
              grain: opts.grain,
              days: opts.days,
              asOf: opts.asOf,
              level: opts.level,
              scopes,
            });
            if (opts.json) printJson(rows);
            else
              printTable(
                rows.map((r) => ({
                  desk: r.desk ?? '(all)',
                  channel: r.channel ?? '(all)',
                  period: r.period,
                  kind: r.kind,
                  actual: r.actual,
                  forecast: r.forecast,
                  [`interval_${opts.level}`]: `${r.lower}–${r.upper}`,
                  excess: r.excess,
                  deviation:
                    r.deviationPct === null ? '' : `${r.deviationPct > 0 ? '+' : ''}${r.deviationPct} %`,
                })),
              );
            return;
          }
          const forecasts = await forecastVolume(store, org, {
            grain: opts.grain,
            horizonDays: opts.horizon,
            asOf: opts.asOf,
            scopes,
          });
          const stored = opts.store && opts.grain === 'day' ? await storeForecasts(store, org, forecasts) : 0;
          if (opts.json) {
            printJson(forecasts);
            return;
          }
          if (opts.all) {
            printTable(
              forecasts.map((f) => {
                const chosen = f.backtest.scores.find((s) => s.model === f.model);
                const naive = f.backtest.scores.find((s) => s.model === 'seasonal_naive');
                return {
                  desk: f.scope.desk ?? '(all)',
                  channel: f.scope.channel ?? '(all)',
                  model: f.model,
                  mase: chosen?.mase?.toFixed(3) ?? '',
                  wape: chosen?.wape?.toFixed(2) ?? '',
                  naive_mase: naive?.mase?.toFixed(3) ?? '',
                  folds: f.backtest.folds,
                  [`total_${f.points.length / (f.grain === 'day' ? 1 : 24)}d`]: Math.round(
                    f.points.reduce((s, p) => s + p.forecast, 0),
                  ),
                };
              }),
            );
          } else {
            for (const f of forecasts) {
              out(`${scopeLabel(f)}: ${describeChoice(f)}\n`);
              printTable(
                f.points.map((p) => ({
                  period: p.period,
                  forecast: p.forecast,
                  interval_80: `${p.lower80}–${p.upper80}`,
                  interval_95: `${p.lower95}–${p.upper95}`,
                  special: p.special ? 'holiday' : '',
                })),
              );
            }
          }
          if (stored > 0) out(`stored ${stored} daily forecast(s), issued ${forecasts[0]!.asOf}\n`);
        } catch (error) {
          wrap(error);
        }
      });
    });

  program
    .command('staffing')
    .description(
      'agents needed per interval (Erlang C, or Erlang A with --patience), for the forecast or a given volume',
    )
    .requiredOption('--sla <pct/seconds>', 'service-level target, e.g. 80/20 (80 % within 20 s)', parseSla)
    .requiredOption('--aht <seconds>', 'average handle time', number('seconds', 1, 1e6))
    .option(
      '--shrinkage <share>',
      'share of paid time not answering, 0 to 0.95',
      number('a share', 0, 0.95),
      0,
    )
    .option('--max-occupancy <share>', 'highest occupancy, 0.05 to 1', number('a share', 0.05, 1), 1)
    .option(
      '--patience <seconds>',
      'average patience before abandoning: Erlang A',
      number('seconds', 0.1, 1e6),
    )
    .option(
      '--volume <contacts>',
      'what-if: contacts per interval instead of the forecast',
      number('contacts', 0, 1e7),
    )
    .option(
      '--interval-minutes <minutes>',
      'interval length (default 60; with the forecast: 15, 20, 30 or 60)',
      number('minutes', 1, 1440, true),
    )
    .option(
      '--agents <n>',
      'agents answering: the service level, P(wait), ASA and occupancy they reach',
      number('agents', 0, 1e6, true),
    )
    .option('--desk <desk>', 'staff one desk’s forecast')
    .option('--channel <channel>', 'staff one channel’s forecast')
    .option('--horizon <days>', 'days of forecast to staff', number('days', 1, 14, true), 7)
    .option('--as-of <date>', 'first forecast day, YYYY-MM-DD')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (opts: StaffingCliOptions) => {
      const minutes = opts.intervalMinutes ?? 60;
      const common = {
        intervalSeconds: minutes * 60,
        ahtSeconds: opts.aht,
        patienceSeconds: opts.patience,
        target: opts.sla,
        maxOccupancy: opts.maxOccupancy,
        shrinkage: opts.shrinkage,
      };
      if (opts.volume !== undefined) {
        if (opts.desk !== undefined || opts.channel !== undefined) {
          throw new CliError('--volume is a what-if without a forecast: leave out --desk and --channel', 2);
        }
        let result: ReturnType<typeof staffingFor>;
        let withAgents: AgentsOutcome | null;
        try {
          result = staffingFor({ ...common, volume: opts.volume });
          withAgents =
            opts.agents === undefined
              ? null
              : outcomeFor(opts.agents, { ...common, volume: opts.volume }, opts.sla);
        } catch (error) {
          wrap(error);
        }
        const summary = {
          model: result.outcome.model,
          volume: opts.volume,
          intervalMinutes: minutes,
          trafficErlangs: r4(result.traffic),
          agentsForServiceLevel: result.agentsForServiceLevel,
          agentsForOccupancy: result.agentsForOccupancy,
          agents: result.agents,
          staff: result.staff,
          required: outcomeRow(result.outcome),
          withAgents: withAgents && {
            ...outcomeRow(withAgents),
            meetsTarget: withAgents.serviceLevel >= opts.sla.level,
          },
        };
        if (opts.json) {
          printJson(summary);
          return;
        }
        const describe = (o: AgentsOutcome) =>
          `service level ${pct(o.serviceLevel)}, P(wait) ${o.pWait.toFixed(4)}, ASA ${Number.isFinite(o.asaSeconds) ? `${o.asaSeconds.toFixed(2)} s` : '∞ (queue grows)'}, occupancy ${pct(o.occupancy)}` +
          (o.model === 'erlang_a' ? `, abandoned ${pct(o.pAbandon)}` : '');
        out(
          [
            `${opts.volume} contacts per ${minutes} min, AHT ${opts.aht} s: traffic ${summary.trafficErlangs} Erlangs (${result.outcome.model === 'erlang_a' ? 'Erlang A' : 'Erlang C'})`,
            `agents needed ${result.agents} (service level ${result.agentsForServiceLevel}, occupancy ${result.agentsForOccupancy}); staff required ${result.staff} with ${pct(opts.shrinkage)} shrinkage`,
            `  at ${result.agents} agents: ${describe(result.outcome)}`,
            ...(withAgents
              ? [
                  `  at ${withAgents.agents} agents: ${describe(withAgents)} — ${withAgents.serviceLevel >= opts.sla.level ? 'meets' : 'misses'} ${pct(opts.sla.level)} in ${opts.sla.answerSeconds} s`,
                ]
              : []),
            '',
          ].join('\n'),
        );
        return;
      }
      if (![15, 20, 30, 60].includes(minutes)) {
        throw new CliError('--interval-minutes with the forecast must be 15, 20, 30 or 60', 2);
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          const plan = await staffForecast(store, org, {
            scope: await scopeOf(store, org, opts.desk, opts.channel),
            horizonDays: opts.horizon,
            asOf: opts.asOf,
            intervalMinutes: minutes,
            ahtSeconds: opts.aht,
            target: opts.sla,
            maxOccupancy: opts.maxOccupancy,
            shrinkage: opts.shrinkage,
            patienceSeconds: opts.patience,
            agents: opts.agents,
          });
          const forecast = plan.forecast;
          const intervals = plan.intervals.map((i) => ({
            period: i.period,
            volume: r2(i.volume),
            trafficErlangs: r4(i.trafficErlangs),
            agents: i.agents,
            staff: i.staff,
            serviceLevel: r4(i.serviceLevel),
            withAgents: i.withAgents && outcomeRow(i.withAgents),
          }));
          const feasibility = plan.feasibility && {
            ...plan.feasibility,
            serviceLevel: plan.feasibility.serviceLevel === null ? null : r4(plan.feasibility.serviceLevel),
          };
          if (opts.json) {
            printJson({
              scope: forecast.scope,
              model: forecast.model,
              erlang: opts.patience === undefined ? 'erlang_c' : 'erlang_a',
              intervalMinutes: minutes,
              intervals,
              feasibility,
            });
            return;
          }
          out(`${scopeLabel(forecast)}: hourly forecast ${describeChoice(forecast)}\n`);
          printTable(
            intervals.map((i) => ({
              period: i.period,
              volume: i.volume,
              erlangs: i.trafficErlangs,
              agents: i.agents,
              staff: i.staff,
              ...(i.withAgents ? { [`sl_at_${opts.agents}`]: pct(i.withAgents.serviceLevel) } : {}),
            })),
          );
          if (feasibility) {
            out(
              `${opts.agents} agents: ${feasibility.feasible ? 'enough' : `short in ${feasibility.short} of ${feasibility.intervals} intervals`}; ` +
                `expected service level ${feasibility.serviceLevel === null ? '-' : pct(feasibility.serviceLevel)} over the forecast` +
                (feasibility.worstInterval ? `, worst at ${feasibility.worstInterval}` : '') +
                `; at most ${feasibility.maxAgentsNeeded} agents (${feasibility.maxStaffNeeded} staff) needed in one interval\n`,
            );
          }
        } catch (error) {
          wrap(error);
        }
      });
    });
}
