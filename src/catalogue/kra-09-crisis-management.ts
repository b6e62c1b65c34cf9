import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

export const crisisManagementKpis: KpiDefinitionInput[] = [
  {
    id: 'crisis_resolution_time',
    name: 'Crisis resolution time',
    kra: 9,
    unit: 'seconds',
    direction: 'lower',
    source: 'computed',
    // Crises are rare: three in a period already say something.
    minN: 3,
    description: 'Median time from the start of a crisis to its resolution (calendar time).',
    placement: 'by resolution',
    dimensions: ['desk'],
    measure: {
      kind: 'statistic',
      of: { source: 'crises_by_resolved' },
      column: { value: 'resolution_seconds' },
      statistic: 'median',
    },
  },
  {
    id: 'crisis_updates_on_time',
    name: 'Crisis communication effectiveness',
    kra: 9,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 3,
    description:
      'Status updates sent on time ÷ updates required: the first within 30 minutes of the start, then one every 60 minutes until resolved; each due time is met by an update in the window that ends at it. n is the number of crises.',
    placement: 'by resolution',
    dimensions: ['desk'],
    measure: {
      kind: 'sum_ratio',
      of: { source: 'crises_by_resolved' },
      numerator: 'updates_on_time',
      denominator: 'updates_required',
      scale: 100,
    },
  },
  {
    id: 'post_crisis_csat_recovery',
    name: 'Post-crisis satisfaction recovery',
    kra: 9,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 20,
    description:
      'CSAT in the 14 days after a crisis was resolved ÷ CSAT in the 28 days before it started × 100, in the affected desk; 100 means satisfaction is back where it was.',
    placement: 'by resolution',
    dimensions: ['desk'],
    measure: { kind: 'crisis_recovery', beforeDays: 28, afterDays: 14 },
  },
];
