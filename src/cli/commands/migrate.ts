import type { Command } from 'commander';
import { migrateToLatest } from '../../storage/database.js';
import { type GlobalOptions, printJson, withStore } from '../context.js';
import { out } from '../io.js';

export function registerMigrateCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations (every command also does this when it opens the database)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withStore(
        globals(),
        async (store) => {
          const report = await migrateToLatest(store.db, store.target.schema);
          if (opts.json) printJson({ database: store.dialect.name, applied: report.applied });
          else if (report.applied.length === 0)
            out(`database schema is up to date (${store.dialect.name})\n`);
          else out(`applied ${report.applied.join(', ')} (${store.dialect.name})\n`);
        },
        { migrate: false },
      );
    });
}
