import type { KpiDefinitionInput } from '../engine/kpi-definition.js';
import { ALL_DIMENSIONS } from './kras.js';

export const teamPerformanceKpis: KpiDefinitionInput[] = [
  {
    id: 'solved_per_agent_day',
    name: 'Team productivity',
    kra: 2,
    unit: 'per_agent_day',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Solved tickets ÷ active agent-days, where an agent-day is an agent and a local date on which that agent sent a human public reply or solved a ticket. n is the number of agent-days.',
    placement: 'solves by their final solve; agent-days by the reply or solve that made them',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_solve' },
      denominator: { source: 'agent_days' },
      scale: 1,
      interval: 'none',
    },
  },
  {
    id: 'qa_score',
    name: 'QA score',
    kra: 2,
    unit: 'score',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'IQS: 100 × mean review score. A review score is the weighted mean of its category scores ((selected − min) ÷ (max − min)) that are not N/A; a critical category below 0.5 makes the review 0.',
    placement: 'by review date, credited to the agent reviewed',
    dimensions: ['desk', 'team', 'agent'],
    measure: {
      kind: 'statistic',
      of: { source: 'qa_reviews' },
      column: { value: 'score_pct' },
      statistic: 'mean',
      bounds: { min: 0, max: 100 },
    },
  },
  {
    id: 'training_completion',
    name: 'Training completion',
    kra: 2,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Enrolments due in the period and completed by their due date ÷ enrolments due in the period.',
    placement: 'by due date, credited to the agent enrolled',
    dimensions: ['desk', 'team', 'agent'],
    measure: {
      kind: 'ratio',
      numerator: { source: 'enrolments_by_due', where: [{ column: 'completed_on_time', op: 'is_true' }] },
      denominator: { source: 'enrolments_by_due' },
      scale: 100,
      interval: 'wilson',
    },
  },
];
