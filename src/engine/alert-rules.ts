import { z } from 'zod';
import { SLA_METRICS } from '../derive/sla-policy.js';
import { ALERT_INTERVALS, isClockTime } from './alert-timing.js';
import { GOAL_SCOPES, GOAL_STATUSES, type GoalScopeKind } from './goals.js';

/**
 * Alert rules (issue 10): what is watched, for which scope, how often, and where notices go.
 *
 * - `kpi_threshold`: a KPI over the last `window_days` local days (ending today) is above or below a
 *   threshold — judged only when the value is significant (n at or above the KPI's minimum);
 * - `goal_status`: a goal within the scope is in one of the watched statuses;
 * - `sla_risk`: running SLA clocks within the scope are due within `within_minutes`;
 * - `counterweight`: a counterweight (gaming) warning within the scope;
 * - `volume_spike`: yesterday's ticket volume of the scope (the organisation or a desk) was above the
 *   forecast interval.
 */
export const RULE_KINDS = [
  'kpi_threshold',
  'goal_status',
  'sla_risk',
  'counterweight',
  'volume_spike',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const kpiThresholdParams = z.strictObject({
  kpi: z.string().min(1).max(64),
  op: z.enum(['above', 'below']),
  threshold: z.number().finite(),
  window_days: z.number().int().min(1).max(92).default(7),
});

export const goalStatusParams = z.strictObject({
  statuses: z.array(z.enum(GOAL_STATUSES)).min(1).default(['at_risk', 'off_track', 'missed']),
});

export const slaRiskParams = z.strictObject({
  within_minutes: z.number().int().min(1).max(1440).default(60),
  metrics: z.array(z.enum(SLA_METRICS)).min(1).optional(),
});

export const counterweightParams = z.strictObject({});

export const volumeSpikeParams = z.strictObject({
  level: z.union([z.literal(80), z.literal(95)]).default(95),
  channel: z.string().min(1).max(100).optional(),
});

export const PARAMS_SCHEMAS = {
  kpi_threshold: kpiThresholdParams,
  goal_status: goalStatusParams,
  sla_risk: slaRiskParams,
  counterweight: counterweightParams,
  volume_spike: volumeSpikeParams,
} as const;

export type RuleParams = {
  kpi_threshold: z.infer<typeof kpiThresholdParams>;
  goal_status: z.infer<typeof goalStatusParams>;
  sla_risk: z.infer<typeof slaRiskParams>;
  counterweight: z.infer<typeof counterweightParams>;
  volume_spike: z.infer<typeof volumeSpikeParams>;
};

/** How often each kind is evaluated unless the rule says otherwise (minutes). */
export const DEFAULT_INTERVAL: Record<RuleKind, number> = {
  kpi_threshold: 60,
  goal_status: 1440,
  sla_risk: 5,
  counterweight: 1440,
  volume_spike: 1440,
};

/** Which scopes each kind can watch. */
export const SCOPES_OF: Record<RuleKind, readonly GoalScopeKind[]> = {
  kpi_threshold: GOAL_SCOPES,
  goal_status: GOAL_SCOPES,
  sla_risk: GOAL_SCOPES,
  counterweight: ['organization', 'desk', 'team'],
  volume_spike: ['organization', 'desk'],
};

const clock = z.string().refine(isClockTime, 'a time of day as HH:MM');

export const ruleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(RULE_KINDS),
  /** The organisation (default), or one desk, team or agent by id or name. */
  scope: z
    .strictObject({
      kind: z.enum(GOAL_SCOPES),
      id: z.string().min(1).max(200).optional(),
    })
    .default({ kind: 'organization' }),
  params: z.record(z.string(), z.unknown()).default({}),
  channel_ids: z.array(z.number().int().positive()).min(1).max(20),
  interval_minutes: z
    .number()
    .int()
    .refine((m) => (ALERT_INTERVALS as readonly number[]).includes(m), {
      message: `one of ${ALERT_INTERVALS.join(', ')}`,
    })
    .optional(),
  quiet_hours: z.strictObject({ start: clock, end: clock }).nullable().optional(),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.input<typeof ruleInputSchema>;

export const rulePatchSchema = ruleInputSchema
  .omit({ kind: true })
  .partial()
  .extend({ enabled: z.boolean().optional() });

export interface AlertRule {
  id: number;
  name: string;
  kind: RuleKind;
  scope: { kind: GoalScopeKind; id: string | null; name: string };
  params: Record<string, unknown>;
  channel_ids: number[];
  interval_minutes: number;
  quiet_hours: { start: string; end: string } | null;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export class RuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Validates a kind's parameters (defaults filled in); a problem names the parameter. */
export function parseParams<K extends RuleKind>(kind: K, params: unknown): RuleParams[K] {
  const parsed = PARAMS_SCHEMAS[kind].safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new RuleError(`params${path ? `.${path}` : ''}`, issue.message);
  }
  return parsed.data as RuleParams[K];
}
