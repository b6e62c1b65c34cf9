import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

const technology = { column: 'category', op: 'eq', value: 'technology' } as const;

export const technologyUtilisationKpis: KpiDefinitionInput[] = [
  {
    id: 'tech_training_completion',
    name: 'Technology training completion',
    kra: 8,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Training completion restricted to technology courses (enrolment category "technology"): due in the period and completed by the due date ÷ due in the period.',
    placement: 'by due date, credited to the agent enrolled',
    dimensions: ['desk', 'team', 'agent'],
    measure: {
      kind: 'ratio',
      numerator: {
        source: 'enrolments_by_due',
        where: [technology, { column: 'completed_on_time', op: 'is_true' }],
      },
      denominator: { source: 'enrolments_by_due', where: [technology] },
      scale: 100,
      interval: 'wilson',
    },
  },
  {
    id: 'tool_adoption',
    name: 'Technology adoption',
    kra: 8,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 1,
    description:
      'Active users ÷ licensed seats, seat-weighted over tools: Σ active users ÷ Σ licensed seats.',
    placement: 'by the start of each tool period',
    dimensions: [],
    measure: {
      kind: 'sum_ratio',
      of: { source: 'tool_periods' },
      numerator: 'active_users',
      denominator: 'licensed_seats',
      scale: 100,
    },
  },
  {
    id: 'downtime_pct',
    name: 'System downtime',
    kra: 8,
    unit: 'percent',
    direction: 'lower',
    source: 'computed',
    minN: 1,
    description:
      'Downtime minutes ÷ minutes in the period, seat-weighted over tools: Σ seats × downtime ÷ Σ seats × period minutes.',
    placement: 'by the start of each tool period',
    dimensions: [],
    measure: {
      kind: 'sum_ratio',
      of: { source: 'tool_periods' },
      numerator: 'seat_downtime_minutes',
      denominator: 'seat_minutes',
      scale: 100,
    },
  },
];
