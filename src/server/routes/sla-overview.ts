import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type SlaRestriction, slaOverview } from '../../storage/sla-overview.js';
import { EVERYONE, roles, type UserPrincipal } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, forbidden } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const paretoItem = z.object({ key: z.string(), breaches: z.number(), cumulative_pct: z.number() });

const overviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  totals: z.object({
    achieved: z.number(),
    breached: z.number(),
    total: z.number(),
    compliance: z.number().nullable(),
  }),
  by_target: z.array(
    z.object({
      policy_id: z.string().nullable(),
      policy_name: z.string().nullable(),
      metric: z.string(),
      priority: z.string().nullable(),
      target_seconds: z.number().nullable(),
      business_hours: z.boolean(),
      achieved: z.number(),
      breached: z.number(),
      total: z.number(),
      compliance: z.number().nullable(),
    }),
  ),
  pareto: z.object({
    metric: z.array(paretoItem),
    priority: z.array(paretoItem),
    team: z.array(paretoItem),
    channel: z.array(paretoItem),
    hour: z.array(paretoItem),
    weekday: z.array(paretoItem),
  }),
  at_risk: z.array(
    z.object({
      ticket_id: z.string(),
      metric: z.string(),
      priority: z.string().nullable(),
      team: z.string().nullable(),
      agent: z.string().nullable(),
      channel: z.string().nullable(),
      policy_id: z.string().nullable(),
      due_at: z.date(),
      minutes_left: z.number(),
    }),
  ),
  at_risk_within_hours: z.number(),
});

/** Scoped like the SLA KPIs: team leads their teams, agents their own instances. */
function restriction(p: UserPrincipal): SlaRestriction {
  switch (p.user.role) {
    case 'admin':
    case 'manager':
    case 'viewer':
      return {};
    case 'team_lead':
      return { team: p.user.team_ids };
    case 'agent':
      if (p.user.agent_id === null) throw forbidden('your account is not linked to an agent');
      return { agent: [p.user.agent_id] };
  }
}

/** The dashboard's SLA page: compliance by policy and target, breach Pareto, clocks due soon. */
export const slaOverviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  app.get(
    '/sla/overview',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        summary: 'SLA compliance by policy and target, where breaches concentrate, and clocks due soon',
        description:
          'Outcomes are placed like sla_compliance (when met, or when due) over inclusive local days. The Pareto ' +
          'counts breaches by metric, priority, team, channel, and the local hour and weekday of the breach. ' +
          '`at_risk` lists running clocks due within `within_hours` (default 24). Team leads see their teams, ' +
          'agents their own.',
        querystring: z.strictObject({
          from: z.string().regex(DAY, 'use YYYY-MM-DD'),
          to: z.string().regex(DAY, 'use YYYY-MM-DD'),
          within_hours: z.coerce
            .number()
            .int()
            .min(1)
            .max(24 * 14)
            .default(24),
        }),
        response: { 200: overviewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      if (q.to < q.from) throw badRequest('querystring.to', 'is before from');
      return slaOverview(ctx.store.db, p.org, {
        from: q.from,
        to: q.to,
        now: ctx.now(),
        restriction: restriction(p),
        atRiskHours: q.within_hours,
      });
    },
  );
};
