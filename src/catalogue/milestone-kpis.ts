import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

/**
 * Milestones: manual KPIs recorded as 0–100 % delivered, the latest recorded value counting
 * (KPI-DEFINITIONS.md: "Milestone goals (e.g. "loyalty programme launched") are manual KPIs with values
 * 0–100 %"). The loyalty programme is KPI 4 of seed 000's worked example.
 */
export const milestoneKpis: KpiDefinitionInput[] = [
  {
    id: 'loyalty_programme_progress',
    name: 'Customer loyalty programme launched',
    kra: 1,
    unit: 'percent',
    direction: 'higher',
    source: 'manual',
    minN: 1,
    description:
      'Milestone: how much of the customer loyalty programme is delivered, 0–100 % as recorded by its owner; 100 = launched. The latest recorded value counts.',
    placement: 'by the last day each recorded value covers; the latest value in the period counts',
    dimensions: ['desk', 'team'],
    measure: { kind: 'manual', aggregate: 'latest' },
  },
];
