import type { Migration } from 'kysely';
import * as canonicalModel from './0001_canonical_model.js';
import * as ticketFacts from './0002_ticket_facts.js';
import * as surveys from './0003_surveys.js';
import * as qaReviews from './0004_qa_reviews.js';
import * as customersAndTraining from './0005_customers_and_training.js';
import * as improvements from './0006_improvements.js';
import * as reports from './0007_reports.js';
import * as manualMeasurements from './0008_manual_measurements.js';
import * as toolPeriods from './0009_tool_periods.js';
import * as crises from './0010_crises.js';
import * as presence from './0011_presence.js';
import * as feedbackLoop from './0012_feedback_loop.js';
import * as knowledgeBase from './0013_knowledge_base.js';
import * as articleLinks from './0014_article_links.js';
import * as forecasts from './0015_forecasts.js';
import * as securityControls from './0016_security_controls.js';
import * as accounts from './0017_accounts.js';
import * as goalsAndScorecards from './0018_goals_and_scorecards.js';
import * as liveIngestion from './0020_live_ingestion.js';
import * as alertsAndReports from './0021_alerts_and_reports.js';
import * as dataVersion from './0022_data_version.js';

/** Every migration, in order. Names sort in the order they must run; never rename or remove one. */
export const migrations: Record<string, Migration> = {
  '0001_canonical_model': canonicalModel,
  '0002_ticket_facts': ticketFacts,
  '0003_surveys': surveys,
  '0004_qa_reviews': qaReviews,
  '0005_customers_and_training': customersAndTraining,
  '0006_improvements': improvements,
  '0007_reports': reports,
  '0008_manual_measurements': manualMeasurements,
  '0009_tool_periods': toolPeriods,
  '0010_crises': crises,
  '0011_presence': presence,
  '0012_feedback_loop': feedbackLoop,
  '0013_knowledge_base': knowledgeBase,
  '0014_article_links': articleLinks,
  '0015_forecasts': forecasts,
  '0016_security_controls': securityControls,
  '0017_accounts': accounts,
  '0018_goals_and_scorecards': goalsAndScorecards,
  '0020_live_ingestion': liveIngestion,
  '0021_alerts_and_reports': alertsAndReports,
  '0022_data_version': dataVersion,
};
