import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

export const reportingAnalyticsKpis: KpiDefinitionInput[] = [
  {
    id: 'reports_on_time_accurate',
    name: 'Report accuracy & timeliness',
    kra: 10,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Reports due in the period that were delivered by their due time and never corrected ÷ reports due in the period.',
    placement: 'by due time',
    dimensions: ['desk', 'team'],
    measure: {
      kind: 'ratio',
      numerator: { source: 'reports_by_due', where: [{ column: 'on_time_accurate', op: 'is_true' }] },
      denominator: { source: 'reports_by_due' },
      scale: 100,
      interval: 'wilson',
    },
  },
  {
    id: 'security_controls_passing',
    name: 'Data security compliance',
    kra: 10,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 1,
    description:
      'Controls passing ÷ controls at the end of the period, each control judged by its latest check: the recorded checks (security_controls import) and the automatic checks of users, roles, tokens and access reviews that the server records at start and every 6 hours (`deskscore security check` runs them by hand).',
    placement: 'a snapshot at the end of each period',
    dimensions: [],
    measure: { kind: 'controls_passing' },
  },
];
