import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

/** "Items logged in the period now implemented ÷ items logged in the period", for one kind of item. */
function implementedShare(
  id: string,
  name: string,
  kra: number,
  kind: string,
  what: string,
): KpiDefinitionInput {
  const ofKind = { column: 'kind', op: 'eq', value: kind } as const;
  return {
    id,
    name,
    kra,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description: `${what} logged in the period that are now implemented ÷ ${what} logged in the period (improvement items of kind ${kind}).`,
    placement: 'by when the item was logged; "now implemented" is as of the query',
    dimensions: ['desk', 'team'],
    measure: {
      kind: 'ratio',
      numerator: {
        source: 'improvements_by_logged',
        where: [ofKind, { column: 'implemented_at', op: 'by_now' }],
      },
      denominator: { source: 'improvements_by_logged', where: [ofKind] },
      scale: 100,
      interval: 'wilson',
    },
  };
}

export const improvementKpis: KpiDefinitionInput[] = [
  implementedShare(
    'insights_implemented',
    'Actionable insights implemented',
    6,
    'insight',
    'Insights from customer feedback',
  ),
  implementedShare(
    'tool_feedback_implemented',
    'Technology feedback integration',
    8,
    'tool_feedback',
    'Tool feedback items',
  ),
  implementedShare(
    'prevention_actions_done',
    'Crisis prevention measures',
    9,
    'prevention_action',
    'Crisis prevention actions',
  ),
  implementedShare(
    'report_actions_implemented',
    'Insights from reports implemented',
    10,
    'report_action',
    'Report-sourced actions',
  ),
];
