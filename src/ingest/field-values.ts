import { DateTime } from 'luxon';
import {
  ACTOR_TYPES,
  EVENT_TYPES,
  type FieldKind,
  IMPROVEMENT_KINDS,
  KB_ACTIONS,
  PRIORITIES,
  STATUSES,
  SURVEY_KINDS,
} from './canonical.js';

/** A parsed value, or the reason it could not be parsed (reported with file, row and field). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

export interface ParseContext {
  /** Zone for timestamps written without an offset. */
  timeZone: string;
  /** A Luxon format, or epoch_s / epoch_ms; ISO 8601 and SQL-style timestamps when absent. */
  dateFormat?: string | undefined;
  snapshotKeyType?: 'auto' | 'number' | 'timestamp';
}

// Common source spellings of canonical values. Anything else needs a value map in the mapping.
const STATUS_SYNONYMS: Record<string, string> = {
  hold: 'on_hold',
  'on hold': 'on_hold',
  'on-hold': 'on_hold',
  onhold: 'on_hold',
  resolved: 'solved',
  spam: 'deleted',
  trash: 'deleted',
};
const PRIORITY_SYNONYMS: Record<string, string> = { medium: 'normal' };
const ACTOR_SYNONYMS: Record<string, string> = {
  'end-user': 'customer',
  end_user: 'customer',
  enduser: 'customer',
  requester: 'customer',
  user: 'customer',
  admin: 'agent',
  automation: 'bot',
  trigger: 'system',
};
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

function oneOf<T extends string>(allowed: readonly T[], synonyms: Record<string, string>, what: string) {
  return (raw: string): Parsed<T> => {
    const key = raw.trim().toLowerCase();
    const value = (synonyms[key] ?? key.replace(/[\s-]+/g, '_')) as T;
    if (allowed.includes(value)) return ok(value);
    return fail(
      `"${raw}" is not a ${what} (expected one of ${allowed.join(', ')}; map others with "values")`,
    );
  };
}

const parseStatus = oneOf(STATUSES, STATUS_SYNONYMS, 'status');
const parsePriority = oneOf(PRIORITIES, PRIORITY_SYNONYMS, 'priority');
const parseEventType = oneOf(EVENT_TYPES, {}, 'event type');
const parseActorType = oneOf(ACTOR_TYPES, ACTOR_SYNONYMS, 'actor type');
const parseSurveyKind = oneOf(
  SURVEY_KINDS,
  { enps: 'enps', 'e-nps': 'enps', repurchase_intent: 'repurchase' },
  'survey kind',
);
const parsePolarity = oneOf(
  ['higher_better', 'lower_better'] as const,
  { higher: 'higher_better', lower: 'lower_better' },
  'polarity',
);

const parseImprovementKind = oneOf(
  IMPROVEMENT_KINDS,
  { report: 'report_action', tool: 'tool_feedback', prevention: 'prevention_action' },
  'improvement kind',
);

const parseKbAction = oneOf(
  KB_ACTIONS,
  { reviewed: 'reviewed_accurate', flagged: 'flagged_inaccurate' },
  'knowledge-base action',
);

/** A plain decimal number (negative allowed). */
function parseNumber(raw: string): Parsed<number> {
  const text = raw.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? ok(Number(text)) : fail(`"${raw}" is not a number`);
}

/** A survey answer: a plain number, or yes/no (1/0) for yes-or-no questions. */
function parseScore(raw: string): Parsed<number> {
  const text = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return ok(Number(text));
  const key = text.toLowerCase();
  if (TRUE.has(key)) return ok(1);
  if (FALSE.has(key)) return ok(0);
  return fail(`"${raw}" is not a number (or yes/no)`);
}

/** NUL and the other C0 controls (bar tab and newlines) are never data; PostgreSQL cannot store NUL at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(raw: string, ctx: ParseContext): Parsed<Date> {
  const text = raw.trim();
  const format = ctx.dateFormat;
  let dt: DateTime;
  if (format === 'epoch_s' || format === 'epoch_ms') {
    const n = Number(text);
    if (!Number.isFinite(n))
      return fail(`"${raw}" is not a number of ${format === 'epoch_s' ? 'seconds' : 'milliseconds'}`);
    dt = DateTime.fromMillis(format === 'epoch_s' ? n * 1000 : n, { zone: 'utc' });
  } else if (format) {
    dt = DateTime.fromFormat(text, format, { zone: ctx.timeZone, locale: 'en-US' });
    if (!dt.isValid) return fail(`"${raw}" is not a date in the format ${format}`);
  } else if (ISO_WITH_OFFSET.test(text)) {
    // An explicit offset needs no zone rules: the native parser is 50× faster than Luxon here.
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return fail(`"${raw}" is not a valid date`);
    return ok(new Date(ms));
  } else {
    dt = DateTime.fromISO(text, { zone: ctx.timeZone });
    if (!dt.isValid) dt = DateTime.fromSQL(text, { zone: ctx.timeZone });
    if (!dt.isValid)
      return fail(`"${raw}" is not an ISO 8601 date (set "dateFormat" in the mapping for other formats)`);
  }
  if (!dt.isValid) return fail(`"${raw}" is not a valid date`);
  return ok(dt.toJSDate());
}

function parseCount(raw: string): Parsed<number> {
  const text = raw.trim();
  if (!/^\d+(\.0+)?$/.test(text)) return fail(`"${raw}" is not a whole number ≥ 0`);
  const n = Number(text);
  return Number.isSafeInteger(n) ? ok(n) : fail(`"${raw}" is too large`);
}

function parseSeconds(raw: string): Parsed<number> {
  const text = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return fail(`"${raw}" is not a number of seconds ≥ 0`);
  return ok(Number(text));
}

function parseBoolean(raw: string): Parsed<boolean> {
  const key = raw.trim().toLowerCase();
  if (TRUE.has(key)) return ok(true);
  if (FALSE.has(key)) return ok(false);
  return fail(`"${raw}" is not a boolean (true/false, yes/no, 1/0; map others with "values")`);
}

export function parseTags(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw.map((v) => String(v)) : String(raw).split(/[,;|\s]+/);
  const tags: string[] = [];
  for (const item of items) {
    // Tags are matched as whole words (`LIKE '% tag %'`), so they hold no separators.
    const tag = item.trim().toLowerCase().replace(/\s+/g, '_');
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

function parseSnapshotKey(raw: string, ctx: ParseContext): Parsed<number> {
  const text = raw.trim();
  const numeric = /^-?\d+(\.\d+)?$/.test(text);
  if (ctx.snapshotKeyType === 'number' || (ctx.snapshotKeyType !== 'timestamp' && numeric)) {
    return numeric ? ok(Number(text)) : fail(`"${raw}" is not a number`);
  }
  const at = parseTimestamp(text, ctx);
  return at.ok ? ok(at.value.getTime()) : at;
}

/** Parses one non-missing source value into the canonical value of a field kind. */
export function parseFieldValue(kind: FieldKind, raw: unknown, ctx: ParseContext): Parsed<unknown> {
  if (kind === 'tags') {
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.some((v) => typeof v === 'object' && v !== null))
      return fail('tags must be text or a list of text');
    if (list.some((v) => CONTROL.test(String(v)))) return fail('contains a control character');
    return ok(parseTags(raw));
  }
  if (typeof raw === 'object' && raw !== null) return fail('is an object or a list, not a single value');
  if (typeof raw === 'number' && Number.isInteger(raw) && !Number.isSafeInteger(raw)) {
    return fail(`${raw} is too large to read exactly as a number: write it as a string`);
  }
  if (typeof raw === 'boolean' && kind === 'boolean') return ok(raw);
  if (typeof raw === 'boolean' && kind === 'score') return ok(raw ? 1 : 0);
  const text = String(raw);
  if (CONTROL.test(text)) return fail('contains a control character');
  switch (kind) {
    case 'text':
      return ok(text.trim());
    case 'lowercase':
      return ok(text.trim().toLowerCase());
    case 'timestamp':
      return parseTimestamp(text, ctx);
    case 'count':
      return parseCount(text);
    case 'seconds':
      return parseSeconds(text);
    case 'boolean':
      return parseBoolean(text);
    case 'status':
      return parseStatus(text);
    case 'priority':
      return parsePriority(text);
    case 'event_type':
      return parseEventType(text);
    case 'actor_type':
      return parseActorType(text);
    case 'snapshot_key':
      return parseSnapshotKey(text, ctx);
    case 'survey_kind':
      return parseSurveyKind(text);
    case 'score':
      return parseScore(text);
    case 'number':
      return parseNumber(text);
    case 'polarity':
      return parsePolarity(text);
    case 'improvement_kind':
      return parseImprovementKind(text);
    case 'kb_action':
      return parseKbAction(text);
    case 'timestamps': {
      const out: Date[] = [];
      for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
        const at = parseTimestamp(part, ctx);
        if (!at.ok) return at;
        out.push(at.value);
      }
      return ok(out.sort((a, b) => a.getTime() - b.getTime()));
    }
  }
}
