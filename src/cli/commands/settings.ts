import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { slaPolicySchema } from '../../derive/sla-policy.js';
import { formatIssuePath } from '../../ingest/mapping.js';
import { deriveTickets } from '../../jobs/derive-tickets.js';
import { saveSchedule, saveSlaPolicy, scheduleSchema } from '../../storage/settings-repository.js';
import { CliError, type GlobalOptions, organizationFor, printJson, withStore } from '../context.js';

/** Business schedules and SLA policies, as one JSON document (docs/settings.md). */
export const settingsFileSchema = z.strictObject({
  schedules: z.array(scheduleSchema).default([]),
  slaPolicies: z.array(slaPolicySchema).default([]),
});

function readSettings(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path}: not readable JSON: ${(error as Error).message}`);
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      `invalid settings ${path}:\n${parsed.error.issues.map((i) => `  - ${formatIssuePath(i.path)}: ${i.message}`).join('\n')}`,
    );
  }
  const s = parsed.data;
  const scheduleIds = new Set(s.schedules.map((x) => x.id));
  for (const [i, p] of s.slaPolicies.entries()) {
    if (p.scheduleId && !scheduleIds.has(p.scheduleId)) {
      throw new CliError(
        `invalid settings ${path}: slaPolicies.[${i}].scheduleId: no schedule "${p.scheduleId}" in the file`,
      );
    }
  }
  if (s.schedules.filter((x) => x.isDefault).length > 1) {
    throw new CliError(`invalid settings ${path}: schedules: at most one schedule can be the default`);
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
          process.stdout.write(
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
        else
          process.stdout.write(
            `derived facts for ${derived.tickets} tickets in ${derived.seconds.toFixed(1)} s\n`,
          );
      });
    });
}
