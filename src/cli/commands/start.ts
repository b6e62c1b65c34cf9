import type { Command } from 'commander';
import { IANAZone } from 'luxon';
import type { SerialQueue } from '../../jobs/serial-queue.js';
import type { CliRunner } from '../../server/app.js';
import { ServerStartError, startServer } from '../../server/start-server.js';
import { resolveDatabaseTarget, type Store } from '../../storage/database.js';
import { CliError, type GlobalOptions } from '../context.js';
import { err } from '../io.js';

interface StartCliOptions {
  port: string;
  host: string;
  demo: boolean;
  demoScale: string;
  demoMonths: string;
  timeZone: string;
  trustProxy?: boolean;
}

export function registerStartCommand(
  program: Command,
  globals: () => GlobalOptions,
  runCliFor: (store: Store, writes: SerialQueue) => CliRunner,
): void {
  program
    .command('start')
    .description('start the HTTP API (and dashboard); an empty database gets the demo organisation')
    .option('--port <n>', 'TCP port (0: any free port)', process.env.PORT ?? '8080')
    .option('--host <address>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--no-demo', 'on an empty database, create an empty organisation "default" instead of the demo')
    .option('--demo-scale <factor>', 'demo ticket volume multiplier', '1')
    .option('--demo-months <n>', 'months of demo data', '12')
    .option(
      '--time-zone <zone>',
      'time zone of the "default" organisation (with --no-demo)',
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    )
    .option(
      '--trust-proxy',
      'behind a TLS-terminating reverse proxy: trust X-Forwarded-* (client address, Secure cookies)',
      process.env.DESKSCORE_TRUST_PROXY === '1',
    )
    .action(async (opts: StartCliOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError('--port must be 0 to 65535', 2);
      const scale = Number(opts.demoScale);
      if (!(scale > 0 && scale <= 10)) throw new CliError('--demo-scale must be above 0 and at most 10', 2);
      const months = Number(opts.demoMonths);
      if (!Number.isInteger(months) || months < 1 || months > 36)
        throw new CliError('--demo-months must be 1 to 36', 2);
      if (!IANAZone.isValidZone(opts.timeZone))
        throw new CliError(`--time-zone ${opts.timeZone}: not an IANA zone`, 2);
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          target: resolveDatabaseTarget(globals().db),
          port,
          host: opts.host,
          demo: opts.demo ? { scale, months } : false,
          timeZone: opts.timeZone,
          runCliFor,
          announce: (text) => err(text),
          logLevel: process.env.DESKSCORE_LOG_LEVEL,
          trustProxy: opts.trustProxy === true,
        });
      } catch (error) {
        if (error instanceof ServerStartError) throw new CliError(error.message);
        throw error;
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          err(`${signal}: stopping (finishing requests in flight)\n`);
          server.close().then(resolve, (error: Error) => {
            err(`deskscore: error while stopping: ${error.message}\n`);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
