import { type CounterweightPair, counterweightPairSchema } from '../engine/counterweights.js';
import { CATALOGUE } from './index.js';

/**
 * The default counterweight pairs of KPI-DEFINITIONS.md ("Goals, scores and warnings — the defaults"):
 * when the KPI improves while one of its counterweights worsens, the improvement may have been bought
 * with the counterweight (seed 003: "every decision has counterweights"). An organisation can replace
 * the list (deskscore scoring-settings apply).
 */
export const DEFAULT_COUNTERWEIGHTS: readonly CounterweightPair[] = [
  { kpi: 'aht', counterweights: ['qa_score', 'fcr_rate', 'reopen_rate'] },
  { kpi: 'first_response_time', counterweights: ['fcr_rate', 'qa_score'] },
  { kpi: 'fcr_rate', counterweights: ['csat', 'reopen_rate'] },
  { kpi: 'solved_per_agent_day', counterweights: ['reopen_rate', 'csat'] },
  {
    kpi: 'automation_rate',
    counterweights: ['csat', 'reopen_rate'],
    note: 'the definitions pair automation with "CSAT of automated tickets"; the catalogue has no such KPI, so CSAT of all tickets stands in',
  },
  { kpi: 'sla_compliance', counterweights: ['csat'] },
  { kpi: 'training_completion', counterweights: ['qa_score'] },
].map((p) => counterweightPairSchema.parse(p));

/** Problems of a list of pairs against a KPI registry. */
export function counterweightProblems(pairs: readonly CounterweightPair[]): string[] {
  const problems: string[] = [];
  pairs.forEach((p, i) => {
    for (const id of [p.kpi, ...p.counterweights]) {
      if (!CATALOGUE.has(id)) problems.push(`counterweights.[${i}]: unknown KPI "${id}"`);
    }
  });
  return problems;
}

for (const problem of counterweightProblems(DEFAULT_COUNTERWEIGHTS)) throw new Error(problem);
