import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { deriveTickets } from '../../jobs/derive-tickets.js';
import {
  loadSettingsDocument,
  saveSchedule,
  saveSlaPolicy,
  settingsDocumentProblems,
  settingsDocumentSchema,
} from '../../storage/settings-repository.js';
import { ADMINS, EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { HttpError } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, organizationSchema, text } from '../schemas.js';

const timeZone = z
  .string()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (e.g. Europe/Madrid)');

export const organizationRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  app.get(
    '/organization',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['organization'],
        summary: 'Your organisation',
        response: { 200: organizationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id, slug, name, time_zone } = userPrincipal(request).org;
      return { id, slug, name, time_zone };
    },
  );

  app.patch(
    '/organization',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['organization'],
        summary: 'Rename the organisation or change its time zone (periods are computed in it)',
        body: z
          .strictObject({ name: text(200).optional(), time_zone: timeZone.optional() })
          .refine((b) => Object.keys(b).length > 0, 'send name or time_zone'),
        response: { 200: organizationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const b = request.body;
      await db
        .updateTable('organizations')
        .set({
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.time_zone !== undefined ? { time_zone: b.time_zone } : {}),
        })
        .where('id', '=', p.org.id)
        .execute();
      const org = await db
        .selectFrom('organizations')
        .select(['id', 'slug', 'name', 'time_zone'])
        .where('id', '=', p.org.id)
        .executeTakeFirstOrThrow();
      await auditChange(request, {
        action: 'organization_updated',
        targetType: 'organization',
        targetId: org.id,
        detail: {
          before: { name: p.org.name, time_zone: p.org.time_zone },
          after: { name: org.name, time_zone: org.time_zone },
        },
      });
      return org;
    },
  );

  app.get(
    '/settings',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['organization'],
        summary: 'Business schedules and SLA policies (docs/settings.md)',
        response: { 200: settingsDocumentSchema, ...errorResponses },
      },
    },
    async (request) => loadSettingsDocument(db, userPrincipal(request).org.id),
  );

  app.put(
    '/settings',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['organization'],
        summary: 'Save schedules and SLA policies (by id), then re-derive every ticket',
        body: settingsDocumentSchema,
        response: {
          200: z.object({ schedules: z.number(), sla_policies: z.number(), tickets_derived: z.number() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const s = request.body;
      const problems = settingsDocumentProblems(s);
      if (problems.length > 0) {
        const issues = problems.map((x) => ({ field: `body.${x.path}`, message: x.message }));
        throw new HttpError(
          400,
          'invalid_request',
          issues.map((i) => `${i.field}: ${i.message}`).join('; '),
          issues,
        );
      }
      for (const schedule of s.schedules) await saveSchedule(db, p.org.id, schedule);
      for (const policy of s.slaPolicies) await saveSlaPolicy(db, p.org.id, policy);
      const derived = await ctx.writes.run(() => deriveTickets(ctx.store, p.org, { kind: 'all' }));
      await auditChange(request, {
        action: 'settings_updated',
        targetType: 'settings',
        detail: { schedules: s.schedules.map((x) => x.id), sla_policies: s.slaPolicies.map((x) => x.id) },
      });
      return {
        schedules: s.schedules.length,
        sla_policies: s.slaPolicies.length,
        tickets_derived: derived.tickets,
      };
    },
  );
};
