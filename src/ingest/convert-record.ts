import { DateTime } from 'luxon';
import { CATALOGUE } from '../catalogue/index.js';
import type {
  CrisisRecord,
  CustomerRecord,
  EnrolmentRecord,
  EventRecord,
  FieldSpec,
  ForecastRecord,
  ImportShape,
  ImprovementRecord,
  KbActivityRecord,
  KbArticleRecord,
  KbFeedbackRecord,
  MeasurementRecord,
  PresenceRecord,
  QaRatingRecord,
  ReportRecord,
  SecurityControlRecord,
  SnapshotRecord,
  SurveyRecord,
  TicketRecord,
  ToolPeriodRecord,
} from './canonical.js';
import { fieldsOf, SURVEY_SCALES } from './canonical.js';
import { type ParseContext, parseFieldValue } from './field-values.js';
import type { ColumnSource, Mapping } from './mapping.js';

/** One problem with one value: reported as file, row, field and reason. */
export interface RowError {
  row: number;
  field: string;
  reason: string;
}

export type CanonicalRecord =
  | TicketRecord
  | SnapshotRecord
  | EventRecord
  | SurveyRecord
  | QaRatingRecord
  | CustomerRecord
  | EnrolmentRecord
  | ImprovementRecord
  | ReportRecord
  | MeasurementRecord
  | ToolPeriodRecord
  | CrisisRecord
  | PresenceRecord
  | KbArticleRecord
  | KbActivityRecord
  | KbFeedbackRecord
  | ForecastRecord
  | SecurityControlRecord;
export type Converted<T> = { ok: true; record: T } | { ok: false; errors: RowError[] };

function lookup(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  // JSON sources may name nested values with a dotted path, e.g. "via.channel".
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

interface FieldPlan {
  spec: FieldSpec;
  source: ColumnSource | undefined;
  ctx: ParseContext;
  valueMap: Record<string, string | number | boolean | null> | undefined;
}

/**
 * Turns source records into canonical records following a mapping. Pure: the same record and mapping
 * always give the same result, and every problem is returned rather than thrown.
 */
export class RecordConverter {
  private readonly plans: FieldPlan[];
  private readonly missing: Set<string>;
  private readonly seen = new Set<string>();
  private readonly timeZone: string;
  readonly shape: ImportShape;

  constructor(
    private readonly mapping: Mapping,
    orgTimeZone: string,
  ) {
    this.shape = mapping.shape;
    this.missing = new Set(mapping.missing);
    const timeZone = mapping.timeZone ?? orgTimeZone;
    this.timeZone = timeZone;
    this.plans = fieldsOf(mapping.shape).map((spec) => ({
      spec,
      source: mapping.columns[spec.name],
      ctx: {
        timeZone,
        dateFormat: mapping.dateFormats[spec.name] ?? mapping.dateFormat,
        snapshotKeyType: mapping.snapshotKeyType,
      },
      valueMap: mapping.values[spec.name],
    }));
  }

  /** Problems that make every row fail, found from the header alone (CSV): a mapped column that is not there. */
  checkColumns(header: readonly string[]): string[] {
    const have = new Set(header);
    const problems: string[] = [];
    for (const plan of this.plans) {
      const column = this.columnOf(plan);
      if (column !== undefined && !have.has(column) && (plan.source !== undefined || plan.spec.required)) {
        problems.push(
          plan.source !== undefined
            ? `mapping.columns.${plan.spec.name}: column "${column}" is not in the file (columns: ${header.join(', ')})`
            : `required field "${plan.spec.name}" has no column: add a "${plan.spec.name}" column or map one in "columns"`,
        );
      }
    }
    return problems;
  }

  /** JSON has no header: mapped columns that no record had, found once the file has been read. */
  unseenMappedColumns(): string[] {
    return this.plans
      .filter((p) => typeof p.source === 'string' || (p.source !== undefined && 'column' in p.source))
      .filter((p) => !this.seen.has(p.spec.name))
      .map((p) => `mapping.columns.${p.spec.name}: "${this.columnOf(p)}" is in no record of the file`);
  }

  private columnOf(plan: FieldPlan): string | undefined {
    const source = plan.source;
    if (source === undefined) return plan.spec.name;
    if (typeof source === 'string') return source;
    if ('column' in source) return source.column;
    return undefined;
  }

  convert(source: Record<string, unknown>, row: number): Converted<CanonicalRecord> {
    const errors: RowError[] = [];
    const out: Record<string, unknown> = {};
    for (const plan of this.plans) {
      const field = plan.spec.name;
      let raw: unknown;
      const column = this.columnOf(plan);
      if (column === undefined) raw = (plan.source as { const: unknown }).const;
      else {
        raw = lookup(source, column);
        if (raw !== undefined) this.seen.add(field);
      }
      if (typeof raw === 'string' && this.missing.has(raw.trim())) raw = null;
      if (plan.valueMap && raw !== null && raw !== undefined) {
        const key = String(raw).trim();
        if (key in plan.valueMap) raw = plan.valueMap[key];
      }
      if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
        if (plan.spec.required) errors.push({ row, field, reason: 'is required but missing' });
        out[field] = plan.spec.kind === 'tags' || plan.spec.kind === 'timestamps' ? [] : null;
        continue;
      }
      const parsed = parseFieldValue(plan.spec.kind, raw, plan.ctx);
      if (parsed.ok) out[field] = parsed.value;
      else errors.push({ row, field, reason: parsed.reason });
    }
    if (errors.length === 0) {
      if (this.shape === 'events') applyEventRules(out as unknown as EventRecord, row, errors);
      else if (this.shape === 'surveys') applySurveyRules(out as unknown as SurveyRecord, row, errors);
      else if (this.shape === 'qa_ratings') applyQaRules(out as unknown as QaRatingRecord, row, errors);
      else if (this.shape === 'customers') {
        const c = out as unknown as CustomerRecord;
        if (c.churned_at && c.churned_at.getTime() < c.became_customer_at.getTime()) {
          errors.push({
            row,
            field: 'churned_at',
            reason: `${c.churned_at.toISOString()} is before became_customer_at`,
          });
        }
      } else if (this.shape === 'improvements') {
        const i = out as unknown as ImprovementRecord;
        if (i.implemented_at && i.implemented_at.getTime() < i.logged_at.getTime()) {
          errors.push({
            row,
            field: 'implemented_at',
            reason: `${i.implemented_at.toISOString()} is before logged_at`,
          });
        }
      } else if (this.shape === 'measurements') {
        const m = out as unknown as MeasurementRecord;
        const unit = CATALOGUE.get(m.kpi)?.unit;
        if (unit === 'count' && m.value < 0)
          errors.push({ row, field: 'value', reason: `${m.value} is a negative count` });
        if (unit === 'percent' && (m.value < 0 || m.value > 100)) {
          errors.push({ row, field: 'value', reason: `${m.value} is not a percentage 0–100` });
        }
        if (CATALOGUE.get(m.kpi)?.source !== 'manual') {
          const manual = [...CATALOGUE.values()].filter((d) => d.source === 'manual').map((d) => d.id);
          errors.push({
            row,
            field: 'kpi',
            reason: `"${m.kpi}" is not a manual KPI (manual KPIs: ${manual.join(', ')})`,
          });
        }
        if (m.period_start && m.period_end.getTime() < m.period_start.getTime()) {
          errors.push({ row, field: 'period_end', reason: 'is before period_start' });
        }
      } else if (this.shape === 'forecasts') {
        const f = out as unknown as ForecastRecord;
        const day = DateTime.fromJSDate(f.target_day, { zone: this.timeZone }).startOf('day');
        f.target_day = day.toJSDate();
        f.day_end = day.plus({ days: 1 }).toJSDate();
        if (f.volume < 0) errors.push({ row, field: 'volume', reason: 'cannot be negative' });
      } else if (this.shape === 'kb_articles') {
        const a = out as unknown as KbArticleRecord;
        if (a.published_at && a.published_at.getTime() < a.created_at.getTime()) {
          errors.push({ row, field: 'published_at', reason: 'is before created_at' });
        }
        if (a.retired_at && (!a.published_at || a.retired_at.getTime() < a.published_at.getTime())) {
          errors.push({ row, field: 'retired_at', reason: 'an article is retired after it was published' });
        }
      } else if (this.shape === 'kb_feedback') {
        const f = out as unknown as KbFeedbackRecord;
        if (f.resolved_at && f.resolved_at.getTime() < f.raised_at.getTime()) {
          errors.push({ row, field: 'resolved_at', reason: 'is before raised_at' });
        }
      } else if (this.shape === 'presence') {
        const p = out as unknown as PresenceRecord;
        const seconds = (p.period_end.getTime() - p.period_start.getTime()) / 1000;
        if (seconds <= 0) errors.push({ row, field: 'period_end', reason: 'must be after period_start' });
        else if (p.logged_in_seconds < 0 || p.logged_in_seconds > seconds) {
          errors.push({
            row,
            field: 'logged_in_seconds',
            reason: `must lie between 0 and the period's ${seconds} seconds`,
          });
        } else if (p.handling_seconds < 0 || p.handling_seconds > p.logged_in_seconds) {
          errors.push({ row, field: 'handling_seconds', reason: 'must lie between 0 and logged_in_seconds' });
        }
      } else if (this.shape === 'crises') {
        const c = out as unknown as CrisisRecord;
        if (c.resolved_at && c.resolved_at.getTime() < c.started_at.getTime()) {
          errors.push({ row, field: 'resolved_at', reason: 'is before started_at' });
        }
        if (c.updates.some((u) => u.getTime() < c.started_at.getTime())) {
          errors.push({ row, field: 'updates', reason: 'an update was sent before the crisis started' });
        }
      } else if (this.shape === 'tool_periods') {
        const t = out as unknown as ToolPeriodRecord;
        t.downtime_minutes ??= 0;
        const minutes = (t.period_end.getTime() - t.period_start.getTime()) / 60_000;
        if (minutes <= 0) errors.push({ row, field: 'period_end', reason: 'must be after period_start' });
        if (t.licensed_seats <= 0) errors.push({ row, field: 'licensed_seats', reason: 'must be above 0' });
        if (t.active_users < 0) errors.push({ row, field: 'active_users', reason: 'cannot be negative' });
        if (t.downtime_minutes < 0 || t.downtime_minutes > minutes) {
          errors.push({
            row,
            field: 'downtime_minutes',
            reason: `must lie between 0 and the period's ${minutes} minutes`,
          });
        }
      } else if (this.shape === 'reports') {
        const r = out as unknown as ReportRecord;
        if (r.corrected_at && (!r.delivered_at || r.corrected_at.getTime() < r.delivered_at.getTime())) {
          errors.push({ row, field: 'corrected_at', reason: 'a correction needs an earlier delivered_at' });
        }
      } else if (this.shape === 'enrolments') {
        const e = out as unknown as EnrolmentRecord;
        if (e.enrolled_at && e.due_at.getTime() < e.enrolled_at.getTime()) {
          errors.push({ row, field: 'due_at', reason: `${e.due_at.toISOString()} is before enrolled_at` });
        }
        // "Completed by their due date": any time on the due day (in the source zone) is on time.
        const dueDayEnd = DateTime.fromJSDate(e.due_at, { zone: this.timeZone })
          .startOf('day')
          .plus({ days: 1 });
        e.completed_on_time = e.completed_at !== null && e.completed_at.getTime() < dueDayEnd.toMillis();
      } else applyTicketRules(out as unknown as TicketRecord, row, errors);
    }
    if (errors.length > 0) return { ok: false, errors };
    this.prefixIds(out);
    return { ok: true, record: out as unknown as CanonicalRecord };
  }

  private prefixIds(out: Record<string, unknown>): void {
    const prefix = this.mapping.idPrefix;
    if (!prefix) return;
    for (const field of ['id', 'ticket_id', 'event_id', 'review_id']) {
      if (typeof out[field] === 'string') out[field] = prefix + out[field];
    }
  }
}

function applyTicketRules(t: TicketRecord, row: number, errors: RowError[]): void {
  for (const field of ['first_response_at', 'solved_at', 'escalated_at'] as const) {
    const at = t[field];
    if (at && at.getTime() < t.created_at.getTime()) {
      errors.push({
        row,
        field,
        reason: `${at.toISOString()} is before created_at ${t.created_at.toISOString()}`,
      });
    }
  }
}

const DEFAULT_ACTOR: Partial<Record<EventRecord['type'], EventRecord['actor_type']>> = {
  customer_message: 'customer',
  agent_reply: 'agent',
  internal_note: 'agent',
  bot_reply: 'bot',
  time_entry: 'agent',
};
const ALLOWED_ACTORS: Partial<Record<EventRecord['type'], ReadonlyArray<EventRecord['actor_type']>>> = {
  customer_message: ['customer'],
  agent_reply: ['agent'],
  internal_note: ['agent', 'bot', 'system'],
  bot_reply: ['bot', 'system'],
  time_entry: ['agent'],
};

function applyEventRules(e: EventRecord, row: number, errors: RowError[]): void {
  e.actor_type ??= DEFAULT_ACTOR[e.type] ?? null;
  const allowed = ALLOWED_ACTORS[e.type];
  if (allowed && !allowed.includes(e.actor_type)) {
    errors.push({
      row,
      field: 'actor_type',
      reason: `a ${e.actor_type} cannot make an event of type ${e.type} (expected ${allowed.join(' or ')})`,
    });
  }
  if (e.public === null) {
    if (e.type === 'internal_note') e.public = false;
    else if (e.type === 'agent_reply' || e.type === 'bot_reply' || e.type === 'customer_message')
      e.public = true;
  } else if (e.type === 'internal_note' && e.public) {
    errors.push({ row, field: 'public', reason: 'an internal_note cannot be public' });
  }
  const needs: Partial<Record<EventRecord['type'], Array<keyof EventRecord>>> = {
    status_change: ['status'],
    priority_change: ['priority'],
    time_entry: ['seconds'],
  };
  for (const field of needs[e.type] ?? []) {
    if (e[field] === null) errors.push({ row, field, reason: `is required for a ${e.type} event` });
  }
  if (e.type === 'assignment' && e.assignee === null && e.team === null) {
    errors.push({ row, field: 'assignee', reason: 'an assignment event needs an assignee or a team' });
  }
}

function applySurveyRules(s: SurveyRecord, row: number, errors: RowError[]): void {
  const scale = SURVEY_SCALES[s.kind];
  s.scale_min ??= scale.min;
  s.scale_max ??= scale.max;
  s.polarity ??= 'higher_better';
  if (s.scale_min >= s.scale_max) {
    errors.push({ row, field: 'scale_max', reason: `must be above scale_min (${s.scale_min})` });
    return;
  }
  // NPS bands (9–10, 0–6) and yes/no only exist on their own scales; answers there are whole points.
  if (
    (s.kind === 'nps' || s.kind === 'enps' || s.kind === 'repurchase') &&
    (s.scale_min !== scale.min || s.scale_max !== scale.max)
  ) {
    errors.push({ row, field: 'scale_max', reason: `a ${s.kind} answer is on ${scale.min}–${scale.max}` });
  }
  if (s.score !== null && s.kind !== 'ces' && !Number.isInteger(s.score)) {
    errors.push({ row, field: 'score', reason: `${s.score} is not a whole point of the scale` });
  }
  if (
    s.followup_closed_at &&
    (!s.responded_at || s.followup_closed_at.getTime() < s.responded_at.getTime())
  ) {
    errors.push({
      row,
      field: 'followup_closed_at',
      reason: 'a follow-up closes after the answer it follows',
    });
  }
  if (s.sent_at === null && s.responded_at === null) {
    errors.push({ row, field: 'sent_at', reason: 'a survey needs sent_at, responded_at or both' });
  }
  if (s.sent_at && s.responded_at && s.responded_at.getTime() < s.sent_at.getTime()) {
    errors.push({
      row,
      field: 'responded_at',
      reason: `${s.responded_at.toISOString()} is before sent_at ${s.sent_at.toISOString()}`,
    });
  }
  if (s.responded_at !== null && s.score === null) {
    errors.push({ row, field: 'score', reason: 'is required for an answered survey' });
  }
  if (s.score !== null) {
    if (s.responded_at === null)
      errors.push({ row, field: 'responded_at', reason: 'is required when there is a score' });
    if (s.score < s.scale_min || s.score > s.scale_max) {
      errors.push({
        row,
        field: 'score',
        reason: `${s.score} is outside the scale ${s.scale_min}–${s.scale_max}`,
      });
    }
  }
}

function applyQaRules(r: QaRatingRecord, row: number, errors: RowError[]): void {
  r.scale_min ??= 0;
  r.scale_max ??= 1;
  r.weight ??= 1;
  r.critical ??= false;
  r.na ??= r.rating === null;
  if (r.scale_min >= r.scale_max)
    errors.push({ row, field: 'scale_max', reason: `must be above scale_min (${r.scale_min})` });
  else if (!r.na && r.rating === null)
    errors.push({ row, field: 'rating', reason: 'is required unless the category is N/A' });
  else if (r.rating !== null && (r.rating < r.scale_min || r.rating > r.scale_max)) {
    errors.push({
      row,
      field: 'rating',
      reason: `${r.rating} is outside the scale ${r.scale_min}–${r.scale_max}`,
    });
  }
  if (r.weight < 0) errors.push({ row, field: 'weight', reason: 'cannot be negative' });
}
