import type { ApiToken, Role, User } from '../storage/accounts.js';
import type { Organization } from '../storage/organizations.js';

/**
 * Who may call a route. Every route declares one (the role × endpoint test fails on a route without
 * it): `public` needs no credentials, `local` only the CLI's token from the server file beside the
 * database, otherwise the roles allowed. `interactive` routes refuse API tokens (a token cannot mint
 * tokens or change passwords); `tokenOnly` routes refuse sessions.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'local' }
  | {
      kind: 'roles';
      roles: readonly Role[];
      interactive?: boolean;
      /** Machines only: a logged-in session is refused (e.g. live ingestion). */
      tokenOnly?: boolean;
      allowWithPendingPasswordChange?: boolean;
    };

export const PUBLIC: Access = { kind: 'public' };
export const LOCAL: Access = { kind: 'local' };
export const EVERYONE: readonly Role[] = ['admin', 'manager', 'team_lead', 'agent', 'viewer'];
export const ADMINS: readonly Role[] = ['admin'];
export const MANAGERS: readonly Role[] = ['admin', 'manager'];

export function roles(
  allowed: readonly Role[],
  options: { interactive?: boolean; tokenOnly?: boolean } = {},
): Access {
  return { kind: 'roles', roles: allowed, ...options };
}

export interface UserPrincipal {
  kind: 'user';
  via: 'session' | 'token';
  user: User;
  org: Organization;
  /** Session only: the CSRF token writes must echo, and the cookie's secret (to keep it on password change). */
  csrf?: string;
  sessionSecret?: string;
  token?: ApiToken;
}

export interface LocalPrincipal {
  kind: 'local';
}

export type Principal = UserPrincipal | LocalPrincipal;

/** How a user appears in the audit log. */
export function actorLabel(p: UserPrincipal): string {
  return p.via === 'token' && p.token ? `token ${p.token.name} (${p.user.email})` : p.user.email;
}
