import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setGoal } from '../../src/jobs/set-goal.js';
import { createApiToken, createUser, type Role } from '../../src/storage/accounts.js';
import { insertChannel, insertRule } from '../../src/storage/alerts-repository.js';
import { createIngestSecret, storeBatch } from '../../src/storage/ingest-batches.js';
import { claimScheduledReport, insertSchedule } from '../../src/storage/report-schedules-repository.js';
import { saveSchedule, saveSlaPolicy } from '../../src/storage/settings-repository.js';
import { type ApiFixture, apiFixture, type Credentials, LOCAL_TOKEN, PASSWORD } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';
import { multipart } from '../helpers/multipart.js';

/**
 * Every route × the five roles, no credentials, and an admin of another organisation. A route added
 * to the server without a row here fails the first test: new routes must say who may call them.
 */
type Who = Role | 'none' | 'other_org';
const ROLES: Role[] = ['admin', 'manager', 'team_lead', 'agent', 'viewer'];
const WHO: Who[] = [...ROLES, 'none', 'other_org'];

function allow(allowed: readonly Role[], ok: number, otherOrg: number): Record<Who, number> {
  const out = { none: 401, other_org: otherOrg } as Record<Who, number>;
  for (const r of ROLES) out[r] = allowed.includes(r) ? ok : 403;
  return out;
}
const everyone = (ok: number, otherOrg = ok) => allow(ROLES, ok, otherOrg);
const publicRoute = (ok: number) => Object.fromEntries(WHO.map((w) => [w, ok])) as Record<Who, number>;

interface Case {
  route: string;
  /** A fixed path, or one made for each call (given the organisation's admin session). */
  path: string | ((f: ApiFixture, admin: Credentials) => Promise<string>);
  body?: (who: Who, f: ApiFixture) => unknown;
  headers?: Record<string, string>;
  expected: Record<Who, number>;
}

const upload = multipart({
  name: 'tickets.csv',
  content: 'id,created_at,status\nU1,2026-03-09T09:00:00Z,open\n',
});
const POLICY = {
  id: 'standard',
  name: 'Standard',
  position: 1,
  targets: [{ priority: 'normal' as const, metric: 'first_reply' as const, targetSeconds: 3600 }],
};
const SCHEDULE = {
  id: 'office',
  name: 'Office',
  timeZone: 'UTC',
  intervals: [{ weekday: 1, start: '09:00', end: '17:00' }],
};

let serial = 0;
const CASES: Case[] = [
  { route: 'GET /api/docs', path: '/api/docs', expected: publicRoute(200) },
  {
    route: 'GET /api/docs/static/index.html',
    path: '/api/docs/static/index.html',
    // The UI plugin redirects its index file to the docs root.
    expected: publicRoute(302),
  },
  {
    route: 'GET /api/docs/static/swagger-initializer.js',
    path: '/api/docs/static/swagger-initializer.js',
    expected: publicRoute(200),
  },
  { route: 'GET /api/docs/json', path: '/api/docs/json', expected: publicRoute(200) },
  { route: 'GET /api/docs/yaml', path: '/api/docs/yaml', expected: publicRoute(200) },
  { route: 'GET /api/docs/static/*', path: '/api/docs/static/swagger-ui.css', expected: publicRoute(200) },
  { route: 'GET /api/openapi.json', path: '/api/openapi.json', expected: publicRoute(200) },
  // The dashboard (issue 8): the app's files and every page path (SPA fallback) are public; the data is not.
  { route: 'GET /', path: '/', expected: publicRoute(200) },
  { route: 'GET /*', path: '/goals/1', expected: publicRoute(200) },
  { route: 'GET /api/v1/health', path: '/api/v1/health', expected: publicRoute(200) },
  { route: 'GET /api/v1/ready', path: '/api/v1/ready', expected: publicRoute(200) },
  {
    route: 'POST /api/v1/auth/login',
    path: '/api/v1/auth/login',
    body: () => ({ email: 'viewer@acme.test', password: PASSWORD }),
    expected: publicRoute(200),
  },
  { route: 'GET /api/v1/auth/me', path: '/api/v1/auth/me', expected: everyone(200) },
  {
    route: 'PATCH /api/v1/auth/me',
    path: '/api/v1/auth/me',
    body: () => ({ locale: 'es' }),
    expected: everyone(200),
  },
  {
    route: 'POST /api/v1/auth/password',
    path: '/api/v1/auth/password',
    // Changes each caller's password; the session in use survives.
    body: () => ({ current_password: PASSWORD, new_password: `${PASSWORD} again` }),
    expected: everyone(204),
  },
  { route: 'GET /api/v1/organization', path: '/api/v1/organization', expected: everyone(200) },
  {
    route: 'PATCH /api/v1/organization',
    path: '/api/v1/organization',
    body: () => ({ name: `Renamed ${++serial}` }),
    expected: allow(['admin'], 200, 200),
  },
  { route: 'GET /api/v1/settings', path: '/api/v1/settings', expected: everyone(200) },
  {
    route: 'PUT /api/v1/settings',
    path: '/api/v1/settings',
    body: () => ({ schedules: [], slaPolicies: [] }),
    expected: allow(['admin'], 200, 200),
  },
  { route: 'GET /api/v1/users', path: '/api/v1/users', expected: allow(['admin', 'manager'], 200, 200) },
  {
    route: 'GET /api/v1/users/:id',
    path: async (f) => `/api/v1/users/${f.users.viewer.id}`,
    expected: allow(['admin', 'manager'], 200, 404),
  },
  {
    route: 'POST /api/v1/users',
    path: '/api/v1/users',
    body: (who) => ({ email: `new-${who}-${++serial}@acme.test`, name: 'New person', role: 'viewer' }),
    expected: allow(['admin'], 201, 201),
  },
  {
    route: 'PATCH /api/v1/users/:id',
    path: async (f) => `/api/v1/users/${f.users.viewer.id}`,
    body: () => ({ name: `Viewer ${++serial}` }),
    expected: allow(['admin'], 200, 404),
  },
  {
    route: 'POST /api/v1/users/:id/reset-password',
    path: async (f) => `/api/v1/users/${(await target(f)).id}/reset-password`,
    expected: allow(['admin'], 200, 404),
  },
  {
    route: 'DELETE /api/v1/users/:id',
    path: async (f) => `/api/v1/users/${(await target(f)).id}`,
    expected: allow(['admin'], 204, 404),
  },
  { route: 'GET /api/v1/tokens', path: '/api/v1/tokens', expected: everyone(200) },
  {
    route: 'POST /api/v1/tokens',
    path: '/api/v1/tokens',
    body: () => ({ name: 'ci', scopes: ['read'] }),
    expected: everyone(201),
  },
  {
    route: 'DELETE /api/v1/tokens/:id',
    // The admin's token: only an admin of the same organisation may revoke someone else's.
    path: async (f) => {
      const { record } = await createApiToken(f.store.db, f.orgA.id, {
        userId: f.users.admin.id,
        name: 'target',
        scopes: ['read'],
        expiresAt: null,
      });
      return `/api/v1/tokens/${record.id}`;
    },
    expected: { ...allow(['admin'], 204, 404), manager: 404, team_lead: 404, agent: 404, viewer: 404 },
  },
  { route: 'GET /api/v1/kras', path: '/api/v1/kras', expected: everyone(200) },
  { route: 'GET /api/v1/kpis', path: '/api/v1/kpis', expected: everyone(200) },
  { route: 'GET /api/v1/kpis/:id', path: '/api/v1/kpis/ticket_volume', expected: everyone(200) },
  {
    route: 'GET /api/v1/kpis/:id/values',
    path: '/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31',
    expected: everyone(200),
  },
  // Drill-down and exports (issue 7): everyone, scoped (team leads their teams, agents their own rows).
  {
    route: 'GET /api/v1/kpis/:id/rows',
    path: '/api/v1/kpis/ticket_volume/rows?from=2026-03-01&to=2026-03-31&bucket=2026-03-01',
    expected: everyone(200),
  },
  {
    route: 'GET /api/v1/kpis/:id/rows.csv',
    path: '/api/v1/kpis/ticket_volume/rows.csv?from=2026-03-01&to=2026-03-31&bucket=2026-03-01',
    expected: everyone(200),
  },
  {
    route: 'GET /api/v1/kpis/:id/rows.xlsx',
    path: '/api/v1/kpis/ticket_volume/rows.xlsx?from=2026-03-01&to=2026-03-31&bucket=2026-03-01',
    expected: everyone(200),
  },
  {
    route: 'GET /api/v1/exports/tickets.csv',
    path: '/api/v1/exports/tickets.csv?from=2026-03-01&to=2026-03-31',
    expected: everyone(200),
  },
  {
    route: 'GET /api/v1/exports/tickets.xlsx',
    path: '/api/v1/exports/tickets.xlsx?from=2026-03-01&to=2026-03-31',
    expected: everyone(200),
  },
  { route: 'GET /api/v1/audit', path: '/api/v1/audit', expected: allow(['admin'], 200, 200) },
  {
    route: 'POST /api/v1/local/cli',
    path: '/api/v1/local/cli',
    body: () => ({ argv: ['org', 'list'], cwd: '/' }),
    expected: allow([], 403, 403),
  },
  {
    route: 'POST /api/v1/events',
    path: '/api/v1/events',
    body: () => ({
      items: [{ shape: 'tickets', record: { id: 'L1', created_at: '2026-03-09T09:00:00Z', status: 'open' } }],
    }),
    // Machines only: every logged-in session is refused.
    expected: allow([], 202, 403),
  },
  {
    route: 'GET /api/v1/events/batches/:id',
    path: async (f) => {
      const { batch } = await storeBatch(f.store.db, f.orgA.id, {
        items: [{ shape: 'tickets', record: { id: 'B1', created_at: '2026-03-09T09:00:00Z' } }],
        idempotencyKey: null,
        actor: 'test',
      });
      return `/api/v1/events/batches/${batch.id}`;
    },
    expected: allow(['admin', 'manager'], 200, 404),
  },
  {
    route: 'GET /api/v1/ingest-secrets',
    path: '/api/v1/ingest-secrets',
    expected: allow(['admin'], 200, 200),
  },
  {
    route: 'POST /api/v1/ingest-secrets',
    path: '/api/v1/ingest-secrets',
    body: () => ({ name: 'helpdesk' }),
    expected: allow(['admin'], 201, 201),
  },
  {
    route: 'DELETE /api/v1/ingest-secrets/:id',
    path: async (f) =>
      `/api/v1/ingest-secrets/${(await createIngestSecret(f.store.db, f.orgA.id, 'target')).record.id}`,
    expected: allow(['admin'], 204, 404),
  },
  { route: 'GET /api/v1/desks', path: '/api/v1/desks', expected: everyone(200) },
  { route: 'GET /api/v1/teams', path: '/api/v1/teams', expected: everyone(200) },
  { route: 'GET /api/v1/agents', path: '/api/v1/agents', expected: everyone(200) },
  { route: 'GET /api/v1/sla-policies', path: '/api/v1/sla-policies', expected: everyone(200) },
  {
    route: 'GET /api/v1/sla/overview',
    path: '/api/v1/sla/overview?from=2026-03-01&to=2026-03-31',
    expected: everyone(200),
  },
  {
    route: 'PUT /api/v1/sla-policies/:id',
    path: '/api/v1/sla-policies/standard',
    body: () => POLICY,
    expected: allow(['admin'], 200, 200),
  },
  {
    route: 'DELETE /api/v1/sla-policies/:id',
    path: async (f) => {
      await saveSlaPolicy(f.store.db, f.orgA.id, { ...POLICY, id: 'doomed' });
      return '/api/v1/sla-policies/doomed';
    },
    expected: allow(['admin'], 200, 404),
  },
  { route: 'GET /api/v1/schedules', path: '/api/v1/schedules', expected: everyone(200) },
  {
    route: 'PUT /api/v1/schedules/:id',
    path: '/api/v1/schedules/office',
    body: () => SCHEDULE,
    expected: allow(['admin'], 200, 200),
  },
  {
    route: 'DELETE /api/v1/schedules/:id',
    path: async (f) => {
      await saveSchedule(f.store.db, f.orgA.id, { ...SCHEDULE, id: 'doomed' });
      return '/api/v1/schedules/doomed';
    },
    expected: allow(['admin'], 200, 404),
  },
  {
    route: 'GET /api/v1/measurements',
    path: '/api/v1/measurements',
    expected: allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 200),
  },
  {
    route: 'POST /api/v1/measurements',
    path: '/api/v1/measurements',
    body: () => ({ kpi: 'sla_reviews', period_end: '2026-03-31', value: 2, team: 'Alpha' }),
    // Another organisation has no team Alpha.
    expected: allow(['admin', 'manager', 'team_lead'], 201, 400),
  },
  {
    route: 'POST /api/v1/imports',
    path: '/api/v1/imports',
    body: () => upload.body,
    headers: upload.headers,
    expected: allow(['admin', 'manager'], 202, 202),
  },
  {
    route: 'GET /api/v1/imports/jobs/:id',
    path: async (f, admin) =>
      `/api/v1/imports/jobs/${(await f.request(admin, 'POST', '/api/v1/imports', upload.body, upload.headers)).json().id}`,
    expected: allow(['admin', 'manager'], 200, 404),
  },
  { route: 'GET /api/v1/imports', path: '/api/v1/imports', expected: allow(['admin', 'manager'], 200, 200) },
  {
    route: 'GET /api/v1/imports/:id',
    // Import ids are per organisation: the other one has made a single import by now.
    path: '/api/v1/imports/2',
    expected: allow(['admin', 'manager'], 200, 404),
  },
  { route: 'GET /api/v1/goals', path: '/api/v1/goals', expected: everyone(200) },
  {
    route: 'GET /api/v1/goals/:id',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}`,
    // The agent (ana) is in team Alpha but does not see team goals; another organisation does not either.
    expected: { ...allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 404), agent: 404 },
  },
  {
    route: 'POST /api/v1/goals/check',
    path: '/api/v1/goals/check',
    body: () => GOAL,
    // Another organisation has no team Alpha.
    expected: allow(['admin', 'manager', 'team_lead'], 200, 400),
  },
  {
    route: 'POST /api/v1/goals',
    path: '/api/v1/goals',
    body: () => ({ ...GOAL, force: true }),
    expected: allow(['admin', 'manager', 'team_lead'], 201, 400),
  },
  {
    route: 'PATCH /api/v1/goals/:id',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}`,
    body: () => ({ deadline: '2026-07-31', force: true }),
    expected: allow(['admin', 'manager', 'team_lead'], 200, 404),
  },
  {
    route: 'POST /api/v1/goals/:id/check',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}/check`,
    body: () => ({ target: { kind: 'absolute', value: 12 } }),
    expected: allow(['admin', 'manager', 'team_lead'], 200, 404),
  },
  {
    route: 'POST /api/v1/goals/:id/actions',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}/actions`,
    body: () => ({ title: 'Review macros', owner: 'Lee', due: '2026-04-15' }),
    expected: allow(['admin', 'manager', 'team_lead'], 201, 404),
  },
  {
    route: 'PATCH /api/v1/goals/:id/actions/:seq',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}/actions/1`,
    body: () => ({ status: 'done' }),
    expected: allow(['admin', 'manager', 'team_lead'], 204, 404),
  },
  {
    route: 'GET /api/v1/goals/:id/feasibility',
    path: async (f) => `/api/v1/goals/${await alphaGoal(f)}/feasibility`,
    expected: { ...allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 404), agent: 404 },
  },
  {
    route: 'POST /api/v1/goals/evaluate',
    path: '/api/v1/goals/evaluate',
    expected: allow(['admin', 'manager'], 200, 200),
  },
  {
    route: 'GET /api/v1/scorecards',
    path: '/api/v1/scorecards?scope=team&id=Alpha&from=2026-03-01&to=2026-03-31',
    expected: allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 400),
  },
  {
    route: 'GET /api/v1/scorecards/compare',
    path: '/api/v1/scorecards/compare?kind=desk&from=2026-03-01&to=2026-03-31',
    expected: allow(['admin', 'manager', 'viewer'], 200, 200),
  },
  {
    route: 'GET /api/v1/counterweights',
    path: '/api/v1/counterweights?last_day=2026-03-31',
    expected: allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 200),
  },
  {
    route: 'GET /api/v1/coaching',
    path: '/api/v1/coaching?agent=ana&from=2026-03-01&to=2026-03-31',
    expected: everyone(200, 400),
  },
  { route: 'GET /api/v1/scoring-settings', path: '/api/v1/scoring-settings', expected: everyone(200) },
  {
    route: 'PUT /api/v1/scoring-settings',
    path: '/api/v1/scoring-settings',
    body: () => ({ goalThresholds: { onTrack: -10, atRisk: -25 } }),
    expected: allow(['admin'], 200, 200),
  },
  // Alerts and scheduled reports (issue 10): channels by admins, rules and schedules by managers and team
  // leads (their teams only), the delivery log by managers, reports by every role but agents.
  {
    route: 'GET /api/v1/alerts/channels',
    path: '/api/v1/alerts/channels',
    expected: allow(['admin', 'manager', 'team_lead'], 200, 200),
  },
  {
    route: 'POST /api/v1/alerts/channels',
    path: '/api/v1/alerts/channels',
    body: () => ({ name: `Hook ${++serial}`, kind: 'webhook', url: 'http://127.0.0.1:9/hook' }),
    expected: allow(['admin'], 201, 201),
  },
  {
    route: 'PUT /api/v1/alerts/channels/:id',
    path: async (f) => `/api/v1/alerts/channels/${await alertChannel(f)}`,
    body: () => ({
      name: `Hook ${++serial}`,
      kind: 'webhook',
      url: 'http://127.0.0.1:9/other',
      format: 'slack',
    }),
    expected: allow(['admin'], 200, 404),
  },
  {
    route: 'DELETE /api/v1/alerts/channels/:id',
    path: async (f) => `/api/v1/alerts/channels/${await alertChannel(f)}`,
    expected: allow(['admin'], 204, 404),
  },
  {
    route: 'POST /api/v1/alerts/channels/:id/test',
    // Nothing listens on port 9: the test send fails fast and says so (200 with status "failed").
    path: async (f) => `/api/v1/alerts/channels/${await alertChannel(f)}/test`,
    expected: allow(['admin', 'manager'], 200, 404),
  },
  {
    route: 'GET /api/v1/alerts/rules',
    path: '/api/v1/alerts/rules',
    expected: allow(['admin', 'manager', 'team_lead'], 200, 200),
  },
  {
    route: 'POST /api/v1/alerts/rules',
    path: async (f) => {
      sharedChannel = await alertChannel(f);
      return '/api/v1/alerts/rules';
    },
    // Team Alpha (the team lead's); another organisation has no team Alpha.
    body: () => ({
      name: 'At risk',
      kind: 'sla_risk',
      scope: { kind: 'team', id: 'Alpha' },
      channel_ids: [sharedChannel],
    }),
    expected: allow(['admin', 'manager', 'team_lead'], 201, 400),
  },
  {
    route: 'PATCH /api/v1/alerts/rules/:id',
    path: async (f) => `/api/v1/alerts/rules/${await alertRule(f)}`,
    body: () => ({ name: `Renamed ${++serial}` }),
    // An organisation-wide rule: not a team lead's to change.
    expected: allow(['admin', 'manager'], 200, 404),
  },
  {
    route: 'DELETE /api/v1/alerts/rules/:id',
    path: async (f) => `/api/v1/alerts/rules/${await alertRule(f)}`,
    expected: allow(['admin', 'manager'], 204, 404),
  },
  {
    route: 'GET /api/v1/alerts/events',
    path: '/api/v1/alerts/events',
    expected: allow(['admin', 'manager', 'team_lead'], 200, 200),
  },
  {
    route: 'GET /api/v1/alerts/deliveries',
    path: '/api/v1/alerts/deliveries',
    expected: allow(['admin', 'manager'], 200, 200),
  },
  {
    route: 'GET /api/v1/report-schedules',
    path: '/api/v1/report-schedules',
    expected: allow(['admin', 'manager', 'team_lead'], 200, 200),
  },
  {
    route: 'POST /api/v1/report-schedules',
    path: async (f) => {
      sharedChannel = await alertChannel(f);
      return '/api/v1/report-schedules';
    },
    body: () => ({
      name: 'Alpha weekly',
      report: 'weekly',
      scope: { kind: 'team', id: 'Alpha' },
      channel_ids: [sharedChannel],
    }),
    expected: allow(['admin', 'manager', 'team_lead'], 201, 400),
  },
  {
    route: 'PATCH /api/v1/report-schedules/:id',
    path: async (f) => `/api/v1/report-schedules/${await reportSchedule(f)}`,
    body: () => ({ at: '07:30' }),
    expected: allow(['admin', 'manager'], 200, 404),
  },
  {
    route: 'DELETE /api/v1/report-schedules/:id',
    path: async (f) => `/api/v1/report-schedules/${await reportSchedule(f)}`,
    expected: allow(['admin', 'manager'], 204, 404),
  },
  {
    route: 'GET /api/v1/reports',
    path: '/api/v1/reports',
    expected: allow(['admin', 'manager', 'team_lead', 'viewer'], 200, 200),
  },
  {
    route: 'POST /api/v1/reports/:id/correction',
    path: async (f) => {
      const id = `report-${++serial}`;
      await claimScheduledReport(f.store.db, f.orgA.id, {
        id,
        report: 'weekly',
        dueAt: new Date('2026-03-09T09:00:00Z'),
        deskId: null,
        teamId: null,
      });
      return `/api/v1/reports/${id}/correction`;
    },
    body: () => ({}),
    expected: allow(['admin', 'manager'], 200, 404),
  },
  // Last: it ends the session the other rows use.
  { route: 'POST /api/v1/auth/logout', path: '/api/v1/auth/logout', expected: everyone(204) },
];

const GOAL = {
  kpi: 'ticket_volume',
  scope: { kind: 'team', id: 'Alpha' },
  target: { kind: 'absolute', value: 10 },
  start: '2026-03-01',
  deadline: '2026-06-30',
  owner: { name: 'Lee', role: 'team_lead' },
};

/** A goal for team Alpha with one action item; its id. */
async function alphaGoal(f: ApiFixture): Promise<number> {
  const result = await setGoal(
    f.store,
    f.orgA,
    {
      kpi: 'ticket_volume',
      scope: { kind: 'team', idOrName: 'Alpha' },
      target: { kind: 'absolute', value: 10 },
      start: '2026-03-01',
      deadline: '2026-06-30',
      owner: { name: 'Lee', role: 'team_lead' },
      actions: [{ title: 'Coach', owner: 'Lee', due: '2026-04-01' }],
    },
    new Date(),
    { force: true },
  );
  return result.goal!.id;
}

let sharedChannel = 0;

/** A webhook channel of organisation A (nothing listens on port 9). */
async function alertChannel(f: ApiFixture): Promise<number> {
  const channel = await insertChannel(f.store.db, f.orgA.id, {
    name: `Target ${++serial}`,
    config: { kind: 'webhook', url: 'http://127.0.0.1:9/hook', format: 'json' },
    secrets: {},
    createdBy: 'test',
  });
  return channel.id;
}

/** An organisation-wide alert rule of organisation A. */
async function alertRule(f: ApiFixture): Promise<number> {
  const rule = await insertRule(f.store.db, f.orgA.id, {
    name: `Rule ${++serial}`,
    kind: 'sla_risk',
    scope: { kind: 'organization', id: null },
    params: { within_minutes: 30 },
    channel_ids: [await alertChannel(f)],
    interval_minutes: 5,
    quiet_hours: null,
    enabled: true,
    created_by: 'test',
  });
  return rule.id;
}

/** An organisation-wide weekly report schedule of organisation A. */
async function reportSchedule(f: ApiFixture): Promise<number> {
  const s = await insertSchedule(f.store.db, f.orgA.id, {
    name: `Schedule ${++serial}`,
    report: 'weekly',
    scope: { kind: 'organization', id: null },
    channel_ids: [await alertChannel(f)],
    formats: ['pdf'],
    weekday: 1,
    day_of_month: null,
    at: '08:00',
    grace_minutes: 60,
    enabled: true,
    created_by: 'test',
  });
  return s.id;
}

async function target(f: ApiFixture) {
  return createUser(f.store.db, f.orgA.id, {
    email: `target-${++serial}@acme.test`,
    name: 'Target',
    role: 'viewer',
    password: PASSWORD,
  });
}

describe.each(ENGINES)('role × endpoint on %s', (engine) => {
  let f: ApiFixture;
  const credentials = new Map<Who, Credentials | undefined>();
  beforeAll(async () => {
    f = await apiFixture(engine);
    for (const r of ROLES) credentials.set(r, await f.login(`${f.users[r].email}`));
    credentials.set('other_org', await f.login(f.users.other_admin.email));
    credentials.set('none', undefined);
  });
  afterAll(() => f.close());

  it('has a row for every route the server registers, and none for routes it lacks', () => {
    const registered = f.app.routes.map((r) => `${r.method} ${r.url}`).sort();
    expect(CASES.map((c) => c.route).sort()).toEqual(registered);
    for (const r of f.app.routes)
      expect(r.access, `${r.method} ${r.url} declares no access rule`).toBeDefined();
  });

  it('answers each caller as the role model says', async () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const method = c.route.split(' ')[0]!;
      for (const who of WHO) {
        const path = typeof c.path === 'string' ? c.path : await c.path(f, credentials.get('admin')!);
        const res = await f.request(credentials.get(who), method, path, c.body?.(who, f), c.headers);
        if (res.statusCode !== c.expected[who]) {
          failures.push(
            `${c.route} as ${who}: ${res.statusCode} (expected ${c.expected[who]}) ${res.body.slice(0, 160)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets only the local CLI token run CLI commands', async () => {
    const res = await f.request({ bearer: LOCAL_TOKEN }, 'POST', '/api/v1/local/cli', {
      argv: ['org', 'list'],
      cwd: '/',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ exit_code: 0, stdout: 'ran org list\n', stderr: '' });
    const other = await f.request({ bearer: LOCAL_TOKEN }, 'GET', '/api/v1/users');
    expect(other.statusCode).toBe(403);
  });
});
