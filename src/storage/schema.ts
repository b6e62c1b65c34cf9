/** The stored model. Every table carries org_id and every key starts with it (see DESIGN.md, Storage). */
export interface OrganizationsTable {
  id: number;
  slug: string;
  name: string;
  time_zone: string;
  created_at: Date;
}

export interface NamedEntityTable {
  org_id: number;
  id: string;
  name: string;
}

export interface TeamsTable extends NamedEntityTable {
  desk_id: string | null;
}

export interface AgentsTable extends NamedEntityTable {
  team_id: string | null;
  email: string | null;
}

export interface TicketsTable {
  org_id: number;
  id: string;
  created_at: Date;
  status: string;
  priority: string | null;
  channel: string | null;
  desk_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  customer_id: string | null;
  ticket_type: string | null;
  subject: string | null;
  first_response_at: Date | null;
  solved_at: Date | null;
  reopen_count: number | null;
  agent_replies: number | null;
  handle_time_seconds: number | null;
  escalated_at: Date | null;
  sla_breached: boolean | null;
  automated: boolean | null;
  /** Space-separated, with a leading and trailing space, so `LIKE '% tag %'` matches whole tags. */
  tags: string;
  kb_article: string | null;
  /** 'tickets' | 'snapshots' | 'events': which import shape last wrote the row. */
  source_shape: string;
  snapshot_key: number | null;
  content_hash: string;
  import_id: number;
  updated_at: Date;
}

export interface TicketEventsTable {
  org_id: number;
  id: string;
  ticket_id: string;
  type: string;
  at: Date;
  actor_type: string | null;
  actor: string | null;
  public: boolean | null;
  status: string | null;
  team: string | null;
  assignee: string | null;
  priority: string | null;
  channel: string | null;
  desk: string | null;
  customer: string | null;
  seconds: number | null;
  ticket_type: string | null;
  /** Stored like tickets.tags; null when the event says nothing about tags. */
  tags: string | null;
  article: string | null;
  content_hash: string;
  import_id: number;
}

export interface ImportsTable {
  org_id: number;
  id: number;
  file_name: string;
  shape: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  rows_read: number;
  rows_skipped: number;
  tickets_created: number;
  tickets_updated: number;
  tickets_unchanged: number;
  events_created: number;
  events_updated: number;
  records_kind: string | null;
  records_created: number | null;
  records_updated: number | null;
  records_unchanged: number | null;
  events_unchanged: number;
  /** JSON array of the first row errors. */
  errors: string;
  error_count: number;
}

export interface BusinessSchedulesTable {
  org_id: number;
  id: string;
  name: string;
  time_zone: string;
  is_default: boolean | null;
}

export interface ScheduleIntervalsTable {
  org_id: number;
  schedule_id: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  start_minute: number;
  end_minute: number;
}

export interface ScheduleHolidaysTable {
  org_id: number;
  schedule_id: string;
  /** Calendar day in the schedule's zone, 'YYYY-MM-DD'. */
  day: string;
  name: string;
}

export interface SlaPoliciesTable {
  org_id: number;
  id: string;
  name: string;
  position: number;
  /** JSON: the ordered conditions; first matching policy applies. */
  conditions: string;
  /** JSON array of statuses during which clocks pause. */
  pausing_statuses: string;
  schedule_id: string | null;
}

export interface SlaTargetsTable {
  org_id: number;
  policy_id: string;
  priority: string;
  metric: string;
  target_seconds: number;
  business_hours: boolean;
}

export type TicketFactsTable = { org_id: number } & import('../derive/ticket-facts.js').TicketFacts;
export type ReplyFactsTable = { org_id: number } & import('../derive/ticket-facts.js').ReplyFact;
export type SlaInstancesTable = { org_id: number } & import('../derive/ticket-facts.js').SlaInstanceFact;

export interface SurveysTable {
  org_id: number;
  id: string;
  kind: string;
  sent_at: Date | null;
  responded_at: Date | null;
  score: number | null;
  scale_min: number;
  scale_max: number;
  polarity: string;
  /** The answer on the kind's default scale, oriented so that higher is better. */
  score_std: number | null;
  positive: boolean | null;
  detractor: boolean | null;
  comment: string | null;
  ticket_id: string | null;
  customer_id: string | null;
  agent_id: string | null;
  team_id: string | null;
  desk_id: string | null;
  channel: string | null;
  followup_closed_at: Date | null;
  negative: boolean | null;
  followup_seconds: number | null;
  content_hash: string;
  import_id: number;
}

export interface QaRatingsTable {
  org_id: number;
  id: string;
  review_id: string;
  reviewed_at: Date;
  category: string;
  rating: number | null;
  scale_min: number;
  scale_max: number;
  weight: number;
  critical: boolean;
  na: boolean;
  category_score: number | null;
  agent_id: string | null;
  team_id: string | null;
  desk_id: string | null;
  ticket_id: string | null;
  reviewer: string | null;
  scorecard: string | null;
  content_hash: string;
  import_id: number;
}

export interface QaReviewsTable {
  org_id: number;
  id: string;
  reviewed_at: Date;
  agent_id: string | null;
  team_id: string | null;
  desk_id: string | null;
  ticket_id: string | null;
  reviewer: string | null;
  scorecard: string | null;
  score_pct: number | null;
  critical_failed: boolean;
}

/** A customer: named by tickets and surveys, with a lifecycle once a customers file says so. */
export interface CustomersTable extends NamedEntityTable {
  became_customer_at: Date | null;
  churned_at: Date | null;
  desk_id: string | null;
  content_hash: string | null;
  import_id: number | null;
}

export interface TrainingEnrolmentsTable {
  org_id: number;
  id: string;
  agent_id: string;
  team_id: string | null;
  desk_id: string | null;
  course: string;
  category: string | null;
  enrolled_at: Date | null;
  due_at: Date;
  completed_at: Date | null;
  score: number | null;
  completed_on_time: boolean;
  content_hash: string;
  import_id: number;
}

export interface ImprovementsTable {
  org_id: number;
  id: string;
  kind: string;
  title: string | null;
  logged_at: Date;
  implemented_at: Date | null;
  owner: string | null;
  team_id: string | null;
  desk_id: string | null;
  related_to: string | null;
  content_hash: string;
  import_id: number;
}

export interface ReportsTable {
  org_id: number;
  id: string;
  report: string;
  due_at: Date;
  delivered_at: Date | null;
  corrected_at: Date | null;
  desk_id: string | null;
  team_id: string | null;
  on_time_accurate: boolean;
  content_hash: string;
  import_id: number;
}

export interface ManualMeasurementsTable {
  org_id: number;
  id: string;
  kpi: string;
  period_start: Date | null;
  period_end: Date;
  value: number;
  desk_id: string | null;
  team_id: string | null;
  agent_id: string | null;
  note: string | null;
  entered_by: string | null;
  content_hash: string;
  import_id: number;
}

export interface ToolPeriodsTable {
  org_id: number;
  id: string;
  tool: string;
  period_start: Date;
  period_end: Date;
  licensed_seats: number;
  active_users: number;
  downtime_minutes: number;
  seat_minutes: number;
  seat_downtime_minutes: number;
  content_hash: string;
  import_id: number;
}

export interface CrisesTable {
  org_id: number;
  id: string;
  title: string | null;
  started_at: Date;
  resolved_at: Date | null;
  desk_id: string | null;
  /** ISO timestamps of the status updates, space-separated. */
  updates: string;
  resolution_seconds: number | null;
  updates_required: number | null;
  updates_on_time: number | null;
  content_hash: string;
  import_id: number;
}

export interface AgentPresenceTable {
  org_id: number;
  id: string;
  agent_id: string;
  team_id: string | null;
  desk_id: string | null;
  period_start: Date;
  period_end: Date;
  logged_in_seconds: number;
  handling_seconds: number;
  content_hash: string;
  import_id: number;
}

export interface KbArticlesTable {
  org_id: number;
  id: string;
  title: string | null;
  created_at: Date;
  published_at: Date | null;
  retired_at: Date | null;
  desk_id: string | null;
  content_hash: string;
  import_id: number;
}

export interface KbActivityTable {
  org_id: number;
  id: string;
  article_id: string;
  action: string;
  at: Date;
  agent_id: string | null;
  content_hash: string;
  import_id: number;
}

export interface KbFeedbackTable {
  org_id: number;
  id: string;
  article_id: string | null;
  raised_at: Date;
  resolved_at: Date | null;
  desk_id: string | null;
  resolved_within_14_days: boolean;
  content_hash: string;
  import_id: number;
}

export interface VolumeForecastsTable {
  org_id: number;
  id: string;
  target_day: Date;
  day_end: Date;
  volume: number;
  issued_at: Date;
  desk_id: string | null;
  channel: string | null;
  model: string | null;
  content_hash: string;
  import_id: number;
}

export interface SecurityControlsTable {
  org_id: number;
  id: string;
  control: string;
  checked_at: Date;
  passing: boolean;
  note: string | null;
  content_hash: string;
  import_id: number;
}

export interface UsersTable {
  org_id: number;
  id: number;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  agent_id: string | null;
  locale: string | null;
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
  disabled_at: Date | null;
}

export interface UserTeamsTable {
  org_id: number;
  user_id: number;
  team_id: string;
}

export interface SessionsTable {
  id_hash: string;
  org_id: number;
  user_id: number;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
}

export interface ApiTokensTable {
  org_id: number;
  id: string;
  user_id: number;
  name: string;
  token_hash: string;
  /** Space-separated scopes (read, write). */
  scopes: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuditLogTable {
  org_id: number;
  id: string;
  at: Date;
  actor_user_id: number | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON text. */
  detail: string | null;
  ip: string | null;
  request_id: string | null;
}

/** A goal (DESIGN.md, "Goals and scorecards"); days are local 'YYYY-MM-DD' in the organisation's zone. */
export interface GoalsTable {
  org_id: number;
  id: number;
  name: string;
  kpi: string;
  /** 'organization' | 'desk' | 'team' | 'agent'; scope_id is null for the organisation. */
  scope_kind: string;
  scope_id: string | null;
  baseline_from: string;
  baseline_to: string;
  baseline_value: number | null;
  baseline_n: number;
  /** 'absolute' | 'percent_change' | 'points_change'. */
  target_kind: string;
  target_input: number;
  target_value: number | null;
  start_date: string;
  deadline: string;
  owner_name: string;
  /** 'agent' | 'team_lead' | 'manager'. */
  owner_role: string;
  owner_user_id: number | null;
  cadence: string | null;
  notes: string | null;
  /** JSON: the SMART check made when the goal was set. */
  smart: string;
  created_at: Date;
  status: string | null;
  status_at: Date | null;
}

export interface GoalActionsTable {
  org_id: number;
  goal_id: number;
  seq: number;
  title: string;
  owner: string;
  due_date: string;
  /** 'open' | 'in_progress' | 'done' | 'cancelled'. */
  status: string;
  updated_at: Date;
}

export interface GoalStatusChangesTable {
  org_id: number;
  goal_id: number;
  seq: number;
  changed_at: Date;
  as_of: string;
  from_status: string | null;
  to_status: string;
  value: number | null;
  n: number;
  progress: number | null;
  pace: number | null;
  reason: string;
}

/** Scoring configuration per organisation, one JSON document per key (docs/goals.md). */
export interface ScoringSettingsTable {
  org_id: number;
  key: string;
  value: string;
  updated_at: Date;
}

export interface IngestBatchesTable {
  org_id: number;
  id: string;
  received_at: Date;
  idempotency_key: string | null;
  /** JSON array of { shape, record }. */
  items: string;
  item_count: number;
  status: string;
  attempts: number;
  processed_at: Date | null;
  /** JSON summary of what processing stored. */
  result: string | null;
  error: string | null;
  actor: string;
}

export interface IngestSecretsTable {
  org_id: number;
  id: string;
  name: string;
  /** Kept in clear: verifying an HMAC needs the key itself. */
  secret: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** Where alert notices and reports go (issue 10). `config` is JSON without secrets. */
export interface AlertChannelsTable {
  org_id: number;
  id: number;
  name: string;
  /** 'email' | 'webhook'. */
  kind: string;
  config: string;
  /** JSON: environment references or ciphertexts (never a secret in clear). */
  secrets: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface AlertRulesTable {
  org_id: number;
  id: number;
  name: string;
  /** 'kpi_threshold' | 'goal_status' | 'sla_risk' | 'counterweight' | 'volume_spike'. */
  kind: string;
  scope_kind: string;
  scope_id: string | null;
  params: string;
  /** JSON array of channel ids. */
  channel_ids: string;
  interval_minutes: number;
  /** 'HH:MM' in the organisation's zone; both or neither. */
  quiet_start: string | null;
  quiet_end: string | null;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

/** One row per rule and evaluation period: the guard that evaluates a rule at most once a period. */
export interface AlertEvaluationsTable {
  org_id: number;
  rule_id: number;
  period_key: string;
  evaluated_at: Date;
  outcome: string | null;
}

/** A condition of a rule that fired, open ('firing') until it clears ('resolved'). */
export interface AlertEventsTable {
  org_id: number;
  id: number;
  rule_id: number;
  subject_key: string;
  subject: string;
  state: string;
  fired_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  detail: string;
}

/** The delivery log: every notice, test and report sent (or being retried) to a channel. */
export interface AlertDeliveriesTable {
  org_id: number;
  id: string;
  channel_id: number;
  rule_id: number | null;
  /** JSON array of alert event ids the notice is about. */
  event_ids: string;
  report_id: string | null;
  /** 'firing' | 'resolved' | 'test' | 'report'. */
  kind: string;
  title: string;
  payload: string;
  /** 'held' (quiet hours) | 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed'. */
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  response: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface ReportSchedulesTable {
  org_id: number;
  id: number;
  name: string;
  /** 'weekly' | 'kra_review' | 'agent_weekly'. */
  report: string;
  scope_kind: string;
  scope_id: string | null;
  channel_ids: string;
  /** JSON array of 'pdf' | 'csv' | 'xlsx'. */
  formats: string;
  /** ISO weekday 1–7 (weekly reports). */
  weekday: number | null;
  /** 1–28 (monthly reports). */
  day_of_month: number | null;
  at_time: string;
  grace_minutes: number;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface DataVersionTable {
  id: number;
  version: number;
}

export interface Database {
  deskscore_data_version: DataVersionTable;
  ingest_batches: IngestBatchesTable;
  ingest_secrets: IngestSecretsTable;
  users: UsersTable;
  user_teams: UserTeamsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  organizations: OrganizationsTable;
  desks: NamedEntityTable;
  teams: TeamsTable;
  agents: AgentsTable;
  customers: CustomersTable;
  training_enrolments: TrainingEnrolmentsTable;
  improvements: ImprovementsTable;
  reports: ReportsTable;
  manual_measurements: ManualMeasurementsTable;
  tool_periods: ToolPeriodsTable;
  crises: CrisesTable;
  agent_presence: AgentPresenceTable;
  kb_articles: KbArticlesTable;
  kb_activity: KbActivityTable;
  kb_feedback: KbFeedbackTable;
  volume_forecasts: VolumeForecastsTable;
  security_controls: SecurityControlsTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  imports: ImportsTable;
  business_schedules: BusinessSchedulesTable;
  schedule_intervals: ScheduleIntervalsTable;
  schedule_holidays: ScheduleHolidaysTable;
  sla_policies: SlaPoliciesTable;
  sla_targets: SlaTargetsTable;
  ticket_facts: TicketFactsTable;
  reply_facts: ReplyFactsTable;
  sla_instances: SlaInstancesTable;
  surveys: SurveysTable;
  qa_ratings: QaRatingsTable;
  qa_reviews: QaReviewsTable;
  goals: GoalsTable;
  goal_actions: GoalActionsTable;
  goal_status_changes: GoalStatusChangesTable;
  scoring_settings: ScoringSettingsTable;
  alert_channels: AlertChannelsTable;
  alert_rules: AlertRulesTable;
  alert_evaluations: AlertEvaluationsTable;
  alert_events: AlertEventsTable;
  alert_deliveries: AlertDeliveriesTable;
  report_schedules: ReportSchedulesTable;
}
