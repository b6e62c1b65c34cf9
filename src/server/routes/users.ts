import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountError,
  createUser,
  deleteUser,
  getUser,
  listUsers,
  ROLES,
  randomSecret,
  setPassword,
  updateUser,
} from '../../storage/accounts.js';
import { ADMINS, MANAGERS, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, conflict, forbidden, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { emailSchema, errorResponses, idParam, text, userSchema } from '../schemas.js';

const sourceId = z.string().min(1).max(200);
const locale = z.enum(['en', 'es']);

function accountError(error: unknown): never {
  if (error instanceof AccountError) {
    const field = `body.${error.field ?? 'user'}`;
    if (/already exists/.test(error.message)) throw conflict(field, error.message);
    throw badRequest(field, error.message);
  }
  throw error;
}

/** A one-time password: readable, 20 characters, ~119 bits. */
const oneTimePassword = () => randomSecret(15);

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deskscore.store.db;

  app.get(
    '/users',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['users'],
        summary: 'Users of your organisation',
        response: { 200: z.array(userSchema), ...errorResponses },
      },
    },
    async (request) => listUsers(db, userPrincipal(request).org.id),
  );

  app.get(
    '/users/:id',
    {
      config: { access: roles(MANAGERS) },
      schema: { tags: ['users'], params: idParam, response: { 200: userSchema, ...errorResponses } },
    },
    async (request) => {
      const user = await getUser(db, userPrincipal(request).org.id, request.params.id);
      if (!user) throw notFound('user');
      return user;
    },
  );

  app.post(
    '/users',
    {
      config: { access: roles(ADMINS, { interactive: true }) },
      schema: {
        tags: ['users'],
        summary: 'Create a user; the answer holds a one-time password, shown only here',
        body: z.strictObject({
          email: emailSchema,
          name: text(200),
          role: z.enum(ROLES),
          agent_id: sourceId.nullable().optional(),
          team_ids: z.array(sourceId).max(200).optional(),
          locale: locale.nullable().optional(),
        }),
        response: { 201: z.object({ user: userSchema, one_time_password: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const b = request.body;
      const password = oneTimePassword();
      const user = await createUser(db, p.org.id, {
        email: b.email,
        name: b.name,
        role: b.role,
        password,
        agentId: b.agent_id,
        teamIds: b.team_ids,
        locale: b.locale,
        mustChangePassword: true,
      }).catch(accountError);
      await auditChange(request, {
        action: 'user_created',
        targetType: 'user',
        targetId: user.id,
        detail: { email: user.email, role: user.role, agent_id: user.agent_id, team_ids: user.team_ids },
      });
      return reply.code(201).send({ user, one_time_password: password });
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['users'],
        summary: 'Change a user: name, role, agent link, teams, locale, disabled',
        params: idParam,
        body: z
          .strictObject({
            name: text(200).optional(),
            role: z.enum(ROLES).optional(),
            agent_id: sourceId.nullable().optional(),
            team_ids: z.array(sourceId).max(200).optional(),
            locale: locale.nullable().optional(),
            disabled: z.boolean().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'send at least one field to change'),
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const id = request.params.id;
      const before = await getUser(db, p.org.id, id);
      if (!before) throw notFound('user');
      if (
        id === p.user.id &&
        (request.body.disabled || (request.body.role && request.body.role !== 'admin'))
      ) {
        throw forbidden('you cannot disable yourself or remove your own admin role');
      }
      const user = (await updateUser(db, p.org.id, id, request.body).catch(accountError))!;
      await auditChange(request, {
        action: 'user_updated',
        targetType: 'user',
        targetId: id,
        detail: { before: pick(before, request.body), after: pick(user, request.body) },
      });
      return user;
    },
  );

  app.post(
    '/users/:id/reset-password',
    {
      config: { access: roles(ADMINS, { interactive: true }) },
      schema: {
        tags: ['users'],
        summary: "Replace a user's password with a one-time password (ends their sessions)",
        params: idParam,
        response: { 200: z.object({ one_time_password: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const user = await getUser(db, p.org.id, request.params.id);
      if (!user) throw notFound('user');
      const password = oneTimePassword();
      await setPassword(db, p.org.id, user.id, password, { mustChange: true });
      await auditChange(request, { action: 'password_reset', targetType: 'user', targetId: user.id });
      return { one_time_password: password };
    },
  );

  app.delete(
    '/users/:id',
    {
      config: { access: roles(ADMINS) },
      schema: { tags: ['users'], params: idParam, response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      if (request.params.id === p.user.id) throw forbidden('you cannot delete yourself');
      const user = await getUser(db, p.org.id, request.params.id);
      if (!user) throw notFound('user');
      await deleteUser(db, p.org.id, user.id);
      await auditChange(request, {
        action: 'user_deleted',
        targetType: 'user',
        targetId: user.id,
        detail: { email: user.email, role: user.role },
      });
      return reply.code(204).send(null);
    },
  );
};

function pick(user: object, fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const k = key === 'disabled' ? 'disabled_at' : key;
    out[k] = (user as Record<string, unknown>)[k];
  }
  return out;
}
