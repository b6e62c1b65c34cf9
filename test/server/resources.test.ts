import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';
import { multipart } from '../helpers/multipart.js';

describe.each(ENGINES)('API resources on %s', (engine) => {
  let f: ApiFixture;
  const c: Record<string, Credentials> = {};
  beforeAll(async () => {
    f = await apiFixture(engine);
    for (const who of ['admin', 'manager', 'team_lead', 'agent', 'viewer'] as const)
      c[who] = await f.login(f.users[who].email);
  });
  afterAll(() => f.close());

  it('shows agents as their numbers are scoped, e-mails only to admins and managers', async () => {
    const names = async (who: string) =>
      (
        (await f.request(c[who], 'GET', '/api/v1/agents')).json() as Array<{
          name: string;
          email: string | null;
        }>
      ).map((a) => a.name);
    expect(await names('manager')).toEqual(['ana', 'bo']);
    expect(await names('team_lead')).toEqual(['ana']);
    expect(await names('agent')).toEqual(['ana']);
    const viewer = (await f.request(c.viewer, 'GET', '/api/v1/agents')).json() as Array<{
      email: string | null;
    }>;
    expect(viewer.every((a) => a.email === null)).toBe(true);
    expect(
      (await f.request(c.agent, 'GET', '/api/v1/teams')).json().map((t: { name: string }) => t.name),
    ).toEqual(['Alpha', 'Beta']);
  });

  it('saves an SLA policy, re-derives, and the SLA KPIs follow; a schedule in use cannot be deleted', async () => {
    const schedule = {
      id: 'office',
      name: 'Office',
      timeZone: 'UTC',
      intervals: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
    };
    expect((await f.request(c.admin, 'PUT', '/api/v1/schedules/office', schedule)).statusCode).toBe(200);
    const policy = {
      id: 'standard',
      name: 'Standard',
      position: 1,
      scheduleId: 'office',
      targets: [{ priority: 'normal', metric: 'first_reply', targetSeconds: 3600 }],
    };
    const saved = await f.request(c.admin, 'PUT', '/api/v1/sla-policies/standard', policy);
    expect(saved.json()).toEqual({ tickets_derived: 3 });
    expect((await f.request(c.viewer, 'GET', '/api/v1/sla-policies')).json()[0]).toMatchObject({
      id: 'standard',
      scheduleId: 'office',
    });
    // T1 replied after 1 h (met, placed 2 March), T2 after 30 min (met); T3 (no reply) is still running at
    // "now" past its due time, so breached: 2 of 3.
    const sla = (
      await f.request(c.manager, 'GET', '/api/v1/kpis/sla_compliance/values?from=2026-03-01&to=2026-03-31')
    ).json()[0];
    expect([sla.numerator, sla.denominator]).toEqual([2, 3]);
    const mismatch = await f.request(c.admin, 'PUT', '/api/v1/sla-policies/other', policy);
    expect(mismatch.statusCode).toBe(400);
    const inUse = await f.request(c.admin, 'DELETE', '/api/v1/schedules/office');
    expect(inUse.statusCode).toBe(409);
    expect((await f.request(c.admin, 'DELETE', '/api/v1/sla-policies/standard')).statusCode).toBe(200);
    expect((await f.request(c.admin, 'DELETE', '/api/v1/schedules/office')).statusCode).toBe(200);
    const actions = (await f.request(c.admin, 'GET', '/api/v1/audit?limit=10'))
      .json()
      .entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'schedule_saved',
        'sla_policy_saved',
        'sla_policy_deleted',
        'schedule_deleted',
      ]),
    );
  });

  it('records manual KPI values in the caller scope; recording again replaces', async () => {
    const post = (who: string, body: object) => f.request(c[who], 'POST', '/api/v1/measurements', body);
    const first = await post('team_lead', {
      kpi: 'sla_reviews',
      period_end: '2026-03-31',
      value: 2,
      team: 'Alpha',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const again = await post('team_lead', {
      kpi: 'sla_reviews',
      period_end: '2026-03-31',
      value: 3,
      team: 'Alpha',
    });
    expect(again.json()).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(
      (await post('team_lead', { kpi: 'sla_reviews', period_end: '2026-03-31', value: 1, team: 'Beta' }))
        .statusCode,
    ).toBe(403);
    const unknown = await post('manager', {
      kpi: 'sla_reviews',
      period_end: '2026-03-31',
      value: 1,
      team: 'Gamma',
    });
    expect([unknown.statusCode, unknown.json().error.issues[0].field]).toEqual([400, 'body.team']);
    const notManual = await post('manager', { kpi: 'csat', period_end: '2026-03-31', value: 1 });
    expect([notManual.statusCode, notManual.json().error.issues[0].field]).toEqual([400, 'body.kpi']);
    const value = (
      await f.request(
        c.manager,
        'GET',
        '/api/v1/kpis/sla_reviews/values?from=2026-03-01&to=2026-03-31&where=team=Alpha',
      )
    ).json()[0];
    expect(value.value).toBe(3);
    const listed = (await f.request(c.team_lead, 'GET', '/api/v1/measurements?kpi=sla_reviews')).json();
    expect(listed).toEqual([expect.objectContaining({ value: 3, entered_by: 'lead@acme.test' })]);
  });

  it('imports an uploaded file as a job: all-or-nothing with row-level errors, or skipping bad rows on request', async () => {
    const csv =
      'id,created_at,status,team\nU1,2026-03-09T09:00:00Z,open,Alpha\nU2,not a date,open,Alpha\nU3,2026-03-09T10:00:00Z,solvd,Beta\n';
    const finished = async (id: string) => {
      for (;;) {
        const job = (await f.request(c.manager, 'GET', `/api/v1/imports/jobs/${id}`)).json();
        if (job.status === 'succeeded' || job.status === 'failed') return job;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const strict = multipart({ name: 'upload.csv', content: csv });
    const started = await f.request(c.manager, 'POST', '/api/v1/imports', strict.body, strict.headers);
    expect(started.statusCode).toBe(202);
    const failed = await finished(started.json().id);
    expect(failed.status).toBe('failed');
    expect(failed.summary.errors).toEqual([
      expect.objectContaining({ file: 'upload.csv', row: 3, field: 'created_at' }),
      expect.objectContaining({ file: 'upload.csv', row: 4, field: 'status' }),
    ]);
    const volume = async () =>
      (
        await f.request(c.manager, 'GET', '/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31')
      ).json()[0].value;
    expect(await volume()).toBe(3);

    const lenient = multipart({ name: 'upload.csv', content: csv }, { skip_invalid: 'true' });
    const second = await finished(
      (await f.request(c.manager, 'POST', '/api/v1/imports', lenient.body, lenient.headers)).json().id,
    );
    expect(second.status).toBe('succeeded');
    expect(second.summary).toMatchObject({ rowsStored: 1, errorCount: 2 });
    expect(second.derived.tickets).toBe(1);
    expect(await volume()).toBe(4);

    const history = (await f.request(c.manager, 'GET', '/api/v1/imports')).json();
    expect(history.slice(0, 2).map((h: { status: string }) => h.status)).toEqual(['succeeded', 'failed']);
    const detail = (await f.request(c.manager, 'GET', `/api/v1/imports/${history[1].id}`)).json();
    expect(detail.errors).toHaveLength(2);
  });

  it('refuses uploads without a file, with unknown fields or a broken mapping', async () => {
    const none = multipart(null, { skip_invalid: 'true' });
    const res = await f.request(c.manager, 'POST', '/api/v1/imports', none.body, none.headers);
    expect([res.statusCode, res.json().error.issues[0].field]).toEqual([400, 'body.file']);
    const mapping = multipart(
      { name: 'x.csv', content: 'a,b\n1,2\n' },
      { mapping: '{"shape":"tickets","columns":{"nope":"a"}}' },
    );
    const bad = await f.request(c.manager, 'POST', '/api/v1/imports', mapping.body, mapping.headers);
    expect([bad.statusCode, bad.json().error.issues[0].field]).toEqual([400, 'body.mapping']);
    expect(bad.json().error.message).toMatch(/nope/);
    const json = await f.request(c.manager, 'POST', '/api/v1/imports', { file: 'x' });
    expect(json.statusCode).toBe(400);
  });
});
