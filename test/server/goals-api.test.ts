import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';

const DRAFT = {
  kpi: 'first_response_time',
  scope: { kind: 'team', id: 'Alpha' },
  target: { kind: 'percent_change', value: -20 },
  start: '2026-03-01',
  deadline: '2026-06-30',
  baseline: { from: '2026-03-01', to: '2026-03-31' },
  owner: { name: 'Lee', role: 'team_lead' },
};

describe.each(ENGINES)('goals and scorecards over HTTP on %s', (engine) => {
  let f: ApiFixture;
  const c: Record<string, Credentials> = {};
  beforeAll(async () => {
    f = await apiFixture(engine);
    for (const who of ['manager', 'team_lead', 'agent'] as const) c[who] = await f.login(f.users[who].email);
  });
  afterAll(() => f.close());

  it('checks a draft without saving it, with the baseline the engine measures', async () => {
    const res = await f.request(c.team_lead, 'POST', '/api/v1/goals/check', DRAFT);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Team Alpha in March: T1 answered after 3,600 s; T3 not answered → median first response 3,600 s, n 1.
    expect(body.baseline).toMatchObject({ value: 3600, n: 1 });
    expect(body.target_value).toBe(2880);
    expect(body.goal).toBeNull();
    expect(body.smart.letters.map((l: { letter: string }) => l.letter)).toEqual(['S', 'M', 'A', 'R', 'T']);
    expect((await f.request(c.manager, 'GET', '/api/v1/goals')).json()).toEqual([]);
  });

  it('refuses to save a goal whose SMART check fails, unless forced', async () => {
    const late = { ...DRAFT, deadline: '2026-02-01' };
    const refused = await f.request(c.manager, 'POST', '/api/v1/goals', late);
    expect(refused.statusCode).toBe(422);
    const t = refused.json().smart.letters.find((l: { letter: string }) => l.letter === 'T');
    expect(t.verdict).toBe('fail');
    // The tiny fixture fails Measurable (n 1 < 10) and Relevant (no team-lead KRA counts it): forced.
    expect((await f.request(c.manager, 'POST', '/api/v1/goals', DRAFT)).statusCode).toBe(422);
    const saved = await f.request(c.manager, 'POST', '/api/v1/goals', { ...DRAFT, force: true });
    expect(saved.statusCode).toBe(201);
    const id = saved.json().goal.id;
    const listed = (await f.request(c.team_lead, 'GET', '/api/v1/goals')).json();
    expect(listed.map((g: { id: number }) => g.id)).toEqual([id]);
    expect((await f.request(c.agent, 'GET', '/api/v1/goals')).json()).toEqual([]);
    const detail = (await f.request(c.team_lead, 'GET', `/api/v1/goals/${id}`)).json();
    expect(detail.goal).toMatchObject({ id, kpi: 'first_response_time' });
    const audit = await f.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'goal_created')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps a team lead to their teams and an agent to themself', async () => {
    const beta = await f.request(c.team_lead, 'POST', '/api/v1/goals/check', {
      ...DRAFT,
      scope: { kind: 'team', id: 'Beta' },
    });
    expect(beta.statusCode).toBe(403);
    const own = await f.request(
      c.agent,
      'GET',
      '/api/v1/scorecards?scope=agent&id=ana&from=2026-03-01&to=2026-03-31',
    );
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      scope: { kind: 'agent', name: 'ana' },
      team_median: { team: { name: 'Alpha' } },
    });
    const other = await f.request(
      c.agent,
      'GET',
      '/api/v1/scorecards?scope=agent&id=bo&from=2026-03-01&to=2026-03-31',
    );
    expect(other.statusCode).toBe(403);
    expect(
      (await f.request(c.agent, 'GET', '/api/v1/coaching?agent=ana&from=2026-03-01&to=2026-03-31'))
        .statusCode,
    ).toBe(200);
    expect(
      (await f.request(c.agent, 'GET', '/api/v1/coaching?team=Alpha&from=2026-03-01&to=2026-03-31'))
        .statusCode,
    ).toBe(403);
  });

  it('edits the target of a goal: the stored baseline stays, the target and SMART check follow', async () => {
    const saved = await f.request(c.manager, 'POST', '/api/v1/goals', { ...DRAFT, force: true });
    const id: number = saved.json().goal.id;
    const edit = { target: { kind: 'percent_change', value: -10 }, force: true };
    // The live check of the edit saves nothing.
    const dry = await f.request(c.team_lead, 'POST', `/api/v1/goals/${id}/check`, edit);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ target_value: 3240, goal: null, baseline: { value: 3600, n: 1 } });
    expect((await f.request(c.team_lead, 'GET', `/api/v1/goals/${id}`)).json().goal.target.value).toBe(2880);

    const res = await f.request(c.team_lead, 'PATCH', `/api/v1/goals/${id}`, edit);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.target_value).toBe(3240);
    expect(body.baseline).toMatchObject({ from: '2026-03-01', to: '2026-03-31', value: 3600, n: 1 });
    expect(body.goal).toMatchObject({
      id,
      kpi: 'first_response_time',
      target: { kind: 'percent_change', input: -10, value: 3240 },
      deadline: '2026-06-30',
    });
    // The name made from the old target follows the new one.
    expect(body.name).toMatch(/−10 %/);
    expect(body.smart.letters.map((l: { letter: string }) => l.letter)).toEqual(['S', 'M', 'A', 'R', 'T']);
    const detail = (await f.request(c.team_lead, 'GET', `/api/v1/goals/${id}`)).json().goal;
    expect(detail.target).toMatchObject({ input: -10, value: 3240 });
    expect(detail.smart).toEqual(body.smart);
    const audit = await f.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'goal_updated')
      .where('target_id', '=', String(id))
      .execute();
    expect(audit).toHaveLength(1);
    const detailOf = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d);
    expect(detailOf(audit[0]!.detail)).toMatchObject({
      before: { target: { input: -20, value: 2880 } },
      after: { target: { input: -10, value: 3240 } },
    });
  });

  it('refuses an edit whose SMART check fails with 422 and the check, changing nothing', async () => {
    const saved = await f.request(c.manager, 'POST', '/api/v1/goals', { ...DRAFT, force: true });
    const id: number = saved.json().goal.id;
    const before = (await f.request(c.manager, 'GET', `/api/v1/goals/${id}`)).json().goal;
    const res = await f.request(c.manager, 'PATCH', `/api/v1/goals/${id}`, {
      deadline: '2026-02-01',
      target: { kind: 'percent_change', value: -50 },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().goal).toBeNull();
    const t = res.json().smart.letters.find((l: { letter: string }) => l.letter === 'T');
    expect(t.verdict).toBe('fail');
    const after = (await f.request(c.manager, 'GET', `/api/v1/goals/${id}`)).json().goal;
    expect(after).toMatchObject({ deadline: '2026-06-30', target: before.target, name: before.name });
    expect(after.smart).toEqual(before.smart);
    const audit = await f.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'goal_updated')
      .where('target_id', '=', String(id))
      .execute();
    expect(audit).toHaveLength(0);
  });

  it('refuses to edit what defines a goal: its KPI, scope or start', async () => {
    const saved = await f.request(c.manager, 'POST', '/api/v1/goals', { ...DRAFT, force: true });
    const id: number = saved.json().goal.id;
    const kpi = await f.request(c.manager, 'PATCH', `/api/v1/goals/${id}`, {
      kpi: 'ticket_volume',
      force: true,
    });
    expect(kpi.statusCode).toBe(400);
    expect(kpi.json().error.message).toMatch(/KPI.*set a new goal/);
    for (const change of [{ scope: { kind: 'team', id: 'Beta' } }, { start: '2026-04-01' }]) {
      expect(
        (await f.request(c.manager, 'PATCH', `/api/v1/goals/${id}`, { ...change, force: true })).statusCode,
      ).toBe(400);
    }
    expect((await f.request(c.manager, 'GET', `/api/v1/goals/${id}`)).json().goal.kpi).toBe(
      'first_response_time',
    );
    // The same KPI, scope and start (as the form sends them) are fine.
    const same = await f.request(c.manager, 'PATCH', `/api/v1/goals/${id}`, {
      kpi: DRAFT.kpi,
      scope: DRAFT.scope,
      start: DRAFT.start,
      notes: 'Weekly review',
      force: true,
    });
    expect(same.statusCode).toBe(200);
    expect(same.json().goal.notes).toBe('Weekly review');
    // An agent may not edit goals at all.
    expect((await f.request(c.agent, 'PATCH', `/api/v1/goals/${id}`, { notes: 'x' })).statusCode).toBe(403);
  });

  it('refuses scoring settings that do not validate, naming the problem', async () => {
    const admin = await f.login(f.users.admin.email);
    const bad = await f.request(admin, 'PUT', '/api/v1/scoring-settings', {
      goalThresholds: { onTrack: -30, atRisk: -10 },
    });
    expect(bad.statusCode).toBe(400);
    const unknown = await f.request(admin, 'PUT', '/api/v1/scoring-settings', { weights: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/weights/);
  });
});
