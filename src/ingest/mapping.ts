import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { fieldsOf, IMPORT_SHAPES, type ImportShape } from './canonical.js';

/**
 * An import mapping (DESIGN.md, "Canonical import formats"): which shape a file has, which source column
 * feeds each canonical field (or a constant), how dates are written, the source time zone, value maps
 * and missing-value markers. Validated on load with the path of every problem.
 */
const columnSource = z.union([
  z.string().min(1),
  z.strictObject({ column: z.string().min(1) }),
  z.strictObject({ const: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
]);

const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  message: 'not an IANA time zone (e.g. Europe/Madrid)',
});

export const mappingSchema = z
  .strictObject({
    shape: z.enum(IMPORT_SHAPES as [ImportShape, ...ImportShape[]]),
    format: z.enum(['csv', 'json', 'jsonl']).optional(),
    delimiter: z.string().length(1).optional(),
    /** For JSON: the dotted path of the array that holds the records, e.g. "tickets". */
    records: z.string().min(1).optional(),
    columns: z.record(z.string(), columnSource).default({}),
    /** A Luxon format for every date field ("d/M/yyyy HH:mm"), or epoch_s / epoch_ms. */
    dateFormat: z.string().min(1).optional(),
    /** Per-field date formats, overriding dateFormat. */
    dateFormats: z.record(z.string(), z.string().min(1)).default({}),
    /** Zone of timestamps written without an offset; the organisation's zone by default. */
    timeZone: timeZone.optional(),
    /** Per-field maps from source values to canonical values, applied before parsing. */
    values: z
      .record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])))
      .default({}),
    /** Values that mean "no value" in every field. */
    missing: z.array(z.string()).default(['']),
    /** Prefix added to ticket (and event) ids, to keep two sources apart in one organisation. */
    idPrefix: z.string().default(''),
    /** For snapshots: how to read snapshot keys; auto takes numbers as counters and anything else as a date. */
    snapshotKeyType: z.enum(['auto', 'number', 'timestamp']).default('auto'),
  })
  .superRefine((mapping, ctx) => {
    const fields = fieldsOf(mapping.shape);
    const known = new Set(fields.map((f) => f.name));
    const dates = new Set(
      fields.filter((f) => f.kind === 'timestamp' || f.kind === 'snapshot_key').map((f) => f.name),
    );
    for (const field of Object.keys(mapping.dateFormats)) {
      if (known.has(field) && !dates.has(field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dateFormats', field],
          message: `"${field}" is not a date field`,
        });
      }
    }
    const knownList = [...known].join(', ');
    for (const section of ['columns', 'dateFormats', 'values'] as const) {
      for (const field of Object.keys(mapping[section])) {
        if (!known.has(field)) {
          ctx.addIssue({
            code: 'custom',
            path: [section, field],
            message: `"${field}" is not a field of the ${mapping.shape} shape (fields: ${knownList})`,
          });
        }
      }
    }
  });

export type Mapping = z.infer<typeof mappingSchema>;
export type ColumnSource = z.infer<typeof columnSource>;

export class MappingError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid mapping ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? '(root)'
    : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
}

export function parseMapping(input: unknown, source = 'mapping'): Mapping {
  const result = mappingSchema.safeParse(input);
  if (!result.success) {
    throw new MappingError(
      source,
      result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`),
    );
  }
  return result.data;
}

export function loadMappingFile(path: string): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MappingError(path, [`not readable JSON: ${(error as Error).message}`]);
  }
  return parseMapping(json, path);
}

/** The shape a file has when no mapping is given, judged from its column names. */
export function detectShape(columns: readonly string[]): ImportShape | undefined {
  const has = (c: string) => columns.includes(c);
  if (has('snapshot_key') && has('id') && has('created_at')) return 'snapshots';
  if (has('id') && has('kind') && (has('sent_at') || has('responded_at'))) return 'surveys';
  if (has('review_id') && has('reviewed_at') && has('category')) return 'qa_ratings';
  if (has('id') && has('became_customer_at')) return 'customers';
  if (has('id') && has('kind') && has('logged_at')) return 'improvements';
  if (has('id') && has('report') && has('due_at')) return 'reports';
  if (has('kpi') && has('period_end') && has('value')) return 'measurements';
  if (has('tool') && has('licensed_seats') && has('period_end')) return 'tool_periods';
  if (has('id') && has('started_at') && has('updates')) return 'crises';
  if (has('agent') && has('logged_in_seconds') && has('period_start')) return 'presence';
  if (has('article') && has('action') && has('at')) return 'kb_activity';
  if (has('target_day') && has('volume')) return 'forecasts';
  if (has('control') && has('checked_at') && has('passing')) return 'security_controls';
  if (has('id') && has('raised_at')) return 'kb_feedback';
  if (has('id') && has('published_at') && has('created_at') && !has('status')) return 'kb_articles';
  if (has('id') && has('agent') && has('course') && has('due_at')) return 'enrolments';
  if (has('ticket_id') && has('type') && has('at')) return 'events';
  if (has('id') && has('created_at')) return 'tickets';
  return undefined;
}

export function defaultMapping(shape: ImportShape): Mapping {
  return parseMapping({ shape });
}
