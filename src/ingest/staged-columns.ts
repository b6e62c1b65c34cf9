import { crisisUpdatesOnTime } from '../derive/crisis-updates.js';
import { contentHash, type RowColumn, type StagedColumn } from '../storage/import-writer.js';
import {
  type CrisisRecord,
  type CustomerRecord,
  type EnrolmentRecord,
  type EventRecord,
  type ForecastRecord,
  type ImprovementRecord,
  type KbActivityRecord,
  type KbArticleRecord,
  type KbFeedbackRecord,
  type MeasurementRecord,
  type PresenceRecord,
  type QaRatingRecord,
  type ReportRecord,
  type SecurityControlRecord,
  type SnapshotRecord,
  SURVEY_SCALES,
  type SurveyRecord,
  type TicketRecord,
  type ToolPeriodRecord,
} from './canonical.js';

/** Tags are stored space-separated with a space at each end, so `LIKE '% tag %'` finds a whole tag. */
export function storedTags(tags: readonly string[]): string {
  return tags.length === 0 ? ' ' : ` ${tags.join(' ')} `;
}

type TicketRow = TicketRecord & { snapshot_key?: number | null };

const TICKET_VALUE_COLUMNS: ReadonlyArray<RowColumn<TicketRow>> = [
  { name: 'id', type: 'text', get: (t) => t.id },
  { name: 'created_at', type: 'timestamptz', get: (t) => t.created_at },
  { name: 'status', type: 'text', get: (t) => t.status },
  { name: 'priority', type: 'text', get: (t) => t.priority },
  { name: 'channel', type: 'text', get: (t) => t.channel },
  { name: 'desk_id', type: 'text', get: (t) => t.desk },
  { name: 'team_id', type: 'text', get: (t) => t.team },
  { name: 'assignee_id', type: 'text', get: (t) => t.assignee },
  { name: 'customer_id', type: 'text', get: (t) => t.customer },
  { name: 'ticket_type', type: 'text', get: (t) => t.type },
  { name: 'subject', type: 'text', get: (t) => t.subject },
  { name: 'first_response_at', type: 'timestamptz', get: (t) => t.first_response_at },
  { name: 'solved_at', type: 'timestamptz', get: (t) => t.solved_at },
  { name: 'reopen_count', type: 'integer', get: (t) => t.reopen_count },
  { name: 'agent_replies', type: 'integer', get: (t) => t.agent_replies },
  { name: 'handle_time_seconds', type: 'double', get: (t) => t.handle_time_seconds },
  { name: 'escalated_at', type: 'timestamptz', get: (t) => t.escalated_at },
  { name: 'sla_breached', type: 'boolean', get: (t) => t.sla_breached },
  { name: 'automated', type: 'boolean', get: (t) => t.automated },
  { name: 'tags', type: 'text', get: (t) => storedTags(t.tags) },
  { name: 'kb_article', type: 'text', get: (t) => t.kb_article ?? null },
  { name: 'snapshot_key', type: 'double', get: (t) => t.snapshot_key ?? null },
];

/** Ticket columns as staged and stored; the hash covers every value, so an identical re-import is a no-op. */
export const TICKET_COLUMNS: ReadonlyArray<StagedColumn<TicketRow | SnapshotRecord>> = [
  ...TICKET_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (t) => contentHash(TICKET_VALUE_COLUMNS.map((c) => c.get(t))) },
];

export type StagedEvent = EventRecord & { base_id: string | null };

const EVENT_VALUE_COLUMNS: ReadonlyArray<RowColumn<StagedEvent>> = [
  { name: 'ticket_id', type: 'text', get: (e) => e.ticket_id },
  { name: 'type', type: 'text', get: (e) => e.type },
  { name: 'at', type: 'timestamptz', get: (e) => e.at },
  { name: 'actor_type', type: 'text', get: (e) => e.actor_type },
  { name: 'actor', type: 'text', get: (e) => e.actor },
  { name: 'public', type: 'boolean', get: (e) => e.public },
  { name: 'status', type: 'text', get: (e) => e.status },
  { name: 'team', type: 'text', get: (e) => e.team },
  { name: 'assignee', type: 'text', get: (e) => e.assignee },
  { name: 'priority', type: 'text', get: (e) => e.priority },
  { name: 'channel', type: 'text', get: (e) => e.channel },
  { name: 'desk', type: 'text', get: (e) => e.desk },
  { name: 'customer', type: 'text', get: (e) => e.customer },
  { name: 'seconds', type: 'double', get: (e) => e.seconds },
  { name: 'ticket_type', type: 'text', get: (e) => e.ticket_type },
  { name: 'tags', type: 'text', get: (e) => (e.tags.length > 0 ? storedTags(e.tags) : null) },
  { name: 'article', type: 'text', get: (e) => e.article ?? null },
];

/** Events as read from the file, before their identity is settled. */
export const RAW_EVENT_COLUMNS: ReadonlyArray<StagedColumn<StagedEvent>> = [
  { name: 'event_id', type: 'text', get: (e) => e.event_id },
  { name: 'base_id', type: 'text', get: (e) => e.base_id },
  ...EVENT_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (e) => contentHash(EVENT_VALUE_COLUMNS.map((c) => c.get(e))) },
];

/** Events with their identity, as merged into ticket_events. */
export const EVENT_COLUMNS: ReadonlyArray<StagedColumn<StagedEvent>> = [
  { name: 'id', type: 'text' },
  ...EVENT_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text' },
];

/** The answer on the kind's default scale (KPI-DEFINITIONS.md), flipped when lower is better. */
export function standardScore(s: SurveyRecord): number | null {
  if (s.score === null || s.scale_min === null || s.scale_max === null) return null;
  const oriented = s.polarity === 'lower_better' ? s.scale_min + s.scale_max - s.score : s.score;
  const scale = SURVEY_SCALES[s.kind];
  return scale.min + ((oriented - s.scale_min) / (s.scale_max - s.scale_min)) * (scale.max - scale.min);
}

/**
 * A favourable answer: CSAT top-2-box (the scale's two highest points, 4–5 on 1–5), NPS/eNPS promoter
 * (9–10), CES low effort (≥ 5 of 7, other CES scales mapped onto 1–7), repurchase yes. Detractor:
 * NPS/eNPS 0–6. NPS, eNPS and repurchase are refused on other scales at import.
 */
export function surveyOutcome(s: SurveyRecord): { positive: boolean | null; detractor: boolean | null } {
  const x = standardScore(s);
  if (x === null || s.score === null || s.scale_min === null || s.scale_max === null) {
    return { positive: null, detractor: null };
  }
  const oriented = s.polarity === 'lower_better' ? s.scale_min + s.scale_max - s.score : s.score;
  switch (s.kind) {
    case 'csat':
      return { positive: oriented >= s.scale_max - 1, detractor: null };
    case 'nps':
    case 'enps':
      return { positive: x >= 9, detractor: x <= 6 };
    case 'ces':
      // Rescaled answers may carry float noise.
      return { positive: x >= 5 - 1e-9, detractor: null };
    case 'repurchase':
      return { positive: x === 1, detractor: null };
  }
}

function negativeAnswer(s: SurveyRecord): boolean | null {
  const x = standardScore(s);
  if (x === null) return null;
  if (s.kind === 'csat') return x <= 2;
  if (s.kind === 'nps') return x <= 6;
  return false;
}

const SURVEY_VALUE_COLUMNS: ReadonlyArray<RowColumn<SurveyRecord>> = [
  { name: 'id', type: 'text', get: (s) => s.id },
  { name: 'kind', type: 'text', get: (s) => s.kind },
  { name: 'sent_at', type: 'timestamptz', get: (s) => s.sent_at },
  { name: 'responded_at', type: 'timestamptz', get: (s) => s.responded_at },
  { name: 'score', type: 'double', get: (s) => s.score },
  { name: 'scale_min', type: 'double', get: (s) => s.scale_min },
  { name: 'scale_max', type: 'double', get: (s) => s.scale_max },
  { name: 'polarity', type: 'text', get: (s) => s.polarity },
  { name: 'score_std', type: 'double', get: standardScore },
  { name: 'positive', type: 'boolean', get: (s) => surveyOutcome(s).positive },
  { name: 'detractor', type: 'boolean', get: (s) => surveyOutcome(s).detractor },
  { name: 'comment', type: 'text', get: (s) => s.comment },
  { name: 'ticket_id', type: 'text', get: (s) => s.ticket_id },
  { name: 'customer_id', type: 'text', get: (s) => s.customer },
  { name: 'agent_id', type: 'text', get: (s) => s.agent },
  { name: 'team_id', type: 'text', get: (s) => s.team },
  { name: 'desk_id', type: 'text', get: (s) => s.desk },
  { name: 'channel', type: 'text', get: (s) => s.channel },
  { name: 'followup_closed_at', type: 'timestamptz', get: (s) => s.followup_closed_at },
  // A negative answer (KPI-DEFINITIONS.md, feedback loop): CSAT ≤ 2 of 5, or an NPS detractor (≤ 6).
  { name: 'negative', type: 'boolean', get: negativeAnswer },
  {
    name: 'followup_seconds',
    type: 'double',
    get: (s) =>
      s.followup_closed_at && s.responded_at && negativeAnswer(s)
        ? (s.followup_closed_at.getTime() - s.responded_at.getTime()) / 1000
        : null,
  },
];

export const SURVEY_COLUMNS: ReadonlyArray<StagedColumn<SurveyRecord>> = [
  ...SURVEY_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (s) => contentHash(SURVEY_VALUE_COLUMNS.map((c) => c.get(s))) },
];

/** A category's score in 0–1: (selected − min) ÷ (max − min); none when N/A. */
export function categoryScore(r: QaRatingRecord): number | null {
  if (r.na || r.rating === null || r.scale_min === null || r.scale_max === null) return null;
  return (r.rating - r.scale_min) / (r.scale_max - r.scale_min);
}

const QA_RATING_VALUE_COLUMNS: ReadonlyArray<RowColumn<QaRatingRecord>> = [
  // One rating per review and category (U+001F cannot occur in either: field values refuse control characters).
  { name: 'id', type: 'text', get: (r) => `${r.review_id}\u001f${r.category}` },
  { name: 'review_id', type: 'text', get: (r) => r.review_id },
  { name: 'reviewed_at', type: 'timestamptz', get: (r) => r.reviewed_at },
  { name: 'category', type: 'text', get: (r) => r.category },
  { name: 'rating', type: 'double', get: (r) => r.rating },
  { name: 'scale_min', type: 'double', get: (r) => r.scale_min },
  { name: 'scale_max', type: 'double', get: (r) => r.scale_max },
  { name: 'weight', type: 'double', get: (r) => r.weight },
  { name: 'critical', type: 'boolean', get: (r) => r.critical },
  { name: 'na', type: 'boolean', get: (r) => r.na },
  { name: 'category_score', type: 'double', get: categoryScore },
  { name: 'agent_id', type: 'text', get: (r) => r.agent },
  { name: 'team_id', type: 'text', get: (r) => r.team },
  { name: 'desk_id', type: 'text', get: (r) => r.desk },
  { name: 'ticket_id', type: 'text', get: (r) => r.ticket_id },
  { name: 'reviewer', type: 'text', get: (r) => r.reviewer },
  { name: 'scorecard', type: 'text', get: (r) => r.scorecard },
];

export const QA_RATING_COLUMNS: ReadonlyArray<StagedColumn<QaRatingRecord>> = [
  ...QA_RATING_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (r) => contentHash(QA_RATING_VALUE_COLUMNS.map((c) => c.get(r))),
  },
];

const CUSTOMER_VALUE_COLUMNS: ReadonlyArray<RowColumn<CustomerRecord>> = [
  { name: 'id', type: 'text', get: (c) => c.id },
  { name: 'name', type: 'text', get: (c) => c.name ?? c.id },
  { name: 'became_customer_at', type: 'timestamptz', get: (c) => c.became_customer_at },
  { name: 'churned_at', type: 'timestamptz', get: (c) => c.churned_at },
  { name: 'desk_id', type: 'text', get: (c) => c.desk },
];

export const CUSTOMER_COLUMNS: ReadonlyArray<StagedColumn<CustomerRecord>> = [
  ...CUSTOMER_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (c) => contentHash(CUSTOMER_VALUE_COLUMNS.map((col) => col.get(c))),
  },
];

const ENROLMENT_VALUE_COLUMNS: ReadonlyArray<RowColumn<EnrolmentRecord>> = [
  { name: 'id', type: 'text', get: (e) => e.id },
  { name: 'agent_id', type: 'text', get: (e) => e.agent },
  { name: 'team_id', type: 'text', get: (e) => e.team },
  { name: 'desk_id', type: 'text', get: (e) => e.desk },
  { name: 'course', type: 'text', get: (e) => e.course },
  { name: 'category', type: 'text', get: (e) => e.category },
  { name: 'enrolled_at', type: 'timestamptz', get: (e) => e.enrolled_at },
  { name: 'due_at', type: 'timestamptz', get: (e) => e.due_at },
  { name: 'completed_at', type: 'timestamptz', get: (e) => e.completed_at },
  { name: 'score', type: 'double', get: (e) => e.score },
  { name: 'completed_on_time', type: 'boolean', get: (e) => e.completed_on_time ?? false },
];

export const ENROLMENT_COLUMNS: ReadonlyArray<StagedColumn<EnrolmentRecord>> = [
  ...ENROLMENT_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (e) => contentHash(ENROLMENT_VALUE_COLUMNS.map((c) => c.get(e))),
  },
];

const IMPROVEMENT_VALUE_COLUMNS: ReadonlyArray<RowColumn<ImprovementRecord>> = [
  { name: 'id', type: 'text', get: (i) => i.id },
  { name: 'kind', type: 'text', get: (i) => i.kind },
  { name: 'title', type: 'text', get: (i) => i.title },
  { name: 'logged_at', type: 'timestamptz', get: (i) => i.logged_at },
  { name: 'implemented_at', type: 'timestamptz', get: (i) => i.implemented_at },
  { name: 'owner', type: 'text', get: (i) => i.owner },
  { name: 'team_id', type: 'text', get: (i) => i.team },
  { name: 'desk_id', type: 'text', get: (i) => i.desk },
  { name: 'related_to', type: 'text', get: (i) => i.related_to },
];

export const IMPROVEMENT_COLUMNS: ReadonlyArray<StagedColumn<ImprovementRecord>> = [
  ...IMPROVEMENT_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (i) => contentHash(IMPROVEMENT_VALUE_COLUMNS.map((c) => c.get(i))),
  },
];

const REPORT_VALUE_COLUMNS: ReadonlyArray<RowColumn<ReportRecord>> = [
  { name: 'id', type: 'text', get: (r) => r.id },
  { name: 'report', type: 'text', get: (r) => r.report },
  { name: 'due_at', type: 'timestamptz', get: (r) => r.due_at },
  { name: 'delivered_at', type: 'timestamptz', get: (r) => r.delivered_at },
  { name: 'corrected_at', type: 'timestamptz', get: (r) => r.corrected_at },
  { name: 'desk_id', type: 'text', get: (r) => r.desk },
  { name: 'team_id', type: 'text', get: (r) => r.team },
  // Delivered by the due time and never corrected (KPI-DEFINITIONS.md, KRA 10), fixed at import.
  {
    name: 'on_time_accurate',
    type: 'boolean',
    get: (r) =>
      r.delivered_at !== null && r.delivered_at.getTime() <= r.due_at.getTime() && r.corrected_at === null,
  },
];

export const REPORT_COLUMNS: ReadonlyArray<StagedColumn<ReportRecord>> = [
  ...REPORT_VALUE_COLUMNS,
  { name: 'content_hash', type: 'text', get: (r) => contentHash(REPORT_VALUE_COLUMNS.map((c) => c.get(r))) },
];

const MEASUREMENT_VALUE_COLUMNS: ReadonlyArray<RowColumn<MeasurementRecord>> = [
  // One value per KPI, period end and scope: recording it again corrects it.
  {
    name: 'id',
    type: 'text',
    get: (m) => [m.kpi, m.period_end.toISOString(), m.desk ?? '', m.team ?? '', m.agent ?? ''].join('\u001f'),
  },
  { name: 'kpi', type: 'text', get: (m) => m.kpi },
  { name: 'period_start', type: 'timestamptz', get: (m) => m.period_start },
  { name: 'period_end', type: 'timestamptz', get: (m) => m.period_end },
  { name: 'value', type: 'double', get: (m) => m.value },
  { name: 'desk_id', type: 'text', get: (m) => m.desk },
  { name: 'team_id', type: 'text', get: (m) => m.team },
  { name: 'agent_id', type: 'text', get: (m) => m.agent },
  { name: 'note', type: 'text', get: (m) => m.note },
  { name: 'entered_by', type: 'text', get: (m) => m.entered_by },
];

export const MEASUREMENT_COLUMNS: ReadonlyArray<StagedColumn<MeasurementRecord>> = [
  ...MEASUREMENT_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (m) => contentHash(MEASUREMENT_VALUE_COLUMNS.map((c) => c.get(m))),
  },
];

const TOOL_PERIOD_VALUE_COLUMNS: ReadonlyArray<RowColumn<ToolPeriodRecord>> = [
  // One row per tool and period: a corrected file replaces it.
  {
    name: 'id',
    type: 'text',
    get: (t) => `${t.tool}\u001f${t.period_start.toISOString()}\u001f${t.period_end.toISOString()}`,
  },
  { name: 'tool', type: 'text', get: (t) => t.tool },
  { name: 'period_start', type: 'timestamptz', get: (t) => t.period_start },
  { name: 'period_end', type: 'timestamptz', get: (t) => t.period_end },
  { name: 'licensed_seats', type: 'double', get: (t) => t.licensed_seats },
  { name: 'active_users', type: 'double', get: (t) => t.active_users },
  { name: 'downtime_minutes', type: 'double', get: (t) => t.downtime_minutes ?? 0 },
  // Seat-weighted downtime (KPI-DEFINITIONS.md): seats × minutes, summed over tools by the KPI.
  {
    name: 'seat_minutes',
    type: 'double',
    get: (t) => (t.licensed_seats * (t.period_end.getTime() - t.period_start.getTime())) / 60_000,
  },
  { name: 'seat_downtime_minutes', type: 'double', get: (t) => t.licensed_seats * (t.downtime_minutes ?? 0) },
];

export const TOOL_PERIOD_COLUMNS: ReadonlyArray<StagedColumn<ToolPeriodRecord>> = [
  ...TOOL_PERIOD_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (t) => contentHash(TOOL_PERIOD_VALUE_COLUMNS.map((c) => c.get(t))),
  },
];

function updatesOf(c: CrisisRecord) {
  return c.resolved_at ? crisisUpdatesOnTime(c.started_at, c.resolved_at, c.updates) : null;
}

const CRISIS_VALUE_COLUMNS: ReadonlyArray<RowColumn<CrisisRecord>> = [
  { name: 'id', type: 'text', get: (c) => c.id },
  { name: 'title', type: 'text', get: (c) => c.title },
  { name: 'started_at', type: 'timestamptz', get: (c) => c.started_at },
  { name: 'resolved_at', type: 'timestamptz', get: (c) => c.resolved_at },
  { name: 'desk_id', type: 'text', get: (c) => c.desk },
  { name: 'updates', type: 'text', get: (c) => c.updates.map((u) => u.toISOString()).join(' ') },
  {
    name: 'resolution_seconds',
    type: 'double',
    get: (c) => (c.resolved_at ? (c.resolved_at.getTime() - c.started_at.getTime()) / 1000 : null),
  },
  // Fixed at import with the default schedule (first update within 30 min, then hourly).
  { name: 'updates_required', type: 'integer', get: (c) => updatesOf(c)?.required ?? null },
  { name: 'updates_on_time', type: 'integer', get: (c) => updatesOf(c)?.onTime ?? null },
];

export const CRISIS_COLUMNS: ReadonlyArray<StagedColumn<CrisisRecord>> = [
  ...CRISIS_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (c) => contentHash(CRISIS_VALUE_COLUMNS.map((col) => col.get(c))),
  },
];

const PRESENCE_VALUE_COLUMNS: ReadonlyArray<RowColumn<PresenceRecord>> = [
  // One row per agent and period: a corrected file replaces it.
  {
    name: 'id',
    type: 'text',
    get: (p) => `${p.agent}\u001f${p.period_start.toISOString()}\u001f${p.period_end.toISOString()}`,
  },
  { name: 'agent_id', type: 'text', get: (p) => p.agent },
  { name: 'team_id', type: 'text', get: (p) => p.team },
  { name: 'desk_id', type: 'text', get: (p) => p.desk },
  { name: 'period_start', type: 'timestamptz', get: (p) => p.period_start },
  { name: 'period_end', type: 'timestamptz', get: (p) => p.period_end },
  { name: 'logged_in_seconds', type: 'double', get: (p) => p.logged_in_seconds },
  { name: 'handling_seconds', type: 'double', get: (p) => p.handling_seconds },
];

export const PRESENCE_COLUMNS: ReadonlyArray<StagedColumn<PresenceRecord>> = [
  ...PRESENCE_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (p) => contentHash(PRESENCE_VALUE_COLUMNS.map((c) => c.get(p))),
  },
];

const KB_ARTICLE_VALUE_COLUMNS: ReadonlyArray<RowColumn<KbArticleRecord>> = [
  { name: 'id', type: 'text', get: (a) => a.id },
  { name: 'title', type: 'text', get: (a) => a.title },
  { name: 'created_at', type: 'timestamptz', get: (a) => a.created_at },
  { name: 'published_at', type: 'timestamptz', get: (a) => a.published_at },
  { name: 'retired_at', type: 'timestamptz', get: (a) => a.retired_at },
  { name: 'desk_id', type: 'text', get: (a) => a.desk },
];

export const KB_ARTICLE_COLUMNS: ReadonlyArray<StagedColumn<KbArticleRecord>> = [
  ...KB_ARTICLE_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (a) => contentHash(KB_ARTICLE_VALUE_COLUMNS.map((c) => c.get(a))),
  },
];

const KB_ACTIVITY_VALUE_COLUMNS: ReadonlyArray<RowColumn<KbActivityRecord>> = [
  // One action per article, kind, time and person: a repeated file changes nothing.
  {
    name: 'id',
    type: 'text',
    get: (a) => [a.article, a.action, a.at.toISOString(), a.agent ?? ''].join('\u001f'),
  },
  { name: 'article_id', type: 'text', get: (a) => a.article },
  { name: 'action', type: 'text', get: (a) => a.action },
  { name: 'at', type: 'timestamptz', get: (a) => a.at },
  { name: 'agent_id', type: 'text', get: (a) => a.agent },
];

export const KB_ACTIVITY_COLUMNS: ReadonlyArray<StagedColumn<KbActivityRecord>> = [
  ...KB_ACTIVITY_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (a) => contentHash(KB_ACTIVITY_VALUE_COLUMNS.map((c) => c.get(a))),
  },
];

const KB_FEEDBACK_VALUE_COLUMNS: ReadonlyArray<RowColumn<KbFeedbackRecord>> = [
  { name: 'id', type: 'text', get: (f) => f.id },
  { name: 'article_id', type: 'text', get: (f) => f.article },
  { name: 'raised_at', type: 'timestamptz', get: (f) => f.raised_at },
  { name: 'resolved_at', type: 'timestamptz', get: (f) => f.resolved_at },
  { name: 'desk_id', type: 'text', get: (f) => f.desk },
  // "Resolved within 14 days" (KPI-DEFINITIONS.md, kb_feedback_closure), fixed at import.
  {
    name: 'resolved_within_14_days',
    type: 'boolean',
    get: (f) => f.resolved_at !== null && f.resolved_at.getTime() - f.raised_at.getTime() <= 14 * 86_400_000,
  },
];

export const KB_FEEDBACK_COLUMNS: ReadonlyArray<StagedColumn<KbFeedbackRecord>> = [
  ...KB_FEEDBACK_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (f) => contentHash(KB_FEEDBACK_VALUE_COLUMNS.map((c) => c.get(f))),
  },
];

const FORECAST_VALUE_COLUMNS: ReadonlyArray<RowColumn<ForecastRecord>> = [
  // One forecast per target day, scope and issue time.
  {
    name: 'id',
    type: 'text',
    get: (f) =>
      [f.target_day.toISOString(), f.desk ?? '', f.channel ?? '', f.issued_at.toISOString()].join('\u001f'),
  },
  { name: 'target_day', type: 'timestamptz', get: (f) => f.target_day },
  { name: 'day_end', type: 'timestamptz', get: (f) => f.day_end ?? null },
  { name: 'volume', type: 'double', get: (f) => f.volume },
  { name: 'issued_at', type: 'timestamptz', get: (f) => f.issued_at },
  { name: 'desk_id', type: 'text', get: (f) => f.desk },
  { name: 'channel', type: 'text', get: (f) => f.channel },
  { name: 'model', type: 'text', get: (f) => f.model },
];

export const FORECAST_COLUMNS: ReadonlyArray<StagedColumn<ForecastRecord>> = [
  ...FORECAST_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (f) => contentHash(FORECAST_VALUE_COLUMNS.map((c) => c.get(f))),
  },
];

const SECURITY_CONTROL_VALUE_COLUMNS: ReadonlyArray<RowColumn<SecurityControlRecord>> = [
  { name: 'id', type: 'text', get: (c) => `${c.control}\u001f${c.checked_at.toISOString()}` },
  { name: 'control', type: 'text', get: (c) => c.control },
  { name: 'checked_at', type: 'timestamptz', get: (c) => c.checked_at },
  { name: 'passing', type: 'boolean', get: (c) => c.passing },
  { name: 'note', type: 'text', get: (c) => c.note },
];

export const SECURITY_CONTROL_COLUMNS: ReadonlyArray<StagedColumn<SecurityControlRecord>> = [
  ...SECURITY_CONTROL_VALUE_COLUMNS,
  {
    name: 'content_hash',
    type: 'text',
    get: (c) => contentHash(SECURITY_CONTROL_VALUE_COLUMNS.map((col) => col.get(c))),
  },
];
