import { type KpiDefinition, loadDefinitions } from '../engine/kpi-definition.js';
import { checkDimensions } from '../engine/sources.js';
import { improvementKpis } from './improvement-kpis.js';
import { customerSatisfactionKpis } from './kra-01-customer-satisfaction.js';
import { teamPerformanceKpis } from './kra-02-team-performance.js';
import { processImprovementKpis } from './kra-03-process-improvement.js';
import { escalationManagementKpis } from './kra-04-escalation-management.js';
import { knowledgeManagementKpis } from './kra-05-knowledge-management.js';
import { slaAdherenceKpis } from './kra-07-sla-adherence.js';
import { technologyUtilisationKpis } from './kra-08-technology-utilisation.js';
import { crisisManagementKpis } from './kra-09-crisis-management.js';
import { forecastKpis } from './kra-10-forecast.js';
import { reportingAnalyticsKpis } from './kra-10-reporting-analytics.js';
import { milestoneKpis } from './milestone-kpis.js';
import { supportOperationsKpis } from './support-operations.js';
import { surveyKpis } from './survey-kpis.js';

export { KRAS } from './kras.js';

/** Every built-in KPI definition, validated once on load. */
export const CATALOGUE: ReadonlyMap<string, KpiDefinition> = loadDefinitions([
  ...customerSatisfactionKpis,
  ...teamPerformanceKpis,
  ...processImprovementKpis,
  ...escalationManagementKpis,
  ...knowledgeManagementKpis,
  ...slaAdherenceKpis,
  ...technologyUtilisationKpis,
  ...crisisManagementKpis,
  ...reportingAnalyticsKpis,
  ...forecastKpis,
  ...supportOperationsKpis,
  ...surveyKpis,
  ...improvementKpis,
  ...milestoneKpis,
]);

checkDimensions(CATALOGUE.values());
