import { z } from 'zod';
import { CATALOGUE } from '../../catalogue/index.js';
import {
  DEFAULT_INTERVAL,
  parseParams,
  RuleError,
  type RuleInput,
  ruleInputSchema,
  SCOPES_OF,
} from '../../engine/alert-rules.js';
import { isClockTime } from '../../engine/alert-timing.js';
import { GOAL_SCOPES, type GoalScopeKind } from '../../engine/goals.js';
import type {
  AlertRule,
  Channel,
  ChannelConfig,
  ChannelSecrets,
  RuleRecordInput,
} from '../../storage/alerts-repository.js';
import { listChannels } from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import {
  REPORT_FORMATS,
  type ReportSchedule,
  SCHEDULED_REPORTS,
  type ScheduleRecordInput,
} from '../../storage/report-schedules-repository.js';
import { findScope, type Scope } from '../../storage/scopes.js';
import { measurableAt } from '../measure-kpi.js';
import type { ParsedChannelInput } from './channels.js';
import { SecretError, storeSecret } from './secrets.js';

/**
 * Turns what a person asks for (API bodies) into stored channels, rules and schedules: parameters
 * validated per kind, scopes resolved by id or name, channels checked, secrets stored as references
 * or ciphertexts. Problems are `InputError`s naming the field.
 */

export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(['body', ...issue.path.map(String)].join('.'), issue.message);
}

/** A channel's stored form; on a change, secrets not given again are kept. */
export function channelRecord(
  orgId: number,
  input: ParsedChannelInput,
  existing: Channel | null,
  env: NodeJS.ProcessEnv = process.env,
): { name: string; config: ChannelConfig; secrets: ChannelSecrets } {
  const secrets: ChannelSecrets = {};
  const keep = existing && existing.config.kind === input.kind ? existing.secrets : {};
  const store = (field: string, given: Parameters<typeof storeSecret>[0]) => {
    try {
      return storeSecret(given, orgId, env);
    } catch (error) {
      if (error instanceof SecretError) throw new InputError(field, error.message);
      throw error;
    }
  };
  if (input.kind === 'email') {
    if (input.smtp?.password) secrets.smtp_password = store('body.smtp.password', input.smtp.password);
    else if (input.smtp?.user && keep.smtp_password) secrets.smtp_password = keep.smtp_password;
    if (input.smtp?.user && !secrets.smtp_password) {
      throw new InputError(
        'body.smtp.password',
        'an SMTP user needs a password: {"env": "NAME"} or {"value": "…"}',
      );
    }
    return {
      name: input.name,
      config: {
        kind: 'email',
        to: input.to,
        from: input.from ?? null,
        smtp: input.smtp
          ? {
              host: input.smtp.host,
              port: input.smtp.port ?? null,
              security: input.smtp.security,
              user: input.smtp.user ?? null,
              tls_reject_unauthorized: input.smtp.tls_reject_unauthorized,
            }
          : null,
      },
      secrets,
    };
  }
  if (input.signing_secret) secrets.signing_secret = store('body.signing_secret', input.signing_secret);
  else if (keep.signing_secret) secrets.signing_secret = keep.signing_secret;
  return { name: input.name, config: { kind: 'webhook', url: input.url, format: input.format }, secrets };
}

async function resolveScopeInput(
  store: Store,
  org: Organization,
  scope: { kind: GoalScopeKind; id?: string | undefined },
): Promise<Scope> {
  if (scope.kind !== 'organization' && !scope.id)
    throw new InputError('body.scope.id', `name the ${scope.kind}`);
  const found = await findScope(store.db, org.id, scope.kind, scope.id ?? null);
  if (!found) throw new InputError('body.scope.id', `no ${scope.kind} "${scope.id}" in this organisation`);
  return found;
}

async function checkChannels(store: Store, org: Organization, ids: readonly number[]): Promise<void> {
  const known = new Set((await listChannels(store.db, org.id)).map((c) => c.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0)
    throw new InputError(
      'body.channel_ids',
      `no channel ${missing.map((m) => `#${m}`).join(', ')} in this organisation`,
    );
}

/** A rule as stored, from a creation body (or a change merged over the stored rule). */
export async function ruleRecord(
  store: Store,
  org: Organization,
  body: RuleInput,
  createdBy: string,
): Promise<{ record: RuleRecordInput; scope: Scope }> {
  const input = parseOrThrow(ruleInputSchema, body);
  if (!SCOPES_OF[input.kind].includes(input.scope.kind)) {
    throw new InputError(
      'body.scope.kind',
      `a ${input.kind} rule watches ${SCOPES_OF[input.kind].join(', ')}`,
    );
  }
  const scope = await resolveScopeInput(store, org, input.scope);
  let params: Record<string, unknown>;
  try {
    params = parseParams(input.kind, input.params) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof RuleError) throw new InputError(`body.${error.field}`, error.message);
    throw error;
  }
  if (input.kind === 'kpi_threshold') {
    const def = CATALOGUE.get(String(params.kpi));
    if (!def) throw new InputError('body.params.kpi', `unknown KPI "${String(params.kpi)}"`);
    if (!measurableAt(def, scope.kind)) {
      throw new InputError('body.params.kpi', `${def.id} is not measured per ${scope.kind}`);
    }
  }
  await checkChannels(store, org, input.channel_ids);
  return {
    scope,
    record: {
      name: input.name,
      kind: input.kind,
      scope: { kind: scope.kind, id: scope.id },
      params,
      channel_ids: [...new Set(input.channel_ids)],
      interval_minutes: input.interval_minutes ?? DEFAULT_INTERVAL[input.kind],
      quiet_hours: input.quiet_hours ?? null,
      enabled: input.enabled,
      created_by: createdBy,
    },
  };
}

/** The creation body a stored rule corresponds to (a change is merged over it). */
export function ruleAsInput(r: AlertRule): RuleInput {
  return {
    name: r.name,
    kind: r.kind,
    scope: r.scope.id === null ? { kind: r.scope.kind } : { kind: r.scope.kind, id: r.scope.id },
    params: r.params,
    channel_ids: r.channel_ids,
    interval_minutes: r.interval_minutes,
    quiet_hours: r.quiet_hours,
    enabled: r.enabled,
  };
}

const clock = z.string().refine(isClockTime, 'a time of day as HH:MM');

export const scheduleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  report: z.enum(SCHEDULED_REPORTS),
  scope: z
    .strictObject({ kind: z.enum(GOAL_SCOPES), id: z.string().min(1).max(200).optional() })
    .default({ kind: 'organization' }),
  channel_ids: z.array(z.number().int().positive()).min(1).max(20),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(['pdf', 'csv', 'xlsx']),
  /** Weekly reports: ISO weekday, 1 = Monday (default). */
  weekday: z.number().int().min(1).max(7).optional(),
  /** The monthly KRA review: day of the month, 1 (default) to 28. */
  day_of_month: z.number().int().min(1).max(28).optional(),
  at: clock.default('08:00'),
  /** The report is due this long after its slot (default 60 minutes). */
  grace_minutes: z.number().int().min(0).max(10_080).default(60),
  enabled: z.boolean().default(true),
});
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

export async function scheduleRecord(
  store: Store,
  org: Organization,
  body: ScheduleInput,
  createdBy: string,
): Promise<{ record: ScheduleRecordInput; scope: Scope }> {
  const input = parseOrThrow(scheduleInputSchema, body);
  if (input.report !== 'agent_weekly' && input.scope.kind === 'agent') {
    throw new InputError(
      'body.scope.kind',
      `a ${input.report} report is for the organisation, a desk or a team`,
    );
  }
  const scope = await resolveScopeInput(store, org, input.scope);
  await checkChannels(store, org, input.channel_ids);
  const monthly = input.report === 'kra_review';
  if (monthly && input.weekday !== undefined)
    throw new InputError('body.weekday', 'the monthly KRA review takes day_of_month');
  if (!monthly && input.day_of_month !== undefined)
    throw new InputError('body.day_of_month', 'weekly reports take weekday');
  return {
    scope,
    record: {
      name: input.name,
      report: input.report,
      scope: { kind: scope.kind, id: scope.id },
      channel_ids: [...new Set(input.channel_ids)],
      formats: [...new Set(input.formats)],
      weekday: monthly ? null : (input.weekday ?? 1),
      day_of_month: monthly ? (input.day_of_month ?? 1) : null,
      at: input.at,
      grace_minutes: input.grace_minutes,
      enabled: input.enabled,
      created_by: createdBy,
    },
  };
}

export function scheduleAsInput(s: ReportSchedule): ScheduleInput {
  return {
    name: s.name,
    report: s.report,
    scope: s.scope.id === null ? { kind: s.scope.kind } : { kind: s.scope.kind, id: s.scope.id },
    channel_ids: s.channel_ids,
    formats: s.formats,
    ...(s.weekday !== null ? { weekday: s.weekday } : {}),
    ...(s.day_of_month !== null ? { day_of_month: s.day_of_month } : {}),
    at: s.at,
    grace_minutes: s.grace_minutes,
    enabled: s.enabled,
  };
}
