import {
  type AgentsOutcome,
  outcomeFor,
  type ServiceTarget,
  type StaffingResult,
  staffingFor,
} from './erlang.js';

/** Staffing a forecast interval by interval, and whether a headcount can serve it at target. */

export interface StaffingPlanInput {
  /** Forecast contacts per interval. */
  volumes: readonly number[];
  intervalSeconds: number;
  ahtSeconds: number;
  target: ServiceTarget;
  maxOccupancy?: number | undefined;
  shrinkage?: number | undefined;
  patienceSeconds?: number | undefined;
  /** Agents answering in each interval (one number for all, or one per interval). */
  agents?: number | readonly number[] | undefined;
}

export interface IntervalStaffing {
  index: number;
  volume: number;
  required: StaffingResult;
  /** With a headcount: what it reaches. */
  withAgents: AgentsOutcome | null;
}

export interface Feasibility {
  /** Every interval with volume reaches the target with the headcount given. */
  feasible: boolean;
  intervals: number;
  /** Intervals whose headcount misses the target. */
  short: number;
  /** The most agents (on the phones) and staff (after shrinkage) any interval needs. */
  maxAgentsNeeded: number;
  maxStaffNeeded: number;
  /** Volume-weighted service level the headcount reaches over the whole forecast. */
  serviceLevel: number | null;
  /** The interval with the lowest service level at the headcount. */
  worstInterval: number | null;
}

export interface StaffingPlan {
  intervals: IntervalStaffing[];
  feasibility: Feasibility | null;
}

export function staffingPlan(input: StaffingPlanInput): StaffingPlan {
  const agentsAt = (i: number): number | null => {
    if (input.agents === undefined) return null;
    return typeof input.agents === 'number' ? input.agents : (input.agents[i] ?? null);
  };
  const intervals = input.volumes.map((volume, index): IntervalStaffing => {
    const load = {
      volume,
      intervalSeconds: input.intervalSeconds,
      ahtSeconds: input.ahtSeconds,
      patienceSeconds: input.patienceSeconds,
    };
    const required = staffingFor({
      ...load,
      target: input.target,
      maxOccupancy: input.maxOccupancy,
      shrinkage: input.shrinkage,
    });
    const agents = agentsAt(index);
    return {
      index,
      volume,
      required,
      withAgents: agents === null ? null : outcomeFor(agents, load, input.target),
    };
  });
  return {
    intervals,
    feasibility: input.agents === undefined ? null : feasibilityOf(intervals, input.target),
  };
}

function feasibilityOf(intervals: readonly IntervalStaffing[], target: ServiceTarget): Feasibility {
  let short = 0;
  let weighted = 0;
  let volume = 0;
  let worst: IntervalStaffing | null = null;
  for (const i of intervals) {
    const outcome = i.withAgents!;
    if (i.volume <= 0) continue;
    if (outcome.serviceLevel < target.level - 1e-12) short++;
    weighted += i.volume * outcome.serviceLevel;
    volume += i.volume;
    if (!worst || outcome.serviceLevel < worst.withAgents!.serviceLevel) worst = i;
  }
  return {
    feasible: short === 0,
    intervals: intervals.length,
    short,
    maxAgentsNeeded: Math.max(0, ...intervals.map((i) => i.required.agents)),
    maxStaffNeeded: Math.max(0, ...intervals.map((i) => i.required.staff)),
    serviceLevel: volume > 0 ? weighted / volume : null,
    worstInterval: worst?.index ?? null,
  };
}
