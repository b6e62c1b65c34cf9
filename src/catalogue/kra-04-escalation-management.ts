import type { KpiDefinitionInput } from '../engine/kpi-definition.js';
import { ALL_DIMENSIONS } from './kras.js';

export const escalationManagementKpis: KpiDefinitionInput[] = [
  {
    id: 'escalation_response_time',
    name: 'Escalation response time',
    kra: 4,
    unit: 'seconds',
    direction: 'lower',
    source: 'computed',
    minN: 10,
    description: 'Median time from the first escalation to the next human public reply (business hours).',
    placement: 'by escalation: the time of the first escalation',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'statistic',
      of: { source: 'tickets_by_escalation' },
      column: { business: 'escalation_response_business_seconds', calendar: 'escalation_response_seconds' },
      statistic: 'median',
    },
  },
  {
    id: 'escalation_closure_rate',
    name: 'Escalation closure rate',
    kra: 4,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Escalated tickets closed (finally solved) in the period ÷ (escalated tickets open at its start + escalated during it).',
    placement: 'a flow per period: escalations open at its start or opened in it',
    dimensions: ['desk', 'team', 'agent'],
    measure: { kind: 'escalation_closure' },
  },
  {
    id: 'complaint_resolution_rate',
    name: 'Complaint resolution rate',
    kra: 4,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Complaints (ticket type "complaint" or tag "complaint") created in the period and first solved within 7 calendar days ÷ complaints created in the period.',
    placement: 'by creation',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: {
        source: 'tickets_by_created',
        where: [
          { column: 'complaint', op: 'is_true' },
          { column: 'complaint_solved_within_7_days', op: 'is_true' },
        ],
      },
      denominator: { source: 'tickets_by_created', where: [{ column: 'complaint', op: 'is_true' }] },
      scale: 100,
      interval: 'wilson',
    },
  },
  {
    id: 'escalation_rate',
    name: 'Escalation trend',
    kra: 4,
    unit: 'percent',
    direction: 'lower',
    source: 'computed',
    minN: 10,
    description:
      'Escalated tickets ÷ tickets created. The field `trend` is the least-squares slope, in points per period, of the value over the bucket and the seven periods before it.',
    placement: 'by creation',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_created', where: [{ column: 'escalated_at', op: 'not_null' }] },
      denominator: { source: 'tickets_by_created' },
      scale: 100,
      interval: 'wilson',
      trend: true,
    },
  },
];
