import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { sql } from 'kysely';
import type { Store } from '../storage/database.js';
import {
  addDimensions,
  DIMENSION_COLUMNS,
  type DimensionColumns,
  dropRatingsMissingFrom,
  type MergeCounts,
  markChangedTickets,
  materialiseTicketsFromEvents,
  mergeStage,
  nextImportId,
  type RecordTable,
  recomputeQaReviews,
  Stage,
  type StagedRow,
  type Trx,
} from '../storage/import-writer.js';
import type { Organization } from '../storage/organizations.js';
import type { ImportShape, TicketRecord } from './canonical.js';
import { type CanonicalRecord, RecordConverter } from './convert-record.js';
import { defaultMapping, detectShape, type Mapping } from './mapping.js';
import { FileReadError, openRecordSource } from './read-records.js';
import {
  CRISIS_COLUMNS,
  CUSTOMER_COLUMNS,
  ENROLMENT_COLUMNS,
  EVENT_COLUMNS,
  FORECAST_COLUMNS,
  IMPROVEMENT_COLUMNS,
  KB_ACTIVITY_COLUMNS,
  KB_ARTICLE_COLUMNS,
  KB_FEEDBACK_COLUMNS,
  MEASUREMENT_COLUMNS,
  PRESENCE_COLUMNS,
  QA_RATING_COLUMNS,
  RAW_EVENT_COLUMNS,
  REPORT_COLUMNS,
  SECURITY_CONTROL_COLUMNS,
  type StagedEvent,
  SURVEY_COLUMNS,
  TICKET_COLUMNS,
  TOOL_PERIOD_COLUMNS,
} from './staged-columns.js';

export interface ImportError {
  file: string;
  row: number;
  field: string;
  reason: string;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
  phase: 'reading' | 'merging';
}

export interface ImportOptions {
  store: Store;
  org: Organization;
  file: string;
  mapping?: Mapping | undefined;
  /** Store the valid rows and report the others, instead of storing nothing. */
  skipInvalid?: boolean | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  batchSize?: number;
  /** How many row errors are kept for the report (all are counted). */
  maxReportedErrors?: number;
}

export interface ImportSummary {
  importId: number;
  file: string;
  shape: ImportShape | null;
  status: 'succeeded' | 'failed';
  rowsRead: number;
  rowsStored: number;
  rowsSkipped: number;
  tickets: MergeCounts;
  events: MergeCounts | null;
  /** Shapes other than tickets and events: what they stored (e.g. surveys). */
  records: { kind: string; counts: MergeCounts } | null;
  errorCount: number;
  errors: ImportError[];
  /** Things the user should know that did not stop the import (e.g. a mapped JSON path never seen). */
  warnings: string[];
}

/** "file, row N, field F: reason"; row 0 stands for the file as a whole. */
export function describeError(e: ImportError): string {
  return e.row === 0 ? `${e.file}: ${e.reason}` : `${e.file}, row ${e.row}, field ${e.field}: ${e.reason}`;
}

export class ImportFailedError extends Error {
  constructor(readonly summary: ImportSummary) {
    const first = summary.errors[0];
    const where = first ? describeError(first) : 'unknown error';
    super(
      `import of ${summary.file} failed, nothing was stored: ${summary.errorCount} error${summary.errorCount === 1 ? '' : 's'}; first: ${where}`,
    );
  }
}

const ZERO: MergeCounts = { created: 0, updated: 0, unchanged: 0 };

class FileLevelError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly row = 0,
  ) {
    super(message);
  }
}

/**
 * Imports one file into one organisation, all-or-nothing: every row is read and validated, valid rows
 * are staged inside a transaction, and only a file without errors (or with --skip-invalid) is merged.
 */
export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const { store, org, file } = options;
  const batchSize = options.batchSize ?? 5000;
  const maxErrors = options.maxReportedErrors ?? 100;
  const fileName = basename(file);
  const startedAt = new Date();
  const errors: ImportError[] = [];
  const warnings: string[] = [];
  let errorCount = 0;
  let rowsRead = 0;
  let rowsStored = 0;
  let shape: ImportShape | null = options.mapping?.shape ?? null;

  const report = (row: number, field: string, reason: string) => {
    errorCount++;
    if (errors.length < maxErrors) errors.push({ file: fileName, row, field, reason });
  };

  const summaryOf = (
    importId: number,
    status: ImportSummary['status'],
    rest: Partial<ImportSummary> = {},
  ) => ({
    importId,
    file: fileName,
    shape,
    status,
    rowsRead,
    rowsStored,
    rowsSkipped: status === 'succeeded' ? rowsRead - rowsStored : rowsRead,
    tickets: ZERO,
    events: null,
    records: null,
    errorCount,
    errors,
    warnings,
    ...rest,
  });

  try {
    return await store.db.transaction().execute(async (trx) => {
      const importId = await nextImportId(trx, org.id);
      const source = openRecordSource(file, {
        format: options.mapping?.format,
        delimiter: options.mapping?.delimiter,
        records: options.mapping?.records,
      });
      let converter: RecordConverter | undefined;
      let stage: Stage<CanonicalRecord> | undefined;
      let batch: StagedRow<CanonicalRecord>[] = [];
      const progress = (phase: ImportProgress['phase']) =>
        options.onProgress?.({
          bytesRead: source.bytesRead(),
          totalBytes: source.totalBytes,
          rowsRead,
          phase,
        });

      const start = async (columns: readonly string[]) => {
        const mapping = options.mapping ?? defaultMappingFor(columns, source.format === 'csv');
        shape = mapping.shape;
        converter = new RecordConverter(mapping, org.time_zone);
        const header = source.header();
        const problems = header ? converter.checkColumns(header) : [];
        if (problems.length > 0) throw new FileLevelError('(mapping)', problems.join('; '), 1);
        stage = new Stage<CanonicalRecord>(
          trx,
          store.dialect,
          STAGED_COLUMNS[shape] as Stage<CanonicalRecord>['columns'],
        );
        await stage.create();
      };

      for await (const item of source.rows()) {
        rowsRead++;
        if ('error' in item) {
          report(item.row, item.error.field, item.error.reason);
          continue;
        }
        if (!converter) await start(Object.keys(item.record));
        const converted = converter!.convert(item.record, item.row);
        if (!converted.ok) {
          for (const e of converted.errors) report(e.row, e.field, e.reason);
          continue;
        }
        // After the first error a strict import only validates: nothing more is staged.
        if (errorCount > 0 && !options.skipInvalid) continue;
        batch.push({ rowNo: item.row, value: withIdentity(converted.record, shape!) });
        if (batch.length >= batchSize) {
          await stage!.insert(batch);
          rowsStored += batch.length;
          batch = [];
          progress('reading');
        }
      }
      // A mapped JSON path that no record has is usually a typo, but exports omit optional blocks
      // (Freshdesk's "stats" without include=stats): say so, and import what is there.
      if (source.format !== 'csv' && converter) warnings.push(...converter.unseenMappedColumns());
      if (!converter) {
        const header = source.header();
        if (header) await start(header);
        else throw new FileLevelError('(file)', 'has no records');
      }
      if (errorCount > 0 && !options.skipInvalid) throw new ImportFailedError(summaryOf(importId, 'failed'));
      await stage!.insert(batch);
      rowsStored += batch.length;
      progress('merging');

      const record = RECORD_SHAPES[shape!];
      const counts =
        shape === 'events'
          ? await mergeEvents(trx, store, org.id, importId, stage as unknown as Stage<StagedEvent>)
          : shape === 'qa_ratings'
            ? await mergeQaRatings(trx, org.id, importId, stage!)
            : record
              ? await mergeRecords(trx, org.id, importId, stage!, record.table, record.kind)
              : await mergeTickets(
                  trx,
                  store,
                  org.id,
                  importId,
                  stage as unknown as Stage<TicketRecord>,
                  shape!,
                );
      await stage!.drop();
      const summary = summaryOf(importId, 'succeeded', counts);
      await recordImport(trx, org.id, summary, startedAt);
      return summary;
    });
  } catch (error) {
    let summary: ImportSummary;
    if (error instanceof ImportFailedError) summary = error.summary;
    else if (error instanceof FileLevelError || error instanceof FileReadError) {
      report(
        error instanceof FileLevelError ? error.row : 0,
        error instanceof FileLevelError ? error.field : '(file)',
        error.message,
      );
      summary = summaryOf(0, 'failed');
    } else throw error;
    // The failed attempt is kept in the import history; its rows are not.
    const importId = await nextImportId(store.db, org.id);
    summary = { ...summary, importId, rowsStored: 0 };
    await recordImport(store.db, org.id, summary, startedAt);
    throw new ImportFailedError(summary);
  }
}

function defaultMappingFor(columns: readonly string[], isCsv: boolean): Mapping {
  const shape = detectShape(columns);
  if (!shape) {
    throw new FileLevelError(
      '(mapping)',
      `cannot tell the shape from the ${isCsv ? 'columns' : 'fields'} (${columns.join(', ')}): ` +
        'name them as the canonical formats do (docs/import.md) or give --mapping',
      1,
    );
  }
  return defaultMapping(shape);
}

/** Without a source event id, an event is identified by ticket, type, time and actor (and, in SQL, its ordinal). */
function withIdentity(record: CanonicalRecord, shape: ImportShape): CanonicalRecord {
  if (shape !== 'events') return record;
  const e = record as StagedEvent;
  e.base_id =
    e.event_id === null
      ? createHash('sha1')
          .update(`${e.ticket_id}\u0000${e.type}\u0000${e.at.toISOString()}\u0000${e.actor ?? ''}`)
          .digest('base64url')
          .slice(0, 22)
      : null;
  return e;
}

async function mergeTickets(
  trx: Trx,
  store: Store,
  orgId: number,
  importId: number,
  stage: Stage<TicketRecord>,
  shape: ImportShape,
): Promise<Pick<ImportSummary, 'tickets'>> {
  // A file may hold a ticket more than once: the highest snapshot key wins, then the later row.
  await stage.keepFirstPerKey('id', sql`snapshot_key DESC NULLS LAST, row_no DESC`);
  const tickets = await mergeStage(
    trx,
    stage,
    'tickets',
    orgId,
    ticketExtras(shape, importId),
    sql`(s.snapshot_key IS NULL OR t.snapshot_key IS NULL OR s.snapshot_key >= t.snapshot_key)`,
  );
  await addDimensions(trx, stage, orgId, TICKET_DIMENSIONS);
  await analyzeTicketsAfterLargeMerge(trx, store, tickets);
  return { tickets };
}

/** Rows written in the open transaction are invisible to autovacuum: after a large merge, analyze. */
async function analyzeTicketsAfterLargeMerge(trx: Trx, store: Store, counts: MergeCounts): Promise<void> {
  if (counts.created + counts.updated < 10_000) return;
  for (const statement of store.dialect.analyzeStatements(['tickets'])) await statement.execute(trx);
}

function ticketExtras(shape: ImportShape, importId: number) {
  return {
    source_shape: { value: shape, type: 'text' as const },
    import_id: { value: importId, type: 'integer' as const },
    updated_at: { value: new Date(), type: 'timestamptz' as const },
  };
}

async function mergeEvents(
  trx: Trx,
  store: Store,
  orgId: number,
  importId: number,
  raw: Stage<StagedEvent>,
): Promise<Pick<ImportSummary, 'tickets' | 'events'>> {
  const identified = new Stage<StagedEvent>(trx, store.dialect, EVENT_COLUMNS);
  await identified.create();
  const valueNames = EVENT_COLUMNS.filter((c) => c.name !== 'id').map((c) => sql.ref(c.name));
  // Identical rows (same ticket, type, time, actor) are told apart by their order in the file.
  await sql`INSERT INTO ${identified.table} (row_no, id, ${sql.join(valueNames)})
    SELECT row_no,
           coalesce(event_id, base_id || ':' || CAST(row_number() OVER (PARTITION BY base_id ORDER BY row_no) AS text)),
           ${sql.join(valueNames)}
    FROM ${raw.table}`.execute(trx);
  // The file need not be held twice.
  await raw.drop();
  await identified.keepFirstPerKey('id', sql`row_no DESC`);

  // Only tickets with a new or changed event need their state rebuilt: a repeated file rebuilds none.
  const changed = new Stage<{ ticket_id: string }>(trx, store.dialect, [
    { name: 'ticket_id', type: 'text', get: (r) => r.ticket_id },
  ]);
  await changed.create();
  await markChangedTickets(trx, identified, changed, orgId);
  const ticketsInFile = await identified.countDistinct('ticket_id');
  const events = await mergeStage(trx, identified, 'ticket_events', orgId, {
    import_id: { value: importId, type: 'integer' },
  });
  await identified.drop();
  for (const statement of store.dialect.analyzeStatements(['ticket_events'])) await statement.execute(trx);

  // Tickets are materialised from all their stored events, earlier imports included.
  const tickets = new Stage<TicketRecord>(trx, store.dialect, TICKET_COLUMNS);
  await tickets.create();
  await materialiseTicketsFromEvents(trx, store.dialect, orgId, changed, tickets);
  const rebuilt = await mergeStage(trx, tickets, 'tickets', orgId, ticketExtras('events', importId));
  await addDimensions(trx, tickets, orgId, TICKET_DIMENSIONS);
  await analyzeTicketsAfterLargeMerge(trx, store, rebuilt);
  const rebuiltCount = rebuilt.created + rebuilt.updated + rebuilt.unchanged;
  await tickets.drop();
  await changed.drop();
  return { tickets: { ...rebuilt, unchanged: rebuilt.unchanged + ticketsInFile - rebuiltCount }, events };
}

/** Shapes stored one record per source id, and where. */
const RECORD_SHAPES: Partial<Record<ImportShape, { table: RecordTable; kind: string }>> = {
  surveys: { table: 'surveys', kind: 'surveys' },
  customers: { table: 'customers', kind: 'customers' },
  enrolments: { table: 'training_enrolments', kind: 'enrolments' },
  improvements: { table: 'improvements', kind: 'improvements' },
  reports: { table: 'reports', kind: 'reports' },
  measurements: { table: 'manual_measurements', kind: 'measurements' },
  tool_periods: { table: 'tool_periods', kind: 'tool periods' },
  crises: { table: 'crises', kind: 'crises' },
  presence: { table: 'agent_presence', kind: 'presence' },
  kb_articles: { table: 'kb_articles', kind: 'articles' },
  kb_activity: { table: 'kb_activity', kind: 'article activity' },
  kb_feedback: { table: 'kb_feedback', kind: 'article feedback' },
  forecasts: { table: 'volume_forecasts', kind: 'forecasts' },
  security_controls: { table: 'security_controls', kind: 'control checks' },
};

/** Ticket rows name their agent in `assignee_id`. */
const TICKET_DIMENSIONS: DimensionColumns = { ...DIMENSION_COLUMNS, agent: 'assignee_id' };

const STAGED_COLUMNS = {
  tickets: TICKET_COLUMNS,
  snapshots: TICKET_COLUMNS,
  events: RAW_EVENT_COLUMNS,
  surveys: SURVEY_COLUMNS,
  qa_ratings: QA_RATING_COLUMNS,
  customers: CUSTOMER_COLUMNS,
  enrolments: ENROLMENT_COLUMNS,
  improvements: IMPROVEMENT_COLUMNS,
  reports: REPORT_COLUMNS,
  measurements: MEASUREMENT_COLUMNS,
  tool_periods: TOOL_PERIOD_COLUMNS,
  crises: CRISIS_COLUMNS,
  presence: PRESENCE_COLUMNS,
  kb_articles: KB_ARTICLE_COLUMNS,
  kb_activity: KB_ACTIVITY_COLUMNS,
  kb_feedback: KB_FEEDBACK_COLUMNS,
  forecasts: FORECAST_COLUMNS,
  security_controls: SECURITY_CONTROL_COLUMNS,
} as const;

/**
 * Shapes stored one record per source id (surveys, QA ratings): the later row wins within a file, the
 * record is upserted on its id, and the desks, teams, agents and customers it names are added.
 */
async function mergeRecords<R>(
  trx: Trx,
  orgId: number,
  importId: number,
  stage: Stage<R>,
  target: RecordTable,
  kind: string,
): Promise<Pick<ImportSummary, 'records'>> {
  await stage.keepFirstPerKey('id', sql`row_no DESC`);
  const counts = await mergeStage(trx, stage, target, orgId, {
    import_id: { value: importId, type: 'integer' },
  });
  await addDimensions(trx, stage, orgId);
  return { records: { kind, counts } };
}

async function mergeQaRatings<R>(trx: Trx, orgId: number, importId: number, stage: Stage<R>) {
  await dropRatingsMissingFrom(trx, stage, orgId);
  const merged = await mergeRecords(trx, orgId, importId, stage, 'qa_ratings', 'qa ratings');
  await recomputeQaReviews(trx, stage, orgId);
  return merged;
}

async function recordImport(db: Trx, orgId: number, s: ImportSummary, startedAt: Date): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      org_id: orgId,
      id: s.importId,
      file_name: s.file,
      shape: s.shape ?? 'unknown',
      status: s.status,
      started_at: startedAt,
      finished_at: new Date(),
      rows_read: s.rowsRead,
      rows_skipped: s.rowsSkipped,
      tickets_created: s.tickets.created,
      tickets_updated: s.tickets.updated,
      tickets_unchanged: s.tickets.unchanged,
      events_created: s.events?.created ?? 0,
      events_updated: s.events?.updated ?? 0,
      records_kind: s.records?.kind ?? null,
      records_created: s.records?.counts.created ?? null,
      records_updated: s.records?.counts.updated ?? null,
      records_unchanged: s.records?.counts.unchanged ?? null,
      events_unchanged: s.events?.unchanged ?? 0,
      errors: JSON.stringify(s.errors),
      error_count: s.errorCount,
    })
    .execute();
}
