import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the dashboard (web/) with Vite into web/dist, which the server serves. Skips the build when
 * web/dist was built from the same sources (a hash of them is kept in web/dist/.build-stamp), so
 * `npm install`, `npm start` and the e2e tests can all ask for it cheaply. `--force` always builds.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const WEB_DIR = join(ROOT, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
const STAMP = join(WEB_DIST, '.build-stamp');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else out.push(path);
  }
  return out;
}

/** A hash of everything the build reads: web/, the shared import field list, the locked versions. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...files(WEB_DIR),
    join(ROOT, 'src/ingest/canonical.ts'),
    ...(existsSync(join(ROOT, 'package-lock.json')) ? [join(ROOT, 'package-lock.json')] : []),
  ].sort();
  for (const file of inputs) {
    hash.update(relative(ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function webIsFresh(): boolean {
  if (!existsSync(join(WEB_DIST, 'index.html')) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

export async function buildWeb(
  options: { force?: boolean; quiet?: boolean } = {},
): Promise<'built' | 'fresh'> {
  if (!options.force && webIsFresh()) return 'fresh';
  const hash = sourceHash();
  const started = Date.now();
  const { build } = await import('vite');
  // NODE_ENV decides which React is bundled; a test runner sets it to "test", which would ship React's
  // development build. The dashboard is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: WEB_DIR,
      configFile: join(WEB_DIR, 'vite.config.ts'),
      mode: 'production',
      logLevel: options.quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  mkdirSync(WEB_DIST, { recursive: true });
  writeFileSync(STAMP, `${hash}\n`);
  if (!options.quiet) process.stderr.write(`dashboard built into web/dist in ${Date.now() - started} ms\n`);
  return 'built';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  buildWeb({ force }).then(
    (result) => {
      if (result === 'fresh') process.stderr.write('dashboard: web/dist is up to date\n');
    },
    (error: unknown) => {
      process.stderr.write(
        `dashboard build failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
