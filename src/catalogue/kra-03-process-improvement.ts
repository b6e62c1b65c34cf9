import type { KpiDefinitionInput } from '../engine/kpi-definition.js';
import { ALL_DIMENSIONS } from './kras.js';

export const processImprovementKpis: KpiDefinitionInput[] = [
  {
    id: 'aht',
    name: 'Average handling time',
    kra: 3,
    unit: 'seconds',
    direction: 'lower',
    source: 'computed',
    minN: 10,
    description:
      'Sum of handle time ÷ solved tickets that have handle time (time entries; for calls talk + hold + wrap-up). The interval is Student t.',
    placement: "by solve: the ticket's final solve",
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'statistic',
      of: { source: 'tickets_by_solve' },
      column: { value: 'handle_time_seconds' },
      statistic: 'mean',
    },
  },
  {
    id: 'resolution_efficiency',
    name: 'Ticket resolution efficiency',
    kra: 3,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      '100 × tickets solved in the period ÷ tickets created in the period; 100 or more means the backlog is shrinking. Not a proportion, so no interval; n is the number created.',
    placement: 'numerator by final solve, denominator by creation',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_solve' },
      denominator: { source: 'tickets_by_created' },
      scale: 100,
      interval: 'none',
    },
  },
  {
    id: 'automation_rate',
    name: 'Automation rate',
    kra: 3,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Automated resolutions ÷ solved tickets. Automated: solved with no human public reply and either a bot/automation reply or the source marking it automated.',
    placement: "by solve: the ticket's final solve",
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_solve', where: [{ column: 'automated', op: 'is_true' }] },
      denominator: { source: 'tickets_by_solve' },
      scale: 100,
      interval: 'wilson',
    },
  },
];
