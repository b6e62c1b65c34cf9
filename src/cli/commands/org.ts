import type { Command } from 'commander';
import { createOrganization, listOrganizations, OrganizationError } from '../../storage/organizations.js';
import { CliError, type GlobalOptions, printJson, printTable, withStore } from '../context.js';
import { out } from '../io.js';

export function registerOrgCommands(program: Command, globals: () => GlobalOptions): void {
  const org = program.command('org').description('manage organisations');

  org
    .command('create')
    .description('create an organisation')
    .argument('<slug>', 'short name: lowercase letters, digits and dashes')
    .requiredOption('--time-zone <zone>', 'IANA time zone that periods are computed in, e.g. Europe/Madrid')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--json', 'print the organisation as JSON')
    .action(async (slug: string, opts: { timeZone: string; name?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        try {
          const created = await createOrganization(store.db, {
            slug,
            name: opts.name,
            timeZone: opts.timeZone,
          });
          if (opts.json) printJson(created);
          else out(`created organisation ${created.slug} (${created.time_zone})\n`);
        } catch (error) {
          if (error instanceof OrganizationError) throw new CliError(error.message);
          throw error;
        }
      });
    });

  org
    .command('list')
    .description('list organisations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const orgs = await listOrganizations(store.db);
        if (opts.json) printJson(orgs);
        else printTable(orgs.map((o) => ({ slug: o.slug, name: o.name, time_zone: o.time_zone })));
      });
    });
}
