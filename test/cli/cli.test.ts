import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/cli.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

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

  it('answers a KPI query with the contract rows, and lists the catalogue', async () => {
    await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'Europe/Madrid');
    const events = files.write(
      'ev.csv',
      dedent(`
        ticket_id,type,at,actor_type,actor,status,team,assignee,channel
        A,created,2026-03-02T09:00:00Z,customer,c1,new,Alpha,ana,email
        A,agent_reply,2026-03-02T09:30:00Z,agent,ana,,,,
        A,status_change,2026-03-02T09:40:00Z,agent,ana,solved,,,
        B,created,2026-03-03T09:00:00Z,customer,c2,new,Beta,bo,chat
        B,agent_reply,2026-03-03T09:10:00Z,agent,bo,,,,
        B,agent_reply,2026-03-03T09:20:00Z,agent,bo,,,,
        B,status_change,2026-03-03T09:30:00Z,agent,bo,solved,,,
      `),
    );
    const imported = await cli('import', events, '--db', db);
    expect(imported.out).toContain('facts derived for 2 tickets');
    const run = await cli(
      'kpi',
      'fcr_rate',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--by',
      'team',
      '--json',
      '--db',
      db,
    );
    expect(run.code).toBe(0);
    // A: one reply, no reopen → FCR; B: two replies → not.
    expect(JSON.parse(run.out)).toEqual([
      expect.objectContaining({
        kpi: 'fcr_rate',
        bucket: '2026-03-01',
        bucket_end: '2026-03-31',
        team: 'Alpha',
        value: 100,
        n: 1,
      }),
      expect.objectContaining({ team: 'Beta', value: 0, numerator: 0, denominator: 1, significant: false }),
    ]);
    const filtered = await cli(
      'kpi',
      'ticket_volume',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--where',
      'channel=chat',
      '--json',
      '--db',
      db,
    );
    expect(JSON.parse(filtered.out)[0]).toMatchObject({ value: 1, n: 1 });
    const table = await cli(
      'kpi',
      'first_response_time',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-07',
      '--grain',
      'day',
      '--db',
      db,
    );
    expect(table.out).toMatch(/2026-03-02\s+1800\s+seconds\s+1/);
    expect((await cli('kpi', 'fcr_rate', '--from', '2026-03-01', '--db', db)).code).toBe(2);
    expect(
      (
        await cli(
          'kpi',
          'fcr_rate',
          '--from',
          '2026-03-01',
          '--to',
          '2026-03-31',
          '--by',
          'planet',
          '--db',
          db,
        )
      ).code,
    ).toBe(2);
    const list = JSON.parse((await cli('kpi', '--list', '--json')).out) as Array<Record<string, unknown>>;
    expect(list.find((k) => k.id === 'sla_compliance')).toEqual({
      id: 'sla_compliance',
      name: 'SLA compliance',
      kra: 7,
      kra_name: 'SLA adherence',
      unit: 'percent',
      direction: 'higher',
      source: 'computed',
    });
  });

  it('applies business schedules and SLA policies, and re-derives', async () => {
    await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'Europe/Madrid');
    await cli(
      'import',
      files.write(
        't1.csv',
        'id,created_at,status,first_response_at\nA,2026-03-07T09:00:00Z,open,2026-03-09T08:30:00Z\n',
      ),
      '--db',
      db,
    );
    const before = await cli(
      'kpi',
      'first_response_time',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--json',
      '--db',
      db,
    );
    // Around the clock: Sat 09:00Z → Mon 08:30Z = 47.5 h.
    expect(JSON.parse(before.out)[0].value).toBe(171000);
    const bad = files.write(
      'bad-settings.json',
      JSON.stringify({
        schedules: [
          { id: 'x', name: 'X', timeZone: 'UTC', intervals: [{ weekday: 8, start: '9:00', end: '17:00' }] },
        ],
      }),
    );
    const refused = await cli('settings', 'apply', bad, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('schedules.[0].intervals.[0].weekday');
    expect(refused.err).toContain('schedules.[0].intervals.[0].start: use HH:mm');
    const good = files.write(
      'settings.json',
      JSON.stringify({
        schedules: [
          {
            id: 'office',
            name: 'Office',
            timeZone: 'Europe/Madrid',
            isDefault: true,
            intervals: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
          },
        ],
      }),
    );
    const applied = await cli('settings', 'apply', good, '--db', db);
    expect(applied.out).toContain('re-derived 1 tickets');
    // Business hours: Sat closed, Mon 09:00 → 09:30 local = 1800.
    const after = await cli(
      'kpi',
      'first_response_time',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--json',
      '--db',
      db,
    );
    expect(JSON.parse(after.out)[0].value).toBe(1800);
  });

  it('runs as an installed command', () => {
    const bin = new URL('../../bin/deskscore.mjs', import.meta.url).pathname;
    expect(execFileSync(bin, ['--help'], { encoding: 'utf8' })).toContain('Usage: deskscore');
    const usage = spawnSync(bin, ['import'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
