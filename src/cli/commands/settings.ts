import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatIssuePath } from '../../ingest/mapping.js';
import { deriveTickets } from '../../jobs/derive-tickets.js';
import {
  saveSchedule,
  saveSlaPolicy,
  settingsDocumentProblems,
  settingsDocumentSchema,
} from '../../storage/settings-repository.js';
import { CliError, type GlobalOptions, organizationFor, printJson, withStore } from '../context.js';
import { out } from '../io.js';

function readSettings(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path}: not readable JSON: ${(error as Error).message}`);
  }
  const parsed = settingsDocumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      `invalid settings ${path}:\n${parsed.error.issues.map((i) => `  - ${formatIssuePath(i.path)}: ${i.message}`).join('\n')}`,
    );
  }
  const s = parsed.data;
  const problems = settingsDocumentProblems(s);
  if (problems.length > 0) {
    throw new CliError(
      `invalid settings ${path}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
  return s;
}

export function registerSettingsCommands(program: Command, globals: () => GlobalOptions): void {
  const settings = program.command('settings').description('business schedules and SLA policies');
  settings
    .command('apply')
    .description('save the schedules and SLA policies of a JSON file, then re-derive every ticket')
    .argument('<file>', 'settings JSON (docs/settings.md)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { org?: string; json?: boolean }) => {
      const s = readSettings(file);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        for (const schedule of s.schedules) await saveSchedule(store.db, org.id, schedule);
        for (const policy of s.slaPolicies) await saveSlaPolicy(store.db, org.id, policy);
        const derived = await deriveTickets(store, org, { kind: 'all' });
        const summary = { schedules: s.schedules.length, slaPolicies: s.slaPolicies.length, derived };
        if (opts.json) printJson(summary);
        else {
          out(
            `saved ${summary.schedules} schedule(s) and ${summary.slaPolicies} SLA polic${summary.slaPolicies === 1 ? 'y' : 'ies'}; ` +
              `re-derived ${derived.tickets} tickets in ${derived.seconds.toFixed(1)} s\n`,
          );
        }
      });
    });

  program
    .command('derive')
    .description('re-derive the facts of every ticket (after changing schedules or policies by other means)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const derived = await deriveTickets(store, org, { kind: 'all' });
        if (opts.json) printJson(derived);
        else out(`derived facts for ${derived.tickets} tickets in ${derived.seconds.toFixed(1)} s\n`);
      });
    });
}
