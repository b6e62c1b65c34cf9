/** The shapes the dashboard reads from the API (docs/server.md, docs/goals.md, DESIGN.md). */

export type Role = 'admin' | 'manager' | 'team_lead' | 'agent' | 'viewer';
export type Locale = 'en' | 'es';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  agent_id: string | null;
  team_ids: string[];
  locale: string | null;
  must_change_password: boolean;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

export interface Organization {
  id: number;
  slug: string;
  name: string;
  time_zone: string;
}

export interface Me {
  user: User;
  organization: Organization;
  csrf_token?: string;
  via: 'session' | 'token';
}

export type Dimension = 'desk' | 'team' | 'agent' | 'channel' | 'priority';
export const DIMENSIONS: readonly Dimension[] = ['desk', 'team', 'agent', 'channel', 'priority'];
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'all';

export interface Kra {
  id: number;
  name: string;
  index: string;
  kpis: string[];
}

export interface Kpi {
  id: string;
  name: string;
  kra: number | null;
  kra_name: string | null;
  unit: string;
  direction: 'higher' | 'lower' | 'target';
  source: 'computed' | 'manual';
  min_n: number;
  description: string;
  placement: string;
  dimensions: Dimension[];
  variants: string[];
}

/** One row of the query contract; the group key is named after `by`. */
export interface KpiRow {
  kpi: string;
  bucket: string;
  bucket_end: string;
  value: number | null;
  unit: string;
  n: number;
  numerator: number | null;
  denominator: number | null;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
  trend: number | null;
  variant: string | null;
  desk?: string | null;
  team?: string | null;
  agent?: string | null;
  channel?: string | null;
  priority?: string | null;
}

export type Cell = string | number | boolean | null;

export interface DrillRow {
  source: string;
  id: string;
  ticket_id: string | null;
  placed_at: string;
  desk: string | null;
  team: string | null;
  agent: string | null;
  channel: string | null;
  priority: string | null;
  in_numerator: boolean | null;
  in_denominator: boolean | null;
  value: number | null;
  score: number | null;
  class: string | null;
  facts: Record<string, Cell>;
}

export interface Drilldown {
  kpi: string;
  unit: string;
  measure: string;
  variant: string | null;
  bucket: string;
  bucket_end: string;
  by: Dimension | null;
  group: string | null;
  facts: string[];
  totals: {
    rows: number;
    n: number;
    numerator: number | null;
    denominator: number | null;
    value: number | null;
  };
  rows: DrillRow[];
  limit: number;
  offset: number;
  next_offset: number | null;
}

export interface Named {
  id: string;
  name: string;
}
export interface Team extends Named {
  desk_id: string | null;
}
export interface Agent extends Named {
  team_id: string | null;
  email: string | null;
}

// Goals, scorecards, counterweights, coaching (docs/goals.md; the shapes of `deskscore … --json`).

export type ScopeKind = 'organization' | 'desk' | 'team' | 'agent';
export interface Scope {
  kind: ScopeKind;
  id: string | null;
  name: string;
}

export type GoalStatus =
  | 'not_started'
  | 'on_track'
  | 'at_risk'
  | 'off_track'
  | 'achieved'
  | 'missed'
  | 'not_significant';
export type ActionStatus = 'open' | 'in_progress' | 'done' | 'cancelled';
export const ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in_progress', 'done', 'cancelled'];
export type TargetKind = 'absolute' | 'percent_change' | 'points_change';
export type OwnerRole = 'agent' | 'team_lead' | 'manager';

export interface SmartLetter {
  letter: 'S' | 'M' | 'A' | 'R' | 'T';
  name: string;
  verdict: 'pass' | 'warn' | 'fail';
  reason: string;
}
export interface SmartCheck {
  ok: boolean;
  letters: SmartLetter[];
}

export interface ActionItem {
  seq: number;
  title: string;
  owner: string;
  due: string;
  status: ActionStatus;
}

export interface Goal {
  id: number;
  name: string;
  kpi: string;
  kpi_name: string;
  unit: string;
  direction: string;
  scope: Scope;
  owner: { name: string; role: OwnerRole; userId?: number | null };
  baseline: { from: string; to: string; value: number | null; n: number };
  target: { kind: TargetKind; input: number; value: number | null };
  start: string;
  deadline: string;
  cadence: string | null;
  notes: string | null;
  as_of: string;
  current: {
    from: string;
    to: string;
    value: number | null;
    n: number;
    ci_low: number | null;
    ci_high: number | null;
    significant: boolean;
  };
  status: GoalStatus;
  progress: number | null;
  progress_raw: number | null;
  elapsed_pct: number;
  pace: number | null;
  reason: string;
  smart: SmartCheck;
  actions: ActionItem[];
}

export interface StatusChange {
  seq: number;
  changedAt: string;
  asOf: string;
  from: GoalStatus | null;
  to: GoalStatus;
  value: number | null;
  n: number;
  progress: number | null;
  pace: number | null;
  reason: string;
}

export interface GoalDraft {
  name?: string;
  kpi: string;
  scope: { kind: ScopeKind; id?: string };
  target: { kind: TargetKind; value: number };
  start: string;
  deadline: string;
  baseline?: { from: string; to: string };
  owner: { name: string; role: OwnerRole };
  cadence?: string | null;
  notes?: string | null;
  actions?: Array<{ title: string; owner: string; due: string; status?: ActionStatus }>;
}

/** PATCH /goals/:id: what an edit may change (the KPI, scope, start and baseline define the goal). */
export interface GoalEdit {
  name?: string;
  target: { kind: TargetKind; value: number };
  deadline: string;
  owner?: { name: string; role: OwnerRole };
  cadence?: string | null;
  notes: string | null;
}

export interface GoalCheck {
  name?: string;
  smart: SmartCheck;
  baseline?: { from: string; to: string; value: number | null; n: number };
  target_value?: number | null;
  /** The stored goal (POST /goals); null when it was not saved. */
  goal?: { id: number } | null;
}

export type KpiScoreStatus = 'scored' | 'no_data' | 'not_significant' | 'not_applicable';

export interface ScoredKpi {
  kpi: string;
  name: string;
  unit: string;
  direction: string;
  weight: number;
  weight_used: number | null;
  value: number | null;
  n: number;
  significant: boolean;
  ci_low: number | null;
  ci_high: number | null;
  target: number;
  floor: number;
  target_source: string;
  score: number | null;
  score_raw: number | null;
  status: KpiScoreStatus;
  note: string | null;
  /** Agent scorecards: the team's median and how the agent compares. */
  team_median?: number | null;
  comparison?: string | null;
}

export interface ScoredKra {
  kra: number;
  name: string;
  weight: number;
  weight_used: number | null;
  score: number | null;
  kpis: ScoredKpi[];
}

export type IndexKey = 'happy_customers' | 'healthy_teams';

export interface Scorecard {
  scope: Scope;
  role: string;
  template: string;
  period: { from: string; to: string };
  overall: number | null;
  weights_used: Record<string, number>;
  indices: Record<IndexKey, { score: number | null; weights_used: Record<string, number> }>;
  kras: ScoredKra[];
}

export interface ScorecardComparison {
  kind: string;
  role: string;
  period: { from: string; to: string };
  ranking: Array<{
    scope: Scope;
    overall: number | null;
    happy_customers: number | null;
    healthy_teams: number | null;
    kras: Record<string, number | null>;
    rank: number;
  }>;
}

export interface WindowValue {
  from: string;
  to: string;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  significant: boolean;
}
export interface JudgedChange {
  change: 'improved' | 'worsened' | 'within_intervals' | 'not_judged';
  before: WindowValue;
  after: WindowValue;
  delta: number | null;
  reason: string;
}
export interface CounterweightWarning {
  kpi: string;
  counterweight: string;
  kpi_change: JudgedChange;
  counterweight_change: JudgedChange;
  message: string;
  scope: Scope;
}
export interface CounterweightReport {
  windows: { before: { from: string; to: string }; after: { from: string; to: string } };
  pairs: Array<{ kpi: string; counterweights: string[]; note?: string }>;
  warnings: CounterweightWarning[];
}

export interface CoachingSuggestion {
  kpi: string;
  name: string;
  unit: string;
  value: number;
  n: number;
  target: number;
  target_source: string;
  score: number | null;
  target_gap: number;
  peer_median: number | null;
  median_gap_pct: number;
  tickets: Array<{ ticket_id: string; value: number | null }> | null;
  courses: Array<{
    course: string;
    known: boolean;
    enrolment: { due_at: string; completed_at: string | null } | null;
  }>;
}
export interface CoachingReport {
  scope: Scope;
  peers: string;
  period: { from: string; to: string };
  suggestions: CoachingSuggestion[];
}

export interface ScorecardTemplateKpi {
  kpi: string;
  weight: number;
  target: number;
  floor: number;
}
export interface ScorecardTemplate {
  role: OwnerRole;
  name: string;
  kras: Array<{ kra: number; weight: number; kpis: ScorecardTemplateKpi[] }>;
}
/** GET /scoring-settings: what is in force (defaults where the organisation stored nothing). */
export interface ScoringSettings {
  thresholds: { onTrack: number; atRisk: number };
  templates: Record<OwnerRole, ScorecardTemplate>;
  templateSource: Record<OwnerRole, 'default' | 'organisation'>;
  indices: Record<string, Record<string, number>> | null;
  counterweights: Array<{ kpi: string; counterweights: string[]; note?: string }>;
  coachingCourses: Record<string, string[]>;
  stored: string[];
}

/** GET /alerts/events: what fired and when it cleared. */
export interface AlertEvent {
  id: number;
  rule_id: number;
  subject_key: string;
  subject: string;
  state: 'firing' | 'resolved';
  fired_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  detail: Record<string, unknown>;
}

// Imports

export interface ImportError {
  file: string;
  row: number;
  field: string;
  reason: string;
}
export interface ImportSummary {
  importId?: number;
  file?: string;
  shape?: string | null;
  status?: string;
  rowsRead?: number;
  rowsStored?: number;
  rowsSkipped?: number;
  errorCount?: number;
  errors?: ImportError[];
  tickets?: { created: number; updated: number; unchanged: number } | null;
  events?: { created: number; updated: number; unchanged: number } | null;
}
export interface ImportJob {
  id: string;
  file_name: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  created_at: string;
  finished_at: string | null;
  progress: { bytesRead: number; totalBytes: number; rowsRead: number; phase: 'reading' | 'merging' } | null;
  summary: ImportSummary | null;
  error: string | null;
}
export interface ImportHistoryRow {
  id: number;
  file_name: string;
  shape: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  rows_read: number;
  rows_skipped: number;
  tickets_created: number;
  tickets_updated: number;
  events_created: number;
  events_updated: number;
  records_kind: string | null;
  records_created: number | null;
  records_updated: number | null;
  error_count: number;
}

// Settings

export interface ApiToken {
  id: string;
  user_id: number;
  name: string;
  scopes: Array<'read' | 'write'>;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ScheduleInterval {
  weekday: number;
  start: string;
  end: string;
}
export interface Schedule {
  id: string;
  name: string;
  timeZone: string;
  isDefault: boolean;
  intervals: ScheduleInterval[];
  holidays: Array<{ day: string; name: string }>;
}

export interface SlaTarget {
  priority: 'low' | 'normal' | 'high' | 'urgent';
  metric: 'first_reply' | 'next_reply' | 'resolution';
  targetSeconds: number;
  businessHours?: boolean;
}
export interface SlaCondition {
  field: string;
  operator: string;
  value: string | string[];
}
export interface SlaPolicy {
  id: string;
  name: string;
  position: number;
  conditions: { all: SlaCondition[]; any: SlaCondition[] };
  pausingStatuses: string[];
  scheduleId: string | null;
  targets: SlaTarget[];
}

export interface TeamMedian {
  team: Scope;
  agents: number;
  kpis: Array<{
    kpi: string;
    value: number | null;
    team_median: number | null;
    agents_with_data: number;
    vs_team_median: 'better' | 'worse' | 'equal' | null;
  }>;
}

/** A scorecard; an agent's comes with the team's median per KPI. */
export interface ScorecardWithMedian extends Scorecard {
  team_median?: TeamMedian | null;
}
