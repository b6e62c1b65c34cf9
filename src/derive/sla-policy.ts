import { z } from 'zod';
import { PRIORITIES, STATUSES } from '../ingest/canonical.js';

/**
 * SLA policies (KPI-DEFINITIONS.md, "SLA model"): ordered, first match wins; conditions in the shape
 * Zendesk uses ({all: [...], any: [...]}); targets per priority for first reply, next reply and resolution.
 */
export const SLA_METRICS = ['first_reply', 'next_reply', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

const conditionSchema = z.strictObject({
  field: z.enum(['priority', 'channel', 'team', 'desk', 'type', 'tags', 'customer']),
  operator: z.enum(['is', 'is_not', 'includes', 'not_includes']),
  value: z.union([z.string(), z.array(z.string()).min(1)]),
});

export const slaPolicySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  position: z.number().int(),
  conditions: z
    .strictObject({ all: z.array(conditionSchema).default([]), any: z.array(conditionSchema).default([]) })
    .default({
      all: [],
      any: [],
    }),
  pausingStatuses: z.array(z.enum(STATUSES)).default(['pending', 'on_hold']),
  /** Business-hours targets use this schedule; the organisation's default when absent. */
  scheduleId: z.string().nullable().default(null),
  targets: z
    .array(
      z.strictObject({
        priority: z.enum(PRIORITIES),
        metric: z.enum(SLA_METRICS),
        targetSeconds: z.number().positive(),
        businessHours: z.boolean().default(true),
      }),
    )
    .min(1),
});

export type SlaPolicy = z.infer<typeof slaPolicySchema>;
export type SlaCondition = z.infer<typeof conditionSchema>;

export interface PolicyAttributes {
  priority: string | null;
  channel: string | null;
  team: string | null;
  desk: string | null;
  type: string | null;
  tags: readonly string[];
  customer: string | null;
}

function matches(c: SlaCondition, a: PolicyAttributes): boolean {
  const wanted = Array.isArray(c.value) ? c.value : [c.value];
  if (c.field === 'tags') {
    const has = wanted.some((v) => a.tags.includes(v.toLowerCase()));
    return c.operator === 'is_not' || c.operator === 'not_includes' ? !has : has;
  }
  const actual = a[c.field];
  const equal = actual !== null && wanted.some((v) => v.toLowerCase() === actual.toLowerCase());
  return c.operator === 'is' || c.operator === 'includes' ? equal : !equal;
}

/** The first policy (by position) whose conditions all hold and, if it has any-conditions, one of those. */
export function matchPolicy(policies: readonly SlaPolicy[], a: PolicyAttributes): SlaPolicy | undefined {
  return [...policies]
    .sort((x, y) => x.position - y.position)
    .find(
      (p) =>
        p.conditions.all.every((c) => matches(c, a)) &&
        (p.conditions.any.length === 0 || p.conditions.any.some((c) => matches(c, a))),
    );
}
