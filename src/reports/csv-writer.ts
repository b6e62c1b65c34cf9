import type { Writable } from 'node:stream';
import { type CellValue, drained, type ExportTable, neutraliseFormula } from './table.js';

/** A cell as CSV text: ISO 8601 (UTC) for instants, true/false, empty for null, text neutralised. */
export function csvCell(value: CellValue): string {
  let text: string;
  if (value === null) return '';
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else text = neutraliseFormula(value);
  // RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CellValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const FLUSH_AT = 64 * 1024;

/**
 * Writes the table as RFC 4180 CSV (CRLF line ends, header line first, UTF-8 without a byte-order
 * mark) as its rows arrive, honouring the stream's back-pressure, then ends the stream.
 */
export async function writeCsv(table: ExportTable, out: Writable): Promise<void> {
  let buffer = csvLine(table.columns);
  for await (const row of table.rows) {
    buffer += csvLine(row);
    if (buffer.length >= FLUSH_AT) {
      out.write(buffer);
      buffer = '';
      await drained(out);
    }
  }
  if (buffer) out.write(buffer);
  await new Promise<void>((resolve) => out.end(resolve));
}
