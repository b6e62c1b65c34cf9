import { z } from 'zod';
import { DIMENSIONS, type Dimension, GRAINS, type KpiDefinition } from './kpi-definition.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A KPI query (DESIGN.md, "Query contract"), validated at the edge before it reaches the compiler. */
export const kpiQuerySchema = z
  .strictObject({
    kpi: z.string().min(1),
    from: z.string().regex(DAY, 'use YYYY-MM-DD'),
    to: z.string().regex(DAY, 'use YYYY-MM-DD'),
    grain: z.enum(GRAINS).default('month'),
    by: z.enum(DIMENSIONS).optional(),
    where: z.partialRecord(z.enum(DIMENSIONS), z.array(z.string().min(1)).min(1)).default({}),
    /** A named variant of the definition (e.g. the FCR variants). */
    variant: z.string().optional(),
    /** For durations: median (default), mean or p90. */
    statistic: z.enum(['median', 'mean', 'p90']).optional(),
    /** For durations: business time (default) or calendar time. */
    clock: z.enum(['business', 'calendar']).optional(),
  })
  .refine((q) => q.from <= q.to, { message: '"to" is before "from"', path: ['to'] });

export type KpiQuery = z.infer<typeof kpiQuerySchema>;
export type KpiQueryInput = z.input<typeof kpiQuerySchema>;

export class KpiQueryError extends Error {}

/** Checks a query against its KPI: dimensions the KPI supports, variants it has. */
export function checkQueryAgainst(def: KpiDefinition, q: KpiQuery): void {
  const dims: Dimension[] = [...(q.by ? [q.by] : []), ...(Object.keys(q.where) as Dimension[])];
  for (const d of dims) {
    if (!def.dimensions.includes(d)) {
      throw new KpiQueryError(
        `${def.id} cannot be segmented by ${d} (it can by: ${def.dimensions.join(', ') || 'nothing'})`,
      );
    }
  }
  const m = def.measure;
  if (q.variant !== undefined) {
    const variants = m.kind === 'ratio' ? Object.keys(m.variants ?? {}) : [];
    if (!variants.includes(q.variant)) {
      throw new KpiQueryError(
        `${def.id} has no variant "${q.variant}"${variants.length ? ` (variants: ${variants.join(', ')})` : ''}`,
      );
    }
  }
  if ((q.statistic || q.clock) && m.kind !== 'statistic') {
    throw new KpiQueryError(`${def.id} is not a duration or mean: --statistic and --calendar do not apply`);
  }
  if (q.clock === 'calendar' && m.kind === 'statistic' && !('business' in m.column)) {
    throw new KpiQueryError(`${def.id} has no calendar variant`);
  }
}

/** `channel=email,chat` clauses (repeatable): AND across clauses, OR inside one; names or ids. */
export function parseWhereClauses(values: readonly string[]): Partial<Record<Dimension, string[]>> {
  const where: Partial<Record<Dimension, string[]>> = {};
  for (const clause of values) {
    const eq = clause.indexOf('=');
    const dim = clause.slice(0, eq).trim() as Dimension;
    if (eq < 1 || !DIMENSIONS.includes(dim)) {
      throw new KpiQueryError(`${clause}: use <${DIMENSIONS.join('|')}>=<value>[,<value>…]`);
    }
    const list = clause
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (list.length === 0) throw new KpiQueryError(`${clause}: no value`);
    // Two clauses on the same dimension must both hold: keep the values they share.
    where[dim] = where[dim] ? where[dim].filter((v) => list.includes(v)) : list;
  }
  return where;
}
