import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  loadScoringSettings,
  resetScoringSettings,
  ScoringSettingsError,
  saveScoringSettings,
} from '../../storage/scoring-settings.js';
import { CliError, type GlobalOptions, organizationFor, printJson, withStore } from '../context.js';
import { out } from '../io.js';

const KEYS = ['goalThresholds', 'scorecardTemplates', 'indices', 'counterweights', 'coachingCourses'];

export function registerScoringSettingsCommands(program: Command, globals: () => GlobalOptions): void {
  const cmd = program
    .command('scoring-settings')
    .description('goal thresholds, scorecard templates, index weights, counterweights, coaching courses');
  cmd
    .command('show')
    .description('the settings in force (the organisation’s, else the defaults)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (opts: { org?: string }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        printJson(await loadScoringSettings(store.db, org.id));
      });
    });
  cmd
    .command('apply')
    .description('save the keys of a JSON file (docs/goals.md, "Configuration"); other keys stay')
    .argument('<file>', 'settings JSON')
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (file: string, opts: { org?: string }) => {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: not readable JSON: ${(error as Error).message}`);
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          const keys = await saveScoringSettings(store.db, org.id, json);
          out(`saved ${keys.join(', ') || 'nothing'}\n`);
        } catch (error) {
          if (error instanceof ScoringSettingsError)
            throw new CliError(`invalid settings ${file}: ${error.message}`);
          throw error;
        }
      });
    });
  cmd
    .command('reset')
    .description('forget stored keys so the defaults apply again (all keys when none is named)')
    .argument('[keys...]', KEYS.join(', '))
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (keys: string[], opts: { org?: string }) => {
      const unknown = keys.filter((k) => !KEYS.includes(k));
      if (unknown.length > 0)
        throw new CliError(`unknown keys: ${unknown.join(', ')} (keys: ${KEYS.join(', ')})`, 2);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        await resetScoringSettings(store.db, org.id, keys.length > 0 ? keys : KEYS);
        out(`reset ${(keys.length > 0 ? keys : KEYS).join(', ')}\n`);
      });
    });
}
