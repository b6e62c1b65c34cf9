import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import chain from 'stream-chain';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';

export type FileFormat = 'csv' | 'json' | 'jsonl';

/** A source record, or a row that could not be read as one. `row` is the file line (CSV, JSONL) or array position (JSON). */
export type SourceRow =
  | { row: number; record: Record<string, unknown> }
  | { row: number; error: { field: string; reason: string } };

export interface RecordSource {
  format: FileFormat;
  totalBytes: number;
  /** Bytes read so far, for progress. */
  bytesRead(): number;
  /** CSV: the header, available once the first row has been read. */
  header(): string[] | undefined;
  rows(): AsyncIterable<SourceRow>;
}

export class FileReadError extends Error {}

/** The first non-blank character of a file (reads at most 4 KiB). */
function firstCharacter(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()[0];
  } finally {
    closeSync(fd);
  }
}

export function formatOfFile(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  throw new FileReadError(
    `cannot tell the format of ${path} from its extension; set "format" in the mapping`,
  );
}

function countingStream(path: string, counter: { bytes: number }) {
  return createReadStream(path).pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        counter.bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function openRecordSource(
  path: string,
  options: {
    format?: FileFormat | undefined;
    delimiter?: string | undefined;
    records?: string | undefined;
  } = {},
): RecordSource {
  const format = options.format ?? formatOfFile(path);
  let totalBytes: number;
  try {
    totalBytes = statSync(path).size;
  } catch (error) {
    throw new FileReadError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const counter = { bytes: 0 };
  let header: string[] | undefined;
  const delimiter = options.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ',');

  async function* csvRows(): AsyncIterable<SourceRow> {
    const parser = countingStream(path, counter).pipe(
      parseCsv({ bom: true, delimiter, info: true, relax_column_count: true, skip_empty_lines: true }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        if (!header) {
          header = record.map((c) => c.trim());
          continue;
        }
        if (record.length !== header.length) {
          yield {
            row: info.lines,
            error: {
              field: '(row)',
              reason: `has ${record.length} values but the header has ${header.length} columns`,
            },
          };
          continue;
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < header.length; i++) out[header[i]!] = record[i];
        yield { row: info.lines, record: out };
      }
    } catch (error) {
      const e = error as Error & { lines?: number };
      throw new FileReadError(`${e.lines ? `line ${e.lines}: ` : ''}not valid CSV: ${e.message}`);
    }
  }

  async function* jsonlRows(): AsyncIterable<SourceRow> {
    const lines = createInterface({
      input: countingStream(path, counter),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let row = 0;
    for await (const line of lines) {
      row++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        yield { row, error: { field: '(row)', reason: `not valid JSON: ${(error as Error).message}` } };
        continue;
      }
      if (isRecord(value)) yield { row, record: value };
      else yield { row, error: { field: '(row)', reason: 'is not a JSON object' } };
    }
  }

  async function* jsonRows(): AsyncIterable<SourceRow> {
    // A file holding one object (an API response for one ticket) is one record.
    if (!options.records && firstCharacter(path) === '{') {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new FileReadError(`not readable JSON: ${(error as Error).message}`);
      }
      counter.bytes = totalBytes;
      yield { row: 1, record: value as Record<string, unknown> };
      return;
    }
    const stages: unknown[] = [countingStream(path, counter), jsonParser()];
    if (options.records) stages.push(pick({ filter: options.records }));
    // Numbers stay text, so ids longer than 2^53 keep every digit (values are parsed per field).
    stages.push(streamArray({ numberAsString: true }));
    const pipeline = chain(stages as Parameters<typeof chain>[0]);
    let row = 0;
    try {
      for await (const item of pipeline as AsyncIterable<{ key: number; value: unknown }>) {
        row = item.key + 1;
        if (isRecord(item.value)) yield { row, record: item.value };
        else yield { row, error: { field: '(row)', reason: 'is not a JSON object' } };
      }
    } catch (error) {
      const where = options.records ? ` (records at "${options.records}")` : '';
      throw new FileReadError(`not a readable JSON array of records${where}: ${(error as Error).message}`);
    }
  }

  return {
    format,
    totalBytes,
    bytesRead: () => counter.bytes,
    header: () => header,
    rows: () => (format === 'csv' ? csvRows() : format === 'jsonl' ? jsonlRows() : jsonRows()),
  };
}
