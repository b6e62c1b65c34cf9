/**
 * Workforce maths (KPI-DEFINITIONS.md, "Workforce maths"): Erlang C, and Erlang A (M/M/n+M: callers
 * abandon after an exponential patience) as an option. Pure: numbers in, numbers out.
 *
 * Erlang C's P(wait) comes from the Erlang B recursion B(k) = A·B(k−1) / (k + A·B(k−1)), which stays
 * in [0, 1] for any traffic, so nothing overflows (A^N / N! does past 170 Erlangs).
 *
 * Erlang A is computed on its birth–death chain (arrival rate λ; death rate min(k, n)·μ + max(k − n, 0)·θ)
 * with the stationary probabilities in log space, truncated once the tail is below e^−40 of the peak.
 * A caller who finds q callers queued ahead is answered after q + 1 stages, stage i (i ahead) ending at
 * rate nμ + iθ, while their own patience runs out at rate θ; the chance of being answered within T is
 * the transient solution of that small chain, by uniformisation. Service level is the share of offered
 * contacts answered within T (an abandoned contact misses it), so Erlang A tends to Erlang C as the
 * patience grows and to Erlang B (loss) as it shrinks.
 */

export interface ServiceTarget {
  /** Share of contacts to answer within `answerSeconds`, 0 < level < 1 (0.8 for "80/20"). */
  level: number;
  answerSeconds: number;
}

export interface Load {
  /** Contacts arriving in one interval. */
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Average patience before abandoning; given, it switches from Erlang C to Erlang A. */
  patienceSeconds?: number | undefined;
}

/** What `agents` answering reach on a load. */
export interface AgentsOutcome {
  model: 'erlang_c' | 'erlang_a';
  agents: number;
  /** Offered traffic in Erlangs, A = λ·AHT. */
  traffic: number;
  /** Probability that a contact waits at all. */
  pWait: number;
  /** Share of offered contacts answered within the target time. */
  serviceLevel: number;
  /** Average speed of answer of answered contacts, seconds (Infinity when the queue grows forever). */
  asaSeconds: number;
  /** Share of agents' time busy: answered traffic ÷ agents. */
  occupancy: number;
  /** Share of contacts that abandon (0 under Erlang C). */
  pAbandon: number;
}

export interface StaffingInput extends Load {
  target: ServiceTarget;
  /** Highest acceptable occupancy, 0 < x ≤ 1 (default 1: no limit). */
  maxOccupancy?: number | undefined;
  /** Share of paid time not available to answer, 0 ≤ x < 1 (default 0). */
  shrinkage?: number | undefined;
}

export interface StaffingResult {
  traffic: number;
  /** Smallest number of agents meeting the service-level target. */
  agentsForServiceLevel: number;
  /** Smallest number of agents keeping occupancy at or under the maximum. */
  agentsForOccupancy: number;
  /** Agents needed on the phones: the larger of the two. */
  agents: number;
  /** Staff to schedule: agents ÷ (1 − shrinkage), rounded up. */
  staff: number;
  /** What `agents` reach. */
  outcome: AgentsOutcome;
}

// Rounding guard: 14 / 0.7 is 20.000000000000004 in floating point, and must staff 20, not 21.
const EPS = 1e-9;
const ceilSafe = (x: number) => Math.max(0, Math.ceil(x - EPS));

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}

function checkLoad(load: Load): void {
  check(Number.isFinite(load.volume) && load.volume >= 0, 'volume must be a number ≥ 0');
  check(Number.isFinite(load.intervalSeconds) && load.intervalSeconds > 0, 'interval must be > 0 seconds');
  check(Number.isFinite(load.ahtSeconds) && load.ahtSeconds > 0, 'AHT must be > 0 seconds');
  if (load.patienceSeconds !== undefined) {
    check(load.patienceSeconds > 0, 'patience must be > 0 seconds');
  }
}

function checkTarget(target: ServiceTarget): void {
  check(target.level > 0 && target.level < 1, 'service-level target must be between 0 and 1 (exclusive)');
  check(Number.isFinite(target.answerSeconds) && target.answerSeconds >= 0, 'answer time must be ≥ 0');
}

/** Offered traffic in Erlangs: arrival rate × AHT. */
export function trafficErlangs(load: Pick<Load, 'volume' | 'intervalSeconds' | 'ahtSeconds'>): number {
  return (load.volume * load.ahtSeconds) / load.intervalSeconds;
}

/** Erlang B blocking probability for `agents` servers and `traffic` Erlangs, by recursion. */
export function erlangB(agents: number, traffic: number): number {
  check(Number.isInteger(agents) && agents >= 0, 'agents must be a whole number ≥ 0');
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

function erlangCFromB(agents: number, traffic: number, b: number): number {
  if (agents <= traffic) return 1;
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Erlang C: probability that a contact waits (1 when agents ≤ traffic: the queue never empties). */
export function erlangC(agents: number, traffic: number): number {
  return erlangCFromB(agents, traffic, erlangB(agents, traffic));
}

function erlangCOutcome(agents: number, traffic: number, load: Load, target: ServiceTarget): AgentsOutcome {
  const pWait = traffic === 0 ? 0 : erlangC(agents, traffic);
  const stable = agents > traffic;
  return {
    model: 'erlang_c',
    agents,
    traffic,
    pWait,
    serviceLevel: stable
      ? 1 - pWait * Math.exp((-(agents - traffic) * target.answerSeconds) / load.ahtSeconds)
      : 0,
    asaSeconds: stable ? (pWait * load.ahtSeconds) / (agents - traffic) : Number.POSITIVE_INFINITY,
    occupancy: agents > 0 ? Math.min(1, traffic / agents) : 1,
    pAbandon: 0,
  };
}

/** Service level, P(wait), ASA and occupancy that `agents` answering reach on a load. */
export function outcomeFor(agents: number, load: Load, target: ServiceTarget): AgentsOutcome {
  checkLoad(load);
  checkTarget(target);
  check(Number.isInteger(agents) && agents >= 0, 'agents must be a whole number ≥ 0');
  const traffic = trafficErlangs(load);
  if (load.patienceSeconds === undefined) return erlangCOutcome(agents, traffic, load, target);
  return erlangAOutcome(agents, traffic, load, load.patienceSeconds, target);
}

/**
 * Agents and staff for a load: the smallest N (> A under Erlang C) meeting the service-level target,
 * raised to respect the maximum occupancy, then divided by (1 − shrinkage) and rounded up. Under
 * Erlang A, N may be below A (callers who abandon free the agents), and occupancy is answered traffic ÷ N.
 */
export function staffingFor(input: StaffingInput): StaffingResult {
  checkLoad(input);
  checkTarget(input.target);
  const maxOccupancy = input.maxOccupancy ?? 1;
  const shrinkage = input.shrinkage ?? 0;
  check(maxOccupancy > 0 && maxOccupancy <= 1, 'maximum occupancy must be in (0, 1]');
  check(shrinkage >= 0 && shrinkage < 1, 'shrinkage must be in [0, 1)');
  const traffic = trafficErlangs(input);
  const patience = input.patienceSeconds;
  let forLevel = 0;
  let forOccupancy = 0;
  if (traffic > 0 && patience === undefined) {
    forLevel = erlangCAgents(traffic, input, input.target);
    forOccupancy = ceilSafe(traffic / maxOccupancy);
  } else if (traffic > 0 && patience !== undefined) {
    // With abandonment fewer agents than Erlangs can do, and occupancy counts answered traffic only.
    const outcome = (n: number) => erlangAOutcome(n, traffic, input, patience, input.target);
    forLevel = smallestMeeting((n) => outcome(n).serviceLevel >= input.target.level - 1e-12, traffic);
    forOccupancy =
      maxOccupancy >= 1 ? 1 : smallestMeeting((n) => outcome(n).occupancy <= maxOccupancy + 1e-12, traffic);
  }
  const agents = Math.max(forLevel, forOccupancy);
  return {
    traffic,
    agentsForServiceLevel: forLevel,
    agentsForOccupancy: forOccupancy,
    agents,
    staff: ceilSafe(agents / (1 - shrinkage)),
    outcome: outcomeFor(agents, input, input.target),
  };
}

/** Smallest N > A meeting the target, walking N up with the Erlang B recursion (O(N) in all). */
function erlangCAgents(traffic: number, load: Load, target: ServiceTarget): number {
  let n = Math.floor(traffic) + 1;
  let b = erlangB(n, traffic);
  for (;;) {
    const c = erlangCFromB(n, traffic, b);
    const level = 1 - c * Math.exp((-(n - traffic) * target.answerSeconds) / load.ahtSeconds);
    if (level >= target.level - 1e-12) return n;
    n++;
    b = (traffic * b) / (n + traffic * b);
  }
}

/** Smallest N ≥ 1 for a condition that, once true, stays true as N grows: bracket by doubling, then bisect. */
function smallestMeeting(meets: (n: number) => boolean, traffic: number): number {
  let high = Math.max(1, Math.ceil(traffic));
  let low = 0;
  while (!meets(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (meets(mid)) high = mid;
    else low = mid;
  }
  return high;
}

const TAIL_LOG = 40;
/** The chain is cut here at the latest: far beyond any real queue. */
const MAX_QUEUE = 1_000_000;
/** Uniformisation steps beyond which the inputs are outside what this method handles in reasonable time. */
const MAX_WORK = 50_000_000;

function erlangAOutcome(
  agents: number,
  traffic: number,
  load: Load,
  patience: number,
  target: ServiceTarget,
): AgentsOutcome {
  const lambda = load.volume / load.intervalSeconds;
  const mu = 1 / load.ahtSeconds;
  const theta = 1 / patience;
  const base = { model: 'erlang_a' as const, agents, traffic };
  if (lambda === 0) return { ...base, pWait: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0, pAbandon: 0 };
  if (agents === 0) {
    return {
      ...base,
      pWait: 1,
      serviceLevel: 0,
      asaSeconds: Number.POSITIVE_INFINITY,
      occupancy: 1,
      pAbandon: 1,
    };
  }

  // Stationary distribution in log space: log π_k up to a constant.
  const logs: number[] = [0];
  let peak = 0;
  const logLambda = Math.log(lambda);
  for (let k = 1; ; k++) {
    const death = Math.min(k, agents) * mu + Math.max(k - agents, 0) * theta;
    const value = logs[k - 1]! + logLambda - Math.log(death);
    logs.push(value);
    if (value > peak) peak = value;
    // Past the servers, once the terms fall (λ < death rate) and are negligible, the rest is too.
    if (k > agents && lambda < death && value < peak - TAIL_LOG) break;
    if (k - agents > MAX_QUEUE)
      throw new RangeError('Erlang A: queue too long to compute (patience too long?)');
  }
  let total = 0;
  const pi = logs.map((v) => {
    const p = Math.exp(v - peak);
    total += p;
    return p;
  });
  for (let k = 0; k < pi.length; k++) pi[k] = pi[k]! / total;

  const queueStates = pi.length - agents; // q = 0 … queueStates − 1 callers ahead of an arrival
  let pWait = 0;
  for (let k = agents; k < pi.length; k++) pWait += pi[k]!;

  // Per q: chance of being answered at all and mean wait when answered (stages are independent of the outcome).
  const stageRate = (i: number) => agents * mu + i * theta; // answer-side rate with i ahead
  let pAnswered = 1 - pWait;
  let waitAnswered = 0;
  let reach = 1;
  let meanTime = 0;
  for (let q = 0; q < queueStates; q++) {
    const r = stageRate(q);
    reach *= r / (r + theta);
    meanTime += 1 / (r + theta);
    const p = pi[agents + q]!;
    pAnswered += p * reach;
    waitAnswered += p * reach * meanTime;
  }

  const within = answeredWithin(queueStates, stageRate, theta, target.answerSeconds);
  let serviceLevel = 1 - pWait;
  for (let q = 0; q < queueStates; q++) serviceLevel += pi[agents + q]! * within[q]!;

  const pAbandon = Math.max(0, 1 - pAnswered);
  return {
    ...base,
    pWait,
    serviceLevel: Math.min(1, Math.max(0, serviceLevel)),
    asaSeconds: pAnswered > 0 ? waitAnswered / pAnswered : Number.POSITIVE_INFINITY,
    occupancy: Math.min(1, (traffic * (1 - pAbandon)) / agents),
    pAbandon,
  };
}

/**
 * For q = 0 … states − 1 callers ahead: the probability of being answered within `t` seconds, on the
 * chain "i ahead" → "i − 1 ahead" at rate stageRate(i) (0 ahead → answered), → abandoned at rate θ.
 * Uniformisation: u(t) = Σ_m Poisson(m; Λt) · Pᵐ·1_answered, with P = I + G/Λ.
 */
function answeredWithin(
  states: number,
  stageRate: (i: number) => number,
  theta: number,
  t: number,
): Float64Array {
  const result = new Float64Array(states);
  if (states === 0 || t === 0) return result;
  const uniform = stageRate(states - 1) + theta;
  const lt = uniform * t;
  const steps = Math.ceil(lt + 10 * Math.sqrt(lt) + 20);
  if (steps * states > MAX_WORK) throw new RangeError('Erlang A: answer time × rates too large to compute');
  const v = new Float64Array(states);
  const logLt = Math.log(lt);
  let logFactorial = 0;
  let weightSum = 0;
  for (let m = 0; m <= steps; m++) {
    if (m > 0) {
      logFactorial += Math.log(m);
      // One step of P applied to v, from the highest state down so v[i − 1] is still the old value.
      for (let i = states - 1; i >= 0; i--) {
        const r = stageRate(i);
        const ahead = i === 0 ? 1 : v[i - 1]!;
        v[i] = (r / uniform) * ahead + (1 - (r + theta) / uniform) * v[i]!;
      }
    }
    const w = Math.exp(-lt + m * logLt - logFactorial);
    weightSum += w;
    for (let i = 0; i < states; i++) result[i] = result[i]! + w * v[i]!;
    if (m > lt && 1 - weightSum < 1e-15) break;
  }
  return result;
}
