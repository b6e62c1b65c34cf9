import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { TOKEN_PREFIX, type User } from '../storage/accounts.js';
import type { Access, Principal, UserPrincipal } from './access.js';
import type { AppContext } from './app.js';
import { forbidden, HttpError, unauthorized } from './http-errors.js';

export const SESSION_COOKIE = 'deskscore_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkEnabled(user: User): void {
  if (user.disabled_at !== null) throw unauthorized('this account is disabled or no longer exists');
}

/** The caller: a bearer token (API token or the local CLI's), else the session cookie, else 401. */
export async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"');
    const secret = match[1]!;
    if (ctx.localToken !== undefined && sameSecret(secret, ctx.localToken)) return { kind: 'local' };
    if (!secret.startsWith(TOKEN_PREFIX)) throw unauthorized('unknown, revoked or expired API token');
    const found = await ctx.credentials.token(secret, ctx.now());
    if (!found) throw unauthorized('unknown, revoked or expired API token');
    checkEnabled(found.user);
    return { kind: 'user', via: 'token', user: found.user, org: found.org, token: found.token };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const found = await ctx.credentials.session(cookie, ctx.now());
    if (!found) throw unauthorized('your session has expired: log in again');
    checkEnabled(found.user);
    return {
      kind: 'user',
      via: 'session',
      user: found.user,
      org: found.org,
      csrf: found.csrf,
      sessionSecret: cookie,
    };
  }
  throw unauthorized();
}

/** Applies the route's access rule to an authenticated caller: 403 for anything not allowed. */
export function authorize(access: Access, request: FastifyRequest): void {
  const p = request.principal;
  if (!p) throw unauthorized();
  if (access.kind === 'local') {
    if (p.kind !== 'local') throw forbidden('only the deskscore CLI on this machine may call this route');
    return;
  }
  if (access.kind === 'public') return;
  if (p.kind === 'local') throw forbidden('the CLI token only runs CLI commands');
  if (!access.roles.includes(p.user.role)) {
    throw forbidden(`the ${p.user.role} role may not ${request.method} ${request.routeOptions.url}`);
  }
  const write = !SAFE_METHODS.has(request.method);
  if (p.via === 'token') {
    if (access.interactive) throw forbidden('this action needs a logged-in user, not an API token');
    const scope = write ? 'write' : 'read';
    if (!p.token?.scopes.includes(scope)) throw forbidden(`this API token lacks the "${scope}" scope`);
  } else if (access.tokenOnly) {
    throw forbidden('this route is for machines: send an API token');
  } else if (write) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !p.csrf || !sameSecret(sent, p.csrf)) {
      throw new HttpError(403, 'csrf', `send the ${CSRF_HEADER} header returned at login with every change`);
    }
  }
  if (p.user.must_change_password && !access.allowWithPendingPasswordChange) {
    throw new HttpError(403, 'password_change_required', 'change your one-time password first');
  }
}

export function userPrincipal(request: FastifyRequest): UserPrincipal {
  const p = request.principal;
  if (p?.kind !== 'user') throw unauthorized();
  return p;
}
