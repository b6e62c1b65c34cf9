import type { ServiceTarget } from '../analytics/erlang.js';
import { addDays, localDay } from '../engine/goals.js';
import type { Store } from '../storage/database.js';
import { getGoal } from '../storage/goals-repository.js';
import type { Organization } from '../storage/organizations.js';
import { findScope } from '../storage/scopes.js';
import { loadSlaPolicies } from '../storage/settings-repository.js';
import { measureKpi } from './measure-kpi.js';
import { type ForecastStaffing, staffForecast } from './volume-forecast.js';

/** Goals whose KPI a contact centre staffs for: SLA compliance and response times (issue 9, goal feasibility). */
export const FEASIBILITY_KPIS = ['sla_compliance', 'first_response_time', 'avg_response_time'] as const;

export interface FeasibilityOptions {
  /** Agents answering in each interval (after shrinkage); without it, only what is needed is answered. */
  agents?: number | undefined;
  /** Average handle time per contact; default: the goal scope's `aht` over the last 28 days. */
  ahtSeconds?: number | undefined;
  /** For SLA goals: the answer time; default: the first-reply target of the first SLA policy, normal priority. */
  answerSeconds?: number | undefined;
  shrinkage?: number | undefined;
  maxOccupancy?: number | undefined;
  /** Days of hourly forecast to staff, 1–14 (default 14). */
  horizonDays?: number | undefined;
  intervalMinutes?: 15 | 20 | 30 | 60 | undefined;
}

export interface GoalFeasibility {
  goal: { id: number; name: string; kpi: string; scope: { kind: string; id: string | null } };
  applicable: boolean;
  /** Why not, or what was assumed. */
  reason: string;
  assumptions: {
    aht_seconds: number;
    aht_source: string;
    target: ServiceTarget;
    target_source: string;
    horizon_days: number;
    interval_minutes: number;
    shrinkage: number;
    max_occupancy: number;
    agents: number | null;
  } | null;
  forecast_volume: number | null;
  max_agents_needed: number | null;
  max_staff_needed: number | null;
  feasibility: ForecastStaffing['feasibility'];
}

/**
 * Whether the forecast volume can be served at a goal's target: an SLA goal of X % is "X % of contacts
 * answered within the first-reply target"; a response-time goal of T seconds is "half the contacts
 * answered within T" (a median; for an average target this is optimistic, as waits skew long). Calendar
 * time: Erlang C knows no business hours. Forecasts exist for the organisation and each desk.
 */
export async function goalFeasibility(
  store: Store,
  org: Organization,
  goalId: number,
  options: FeasibilityOptions,
  now: Date,
): Promise<GoalFeasibility> {
  const goal = await getGoal(store.db, org.id, goalId);
  const head = { id: goal.id, name: goal.name, kpi: goal.kpi, scope: goal.scope };
  const none = (reason: string): GoalFeasibility => ({
    goal: head,
    applicable: false,
    reason,
    assumptions: null,
    forecast_volume: null,
    max_agents_needed: null,
    max_staff_needed: null,
    feasibility: null,
  });
  if (!(FEASIBILITY_KPIS as readonly string[]).includes(goal.kpi)) {
    return none(`staffing answers goals on ${FEASIBILITY_KPIS.join(', ')}, not ${goal.kpi}`);
  }
  if (goal.scope.kind !== 'organization' && goal.scope.kind !== 'desk') {
    return none('volume is forecast for the organisation and each desk, not for a team or an agent');
  }
  if (goal.target.value === null)
    return none('the goal has no target value (its baseline could not be measured)');

  let target: ServiceTarget;
  let targetSource: string;
  if (goal.kpi === 'sla_compliance') {
    const level = goal.target.value / 100;
    if (!(level > 0 && level < 1))
      return none(`an SLA target of ${goal.target.value} % cannot be staffed for`);
    let answer = options.answerSeconds;
    targetSource = `${goal.target.value} % within the answer time given`;
    if (answer === undefined) {
      const policy = (await loadSlaPolicies(store.db, org.id))[0];
      const first = policy?.targets.find((t) => t.metric === 'first_reply' && t.priority === 'normal');
      if (!first)
        return none('no SLA policy with a first-reply target for normal priority: give the answer time');
      answer = first.targetSeconds;
      targetSource = `${goal.target.value} % within the first-reply target of policy "${policy!.name}" (normal priority)`;
    }
    target = { level, answerSeconds: answer };
  } else {
    target = { level: 0.5, answerSeconds: goal.target.value };
    targetSource = `half the contacts answered within the goal's ${goal.target.value} s`;
  }

  const scope = await findScope(store.db, org.id, goal.scope.kind, goal.scope.id);
  if (!scope) return none('the goal scope no longer exists');
  let aht = options.ahtSeconds;
  let ahtSource = 'given';
  if (aht === undefined) {
    const yesterday = addDays(localDay(now, org.time_zone), -1);
    const window = { from: addDays(yesterday, -27), to: yesterday };
    const measured = await measureKpi(store, org, 'aht', scope, window, now);
    if (!measured?.value) return none('no handle time measured in the last 28 days: give the AHT');
    aht = measured.value;
    ahtSource = `aht of ${scope.name} from ${window.from} to ${window.to} (n = ${measured.n})`;
  }
  const horizon = options.horizonDays ?? 14;
  const interval = options.intervalMinutes ?? 60;
  const staffing = await staffForecast(store, org, {
    scope: { deskId: scope.kind === 'desk' ? scope.id : null, channel: null },
    horizonDays: horizon,
    intervalMinutes: interval,
    ahtSeconds: aht,
    target,
    shrinkage: options.shrinkage,
    maxOccupancy: options.maxOccupancy,
    agents: options.agents,
  });
  const needed = staffing.intervals.filter((i) => i.volume > 0);
  return {
    goal: head,
    applicable: true,
    reason: targetSource,
    assumptions: {
      aht_seconds: Math.round(aht * 10) / 10,
      aht_source: ahtSource,
      target,
      target_source: targetSource,
      horizon_days: horizon,
      interval_minutes: interval,
      shrinkage: options.shrinkage ?? 0,
      max_occupancy: options.maxOccupancy ?? 1,
      agents: options.agents ?? null,
    },
    forecast_volume: Math.round(staffing.intervals.reduce((s, i) => s + i.volume, 0) * 10) / 10,
    max_agents_needed: needed.length ? Math.max(...needed.map((i) => i.agents)) : 0,
    max_staff_needed: needed.length ? Math.max(...needed.map((i) => i.staff)) : 0,
    feasibility: staffing.feasibility,
  };
}
