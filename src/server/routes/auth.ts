import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountError,
  createSession,
  decoyPasswordHash,
  deleteSession,
  findLogin,
  getUser,
  SESSION_MAX_MS,
  setPassword,
  updateUser,
  verifyPassword,
} from '../../storage/accounts.js';
import { recordAudit } from '../../storage/audit-log.js';
import { actorLabel, EVERYONE, PUBLIC } from '../access.js';
import { SESSION_COOKIE, userPrincipal } from '../authenticate.js';
import { badRequest, HttpError, unauthorized } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, organizationSchema, text, userSchema } from '../schemas.js';

const sessionSchema = z.object({
  user: userSchema,
  organization: organizationSchema,
  csrf_token: z.string().nullable(),
  via: z.enum(['session', 'token']),
});

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string) {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

const WRONG_LOGIN = 'wrong e-mail or password';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;

  app.post(
    '/auth/login',
    {
      config: {
        access: PUBLIC,
        rateLimit: { max: ctx.loginRateLimit.max, timeWindow: ctx.loginRateLimit.windowMs },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in: sets the http-only session cookie and returns the CSRF token for writes',
        security: [],
        body: z.strictObject({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }),
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const login = await findLogin(ctx.store.db, email);
      if (!login) {
        await verifyPassword(await decoyPasswordHash(), password);
        request.log.info({ event: 'login_failed', reason: 'unknown e-mail' }, 'failed login');
        throw unauthorized(WRONG_LOGIN);
      }
      const ok = login.disabled_at === null && (await verifyPassword(login.password_hash, password));
      if (!ok) {
        await recordAudit(ctx.store.db, {
          orgId: login.org_id,
          actorUserId: login.id,
          actor: login.email,
          action: 'login_failed',
          targetType: 'user',
          targetId: login.id,
          detail: { reason: login.disabled_at ? 'account disabled' : 'wrong password' },
          ip: request.ip,
          requestId: request.id,
        });
        throw unauthorized(WRONG_LOGIN);
      }
      const session = await createSession(ctx.store.db, login);
      const user = (await getUser(ctx.store.db, login.org_id, login.id))!;
      const org = await ctx.store.db
        .selectFrom('organizations')
        .select(['id', 'slug', 'name', 'time_zone'])
        .where('id', '=', login.org_id)
        .executeTakeFirstOrThrow();
      await recordAudit(ctx.store.db, {
        orgId: login.org_id,
        actorUserId: login.id,
        actor: login.email,
        action: 'login',
        targetType: 'user',
        targetId: login.id,
        ip: request.ip,
        requestId: request.id,
      });
      setSessionCookie(request, reply, session.secret);
      return { user, organization: org, csrf_token: session.csrf, via: 'session' as const };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: { kind: 'roles', roles: EVERYONE, allowWithPendingPasswordChange: true } },
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      if (p.sessionSecret) await deleteSession(ctx.store.db, p.sessionSecret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      await recordAudit(ctx.store.db, {
        orgId: p.org.id,
        actorUserId: p.user.id,
        actor: actorLabel(p),
        action: 'logout',
        ip: request.ip,
        requestId: request.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: { kind: 'roles', roles: EVERYONE, allowWithPendingPasswordChange: true } },
      schema: {
        tags: ['auth'],
        summary: 'The caller, its organisation and CSRF token',
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const { id, slug, name, time_zone } = p.org;
      return {
        user: p.user,
        organization: { id, slug, name, time_zone },
        csrf_token: p.csrf ?? null,
        via: p.via,
      };
    },
  );

  app.patch(
    '/auth/me',
    {
      config: { access: { kind: 'roles', roles: EVERYONE, interactive: true } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own language (en, es) or display name',
        body: z
          .strictObject({ locale: z.enum(['en', 'es']).optional(), name: text(200).optional() })
          .refine((b) => b.locale !== undefined || b.name !== undefined, 'give a locale or a name'),
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const { locale, name } = request.body;
      const before = { locale: p.user.locale ?? null, name: p.user.name };
      const user = await updateUser(ctx.store.db, p.org.id, p.user.id, {
        ...(locale !== undefined ? { locale } : {}),
        ...(name !== undefined ? { name } : {}),
      });
      if (!user) throw unauthorized('your account no longer exists');
      await auditChange(request, {
        action: 'profile_updated',
        targetType: 'user',
        targetId: user.id,
        detail: { before, after: { locale: user.locale ?? null, name: user.name } },
      });
      return user;
    },
  );

  app.post(
    '/auth/password',
    {
      config: {
        access: { kind: 'roles', roles: EVERYONE, interactive: true, allowWithPendingPasswordChange: true },
      },
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: z.strictObject({
          current_password: z.string().min(1).max(1024),
          new_password: z.string().max(1024),
        }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const login = await findLogin(ctx.store.db, p.user.email);
      if (!login || !(await verifyPassword(login.password_hash, request.body.current_password))) {
        throw new HttpError(403, 'wrong_password', 'current_password: does not match', [
          { field: 'body.current_password', message: 'does not match' },
        ]);
      }
      if (request.body.new_password === request.body.current_password) {
        throw badRequest('body.new_password', 'must differ from the current password');
      }
      try {
        await setPassword(ctx.store.db, p.org.id, p.user.id, request.body.new_password, {
          mustChange: false,
          ...(p.sessionSecret ? { keepSession: p.sessionSecret } : {}),
        });
      } catch (error) {
        if (error instanceof AccountError)
          throw badRequest(`body.${error.field ?? 'new_password'}`, error.message);
        throw error;
      }
      await recordAudit(ctx.store.db, {
        orgId: p.org.id,
        actorUserId: p.user.id,
        actor: actorLabel(p),
        action: 'password_changed',
        targetType: 'user',
        targetId: p.user.id,
        ip: request.ip,
        requestId: request.id,
      });
      return reply.code(204).send(null);
    },
  );
};
