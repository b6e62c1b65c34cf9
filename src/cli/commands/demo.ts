import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { DEMO_TIME_ZONE } from '../../demo/index.js';
import { ImportFailedError } from '../../ingest/import-file.js';
import { loadDemo } from '../../jobs/load-demo.js';
import { OrganizationError } from '../../storage/organizations.js';
import { CliError, type GlobalOptions, printJson, withStore } from '../context.js';
import { commandIo, err, out } from '../io.js';

interface DemoCliOptions {
  seed: string;
  months: string;
  org: string;
  scale: string;
  today?: string;
  keepFiles?: boolean;
  json?: boolean;
}

function wholeNumber(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new CliError(`${what} must be a whole number from ${min} to ${max}`, 2);
  return n;
}

export function registerDemoCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('demo')
    .description('create a realistic demo organisation with 12 months of generated data ending yesterday')
    .option('--seed <n>', 'random seed: the same seed gives the same organisation', '42')
    .option('--months <n>', 'months of data, ending yesterday', '12')
    .option('--org <slug>', 'the organisation to create', 'demo')
    .option('--scale <factor>', 'ticket volume multiplier (1 ≈ 150,000 tickets a year)', '1')
    .option('--today <YYYY-MM-DD>', 'generate relative to this date instead of today (Europe/Madrid)')
    .option('--keep-files', 'keep the generated CSV files and print their folder')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoCliOptions) => {
      const seed = wholeNumber(opts.seed, '--seed', 0, 2 ** 32 - 1);
      const months = wholeNumber(opts.months, '--months', 1, 36);
      const scale = Number(opts.scale);
      if (!(scale > 0 && scale <= 10))
        throw new CliError('--scale must be a number above 0 and at most 10', 2);
      const today = opts.today ?? DateTime.now().setZone(DEMO_TIME_ZONE).toISODate()!;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || !DateTime.fromISO(today).isValid) {
        throw new CliError('--today must be a date as YYYY-MM-DD', 2);
      }
      const verbose = !opts.json && commandIo().interactive;
      await withStore(globals(), async (store) => {
        try {
          const summary = await loadDemo(store, {
            seed,
            months,
            today,
            scale,
            slug: opts.org,
            keepFiles: opts.keepFiles,
            onPhase: (phase) => verbose && err(`demo: ${phase}…\n`),
          });
          if (opts.json) {
            printJson(summary);
            return;
          }
          const r = summary.counts.rows;
          out(
            [
              `created organisation "${summary.org.slug}" (${summary.org.timeZone}), seed ${seed}, ${summary.from} to ${summary.to}`,
              `  tickets ${summary.counts.tickets} (${r.events} events, ${summary.counts.complaintTickets} complaints as flat rows), customers ${r.customers}`,
              `  surveys ${r.surveys}, QA ratings ${r.qa_ratings}, enrolments ${r.enrolments}, improvements ${r.improvements}, reports ${r.reports}, measurements ${r.measurements}, tool periods ${r.tool_periods}, crises ${r.crises}, presence ${r.presence}`,
              `  generated in ${summary.seconds.generate.toFixed(1)} s, imported in ${summary.seconds.import.toFixed(1)} s, derived in ${summary.seconds.derive.toFixed(1)} s`,
              ...(summary.filesDir ? [`  files kept in ${summary.filesDir}`] : []),
              `try: deskscore kpi first_response_time --org ${summary.org.slug} --from ${summary.from} --to ${summary.to}`,
              '',
            ].join('\n'),
          );
        } catch (error) {
          if (error instanceof OrganizationError || error instanceof ImportFailedError) {
            throw new CliError(error.message);
          }
          throw error;
        }
      });
    });
}
