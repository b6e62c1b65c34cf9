import { DateTime } from 'luxon';
import { COURSES } from '../demo/generate.js';
import type { DemoPlan } from '../demo/index.js';
import { addDays } from '../engine/goals.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { saveScoringSettings } from '../storage/scoring-settings.js';
import { evaluateGoals } from './evaluate-goals.js';
import { type GoalDraft, setGoal } from './set-goal.js';

const OWNER = { name: 'Head of Support', role: 'manager' } as const;

/**
 * Seed 000's worked example as goals of the demo organisation ("a proactive support strategy to reduce
 * customer churn"): churn −15 % within 6 months, CSAT +10 points after the strategy starts, average
 * response time −20 %, and the customer loyalty programme launched (a milestone, recorded monthly).
 */
export function demoGoalDrafts(plan: DemoPlan): GoalDraft[] {
  const start = plan.strategyStart;
  const months = (n: number) => DateTime.fromISO(start).plus({ months: n }).toISODate()!;
  const deadline = months(6);
  const org = { kind: 'organization', idOrName: null } as const;
  return [
    {
      name: 'Reduce churn by 15 % within 6 months',
      kpi: 'churn_rate',
      scope: org,
      target: { kind: 'percent_change', value: -15 },
      start,
      deadline,
      owner: OWNER,
      notes: 'Seed 000, KPI 1 of the proactive support strategy.',
      actions: [
        {
          title: 'Call accounts at risk every week',
          owner: 'Retail team leads',
          due: addDays(start, 30),
          status: 'done',
        },
        {
          title: 'Tag churn risk in the helpdesk and alert the account owner',
          owner: 'Ops analyst',
          due: addDays(start, 45),
          status: 'in_progress',
        },
      ],
    },
    {
      name: 'CSAT up 10 points after the strategy starts',
      kpi: 'csat',
      scope: org,
      target: { kind: 'points_change', value: 10 },
      start,
      deadline,
      owner: OWNER,
      notes: 'Seed 000, KPI 2.',
      actions: [
        {
          title: 'Empathic writing course for every agent',
          owner: 'Training lead',
          due: addDays(start, 60),
          status: 'in_progress',
        },
        {
          title: 'Follow up every rating of 1 or 2 within a day',
          owner: 'Team leads',
          due: addDays(start, 14),
        },
      ],
    },
    {
      name: 'Average response time 20 % faster',
      kpi: 'avg_response_time',
      scope: org,
      target: { kind: 'percent_change', value: -20 },
      start,
      deadline,
      owner: OWNER,
      notes: 'Seed 000, KPI 3.',
      actions: [
        {
          title: 'Add chat capacity at 10:00',
          owner: 'Workforce planner',
          due: addDays(start, 21),
          status: 'done',
        },
        {
          title: 'Macros for the 20 most common questions',
          owner: 'Knowledge lead',
          due: addDays(start, 45),
        },
      ],
    },
    {
      name: 'Customer loyalty programme launched',
      kpi: 'loyalty_programme_progress',
      scope: org,
      target: { kind: 'absolute', value: 100 },
      start,
      deadline: months(5),
      owner: OWNER,
      cadence: 'monthly',
      notes: 'Seed 000, KPI 4: a milestone, recorded as % delivered at each month end.',
      actions: [
        {
          title: 'Design the programme tiers',
          owner: 'Head of Support',
          due: addDays(start, 30),
          status: 'done',
        },
        {
          title: 'Pilot with Retail customers',
          owner: 'Retail desk manager',
          due: addDays(start, 90),
          status: 'in_progress',
        },
        { title: 'Launch to all customers', owner: 'Head of Support', due: months(5) },
      ],
    },
  ];
}

/** Courses of the demo's training records that address a KPI (the coaching mapping). */
export const DEMO_COACHING_COURSES: Record<string, string[]> = {
  csat: ['Empathic writing'],
  qa_score: ['Empathic writing', 'Handling complaints'],
  complaint_resolution_rate: ['Handling complaints'],
  escalation_rate: ['De-escalation'],
  reopen_rate: ['Handling complaints'],
  aht: ['Macros and automations'],
  avg_response_time: ['Macros and automations'],
};

/**
 * Stores the demo's coaching mapping and its goals (kept even where a SMART letter fails: the check is
 * stored with them), then records their first status as of the demo's last day.
 */
export async function setUpDemoGoals(
  store: Store,
  org: Organization,
  plan: DemoPlan,
  now: Date,
): Promise<number> {
  const known = new Set<string>(Object.values(COURSES).flat());
  const courses = Object.fromEntries(
    Object.entries(DEMO_COACHING_COURSES)
      .map(([kpi, list]) => [kpi, list.filter((c) => known.has(c))] as const)
      .filter(([, list]) => list.length > 0),
  );
  await saveScoringSettings(store.db, org.id, { coachingCourses: courses });
  let stored = 0;
  for (const draft of demoGoalDrafts(plan)) {
    const result = await setGoal(store, org, draft, now, { force: true });
    if (result.goal) stored++;
  }
  await evaluateGoals(store, org, { now, asOf: plan.to, record: true });
  return stored;
}
