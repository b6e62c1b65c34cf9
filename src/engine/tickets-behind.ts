import { type RawBuilder, sql } from 'kysely';
import { type QueryContext, sourceOf, whereClause } from './compile-kpi.js';
import type { Filter, KpiDefinition, Side, SourceName } from './kpi-definition.js';

/**
 * The tickets behind a KPI's number, worst first (for coaching): for a share where higher is better the
 * rows that did not make the numerator (tickets not resolved at first contact, unhappy ratings); where
 * lower is better the rows that did (reopened, escalated); for a duration or score the slowest or lowest
 * rows; for NPS the detractors. Only sources whose rows name a ticket can answer.
 */
const TICKET_SOURCES: ReadonlySet<SourceName> = new Set([
  'tickets_by_created',
  'tickets_by_solve',
  'tickets_by_escalation',
  'replies',
  'sla_by_outcome',
  'sla_by_breached',
  'survey_responses',
  'survey_sends',
  'qa_reviews',
]);

export interface TicketBehindRow {
  ticket_id: string;
  /** The value that ranks it (a duration, a score), or null for shares. */
  x: number | null;
}

const key = (f: Filter) => JSON.stringify([f.column, f.op, f.value ?? null]);

function sidesOf(def: KpiDefinition): { numerator: Side; denominator: Side } | null {
  const m = def.measure;
  if (m.kind !== 'ratio') return null;
  const extra = m.defaultVariant ? m.variants?.[m.defaultVariant] : undefined;
  return {
    numerator: { ...m.numerator, where: [...m.numerator.where, ...(extra?.numerator ?? [])] },
    denominator: { ...m.denominator, where: [...m.denominator.where, ...(extra?.denominator ?? [])] },
  };
}

/** Null when the KPI cannot name tickets (no ticket source, or a ratio of two different sources). */
export function compileTicketsBehind(
  ctx: QueryContext,
  def: KpiDefinition,
  limit: number,
): RawBuilder<TicketBehindRow> | null {
  const m = def.measure;
  const noDims = { ...ctx, where: {} };
  const select = (
    side: Side,
    extraCondition: RawBuilder<boolean>,
    x: RawBuilder<number | null>,
    worstFirst: 'desc' | 'asc',
  ) => {
    if (!TICKET_SOURCES.has(side.source)) return null;
    const spec = sourceOf(side);
    const agg = worstFirst === 'desc' ? sql`max(${x})` : sql`min(${x})`;
    const order = worstFirst === 'desc' ? sql`x DESC NULLS LAST` : sql`x ASC NULLS LAST`;
    return sql<TicketBehindRow>`SELECT f.ticket_id AS ticket_id, ${agg} AS x, max(f.placed_at) AS last_at
      FROM ${spec.rows(ctx.orgId, ctx.start, ctx.end, ctx.now)} f
      WHERE ${whereClause(ctx, side.where, spec.columns)} AND ${extraCondition} AND f.ticket_id IS NOT NULL
      GROUP BY f.ticket_id
      ORDER BY ${order}, last_at DESC, ${ctx.dialect.binaryOrder(sql.ref('f.ticket_id'))}
      LIMIT ${sql.lit(limit)}`;
  };
  const none = sql<number | null>`CAST(NULL AS double precision)`;
  if (m.kind === 'ratio' && def.direction !== 'target') {
    const sides = sidesOf(def)!;
    if (def.direction === 'lower') return select(sides.numerator, sql<boolean>`TRUE`, none, 'desc');
    if (sides.numerator.source !== sides.denominator.source) return null;
    const inDenominator = new Set(sides.denominator.where.map(key));
    const extra = sides.numerator.where.filter((f) => !inDenominator.has(key(f)));
    if (extra.length === 0) return null;
    const spec = sourceOf(sides.denominator);
    const missed = sql<boolean>`(${whereClause(noDims, extra, spec.columns)}) IS NOT TRUE`;
    return select(sides.denominator, missed, none, 'desc');
  }
  if (m.kind === 'statistic' && def.direction !== 'target') {
    const column = 'value' in m.column ? m.column.value : m.column.business;
    const x = sql<number | null>`${sql.ref(`f.${column}`)}`;
    return select(m.of, sql<boolean>`${x} IS NOT NULL`, x, def.direction === 'lower' ? 'desc' : 'asc');
  }
  if (m.kind === 'nps') return select(m.of, sql<boolean>`f.detractor = TRUE`, none, 'desc');
  return null;
}
