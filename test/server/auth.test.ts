import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/storage/accounts.js';
import { type ApiFixture, apiFixture, type Credentials, PASSWORD } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';

describe.each(ENGINES)('accounts, sessions and tokens on %s', (engine) => {
  let f: ApiFixture;
  let logs = '';
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    f = await apiFixture(engine, { logger: { level: 'debug', stream } });
  });
  afterAll(() => f.close());

  const audit = async (action: string) =>
    f.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('at').execute();

  it('logs in with an http-only, SameSite=Strict cookie and refuses wrong passwords alike for unknown e-mails', async () => {
    const ok = await f.request(undefined, 'POST', '/api/v1/auth/login', {
      email: 'MANAGER@acme.test',
      password: PASSWORD,
    });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'deskscore_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(ok.json().csrf_token).toMatch(/^[\w-]{40,}$/);

    const wrong = await f.request(undefined, 'POST', '/api/v1/auth/login', {
      email: 'manager@acme.test',
      password: 'nope',
    });
    const unknown = await f.request(undefined, 'POST', '/api/v1/auth/login', {
      email: 'ghost@acme.test',
      password: 'nope',
    });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    const failed = await audit('login_failed');
    expect(failed.at(-1)).toMatchObject({ actor: 'manager@acme.test', org_id: f.orgA.id });
    expect((await audit('login')).length).toBeGreaterThan(0);
  });

  it('stores sessions and tokens only as hashes, and never logs secrets', async () => {
    const creds = await f.login(f.users.admin.email);
    const created = await f.request(creds, 'POST', '/api/v1/tokens', {
      name: 'etl',
      scopes: ['read', 'write'],
    });
    expect(created.statusCode).toBe(201);
    const token: string = created.json().token;
    expect(token).toMatch(/^dsk_/);
    const used = await f.request({ bearer: token }, 'GET', '/api/v1/auth/me');
    expect(used.json().via).toBe('token');
    const sessionSecret = creds.cookie!.split('=')[1]!;
    const stored = JSON.stringify([
      await f.store.db.selectFrom('api_tokens').selectAll().execute(),
      await f.store.db.selectFrom('sessions').selectAll().execute(),
      await f.store.db.selectFrom('users').selectAll().execute(),
      await f.store.db.selectFrom('audit_log').selectAll().execute(),
    ]);
    for (const secret of [token, sessionSecret, PASSWORD]) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(stored).toMatch(/\$argon2id\$/);
    expect(logs).toContain('request completed');
  });

  it('requires the CSRF header for writes made with the session cookie', async () => {
    const creds = await f.login(f.users.admin.email);
    const without = await f.request({ cookie: creds.cookie! }, 'PATCH', '/api/v1/organization', {
      name: 'Acme',
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf');
    const wrong = await f.request(
      { cookie: creds.cookie!, csrf: 'x'.repeat(43) },
      'PATCH',
      '/api/v1/organization',
      {
        name: 'Acme',
      },
    );
    expect(wrong.statusCode).toBe(403);
    const right = await f.request(creds, 'PATCH', '/api/v1/organization', { name: 'Acme Inc' });
    expect(right.statusCode).toBe(200);
    expect((await audit('organization_updated')).at(-1)?.detail).toContain('Acme Inc');
  });

  it('enforces token scopes, expiry and revocation, and keeps tokens away from interactive actions', async () => {
    const mk = (scopes: Array<'read' | 'write'>, expiresAt: Date | null = null) =>
      createApiToken(f.store.db, f.orgA.id, { userId: f.users.admin.id, name: 't', scopes, expiresAt });
    const read = await mk(['read']);
    expect((await f.request({ bearer: read.token }, 'GET', '/api/v1/users')).statusCode).toBe(200);
    const write = await f.request({ bearer: read.token }, 'PATCH', '/api/v1/organization', { name: 'Nope' });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.message).toMatch(/write/);
    const rw = await mk(['read', 'write']);
    const mint = await f.request({ bearer: rw.token }, 'POST', '/api/v1/tokens', {
      name: 'x',
      scopes: ['read'],
    });
    expect(mint.statusCode).toBe(403);
    const expired = await mk(['read'], new Date(Date.now() - 1000));
    expect((await f.request({ bearer: expired.token }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const admin = await f.login(f.users.admin.email);
    expect((await f.request(admin, 'DELETE', `/api/v1/tokens/${read.record.id}`)).statusCode).toBe(204);
    expect((await f.request({ bearer: read.token }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await f.request({ bearer: 'dsk_forged' }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect(
      (await f.request(undefined, 'GET', '/api/v1/auth/me', undefined, { authorization: 'Basic abc' }))
        .statusCode,
    ).toBe(401);
  });

  it('lets any user change their own language and display name, audited, from a session only', async () => {
    const viewer = await f.login(f.users.viewer.email);
    const res = await f.request(viewer, 'PATCH', '/api/v1/auth/me', { locale: 'es', name: 'Vera Viewer' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: f.users.viewer.id,
      locale: 'es',
      name: 'Vera Viewer',
      role: 'viewer',
    });
    expect((await f.request(viewer, 'GET', '/api/v1/auth/me')).json().user).toMatchObject({ locale: 'es' });
    const entry = (await audit('profile_updated')).at(-1);
    expect(entry?.actor_user_id).toBe(f.users.viewer.id);
    expect(JSON.stringify(entry?.detail)).toContain('Vera Viewer');
    expect((await f.request(viewer, 'PATCH', '/api/v1/auth/me', { locale: 'fr' })).statusCode).toBe(400);
    expect((await f.request(viewer, 'PATCH', '/api/v1/auth/me', { role: 'admin' })).statusCode).toBe(400);
    expect((await f.request(viewer, 'PATCH', '/api/v1/auth/me', {})).statusCode).toBe(400);
    const token = await createApiToken(f.store.db, f.orgA.id, {
      userId: f.users.viewer.id,
      name: 't',
      scopes: ['read', 'write'],
      expiresAt: null,
    });
    expect(
      (await f.request({ bearer: token.token }, 'PATCH', '/api/v1/auth/me', { locale: 'en' })).statusCode,
    ).toBe(403);
  });

  it('makes a new user change the one-time password before anything else', async () => {
    const admin = await f.login(f.users.admin.email);
    const created = await f.request(admin, 'POST', '/api/v1/users', {
      email: 'newbie@acme.test',
      name: 'Newbie',
      role: 'viewer',
    });
    expect(created.statusCode).toBe(201);
    const oneTime: string = created.json().one_time_password;
    const newbie = await f.login('newbie@acme.test', oneTime);
    const blocked = await f.request(newbie, 'GET', '/api/v1/kpis');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('password_change_required');
    expect((await f.request(newbie, 'GET', '/api/v1/auth/me')).json().user.must_change_password).toBe(true);
    const short = await f.request(newbie, 'POST', '/api/v1/auth/password', {
      current_password: oneTime,
      new_password: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.issues[0].field).toBe('body.new_password');
    const changed = await f.request(newbie, 'POST', '/api/v1/auth/password', {
      current_password: oneTime,
      new_password: 'a much longer passphrase',
    });
    expect(changed.statusCode).toBe(204);
    expect((await f.request(newbie, 'GET', '/api/v1/kpis')).statusCode).toBe(200);
    expect(
      (
        await f.request(undefined, 'POST', '/api/v1/auth/login', {
          email: 'newbie@acme.test',
          password: oneTime,
        })
      ).statusCode,
    ).toBe(401);
  });

  it('ends sessions on logout and when an admin disables the user', async () => {
    const viewer = await f.login(f.users.viewer.email);
    const spare = await f.login(f.users.viewer.email);
    expect((await f.request(viewer, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await f.request(viewer, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const admin = await f.login(f.users.admin.email);
    expect(
      (await f.request(admin, 'PATCH', `/api/v1/users/${f.users.viewer.id}`, { disabled: true })).statusCode,
    ).toBe(200);
    expect((await f.request(spare, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect(
      (
        await f.request(undefined, 'POST', '/api/v1/auth/login', {
          email: f.users.viewer.email,
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(401);
    await f.request(admin, 'PATCH', `/api/v1/users/${f.users.viewer.id}`, { disabled: false });
  });

  it('keeps organisations apart', async () => {
    const other = await f.login(f.users.other_admin.email);
    const users = (await f.request(other, 'GET', '/api/v1/users')).json() as Array<{ email: string }>;
    expect(users.map((u) => u.email)).toEqual(['admin@globex.test']);
    const foreign = await f.request(other, 'PATCH', `/api/v1/users/${f.users.manager.id}`, { role: 'admin' });
    expect(foreign.statusCode).toBe(404);
    const volume = (
      await f.request(other, 'GET', '/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31')
    ).json();
    expect(volume[0].n).toBe(0);
    const entries = (await f.request(other, 'GET', '/api/v1/audit')).json().entries as Array<{
      actor: string;
    }>;
    expect(entries.every((e) => e.actor.endsWith('@globex.test'))).toBe(true);
  });

  it('pages the audit log newest first', async () => {
    const admin = await f.login(f.users.admin.email);
    const first = (await f.request(admin, 'GET', '/api/v1/audit?limit=2')).json();
    expect(first.entries).toHaveLength(2);
    const second = (
      await f.request(admin, 'GET', `/api/v1/audit?limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second.entries[0].at <= first.entries[1].at).toBe(true);
    expect(second.entries.map((e: { id: string }) => e.id)).not.toContain(first.entries[1].id);
    const logins = (await f.request(admin, 'GET', '/api/v1/audit?action=login_failed')).json();
    expect(logins.entries.every((e: { action: string }) => e.action === 'login_failed')).toBe(true);
  });
});

describe.each(ENGINES)('what each role sees of a KPI on %s', (engine) => {
  let f: ApiFixture;
  const creds: Record<string, Credentials> = {};
  beforeAll(async () => {
    f = await apiFixture(engine);
    for (const who of ['manager', 'team_lead', 'agent'] as const)
      creds[who] = await f.login(f.users[who].email);
  });
  afterAll(() => f.close());
  const volume = (who: string, query = '') =>
    f.request(creds[who], 'GET', `/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31${query}`);

  it('gives a manager everything, a team lead their teams, an agent their own tickets', async () => {
    // T1, T3 (Alpha, ana) and T2 (Beta, bo).
    expect((await volume('manager')).json()[0].value).toBe(3);
    expect((await volume('team_lead')).json()[0].value).toBe(2);
    expect((await volume('agent')).json()[0].value).toBe(2);
    const byTeam = (await volume('team_lead', '&by=team')).json() as Array<{ team: string }>;
    expect(byTeam.map((r) => r.team)).toEqual(['Alpha']);
    const byAgent = (await volume('agent', '&by=agent')).json() as Array<{ agent: string }>;
    expect(byAgent.map((r) => r.agent)).toEqual(['ana']);
  });

  it('answers 403 when asked for what lies outside the caller', async () => {
    expect((await volume('team_lead', '&where=team=Beta')).statusCode).toBe(403);
    expect((await volume('agent', '&where=agent=bo')).statusCode).toBe(403);
    const churn = await f.request(
      creds.agent,
      'GET',
      '/api/v1/kpis/churn_rate/values?from=2026-03-01&to=2026-03-31',
    );
    expect(churn.statusCode).toBe(403);
    // Organisation-level KPIs without team attribution hold no person: a team lead may read them.
    const leadChurn = await f.request(
      creds.team_lead,
      'GET',
      '/api/v1/kpis/churn_rate/values?from=2026-03-01&to=2026-03-31',
    );
    expect(leadChurn.statusCode).toBe(200);
  });

  it('returns the same rows as the engine (the CLI) for the same query', async () => {
    const { runKpiQuery } = await import('../../src/storage/run-kpi-query.js');
    const { CATALOGUE } = await import('../../src/catalogue/index.js');
    const direct = await runKpiQuery(f.store, f.orgA, CATALOGUE, {
      kpi: 'first_response_time',
      from: '2026-03-01',
      to: '2026-03-31',
      grain: 'week',
      by: 'team',
    });
    const api = await f.request(
      creds.manager,
      'GET',
      '/api/v1/kpis/first_response_time/values?from=2026-03-01&to=2026-03-31&grain=week&by=team',
    );
    expect(api.json()).toEqual(JSON.parse(JSON.stringify(direct)));
  });
});

describe('login rate limit', () => {
  it('answers 429 after too many attempts from one address', async () => {
    const f = await apiFixture('duckdb', { loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (await f.request(undefined, 'POST', '/api/v1/auth/login', { email: 'x@acme.test', password: 'y' }))
            .statusCode,
        );
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await f.close();
    }
  });
});
