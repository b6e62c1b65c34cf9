import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type LiveItem, validateLiveItems } from '../../ingest/live-batch.js';
import { processLiveBatch } from '../../jobs/process-live-batches.js';
import { roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, forbidden, HttpError } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, text } from '../schemas.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const measurementSchema = z.object({
  id: z.string(),
  kpi: z.string(),
  period_start: z.date().nullable(),
  period_end: z.date(),
  value: z.number(),
  desk_id: z.string().nullable(),
  team_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  note: z.string().nullable(),
  entered_by: z.string().nullable(),
});

/** Values people record for manual KPIs (e.g. SLA reviews held, a milestone's progress). */
export const measurementRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  app.get(
    '/measurements',
    {
      config: { access: roles(['admin', 'manager', 'team_lead', 'viewer']) },
      schema: {
        tags: ['measurements'],
        summary:
          'Recorded values of manual KPIs (a team lead sees the organisation-wide ones and their teams)',
        querystring: z.strictObject({
          kpi: z.string().max(64).optional(),
          from: z.string().regex(DAY, 'use YYYY-MM-DD').optional(),
          to: z.string().regex(DAY, 'use YYYY-MM-DD').optional(),
        }),
        response: { 200: z.array(measurementSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      let query = db
        .selectFrom('manual_measurements')
        .select([
          'id',
          'kpi',
          'period_start',
          'period_end',
          'value',
          'desk_id',
          'team_id',
          'agent_id',
          'note',
          'entered_by',
        ])
        .where('org_id', '=', p.org.id);
      if (q.kpi) query = query.where('kpi', '=', q.kpi);
      if (q.from) query = query.where('period_end', '>=', new Date(`${q.from}T00:00:00Z`));
      if (q.to)
        query = query.where(
          'period_end',
          '<',
          new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000),
        );
      if (p.user.role === 'team_lead') {
        const teams = p.user.team_ids;
        query = query.where((eb) =>
          eb.or([
            eb.and([eb('team_id', 'is', null), eb('agent_id', 'is', null)]),
            ...(teams.length > 0 ? [eb('team_id', 'in', teams)] : []),
          ]),
        );
      }
      return query.orderBy('period_end', 'desc').orderBy('kpi').execute();
    },
  );

  app.post(
    '/measurements',
    {
      config: { access: roles(['admin', 'manager', 'team_lead']) },
      schema: {
        tags: ['measurements'],
        summary:
          'Record a value of a manual KPI (one per KPI, period and scope: recording again replaces it)',
        body: z.strictObject({
          kpi: z.string().min(1).max(64),
          period_start: z.string().regex(DAY, 'use YYYY-MM-DD').optional(),
          period_end: z.string().regex(DAY, 'use YYYY-MM-DD'),
          value: z.number(),
          desk: z.string().min(1).max(200).optional(),
          team: z.string().min(1).max(200).optional(),
          agent: z.string().min(1).max(200).optional(),
          note: text(2000).optional(),
        }),
        response: {
          201: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const b = request.body;
      // Scopes name existing desks, teams and agents (by id or name); the API never invents one.
      const scope: Record<string, string> = {};
      for (const [dim, table] of [
        ['desk', 'desks'],
        ['team', 'teams'],
        ['agent', 'agents'],
      ] as const) {
        const given = b[dim];
        if (given === undefined) continue;
        const row = await db
          .selectFrom(table)
          .select('id')
          .where('org_id', '=', p.org.id)
          .where((eb) => eb.or([eb('id', '=', given), eb('name', '=', given)]))
          .orderBy('id')
          .executeTakeFirst();
        if (!row) throw badRequest(`body.${dim}`, `no ${dim} "${given}" in this organisation`);
        scope[dim] = row.id;
      }
      if (
        p.user.role === 'team_lead' &&
        (scope.team === undefined || !p.user.team_ids.includes(scope.team))
      ) {
        throw forbidden('a team lead records values for the teams they lead: name one in "team"');
      }
      const item: LiveItem = {
        shape: 'measurements',
        record: { ...b, ...scope, entered_by: p.user.email },
      };
      const problems = validateLiveItems([item], p.org.time_zone);
      if (problems.length > 0) {
        const issues = problems.map((e) => ({ field: `body.${e.field}`, message: e.reason }));
        throw new HttpError(
          400,
          'invalid_request',
          issues.map((i) => `${i.field}: ${i.message}`).join('; '),
          issues,
        );
      }
      const result = await ctx.writes.run(() => processLiveBatch(ctx.store, p.org, randomUUID(), [item]));
      const counts = result.shapes[0]!;
      await auditChange(request, {
        action: 'measurement_recorded',
        targetType: 'measurement',
        targetId: b.kpi,
        detail: b,
      });
      return reply
        .code(201)
        .send({ created: counts.created, updated: counts.updated, unchanged: counts.unchanged });
    },
  );
};
