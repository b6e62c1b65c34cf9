import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GOAL_SCOPES } from '../../engine/goals.js';
import { loadHierarchy } from '../../jobs/alerts/conditions.js';
import { scheduleAsInput, scheduleInputSchema, scheduleRecord } from '../../jobs/alerts/manage.js';
import {
  deleteSchedule,
  getReport,
  getSchedule,
  insertSchedule,
  listReports,
  listSchedules,
  REPORT_FORMATS,
  type ReportSchedule,
  recordCorrection,
  SCHEDULED_REPORTS,
  updateSchedule,
} from '../../storage/report-schedules-repository.js';
import { actorLabel, roles, type UserPrincipal } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, forbidden, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, idParam } from '../schemas.js';
import { inputProblem, leadsScope } from './alerts.js';

/**
 * Report schedules (weekly manager report, monthly KRA review, agents' own weekly summaries), the
 * reports owed (imported and scheduled, with due, delivered and corrected times) and corrections.
 */

const scheduleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  report: z.enum(SCHEDULED_REPORTS),
  scope: z.object({ kind: z.enum(GOAL_SCOPES), id: z.string().nullable() }),
  channel_ids: z.array(z.number().int()),
  formats: z.array(z.enum(REPORT_FORMATS)),
  weekday: z.number().int().nullable(),
  day_of_month: z.number().int().nullable(),
  at: z.string(),
  grace_minutes: z.number().int(),
  enabled: z.boolean(),
  created_by: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
});

const reportSchema = z.object({
  id: z.string(),
  report: z.string(),
  due_at: z.date(),
  delivered_at: z.date().nullable(),
  corrected_at: z.date().nullable(),
  desk_id: z.string().nullable(),
  team_id: z.string().nullable(),
  on_time_accurate: z.boolean(),
  scheduled: z.boolean(),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  const visibleSchedules = async (p: UserPrincipal): Promise<ReportSchedule[]> => {
    const all = await listSchedules(db, p.org.id);
    if (p.user.role !== 'team_lead') return all;
    const h = await loadHierarchy(ctx.store, p.org.id);
    return all.filter((s) => leadsScope(p, s.scope, h));
  };

  const scheduleFor = async (
    request: FastifyRequest,
    p: UserPrincipal,
    id: number,
  ): Promise<ReportSchedule> => {
    const s = await getSchedule(db, p.org.id, id);
    if (!s) throw notFound('report schedule');
    if (!leadsScope(p, s.scope, await loadHierarchy(request.server.deskscore.store, p.org.id))) {
      throw forbidden('a team lead manages the report schedules of the teams they lead');
    }
    return s;
  };

  app.get(
    '/report-schedules',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['reports'],
        summary: 'Report schedules (a team lead sees those of their teams)',
        response: { 200: z.array(scheduleSchema), ...errorResponses },
      },
    },
    async (request) => visibleSchedules(userPrincipal(request)),
  );

  app.post(
    '/report-schedules',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['reports'],
        summary:
          "Schedule a report: weekly (manager report), kra_review (monthly) or agent_weekly (each agent's own summary, e-mailed to them), in the organisation's time zone",
        body: scheduleInputSchema,
        response: { 201: scheduleSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      let built: Awaited<ReturnType<typeof scheduleRecord>>;
      try {
        built = await scheduleRecord(ctx.store, p.org, request.body, actorLabel(p));
      } catch (error) {
        inputProblem(error);
      }
      if (!leadsScope(p, built.record.scope, await loadHierarchy(ctx.store, p.org.id))) {
        throw forbidden('a team lead schedules reports for the teams they lead');
      }
      const s = await insertSchedule(db, p.org.id, built.record);
      await auditChange(request, {
        action: 'report_schedule_created',
        targetType: 'report_schedule',
        targetId: s.id,
        detail: { ...built.record },
      });
      return reply.code(201).send(s);
    },
  );

  app.patch(
    '/report-schedules/:id',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['reports'],
        summary: 'Change a report schedule',
        params: idParam,
        body: scheduleInputSchema.omit({ report: true }).partial(),
        response: { 200: scheduleSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const s = await scheduleFor(request, p, request.params.id);
      let built: Awaited<ReturnType<typeof scheduleRecord>>;
      try {
        built = await scheduleRecord(
          ctx.store,
          p.org,
          { ...scheduleAsInput(s), ...request.body },
          s.created_by,
        );
      } catch (error) {
        inputProblem(error);
      }
      if (!leadsScope(p, built.record.scope, await loadHierarchy(ctx.store, p.org.id))) {
        throw forbidden('a team lead schedules reports for the teams they lead');
      }
      await updateSchedule(db, p.org.id, s.id, built.record);
      await auditChange(request, {
        action: 'report_schedule_changed',
        targetType: 'report_schedule',
        targetId: s.id,
        detail: { ...request.body },
      });
      return (await getSchedule(db, p.org.id, s.id))!;
    },
  );

  app.delete(
    '/report-schedules/:id',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['reports'],
        summary: 'Delete a report schedule (the reports it sent stay)',
        params: idParam,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const s = await scheduleFor(request, p, request.params.id);
      await deleteSchedule(db, p.org.id, s.id);
      await auditChange(request, {
        action: 'report_schedule_deleted',
        targetType: 'report_schedule',
        targetId: s.id,
        detail: { name: s.name },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/reports',
    {
      config: { access: roles(['admin', 'manager', 'team_lead', 'viewer']) },
      schema: {
        tags: ['reports'],
        summary:
          "Reports owed (imported and scheduled) with due, delivered and corrected times, newest due first (a team lead sees their teams' reports)",
        querystring: z.strictObject({
          from: z.string().regex(DAY, 'use YYYY-MM-DD').optional(),
          to: z.string().regex(DAY, 'use YYYY-MM-DD').optional(),
          report: z.string().min(1).max(64).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.array(reportSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      return listReports(db, p.org.id, {
        from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
        to: q.to ? new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
        report: q.report,
        teamIds: p.user.role === 'team_lead' ? p.user.team_ids : undefined,
        limit: q.limit,
      });
    },
  );

  app.post(
    '/reports/:id/correction',
    {
      config: { access: roles(['admin', 'manager']) },
      schema: {
        tags: ['reports'],
        summary:
          'Record that a correction was issued for a report: it no longer counts as on time and accurate',
        params: z.strictObject({ id: z.string().min(1).max(200) }),
        body: z.strictObject({ corrected_at: z.iso.datetime({ offset: true }).optional() }).default({}),
        response: { 200: reportSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const report = await getReport(db, p.org.id, request.params.id);
      if (!report) throw notFound('report');
      const at = request.body.corrected_at ? new Date(request.body.corrected_at) : ctx.now();
      if (report.delivered_at && at.getTime() < report.delivered_at.getTime()) {
        throw badRequest(
          'body.corrected_at',
          `a correction cannot precede the delivery (${report.delivered_at.toISOString()})`,
        );
      }
      const updated = (await recordCorrection(db, p.org.id, report.id, at))!;
      await auditChange(request, {
        action: 'report_corrected',
        targetType: 'report',
        targetId: report.id,
        detail: { corrected_at: at.toISOString() },
      });
      return updated;
    },
  );
};
