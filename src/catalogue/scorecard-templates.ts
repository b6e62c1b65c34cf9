import type { OwnerRole } from '../engine/goals.js';
import {
  type ScorecardKpi,
  type ScorecardTemplate,
  scorecardTemplateSchema,
  templateProblems,
} from '../engine/scorecard.js';
import { CATALOGUE } from './index.js';

/**
 * The default scorecard of each role (DESIGN.md, "Goals and scorecards"): KRA weights, and within each
 * KRA the KPIs with their weight, target (scores 100) and floor (scores 0). Only KPIs that can be
 * measured at the role's scope are listed (agent: per agent; team lead: per team; manager: per desk or
 * the organisation). KPIs outside the ten KRAs (reopen rate, churn) are placed in the KRA they serve.
 *
 * Targets and floors are starting points, common in the industry, in the KPI's unit (seconds, percent,
 * score): an organisation overrides a whole role's template (deskscore scoring-settings apply), and a
 * goal on the same KPI and scope replaces both for its period (docs/goals.md, "Where targets and floors
 * come from").
 */
const k = (kpi: string, weight: number, target: number, floor: number): ScorecardKpi => ({
  kpi,
  weight,
  target,
  floor,
});

const HOUR = 3600;
const DAY = 24 * HOUR;

const AGENT: ScorecardTemplate = {
  role: 'agent',
  name: 'Agent',
  kras: [
    {
      kra: 1,
      weight: 30,
      kpis: [k('csat', 2, 90, 70), k('avg_response_time', 1, 1 * HOUR, 8 * HOUR), k('fcr_rate', 2, 75, 50)],
    },
    {
      kra: 2,
      weight: 30,
      kpis: [
        k('qa_score', 2, 90, 60),
        k('training_completion', 1, 100, 60),
        k('solved_per_agent_day', 1, 3, 1),
      ],
    },
    { kra: 3, weight: 20, kpis: [k('aht', 1, 480, 1200), k('reopen_rate', 1, 3, 15), k('ces', 1, 6, 4)] },
    { kra: 5, weight: 10, kpis: [k('kb_utilisation', 1, 50, 20)] },
    { kra: 7, weight: 10, kpis: [k('sla_compliance', 1, 95, 80)] },
  ],
};

const TEAM_LEAD: ScorecardTemplate = {
  role: 'team_lead',
  name: 'Team lead',
  kras: [
    {
      kra: 1,
      weight: 25,
      kpis: [k('csat', 2, 90, 70), k('avg_response_time', 1, 1 * HOUR, 8 * HOUR), k('fcr_rate', 2, 75, 50)],
    },
    {
      kra: 2,
      weight: 25,
      kpis: [
        k('qa_score', 2, 90, 60),
        k('training_completion', 1, 100, 60),
        k('solved_per_agent_day', 1, 3, 1),
        k('enps', 1, 40, 0),
      ],
    },
    {
      kra: 3,
      weight: 15,
      kpis: [
        k('aht', 1, 480, 1200),
        k('reopen_rate', 1, 3, 15),
        k('resolution_efficiency', 1, 100, 85),
        k('ces', 1, 6, 4),
      ],
    },
    { kra: 4, weight: 10, kpis: [k('escalation_rate', 1, 3, 10), k('complaint_resolution_rate', 1, 95, 70)] },
    { kra: 5, weight: 5, kpis: [k('kb_utilisation', 1, 50, 20)] },
    {
      kra: 6,
      weight: 5,
      kpis: [k('survey_response_rate', 1, 30, 10), k('feedback_loop_closure_time', 1, 1 * DAY, 7 * DAY)],
    },
    { kra: 7, weight: 15, kpis: [k('sla_compliance', 2, 95, 80), k('sla_breaches_per_100', 1, 5, 40)] },
  ],
};

const MANAGER: ScorecardTemplate = {
  role: 'manager',
  name: 'Support manager',
  kras: [
    {
      kra: 1,
      weight: 20,
      kpis: [
        k('csat', 2, 90, 70),
        k('avg_response_time', 1, 1 * HOUR, 8 * HOUR),
        k('fcr_rate', 2, 75, 50),
        // Retention and churn are two sides of one number (churn + retention = 100): half weight each.
        k('retention_rate', 0.5, 99.5, 97),
        k('churn_rate', 0.5, 0.5, 3),
      ],
    },
    {
      kra: 2,
      weight: 10,
      kpis: [
        k('qa_score', 2, 90, 60),
        k('training_completion', 1, 100, 60),
        k('solved_per_agent_day', 1, 3, 1),
        k('enps', 1, 40, 0),
      ],
    },
    {
      kra: 3,
      weight: 10,
      kpis: [
        k('aht', 1, 480, 1200),
        k('resolution_efficiency', 1, 100, 85),
        k('automation_rate', 1, 15, 0),
        k('ces', 1, 6, 4),
      ],
    },
    {
      kra: 4,
      weight: 10,
      kpis: [
        k('escalation_response_time', 1, 1 * HOUR, 8 * HOUR),
        k('escalation_closure_rate', 1, 95, 70),
        k('complaint_resolution_rate', 1, 95, 70),
        k('escalation_rate', 1, 3, 10),
      ],
    },
    {
      kra: 5,
      weight: 5,
      kpis: [
        k('kb_utilisation', 1, 50, 20),
        k('kb_accuracy', 1, 90, 50),
        k('kb_contributions_per_agent', 1, 1, 0),
        k('kb_feedback_closure', 1, 80, 40),
      ],
    },
    {
      kra: 6,
      weight: 10,
      kpis: [
        k('nps', 1, 50, 0),
        k('survey_response_rate', 1, 30, 10),
        k('insights_implemented', 1, 80, 40),
        k('feedback_loop_closure_time', 1, 1 * DAY, 7 * DAY),
      ],
    },
    {
      kra: 7,
      weight: 15,
      kpis: [
        k('sla_compliance', 2, 95, 80),
        k('sla_breaches_per_100', 1, 5, 40),
        // A review a month scores 100, none scores 0.
        k('sla_reviews', 1, 1, 0),
        k('sla_report_accuracy', 1, 100, 80),
      ],
    },
    {
      kra: 8,
      weight: 5,
      kpis: [
        k('tool_adoption', 1, 95, 70),
        k('downtime_pct', 1, 0.1, 1),
        k('tech_training_completion', 1, 100, 60),
        k('tool_feedback_implemented', 1, 80, 40),
      ],
    },
    {
      kra: 9,
      weight: 5,
      kpis: [
        k('crisis_resolution_time', 1, 4 * HOUR, 2 * DAY),
        k('crisis_updates_on_time', 1, 95, 60),
        k('post_crisis_csat_recovery', 1, 100, 80),
        k('prevention_actions_done', 1, 80, 40),
      ],
    },
    {
      kra: 10,
      weight: 10,
      kpis: [
        k('reports_on_time_accurate', 1, 95, 70),
        k('forecast_accuracy', 1, 90, 70),
        k('report_actions_implemented', 1, 80, 40),
        k('security_controls_passing', 1, 100, 80),
      ],
    },
  ],
};

function checked(template: ScorecardTemplate): ScorecardTemplate {
  const parsed = scorecardTemplateSchema.parse(template);
  const problems = templateProblems(parsed, CATALOGUE);
  if (problems.length > 0) throw new Error(`invalid default scorecard:\n  - ${problems.join('\n  - ')}`);
  return parsed;
}

export const DEFAULT_SCORECARD_TEMPLATES: Readonly<Record<OwnerRole, ScorecardTemplate>> = {
  agent: checked(AGENT),
  team_lead: checked(TEAM_LEAD),
  manager: checked(MANAGER),
};
