import { type Command, InvalidArgumentError } from 'commander';
import { CATALOGUE, KRAS } from '../../catalogue/index.js';
import { DIMENSIONS, type Dimension } from '../../engine/kpi-definition.js';
import { KpiQueryError, parseWhereClauses } from '../../engine/kpi-query.js';
import { runKpiQuery } from '../../storage/run-kpi-query.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';

interface KpiCliOptions {
  list?: boolean;
  from?: string;
  to?: string;
  grain?: string;
  by?: string;
  where: string[];
  variant?: string;
  statistic?: 'median' | 'mean' | 'p90';
  calendar?: boolean;
  org?: string;
  json?: boolean;
}

/** `--where channel=email,chat` (repeatable): AND across flags, OR inside one. */
export function parseWhere(values: readonly string[]): Partial<Record<Dimension, string[]>> {
  try {
    return parseWhereClauses(values);
  } catch (error) {
    if (error instanceof KpiQueryError) throw new CliError(`--where ${error.message}`, 2);
    throw error;
  }
}

function listKpis(json: boolean | undefined): void {
  const rows = [...CATALOGUE.values()].map((d) => ({
    id: d.id,
    name: d.name,
    kra: d.kra,
    kra_name: KRAS.find((k) => k.id === d.kra)?.name ?? null,
    unit: d.unit,
    direction: d.direction,
    source: d.source,
  }));
  if (json) printJson(rows);
  else printTable(rows.map((r) => ({ ...r, kra: r.kra ?? '-', kra_name: r.kra_name ?? 'other' })));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`use one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export function registerKpiCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('kpi')
    .description('compute a KPI over a period (DESIGN.md query contract), or list the catalogue')
    .argument('[id]', 'KPI id (see --list)')
    .option('--list', 'list the KPI catalogue')
    .option('--from <date>', 'first day, YYYY-MM-DD, in the organisation time zone')
    .option('--to <date>', 'last day, inclusive')
    .option('--grain <grain>', 'day, week, month, quarter, year or all', 'month')
    .option('--by <dimension>', `group by ${DIMENSIONS.join(', ')}`, oneOf(DIMENSIONS))
    .option('--where <dim=values>', 'filter, e.g. channel=email,chat (repeatable)', collect, [])
    .option('--variant <name>', 'a definition variant, e.g. one_touch for fcr_rate')
    .option(
      '--statistic <stat>',
      'durations: median (default), mean or p90',
      oneOf(['median', 'mean', 'p90'] as const),
    )
    .option('--calendar', 'durations in calendar time instead of business hours')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print rows as JSON')
    .action(async (id: string | undefined, opts: KpiCliOptions) => {
      if (opts.list) {
        listKpis(opts.json);
        return;
      }
      if (!id) throw new CliError('name a KPI (see: deskscore kpi --list)', 2);
      if (!opts.from || !opts.to) throw new CliError('--from and --to are required', 2);
      const where = parseWhere(opts.where);
      await withStore(globals(), async (store) => {
        try {
          const org = await organizationFor(store, opts.org);
          const rows = await runKpiQuery(store, org, CATALOGUE, {
            kpi: id,
            from: opts.from!,
            to: opts.to!,
            grain: opts.grain as 'month',
            by: opts.by as Dimension | undefined,
            where,
            variant: opts.variant,
            statistic: opts.statistic,
            clock: opts.calendar ? 'calendar' : undefined,
          });
          if (opts.json) {
            printJson(rows);
            return;
          }
          printTable(
            rows.map((r) => ({
              bucket: r.bucket,
              ...(opts.by ? { [opts.by]: r[opts.by] ?? '(none)' } : {}),
              value: r.value ?? '-',
              unit: r.unit,
              n: r.n,
              interval: r.ci_low === null ? '' : `${r.ci_low}–${r.ci_high}`,
              significant: r.n === 0 ? '' : r.significant ? 'yes' : 'no (n too small)',
              ...(r.trend !== null ? { trend: r.trend } : {}),
            })),
          );
        } catch (error) {
          if (error instanceof KpiQueryError) throw new CliError(error.message);
          throw error;
        }
      });
    });
}
