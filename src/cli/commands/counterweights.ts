import { type Command, InvalidArgumentError } from 'commander';
import { checkCounterweights } from '../../jobs/counterweights.js';
import { scopeLabel } from '../../storage/scopes.js';
import { type GlobalOptions, organizationFor, printJson, printTable, withStore } from '../context.js';
import { out } from '../io.js';

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('use YYYY-MM-DD');
  return value;
}

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v * 100) / 100));

export function registerCounterweightsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('counterweights')
    .description(
      'gaming warnings: a KPI improved while its counterweight worsened, last 4 weeks against the 4 before (docs/goals.md)',
    )
    .option('--to <date>', 'last day of the later window (default: yesterday)', day)
    .option('--all', 'also list every pair checked, not only the warnings')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { to?: string; all?: boolean; org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const report = await checkCounterweights(store, org, { now: new Date(), lastDay: opts.to });
        if (opts.json) {
          printJson(opts.all ? report : { ...report, scopes: undefined });
          return;
        }
        const w = report.windows;
        out(`${w.before.from} to ${w.before.to} against ${w.after.from} to ${w.after.to}\n`);
        if (report.warnings.length === 0) out('no counterweight warnings\n');
        for (const warning of report.warnings)
          out(`WARNING ${scopeLabel(warning.scope)}: ${warning.message}\n`);
        if (opts.all) {
          out('\n');
          printTable(
            report.scopes.flatMap((s) =>
              s.checks.map((c) => ({
                scope: scopeLabel(s.scope),
                kpi: c.kpi,
                change: c.kpi_change.change,
                from: num(c.kpi_change.before.value),
                to: num(c.kpi_change.after.value),
                counterweight: c.counterweight,
                cw_change: c.counterweight_change.change,
                cw_from: num(c.counterweight_change.before.value),
                cw_to: num(c.counterweight_change.after.value),
                warning: c.warning ? 'yes' : '',
              })),
            ),
          );
        }
        const notes = report.pairs.filter((p) => p.note);
        for (const p of notes) out(`note: ${p.kpi}: ${p.note}\n`);
      });
    });
}
