import type { Kysely } from 'kysely';
import { countUsers, createUser, type Role, randomSecret } from '../storage/accounts.js';
import { recordAudit } from '../storage/audit-log.js';
import { listOrganizations, type Organization } from '../storage/organizations.js';
import type { Database } from '../storage/schema.js';

export interface Login {
  org: string;
  email: string;
  role: Role;
  password: string;
  /** The user must choose a new password at first login. */
  oneTime: boolean;
  note?: string;
}

/** Every organisation without users gets an admin with a one-time password (issue 6, first start). */
export async function ensureAdmins(db: Kysely<Database>): Promise<Login[]> {
  const created: Login[] = [];
  for (const org of await listOrganizations(db)) {
    if ((await countUsers(db, org.id)) > 0) continue;
    const password = randomSecret(15);
    const email = `admin@${org.slug}.example`;
    const user = await createUser(db, org.id, {
      email,
      name: 'Administrator',
      role: 'admin',
      password,
      mustChangePassword: true,
    });
    await recordAudit(db, {
      orgId: org.id,
      actorUserId: null,
      actor: 'system',
      action: 'user_created',
      targetType: 'user',
      targetId: user.id,
      detail: { email, role: 'admin', reason: 'first start' },
    });
    created.push({ org: org.slug, email, role: 'admin', password, oneTime: true });
  }
  return created;
}

/** The demo's shared password: the demo organisation is for trying deskscore, not for real data. */
export const DEMO_PASSWORD = 'deskscore-demo';

/**
 * Logins for the demo organisation: a manager, the team lead of its first team, an agent of that team
 * (linked to a real demo agent), and a viewer, all with the demo password.
 */
export async function createDemoLogins(db: Kysely<Database>, org: Organization): Promise<Login[]> {
  const team = await db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('org_id', '=', org.id)
    .orderBy('id')
    .executeTakeFirst();
  const agent = team
    ? await db
        .selectFrom('agents')
        .select(['id', 'name'])
        .where('org_id', '=', org.id)
        .where('team_id', '=', team.id)
        .orderBy('id')
        .executeTakeFirst()
    : undefined;
  const people: Array<{
    local: string;
    name: string;
    role: Role;
    agentId?: string;
    teamIds?: string[];
    note?: string;
  }> = [
    { local: 'manager', name: 'Morgan Manager', role: 'manager', note: 'head of support: every desk' },
    ...(team
      ? [
          {
            local: 'lead',
            name: 'Lee Lead',
            role: 'team_lead' as const,
            teamIds: [team.id],
            note: `team lead of ${team.name}`,
          },
        ]
      : []),
    ...(agent
      ? [
          {
            local: 'agent',
            name: agent.name,
            role: 'agent' as const,
            agentId: agent.id,
            note: `agent ${agent.name}`,
          },
        ]
      : []),
    { local: 'viewer', name: 'Vic Viewer', role: 'viewer', note: 'read-only' },
  ];
  const logins: Login[] = [];
  for (const p of people) {
    const email = `${p.local}@${org.slug}.example`;
    await createUser(db, org.id, {
      email,
      name: p.name,
      role: p.role,
      password: DEMO_PASSWORD,
      agentId: p.agentId,
      teamIds: p.teamIds,
    });
    logins.push({
      org: org.slug,
      email,
      role: p.role,
      password: DEMO_PASSWORD,
      oneTime: false,
      ...(p.note ? { note: p.note } : {}),
    });
  }
  return logins;
}
