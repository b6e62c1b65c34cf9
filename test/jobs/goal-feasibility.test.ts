import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/ingest/import-file.js';
import { deriveTickets } from '../../src/jobs/derive-tickets.js';
import { goalFeasibility } from '../../src/jobs/goal-feasibility.js';
import { setGoal } from '../../src/jobs/set-goal.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/**
 * Desk Support receives 10 tickets an hour from 09:00 to 17:00 (UTC) every day of the last five weeks,
 * each with 300 s of handle time. With AHT 300 s, an hour carries 10 × 300 / 3,600 = 0.83 Erlangs.
 * A response-time goal of 600 s asks that half the contacts wait at most 600 s:
 * - 1 agent: P(wait) = 0.833 (Erlang C, N = 1: P = A), SL = 1 − 0.833 · e^(−(1 − 0.833) · 600 / 300) = 0.40 → short;
 * - 2 agents: SL ≈ 0.95 → enough; so at most 2 agents are needed in any hour.
 */
describe.each(ENGINES)('goal feasibility on %s', (engine) => {
  let store: Store;
  let org: Organization;
  let goalId: number;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
    const today = DateTime.utc().startOf('day');
    const rows = ['id,created_at,status,desk,team,assignee,solved_at,handle_time_seconds,first_response_at'];
    for (let d = 35; d >= 1; d--) {
      for (let h = 9; h < 17; h++) {
        for (let i = 0; i < 10; i++) {
          const at = today.minus({ days: d }).set({ hour: h, minute: i * 6 });
          rows.push(
            `T${d}-${h}-${i},${at.toISO()},solved,Support,Alpha,ana,${at.plus({ minutes: 30 }).toISO()},300,${at.plus({ minutes: 5 }).toISO()}`,
          );
        }
      }
    }
    const summary = await importFile({
      store,
      org,
      file: files.write(`${engine}.csv`, `${rows.join('\n')}\n`),
    });
    await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
    const start = today.toISODate()!;
    const result = await setGoal(
      store,
      org,
      {
        kpi: 'first_response_time',
        scope: { kind: 'desk', idOrName: 'Support' },
        target: { kind: 'absolute', value: 600 },
        start,
        deadline: today.plus({ months: 3 }).toISODate()!,
        owner: { name: 'Morgan', role: 'manager' },
      },
      new Date(),
      { force: true },
    );
    goalId = result.goal!.id;
  });
  afterAll(() => store.close());

  it('staffs the forecast at the goal: one agent is short, two are enough', async () => {
    const needed = await goalFeasibility(store, org, goalId, {}, new Date());
    expect(needed).toMatchObject({ applicable: true, max_agents_needed: 2, feasibility: null });
    expect(needed.assumptions).toMatchObject({
      aht_seconds: 300,
      target: { level: 0.5, answerSeconds: 600 },
    });
    const one = await goalFeasibility(store, org, goalId, { agents: 1 }, new Date());
    expect(one.feasibility).toMatchObject({ feasible: false });
    expect(one.feasibility!.serviceLevel!).toBeCloseTo(0.4, 1);
    const two = await goalFeasibility(store, org, goalId, { agents: 2 }, new Date());
    expect(two.feasibility).toMatchObject({ feasible: true, short: 0 });
  });

  it('says when a goal cannot be staffed for', async () => {
    const team = await setGoal(
      store,
      org,
      {
        kpi: 'csat',
        scope: { kind: 'team', idOrName: 'Alpha' },
        target: { kind: 'absolute', value: 90 },
        start: '2026-01-01',
        deadline: '2026-12-31',
        owner: { name: 'Lee', role: 'team_lead' },
      },
      new Date(),
      { force: true },
    );
    const result = await goalFeasibility(store, org, team.goal!.id, {}, new Date());
    expect(result).toMatchObject({ applicable: false });
    expect(result.reason).toMatch(/not csat/);
  });
});
