import type { KpiDefinitionInput } from '../engine/kpi-definition.js';
import { ALL_DIMENSIONS } from './kras.js';

export const customerSatisfactionKpis: KpiDefinitionInput[] = [
  {
    id: 'avg_response_time',
    name: 'Average response time',
    kra: 1,
    unit: 'seconds',
    direction: 'lower',
    source: 'computed',
    minN: 10,
    description:
      'Median reply time: for each run of customer messages, the first message of the run to the next human public reply (business hours). The seed calls it an average; the median is the default, mean and p90 are variants.',
    placement: 'by reply: the time of the reply, credited to the agent who replied',
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'statistic',
      of: { source: 'replies' },
      column: { business: 'reply_business_seconds', calendar: 'reply_seconds' },
      statistic: 'median',
    },
  },
  {
    id: 'fcr_rate',
    name: 'First contact resolution',
    kra: 1,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Share of solved tickets resolved with exactly one human public reply and no reopen, over solved tickets with at least one human public reply (single_reply_no_reopen). Variants: one_touch (≤ 1 agent reply, zero included, over all solved — Zendesk Explore), no_customer_followup (no customer message after the opening one — Freshservice).',
    placement: "by solve: the ticket's final solve",
    dimensions: [...ALL_DIMENSIONS],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_solve' },
      denominator: { source: 'tickets_by_solve' },
      scale: 100,
      interval: 'wilson',
      defaultVariant: 'single_reply_no_reopen',
      variants: {
        single_reply_no_reopen: {
          numerator: [{ column: 'fcr_single_reply_no_reopen', op: 'is_true' }],
          denominator: [
            { column: 'agent_replies', op: 'gte', value: 1 },
            { column: 'fcr_single_reply_no_reopen', op: 'not_null' },
          ],
        },
        one_touch: {
          numerator: [{ column: 'fcr_one_touch', op: 'is_true' }],
          denominator: [{ column: 'fcr_one_touch', op: 'not_null' }],
        },
        no_customer_followup: {
          numerator: [{ column: 'fcr_no_customer_followup', op: 'is_true' }],
          denominator: [{ column: 'fcr_no_customer_followup', op: 'not_null' }],
        },
      },
    },
  },
  {
    id: 'retention_rate',
    name: 'Customer retention',
    kra: 1,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Customers active at the start of the period (became a customer by then, not churned) and still active at its end ÷ customers active at the start. Retention + churn = 100; a customer who joins and leaves within the period counts in neither.',
    placement: 'a cohort per period: the customers active at its start',
    dimensions: ['desk'],
    measure: { kind: 'lifecycle', count: 'retained' },
  },
];
