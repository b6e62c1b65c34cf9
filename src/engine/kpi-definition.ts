import { z } from 'zod';

/**
 * The KPI definition schema (DESIGN.md, "Metric engine"). Definitions are data in src/catalogue; they are
 * validated when the registry loads, with the path of every problem, before any SQL is generated.
 */
export const DIMENSIONS = ['desk', 'team', 'agent', 'channel', 'priority'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
export type Grain = (typeof GRAINS)[number];

/**
 * Where rows come from and which timestamp places them in a period. Each source also says which
 * column answers each segment dimension (attribution at the placing event, KPI-DEFINITIONS.md).
 */
export const SOURCES = [
  'tickets_by_created',
  'tickets_by_solve',
  'tickets_by_escalation',
  'replies',
  'sla_by_outcome',
  'sla_by_breached',
  'agent_days',
  'survey_responses',
  'survey_sends',
  'qa_reviews',
  'enrolments_by_due',
  'improvements_by_logged',
  'reports_by_due',
  'reports_by_delivery',
  'measurements',
  'tool_periods',
  'crises_by_resolved',
  'presence',
  'kb_feedback_by_raised',
  'kb_contributions',
  'active_agents',
  'backlog',
] as const;
export type SourceName = (typeof SOURCES)[number];

const filterSchema = z.strictObject({
  column: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** `by_now`: not null and not after the query's "now". */
  op: z.enum(['eq', 'ne', 'is_null', 'not_null', 'gte', 'lte', 'is_true', 'is_false', 'by_now']),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type Filter = z.infer<typeof filterSchema>;

const sideSchema = z.strictObject({
  source: z.enum(SOURCES),
  where: z.array(filterSchema).default([]),
});
export type Side = z.infer<typeof sideSchema>;

const variantFilters = z.record(
  z.string(),
  z.strictObject({ numerator: z.array(filterSchema), denominator: z.array(filterSchema) }),
);

const measureSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), of: sideSchema }),
  z.strictObject({
    kind: z.literal('ratio'),
    numerator: sideSchema,
    denominator: sideSchema,
    /** 100 for percentages. */
    scale: z.number().positive(),
    /** Wilson only when the numerator is a subset of the denominator (a proportion). */
    interval: z.enum(['wilson', 'none']),
    /** Named alternative filters, e.g. the FCR variants. */
    variants: variantFilters.optional(),
    defaultVariant: z.string().optional(),
    /** Adds `trend`: the least-squares slope per period over the last 8 periods. */
    trend: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('statistic'),
    of: sideSchema,
    /** Column per clock: business is the default for durations (KPI-DEFINITIONS.md). */
    column: z
      .strictObject({
        business: z.string().regex(/^[a-z][a-z0-9_]*$/),
        calendar: z.string().regex(/^[a-z][a-z0-9_]*$/),
      })
      .or(z.strictObject({ value: z.string().regex(/^[a-z][a-z0-9_]*$/) })),
    statistic: z.enum(['median', 'mean', 'p90']),
    /** The range values can take (a score scale): intervals are clipped to it. */
    bounds: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  }),
  z.strictObject({ kind: z.literal('backlog') }),
  /** 100 × (promoters − detractors) ÷ responses, with the NPS variance interval. */
  z.strictObject({ kind: z.literal('nps'), of: sideSchema }),
  /**
   * Customers active at the start of each period (became ≤ start, not churned by then): retention is the
   * share still active at its end; churn the share lost during it.
   */
  z.strictObject({ kind: z.literal('lifecycle'), count: z.enum(['retained', 'lost']) }),
  /** Escalations closed in the period ÷ (open at its start + opened in it). */
  z.strictObject({ kind: z.literal('escalation_closure') }),
  /** 100 − WAPE of the latest forecast per target day in the period against the tickets created that day. */
  z.strictObject({ kind: z.literal('forecast_accuracy') }),
  /** At each period end: controls whose latest check before it passed ÷ controls checked by then. */
  z.strictObject({ kind: z.literal('controls_passing') }),
  /**
   * Articles published at the end of each period that were reviewed as accurate within the window
   * before it and have no open inaccuracy flag then, over the articles published then.
   */
  z.strictObject({ kind: z.literal('kb_accuracy'), reviewWindowDays: z.number().int().positive() }),
  /** A manual KPI: the values people recorded, summed over the period or the latest one. */
  z.strictObject({ kind: z.literal('manual'), aggregate: z.enum(['sum', 'latest']) }),
  /**
   * For crises resolved in the period: CSAT (top-2-box) in the 14 days after resolution ÷ CSAT in the
   * 28 days before the start × 100, in the affected desk (responses pooled over the period's crises).
   */
  z.strictObject({
    kind: z.literal('crisis_recovery'),
    beforeDays: z.number().int().positive(),
    afterDays: z.number().int().positive(),
  }),
  /** scale × Σ numerator column ÷ Σ denominator column (e.g. seat-weighted adoption); no interval. */
  z.strictObject({
    kind: z.literal('sum_ratio'),
    of: sideSchema,
    numerator: z.string().regex(/^[a-z][a-z0-9_]*$/),
    denominator: z.string().regex(/^[a-z][a-z0-9_]*$/),
    scale: z.number().positive(),
  }),
]);
export type Measure = z.infer<typeof measureSchema>;

export const kpiDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  /** KRA number 1–10 of seed 000, or null for the other built-in KPIs. */
  kra: z.number().int().min(1).max(10).nullable(),
  unit: z.enum(['count', 'seconds', 'percent', 'ratio', 'per_agent_day', 'per_100', 'nps', 'score']),
  direction: z.enum(['higher', 'lower', 'target']),
  source: z.enum(['computed', 'manual']),
  /** Below this n a result is "not significant". */
  minN: z.number().int().min(0),
  description: z.string().min(1),
  placement: z.string().min(1),
  dimensions: z.array(z.enum(DIMENSIONS)),
  measure: measureSchema,
});
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;
export type KpiDefinitionInput = z.input<typeof kpiDefinitionSchema>;

export class KpiDefinitionError extends Error {}

/** Validates a list of definitions: every problem with its path, e.g. `fcr_rate.measure.scale`. */
export function loadDefinitions(inputs: readonly unknown[]): Map<string, KpiDefinition> {
  const problems: string[] = [];
  const registry = new Map<string, KpiDefinition>();
  inputs.forEach((input, index) => {
    const label =
      typeof input === 'object' && input && 'id' in input
        ? String((input as { id: unknown }).id)
        : `#${index}`;
    const result = kpiDefinitionSchema.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push(`${[label, ...issue.path].join('.')}: ${issue.message}`);
      return;
    }
    const def = result.data;
    if (registry.has(def.id)) problems.push(`${label}: duplicate KPI id`);
    const m = def.measure;
    if (m.kind === 'ratio' && m.defaultVariant && !m.variants?.[m.defaultVariant]) {
      problems.push(`${label}.measure.defaultVariant: "${m.defaultVariant}" is not one of the variants`);
    }
    registry.set(def.id, def);
  });
  if (problems.length > 0)
    throw new KpiDefinitionError(`invalid KPI definitions:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return registry;
}
