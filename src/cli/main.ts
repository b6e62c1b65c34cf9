import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerImportCommand } from './commands/import.js';
import { registerKpiCommand } from './commands/kpi.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerOrgCommands } from './commands/org.js';
import { registerSettingsCommands } from './commands/settings.js';
import { CliError, type GlobalOptions } from './context.js';

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
  registerSettingsCommands(program, globals);
  registerDemoCommand(program, globals);
  // Subcommands inherit the exit override so usage errors reach the handler below.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
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
      process.stderr.write(`deskscore: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    process.stderr.write(`deskscore: ${(error as Error).message ?? String(error)}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    else process.stderr.write('(run with --debug for details)\n');
    return EXIT_FAILURE;
  }
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
