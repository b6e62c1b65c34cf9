import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../storage/audit-log.js';
import { ADMINS, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

const entrySchema = z.object({
  id: z.string(),
  at: z.date(),
  actor_user_id: z.number().int().nullable(),
  actor: z.string(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  detail: z.unknown(),
  ip: z.string().nullable(),
  request_id: z.string().nullable(),
});

const cursorOf = (e: { at: Date; id: string }) =>
  Buffer.from(`${e.at.toISOString()}|${e.id}`).toString('base64url');

function parseCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()))
    throw badRequest('querystring.cursor', 'not a cursor from a previous page');
  return { at: date, id };
}

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['audit'],
        summary: 'The audit log: who changed what and when, logins and failed logins; newest first',
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          action: z
            .string()
            .regex(/^[a-z_]{1,64}$/)
            .optional(),
          actor_user_id: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({ entries: z.array(entrySchema), next_cursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const entries = await listAudit(app.deskscore.store.db, userPrincipal(request).org.id, {
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        action: q.action,
        actorUserId: q.actor_user_id,
        limit: q.limit,
        before: q.cursor ? parseCursor(q.cursor) : undefined,
      });
      const last = entries.at(-1);
      return { entries, next_cursor: entries.length === q.limit && last ? cursorOf(last) : null };
    },
  );
};
