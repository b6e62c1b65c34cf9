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
];
