import type { GoalScopeKind } from '../engine/goals.js';
import { findScope, type Scope } from '../storage/scopes.js';
import type { UserPrincipal } from './access.js';
import { badRequest, forbidden } from './http-errors.js';

/**
 * Which scopes (organisation, desk, team, agent) a caller may see goals, scorecards and coaching of:
 * managers, admins and viewers all; a team lead their teams and those teams' agents; an agent themself.
 */
export async function canSeeScope(
  p: UserPrincipal,
  scope: Scope,
  agentTeam: (agentId: string) => Promise<string | null>,
) {
  const role = p.user.role;
  if (role === 'admin' || role === 'manager' || role === 'viewer') return true;
  if (role === 'agent') return scope.kind === 'agent' && scope.id === p.user.agent_id;
  if (scope.kind === 'team') return scope.id !== null && p.user.team_ids.includes(scope.id);
  if (scope.kind === 'agent' && scope.id !== null) {
    const team = await agentTeam(scope.id);
    return team !== null && p.user.team_ids.includes(team);
  }
  return false;
}

/** The scope a request names, resolved in the caller's organisation, or a 400/403 naming the problem. */
export async function scopeFor(
  request: { server: { deskscore: { store: { db: Parameters<typeof findScope>[0] } } } },
  p: UserPrincipal,
  kind: GoalScopeKind,
  idOrName: string | undefined,
  field: string,
): Promise<Scope> {
  const db = request.server.deskscore.store.db;
  if (kind !== 'organization' && !idOrName) throw badRequest(field, `name the ${kind} (its id or name)`);
  const scope = await findScope(db, p.org.id, kind, idOrName ?? null);
  if (!scope) throw badRequest(field, `no ${kind} "${idOrName}" in this organisation`);
  const visible = await canSeeScope(p, scope, async (agentId) => {
    const row = await db
      .selectFrom('agents')
      .select('team_id')
      .where('org_id', '=', p.org.id)
      .where('id', '=', agentId)
      .executeTakeFirst();
    return row?.team_id ?? null;
  });
  if (!visible) throw forbidden(`the ${kind} "${scope.name}" is outside what you may see`);
  return scope;
}
