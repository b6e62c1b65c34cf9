import type { Writable } from 'node:stream';

/** One cell of an exported table. */
export type CellValue = string | number | boolean | Date | null;

/** A table an export writes: a header, and rows produced while it is written (page by page). */
export interface ExportTable {
  columns: readonly string[];
  rows: AsyncIterable<readonly CellValue[]>;
}

/**
 * Spreadsheet formula injection (CSV injection): a text cell starting with =, +, - or @ (or a tab or
 * carriage return, which some spreadsheets skip before reading a formula) is prefixed with a single
 * quote, so a spreadsheet shows it as text instead of evaluating it. Numbers, dates and booleans are
 * written as values and are never evaluated.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The writer stopped because whoever reads the output went away (e.g. an HTTP client disconnected). */
export class ExportAbortedError extends Error {
  constructor() {
    super('the export was aborted: its reader closed the stream');
  }
}

/** Waits until `out` wants more data; throws when it closes first. */
export async function drained(out: Writable): Promise<void> {
  if (out.destroyed) throw new ExportAbortedError();
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      out.off('close', closed);
      reject(new ExportAbortedError());
    };
    out.on('drain', done);
    out.on('close', closed);
  });
}
