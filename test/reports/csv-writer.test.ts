import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, writeCsv } from '../../src/reports/csv-writer.js';
import { type CellValue, neutraliseFormula } from '../../src/reports/table.js';

describe('CSV cells (RFC 4180) and formula injection', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell('')).toBe('');
    expect(csvCell(null)).toBe('');
  });

  it('writes values as values: numbers, booleans, instants in ISO 8601 UTC', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(new Date('2026-03-02T09:00:00Z'))).toBe('2026-03-02T09:00:00.000Z');
  });

  it('prefixes text that a spreadsheet would evaluate', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutraliseFormula(text)).toBe(`'${text}`);
    }
    expect(neutraliseFormula('a=1')).toBe('a=1');
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
  });

  it('streams rows and parses back to the same cells', async () => {
    const rows: CellValue[][] = [
      ['A', 1, true, null],
      ['=cmd', -2, false, 'x,"y"\nz'],
    ];
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeCsv(
      {
        columns: ['id', 'n', 'flag', 'note'],
        rows: (async function* () {
          yield* rows;
        })(),
      },
      out,
    );
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('id,n,flag,note');
    expect(parse(text)).toEqual([
      ['id', 'n', 'flag', 'note'],
      ['A', '1', 'true', ''],
      ["'=cmd", '-2', 'false', 'x,"y"\nz'],
    ]);
  });
});
