/** The canonical files the demo writes (docs/import.md): their column names, in import order. */
export const DEMO_FILES = {
  customers: ['id', 'name', 'became_customer_at', 'churned_at', 'desk'],
  tickets: [
    'id',
    'created_at',
    'status',
    'priority',
    'channel',
    'desk',
    'team',
    'assignee',
    'customer',
    'first_response_at',
    'solved_at',
    'reopen_count',
    'agent_replies',
    'handle_time_seconds',
    'escalated_at',
    'type',
    'tags',
  ],
  events: [
    'ticket_id',
    'event_id',
    'type',
    'at',
    'actor_type',
    'actor',
    'public',
    'status',
    'team',
    'assignee',
    'priority',
    'channel',
    'desk',
    'customer',
    'seconds',
    'article',
  ],
  surveys: [
    'id',
    'kind',
    'sent_at',
    'responded_at',
    'score',
    'ticket_id',
    'customer',
    'agent',
    'team',
    'desk',
    'channel',
    'followup_closed_at',
  ],
  qa_ratings: [
    'review_id',
    'reviewed_at',
    'category',
    'rating',
    'scale_min',
    'scale_max',
    'weight',
    'critical',
    'agent',
    'team',
    'desk',
    'reviewer',
    'scorecard',
  ],
  enrolments: [
    'id',
    'agent',
    'team',
    'desk',
    'course',
    'category',
    'enrolled_at',
    'due_at',
    'completed_at',
    'score',
  ],
  improvements: ['id', 'kind', 'title', 'logged_at', 'implemented_at', 'owner', 'team', 'desk', 'related_to'],
  reports: ['id', 'report', 'due_at', 'delivered_at', 'corrected_at', 'desk', 'team'],
  measurements: ['kpi', 'period_start', 'period_end', 'value', 'desk', 'team', 'agent', 'note', 'entered_by'],
  tool_periods: ['tool', 'period_start', 'period_end', 'licensed_seats', 'active_users', 'downtime_minutes'],
  crises: ['id', 'title', 'started_at', 'resolved_at', 'desk', 'updates'],
  presence: ['agent', 'team', 'desk', 'period_start', 'period_end', 'logged_in_seconds', 'handling_seconds'],
  kb_articles: ['id', 'title', 'created_at', 'published_at', 'retired_at', 'desk'],
  kb_activity: ['article', 'action', 'at', 'agent'],
  kb_feedback: ['id', 'article', 'raised_at', 'resolved_at', 'desk'],
  forecasts: ['target_day', 'volume', 'issued_at', 'desk', 'channel', 'model'],
  security_controls: ['control', 'checked_at', 'passing', 'note'],
} as const satisfies Record<string, readonly string[]>;

export type DemoFile = keyof typeof DEMO_FILES;
export const DEMO_FILE_ORDER = Object.keys(DEMO_FILES) as DemoFile[];

export type Cell = string | number | boolean | null;

/** Receives every generated row, file by file, in a deterministic order. */
export interface DemoSink {
  row(file: DemoFile, values: readonly Cell[]): void;
}

/** One CSV line (RFC 4180 quoting), without the line break. */
export function csvLine(values: readonly Cell[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) continue;
    const text = typeof v === 'string' ? v : String(v);
    out += /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  return out;
}
