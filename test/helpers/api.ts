import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import { buildApp } from '../../src/server/app.js';
import { createUser, type Role } from '../../src/storage/accounts.js';
import type { Store } from '../../src/storage/database.js';
import { KpiResultCache } from '../../src/storage/kpi-result-cache.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { type EngineName, freshStore } from './engines.js';
import { dedent, scratchDir } from './files.js';

export const PASSWORD = 'correct horse battery';
export const LOCAL_TOKEN = 'local-cli-secret-for-tests';

/** Two teams and two agents in organisation A (UTC), a few tickets in March 2026; organisation B is empty. */
const TICKETS = dedent(`
  id,created_at,status,priority,desk,team,assignee,channel,first_response_at,solved_at
  T1,2026-03-02T09:00:00Z,solved,normal,Support,Alpha,ana,email,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z
  T2,2026-03-03T09:00:00Z,solved,normal,Support,Beta,bo,chat,2026-03-03T09:30:00Z,2026-03-05T09:00:00Z
  T3,2026-03-04T09:00:00Z,open,normal,Support,Alpha,ana,email,,
`);

export interface Credentials {
  cookie?: string;
  csrf?: string;
  bearer?: string;
}

export interface ApiFixture {
  app: FastifyInstance;
  store: Store;
  orgA: Organization;
  orgB: Organization;
  /** User ids in organisation A by role, and B's admin. */
  users: Record<Role | 'other_admin', { id: number; email: string }>;
  login(email: string, password?: string): Promise<Credentials>;
  request(
    credentials: Credentials | undefined,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function apiFixture(
  engine: EngineName,
  options: { loginRateLimit?: { max: number; windowMs: number }; logger?: object } = {},
): Promise<ApiFixture> {
  // Through the KPI result cache, as the server runs: every API test also checks its invalidation.
  const store = await freshStore(engine, { kpiCache: new KpiResultCache(8 * 1024 * 1024) });
  const files = scratchDir();
  const orgA = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
  const orgB = await createOrganization(store.db, { slug: 'globex', timeZone: 'UTC' });
  await importFile({ store, org: orgA, file: files.write('tickets.csv', TICKETS) });
  await deriveTickets(store, orgA, { kind: 'all' });
  const teams = await store.db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('org_id', '=', orgA.id)
    .execute();
  const agents = await store.db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('org_id', '=', orgA.id)
    .execute();
  const alpha = teams.find((t) => t.name === 'Alpha')!.id;
  const ana = agents.find((a) => a.name === 'ana')!.id;
  const make = async (
    org: Organization,
    role: Role,
    local: string,
    extra: { agentId?: string; teamIds?: string[] } = {},
  ) => {
    const u = await createUser(store.db, org.id, {
      email: `${local}@${org.slug}.test`,
      name: local,
      role,
      password: PASSWORD,
      ...extra,
    });
    return { id: u.id, email: u.email };
  };
  const users = {
    admin: await make(orgA, 'admin', 'admin'),
    manager: await make(orgA, 'manager', 'manager'),
    team_lead: await make(orgA, 'team_lead', 'lead', { teamIds: [alpha] }),
    agent: await make(orgA, 'agent', 'agent', { agentId: ana }),
    viewer: await make(orgA, 'viewer', 'viewer'),
    other_admin: await make(orgB, 'admin', 'admin'),
  };
  const app = await buildApp({
    store,
    registry: CATALOGUE,
    localToken: LOCAL_TOKEN,
    runCli: async (argv) => ({ exitCode: 0, stdout: `ran ${argv.join(' ')}\n`, stderr: '' }),
    loginRateLimit: options.loginRateLimit ?? { max: 1000, windowMs: 60_000 },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await app.ready();

  const request: ApiFixture['request'] = (credentials, method, url, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (credentials?.cookie) h.cookie = credentials.cookie;
    if (credentials?.csrf && method !== 'GET') h['x-csrf-token'] = credentials.csrf;
    if (credentials?.bearer) h.authorization = `Bearer ${credentials.bearer}`;
    return app.inject({
      method: method as 'GET',
      url,
      headers: h,
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body }
          : { payload: body as object }),
    });
  };
  const login = async (email: string, password = PASSWORD): Promise<Credentials> => {
    const res = await request(undefined, 'POST', '/api/v1/auth/login', { email, password });
    if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'deskscore_session')!;
    return { cookie: `deskscore_session=${cookie.value}`, csrf: res.json().csrf_token };
  };
  return {
    app,
    store,
    orgA,
    orgB,
    users,
    login,
    request,
    close: async () => {
      await app.close();
      await store.close();
      files.cleanup();
    },
  };
}
