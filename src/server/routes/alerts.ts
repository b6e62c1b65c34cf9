import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RULE_KINDS, type RuleInput, ruleInputSchema, rulePatchSchema } from '../../engine/alert-rules.js';
import { GOAL_SCOPES, type GoalScopeKind } from '../../engine/goals.js';
import { channelInputSchema, channelView } from '../../jobs/alerts/channels.js';
import { type Hierarchy, loadHierarchy } from '../../jobs/alerts/conditions.js';
import { sendTest } from '../../jobs/alerts/deliver.js';
import { channelRecord, InputError, ruleAsInput, ruleRecord } from '../../jobs/alerts/manage.js';
import { testMessage } from '../../jobs/alerts/messages.js';
import {
  type AlertRule,
  deleteChannel,
  deleteRule,
  getChannel,
  getRule,
  insertChannel,
  insertRule,
  listChannels,
  listDeliveries,
  listEvents,
  listRules,
  updateChannel,
  updateRule,
} from '../../storage/alerts-repository.js';
import { listSchedules } from '../../storage/report-schedules-repository.js';
import { actorLabel, roles, type UserPrincipal } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, conflict, forbidden, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, idParam } from '../schemas.js';

/**
 * Alert channels, rules, events and the delivery log (docs/alerts-and-reports.md). Admins manage
 * channels (they hold secrets, which are never returned); admins and managers manage rules of any
 * scope, team leads those of the teams they lead (and their agents); every change is audited.
 */

const secretView = z.union([z.object({ env: z.string() }), z.object({ stored: z.literal(true) })]);
const channelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['email', 'webhook']),
  config: z.union([
    z.object({
      kind: z.literal('email'),
      to: z.array(z.string()),
      from: z.string().nullable(),
      smtp: z
        .object({
          host: z.string(),
          port: z.number().nullable(),
          security: z.enum(['tls', 'starttls', 'none']),
          user: z.string().nullable(),
          tls_reject_unauthorized: z.boolean(),
        })
        .nullable(),
    }),
    z.object({ kind: z.literal('webhook'), url: z.string(), format: z.enum(['json', 'slack']) }),
  ]),
  secrets: z.record(z.string(), secretView),
  created_by: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
});

const ruleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  scope: z.object({ kind: z.enum(GOAL_SCOPES), id: z.string().nullable() }),
  params: z.record(z.string(), z.unknown()),
  channel_ids: z.array(z.number().int()),
  interval_minutes: z.number().int(),
  quiet_hours: z.object({ start: z.string(), end: z.string() }).nullable(),
  enabled: z.boolean(),
  created_by: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
});

const eventSchema = z.object({
  id: z.number().int(),
  rule_id: z.number().int(),
  subject_key: z.string(),
  subject: z.string(),
  state: z.enum(['firing', 'resolved']),
  fired_at: z.date(),
  last_seen_at: z.date(),
  resolved_at: z.date().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

const DELIVERY_STATUSES = ['held', 'pending', 'sending', 'sent', 'failed', 'suppressed'] as const;
const DELIVERY_KINDS = ['firing', 'resolved', 'test', 'report'] as const;
const deliverySchema = z.object({
  id: z.string(),
  channel_id: z.number().int(),
  rule_id: z.number().int().nullable(),
  event_ids: z.array(z.number().int()),
  report_id: z.string().nullable(),
  kind: z.enum(DELIVERY_KINDS),
  title: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  next_attempt_at: z.date().nullable(),
  last_error: z.string().nullable(),
  response: z.string().nullable(),
  created_at: z.date(),
  sent_at: z.date().nullable(),
  /** Subjects of the notice, or attachments' names and sizes; never a secret. */
  message: z.record(z.string(), z.unknown()).optional(),
});

/** Whether a team lead may manage what watches this scope: one of their teams, or an agent of one. */
export function leadsScope(
  p: UserPrincipal,
  scope: { kind: GoalScopeKind; id: string | null },
  h: Hierarchy,
): boolean {
  if (p.user.role === 'admin' || p.user.role === 'manager') return true;
  if (p.user.role !== 'team_lead' || scope.id === null) return false;
  if (scope.kind === 'team') return p.user.team_ids.includes(scope.id);
  if (scope.kind === 'agent') {
    const team = h.agentTeam.get(scope.id);
    return team !== undefined && team !== null && p.user.team_ids.includes(team);
  }
  return false;
}

export function inputProblem(error: unknown): never {
  if (error instanceof InputError) throw badRequest(error.field, error.message);
  throw error;
}

async function visibleRules(request: FastifyRequest, p: UserPrincipal): Promise<AlertRule[]> {
  const rules = await listRules(request.server.deskscore.store.db, p.org.id);
  if (p.user.role !== 'team_lead') return rules;
  const h = await loadHierarchy(request.server.deskscore.store, p.org.id);
  return rules.filter((r) => leadsScope(p, r.scope, h));
}

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  // ---- channels ----
  app.get(
    '/alerts/channels',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary: 'Delivery channels (e-mail, webhooks); secrets only as where they come from',
        response: { 200: z.array(channelSchema), ...errorResponses },
      },
    },
    async (request) => (await listChannels(db, userPrincipal(request).org.id)).map(channelView),
  );

  app.post(
    '/alerts/channels',
    {
      config: { access: roles(['admin']) },
      schema: {
        tags: ['alerts'],
        summary:
          'Add a channel: {"kind":"email","to":[…],"smtp":{host,port,security,user,password}} or {"kind":"webhook","url","format":"json"|"slack","signing_secret"}; a secret is {"env":"NAME"} or {"value":"…"} (stored encrypted)',
        body: channelInputSchema,
        response: { 201: channelSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      let record: ReturnType<typeof channelRecord>;
      try {
        record = channelRecord(p.org.id, request.body, null);
      } catch (error) {
        inputProblem(error);
      }
      const channel = await insertChannel(db, p.org.id, { ...record, createdBy: actorLabel(p) });
      const view = channelView(channel);
      await auditChange(request, {
        action: 'alert_channel_created',
        targetType: 'alert_channel',
        targetId: channel.id,
        detail: { name: view.name, config: view.config, secrets: view.secrets },
      });
      return reply.code(201).send(view);
    },
  );

  app.put(
    '/alerts/channels/:id',
    {
      config: { access: roles(['admin']) },
      schema: {
        tags: ['alerts'],
        summary: 'Replace a channel; a secret not given again is kept',
        params: idParam,
        body: channelInputSchema,
        response: { 200: channelSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const existing = await getChannel(db, p.org.id, request.params.id);
      if (!existing) throw notFound('channel');
      let record: ReturnType<typeof channelRecord>;
      try {
        record = channelRecord(p.org.id, request.body, existing);
      } catch (error) {
        inputProblem(error);
      }
      await updateChannel(db, p.org.id, existing.id, record);
      const view = channelView((await getChannel(db, p.org.id, existing.id))!);
      await auditChange(request, {
        action: 'alert_channel_changed',
        targetType: 'alert_channel',
        targetId: existing.id,
        detail: { name: view.name, config: view.config, secrets: view.secrets },
      });
      return view;
    },
  );

  app.delete(
    '/alerts/channels/:id',
    {
      config: { access: roles(['admin']) },
      schema: {
        tags: ['alerts'],
        summary: 'Delete a channel no rule or report schedule uses',
        params: idParam,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const id = request.params.id;
      if (!(await getChannel(db, p.org.id, id))) throw notFound('channel');
      const users = [
        ...(await listRules(db, p.org.id))
          .filter((r) => r.channel_ids.includes(id))
          .map((r) => `rule #${r.id}`),
        ...(await listSchedules(db, p.org.id))
          .filter((s) => s.channel_ids.includes(id))
          .map((s) => `report schedule #${s.id}`),
      ];
      if (users.length > 0) throw conflict('params.id', `the channel is used by ${users.join(', ')}`);
      await deleteChannel(db, p.org.id, id);
      await auditChange(request, {
        action: 'alert_channel_deleted',
        targetType: 'alert_channel',
        targetId: id,
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/alerts/channels/:id/test',
    {
      config: { access: roles(['admin', 'manager']) },
      schema: {
        tags: ['alerts'],
        summary: 'Send a test message on a channel now (no retries) and say whether it went',
        params: idParam,
        response: {
          200: z.object({
            id: z.string(),
            channel_id: z.number().int(),
            status: z.enum(DELIVERY_STATUSES),
            attempts: z.number().int(),
            error: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const channel = await getChannel(db, p.org.id, request.params.id);
      if (!channel) throw notFound('channel');
      const now = ctx.now();
      const outcome = await sendTest(
        ctx.store,
        p.org,
        channel,
        testMessage(p.org, channel.name, p.user.email, now),
        { now },
      );
      await auditChange(request, {
        action: 'alert_test_sent',
        targetType: 'alert_channel',
        targetId: channel.id,
        detail: { status: outcome.status, delivery: outcome.id },
      });
      return {
        id: outcome.id,
        channel_id: outcome.channel_id,
        status: outcome.status,
        attempts: outcome.attempts,
        error: outcome.error,
      };
    },
  );

  // ---- rules ----
  app.get(
    '/alerts/rules',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary: 'Alert rules (a team lead sees those of their teams)',
        response: { 200: z.array(ruleSchema), ...errorResponses },
      },
    },
    async (request) => visibleRules(request, userPrincipal(request)),
  );

  app.post(
    '/alerts/rules',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary:
          'Add an alert rule: kind kpi_threshold {kpi, op, threshold, window_days}, goal_status {statuses}, sla_risk {within_minutes}, counterweight, volume_spike {level, channel}; a scope; channels; interval; quiet hours',
        body: ruleInputSchema,
        response: { 201: ruleSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      let built: Awaited<ReturnType<typeof ruleRecord>>;
      try {
        built = await ruleRecord(ctx.store, p.org, request.body, actorLabel(p));
      } catch (error) {
        inputProblem(error);
      }
      if (!leadsScope(p, built.record.scope, await loadHierarchy(ctx.store, p.org.id))) {
        throw forbidden('a team lead sets alerts for the teams they lead (or their agents)');
      }
      const rule = await insertRule(db, p.org.id, built.record);
      await auditChange(request, {
        action: 'alert_rule_created',
        targetType: 'alert_rule',
        targetId: rule.id,
        detail: { ...built.record },
      });
      return reply.code(201).send(rule);
    },
  );

  const ruleFor = async (request: FastifyRequest, p: UserPrincipal, id: number): Promise<AlertRule> => {
    const rule = await getRule(db, p.org.id, id);
    if (!rule) throw notFound('alert rule');
    if (!leadsScope(p, rule.scope, await loadHierarchy(request.server.deskscore.store, p.org.id))) {
      throw forbidden('a team lead manages the alerts of the teams they lead');
    }
    return rule;
  };

  app.patch(
    '/alerts/rules/:id',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary: 'Change an alert rule (name, scope, params, channels, interval, quiet hours, enabled)',
        params: idParam,
        body: rulePatchSchema,
        response: { 200: ruleSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const rule = await ruleFor(request, p, request.params.id);
      const merged = { ...ruleAsInput(rule), ...request.body } as RuleInput;
      let built: Awaited<ReturnType<typeof ruleRecord>>;
      try {
        built = await ruleRecord(ctx.store, p.org, merged, rule.created_by);
      } catch (error) {
        inputProblem(error);
      }
      if (!leadsScope(p, built.record.scope, await loadHierarchy(ctx.store, p.org.id))) {
        throw forbidden('a team lead sets alerts for the teams they lead (or their agents)');
      }
      await updateRule(db, p.org.id, rule.id, built.record);
      await auditChange(request, {
        action: 'alert_rule_changed',
        targetType: 'alert_rule',
        targetId: rule.id,
        detail: { ...request.body },
      });
      return (await getRule(db, p.org.id, rule.id))!;
    },
  );

  app.delete(
    '/alerts/rules/:id',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary: 'Delete an alert rule with its events (its deliveries stay in the log)',
        params: idParam,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const rule = await ruleFor(request, p, request.params.id);
      await deleteRule(db, p.org.id, rule.id);
      await auditChange(request, {
        action: 'alert_rule_deleted',
        targetType: 'alert_rule',
        targetId: rule.id,
        detail: { name: rule.name },
      });
      return reply.code(204).send(null);
    },
  );

  // ---- events and the delivery log ----
  app.get(
    '/alerts/events',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['alerts'],
        summary: 'What fired and when it cleared, newest first (a team lead sees their rules)',
        querystring: z.strictObject({
          state: z.enum(['firing', 'resolved']).optional(),
          rule_id: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.array(eventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      const ids = (await visibleRules(request, p))
        .map((r) => r.id)
        .filter((id) => q.rule_id === undefined || id === q.rule_id);
      return listEvents(db, p.org.id, { state: q.state, ruleIds: ids, limit: q.limit });
    },
  );

  app.get(
    '/alerts/deliveries',
    {
      config: { access: roles(['admin', 'manager']) },
      schema: {
        tags: ['alerts'],
        summary:
          'The delivery log: notices, reports and tests with attempts, errors and send times, newest first',
        querystring: z.strictObject({
          status: z.enum(DELIVERY_STATUSES).optional(),
          kind: z.enum(DELIVERY_KINDS).optional(),
          rule_id: z.coerce.number().int().positive().optional(),
          channel_id: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.array(deliverySchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      const rows = await listDeliveries(db, p.org.id, {
        status: q.status,
        kind: q.kind,
        ruleId: q.rule_id,
        channelId: q.channel_id,
        limit: q.limit,
      });
      return rows.map(({ payload, ...d }) => {
        const message = (payload.message ?? {}) as {
          json?: Record<string, unknown>;
          attachments?: Array<Record<string, unknown>>;
        };
        return {
          ...d,
          message: {
            ...(Array.isArray(payload.items) ? { items: payload.items } : {}),
            ...(message.attachments
              ? { attachments: message.attachments.map((a) => ({ filename: a.filename, size: a.size })) }
              : {}),
          },
        };
      });
    },
  );
};
