import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KRAS } from '../../catalogue/kras.js';
import { DIMENSIONS, GRAINS } from '../../engine/kpi-definition.js';
import { KpiQueryError, parseWhereClauses } from '../../engine/kpi-query.js';
import { kpiNow } from '../../storage/kpi-result-cache.js';
import { KpiScopeError, runKpiQuery } from '../../storage/run-kpi-query.js';
import { EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, forbidden, notFound } from '../http-errors.js';
import { kpiRestriction } from '../kpi-scope.js';
import { errorResponses } from '../schemas.js';

const kpiSchema = z.object({
  id: z.string(),
  name: z.string(),
  kra: z.number().int().nullable(),
  kra_name: z.string().nullable(),
  unit: z.string(),
  direction: z.enum(['higher', 'lower', 'target']),
  source: z.enum(['computed', 'manual']),
  min_n: z.number().int(),
  description: z.string(),
  placement: z.string(),
  dimensions: z.array(z.enum(DIMENSIONS)),
  variants: z.array(z.string()),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The query contract's row (DESIGN.md); the group key is named after `by`. */
const rowSchema = z
  .object({
    kpi: z.string(),
    bucket: z.string(),
    bucket_end: z.string(),
    value: z.number().nullable(),
    unit: z.string(),
    n: z.number(),
    numerator: z.number().nullable(),
    denominator: z.number().nullable(),
    ci_low: z.number().nullable(),
    ci_high: z.number().nullable(),
    significant: z.boolean(),
    trend: z.number().nullable(),
    variant: z.string().nullable(),
  })
  .catchall(z.unknown())
  .describe(
    'One bucket × group; the group key (desk, team, agent, channel or priority) holds its display name',
  );

export const kpiRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const describe = (id: string) => {
    const d = ctx.registry.get(id);
    if (!d) return undefined;
    return {
      id: d.id,
      name: d.name,
      kra: d.kra,
      kra_name: KRAS.find((k) => k.id === d.kra)?.name ?? null,
      unit: d.unit,
      direction: d.direction,
      source: d.source,
      min_n: d.minN,
      description: d.description,
      placement: d.placement,
      dimensions: d.dimensions,
      variants: d.measure.kind === 'ratio' ? Object.keys(d.measure.variants ?? {}) : [],
    };
  };

  app.get(
    '/kras',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        summary: 'The ten KRAs, their index (happy customers / healthy teams) and KPIs',
        response: {
          200: z.array(
            z.object({ id: z.number(), name: z.string(), index: z.string(), kpis: z.array(z.string()) }),
          ),
          ...errorResponses,
        },
      },
    },
    async () =>
      KRAS.map((k) => ({
        ...k,
        kpis: [...ctx.registry.values()].filter((d) => d.kra === k.id).map((d) => d.id),
      })),
  );

  app.get(
    '/kpis',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        summary: 'The KPI catalogue',
        response: { 200: z.array(kpiSchema), ...errorResponses },
      },
    },
    async () => [...ctx.registry.keys()].map((id) => describe(id)!),
  );

  app.get(
    '/kpis/:id',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        params: z.strictObject({ id: z.string().max(64) }),
        response: { 200: kpiSchema, ...errorResponses },
      },
    },
    async (request) => {
      const kpi = describe(request.params.id);
      if (!kpi) throw notFound(`KPI "${request.params.id}"`);
      return kpi;
    },
  );

  app.get(
    '/kpis/:id/values',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        summary: 'A KPI over a period: the rows of the query contract (the same as `deskscore kpi --json`)',
        description:
          'Dates are inclusive, in the organisation time zone. `where` repeats (AND); commas inside one are OR, ' +
          'e.g. where=channel=email,chat&where=priority=high. Team leads see their teams, agents themselves.',
        params: z.strictObject({ id: z.string().max(64) }),
        querystring: z.strictObject({
          from: z.string().regex(DAY, 'use YYYY-MM-DD'),
          to: z.string().regex(DAY, 'use YYYY-MM-DD'),
          grain: z.enum(GRAINS).default('month'),
          by: z.enum(DIMENSIONS).optional(),
          where: z
            .union([z.string().max(2000), z.array(z.string().max(2000)).max(10)])
            .optional()
            .transform((w) => (w === undefined ? [] : Array.isArray(w) ? w : [w])),
          variant: z.string().max(64).optional(),
          statistic: z.enum(['median', 'mean', 'p90']).optional(),
          clock: z.enum(['business', 'calendar']).optional(),
        }),
        response: { 200: z.array(rowSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const def = ctx.registry.get(request.params.id);
      if (!def) throw notFound(`KPI "${request.params.id}"`);
      const q = request.query;
      try {
        const where = parseWhereClauses(q.where);
        return await runKpiQuery(
          ctx.store,
          p.org,
          ctx.registry,
          {
            kpi: def.id,
            from: q.from,
            to: q.to,
            grain: q.grain,
            ...(q.by ? { by: q.by } : {}),
            where,
            ...(q.variant ? { variant: q.variant } : {}),
            ...(q.statistic ? { statistic: q.statistic } : {}),
            ...(q.clock ? { clock: q.clock } : {}),
          },
          kpiNow(ctx.now()),
          kpiRestriction(p, def),
        );
      } catch (error) {
        if (error instanceof KpiScopeError) throw forbidden(error.message);
        if (error instanceof KpiQueryError) throw badRequest('querystring', error.message);
        throw error;
      }
    },
  );
};
