import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const TICKETS = dedent(`
  id,created_at,status,team,assignee,channel,first_response_at,solved_at,agent_replies,reopen_count,subject
  A,2026-03-02T09:00:00Z,solved,Alpha,ana,email,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z,1,0,+cmd
  B,2026-03-03T09:00:00Z,solved,Beta,bo,chat,2026-03-03T09:30:00Z,2026-03-05T09:00:00Z,2,0,fine
  C,2026-03-04T09:00:00Z,open,Alpha,ana,email,,,0,0,"a, b"
`);

describe('deskscore export and drill', () => {
  const db = files.path('export.duckdb');
  beforeAll(async () => {
    expect((await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'UTC')).code).toBe(0);
    expect((await cli('--db', db, 'import', files.write('t.csv', TICKETS))).code).toBe(0);
  });

  it('writes tickets to CSV and XLSX files', async () => {
    const csvFile = files.path('tickets.csv');
    const run = await cli(
      '--db',
      db,
      'export',
      'tickets',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--out',
      csvFile,
    );
    expect(run).toMatchObject({ code: 0, out: `wrote 3 tickets to ${csvFile}\n` });
    const rows: string[][] = parse(readFileSync(csvFile, 'utf8'));
    const subject = rows[0]!.indexOf('subject');
    expect(rows.slice(1).map((r) => [r[0], r[subject]])).toEqual([
      ['A', "'+cmd"],
      ['B', 'fine'],
      ['C', 'a, b'],
    ]);
    const xlsxFile = files.path('alpha.xlsx');
    const alpha = await cli(
      '--db',
      db,
      'export',
      'tickets',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--where',
      'team=Alpha',
      '--out',
      xlsxFile,
    );
    expect(alpha.code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxFile);
    const ids: unknown[] = [];
    workbook.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) ids.push(row.getCell(1).value);
    });
    expect(ids).toEqual(['A', 'C']);
  });

  it('prints the rows behind a KPI bucket, as JSON too, and writes them to a file', async () => {
    // fcr_rate in March: A (one reply, no reopen) and B (two replies) were solved → 1 / 2.
    const json = await cli(
      '--db',
      db,
      'drill',
      'fcr_rate',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--json',
    );
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out);
    expect(result.totals).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(result.rows.map((r: { id: string; in_numerator: boolean }) => [r.id, r.in_numerator])).toEqual([
      ['A', true],
      ['B', false],
    ]);
    const table = await cli('--db', db, 'drill', 'fcr_rate', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(table.out).toContain(
      'fcr_rate 2026-03-01–2026-03-31: value 50, n 2, 2 rows; numerator 1, denominator 2',
    );
    const out = files.path('rows.csv');
    const file = await cli(
      '--db',
      db,
      'drill',
      'fcr_rate',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--out',
      out,
    );
    expect(file.out).toBe(`wrote 2 rows to ${out}\n`);
    expect(parse(readFileSync(out, 'utf8')).length).toBe(3);
    const refused = await cli(
      '--db',
      db,
      'drill',
      'retention_rate',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/no row-level drill-down/);
    expect(
      (
        await cli(
          '--db',
          db,
          'drill',
          'fcr_rate',
          '--from',
          '2026-03-01',
          '--to',
          '2026-03-31',
          '--format',
          'pdf',
        )
      ).code,
    ).toBe(2);
  });
});
