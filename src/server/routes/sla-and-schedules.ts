import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { slaPolicySchema } from '../../derive/sla-policy.js';
import { deriveTickets } from '../../jobs/derive-tickets.js';
import {
  deleteSchedule,
  deleteSlaPolicy,
  loadSettingsDocument,
  saveSchedule,
  saveSlaPolicy,
  scheduleSchema,
} from '../../storage/settings-repository.js';
import { ADMINS, EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, conflict, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses } from '../schemas.js';

const idParam = z.strictObject({ id: z.string().min(1).max(200) });
const derivedSchema = z.object({ tickets_derived: z.number().int() });

/**
 * SLA policies and business schedules one by one (the /settings document holds them all). Every
 * change re-derives the organisation's tickets before answering, so KPIs agree with the new rules.
 */
export const slaAndScheduleRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;
  const rederive = async (orgId: number) => {
    const org = await db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    return (await ctx.writes.run(() => deriveTickets(ctx.store, org, { kind: 'all' }))).tickets;
  };

  app.get(
    '/sla-policies',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['sla'],
        summary: 'SLA policies, in order of precedence',
        response: { 200: z.array(slaPolicySchema), ...errorResponses },
      },
    },
    async (request) => (await loadSettingsDocument(db, userPrincipal(request).org.id)).slaPolicies,
  );

  app.put(
    '/sla-policies/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['sla'],
        summary: 'Create or replace an SLA policy, then re-derive every ticket',
        params: idParam,
        body: slaPolicySchema,
        response: { 200: derivedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const policy = request.body;
      if (policy.id !== request.params.id) throw badRequest('body.id', 'must equal the id in the path');
      const doc = await loadSettingsDocument(db, p.org.id);
      if (policy.scheduleId && !doc.schedules.some((s) => s.id === policy.scheduleId)) {
        throw badRequest('body.scheduleId', `no schedule "${policy.scheduleId}"`);
      }
      const before = doc.slaPolicies.find((x) => x.id === policy.id) ?? null;
      await saveSlaPolicy(db, p.org.id, policy);
      const tickets = await rederive(p.org.id);
      await auditChange(request, {
        action: 'sla_policy_saved',
        targetType: 'sla_policy',
        targetId: policy.id,
        detail: { before, after: policy },
      });
      return { tickets_derived: tickets };
    },
  );

  app.delete(
    '/sla-policies/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['sla'],
        summary: 'Delete an SLA policy, then re-derive every ticket',
        params: idParam,
        response: { 200: derivedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      if (!(await deleteSlaPolicy(db, p.org.id, request.params.id))) throw notFound('SLA policy');
      const tickets = await rederive(p.org.id);
      await auditChange(request, {
        action: 'sla_policy_deleted',
        targetType: 'sla_policy',
        targetId: request.params.id,
      });
      return { tickets_derived: tickets };
    },
  );

  app.get(
    '/schedules',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['sla'],
        summary: 'Business schedules (open hours per weekday, holidays)',
        response: { 200: z.array(scheduleSchema), ...errorResponses },
      },
    },
    async (request) => (await loadSettingsDocument(db, userPrincipal(request).org.id)).schedules,
  );

  app.put(
    '/schedules/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['sla'],
        summary: 'Create or replace a business schedule, then re-derive every ticket',
        params: idParam,
        body: scheduleSchema,
        response: { 200: derivedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const schedule = request.body;
      if (schedule.id !== request.params.id) throw badRequest('body.id', 'must equal the id in the path');
      const before =
        (await loadSettingsDocument(db, p.org.id)).schedules.find((x) => x.id === schedule.id) ?? null;
      await saveSchedule(db, p.org.id, schedule);
      const tickets = await rederive(p.org.id);
      await auditChange(request, {
        action: 'schedule_saved',
        targetType: 'schedule',
        targetId: schedule.id,
        detail: { before, after: schedule },
      });
      return { tickets_derived: tickets };
    },
  );

  app.delete(
    '/schedules/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['sla'],
        summary: 'Delete a business schedule no SLA policy uses, then re-derive every ticket',
        params: idParam,
        response: { 200: derivedSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const users = (await loadSettingsDocument(db, p.org.id)).slaPolicies.filter(
        (x) => x.scheduleId === request.params.id,
      );
      if (users.length > 0) {
        throw conflict('params.id', `SLA policies use this schedule: ${users.map((x) => x.id).join(', ')}`);
      }
      if (!(await deleteSchedule(db, p.org.id, request.params.id))) throw notFound('schedule');
      const tickets = await rederive(p.org.id);
      await auditChange(request, {
        action: 'schedule_deleted',
        targetType: 'schedule',
        targetId: request.params.id,
      });
      return { tickets_derived: tickets };
    },
  );
};
