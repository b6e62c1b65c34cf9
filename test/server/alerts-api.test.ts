import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimScheduledReport, markReportDelivered } from '../../src/storage/report-schedules-repository.js';
import { startSmtp } from '../helpers/alert-receivers.js';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';

/**
 * The alert and report routes: secrets referenced from the environment or stored encrypted and never
 * returned, logged or audited; test-send over SMTP with STARTTLS and a login; team leads limited to
 * their teams; validation naming the field; corrections.
 */

const PASSWORD_ENV = 'DESKSCORE_TEST_SMTP_PASSWORD';
const SMTP_PASSWORD = 'smtp-password-never-shown';
const HOOK_SECRET = 'hook-secret-never-shown-123';

describe.each(ENGINES)('alert and report routes on %s', (engine) => {
  let f: ApiFixture;
  let admin: Credentials;
  let lead: Credentials;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const saved = { key: process.env.DESKSCORE_SECRET_KEY, password: process.env[PASSWORD_ENV] };

  beforeAll(async () => {
    f = await apiFixture(engine);
    admin = await f.login(f.users.admin.email);
    lead = await f.login(f.users.team_lead.email);
    smtp = await startSmtp({ auth: { user: 'alerts', password: SMTP_PASSWORD } });
    delete process.env.DESKSCORE_SECRET_KEY;
    process.env[PASSWORD_ENV] = SMTP_PASSWORD;
  });
  afterAll(async () => {
    await smtp?.close();
    await f?.close();
    if (saved.key === undefined) delete process.env.DESKSCORE_SECRET_KEY;
    else process.env.DESKSCORE_SECRET_KEY = saved.key;
    if (saved.password === undefined) delete process.env[PASSWORD_ENV];
    else process.env[PASSWORD_ENV] = saved.password;
  });

  const emailChannel = () => ({
    name: 'Ops mail',
    kind: 'email',
    to: ['ops@acme.test'],
    from: 'deskscore@acme.test',
    smtp: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      user: 'alerts',
      password: { env: PASSWORD_ENV },
      tls_reject_unauthorized: false,
    },
  });

  it('sends a test over STARTTLS with a password from the environment, and never shows it', async () => {
    const created = await f.request(admin, 'POST', '/api/v1/alerts/channels', emailChannel());
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'email',
      config: { smtp: { host: '127.0.0.1', security: 'starttls', user: 'alerts' } },
      secrets: { smtp_password: { env: PASSWORD_ENV } },
    });
    const id = created.json().id;
    const sent = await f.request(admin, 'POST', `/api/v1/alerts/channels/${id}/test`);
    expect(sent.json()).toMatchObject({ status: 'sent', attempts: 1, error: null });
    expect(smtp.mails.at(-1)).toMatchObject({ user: 'alerts', to: ['ops@acme.test'] });
    expect(smtp.mails.at(-1)!.subject).toBe('[deskscore] Test message for channel "Ops mail"');

    // A wrong password fails the test, and the error names no secret.
    process.env[PASSWORD_ENV] = 'wrong-password-xyz';
    const failed = await f.request(admin, 'POST', `/api/v1/alerts/channels/${id}/test`);
    process.env[PASSWORD_ENV] = SMTP_PASSWORD;
    expect(failed.json().status).toBe('failed');
    expect(failed.json().error).toMatch(/SMTP/);
    expect(failed.body).not.toContain('wrong-password-xyz');

    const log = await f.request(admin, 'GET', '/api/v1/alerts/deliveries?kind=test');
    expect(log.json().map((d: { status: string }) => d.status)).toEqual(['failed', 'sent']);
    expect(log.body).not.toContain('wrong-password-xyz');
  });

  it('stores a given secret only encrypted, with a key from the environment, and never returns it', async () => {
    const body = {
      name: 'Signed hook',
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      signing_secret: { value: HOOK_SECRET },
    };
    const refused = await f.request(admin, 'POST', '/api/v1/alerts/channels', body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.issues[0].field).toBe('body.signing_secret');
    expect(refused.json().error.message).toContain('DESKSCORE_SECRET_KEY');

    process.env.DESKSCORE_SECRET_KEY = 'a passphrase for the tests only';
    const created = await f.request(admin, 'POST', '/api/v1/alerts/channels', body);
    expect(created.statusCode).toBe(201);
    expect(created.json().secrets).toEqual({ signing_secret: { stored: true } });
    const row = await f.store.db
      .selectFrom('alert_channels')
      .select('secrets')
      .where('org_id', '=', f.orgA.id)
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    expect(row.secrets).toMatch(/"encrypted":"v1:/);
    // Replacing the channel without the secret keeps it.
    const { signing_secret: _s, ...withoutSecret } = body;
    const replaced = await f.request(admin, 'PUT', `/api/v1/alerts/channels/${created.json().id}`, {
      ...withoutSecret,
      format: 'slack',
    });
    expect(replaced.json()).toMatchObject({
      config: { format: 'slack' },
      secrets: { signing_secret: { stored: true } },
    });

    for (const path of ['/api/v1/alerts/channels', '/api/v1/audit?limit=100']) {
      const res = await f.request(admin, 'GET', path);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(HOOK_SECRET);
      expect(res.body).not.toContain(SMTP_PASSWORD);
    }
    const audit = (await f.request(admin, 'GET', '/api/v1/audit?action=alert_channel_created')).json();
    expect(audit.entries[0].detail).toMatchObject({
      name: 'Signed hook',
      secrets: { signing_secret: { stored: true } },
    });
  });

  it('lets a team lead watch their teams only, and names the field of a bad rule', async () => {
    const channels = (await f.request(admin, 'GET', '/api/v1/alerts/channels')).json();
    const channel = channels[0].id;
    const rule = (scope: object, extra: object = {}) => ({
      name: 'Risk',
      kind: 'sla_risk',
      scope,
      channel_ids: [channel],
      ...extra,
    });
    expect(
      (await f.request(lead, 'POST', '/api/v1/alerts/rules', rule({ kind: 'team', id: 'Beta' }))).statusCode,
    ).toBe(403);
    const own = await f.request(
      lead,
      'POST',
      '/api/v1/alerts/rules',
      rule({ kind: 'team', id: 'Alpha' }, { quiet_hours: { start: '22:00', end: '07:00' } }),
    );
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({
      kind: 'sla_risk',
      params: { within_minutes: 60 },
      interval_minutes: 5,
      quiet_hours: { start: '22:00', end: '07:00' },
    });
    await f.request(admin, 'POST', '/api/v1/alerts/rules', rule({ kind: 'organization' }));
    expect(
      (await f.request(lead, 'GET', '/api/v1/alerts/rules')).json().map((r: { id: number }) => r.id),
    ).toEqual([own.json().id]);

    const bad = await f.request(admin, 'POST', '/api/v1/alerts/rules', {
      name: 'Churn per agent',
      kind: 'kpi_threshold',
      scope: { kind: 'agent', id: 'ana' },
      params: { kpi: 'churn_rate', op: 'above', threshold: 5 },
      channel_ids: [channel],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe('body.params.kpi');
    const missing = await f.request(admin, 'POST', '/api/v1/alerts/rules', {
      name: 'No op',
      kind: 'kpi_threshold',
      params: { kpi: 'csat', threshold: 80 },
      channel_ids: [channel],
    });
    expect(missing.json().error.issues[0].field).toBe('body.params.op');
    const unknownChannel = await f.request(admin, 'POST', '/api/v1/alerts/rules', {
      ...rule({ kind: 'organization' }),
      channel_ids: [999],
    });
    expect(unknownChannel.json().error.issues[0].field).toBe('body.channel_ids');
    // A channel in use cannot be deleted.
    expect((await f.request(admin, 'DELETE', `/api/v1/alerts/channels/${channel}`)).statusCode).toBe(409);
  });

  it('records a correction against a report, not before it was delivered', async () => {
    await claimScheduledReport(f.store.db, f.orgA.id, {
      id: 'weekly-1',
      report: 'weekly',
      dueAt: new Date('2026-03-09T09:00:00Z'),
      deskId: null,
      teamId: null,
    });
    await markReportDelivered(f.store.db, f.orgA.id, 'weekly-1', new Date('2026-03-09T08:30:00Z'));
    expect((await f.request(admin, 'GET', '/api/v1/reports')).json()).toMatchObject([
      { id: 'weekly-1', on_time_accurate: true, scheduled: true },
    ]);
    const early = await f.request(admin, 'POST', '/api/v1/reports/weekly-1/correction', {
      corrected_at: '2026-03-09T08:00:00Z',
    });
    expect(early.statusCode).toBe(400);
    const ok = await f.request(admin, 'POST', '/api/v1/reports/weekly-1/correction', {
      corrected_at: '2026-03-10T10:00:00Z',
    });
    expect(ok.json()).toMatchObject({ corrected_at: '2026-03-10T10:00:00.000Z', on_time_accurate: false });
  });
});
