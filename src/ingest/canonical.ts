/**
 * The canonical import shapes of DESIGN.md ("Canonical import formats"): one list of fields per shape,
 * each with the kind of value it holds. Mappings, validation and docs all read these lists.
 */
export type FieldKind =
  | 'text'
  | 'lowercase'
  | 'timestamp'
  | 'count'
  | 'seconds'
  | 'boolean'
  | 'status'
  | 'priority'
  | 'tags'
  | 'event_type'
  | 'actor_type'
  | 'snapshot_key'
  | 'survey_kind'
  | 'score'
  | 'number'
  | 'polarity'
  | 'improvement_kind'
  | 'timestamps'
  | 'kb_action';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
  description: string;
}

export type ImportShape =
  | 'tickets'
  | 'events'
  | 'snapshots'
  | 'surveys'
  | 'qa_ratings'
  | 'customers'
  | 'enrolments'
  | 'improvements'
  | 'reports'
  | 'measurements'
  | 'tool_periods'
  | 'crises'
  | 'presence'
  | 'kb_articles'
  | 'kb_activity'
  | 'kb_feedback'
  | 'forecasts'
  | 'security_controls';
export const IMPORT_SHAPES: readonly ImportShape[] = [
  'tickets',
  'events',
  'snapshots',
  'surveys',
  'qa_ratings',
  'customers',
  'enrolments',
  'improvements',
  'reports',
  'measurements',
  'tool_periods',
  'crises',
  'presence',
  'kb_articles',
  'kb_activity',
  'kb_feedback',
  'forecasts',
  'security_controls',
];

/** Survey kinds and their default scales (KPI-DEFINITIONS.md, "Surveys"). */
export const SURVEY_KINDS = ['csat', 'nps', 'ces', 'enps', 'repurchase'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SURVEY_SCALES: Record<SurveyKind, { min: number; max: number }> = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
  ces: { min: 1, max: 7 },
  enps: { min: 0, max: 10 },
  repurchase: { min: 0, max: 1 },
};

export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'deleted'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const EVENT_TYPES = [
  'created',
  'customer_message',
  'agent_reply',
  'internal_note',
  'bot_reply',
  'status_change',
  'assignment',
  'escalation',
  'priority_change',
  'time_entry',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ACTOR_TYPES = ['customer', 'agent', 'bot', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const TICKET_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the source's ticket id" },
  { name: 'created_at', kind: 'timestamp', required: true, description: 'when the ticket was created' },
  { name: 'status', kind: 'status', required: true, description: `one of ${STATUSES.join(', ')}` },
  { name: 'priority', kind: 'priority', description: `one of ${PRIORITIES.join(', ')}` },
  { name: 'channel', kind: 'lowercase', description: 'email, chat, phone, web, social, …' },
  { name: 'desk', kind: 'text', description: 'service desk (brand, department)' },
  { name: 'team', kind: 'text', description: 'team (group) the ticket is assigned to' },
  { name: 'assignee', kind: 'text', description: 'agent the ticket is assigned to' },
  { name: 'customer', kind: 'text', description: 'requester' },
  { name: 'first_response_at', kind: 'timestamp', description: 'first human public reply' },
  { name: 'solved_at', kind: 'timestamp', description: 'last solve' },
  { name: 'reopen_count', kind: 'count', description: 'times reopened after a solve' },
  { name: 'agent_replies', kind: 'count', description: 'human public replies' },
  { name: 'handle_time_seconds', kind: 'seconds', description: 'time spent by agents' },
  { name: 'escalated_at', kind: 'timestamp', description: 'first escalation' },
  { name: 'sla_breached', kind: 'boolean', description: "the source's own SLA outcome for the ticket" },
  { name: 'automated', kind: 'boolean', description: 'resolved by automation' },
  { name: 'tags', kind: 'tags', description: 'tags, separated by commas, semicolons, pipes or spaces' },
  {
    name: 'type',
    kind: 'lowercase',
    description: 'ticket type (question, incident, problem, task, complaint…)',
  },
  { name: 'subject', kind: 'text', description: 'subject line' },
  { name: 'kb_article', kind: 'text', description: 'a knowledge-base article linked to the ticket' },
];

export const SNAPSHOT_FIELDS: readonly FieldSpec[] = [
  ...TICKET_FIELDS,
  {
    name: 'snapshot_key',
    kind: 'snapshot_key',
    required: true,
    description: 'update time or modification counter; the highest per ticket wins',
  },
];

export const EVENT_FIELDS: readonly FieldSpec[] = [
  { name: 'ticket_id', kind: 'text', required: true, description: "the source's ticket id" },
  { name: 'event_id', kind: 'text', description: "the source's event id (identity is hashed when absent)" },
  { name: 'type', kind: 'event_type', required: true, description: `one of ${EVENT_TYPES.join(', ')}` },
  { name: 'at', kind: 'timestamp', required: true, description: 'when it happened' },
  { name: 'actor_type', kind: 'actor_type', description: `one of ${ACTOR_TYPES.join(', ')}` },
  { name: 'actor', kind: 'text', description: 'who acted (agent, customer, bot name)' },
  { name: 'public', kind: 'boolean', description: 'visible to the customer' },
  { name: 'status', kind: 'status', description: 'new status (status_change, created)' },
  { name: 'team', kind: 'text', description: 'team after the event' },
  { name: 'assignee', kind: 'text', description: 'assignee after the event' },
  { name: 'priority', kind: 'priority', description: 'priority after the event' },
  { name: 'channel', kind: 'lowercase', description: 'channel of the ticket or message' },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'customer', kind: 'text', description: 'requester (on created)' },
  { name: 'seconds', kind: 'seconds', description: 'time spent (time_entry)' },
  { name: 'ticket_type', kind: 'lowercase', description: 'ticket type after the event (e.g. complaint)' },
  { name: 'tags', kind: 'tags', description: "the ticket's tags after the event (replace earlier ones)" },
  {
    name: 'article',
    kind: 'text',
    description: 'a knowledge-base article linked by the event (e.g. sent in a reply)',
  },
];

export const SURVEY_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the source's survey (send) id" },
  { name: 'kind', kind: 'survey_kind', required: true, description: `one of ${SURVEY_KINDS.join(', ')}` },
  { name: 'sent_at', kind: 'timestamp', description: 'when the survey was sent (response rate)' },
  { name: 'responded_at', kind: 'timestamp', description: 'when it was answered; empty while unanswered' },
  {
    name: 'score',
    kind: 'score',
    description: 'the answer: CSAT 1–5, NPS/eNPS 0–10, CES 1–7, repurchase yes/no (or 1/0)',
  },
  { name: 'scale_min', kind: 'number', description: 'lowest possible answer (default per kind)' },
  { name: 'scale_max', kind: 'number', description: 'highest possible answer (default per kind)' },
  {
    name: 'polarity',
    kind: 'polarity',
    description: 'higher_better (default) or lower_better, e.g. a CES scale where 1 is easiest',
  },
  { name: 'comment', kind: 'text', description: 'free-text comment' },
  { name: 'ticket_id', kind: 'text', description: 'the ticket the survey is about' },
  { name: 'customer', kind: 'text', description: 'who answered (empty for eNPS)' },
  { name: 'agent', kind: 'text', description: 'credited agent (for eNPS: the employee, if not anonymous)' },
  { name: 'team', kind: 'text', description: 'credited team' },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'channel', kind: 'lowercase', description: 'channel of the ticket or the survey' },
  {
    name: 'followup_closed_at',
    kind: 'timestamp',
    description: 'when the follow-up on a negative answer closed the loop',
  },
];

export interface SurveyRecord {
  id: string;
  kind: SurveyKind;
  sent_at: Date | null;
  responded_at: Date | null;
  score: number | null;
  scale_min: number | null;
  scale_max: number | null;
  polarity: 'higher_better' | 'lower_better' | null;
  comment: string | null;
  ticket_id: string | null;
  customer: string | null;
  agent: string | null;
  team: string | null;
  desk: string | null;
  channel: string | null;
  followup_closed_at: Date | null;
}

/** QA reviews, one row per category rating (KPI-DEFINITIONS.md, "QA"). */
export const QA_RATING_FIELDS: readonly FieldSpec[] = [
  { name: 'review_id', kind: 'text', required: true, description: 'the review the rating belongs to' },
  {
    name: 'reviewed_at',
    kind: 'timestamp',
    required: true,
    description: 'when the review was made (IQS placement)',
  },
  {
    name: 'category',
    kind: 'text',
    required: true,
    description: 'scorecard category, e.g. Tone or Accuracy',
  },
  { name: 'rating', kind: 'number', description: 'the selected rating; empty when the category is N/A' },
  { name: 'scale_min', kind: 'number', description: 'lowest rating of the category (default 0)' },
  { name: 'scale_max', kind: 'number', description: 'highest rating of the category (default 1)' },
  { name: 'weight', kind: 'number', description: 'category weight within the review (default 1)' },
  {
    name: 'critical',
    kind: 'boolean',
    description: 'a critical category below half its scale makes the review 0',
  },
  { name: 'na', kind: 'boolean', description: 'the category does not apply (left out of the review score)' },
  { name: 'agent', kind: 'text', description: 'the agent reviewed' },
  { name: 'team', kind: 'text', description: "the agent's team" },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'ticket_id', kind: 'text', description: 'the ticket reviewed' },
  { name: 'reviewer', kind: 'text', description: 'who reviewed' },
  { name: 'scorecard', kind: 'text', description: 'the QA scorecard used' },
];

export interface QaRatingRecord {
  review_id: string;
  reviewed_at: Date;
  category: string;
  rating: number | null;
  scale_min: number | null;
  scale_max: number | null;
  weight: number | null;
  critical: boolean | null;
  na: boolean | null;
  agent: string | null;
  team: string | null;
  desk: string | null;
  ticket_id: string | null;
  reviewer: string | null;
  scorecard: string | null;
}

/** Customer lifecycle: when each customer became one and, if they left, when (retention and churn). */
export const CUSTOMER_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the source's customer id" },
  { name: 'name', kind: 'text', description: 'display name' },
  { name: 'became_customer_at', kind: 'timestamp', required: true, description: 'start of the relationship' },
  {
    name: 'churned_at',
    kind: 'timestamp',
    description: 'when the customer was lost; empty while a customer',
  },
  { name: 'desk', kind: 'text', description: 'service desk that serves the customer' },
];

export interface CustomerRecord {
  id: string;
  name: string | null;
  became_customer_at: Date;
  churned_at: Date | null;
  desk: string | null;
}

/** Training enrolments: one row per agent and course (training completion). */
export const ENROLMENT_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the source's enrolment id" },
  { name: 'agent', kind: 'text', required: true, description: 'the agent enrolled' },
  { name: 'team', kind: 'text', description: "the agent's team" },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'course', kind: 'text', required: true, description: 'the course' },
  { name: 'category', kind: 'lowercase', description: 'technology, product, soft_skills, compliance, …' },
  { name: 'enrolled_at', kind: 'timestamp', description: 'when the agent was enrolled' },
  { name: 'due_at', kind: 'timestamp', required: true, description: 'when the course is due (placement)' },
  { name: 'completed_at', kind: 'timestamp', description: 'when it was completed; empty while not' },
  { name: 'score', kind: 'number', description: 'assessment score, if any' },
];

export interface EnrolmentRecord {
  id: string;
  agent: string;
  team: string | null;
  desk: string | null;
  course: string;
  category: string | null;
  enrolled_at: Date | null;
  due_at: Date;
  completed_at: Date | null;
  score: number | null;
  /** Completed by the end of the due date in the organisation's zone; set by validation. */
  completed_on_time?: boolean;
}

/** What an improvement item came from (KRAs 6, 8, 9 and 10). */
export const IMPROVEMENT_KINDS = ['insight', 'report_action', 'tool_feedback', 'prevention_action'] as const;
export type ImprovementKind = (typeof IMPROVEMENT_KINDS)[number];

/** Insights and action items: logged, then (maybe) implemented. */
export const IMPROVEMENT_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the source's item id" },
  {
    name: 'kind',
    kind: 'improvement_kind',
    required: true,
    description:
      'insight (from feedback), report_action, tool_feedback or prevention_action (after a crisis)',
  },
  { name: 'title', kind: 'text', description: 'what it is' },
  {
    name: 'logged_at',
    kind: 'timestamp',
    required: true,
    description: 'when it was logged or planned (placement)',
  },
  { name: 'implemented_at', kind: 'timestamp', description: 'when it was implemented; empty while not' },
  { name: 'owner', kind: 'text', description: 'who owns it' },
  { name: 'team', kind: 'text', description: 'team' },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'related_to', kind: 'text', description: 'the report, tool or crisis it came from' },
];

export interface ImprovementRecord {
  id: string;
  kind: ImprovementKind;
  title: string | null;
  logged_at: Date;
  implemented_at: Date | null;
  owner: string | null;
  team: string | null;
  desk: string | null;
  related_to: string | null;
}

/** Reports owed upward: due, delivered, and corrected if they had to be (KRAs 7 and 10). */
export const REPORT_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the report's id" },
  {
    name: 'report',
    kind: 'lowercase',
    required: true,
    description: 'which report, e.g. sla, weekly, kra_review',
  },
  { name: 'due_at', kind: 'timestamp', required: true, description: 'when it was due' },
  { name: 'delivered_at', kind: 'timestamp', description: 'when it was delivered; empty while not' },
  { name: 'corrected_at', kind: 'timestamp', description: 'when a correction was issued; empty if never' },
  { name: 'desk', kind: 'text', description: 'service desk' },
  { name: 'team', kind: 'text', description: 'team' },
];

export interface ReportRecord {
  id: string;
  report: string;
  due_at: Date;
  delivered_at: Date | null;
  corrected_at: Date | null;
  desk: string | null;
  team: string | null;
}

/** Values a manager records for a manual KPI (e.g. SLA reviews held), one per KPI, period and scope. */
export const MEASUREMENT_FIELDS: readonly FieldSpec[] = [
  { name: 'kpi', kind: 'text', required: true, description: 'the id of a manual KPI (deskscore kpi --list)' },
  { name: 'period_start', kind: 'timestamp', description: 'first day the value covers' },
  {
    name: 'period_end',
    kind: 'timestamp',
    required: true,
    description: 'last day the value covers (placement)',
  },
  { name: 'value', kind: 'number', required: true, description: 'the value' },
  { name: 'desk', kind: 'text', description: 'scope: a desk (empty for the organisation)' },
  { name: 'team', kind: 'text', description: 'scope: a team' },
  { name: 'agent', kind: 'text', description: 'scope: an agent' },
  { name: 'note', kind: 'text', description: 'why, or what it records' },
  { name: 'entered_by', kind: 'text', description: 'who recorded it' },
];

export interface MeasurementRecord {
  kpi: string;
  period_start: Date | null;
  period_end: Date;
  value: number;
  desk: string | null;
  team: string | null;
  agent: string | null;
  note: string | null;
  entered_by: string | null;
}

/** One tool over one period: seats, active users and downtime (KRA 8). */
export const TOOL_PERIOD_FIELDS: readonly FieldSpec[] = [
  { name: 'tool', kind: 'text', required: true, description: 'the tool (helpdesk, telephony, CRM, …)' },
  { name: 'period_start', kind: 'timestamp', required: true, description: 'start of the period' },
  {
    name: 'period_end',
    kind: 'timestamp',
    required: true,
    description: 'end of the period (exclusive; placement)',
  },
  { name: 'licensed_seats', kind: 'number', required: true, description: 'seats paid for' },
  {
    name: 'active_users',
    kind: 'number',
    required: true,
    description: 'distinct users active in the period',
  },
  {
    name: 'downtime_minutes',
    kind: 'number',
    description: 'minutes the tool was down in the period (default 0)',
  },
];

export interface ToolPeriodRecord {
  tool: string;
  period_start: Date;
  period_end: Date;
  licensed_seats: number;
  active_users: number;
  downtime_minutes: number | null;
}

/** Crises (major incidents): when they started and were resolved, the scope hit, the updates sent. */
export const CRISIS_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the crisis's id" },
  { name: 'title', kind: 'text', description: 'what happened' },
  { name: 'started_at', kind: 'timestamp', required: true, description: 'when it started' },
  { name: 'resolved_at', kind: 'timestamp', description: 'when it was resolved; empty while ongoing' },
  { name: 'desk', kind: 'text', description: 'the desk affected (empty: the whole organisation)' },
  {
    name: 'updates',
    kind: 'timestamps',
    description: 'when status updates were sent: timestamps separated by spaces, commas or semicolons',
  },
];

export interface CrisisRecord {
  id: string;
  title: string | null;
  started_at: Date;
  resolved_at: Date | null;
  desk: string | null;
  updates: Date[];
}

/** Agent presence: time logged in and time spent handling work, per agent and period (utilisation). */
export const PRESENCE_FIELDS: readonly FieldSpec[] = [
  { name: 'agent', kind: 'text', required: true, description: 'the agent' },
  { name: 'team', kind: 'text', description: "the agent's team" },
  { name: 'desk', kind: 'text', description: 'service desk' },
  {
    name: 'period_start',
    kind: 'timestamp',
    required: true,
    description: 'start of the period (placement), e.g. a day',
  },
  { name: 'period_end', kind: 'timestamp', required: true, description: 'end of the period (exclusive)' },
  { name: 'logged_in_seconds', kind: 'number', required: true, description: 'time logged in' },
  { name: 'handling_seconds', kind: 'number', required: true, description: 'time spent handling contacts' },
];

export interface PresenceRecord {
  agent: string;
  team: string | null;
  desk: string | null;
  period_start: Date;
  period_end: Date;
  logged_in_seconds: number;
  handling_seconds: number;
}

/** Knowledge-base articles (KRA 5). */
export const KB_ARTICLE_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the article's id" },
  { name: 'title', kind: 'text', description: 'title' },
  { name: 'created_at', kind: 'timestamp', required: true, description: 'when it was written' },
  { name: 'published_at', kind: 'timestamp', description: 'when it was published; empty while a draft' },
  { name: 'retired_at', kind: 'timestamp', description: 'when it was unpublished; empty while live' },
  { name: 'desk', kind: 'text', description: 'the desk that owns it' },
];

export interface KbArticleRecord {
  id: string;
  title: string | null;
  created_at: Date;
  published_at: Date | null;
  retired_at: Date | null;
  desk: string | null;
}

export const KB_ACTIONS = [
  'created',
  'updated',
  'reviewed_accurate',
  'flagged_inaccurate',
  'flag_resolved',
] as const;
export type KbAction = (typeof KB_ACTIONS)[number];

/** What people did to articles: writing and updating them, accuracy reviews, inaccuracy flags. */
export const KB_ACTIVITY_FIELDS: readonly FieldSpec[] = [
  { name: 'article', kind: 'text', required: true, description: 'the article' },
  { name: 'action', kind: 'kb_action', required: true, description: `one of ${KB_ACTIONS.join(', ')}` },
  { name: 'at', kind: 'timestamp', required: true, description: 'when' },
  { name: 'agent', kind: 'text', description: 'who (an agent for created/updated/reviewed_accurate)' },
];

export interface KbActivityRecord {
  article: string;
  action: KbAction;
  at: Date;
  agent: string | null;
}

/** Feedback on articles (from agents or customers), raised and resolved. */
export const KB_FEEDBACK_FIELDS: readonly FieldSpec[] = [
  { name: 'id', kind: 'text', required: true, description: "the feedback item's id" },
  { name: 'article', kind: 'text', description: 'the article it is about' },
  { name: 'raised_at', kind: 'timestamp', required: true, description: 'when it was raised (placement)' },
  { name: 'resolved_at', kind: 'timestamp', description: 'when it was resolved; empty while open' },
  { name: 'desk', kind: 'text', description: 'desk' },
];

export interface KbFeedbackRecord {
  id: string;
  article: string | null;
  raised_at: Date;
  resolved_at: Date | null;
  desk: string | null;
}

/** Issued daily volume forecasts (forecast accuracy, KRA 10); the forecasting feature stores its own. */
export const FORECAST_FIELDS: readonly FieldSpec[] = [
  { name: 'target_day', kind: 'timestamp', required: true, description: 'the local day forecast (a date)' },
  { name: 'volume', kind: 'number', required: true, description: 'tickets forecast to be created that day' },
  { name: 'issued_at', kind: 'timestamp', required: true, description: 'when the forecast was issued' },
  { name: 'desk', kind: 'text', description: 'desk forecast (empty: the whole organisation)' },
  { name: 'channel', kind: 'lowercase', description: 'channel forecast (empty: all channels)' },
  { name: 'model', kind: 'text', description: 'which model made it' },
];

export interface ForecastRecord {
  target_day: Date;
  volume: number;
  issued_at: Date;
  desk: string | null;
  channel: string | null;
  model: string | null;
  /** End of the target day in the source zone; set by validation. */
  day_end?: Date;
}

/** Recorded checks of security controls (KRA 10); the server adds automatic ones. */
export const SECURITY_CONTROL_FIELDS: readonly FieldSpec[] = [
  { name: 'control', kind: 'text', required: true, description: 'the control, e.g. "MFA for admins"' },
  { name: 'checked_at', kind: 'timestamp', required: true, description: 'when it was checked' },
  { name: 'passing', kind: 'boolean', required: true, description: 'whether it passed' },
  { name: 'note', kind: 'text', description: 'evidence or remedy' },
];

export interface SecurityControlRecord {
  control: string;
  checked_at: Date;
  passing: boolean;
  note: string | null;
}

export function fieldsOf(shape: ImportShape): readonly FieldSpec[] {
  if (shape === 'security_controls') return SECURITY_CONTROL_FIELDS;
  if (shape === 'forecasts') return FORECAST_FIELDS;
  if (shape === 'kb_articles') return KB_ARTICLE_FIELDS;
  if (shape === 'kb_activity') return KB_ACTIVITY_FIELDS;
  if (shape === 'kb_feedback') return KB_FEEDBACK_FIELDS;
  if (shape === 'presence') return PRESENCE_FIELDS;
  if (shape === 'crises') return CRISIS_FIELDS;
  if (shape === 'tool_periods') return TOOL_PERIOD_FIELDS;
  if (shape === 'measurements') return MEASUREMENT_FIELDS;
  if (shape === 'reports') return REPORT_FIELDS;
  if (shape === 'improvements') return IMPROVEMENT_FIELDS;
  if (shape === 'customers') return CUSTOMER_FIELDS;
  if (shape === 'enrolments') return ENROLMENT_FIELDS;
  if (shape === 'events') return EVENT_FIELDS;
  if (shape === 'surveys') return SURVEY_FIELDS;
  if (shape === 'qa_ratings') return QA_RATING_FIELDS;
  if (shape === 'snapshots') return SNAPSHOT_FIELDS;
  return TICKET_FIELDS;
}

export interface TicketRecord {
  id: string;
  created_at: Date;
  status: Status;
  priority: Priority | null;
  channel: string | null;
  desk: string | null;
  team: string | null;
  assignee: string | null;
  customer: string | null;
  first_response_at: Date | null;
  solved_at: Date | null;
  reopen_count: number | null;
  agent_replies: number | null;
  handle_time_seconds: number | null;
  escalated_at: Date | null;
  sla_breached: boolean | null;
  automated: boolean | null;
  tags: string[];
  type: string | null;
  subject: string | null;
  kb_article?: string | null;
}

export interface SnapshotRecord extends TicketRecord {
  snapshot_key: number;
}

export interface EventRecord {
  ticket_id: string;
  event_id: string | null;
  type: EventType;
  at: Date;
  actor_type: ActorType | null;
  actor: string | null;
  public: boolean | null;
  status: Status | null;
  team: string | null;
  assignee: string | null;
  priority: Priority | null;
  channel: string | null;
  desk: string | null;
  customer: string | null;
  seconds: number | null;
  ticket_type: string | null;
  /** Empty when the event says nothing about tags. */
  tags: string[];
  article?: string | null;
}
