import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';

/** Bad input gets a precise 4xx naming the field, and nothing is stored. */
describe.each(ENGINES)('API input validation on %s', (engine) => {
  let f: ApiFixture;
  let admin: Credentials;
  const counts = async () => {
    const users = await f.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const tokens = await f.store.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const orgs = await f.store.db
      .selectFrom('organizations')
      .select(['name', 'time_zone'])
      .orderBy('id')
      .execute();
    return { users: Number(users.n), tokens: Number(tokens.n), orgs };
  };
  let before: Awaited<ReturnType<typeof counts>>;
  beforeAll(async () => {
    f = await apiFixture(engine);
    admin = await f.login(f.users.admin.email);
    before = await counts();
  });
  afterAll(async () => {
    // Nothing any of these requests sent was stored.
    expect(await counts()).toEqual(before);
    await f.close();
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    f.request(admin, 'POST', url, body, headers);
  const issues = (res: { json(): unknown }) =>
    (res.json() as { error: { issues: Array<{ field: string; message: string }> } }).error.issues;

  it('refuses malformed JSON', async () => {
    const res = await post('/api/v1/users', '{"email": "a@b.test", "name": ', {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/JSON/i);
  });

  it('names the field with the wrong type', async () => {
    const res = await post('/api/v1/users', { email: 42, name: 'Ann', role: 'viewer' });
    expect(res.statusCode).toBe(400);
    expect(issues(res)).toEqual([expect.objectContaining({ field: 'body.email' })]);
  });

  it('names a missing field and a value outside its enum', async () => {
    const res = await post('/api/v1/users', { email: 'ann@acme.test', role: 'superuser' });
    expect(res.statusCode).toBe(400);
    expect(
      issues(res)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['body.name', 'body.role']);
  });

  it('names unknown fields', async () => {
    const res = await post('/api/v1/users', {
      email: 'ann@acme.test',
      name: 'Ann',
      role: 'viewer',
      is_admin: true,
    });
    expect(res.statusCode).toBe(400);
    expect(issues(res)).toEqual([expect.objectContaining({ field: 'body.is_admin' })]);
    const patch = await f.request(admin, 'PATCH', '/api/v1/organization', { name: 'X', org_id: 2 });
    expect(patch.statusCode).toBe(400);
    expect(issues(patch)[0]?.field).toBe('body.org_id');
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await post('/api/v1/users', {
      email: 'ann@acme.test',
      name: 'x'.repeat(2 * 1024 * 1024),
      role: 'viewer',
    });
    expect(res.statusCode).toBe(413);
  });

  it('refuses SQL-looking strings where they are not valid, naming the field', async () => {
    const email = await post('/api/v1/users', { email: "x' OR '1'='1", name: 'Ann', role: 'viewer' });
    expect(email.statusCode).toBe(400);
    expect(issues(email)[0]?.field).toBe('body.email');
    const zone = await f.request(admin, 'PATCH', '/api/v1/organization', {
      time_zone: "UTC'; DROP TABLE users; --",
    });
    expect(zone.statusCode).toBe(400);
    expect(issues(zone)[0]?.field).toBe('body.time_zone');
    const from = await f.request(
      admin,
      'GET',
      `/api/v1/kpis/csat/values?from=${encodeURIComponent("2026-01-01' OR 1=1 --")}&to=2026-01-31`,
    );
    expect(from.statusCode).toBe(400);
    expect(issues(from)[0]?.field).toBe('querystring.from');
    const id = await f.request(admin, 'GET', `/api/v1/users/${encodeURIComponent('1 OR 1=1')}`);
    expect(id.statusCode).toBe(400);
    expect(issues(id)[0]?.field).toBe('params.id');
  });

  it('keeps SQL-looking text that is valid as text verbatim, as data', async () => {
    const where = await f.request(
      admin,
      'GET',
      `/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31&where=${encodeURIComponent("team=Alpha' OR '1'='1")}`,
    );
    expect(where.statusCode).toBe(200);
    // No team has that name: the filter matches nothing rather than everything.
    expect(where.json()[0].n).toBe(0);
  });

  it('refuses control characters in names', async () => {
    const res = await post('/api/v1/users', { email: 'ann@acme.test', name: 'Ann\u0000', role: 'viewer' });
    expect(res.statusCode).toBe(400);
    expect(issues(res)[0]?.field).toBe('body.name');
  });

  it('refuses a KPI query the KPI cannot answer, naming the problem', async () => {
    const res = await f.request(
      admin,
      'GET',
      '/api/v1/kpis/churn_rate/values?from=2026-03-01&to=2026-03-31&by=agent',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/cannot be segmented by agent/);
    const unknown = await f.request(admin, 'GET', '/api/v1/kpis/nope/values?from=2026-03-01&to=2026-03-31');
    expect(unknown.statusCode).toBe(404);
    const extra = await f.request(
      admin,
      'GET',
      '/api/v1/kpis/csat/values?from=2026-03-01&to=2026-03-31&limit=5',
    );
    expect(extra.statusCode).toBe(400);
    expect(issues(extra)[0]?.field).toBe('querystring.limit');
  });

  it('refuses settings that reference a missing schedule, naming the path', async () => {
    const res = await f.request(admin, 'PUT', '/api/v1/settings', {
      slaPolicies: [
        {
          id: 'p1',
          name: 'P1',
          position: 1,
          scheduleId: 'nope',
          targets: [{ priority: 'high', metric: 'first_reply', targetSeconds: 3600 }],
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(issues(res)[0]?.field).toBe('body.slaPolicies.[0].scheduleId');
    const policies = await f.store.db.selectFrom('sla_policies').selectAll().execute();
    expect(policies).toEqual([]);
  });
});
