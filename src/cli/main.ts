import { Command, CommanderError } from 'commander';
import type { SerialQueue } from '../jobs/serial-queue.js';
import type { CliRunner } from '../server/app.js';
import type { Store } from '../storage/database.js';
import { registerAlertsCommands } from './commands/alerts.js';
import { registerCoachingCommand } from './commands/coaching.js';
import { registerCounterweightsCommand } from './commands/counterweights.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommands } from './commands/export.js';
import { registerForecastCommands } from './commands/forecast.js';
import { registerGoalCommands } from './commands/goals.js';
import { registerImportCommand } from './commands/import.js';
import { registerKpiCommand } from './commands/kpi.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerOrgCommands } from './commands/org.js';
import { registerReportCommands } from './commands/report.js';
import { registerScorecardCommand } from './commands/scorecard.js';
import { registerScoringSettingsCommands } from './commands/scoring-settings.js';
import { registerSecurityCommands } from './commands/security.js';
import { registerSettingsCommands } from './commands/settings.js';
import { registerStartCommand } from './commands/start.js';
import { registerUsersCommands } from './commands/users.js';
import { CliError, type GlobalOptions } from './context.js';
import { err, withCommandIo } from './io.js';
import { runThroughServer, withoutDbFlag } from './server-client.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('deskscore')
    .description('KRA/KPI performance for customer-support organisations')
    .option(
      '--db <file-or-url>',
      'DuckDB file or postgres:// URL (default: DATABASE_URL, DESKSCORE_DB, ./data/deskscore.duckdb)',
    )
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerOrgCommands(program, globals);
  registerImportCommand(program, globals);
  registerMigrateCommand(program, globals);
  registerKpiCommand(program, globals);
  registerExportCommands(program, globals);
  registerSettingsCommands(program, globals);
  registerDemoCommand(program, globals);
  registerGoalCommands(program, globals);
  registerScorecardCommand(program, globals);
  registerCounterweightsCommand(program, globals);
  registerCoachingCommand(program, globals);
  registerScoringSettingsCommands(program, globals);
  registerForecastCommands(program, globals);
  registerStartCommand(program, globals, cliRunnerFor);
  registerUsersCommands(program, globals);
  registerSecurityCommands(program, globals);
  registerAlertsCommands(program, globals);
  registerReportCommands(program, globals);
  // Subcommands inherit the exit override so usage errors reach the handler below.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const forwarded = await runThroughServer(argv);
  if (forwarded !== undefined) return forwarded;
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; commander has already printed them.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    const debug = argv.includes('--debug');
    if (error instanceof CliError) {
      err(`deskscore: ${error.message}\n`);
      if (debug) err(`${error.stack}\n`);
      return error.exitCode;
    }
    err(`deskscore: ${(error as Error).message ?? String(error)}\n`);
    if (debug) err(`${(error as Error).stack}\n`);
    else err('(run with --debug for details)\n');
    return EXIT_FAILURE;
  }
}

/**
 * Runs CLI command lines inside a server, one at a time, on the server's store, with their output
 * captured. Relative paths in a command are the caller's: the process works in the caller's directory
 * while the command runs (the server itself uses absolute paths only).
 */
export function cliRunnerFor(store: Store, writes: SerialQueue): CliRunner {
  return (argv, cwd) =>
    writes.run(async () => {
      let stdout = '';
      let stderr = '';
      const args = withoutDbFlag(argv);
      if (args.includes('start')) {
        return { exitCode: 2, stdout, stderr: 'deskscore: a server is already running on this database\n' };
      }
      const previous = process.cwd();
      try {
        process.chdir(cwd);
      } catch {
        return { exitCode: 1, stdout, stderr: `deskscore: no directory ${cwd} on the server's machine\n` };
      }
      try {
        const io = {
          out: (t: string) => {
            stdout += t;
          },
          err: (t: string) => {
            stderr += t;
          },
          interactive: false,
          store,
        };
        const exitCode = await withCommandIo(io, () => runCli(args));
        return { exitCode, stdout, stderr };
      } finally {
        process.chdir(previous);
      }
    });
}

const isMain = process.argv[1] && /deskscore(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isMain) {
  // Output piped into `head` closes early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
