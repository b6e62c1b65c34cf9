import type { KpiDefinition, Measure, Side } from '../engine/kpi-definition.js';
import { KRAS } from './kras.js';

const SOURCE_WORDS: Record<Side['source'], string> = {
  tickets_by_created: 'tickets, placed by creation',
  tickets_by_solve: 'tickets, placed by their final solve',
  tickets_by_escalation: 'tickets, placed by their first escalation',
  replies: 'human public replies, placed by the reply',
  sla_by_outcome: 'SLA target instances, placed by their outcome',
  sla_by_breached: 'breached SLA target instances, placed when due',
  agent_days: 'agent-days (an agent and a local date with a public reply or a solve)',
  survey_responses: 'survey responses, placed by the answer',
  survey_sends: 'surveys sent, placed by the sending',
  qa_reviews: 'QA review scores (0–100), placed by the review date',
  enrolments_by_due: 'training enrolments, placed by their due date',
  improvements_by_logged: 'insights and action items, placed by when they were logged',
  reports_by_due: 'reports, placed by their due time',
  reports_by_delivery: 'reports, placed by when they were issued',
  measurements: 'values recorded by people, placed by the last day they cover',
  tool_periods: 'tools per period (seats, active users, downtime), placed by the period start',
  crises_by_resolved: 'crises, placed by when they were resolved',
  presence: 'agent presence per period, placed by the period start',
  kb_feedback_by_raised: 'knowledge-base feedback items, placed by when they were raised',
  kb_contributions: 'articles written or updated by agents, placed by when',
  active_agents: 'distinct agents with a human public reply or a solve',
  backlog: 'open tickets at the end of each period',
};

const filterText = (filters: Side['where']) =>
  filters
    .map((f) => `${f.column} ${f.op.replace('_', ' ')}${f.value === undefined ? '' : ` ${f.value}`}`)
    .join(' and ');

function side(s: Side): string {
  return `${SOURCE_WORDS[s.source]}${s.where.length ? ` where ${filterText(s.where)}` : ''}`;
}

function formula(m: Measure): string[] {
  switch (m.kind) {
    case 'count':
      return [`count of ${side(m.of)}`];
    case 'backlog':
      return ['count of tickets created before the end of the period and not finally solved by then'];
    case 'lifecycle':
      return [
        m.count === 'retained'
          ? '100 × customers active at the start of the period and still active at its end ÷ customers active at the start'
          : '100 × customers active at the start of the period and lost during it ÷ customers active at the start',
        'a customer who joins and leaves within the period counts in neither; interval: Wilson 95 %',
      ];
    case 'escalation_closure':
      return [
        '100 × escalated tickets finally solved in the period ÷ (escalated tickets open at its start + escalated in it)',
        'credited to the team and assignee at escalation; interval: Wilson 95 %',
      ];
    case 'manual':
      return [
        `recorded by people (the measurements import): the ${m.aggregate === 'sum' ? 'sum of the values' : 'latest value'} recorded for the period`,
      ];
    case 'forecast_accuracy':
      return [
        '100 − WAPE (100 × Σ|actual − forecast| ÷ Σ actual), floored at 0, of the latest forecast issued for each target day in the period and scope against the tickets created that local day; numerator Σ|error|, denominator Σ actual, n forecast days',
      ];
    case 'controls_passing':
      return [
        '100 × controls whose latest check before the end of the period passed ÷ controls checked by then (recorded checks; automatic checks of users, roles, tokens and access reviews come with the server)',
      ];
    case 'kb_accuracy':
      return [
        `100 × articles published at the end of the period that were reviewed as accurate in the ${m.reviewWindowDays} days before it and have no open inaccuracy flag then ÷ articles published at the end of the period; interval: Wilson 95 %`,
      ];
    case 'crisis_recovery':
      return [
        `100 × CSAT (top-2-box) in the ${m.afterDays} days after each crisis resolved in the period ÷ CSAT in the ${m.beforeDays} days before it started, in the desk affected (all desks when none); responses pooled over the period's crises; numerator and denominator are the two CSATs; n is the responses after`,
      ];
    case 'sum_ratio':
      return [`${m.scale} × Σ \`${m.numerator}\` ÷ Σ \`${m.denominator}\` over ${side(m.of)}; no interval`];
    case 'nps':
      return [
        `100 × (promoters 9–10 − detractors 0–6) ÷ responses, over ${side(m.of)}`,
        'interval: Var = 100²·(p + d − (p − d)²)/n, normal approximation',
      ];
    case 'statistic':
      return [
        `${m.statistic} of \`${'value' in m.column ? m.column.value : m.column.business}\` over ${side(m.of)}`,
        ...('business' in m.column ? [`calendar variant: \`${m.column.calendar}\` (\`--calendar\`)`] : []),
        'other statistics: median, mean, p90 (`--statistic`)',
      ];
    case 'ratio': {
      const lines = [
        `${m.scale === 1 ? '' : `${m.scale} × `}(${side(m.numerator)}) ÷ (${side(m.denominator)})`,
        `interval: ${m.interval === 'wilson' ? 'Wilson 95 %' : 'none (not a proportion)'}`,
      ];
      for (const [name, v] of Object.entries(m.variants ?? {})) {
        lines.push(
          `variant \`${name}\`${name === m.defaultVariant ? ' (default)' : ''}: numerator adds ${filterText(v.numerator) || '—'}; denominator adds ${filterText(v.denominator) || '—'}`,
        );
      }
      if (m.trend)
        lines.push(
          'field `trend`: least-squares slope per period over the bucket and the 7 periods before it',
        );
      return lines;
    }
  }
}

/** docs/kpis.md, generated from the catalogue (scripts/generate-kpi-docs.ts); CI checks it is current. */
export function kpiReferenceMarkdown(definitions: Iterable<KpiDefinition>): string {
  const defs = [...definitions];
  const out = [
    '# KPI reference',
    '',
    'Generated from `src/catalogue` by `npm run docs:kpis`; do not edit by hand. Definitions follow',
    'KPI-DEFINITIONS.md. Every result carries `n`, a 95 % interval where one applies, and `significant`',
    '(n at or above the minimum). Durations are in seconds; rates in percent 0–100.',
    '',
  ];
  const groups: Array<{ title: string; kra: number | null }> = [
    ...KRAS.map((k) => ({ title: `KRA ${k.id} · ${k.name}`, kra: k.id as number | null })),
    { title: 'Other support KPIs', kra: null },
  ];
  for (const g of groups) {
    const inGroup = defs.filter((d) => d.kra === g.kra);
    if (inGroup.length === 0) continue;
    out.push(`## ${g.title}`, '');
    for (const d of inGroup) {
      out.push(
        `### ${d.name} (\`${d.id}\`)`,
        '',
        d.description,
        '',
        `- unit: ${d.unit}; better: ${d.direction}; ${d.source}; minimum n: ${d.minN}`,
        `- placement: ${d.placement}`,
        ...formula(d.measure).map((l) => `- ${l}`),
        `- segments: ${d.dimensions.join(', ') || 'none'}`,
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
