import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { CATALOGUE } from '../catalogue/index.js';
import { DEMO_TIME_ZONE } from '../demo/index.js';
import { AlertScheduler } from '../jobs/alerts/scheduler.js';
import { createDemoLogins, ensureAdmins, type Login } from '../jobs/bootstrap-accounts.js';
import { loadDemo } from '../jobs/load-demo.js';
import { recordSecurityChecks } from '../jobs/security-checks.js';
import { SerialQueue } from '../jobs/serial-queue.js';
import { randomSecret } from '../storage/accounts.js';
import { type DatabaseTarget, openStore, type Store } from '../storage/database.js';
import { kpiCacheFromEnvironment } from '../storage/kpi-result-cache.js';
import { createOrganization, listOrganizations } from '../storage/organizations.js';
import { buildApp, type CliRunner } from './app.js';
import { readLiveServer, removeServerFile, serverFilePath, writeServerFile } from './server-file.js';

export interface StartOptions {
  target: DatabaseTarget;
  port: number;
  host: string;
  /** Load the demo organisation when the database has none (scale 1 ≈ 150,000 tickets a year). */
  demo: false | { scale: number; months: number };
  /** Time zone of the organisation created when the database is empty and no demo is wanted. */
  timeZone: string;
  runCliFor?: (store: Store, writes: SerialQueue) => CliRunner;
  /** Lines for the person who started the server (addresses, first logins); not the request log. */
  announce: (text: string) => void;
  logLevel?: string;
  loginRateLimit?: { max: number; windowMs: number };
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* headers. */
  trustProxy?: boolean;
}

export interface RunningServer {
  url: string;
  /** Resolves when start-up work (demo, first admin) is done; rejects if it failed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export class ServerStartError extends Error {}

/** The automatic security checks run at start and then this often (data security compliance, KRA 10). */
const SECURITY_CHECK_EVERY_MS = 6 * 3600_000;

function describeLogins(logins: readonly Login[]): string {
  const lines = logins.map(
    (l) =>
      `  ${l.role.padEnd(9)} ${l.email.padEnd(28)} ${l.password}${l.oneTime ? '  (one-time: choose a new one at first login)' : ''}${l.note ? `  ${l.note}` : ''}`,
  );
  return `logins for organisation "${logins[0]?.org}":\n${lines.join('\n')}\n`;
}

/** Opens the store, serves the API at once, and does the start-up work (demo, first admin) behind /ready. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const duckdbFile = options.target.kind === 'duckdb' && options.target.location !== ':memory:';
  const filePath = duckdbFile ? serverFilePath(options.target.location) : undefined;
  if (filePath) {
    const running = readLiveServer(filePath);
    if (running)
      throw new ServerStartError(
        `a server already runs on this database at ${running.url} (pid ${running.pid})`,
      );
  }
  const store = await openStore(options.target, { kpiCache: kpiCacheFromEnvironment() });
  let pending: string | undefined = 'preparing accounts';
  const localToken = randomSecret();
  const writes = new SerialQueue();
  const app = await buildApp({
    store,
    writes,
    registry: CATALOGUE,
    localToken,
    runCli: options.runCliFor?.(store, writes),
    readiness: () => pending,
    loginRateLimit: options.loginRateLimit,
    trustProxy: options.trustProxy ?? false,
    logger: { level: options.logLevel ?? 'info' },
  });
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    await store.close();
    throw new ServerStartError(
      `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`,
    );
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (filePath) {
    writeServerFile(filePath, {
      url,
      pid: process.pid,
      token: localToken,
      started_at: new Date().toISOString(),
    });
  }
  options.announce(
    `deskscore listening on ${url}: dashboard ${url}/, API ${url}/api/v1, documentation ${url}/api/docs\n`,
  );

  let securityTimer: NodeJS.Timeout | undefined;
  // Alert rules, report schedules and deliveries (issue 10), once start-up work is done.
  const alerts = new AlertScheduler({ store, log: app.log });
  const checkSecurity = async () => {
    for (const org of await listOrganizations(store.db)) await recordSecurityChecks(store, org);
  };
  const startUp = async () => {
    let demoSlug: string | undefined;
    if ((await listOrganizations(store.db)).length === 0) {
      if (options.demo) {
        pending = 'loading the demo organisation';
        options.announce(
          'empty database: loading the demo organisation (a few minutes; /api/v1/ready says when)\n',
        );
        const today = DateTime.now().setZone(DEMO_TIME_ZONE).toISODate()!;
        const summary = await loadDemo(store, {
          seed: 42,
          months: options.demo.months,
          today,
          scale: options.demo.scale,
        });
        demoSlug = summary.org.slug;
      } else {
        await createOrganization(store.db, { slug: 'default', name: 'Default', timeZone: options.timeZone });
      }
    }
    for (const login of await ensureAdmins(store.db)) options.announce(describeLogins([login]));
    const demoOrg = (await listOrganizations(store.db)).find((o) => o.slug === demoSlug);
    if (demoOrg) options.announce(describeLogins(await createDemoLogins(store.db, demoOrg)));
    await checkSecurity();
    securityTimer = setInterval(() => {
      checkSecurity().catch((error: Error) => app.log.error({ err: error }, 'security checks failed'));
    }, SECURITY_CHECK_EVERY_MS);
    securityTimer.unref();
    alerts.start();
    pending = undefined;
    options.announce(`ready: ${url}\n`);
  };
  const ready = startUp().catch((error: Error) => {
    pending = `start-up failed: ${error.message}`;
    app.log.error({ err: error }, 'start-up failed');
    throw error;
  });
  ready.catch(() => undefined);

  let closing: Promise<void> | undefined;
  return {
    url,
    ready,
    close: () => {
      closing ??= (async () => {
        clearInterval(securityTimer);
        await alerts.stop();
        await app.close();
        await ready.catch(() => undefined);
        await store.close();
        if (filePath) removeServerFile(filePath, localToken);
      })();
      return closing;
    },
  };
}
