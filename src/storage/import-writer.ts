import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { EVENT_TYPE_ORDER } from '../derive/ticket-facts.js';
import type { Database } from './schema.js';
import type { ColumnType, SqlDialect } from './sql-dialect.js';

/** One column of a staged import: its stored name, type, and how to read it from a canonical row. */
export interface StagedColumn<R> {
  name: string;
  type: ColumnType;
  /** Absent for columns that SQL fills (e.g. ids settled from the whole file). */
  get?: (row: R) => unknown;
}

/** A row ready to stage: the canonical values plus its file row number. */
export interface StagedRow<R> {
  rowNo: number;
  value: R;
}

export interface MergeCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export type Trx = Transaction<Database> | Kysely<Database>;

/** A digest of a row's values; null and '' differ (the column types fix whether 1 or '1' occurs). */
export function contentHash(values: readonly unknown[]): string {
  // The same text as values.map(...).join('\u001f'), without the intermediate array (a hash per row).
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) text += '\u001f';
    text += v === null || v === undefined ? '\u0000' : v instanceof Date ? v.toISOString() : String(v);
  }
  return createHash('sha1').update(text).digest('base64url');
}

/**
 * Rows handed to the driver out of band, as the only parameter of a `COPY … FROM STDIN` statement: the
 * DuckDB driver appends them with its appender, the PostgreSQL one streams them with COPY, both on the
 * connection the statement runs on (so inside its transaction). Values are data, never SQL text.
 */
export interface BulkRows {
  readonly [BULK_ROWS]: true;
  /** A table this code names (never user text). */
  readonly table: string;
  /** A temporary table whose columns are exactly `columns`, in order (DuckDB appends to it directly). */
  readonly exactLayout: boolean;
  readonly columns: ReadonlyArray<{ name: string; type: ColumnType; values: readonly unknown[] }>;
}
export const BULK_ROWS: unique symbol = Symbol.for('deskscore.bulkRows') as never;

export function isBulkRows(value: unknown): value is BulkRows {
  return typeof value === 'object' && value !== null && BULK_ROWS in value;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Writes columnar rows into a table in bulk. Inside a transaction this goes to the driver as one
 * statement on the transaction's own connection (COPY writes PostgreSQL's facts about a third faster
 * than an INSERT from arrays; the appender spares DuckDB a JSON text per column); elsewhere it falls
 * back to an INSERT from arrays.
 */
export async function bulkInsert(
  trx: Trx,
  dialect: SqlDialect,
  table: string,
  columns: BulkRows['columns'],
  exactLayout = false,
): Promise<void> {
  const rowCount = columns[0]?.values.length ?? 0;
  if (rowCount === 0) return;
  for (const name of [table, ...columns.map((c) => c.name)]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  }
  const names = columns.map((c) => sql.ref(c.name));
  if (!trx.isTransaction) {
    const arrays = columns.map((c) => ({ name: c.name, type: c.type, values: [...c.values] }));
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(names)}) SELECT * FROM ${dialect.rowsFromArrays(arrays)} AS s`.execute(
      trx,
    );
    return;
  }
  const bulk: BulkRows = { [BULK_ROWS]: true, table, exactLayout, columns };
  const statement = `COPY "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) FROM STDIN`;
  await trx.executeQuery(CompiledQuery.raw(statement, [bulk]));
}

/** A column read from each row. */
export type RowColumn<R> = StagedColumn<R> & { get: (row: R) => unknown };

function cellOf<R>(column: StagedColumn<R>, row: R): unknown {
  if (!column.get) throw new Error(`column ${column.name} is filled by SQL, not from rows`);
  return column.get(row);
}

/**
 * A temporary table that holds one file's valid rows inside the import transaction. Rows arrive in
 * batches (bounded memory); merging into the real tables is then set-based SQL, which is what makes a
 * file all-or-nothing and a re-import idempotent.
 */
export class Stage<R> {
  private static counter = 0;
  private dropped = false;
  readonly name: string;

  constructor(
    private readonly trx: Trx,
    readonly dialect: SqlDialect,
    readonly columns: ReadonlyArray<StagedColumn<R>>,
  ) {
    this.name = `deskscore_stage_${process.pid}_${++Stage.counter}`;
  }

  get table(): RawBuilder<unknown> {
    return sql.table(this.name);
  }

  async create(): Promise<void> {
    const defs = [
      sql`row_no ${sql.raw(this.dialect.typeName('integer'))}`,
      ...this.columns.map((c) => sql`${sql.ref(c.name)} ${sql.raw(this.dialect.typeName(c.type))}`),
    ];
    await sql`CREATE TEMPORARY TABLE ${this.table} (${sql.join(defs)})`.execute(this.trx);
  }

  async insert(rows: ReadonlyArray<StagedRow<R>>): Promise<void> {
    if (rows.length === 0) return;
    const arrays = [
      { name: 'row_no', type: 'integer' as const, values: rows.map((r) => r.rowNo) },
      ...this.columns.map((c) => ({
        name: c.name,
        type: c.type,
        values: rows.map((r) => cellOf(c, r.value)),
      })),
    ];
    await bulkInsert(this.trx, this.dialect, this.name, arrays, true);
  }

  /** Keeps one row per key: the first by `order` (e.g. highest snapshot key, then latest row). */
  async keepFirstPerKey(key: string, order: RawBuilder<unknown>): Promise<void> {
    await sql`DELETE FROM ${this.table} WHERE row_no IN (
        SELECT row_no FROM (
          SELECT row_no, row_number() OVER (PARTITION BY ${sql.ref(key)} ORDER BY ${order}) AS rn FROM ${this.table}
        ) ranked WHERE rn > 1)`.execute(this.trx);
  }

  async countDistinct(column: string): Promise<number> {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(DISTINCT ${sql.ref(column)}) AS n FROM ${this.table}`.execute(this.trx);
    return rows[0]?.n ?? 0;
  }

  /** Drops the table; dropping twice is harmless, so a stage can be released as early as it is done. */
  async drop(): Promise<void> {
    if (this.dropped) return;
    this.dropped = true;
    await sql`DROP TABLE ${this.table}`.execute(this.trx);
  }
}

/**
 * Merges a stage keyed by `id` into an org-scoped table: rows whose content hash differs are upserted,
 * identical ones are left alone. `newerOnly` guards a condition under which the stored row wins
 * (an older snapshot). Returns how many rows were created, updated and left unchanged.
 */
/** Tables of record shapes: keyed by (org_id, id), with content_hash and import_id columns. */
export type RecordTable =
  | 'surveys'
  | 'qa_ratings'
  | 'customers'
  | 'training_enrolments'
  | 'improvements'
  | 'reports'
  | 'manual_measurements'
  | 'tool_periods'
  | 'crises'
  | 'agent_presence'
  | 'kb_articles'
  | 'kb_activity'
  | 'kb_feedback'
  | 'volume_forecasts'
  | 'security_controls';

export async function mergeStage<R>(
  trx: Trx,
  stage: Stage<R>,
  target: 'tickets' | 'ticket_events' | RecordTable,
  orgId: number,
  extra: Record<string, { value: unknown; type: ColumnType }>,
  newerOnly?: RawBuilder<unknown>,
): Promise<MergeCounts> {
  const dialect = stage.dialect;
  const t = sql.table(target);
  const changed = sql`(t.id IS NULL OR (t.content_hash IS DISTINCT FROM s.content_hash${newerOnly ? sql` AND ${newerOnly}` : sql``}))`;
  const join = sql`${stage.table} s LEFT JOIN ${t} t ON t.org_id = ${orgId} AND t.id = s.id`;
  const { rows } = await sql<{ total: number; created: number; changed: number }>`
    SELECT count(*) AS total,
           count(CASE WHEN t.id IS NULL THEN 1 END) AS created,
           count(CASE WHEN ${changed} THEN 1 END) AS changed
    FROM ${join}`.execute(trx);
  const { total = 0, created = 0, changed: changedCount = 0 } = rows[0] ?? {};

  const names = stage.columns.map((c) => c.name);
  const extraNames = Object.keys(extra);
  const insertColumns = ['org_id', ...names, ...extraNames].map((n) => sql.ref(n));
  // Parameters in a SELECT list have no type in PostgreSQL until cast.
  const selectValues = [
    sql`CAST(${orgId} AS ${sql.raw(dialect.typeName('integer'))})`,
    ...names.map((n) => sql.ref(`s.${n}`)),
    ...extraNames.map((n) => sql`CAST(${extra[n]!.value} AS ${sql.raw(dialect.typeName(extra[n]!.type))})`),
  ];
  const updates = [...names, ...extraNames]
    .filter((n) => n !== 'id')
    .map((n) => sql`${sql.ref(n)} = excluded.${sql.ref(n)}`);
  if (changedCount > 0) {
    await sql`INSERT INTO ${t} (${sql.join(insertColumns)})
      SELECT ${sql.join(selectValues)} FROM ${join} WHERE ${changed}
      ON CONFLICT (org_id, id) DO UPDATE SET ${sql.join(updates)}`.execute(trx);
  }
  return { created, updated: changedCount - created, unchanged: total - changedCount };
}

/** The stage columns that name each kind of dimension. */
export const DIMENSION_COLUMNS = {
  desk: 'desk_id',
  team: 'team_id',
  agent: 'agent_id',
  customer: 'customer_id',
} as const;
export type DimensionColumns = { [K in keyof typeof DIMENSION_COLUMNS]: string };

/**
 * Adds the desks, teams, agents and customers a stage names, keeping the ones already known. A team is
 * placed in a desk, and an agent in a team, when the stage names both.
 */
export async function addDimensions<R>(
  trx: Trx,
  stage: Stage<R>,
  orgId: number,
  columns: DimensionColumns = DIMENSION_COLUMNS,
): Promise<void> {
  const s = stage.table;
  const has = new Set(['row_no', ...stage.columns.map((c) => c.name)]);
  const ref = (name: string) => (has.has(name) ? sql.ref(name) : sql`CAST(NULL AS text)`);
  const desk = ref(columns.desk);
  const team = ref(columns.team);
  const agent = ref(columns.agent);
  const customer = ref(columns.customer);
  const org = sql`CAST(${orgId} AS ${sql.raw(stage.dialect.typeName('integer'))})`;
  await sql`INSERT INTO desks (org_id, id, name)
    SELECT DISTINCT ${org}, ${desk}, ${desk} FROM ${s} WHERE ${desk} IS NOT NULL
    ON CONFLICT DO NOTHING`.execute(trx);
  await sql`INSERT INTO teams (org_id, id, name, desk_id)
    SELECT ${org}, ${team}, ${team}, max(${stage.dialect.binaryOrder(desk)}) FROM ${s} WHERE ${team} IS NOT NULL GROUP BY ${team}
    ON CONFLICT DO NOTHING`.execute(trx);
  await sql`INSERT INTO agents (org_id, id, name, team_id)
    SELECT ${org}, ${agent}, ${agent}, max(${stage.dialect.binaryOrder(team)}) FROM ${s} WHERE ${agent} IS NOT NULL GROUP BY ${agent}
    ON CONFLICT DO NOTHING`.execute(trx);
  await sql`INSERT INTO customers (org_id, id, name)
    SELECT DISTINCT ${org}, ${customer}, ${customer} FROM ${s} WHERE ${customer} IS NOT NULL
    ON CONFLICT DO NOTHING`.execute(trx);
}

/** Records in `changed` the tickets of staged events that are new or differ from the stored ones. */
export async function markChangedTickets<R, C>(
  trx: Trx,
  events: Stage<R>,
  changed: Stage<C>,
  orgId: number,
): Promise<void> {
  await sql`INSERT INTO ${changed.table} (row_no, ticket_id)
    SELECT 0, ticket_id FROM (
      SELECT DISTINCT s.ticket_id FROM ${events.table} s
      LEFT JOIN ticket_events t ON t.org_id = ${orgId} AND t.id = s.id
      WHERE t.id IS NULL OR t.content_hash <> s.content_hash) c`.execute(trx);
}

/**
 * A ticket's current state from all its stored events, in SQL (set-based, bounded memory): created at
 * its `created` event (else its first event); each attribute the latest value an event set, ties
 * broken by event id; the customer the first one named (else the first customer to write); without any
 * status event, open once an agent replied, else new.
 */
export async function materialiseTicketsFromEvents<C, R>(
  trx: Trx,
  dialect: SqlDialect,
  orgId: number,
  changed: Stage<C>,
  tickets: Stage<R>,
): Promise<void> {
  const id = dialect.binaryOrder(sql.ref('e.id'));
  // Ties in time are broken as the derive step breaks them: by event type, then id.
  const rank = sql`CASE e.type ${sql.join(
    EVENT_TYPE_ORDER.map((t, i) => sql`WHEN ${sql.lit(t)} THEN ${sql.lit(i)}`),
    sql` `,
  )} ELSE ${sql.lit(EVENT_TYPE_ORDER.length)} END`;
  const last = (column: string) =>
    sql`(array_agg(${sql.ref(`e.${column}`)} ORDER BY e.at DESC, ${rank} DESC, ${id} DESC) FILTER (WHERE ${sql.ref(`e.${column}`)} IS NOT NULL))[1]`;
  const first = (value: RawBuilder<unknown>, condition: RawBuilder<unknown>) =>
    sql`(array_agg(${value} ORDER BY e.at, ${rank}, ${id}) FILTER (WHERE ${condition}))[1]`;
  const state = sql`SELECT e.ticket_id AS id,
      coalesce(min(e.at) FILTER (WHERE e.type = 'created'), min(e.at)) AS created_at,
      coalesce(${last('status')}, CASE WHEN count(*) FILTER (WHERE e.type = 'agent_reply') > 0 THEN 'open' ELSE 'new' END) AS status,
      ${last('priority')} AS priority,
      ${first(sql`e.channel`, sql`e.channel IS NOT NULL`)} AS channel, ${last('desk')} AS desk_id,
      ${last('team')} AS team_id, ${last('assignee')} AS assignee_id,
      coalesce(${first(sql`e.customer`, sql`e.customer IS NOT NULL`)},
               ${first(sql`e.actor`, sql`e.actor_type = 'customer' AND e.actor IS NOT NULL`)}) AS customer_id,
      ${last('ticket_type')} AS ticket_type,
      coalesce(${last('tags')}, ' ') AS tags
    FROM ticket_events e
    JOIN ${changed.table} c ON c.ticket_id = e.ticket_id
    WHERE e.org_id = ${orgId}
    GROUP BY e.ticket_id`;
  // The hash only has to tell a changed state from an unchanged one on the same engine.
  const hashed = [
    'id',
    'created_at',
    'status',
    'priority',
    'channel',
    'desk_id',
    'team_id',
    'assignee_id',
    'customer_id',
    'ticket_type',
    'tags',
  ];
  const digest = sql`md5(concat_ws('|', ${sql.join(hashed.map((c) => sql`coalesce(CAST(${sql.ref(`s.${c}`)} AS text), '~')`))}))`;
  await sql`INSERT INTO ${tickets.table} (row_no, id, created_at, status, priority, channel, desk_id, team_id, assignee_id,
      customer_id, ticket_type, tags, content_hash)
    SELECT 0, s.id, s.created_at, s.status, s.priority, s.channel, s.desk_id, s.team_id, s.assignee_id, s.customer_id,
      s.ticket_type, s.tags, ${digest}
    FROM (${state}) s`.execute(trx);
}

/**
 * Recomputes the reviews a stage of ratings touched: review score = weighted mean of the category
 * scores that are not N/A; a critical category below 0.5 makes the review 0 (KPI-DEFINITIONS.md, "QA").
 */
/** A file that holds a review holds all of it: stored ratings of those reviews that the file lacks go. */
export async function dropRatingsMissingFrom<R>(trx: Trx, ratings: Stage<R>, orgId: number): Promise<void> {
  await sql`DELETE FROM qa_ratings WHERE org_id = ${orgId}
    AND review_id IN (SELECT review_id FROM ${ratings.table})
    AND id NOT IN (SELECT id FROM ${ratings.table})`.execute(trx);
}

export async function recomputeQaReviews<R>(trx: Trx, ratings: Stage<R>, orgId: number): Promise<void> {
  const text = (column: string) => ratings.dialect.binaryOrder(sql.ref(`r.${column}`));
  const touched = sql`SELECT DISTINCT review_id FROM ${ratings.table}`;
  await sql`DELETE FROM qa_reviews WHERE org_id = ${orgId} AND id IN (${touched})`.execute(trx);
  const applies = sql`NOT r.na`;
  await sql`INSERT INTO qa_reviews (org_id, id, reviewed_at, agent_id, team_id, desk_id, ticket_id, reviewer, scorecard,
      score_pct, critical_failed)
    SELECT r.org_id, r.review_id, max(r.reviewed_at), max(${text('agent_id')}), max(${text('team_id')}), max(${text('desk_id')}), max(${text('ticket_id')}),
      max(${text('reviewer')}), max(${text('scorecard')}),
      CASE
        WHEN count(CASE WHEN r.critical AND ${applies} AND r.category_score < 0.5 THEN 1 END) > 0 THEN 0
        WHEN sum(CASE WHEN ${applies} THEN r.weight END) > 0
          THEN 100 * sum(CASE WHEN ${applies} THEN r.weight * r.category_score END) / sum(CASE WHEN ${applies} THEN r.weight END)
      END,
      count(CASE WHEN r.critical AND ${applies} AND r.category_score < 0.5 THEN 1 END) > 0
    FROM qa_ratings r
    WHERE r.org_id = ${orgId} AND r.review_id IN (${touched})
    GROUP BY r.org_id, r.review_id`.execute(trx);
}

export async function nextImportId(trx: Trx, orgId: number): Promise<number> {
  const { rows } = await sql<{
    next: number;
  }>`SELECT coalesce(max(id), 0) + 1 AS next FROM imports WHERE org_id = ${orgId}`.execute(trx);
  return rows[0]?.next ?? 1;
}
