import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DRILL_SORTS } from '../../engine/compile-drilldown.js';
import { DIMENSIONS, type KpiDefinition } from '../../engine/kpi-definition.js';
import { KpiQueryError, type KpiQueryInput, parseWhereClauses } from '../../engine/kpi-query.js';
import { writeCsv } from '../../reports/csv-writer.js';
import type { ExportTable } from '../../reports/table.js';
import { writeXlsx } from '../../reports/xlsx-writer.js';
import {
  DrilldownUnsupportedError,
  exportDrilldown,
  exportTickets,
  MAX_DRILL_LIMIT,
  type Restriction,
  runDrilldown,
  TICKET_STATUSES_MAX,
} from '../../storage/run-drilldown.js';
import { KpiScopeError } from '../../storage/run-kpi-query.js';
import { EVERYONE, roles, type UserPrincipal } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, forbidden, HttpError, notFound } from '../http-errors.js';
import { kpiRestriction } from '../kpi-scope.js';
import { errorResponses, errorSchema } from '../schemas.js';

/**
 * Drill-down and exports (issue 7): the rows behind a KPI bucket (JSON, CSV, XLSX) and the ticket export.
 * Scoped like /kpis/:id/values: team leads see their teams' rows, agents their own.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z.string().regex(DAY, 'use YYYY-MM-DD');
const whereParam = z
  .union([z.string().max(2000), z.array(z.string().max(2000)).max(10)])
  .optional()
  .transform((w) => (w === undefined ? [] : Array.isArray(w) ? w : [w]));

const kpiQueryParams = {
  from: day,
  to: day,
  grain: z.enum(['day', 'week', 'month', 'quarter', 'year', 'all']).default('month'),
  by: z.enum(DIMENSIONS).optional(),
  where: whereParam,
  variant: z.string().max(64).optional(),
  statistic: z.enum(['median', 'mean', 'p90']).optional(),
  clock: z.enum(['business', 'calendar']).optional(),
  bucket: day.describe("the bucket's first day, as the values rows name it"),
  group: z
    .string()
    .max(200)
    .optional()
    .describe('the display name of the group when `by` is given; empty for the rows with no value'),
};

const pageParams = {
  sort: z.enum(DRILL_SORTS).default('placed_at'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(MAX_DRILL_LIMIT).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

const cell = z.union([z.string(), z.number(), z.boolean(), z.date(), z.null()]);
const drillRowSchema = z.object({
  source: z.string(),
  id: z.string(),
  ticket_id: z.string().nullable(),
  placed_at: z.date(),
  desk: z.string().nullable(),
  team: z.string().nullable(),
  agent: z.string().nullable(),
  channel: z.string().nullable(),
  priority: z.string().nullable(),
  in_numerator: z.boolean().nullable(),
  in_denominator: z.boolean().nullable(),
  value: z.number().nullable(),
  score: z.number().nullable(),
  class: z.string().nullable(),
  facts: z.record(z.string(), cell),
});
const drilldownSchema = z.object({
  kpi: z.string(),
  unit: z.string(),
  measure: z.string(),
  variant: z.string().nullable(),
  bucket: z.string(),
  bucket_end: z.string(),
  by: z.enum(DIMENSIONS).nullable(),
  group: z.string().nullable(),
  facts: z.array(z.string()),
  totals: z.object({
    rows: z.number(),
    n: z.number(),
    numerator: z.number().nullable(),
    denominator: z.number().nullable(),
    value: z.number().nullable(),
    promoters: z.number().nullable(),
    detractors: z.number().nullable(),
  }),
  rows: z.array(drillRowSchema),
  sort: z.enum(DRILL_SORTS),
  order: z.enum(['asc', 'desc']),
  limit: z.number(),
  offset: z.number(),
  next_offset: z.number().nullable(),
});

const drillResponses = { ...errorResponses, 422: errorSchema } as const;

/** What a caller may see of row-level ticket data: the organisation, their teams, or themselves. */
function rowRestriction(p: UserPrincipal): Restriction {
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

/**
 * kpiRestriction, and one more rule for rows: a KPI not attributed to teams is an organisation-level
 * number for a team lead, but its rows may name anyone, so they are for the roles that see everything.
 */
function drillRestriction(p: UserPrincipal, def: KpiDefinition): Restriction {
  if (p.user.role === 'team_lead' && !def.dimensions.includes('team')) {
    throw forbidden(`${def.id} is not measured per team: its rows are for managers`);
  }
  return kpiRestriction(p, def);
}

function asHttpError(error: unknown): unknown {
  if (error instanceof KpiScopeError) return forbidden(error.message);
  if (error instanceof DrilldownUnsupportedError) return new HttpError(422, 'no_drilldown', error.message);
  if (error instanceof KpiQueryError) return badRequest('querystring', error.message);
  return error;
}

const kpiParamsSchema = z.strictObject(kpiQueryParams);
type KpiParams = z.output<typeof kpiParamsSchema>;

function kpiInput(def: KpiDefinition, q: KpiParams): KpiQueryInput {
  return {
    kpi: def.id,
    from: q.from,
    to: q.to,
    grain: q.grain,
    ...(q.by ? { by: q.by } : {}),
    where: parseWhereClauses(q.where),
    ...(q.variant ? { variant: q.variant } : {}),
    ...(q.statistic ? { statistic: q.statistic } : {}),
    ...(q.clock ? { clock: q.clock } : {}),
  };
}

/** An empty `group=` asks for the rows with no value for `by`. */
const groupOf = (group: string | undefined) =>
  group === undefined ? undefined : group === '' ? null : group;

type Format = 'csv' | 'xlsx';
const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Streams the table to the client: the writer pulls pages from the database as the client reads. */
function streamTable(
  request: FastifyRequest,
  reply: FastifyReply,
  table: ExportTable,
  format: Format,
  name: string,
): FastifyReply {
  const body = new PassThrough();
  const write = format === 'csv' ? writeCsv(table, body) : writeXlsx(table, body, name);
  write.catch((error: unknown) => {
    request.log.warn({ err: error }, 'export stopped');
    body.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  const file = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`;
  return reply
    .header('content-type', CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${file}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

export const drilldownRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const kpiOf = (id: string) => {
    const def = ctx.registry.get(id);
    if (!def) throw notFound(`KPI "${id}"`);
    return def;
  };

  app.get(
    '/kpis/:id/rows',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['kpis'],
        summary: 'The rows behind one KPI bucket (drill-down), with the facts that made the number',
        description:
          'The same parameters as /kpis/{id}/values, plus the bucket (its first day) and, with `by`, the group. ' +
          'Ratios flag each row in_numerator / in_denominator; statistics give each row its value; surveys ' +
          'their score and class. `totals` recount every row (not only the page) with the KPI formulas. ' +
          'KPIs whose number is not a count over rows (retention, KB accuracy, …) answer 422.',
        params: z.strictObject({ id: z.string().max(64) }),
        querystring: z.strictObject({ ...kpiQueryParams, ...pageParams }),
        response: { 200: drilldownSchema, ...drillResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const def = kpiOf(request.params.id);
      const q = request.query;
      try {
        return await runDrilldown(
          ctx.store,
          p.org,
          ctx.registry,
          kpiInput(def, q),
          {
            bucket: q.bucket,
            group: groupOf(q.group),
            sort: q.sort,
            order: q.order,
            limit: q.limit,
            offset: q.offset,
          },
          ctx.now(),
          drillRestriction(p, def),
        );
      } catch (error) {
        throw asHttpError(error);
      }
    },
  );

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/kpis/:id/rows.${format}`,
      {
        config: { access: roles(EVERYONE) },
        schema: {
          tags: ['exports'],
          summary: `The rows behind one KPI bucket as ${format.toUpperCase()} (streamed)`,
          description:
            'Every row of the drill-down, ordered by the time that placed it, with one column per fact. ' +
            'Text cells starting with =, +, - or @ are prefixed with a quote (formula injection).',
          params: z.strictObject({ id: z.string().max(64) }),
          querystring: kpiParamsSchema,
          response: drillResponses,
        },
      },
      async (request, reply) => {
        const p = userPrincipal(request);
        const def = kpiOf(request.params.id);
        const q = request.query;
        let table: Awaited<ReturnType<typeof exportDrilldown>>;
        try {
          table = await exportDrilldown(
            ctx.store,
            p.org,
            ctx.registry,
            kpiInput(def, q),
            { bucket: q.bucket, group: groupOf(q.group) },
            ctx.now(),
            drillRestriction(p, def),
          );
        } catch (error) {
          throw asHttpError(error);
        }
        return streamTable(request, reply, table, format, `${table.kpi}-${table.bucket}-rows`);
      },
    );

    app.get(
      `/exports/tickets.${format}`,
      {
        config: { access: roles(EVERYONE) },
        schema: {
          tags: ['exports'],
          summary: `Tickets created in a period with their derived facts, as ${format.toUpperCase()} (streamed)`,
          description:
            'Dates are inclusive, in the organisation time zone; `where` as for KPIs (desk, team, agent, channel, ' +
            'priority, credited at creation); `status` repeats or takes commas. Team leads get their teams, ' +
            'agents their own tickets. Text cells starting with =, +, - or @ are prefixed with a quote.',
          querystring: z.strictObject({
            from: day,
            to: day,
            where: whereParam,
            status: z
              .union([z.string().max(500), z.array(z.string().max(500)).max(TICKET_STATUSES_MAX)])
              .optional()
              .transform((s) =>
                (s === undefined ? [] : Array.isArray(s) ? s : [s])
                  .flatMap((v) => v.split(','))
                  .map((v) => v.trim())
                  .filter(Boolean),
              ),
          }),
          response: errorResponses,
        },
      },
      async (request, reply) => {
        const p = userPrincipal(request);
        const q = request.query;
        let table: ExportTable;
        try {
          table = await exportTickets(
            ctx.store,
            p.org,
            { from: q.from, to: q.to, where: parseWhereClauses(q.where), statuses: q.status },
            ctx.now(),
            rowRestriction(p),
          );
        } catch (error) {
          throw asHttpError(error);
        }
        return streamTable(request, reply, table, format, `tickets-${q.from}-${q.to}`);
      },
    );
  }
};
