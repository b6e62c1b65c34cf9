import type { Command } from 'commander';
import { recordSecurityChecks } from '../../jobs/security-checks.js';
import { type GlobalOptions, organizationFor, printJson, printTable, withStore } from '../context.js';

export function registerSecurityCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('security')
    .description('data security compliance')
    .command('check')
    .description('run the automatic checks of users, roles, tokens and access reviews, and record them')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const checks = await recordSecurityChecks(store, org);
        if (opts.json) printJson(checks);
        else
          printTable(
            checks.map((c) => ({ control: c.control, passing: c.passing ? 'yes' : 'NO', note: c.note })),
          );
      });
    });
}
