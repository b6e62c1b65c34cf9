import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

export const forecastKpis: KpiDefinitionInput[] = [
  {
    id: 'forecast_accuracy',
    name: 'Forecast accuracy',
    kra: 10,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 7,
    description:
      '100 − WAPE of stored daily volume forecasts against the tickets actually created, for the target days in the period (floored at 0). The latest forecast issued for a day and scope counts, and each forecast is scored at its own scope: organisation-wide forecasts for the organisation, desk (channel) forecasts when the query is by or for desk (channel).',
    placement: 'by target day',
    dimensions: ['desk', 'channel'],
    measure: { kind: 'forecast_accuracy' },
  },
];
