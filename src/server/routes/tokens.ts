import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createApiToken,
  getApiToken,
  listApiTokens,
  revokeApiToken,
  TOKEN_SCOPES,
} from '../../storage/accounts.js';
import { EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, text, tokenSchema } from '../schemas.js';

const MAX_TOKEN_DAYS = 366;

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  app.get(
    '/tokens',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['tokens'],
        summary: "API tokens: your own (an admin sees the organisation's)",
        response: { 200: z.array(tokenSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      return listApiTokens(db, p.org.id, p.user.role === 'admin' ? undefined : p.user.id);
    },
  );

  app.post(
    '/tokens',
    {
      config: { access: roles(EVERYONE, { interactive: true }) },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token acting as you; the token is shown only in this answer',
        body: z.strictObject({
          name: text(100),
          scopes: z.array(z.enum(TOKEN_SCOPES)).min(1),
          expires_in_days: z.number().int().min(1).max(MAX_TOKEN_DAYS).nullable().default(90),
        }),
        response: { 201: z.object({ token: z.string(), record: tokenSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const b = request.body;
      if (p.user.role === 'viewer' && b.scopes.includes('write')) {
        throw badRequest('body.scopes', 'a viewer can only create read tokens');
      }
      const expiresAt =
        b.expires_in_days === null ? null : new Date(ctx.now().getTime() + b.expires_in_days * 86_400_000);
      const created = await createApiToken(db, p.org.id, {
        userId: p.user.id,
        name: b.name,
        scopes: b.scopes,
        expiresAt,
      });
      await auditChange(request, {
        action: 'token_created',
        targetType: 'api_token',
        targetId: created.record.id,
        detail: { name: b.name, scopes: created.record.scopes, expires_at: expiresAt?.toISOString() ?? null },
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (yours; an admin may revoke any in the organisation)',
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const token = await getApiToken(db, p.org.id, request.params.id);
      // Someone else's token is as invisible to a non-admin as another organisation's.
      if (!token || (p.user.role !== 'admin' && token.user_id !== p.user.id)) throw notFound('API token');
      await revokeApiToken(db, p.org.id, token.id);
      await auditChange(request, {
        action: 'token_revoked',
        targetType: 'api_token',
        targetId: token.id,
        detail: { name: token.name },
      });
      return reply.code(204).send(null);
    },
  );
};
