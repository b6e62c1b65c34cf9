import { createWriteStream } from 'node:fs';
import { extname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { CATALOGUE } from '../../catalogue/index.js';
import { DRILL_SORTS, type DrillSort } from '../../engine/compile-drilldown.js';
import { DIMENSIONS, type Dimension, GRAINS, type Grain } from '../../engine/kpi-definition.js';
import { KpiQueryError, type KpiQueryInput } from '../../engine/kpi-query.js';
import { writeCsv } from '../../reports/csv-writer.js';
import type { ExportTable } from '../../reports/table.js';
import { writeXlsx } from '../../reports/xlsx-writer.js';
import {
  DrilldownUnsupportedError,
  exportDrilldown,
  exportTickets,
  runDrilldown,
} from '../../storage/run-drilldown.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';
import { parseWhere } from './kpi.js';

/**
 * `deskscore export tickets` and `deskscore drill <kpi>` (issue 7): row-level data as CSV or XLSX
 * files, and the rows behind one KPI bucket on the terminal or as JSON.
 */

type Format = 'csv' | 'xlsx';

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`use one of ${allowed.join(', ')}`);
    return value as T;
  };
}

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('use YYYY-MM-DD');
  return value;
}

function count(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`a whole number ${min}–${max}`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --format, else the --out file's extension, else CSV. */
function formatFor(format: Format | undefined, file: string): Format {
  if (format) return format;
  return extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
}

async function writeFile(table: ExportTable, file: string, format: Format, sheet: string): Promise<number> {
  let rows = 0;
  const counted: ExportTable = {
    columns: table.columns,
    rows: {
      async *[Symbol.asyncIterator]() {
        for await (const row of table.rows) {
          rows++;
          yield row;
        }
      },
    },
  };
  const stream = createWriteStream(resolve(file));
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  await Promise.race([
    format === 'csv' ? writeCsv(counted, stream) : writeXlsx(counted, stream, sheet),
    failed,
  ]);
  return rows;
}

function asCliError(error: unknown): unknown {
  if (error instanceof KpiQueryError || error instanceof DrilldownUnsupportedError)
    return new CliError(error.message);
  return error;
}

interface ExportTicketsOptions {
  from: string;
  to: string;
  where: string[];
  status: string[];
  format?: Format;
  out: string;
  org?: string;
}

interface DrillOptions {
  from: string;
  to: string;
  grain: Grain;
  bucket?: string;
  by?: Dimension;
  group?: string;
  where: string[];
  variant?: string;
  statistic?: 'median' | 'mean' | 'p90';
  calendar?: boolean;
  sort: DrillSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  format?: Format;
  out?: string;
  org?: string;
  json?: boolean;
}

/** "(none)" names the group of rows with no value for --by, as `deskscore kpi` prints it. */
const groupOf = (group: string | undefined) =>
  group === undefined ? undefined : group === '(none)' ? null : group;

export function registerExportCommands(program: Command, globals: () => GlobalOptions): void {
  const exportCommand = program.command('export').description('row-level data as CSV or XLSX files');
  exportCommand
    .command('tickets')
    .description('tickets created in a period, with their derived facts (attributed at creation)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD, in the organisation time zone', day)
    .requiredOption('--to <date>', 'last day, inclusive', day)
    .option('--where <dim=values>', 'filter, e.g. team=Alpha or channel=email,chat (repeatable)', collect, [])
    .option('--status <statuses>', 'only these statuses, e.g. open,pending (repeatable)', collect, [])
    .option(
      '--format <format>',
      'csv or xlsx (default: from the --out extension)',
      oneOf(['csv', 'xlsx'] as const),
    )
    .requiredOption('--out <file>', 'the file to write')
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (opts: ExportTicketsOptions) => {
      const where = parseWhere(opts.where);
      const statuses = opts.status
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
      const format = formatFor(opts.format, opts.out);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        let table: ExportTable;
        try {
          table = await exportTickets(store, org, { from: opts.from, to: opts.to, where, statuses });
        } catch (error) {
          throw asCliError(error);
        }
        const rows = await writeFile(table, opts.out, format, `tickets ${opts.from} ${opts.to}`);
        out(`wrote ${rows} ticket${rows === 1 ? '' : 's'} to ${opts.out}\n`);
      });
    });

  program
    .command('drill')
    .description('the rows behind one KPI bucket (drill-down): print them, or write every row to a file')
    .argument('<id>', 'KPI id (see: deskscore kpi --list)')
    .requiredOption('--from <date>', 'first day of the KPI query, YYYY-MM-DD', day)
    .requiredOption('--to <date>', 'last day, inclusive', day)
    .option('--grain <grain>', GRAINS.join(', '), oneOf(GRAINS), 'month')
    .option('--bucket <date>', "the bucket's first day (default: the first bucket)", day)
    .option('--by <dimension>', `group by ${DIMENSIONS.join(', ')}`, oneOf(DIMENSIONS))
    .option('--group <name>', 'the group (with --by); "(none)" for rows with no value')
    .option('--where <dim=values>', 'filter, e.g. channel=email,chat (repeatable)', collect, [])
    .option('--variant <name>', 'a definition variant, e.g. one_touch for fcr_rate')
    .option('--statistic <stat>', 'durations: median, mean or p90', oneOf(['median', 'mean', 'p90'] as const))
    .option('--calendar', 'durations in calendar time instead of business hours')
    .option('--sort <column>', DRILL_SORTS.join(', '), oneOf(DRILL_SORTS), 'placed_at')
    .option('--order <order>', 'asc or desc', oneOf(['asc', 'desc'] as const), 'asc')
    .option('--limit <n>', 'rows per page (printing)', count(1, 1000), 50)
    .option('--offset <n>', 'rows to skip (printing)', count(0, 10_000_000), 0)
    .option(
      '--format <format>',
      'with --out: csv or xlsx (default: from the extension)',
      oneOf(['csv', 'xlsx'] as const),
    )
    .option('--out <file>', 'write every row to this file instead of printing a page')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the page and its totals as JSON (as GET /api/v1/kpis/:id/rows)')
    .action(async (id: string, opts: DrillOptions) => {
      const where = parseWhere(opts.where);
      const query: KpiQueryInput = {
        kpi: id,
        from: opts.from,
        to: opts.to,
        grain: opts.grain,
        where,
        ...(opts.by ? { by: opts.by } : {}),
        ...(opts.variant ? { variant: opts.variant } : {}),
        ...(opts.statistic ? { statistic: opts.statistic } : {}),
        ...(opts.calendar ? { clock: 'calendar' as const } : {}),
      };
      const bucket = opts.bucket ?? opts.from;
      const group = groupOf(opts.group);
      if (opts.format && !opts.out) throw new CliError('--format needs --out <file>', 2);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          if (opts.out) {
            const table = await exportDrilldown(store, org, CATALOGUE, query, { bucket, group });
            const rows = await writeFile(
              table,
              opts.out,
              formatFor(opts.format, opts.out),
              `${id} ${bucket}`,
            );
            out(`wrote ${rows} row${rows === 1 ? '' : 's'} to ${opts.out}\n`);
            return;
          }
          const result = await runDrilldown(store, org, CATALOGUE, query, {
            bucket,
            group,
            sort: opts.sort,
            order: opts.order,
            limit: opts.limit,
            offset: opts.offset,
          });
          if (opts.json) {
            printJson(result);
            return;
          }
          const t = result.totals;
          const recount =
            t.numerator !== null && t.denominator !== null
              ? `numerator ${t.numerator}, denominator ${t.denominator}`
              : t.promoters !== null
                ? `promoters ${t.promoters}, detractors ${t.detractors}`
                : '';
          out(
            `${result.kpi} ${result.bucket}–${result.bucket_end}${result.by ? ` ${result.by} ${result.group ?? '(none)'}` : ''}: ` +
              `value ${t.value ?? '-'}, n ${t.n}, ${t.rows} row${t.rows === 1 ? '' : 's'}${recount ? `; ${recount}` : ''}\n`,
          );
          const flags = result.measure === 'ratio';
          const values = result.rows.some((r) => r.value !== null);
          const surveys = result.rows.some((r) => r.class !== null);
          printTable(
            result.rows.map((r) => ({
              source: r.source,
              id: r.id,
              placed_at: r.placed_at,
              team: r.team ?? '',
              agent: r.agent ?? '',
              ...(flags
                ? { numerator: r.in_numerator ? 'yes' : '', denominator: r.in_denominator ? 'yes' : '' }
                : {}),
              ...(values ? { value: r.value ?? '' } : {}),
              ...(surveys ? { score: r.score ?? '', class: r.class ?? '' } : {}),
            })),
          );
          if (result.next_offset !== null) out(`(more: --offset ${result.next_offset})\n`);
        } catch (error) {
          throw asCliError(error);
        }
      });
    });
}
