import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

const WEEK = [12, 11, 11, 10, 9, 5, 3];

/** Eight weeks from Monday 2026-01-05 (UTC), two desks; Alpha triples on 2026-02-25. */
function ticketsCsv(): string {
  const lines = ['id,created_at,status,channel,desk'];
  let id = 0;
  const first = DateTime.fromISO('2026-01-05T00:00:00Z', { zone: 'UTC' });
  for (let d = 0; d < 56; d++) {
    const day = first.plus({ days: d });
    for (const [desk, scale] of [
      ['Alpha', 1],
      ['Beta', 0.5],
    ] as const) {
      const spike = desk === 'Alpha' && day.toISODate() === '2026-02-25' ? 3 : 1;
      const n = Math.round((WEEK[d % 7]! + (d % 3)) * scale * spike);
      for (let i = 0; i < n; i++) {
        const at = day.plus({ hours: 8 + (i % 10), minutes: (i * 7) % 60 });
        lines.push(`T${++id},${at.toISO()},open,${i % 3 === 0 ? 'chat' : 'email'},${desk}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('deskscore forecast and staffing', () => {
  let db: string;
  beforeAll(async () => {
    db = files.path('forecast.duckdb');
    expect((await cli('--db', db, 'org', 'create', 'acme', '--time-zone', 'UTC')).code).toBe(0);
    expect((await cli('import', files.write('t.csv', ticketsCsv()), '--db', db)).code).toBe(0);
  });
  afterEach(() => vi.restoreAllMocks());

  it('forecasts one scope with intervals and stores it, printing the chosen model', async () => {
    const run = await cli(
      'forecast',
      '--desk',
      'Alpha',
      '--horizon',
      '7',
      '--as-of',
      '2026-03-02',
      '--db',
      db,
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Alpha · all channels: (ETS|seasonal_naive).*MASE/);
    expect(run.out).toMatch(/2026-03-02\s+\d/);
    expect(run.out).toContain('stored 7 daily forecast(s), issued 2026-03-02');
    const json = await cli(
      'forecast',
      '--desk',
      'Alpha',
      '--channel',
      'chat',
      '--horizon',
      '7',
      '--as-of',
      '2026-03-02',
      '--no-store',
      '--json',
      '--db',
      db,
    );
    const [f] = JSON.parse(json.out);
    expect(f.scope).toEqual({ deskId: 'Alpha', channel: 'chat', desk: 'Alpha' });
    expect(f.points).toHaveLength(7);
    expect(f.points[0]).toEqual({
      period: '2026-03-02',
      special: false,
      forecast: expect.any(Number),
      lower80: expect.any(Number),
      upper80: expect.any(Number),
      lower95: expect.any(Number),
      upper95: expect.any(Number),
    });
    expect(f.backtest.scores.length).toBeGreaterThan(1);
  });

  it('forecasts every scope with --all and lists spikes', async () => {
    const all = await cli('forecast', '--all', '--as-of', '2026-03-02', '--no-store', '--db', db);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/desk\s+channel\s+model\s+mase\s+wape\s+naive_mase\s+folds\s+total_28d/);
    expect(all.out).toMatch(/\n\(all\)\s+\(all\)\s/);
    expect(all.out).toMatch(/\nBeta\s+\(all\)\s/);
    expect(all.out).toMatch(/\n\(all\)\s+email\s/);
    const spikes = await cli(
      'forecast',
      '--spikes',
      '--days',
      '7',
      '--as-of',
      '2026-03-02',
      '--json',
      '--db',
      db,
    );
    expect(spikes.code).toBe(0);
    const rows = JSON.parse(spikes.out) as Array<Record<string, unknown>>;
    expect(rows).toContainEqual(
      expect.objectContaining({ desk: 'Alpha', channel: null, period: '2026-02-25', kind: 'spike' }),
    );
    const table = await cli(
      'forecast',
      '--spikes',
      '--desk',
      'Alpha',
      '--days',
      '7',
      '--as-of',
      '2026-03-02',
      '--db',
      db,
    );
    expect(table.out).toMatch(/Alpha\s+\(all\)\s+2026-02-25\s+spike/);
  });

  it('answers the ORACLES what-if: 14 agents, 20 staff, and what 13 agents reach', async () => {
    const args = [
      'staffing',
      '--sla',
      '80/20',
      '--aht',
      '180',
      '--shrinkage',
      '0.3',
      '--max-occupancy',
      '0.85',
    ];
    const what = ['--volume', '100', '--interval-minutes', '30'];
    const json = await cli(...args, ...what, '--agents', '13', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      model: 'erlang_c',
      volume: 100,
      intervalMinutes: 30,
      trafficErlangs: 10,
      agentsForServiceLevel: 14,
      agentsForOccupancy: 12,
      agents: 14,
      staff: 20,
      required: {
        agents: 14,
        serviceLevel: 0.8884,
        pWait: 0.1741,
        asaSeconds: 7.84,
        occupancy: 0.7143,
        pAbandon: 0,
      },
      withAgents: {
        agents: 13,
        serviceLevel: 0.7956,
        pWait: 0.2853,
        asaSeconds: 17.12,
        occupancy: 0.7692,
        pAbandon: 0,
        meetsTarget: false,
      },
    });
    const text = await cli(...args, ...what);
    expect(text.out).toContain('traffic 10 Erlangs (Erlang C)');
    expect(text.out).toContain('agents needed 14 (service level 14, occupancy 12); staff required 20');
    expect(text.out).toContain('service level 88.84 %, P(wait) 0.1741, ASA 7.84 s, occupancy 71.43 %');
    const erlangA = JSON.parse((await cli(...args, ...what, '--patience', '120', '--json')).out);
    expect(erlangA.model).toBe('erlang_a');
    expect(erlangA.agents).toBeLessThan(14);
  });

  it('staffs the hourly forecast and judges a headcount', async () => {
    const run = await cli(
      'staffing',
      '--sla',
      '80/60',
      '--aht',
      '600',
      '--desk',
      'Alpha',
      '--horizon',
      '1',
      '--as-of',
      '2026-03-02',
      '--agents',
      '1',
      '--json',
      '--db',
      db,
    );
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out);
    expect(plan.intervals).toHaveLength(24);
    expect(plan.intervals[0].period).toBe('2026-03-02T00:00');
    expect(plan.erlang).toBe('erlang_c');
    expect(plan.feasibility.intervals).toBe(24);
    expect(plan.feasibility.maxAgentsNeeded).toBeGreaterThanOrEqual(1);
    const half = JSON.parse(
      (
        await cli(
          'staffing',
          '--sla',
          '80/60',
          '--aht',
          '600',
          '--horizon',
          '1',
          '--as-of',
          '2026-03-02',
          '--interval-minutes',
          '30',
          '--json',
          '--db',
          db,
        )
      ).out,
    );
    expect(half.intervals).toHaveLength(48);
    expect(half.intervals[1].period).toBe('2026-03-02T00:30');
    expect(half.feasibility).toBeNull();
  });

  it('exits 2 on usage errors and 1 on an unknown desk', async () => {
    expect((await cli('staffing', '--aht', '180', '--volume', '10')).code).toBe(2);
    expect((await cli('staffing', '--sla', '80', '--aht', '180', '--volume', '10')).code).toBe(2);
    expect(
      (await cli('staffing', '--sla', '80/20', '--aht', '180', '--shrinkage', '1.5', '--volume', '1')).code,
    ).toBe(2);
    expect(
      (await cli('staffing', '--sla', '80/20', '--aht', '180', '--interval-minutes', '45', '--db', db)).code,
    ).toBe(2);
    expect((await cli('forecast', '--grain', 'week', '--db', db)).code).toBe(2);
    expect((await cli('forecast', '--all', '--desk', 'Alpha', '--db', db)).code).toBe(2);
    expect((await cli('forecast', '--grain', 'hour', '--horizon', '20', '--db', db)).code).toBe(2);
    const unknown = await cli('forecast', '--desk', 'Gamma', '--db', db);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no desk "Gamma" (desks: Alpha, Beta)');
  });
});
