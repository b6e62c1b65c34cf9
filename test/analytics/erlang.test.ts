import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, outcomeFor, staffingFor, trafficErlangs } from '../../src/analytics/erlang.js';
import { staffingPlan } from '../../src/analytics/staffing.js';
import { Random } from '../../src/demo/random.js';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

// ORACLES.md: 100 contacts per 30 min, AHT 180 s, 80 % in 20 s, max occupancy 85 %, shrinkage 30 %.
const LOAD = { volume: 100, intervalSeconds: 1800, ahtSeconds: 180 };
const TARGET = { level: 0.8, answerSeconds: 20 };

describe('Erlang C', () => {
  it('reproduces the ORACLES worked example with 14 agents', () => {
    expect(trafficErlangs(LOAD)).toBe(10);
    const o = outcomeFor(14, LOAD, TARGET);
    expect(round(o.pWait, 4)).toBe(0.1741);
    expect(round(o.serviceLevel, 4)).toBe(0.8884);
    expect(round(o.asaSeconds, 2)).toBe(7.84);
    expect(round(o.occupancy * 100, 2)).toBe(71.43);
    expect(o.pAbandon).toBe(0);
  });

  it('staffs the example: 14 agents, 20 staff after 30 % shrinkage (14 / 0.7 is not 21)', () => {
    const s = staffingFor({ ...LOAD, target: TARGET, maxOccupancy: 0.85, shrinkage: 0.3 });
    expect(s).toMatchObject({
      traffic: 10,
      agentsForServiceLevel: 14,
      agentsForOccupancy: 12,
      agents: 14,
      staff: 20,
    });
    expect(round(s.outcome.serviceLevel, 4)).toBe(0.8884);
  });

  it('13 agents miss the target: P(wait) 0.2853, service level 0.7956', () => {
    const o = outcomeFor(13, LOAD, TARGET);
    expect(round(o.pWait, 4)).toBe(0.2853);
    expect(round(o.serviceLevel, 4)).toBe(0.7956);
    expect(o.serviceLevel).toBeLessThan(0.8);
  });

  it('raises agents for the maximum occupancy when it binds', () => {
    // A long answer time makes the service level cheap; 70 % occupancy then decides: ⌈10 / 0.7⌉ = 15.
    const s = staffingFor({ ...LOAD, target: { level: 0.8, answerSeconds: 600 }, maxOccupancy: 0.7 });
    expect(s.agentsForServiceLevel).toBe(11);
    expect(s.agentsForOccupancy).toBe(15);
    expect(s.agents).toBe(15);
  });

  it('does not overflow above 170 Erlangs (500 Erlangs)', () => {
    const load = { volume: 5000, intervalSeconds: 1800, ahtSeconds: 180 };
    expect(trafficErlangs(load)).toBe(500);
    const b = erlangB(500, 500);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1);
    // Erlang B(500, 500) ≈ 0.0353 (√(2/(π·A)) for large A, first order).
    expect(b).toBeCloseTo(0.0353, 3);
    const s = staffingFor({ ...load, target: TARGET });
    expect(Number.isFinite(s.outcome.pWait)).toBe(true);
    expect(s.agents).toBeGreaterThan(500);
    expect(s.outcome.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(outcomeFor(s.agents - 1, load, TARGET).serviceLevel).toBeLessThan(0.8);
    expect(erlangC(2000, 1900)).toBeGreaterThan(0);
  });

  it('has no queue to speak of at or below the traffic, and nothing to do without volume', () => {
    const o = outcomeFor(10, LOAD, TARGET);
    expect(o.pWait).toBe(1);
    expect(o.serviceLevel).toBe(0);
    expect(o.asaSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(staffingFor({ ...LOAD, volume: 0, target: TARGET })).toMatchObject({ agents: 0, staff: 0 });
    expect(() => staffingFor({ ...LOAD, target: { level: 1, answerSeconds: 20 } })).toThrow(RangeError);
  });
});

/** M/M/n+M, first come first served: agents' free times decide each caller's wait. */
function simulate(agents: number, load: typeof LOAD, patience: number, answerSeconds: number, calls: number) {
  const r = new Random(11, 'erlang-a');
  const draw = (mean: number) => -Math.log(1 - r.next()) * mean;
  const free = new Array<number>(agents).fill(0);
  let t = 0;
  let within = 0;
  let abandoned = 0;
  for (let i = 0; i < calls; i++) {
    t += draw(load.intervalSeconds / load.volume);
    let k = 0;
    for (let j = 1; j < agents; j++) if (free[j]! < free[k]!) k = j;
    const wait = Math.max(0, free[k]! - t);
    if (wait > draw(patience)) {
      abandoned++;
      continue;
    }
    if (wait <= answerSeconds) within++;
    free[k] = t + wait + draw(load.ahtSeconds);
  }
  return { serviceLevel: within / calls, pAbandon: abandoned / calls };
}

describe('Erlang A (abandonment)', () => {
  it('tends to Erlang C as patience grows', () => {
    const c = outcomeFor(14, LOAD, TARGET);
    const a = outcomeFor(14, { ...LOAD, patienceSeconds: 1e9 }, TARGET);
    expect(a.model).toBe('erlang_a');
    expect(a.pWait).toBeCloseTo(c.pWait, 6);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 6);
    expect(a.asaSeconds).toBeCloseTo(c.asaSeconds, 4);
  });

  it('tends to Erlang B (callers lost when all agents are busy) as patience shrinks', () => {
    const a = outcomeFor(10, { ...LOAD, patienceSeconds: 0.001 }, TARGET);
    expect(a.pAbandon).toBeCloseTo(erlangB(10, 10), 4);
  });

  it('agrees with a seeded simulation of the queue', () => {
    for (const [agents, patience] of [
      [12, 60],
      [9, 200],
    ] as const) {
      const a = outcomeFor(agents, { ...LOAD, patienceSeconds: patience }, TARGET);
      const sim = simulate(agents, LOAD, patience, TARGET.answerSeconds, 200_000);
      expect(Math.abs(a.serviceLevel - sim.serviceLevel)).toBeLessThan(0.01);
      expect(Math.abs(a.pAbandon - sim.pAbandon)).toBeLessThan(0.01);
    }
  });

  it('staffs fewer agents than Erlang C, possibly below the traffic, and handles 500 Erlangs', () => {
    const a = staffingFor({ ...LOAD, patienceSeconds: 120, target: TARGET, shrinkage: 0.3 });
    expect(a.agents).toBeLessThan(14);
    expect(a.outcome.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(outcomeFor(a.agents - 1, { ...LOAD, patienceSeconds: 120 }, TARGET).serviceLevel).toBeLessThan(
      0.8,
    );
    const big = staffingFor({
      volume: 5000,
      intervalSeconds: 1800,
      ahtSeconds: 180,
      patienceSeconds: 60,
      target: TARGET,
    });
    expect(big.agents).toBeLessThan(500);
    expect(big.outcome.serviceLevel).toBeGreaterThanOrEqual(0.8);
  });
});

describe('staffing a forecast', () => {
  it('staffs each interval and judges a headcount against the target', () => {
    const plan = staffingPlan({
      volumes: [0, 60, 100, 130],
      intervalSeconds: 1800,
      ahtSeconds: 180,
      target: TARGET,
      shrinkage: 0.3,
      agents: 14,
    });
    expect(plan.intervals.map((i) => i.required.agents)).toEqual([0, 9, 14, 17]);
    expect(plan.intervals[2]!.withAgents!.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(plan.feasibility).toMatchObject({
      feasible: false,
      intervals: 4,
      short: 1,
      maxAgentsNeeded: 17,
      maxStaffNeeded: 25,
      worstInterval: 3,
    });
    const enough = staffingPlan({
      volumes: [60, 100],
      intervalSeconds: 1800,
      ahtSeconds: 180,
      target: TARGET,
      agents: 14,
    });
    expect(enough.feasibility!.feasible).toBe(true);
    expect(enough.feasibility!.serviceLevel!).toBeGreaterThan(0.88);
  });
});
