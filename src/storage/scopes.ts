import type { Kysely } from 'kysely';
import type { GoalScopeKind } from '../engine/goals.js';
import type { Database } from './schema.js';

/** A scope a goal or a scorecard is about: the organisation, or one desk, team or agent. */
export interface Scope {
  kind: GoalScopeKind;
  /** The desk, team or agent id; null for the organisation. */
  id: string | null;
  /** Display name. */
  name: string;
}

export class ScopeError extends Error {}

const TABLE = { desk: 'desks', team: 'teams', agent: 'agents' } as const;

/** "organisation", "desk Retail", "team Alpha", "agent Ana". */
export function scopeLabel(scope: { kind: GoalScopeKind; name: string | null }): string {
  return scope.kind === 'organization' ? 'the organisation' : `${scope.kind} ${scope.name}`;
}

/** The KPI query filter that selects a scope. */
export function scopeWhere(scope: Scope): Partial<Record<'desk' | 'team' | 'agent', string[]>> {
  return scope.kind === 'organization' || scope.id === null ? {} : { [scope.kind]: [scope.id] };
}

/** Finds a desk, team or agent by id or display name (ids first); null when there is none. */
export async function findScope(
  db: Kysely<Database>,
  orgId: number,
  kind: GoalScopeKind,
  idOrName: string | null,
): Promise<Scope | null> {
  if (kind === 'organization') return { kind, id: null, name: 'organisation' };
  if (idOrName === null) return null;
  const rows = await db
    .selectFrom(TABLE[kind])
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .execute();
  const row = rows.find((r) => r.id === idOrName) ?? rows[0];
  return row ? { kind, id: row.id, name: row.name } : null;
}

/** Like findScope, but a missing scope is an error naming it. */
export async function resolveScope(
  db: Kysely<Database>,
  orgId: number,
  kind: GoalScopeKind,
  idOrName: string | null,
): Promise<Scope> {
  const scope = await findScope(db, orgId, kind, idOrName);
  if (!scope) throw new ScopeError(`no ${kind} "${idOrName ?? ''}" in this organisation`);
  return scope;
}

/** Every desk or team, by name. */
export async function listScopes(
  db: Kysely<Database>,
  orgId: number,
  kind: 'desk' | 'team',
): Promise<Scope[]> {
  const rows = await db
    .selectFrom(TABLE[kind])
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ kind, id: r.id, name: r.name }));
}

/** The agents of a team, by name. */
export async function teamAgents(db: Kysely<Database>, orgId: number, teamId: string): Promise<Scope[]> {
  const rows = await db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('team_id', '=', teamId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ kind: 'agent', id: r.id, name: r.name }));
}

/** The team an agent belongs to (as the agents table records it), or null. */
export async function teamOfAgent(
  db: Kysely<Database>,
  orgId: number,
  agentId: string,
): Promise<Scope | null> {
  const row = await db
    .selectFrom('agents')
    .leftJoin('teams', (j) =>
      j.onRef('teams.org_id', '=', 'agents.org_id').onRef('teams.id', '=', 'agents.team_id'),
    )
    .select(['teams.id as id', 'teams.name as name'])
    .where('agents.org_id', '=', orgId)
    .where('agents.id', '=', agentId)
    .executeTakeFirst();
  return row?.id ? { kind: 'team', id: row.id, name: row.name ?? row.id } : null;
}
