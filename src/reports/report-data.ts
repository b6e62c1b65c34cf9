/**
 * What a scheduled report says, independent of how it is rendered (PDF, HTML e-mail, CSV, XLSX). The
 * job `src/jobs/reports/build-report.ts` fills it from the metric engine; the renderers only draw it.
 */

export type ReportKind = 'weekly' | 'kra_review' | 'agent_weekly';

export const REPORT_TITLES: Record<ReportKind, string> = {
  weekly: 'Weekly manager report',
  kra_review: 'Monthly KRA review',
  agent_weekly: 'Weekly summary',
};

export interface Range {
  from: string;
  to: string;
}

export interface ReportKpiRow {
  kra: number;
  kra_name: string;
  kpi: string;
  name: string;
  unit: string;
  direction: string;
  value: number | null;
  previous: number | null;
  n: number;
  significant: boolean;
  ci_low: number | null;
  ci_high: number | null;
  target: number;
  floor: number;
  target_source: string;
  score: number | null;
  status: string;
  /** Agent summaries: the median of the team's agents, and how the agent compares. */
  team_median?: number | null;
  vs_team_median?: string | null;
}

export interface ReportKra {
  kra: number;
  name: string;
  weight: number;
  score: number | null;
  previous: number | null;
}

export interface ReportTrend {
  kpi: string;
  name: string;
  unit: string;
  points: Array<{ bucket: string; value: number | null; n: number; significant: boolean }>;
}

export interface ReportGoal {
  id: number;
  name: string;
  kpi_name: string;
  scope: string;
  status: string;
  progress: number | null;
  pace: number | null;
  deadline: string;
  reason: string;
}

export interface ReportData {
  kind: ReportKind;
  title: string;
  organization: { name: string; slug: string; time_zone: string };
  scope: { kind: string; id: string | null; name: string; label: string };
  period: Range;
  previous_period: Range;
  generated_at: Date;
  template: string;
  overall: { current: number | null; previous: number | null };
  indices: {
    happy_customers: { current: number | null; previous: number | null };
    healthy_teams: { current: number | null; previous: number | null };
  };
  kras: ReportKra[];
  kpis: ReportKpiRow[];
  trends: ReportTrend[];
  /** The trend's grain: weeks for weekly reports, months for the KRA review. */
  trend_grain: 'week' | 'month';
  goals: ReportGoal[];
  warnings: string[];
  alerts: Array<{ rule: string; subject: string; since: Date }>;
}

/** A chart drawn for a report: SVG for the record, PNG for e-mail and PDF. */
export interface ReportChart {
  id: string;
  title: string;
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}
