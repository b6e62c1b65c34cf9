import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/storage/database.js';
import { createOrganization } from '../../src/storage/organizations.js';
import { scratchDir } from '../helpers/files.js';
import { loadReportFixture } from '../helpers/report-fixture.js';

/** deskscore report weekly … --out report.pdf (a one-off report) and deskscore alerts list|test. */

const files = scratchDir();
afterAll(() => files.cleanup());

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
    return { code: await runCli(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('deskscore report and alerts', () => {
  const db = files.path('cli.duckdb');
  beforeAll(async () => {
    const store = await openStore({ kind: 'duckdb', location: db });
    const org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
    await loadReportFixture(store, org, files);
    await store.close();
  });

  it('writes a one-off weekly report as PDF and CSV', async () => {
    const pdf = files.path('report.pdf');
    const csv = files.path('report.csv');
    const run = await cli(
      '--db',
      db,
      'report',
      'weekly',
      '--desk',
      'Support',
      '--week-of',
      '2026-03-11',
      '--out',
      pdf,
      '--csv',
      csv,
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Weekly manager report: desk Support, 2026-03-09 to 2026-03-15 — overall \d+/);
    expect(run.out).toContain(`wrote ${pdf} (PDF`);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(csv, 'utf8')).toContain('csat,CSAT,percent');
  });

  it('refuses a report without a destination, and an agent summary without --agent', async () => {
    expect((await cli('--db', db, 'report', 'weekly', '--desk', 'Support')).code).toBe(2);
    expect((await cli('--db', db, 'report', 'monthly', '--desk', 'Nowhere', '--json')).err).toContain(
      'no desk "Nowhere"',
    );
    const agent = await cli(
      '--db',
      db,
      'report',
      'agent',
      '--agent',
      'ana',
      '--week-of',
      '2026-03-11',
      '--json',
    );
    expect(agent.code).toBe(0);
    expect(JSON.parse(agent.out)).toMatchObject({ kind: 'agent_weekly', title: 'Weekly summary for ana' });
  });

  it('lists alert rules and says when a channel to test does not exist', async () => {
    expect((await cli('--db', db, 'alerts', 'list')).out).toContain('no alert rules');
    const test = await cli('--db', db, 'alerts', 'test', 'ops');
    expect(test.code).toBe(1);
    expect(test.err).toContain('no channel "ops"');
  });
});
