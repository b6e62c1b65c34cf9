import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserPrincipal } from '../access.js';
import { EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { errorResponses } from '../schemas.js';

const deskSchema = z.object({ id: z.string(), name: z.string() });
const teamSchema = z.object({ id: z.string(), name: z.string(), desk_id: z.string().nullable() });
const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string().nullable(),
  email: z.string().nullable(),
});

/** Desks and teams are the organisation's structure; agents are people, scoped like their numbers. */
export const organizationStructureRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deskscore.store.db;

  app.get(
    '/desks',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['structure'],
        summary: 'Service desks',
        response: { 200: z.array(deskSchema), ...errorResponses },
      },
    },
    async (request) =>
      db
        .selectFrom('desks')
        .select(['id', 'name'])
        .where('org_id', '=', userPrincipal(request).org.id)
        .orderBy('name')
        .execute(),
  );

  app.get(
    '/teams',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['structure'],
        summary: 'Teams and their desks',
        response: { 200: z.array(teamSchema), ...errorResponses },
      },
    },
    async (request) =>
      db
        .selectFrom('teams')
        .select(['id', 'name', 'desk_id'])
        .where('org_id', '=', userPrincipal(request).org.id)
        .orderBy('name')
        .execute(),
  );

  app.get(
    '/agents',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['structure'],
        summary:
          "Agents: all for managers and viewers, a team lead's teams, an agent themself; e-mails for admins and managers",
        response: { 200: z.array(agentSchema), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      let q = db
        .selectFrom('agents')
        .select(['id', 'name', 'team_id', 'email'])
        .where('org_id', '=', p.org.id);
      const visible = visibleAgents(p);
      if (visible.kind === 'teams') {
        if (visible.ids.length === 0) return [];
        q = q.where('team_id', 'in', visible.ids);
      } else if (visible.kind === 'self') {
        if (visible.id === null) return [];
        q = q.where('id', '=', visible.id);
      }
      const rows = await q.orderBy('name').execute();
      const showEmail = p.user.role === 'admin' || p.user.role === 'manager';
      return rows.map((r) => ({ ...r, email: showEmail ? r.email : null }));
    },
  );
};

function visibleAgents(
  p: UserPrincipal,
): { kind: 'all' } | { kind: 'teams'; ids: readonly string[] } | { kind: 'self'; id: string | null } {
  if (p.user.role === 'team_lead') return { kind: 'teams', ids: p.user.team_ids };
  if (p.user.role === 'agent') return { kind: 'self', id: p.user.agent_id };
  return { kind: 'all' };
}
