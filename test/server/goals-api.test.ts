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
