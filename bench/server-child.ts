/**
 * The server under load, in its own process (its RSS is the server's alone):
 *
 *   node --import tsx bench/server-child.ts '<DatabaseTarget as JSON>'
 *
 * Prints one JSON line `{"url": …}` on stdout once the server is ready; stops on SIGTERM.
 */
import { startServer } from '../src/server/start-server.js';
import type { DatabaseTarget } from '../src/storage/database.js';
import { DATA_ZONE } from './dataset.js';

async function main(): Promise<void> {
  const target = JSON.parse(process.argv[2]!) as DatabaseTarget;
  const server = await startServer({
    target,
    port: 0,
    host: '127.0.0.1',
    demo: false,
    timeZone: DATA_ZONE,
    announce: () => undefined,
    logLevel: 'error',
  });
  await server.ready;
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
