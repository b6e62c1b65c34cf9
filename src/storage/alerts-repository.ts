import type { Kysely, Transaction } from 'kysely';
import type { RuleKind } from '../engine/alert-rules.js';
import type { GoalScopeKind } from '../engine/goals.js';
import type { Database } from './schema.js';

/**
 * Alert channels, rules, evaluations, events and the delivery log (issue 10). Every query is scoped by
 * the organisation; JSON columns are parsed here, so nothing above storage sees text.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** How a secret is stored: an environment reference or a ciphertext, never the secret itself. */
export type StoredSecret = { env: string } | { encrypted: string };

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export type ChannelConfig =
  | {
      kind: 'email';
      to: string[];
      from: string | null;
      smtp: {
        host: string;
        port: number | null;
        security: SmtpSecurity;
        user: string | null;
        tls_reject_unauthorized: boolean;
      } | null;
    }
  | { kind: 'webhook'; url: string; format: 'json' | 'slack' };

export interface ChannelSecrets {
  smtp_password?: StoredSecret;
  signing_secret?: StoredSecret;
}

export interface Channel {
  id: number;
  name: string;
  config: ChannelConfig;
  secrets: ChannelSecrets;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface AlertRule {
  id: number;
  name: string;
  kind: RuleKind;
  scope: { kind: GoalScopeKind; id: string | null };
  params: Record<string, unknown>;
  channel_ids: number[];
  interval_minutes: number;
  quiet_hours: { start: string; end: string } | null;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface AlertEvent {
  id: number;
  rule_id: number;
  subject_key: string;
  subject: string;
  state: 'firing' | 'resolved';
  fired_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  detail: Record<string, unknown>;
}

export type DeliveryKind = 'firing' | 'resolved' | 'test' | 'report';
export type DeliveryStatus = 'held' | 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export interface Delivery {
  id: string;
  channel_id: number;
  rule_id: number | null;
  event_ids: number[];
  report_id: string | null;
  kind: DeliveryKind;
  title: string;
  /** The message (an OutgoingMessage, plus the recipients of a personal report). */
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  response: string | null;
  created_at: Date;
  sent_at: Date | null;
}

async function nextId(
  db: Db,
  table: 'alert_channels' | 'alert_rules' | 'alert_events' | 'report_schedules',
  orgId: number,
) {
  const { next } = await db
    .selectFrom(table)
    .select((eb) => eb(eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)), '+', 1).as('next'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(next);
}

export { nextId as nextOrgScopedId };

// ---- channels ---------------------------------------------------------------------------------------

function toChannel(r: Database['alert_channels']): Channel {
  return {
    id: r.id,
    name: r.name,
    config: JSON.parse(r.config) as ChannelConfig,
    secrets: JSON.parse(r.secrets) as ChannelSecrets,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export async function insertChannel(
  db: Kysely<Database>,
  orgId: number,
  input: { name: string; config: ChannelConfig; secrets: ChannelSecrets; createdBy: string },
): Promise<Channel> {
  return db.transaction().execute(async (trx) => {
    const id = await nextId(trx, 'alert_channels', orgId);
    const now = new Date();
    const row = {
      org_id: orgId,
      id,
      name: input.name,
      kind: input.config.kind,
      config: JSON.stringify(input.config),
      secrets: JSON.stringify(input.secrets),
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('alert_channels').values(row).execute();
    return toChannel(row);
  });
}

export async function listChannels(db: Db, orgId: number): Promise<Channel[]> {
  const rows = await db
    .selectFrom('alert_channels')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
  return rows.map(toChannel);
}

export async function getChannel(db: Db, orgId: number, id: number): Promise<Channel | null> {
  const row = await db
    .selectFrom('alert_channels')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toChannel(row) : null;
}

/** A channel by id or by name. */
export async function findChannel(db: Db, orgId: number, idOrName: string): Promise<Channel | null> {
  const rows = await listChannels(db, orgId);
  return rows.find((c) => String(c.id) === idOrName) ?? rows.find((c) => c.name === idOrName) ?? null;
}

export async function updateChannel(
  db: Db,
  orgId: number,
  id: number,
  input: { name: string; config: ChannelConfig; secrets: ChannelSecrets },
): Promise<void> {
  await db
    .updateTable('alert_channels')
    .set({
      name: input.name,
      kind: input.config.kind,
      config: JSON.stringify(input.config),
      secrets: JSON.stringify(input.secrets),
      updated_at: new Date(),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function deleteChannel(db: Db, orgId: number, id: number): Promise<boolean> {
  const r = await db
    .deleteFrom('alert_channels')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---- rules --------------------------------------------------------------------------------------------

function toRule(r: Database['alert_rules']): AlertRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as RuleKind,
    scope: { kind: r.scope_kind as GoalScopeKind, id: r.scope_id },
    params: JSON.parse(r.params) as Record<string, unknown>,
    channel_ids: JSON.parse(r.channel_ids) as number[],
    interval_minutes: r.interval_minutes,
    quiet_hours: r.quiet_start && r.quiet_end ? { start: r.quiet_start, end: r.quiet_end } : null,
    enabled: r.enabled,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export type RuleRecordInput = Omit<AlertRule, 'id' | 'created_at' | 'updated_at'>;

function ruleColumns(input: Omit<RuleRecordInput, 'created_by'>) {
  return {
    name: input.name,
    kind: input.kind,
    scope_kind: input.scope.kind,
    scope_id: input.scope.id,
    params: JSON.stringify(input.params),
    channel_ids: JSON.stringify(input.channel_ids),
    interval_minutes: input.interval_minutes,
    quiet_start: input.quiet_hours?.start ?? null,
    quiet_end: input.quiet_hours?.end ?? null,
    enabled: input.enabled,
  };
}

export async function insertRule(
  db: Kysely<Database>,
  orgId: number,
  input: RuleRecordInput,
): Promise<AlertRule> {
  return db.transaction().execute(async (trx) => {
    const id = await nextId(trx, 'alert_rules', orgId);
    const now = new Date();
    const row = {
      org_id: orgId,
      id,
      ...ruleColumns(input),
      created_by: input.created_by,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('alert_rules').values(row).execute();
    return toRule(row);
  });
}

export async function listRules(db: Db, orgId: number): Promise<AlertRule[]> {
  const rows = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
  return rows.map(toRule);
}

export async function getRule(db: Db, orgId: number, id: number): Promise<AlertRule | null> {
  const row = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRule(row) : null;
}

export async function updateRule(
  db: Db,
  orgId: number,
  id: number,
  input: Omit<RuleRecordInput, 'created_by'>,
): Promise<void> {
  await db
    .updateTable('alert_rules')
    .set({ ...ruleColumns(input), updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** Deletes a rule with its evaluations and events; its deliveries stay in the log. */
export async function deleteRule(db: Kysely<Database>, orgId: number, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('alert_evaluations').where('org_id', '=', orgId).where('rule_id', '=', id).execute();
    await trx.deleteFrom('alert_events').where('org_id', '=', orgId).where('rule_id', '=', id).execute();
    const r = await trx
      .deleteFrom('alert_rules')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

// ---- evaluations ----------------------------------------------------------------------------------------

/**
 * Claims a rule's evaluation for one period: true for the first caller, false when the period was
 * already evaluated (by this process or another one) — the "at most once per rule and period" guard.
 */
export async function claimEvaluation(
  db: Db,
  orgId: number,
  ruleId: number,
  periodKey: string,
  now: Date,
): Promise<boolean> {
  const r = await db
    .insertInto('alert_evaluations')
    .values({ org_id: orgId, rule_id: ruleId, period_key: periodKey, evaluated_at: now, outcome: null })
    .onConflict((oc) => oc.columns(['org_id', 'rule_id', 'period_key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function recordEvaluationOutcome(
  db: Db,
  orgId: number,
  ruleId: number,
  periodKey: string,
  outcome: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('alert_evaluations')
    .set({ outcome: JSON.stringify(outcome) })
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .where('period_key', '=', periodKey)
    .execute();
}

export async function lastEvaluation(
  db: Db,
  orgId: number,
  ruleId: number,
): Promise<{ period_key: string; evaluated_at: Date; outcome: unknown } | null> {
  const row = await db
    .selectFrom('alert_evaluations')
    .select(['period_key', 'evaluated_at', 'outcome'])
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .orderBy('evaluated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, outcome: row.outcome === null ? null : JSON.parse(row.outcome) } : null;
}

// ---- events -------------------------------------------------------------------------------------------------

function toEvent(r: Database['alert_events']): AlertEvent {
  return {
    id: r.id,
    rule_id: r.rule_id,
    subject_key: r.subject_key,
    subject: r.subject,
    state: r.state as AlertEvent['state'],
    fired_at: r.fired_at,
    last_seen_at: r.last_seen_at,
    resolved_at: r.resolved_at,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  };
}

export async function openEvents(db: Db, orgId: number, ruleId: number): Promise<AlertEvent[]> {
  const rows = await db
    .selectFrom('alert_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .where('state', '=', 'firing')
    .orderBy('id')
    .execute();
  return rows.map(toEvent);
}

export async function insertEvents(
  db: Db,
  orgId: number,
  ruleId: number,
  subjects: ReadonlyArray<{ key: string; label: string; detail: Record<string, unknown> }>,
  now: Date,
): Promise<AlertEvent[]> {
  if (subjects.length === 0) return [];
  const first = await nextId(db, 'alert_events', orgId);
  const rows = subjects.map((s, i) => ({
    org_id: orgId,
    id: first + i,
    rule_id: ruleId,
    subject_key: s.key,
    subject: s.label,
    state: 'firing',
    fired_at: now,
    last_seen_at: now,
    resolved_at: null,
    detail: JSON.stringify(s.detail),
  }));
  await db.insertInto('alert_events').values(rows).execute();
  return rows.map(toEvent);
}

export async function touchEvents(db: Db, orgId: number, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('alert_events')
    .set({ last_seen_at: now })
    .where('org_id', '=', orgId)
    .where('id', 'in', [...ids])
    .execute();
}

export async function resolveEvents(db: Db, orgId: number, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('alert_events')
    .set({ state: 'resolved', resolved_at: now })
    .where('org_id', '=', orgId)
    .where('id', 'in', [...ids])
    .execute();
}

export async function listEvents(
  db: Db,
  orgId: number,
  q: { state?: 'firing' | 'resolved' | undefined; ruleIds?: readonly number[] | undefined; limit: number },
): Promise<AlertEvent[]> {
  let query = db.selectFrom('alert_events').selectAll().where('org_id', '=', orgId);
  if (q.state) query = query.where('state', '=', q.state);
  if (q.ruleIds) {
    if (q.ruleIds.length === 0) return [];
    query = query.where('rule_id', 'in', [...q.ruleIds]);
  }
  const rows = await query.orderBy('fired_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map(toEvent);
}

// ---- deliveries ---------------------------------------------------------------------------------------------

function toDelivery(r: Database['alert_deliveries']): Delivery {
  return {
    id: r.id,
    channel_id: r.channel_id,
    rule_id: r.rule_id,
    event_ids: JSON.parse(r.event_ids) as number[],
    report_id: r.report_id,
    kind: r.kind as DeliveryKind,
    title: r.title,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at,
    last_error: r.last_error,
    response: r.response,
    created_at: r.created_at,
    sent_at: r.sent_at,
  };
}

export type NewDelivery = Pick<
  Delivery,
  | 'id'
  | 'channel_id'
  | 'rule_id'
  | 'event_ids'
  | 'report_id'
  | 'kind'
  | 'title'
  | 'payload'
  | 'status'
  | 'next_attempt_at'
>;

export async function insertDeliveries(
  db: Db,
  orgId: number,
  items: readonly NewDelivery[],
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  await db
    .insertInto('alert_deliveries')
    .values(
      items.map((d) => ({
        org_id: orgId,
        id: d.id,
        channel_id: d.channel_id,
        rule_id: d.rule_id,
        event_ids: JSON.stringify(d.event_ids),
        report_id: d.report_id,
        kind: d.kind,
        title: d.title,
        payload: JSON.stringify(d.payload),
        status: d.status,
        attempts: 0,
        next_attempt_at: d.next_attempt_at,
        last_error: null,
        response: null,
        created_at: now,
        sent_at: null,
      })),
    )
    .execute();
}

/** Deliveries waiting (pending, or held by quiet hours) whose time has come, oldest first. */
export async function dueDeliveries(db: Db, orgId: number, now: Date, limit: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', 'in', ['pending', 'held', 'sending'])
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function getDelivery(db: Db, orgId: number, id: string): Promise<Delivery | null> {
  const row = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDelivery(row) : null;
}

export async function updateDelivery(
  db: Db,
  orgId: number,
  id: string,
  change: Partial<
    Pick<
      Delivery,
      | 'title'
      | 'status'
      | 'attempts'
      | 'next_attempt_at'
      | 'last_error'
      | 'response'
      | 'sent_at'
      | 'event_ids'
      | 'payload'
    >
  >,
): Promise<void> {
  const { event_ids, payload, ...rest } = change;
  await db
    .updateTable('alert_deliveries')
    .set({
      ...rest,
      ...(event_ids ? { event_ids: JSON.stringify(event_ids) } : {}),
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** Firing notices of a rule still held back by quiet hours. */
export async function heldFiringDeliveries(db: Db, orgId: number, ruleId: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .where('kind', '=', 'firing')
    .where('status', '=', 'held')
    .execute();
  return rows.map(toDelivery);
}

export async function reportDeliveries(db: Db, orgId: number, reportId: string): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('report_id', '=', reportId)
    .execute();
  return rows.map(toDelivery);
}

export interface DeliveryQuery {
  status?: DeliveryStatus | undefined;
  kind?: DeliveryKind | undefined;
  ruleId?: number | undefined;
  channelId?: number | undefined;
  limit: number;
}

export async function listDeliveries(db: Db, orgId: number, q: DeliveryQuery): Promise<Delivery[]> {
  let query = db.selectFrom('alert_deliveries').selectAll().where('org_id', '=', orgId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.ruleId !== undefined) query = query.where('rule_id', '=', q.ruleId);
  if (q.channelId !== undefined) query = query.where('channel_id', '=', q.channelId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map(toDelivery);
}

/** How long a delivery being sent is leased to its sender before another may try it again. */
export const SENDING_LEASE_MS = 10 * 60_000;

/**
 * Takes a waiting delivery for sending (status 'sending', leased for SENDING_LEASE_MS): true for one
 * caller only, so two senders never send the same notice twice.
 */
export async function claimDelivery(db: Db, orgId: number, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('alert_deliveries')
    .set({ status: 'sending', next_attempt_at: new Date(now.getTime() + SENDING_LEASE_MS) })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', 'in', ['pending', 'held']),
          eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]),
        ]),
        // A sender that died mid-send: its lease ran out.
        eb.and([eb('status', '=', 'sending'), eb('next_attempt_at', '<=', now)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function updateEventDetail(
  db: Db,
  orgId: number,
  id: number,
  detail: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('alert_events')
    .set({ detail: JSON.stringify(detail), last_seen_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}
