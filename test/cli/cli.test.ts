import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/** Runs the CLI in-process and captures what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('deskscore CLI', () => {
  let db: string;
  beforeEach(() => {
    db = files.path(`cli-${Math.random().toString(36).slice(2)}.duckdb`);
  });
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 on usage errors and 0 on --help', async () => {
    expect((await cli('import')).code).toBe(2);
    expect((await cli('no-such-command')).code).toBe(2);
    expect((await cli('import', '--help')).code).toBe(0);
  });

  it('creates an organisation, imports a file and prints a JSON summary', async () => {
    expect((await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'Europe/Madrid')).code).toBe(0);
    const file = files.write(
      't.csv',
      'id,created_at,status\nA,2026-03-01T10:00:00Z,open\nB,2026-03-01T11:00:00Z,solved\n',
    );
    const run = await cli('import', file, '--db', db, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ status: 'succeeded', rowsRead: 2, tickets: { created: 2 } });
    const again = await cli('import', file, '--db', db);
    expect(again.out).toContain('tickets created 0, updated 0, unchanged 2');
    const orgs = await cli('org', 'list', '--json', '--db', db);
    expect(JSON.parse(orgs.out)).toMatchObject([{ slug: 'acme', time_zone: 'Europe/Madrid' }]);
  });

  it('fails with one clear line naming file, row and field, and exit code 1', async () => {
    await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'UTC');
    const file = files.write(
      'bad.csv',
      dedent(`
        id,created_at,status
        A,2026-03-01T10:00:00Z,open
        B,2026-03-01T11:00:00Z,maybe
      `),
    );
    const run = await cli('import', file, '--db', db);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'deskscore: import of bad.csv failed, nothing was stored: 1 error; first: bad.csv, row 3, field status',
    );
    expect(run.err).not.toMatch(/\n\s+at /);
    const skipped = await cli('import', file, '--db', db, '--skip-invalid');
    expect(skipped.code).toBe(0);
    expect(skipped.out).toContain('rows read 2, stored 1, skipped 1');
    expect(skipped.out).toContain('bad.csv, row 3, field status');
  });

  it('names the problems of an invalid mapping with their paths', async () => {
    await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'UTC');
    const mapping = files.write(
      'm.json',
      JSON.stringify({ shape: 'tickets', columns: { created: 'x' }, timeZone: 'Mars/Base' }),
    );
    const run = await cli('import', files.write('x.csv', 'id\n1\n'), '--mapping', mapping, '--db', db);
    expect(run.code).toBe(1);
    expect(run.err).toContain('columns.created: "created" is not a field of the tickets shape');
    expect(run.err).toContain('timeZone: not an IANA time zone');
  });

  it('asks for --org when several organisations exist', async () => {
    await cli('--db', db, 'org', 'create', 'a', '--time-zone', 'UTC');
    await cli('--db', db, 'org', 'create', 'b', '--time-zone', 'UTC');
    const run = await cli(
      'import',
      files.write('y.csv', 'id,created_at,status\n1,2026-01-01,open\n'),
      '--db',
      db,
    );
    expect(run.err).toContain('several organisations exist (a, b): choose one with --org');
    expect((await cli('import', files.path('y.csv'), '--db', db, '--org', 'b')).code).toBe(0);
  });

  it('runs as an installed command', () => {
    const bin = new URL('../../bin/deskscore.mjs', import.meta.url).pathname;
    expect(execFileSync(bin, ['--help'], { encoding: 'utf8' })).toContain('Usage: deskscore');
    const usage = spawnSync(bin, ['import'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
