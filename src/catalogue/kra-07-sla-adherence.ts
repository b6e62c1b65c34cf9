import type { KpiDefinitionInput } from '../engine/kpi-definition.js';
import { ALL_DIMENSIONS } from './kras.js';

export const slaAdherenceKpis: KpiDefinitionInput[] = [
  {
    id: 'sla_compliance',
    name: 'SLA compliance',
    kra: 7,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Achieved ÷ (achieved + breached) SLA target instances (first reply, next reply, resolution; or the source’s own per-ticket outcome). A running clock past its due time counts as breached.',
    placement: 'by outcome: when the target was met, or when it fell due',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'sla_by_outcome', where: [{ column: 'achieved_at', op: 'not_null' }] },
      denominator: { source: 'sla_by_outcome' },
      scale: 100,
      interval: 'wilson',
    },
  },
  {
    id: 'sla_breaches_per_100',
    name: 'SLA breach analysis',
    kra: 7,
    unit: 'per_100',
    direction: 'lower',
    source: 'computed',
    minN: 10,
    description:
      'Breached SLA target instances per 100 tickets created; segment it by priority, team, channel or desk for the Pareto. n is the number of tickets created.',
    placement: 'breaches when they fell due; tickets by creation',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'sla_by_breached' },
      denominator: { source: 'tickets_by_created' },
      scale: 100,
      interval: 'none',
    },
  },
  {
    id: 'sla_reviews',
    name: 'SLA review frequency',
    kra: 7,
    unit: 'count',
    direction: 'target',
    source: 'manual',
    minN: 0,
    description: 'SLA policy reviews or changes held in the period, as recorded by the manager.',
    placement: 'by the last day each recorded value covers',
    dimensions: ['desk', 'team'],
    measure: { kind: 'manual', aggregate: 'sum' },
  },
  {
    id: 'sla_report_accuracy',
    name: 'SLA reporting accuracy',
    kra: 7,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'SLA reports issued in the period that were never corrected ÷ SLA reports issued in the period (reports named "sla").',
    placement: 'by when the report was issued',
    dimensions: ['desk', 'team'],
    measure: {
      kind: 'ratio',
      numerator: {
        source: 'reports_by_delivery',
        where: [
          { column: 'report', op: 'eq', value: 'sla' },
          { column: 'corrected_at', op: 'is_null' },
        ],
      },
      denominator: { source: 'reports_by_delivery', where: [{ column: 'report', op: 'eq', value: 'sla' }] },
      scale: 100,
      interval: 'wilson',
    },
  },
];
