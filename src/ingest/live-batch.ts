import { z } from 'zod';
import { fieldsOf, IMPORT_SHAPES, type ImportShape } from './canonical.js';
import { RecordConverter } from './convert-record.js';
import { defaultMapping } from './mapping.js';

/** Shapes a live batch may carry: every import shape but snapshots (a file-level notion). */
export const LIVE_SHAPES = IMPORT_SHAPES.filter((s) => s !== 'snapshots') as Exclude<
  ImportShape,
  'snapshots'
>[];
export type LiveShape = (typeof LIVE_SHAPES)[number];

export const MAX_BATCH_ITEMS = 5000;

/** One item: a canonical record (docs/import.md field names) and its shape. */
export const liveItemSchema = z.strictObject({
  shape: z.enum(LIVE_SHAPES as [LiveShape, ...LiveShape[]]),
  record: z.record(
    z.string().max(100),
    z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]),
  ),
});
export type LiveItem = z.infer<typeof liveItemSchema>;

export const liveBatchSchema = z.strictObject({
  items: z.array(liveItemSchema).min(1).max(MAX_BATCH_ITEMS),
});

export interface LiveItemError {
  item: number;
  field: string;
  reason: string;
}

/** Numbers become text as the JSON importer keeps them, so both paths parse values alike. */
export function asImportRecord(record: LiveItem['record']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = typeof v === 'number' ? String(v) : v;
  return out;
}

/**
 * Validates every item with the importer's own converter (same parsers, same rules), before anything
 * is stored: errors name the item (0-based index in the batch) and the field.
 */
export function validateLiveItems(items: readonly LiveItem[], timeZone: string): LiveItemError[] {
  const converters = new Map<LiveShape, RecordConverter>();
  const errors: LiveItemError[] = [];
  items.forEach((item, index) => {
    let converter = converters.get(item.shape);
    if (!converter) {
      converter = new RecordConverter(defaultMapping(item.shape), timeZone);
      converters.set(item.shape, converter);
    }
    const known = new Set(fieldsOf(item.shape).map((f) => f.name));
    for (const key of Object.keys(item.record)) {
      if (!known.has(key))
        errors.push({ item: index, field: key, reason: `is not a field of ${item.shape}` });
    }
    const converted = converter.convert(asImportRecord(item.record), index + 1);
    if (!converted.ok) {
      for (const e of converted.errors) errors.push({ item: index, field: e.field, reason: e.reason });
    }
  });
  return errors;
}
