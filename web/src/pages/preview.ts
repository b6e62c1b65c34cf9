import type { FieldKind } from '../../../src/ingest/canonical';

/**
 * The first records of a file read in the browser, for the column mapping and its preview. The import
 * itself is done by the server; this only helps choose the mapping and shows how values will read.
 */

export interface Preview {
  format: 'csv' | 'json' | 'jsonl';
  columns: string[];
  rows: Array<Record<string, string>>;
  /** Problems reading the preview (the server decides on import). */
  note: string | null;
}

const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_ROWS = 8;

export function formatOf(name: string): Preview['format'] | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return null;
}

/** RFC 4180 records from text (quotes, doubled quotes, line breaks inside quotes). */
export function parseCsv(text: string, delimiter = ',', maxRecords = PREVIEW_ROWS + 1): string[][] {
  const out: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length && out.length < maxRecords; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.some((v) => v.trim() !== '')) out.push(record);
      record = [];
    } else field += c;
  }
  if (out.length < maxRecords && (field !== '' || record.length > 0)) {
    record.push(field);
    if (record.some((v) => v.trim() !== '')) out.push(record);
  }
  return out;
}

function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] =
      value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export async function readPreview(
  file: File,
  options: { delimiter?: string; records?: string } = {},
): Promise<Preview> {
  const format = formatOf(file.name) ?? 'csv';
  if (format === 'json') {
    // A JSON document must be read whole; large ones are previewed by the server on import only.
    if (file.size > 20 * 1024 * 1024) return { format, columns: [], rows: [], note: 'too large to preview' };
    try {
      const doc: unknown = JSON.parse(await file.text());
      const list = options.records ? at(doc, options.records) : doc;
      if (!Array.isArray(list)) return { format, columns: [], rows: [], note: 'not an array of records' };
      const rows = list.slice(0, PREVIEW_ROWS).map((r) => flatten(r));
      const columns = [...new Set(list.slice(0, 200).flatMap((r) => Object.keys(flatten(r))))];
      return { format, columns, rows, note: null };
    } catch (e) {
      return { format, columns: [], rows: [], note: e instanceof Error ? e.message : String(e) };
    }
  }
  const text = await file.slice(0, PREVIEW_BYTES).text();
  if (format === 'jsonl') {
    const rows: Array<Record<string, string>> = [];
    for (const line of text
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .slice(0, PREVIEW_ROWS)) {
      try {
        rows.push(flatten(JSON.parse(line)));
      } catch {
        // an unreadable line is reported by the import
      }
    }
    return { format, columns: [...new Set(rows.flatMap((r) => Object.keys(r)))], rows, note: null };
  }
  const delimiter = options.delimiter ?? (file.name.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  const records = parseCsv(text, delimiter);
  const header = (records[0] ?? []).map((h) => h.trim());
  const rows = records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  const note = records.slice(1).some((r) => r.length !== header.length)
    ? 'rows with a different number of values'
    : null;
  return { format: 'csv', columns: header, rows, note };
}

const BOOL_TRUE = new Set(['true', 't', 'yes', 'y', '1', 'si', 'sí']);
const BOOL_FALSE = new Set(['false', 'f', 'no', 'n', '0']);
const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'deleted'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/** How a value will probably read (the server's importer has the last word, and more spellings). */
export function readValue(
  raw: string,
  kind: FieldKind,
  hasDateFormat: boolean,
  zone: string,
): { text: string; ok: boolean } {
  const v = raw.trim();
  if (v === '') return { text: '–', ok: true };
  switch (kind) {
    case 'timestamp':
    case 'snapshot_key': {
      if (hasDateFormat) return { text: v, ok: true };
      const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
      if (kind === 'snapshot_key' && /^\d+$/.test(v)) return { text: v, ok: true };
      const d = new Date(v.replace(' ', 'T'));
      if (!iso || Number.isNaN(d.getTime())) return { text: 'not a date', ok: false };
      // With a zone: the instant in UTC; without: the wall-clock time, read in the import's zone.
      return iso[4]
        ? { text: d.toISOString(), ok: true }
        : { text: `${v.replace(' ', 'T')} (${zone})`, ok: true };
    }
    case 'count':
    case 'seconds':
    case 'number':
    case 'score': {
      const n = Number(v.replace(',', '.'));
      return Number.isFinite(n)
        ? { text: String(n), ok: kind !== 'count' || Number.isInteger(n) }
        : { text: 'not a number', ok: false };
    }
    case 'boolean': {
      const l = v.toLowerCase();
      return BOOL_TRUE.has(l)
        ? { text: 'true', ok: true }
        : BOOL_FALSE.has(l)
          ? { text: 'false', ok: true }
          : { text: 'not a yes/no', ok: false };
    }
    case 'status': {
      const l = v.toLowerCase().replace(/[\s-]+/g, '_');
      return STATUSES.includes(l) ? { text: l, ok: true } : { text: `“${v}”?`, ok: false };
    }
    case 'priority': {
      const l = v.toLowerCase();
      return PRIORITIES.includes(l) ? { text: l, ok: true } : { text: `“${v}”?`, ok: false };
    }
    case 'lowercase':
      return { text: v.toLowerCase(), ok: true };
    default:
      return { text: v, ok: true };
  }
}
