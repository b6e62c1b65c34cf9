import type { KpiDefinitionInput } from '../engine/kpi-definition.js';

const humanSolved = { column: 'agent_replies', op: 'gte', value: 1 } as const;

export const knowledgeManagementKpis: KpiDefinitionInput[] = [
  {
    id: 'kb_utilisation',
    name: 'KB utilisation',
    kra: 5,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Human-solved tickets (solved with at least one human public reply) with a linked knowledge-base article ÷ human-solved tickets.',
    placement: "by solve: the ticket's final solve",
    dimensions: ['desk', 'team', 'agent', 'channel', 'priority'],
    measure: {
      kind: 'ratio',
      numerator: { source: 'tickets_by_solve', where: [humanSolved, { column: 'kb_linked', op: 'is_true' }] },
      denominator: { source: 'tickets_by_solve', where: [humanSolved] },
      scale: 100,
      interval: 'wilson',
    },
  },
  {
    id: 'kb_accuracy',
    name: 'KB accuracy',
    kra: 5,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Articles published at the end of the period that were reviewed as accurate within the last 180 days and have no open inaccuracy flag ÷ articles published at the end of the period. An article never reviewed is not accurate.',
    placement: 'a snapshot at the end of each period',
    dimensions: ['desk'],
    measure: { kind: 'kb_accuracy', reviewWindowDays: 180 },
  },
  {
    id: 'kb_contributions_per_agent',
    name: 'Knowledge sharing',
    kra: 5,
    unit: 'ratio',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Articles created or updated by agents in the period ÷ active agents (agents with a human public reply or a solve in the period). n is the number of active agents.',
    placement: 'contributions by when they were made; agents by their activity in the period',
    dimensions: [],
    measure: {
      kind: 'ratio',
      numerator: { source: 'kb_contributions' },
      denominator: { source: 'active_agents' },
      scale: 1,
      interval: 'none',
    },
  },
  {
    id: 'kb_feedback_closure',
    name: 'KB feedback & improvement',
    kra: 5,
    unit: 'percent',
    direction: 'higher',
    source: 'computed',
    minN: 10,
    description:
      'Knowledge-base feedback items raised in the period and resolved within 14 days ÷ items raised in the period.',
    placement: 'by when the item was raised',
    dimensions: ['desk'],
    measure: {
      kind: 'ratio',
      numerator: {
        source: 'kb_feedback_by_raised',
        where: [{ column: 'resolved_within_14_days', op: 'is_true' }],
      },
      denominator: { source: 'kb_feedback_by_raised' },
      scale: 100,
      interval: 'wilson',
    },
  },
];
