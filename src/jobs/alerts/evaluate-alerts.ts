import { randomUUID } from 'node:crypto';
import { periodKey, quietUntil } from '../../engine/alert-timing.js';
import {
  type AlertEvent,
  type AlertRule,
  claimEvaluation,
  heldFiringDeliveries,
  insertDeliveries,
  insertEvents,
  listChannels,
  listRules,
  type NewDelivery,
  openEvents,
  recordEvaluationOutcome,
  resolveEvents,
  touchEvents,
  updateDelivery,
  updateEventDetail,
} from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import { evaluateCondition, type Hierarchy, loadHierarchy, type Subject, slaOutcomes } from './conditions.js';
import type { DeliveryPayload } from './deliver.js';
import { alertNotice, type NoticeItem } from './messages.js';

/**
 * Evaluates an organisation's alert rules: each enabled rule at most once per evaluation period (the
 * period is claimed in `alert_evaluations` before the work, so a restart or a second process cannot
 * evaluate it again). A subject newly in the condition opens an event and is notified once; while it
 * stays, nothing more is sent (dedupe); when it leaves, the event is resolved and a resolved notice
 * sent. During the rule's quiet hours notices are held until they end, and a firing notice still held
 * when its condition clears is dropped with its resolved notice.
 */

export interface RuleEvaluation {
  rule_id: number;
  rule: string;
  period_key: string;
  /** False when the period was already evaluated (or the rule is disabled). */
  evaluated: boolean;
  firing: number;
  fired: number;
  changed: number;
  resolved: number;
  held_until: Date | null;
  note: string | null;
  error: string | null;
}

export interface EvaluateOptions {
  now: Date;
  /** Only these rules. */
  ruleIds?: readonly number[];
}

const fingerprintOf = (e: AlertEvent) =>
  typeof e.detail.fingerprint === 'string' ? e.detail.fingerprint : undefined;

function item(
  eventId: number,
  s: { key: string; label: string; summary: string },
  changed = false,
): NoticeItem {
  return {
    event_id: eventId,
    key: s.key,
    label: s.label,
    summary: s.summary,
    ...(changed ? { changed } : {}),
  };
}

/** Notices for each of the rule's channels that still exist. */
async function notify(
  store: Store,
  org: Organization,
  rule: AlertRule,
  kind: 'firing' | 'resolved',
  items: NoticeItem[],
  now: Date,
  heldUntil: Date | null,
  channelIds: ReadonlySet<number>,
): Promise<void> {
  if (items.length === 0) return;
  const message = alertNotice(org, rule, kind, items, now);
  const payload: DeliveryPayload = { message, items };
  const rows: NewDelivery[] = rule.channel_ids
    .filter((id) => channelIds.has(id))
    .map((channelId) => ({
      id: randomUUID(),
      channel_id: channelId,
      rule_id: rule.id,
      event_ids: items.map((i) => i.event_id),
      report_id: null,
      kind,
      title: message.title,
      payload: payload as unknown as Record<string, unknown>,
      status: heldUntil ? 'held' : 'pending',
      next_attempt_at: heldUntil ?? now,
    }));
  await insertDeliveries(store.db, org.id, rows, now);
}

/**
 * Firing notices still held by quiet hours lose the events that cleared; a notice left with none is
 * suppressed. Returns the events whose firing notice was never sent (they get no resolved notice).
 */
async function withdrawHeld(
  store: Store,
  org: Organization,
  rule: AlertRule,
  cleared: ReadonlySet<number>,
  now: Date,
): Promise<Set<number>> {
  const unsent = new Set<number>();
  if (cleared.size === 0) return unsent;
  for (const d of await heldFiringDeliveries(store.db, org.id, rule.id)) {
    const gone = d.event_ids.filter((id) => cleared.has(id));
    if (gone.length === 0) continue;
    for (const id of gone) unsent.add(id);
    const remaining = d.event_ids.filter((id) => !cleared.has(id));
    if (remaining.length === 0) {
      await updateDelivery(store.db, org.id, d.id, {
        status: 'suppressed',
        next_attempt_at: null,
        last_error: 'the condition cleared during quiet hours, before the notice was sent',
      });
    } else {
      const items = ((d.payload as unknown as DeliveryPayload).items ?? []) as NoticeItem[];
      const kept = items.filter((i) => remaining.includes(i.event_id));
      const message = alertNotice(org, rule, 'firing', kept, now);
      await updateDelivery(store.db, org.id, d.id, {
        event_ids: remaining,
        title: message.title,
        payload: { message, items: kept } as unknown as Record<string, unknown>,
      });
    }
  }
  return unsent;
}

async function evaluateRule(
  store: Store,
  org: Organization,
  rule: AlertRule,
  now: Date,
  h: Hierarchy,
  channelIds: ReadonlySet<number>,
): Promise<RuleEvaluation> {
  const key = periodKey(now, org.time_zone, rule.interval_minutes);
  const base: RuleEvaluation = {
    rule_id: rule.id,
    rule: rule.name,
    period_key: key,
    evaluated: false,
    firing: 0,
    fired: 0,
    changed: 0,
    resolved: 0,
    held_until: null,
    note: null,
    error: null,
  };
  if (!(await claimEvaluation(store.db, org.id, rule.id, key, now))) return base;
  base.evaluated = true;
  let result: Awaited<ReturnType<typeof evaluateCondition>>;
  try {
    result = await evaluateCondition(store, org, rule, now, h);
  } catch (error) {
    base.error = (error as Error).message;
    await recordEvaluationOutcome(store.db, org.id, rule.id, key, { error: base.error });
    return base;
  }
  const open = await openEvents(store.db, org.id, rule.id);
  const openByKey = new Map(open.map((e) => [e.subject_key, e]));
  const current = new Map(result.subjects.map((s) => [s.key, s]));
  const undetermined = new Set(result.undetermined);

  const fresh: Subject[] = [];
  const changed: Array<{ event: AlertEvent; subject: Subject }> = [];
  const still: number[] = [];
  for (const s of result.subjects) {
    const e = openByKey.get(s.key);
    if (!e) fresh.push(s);
    else if (s.fingerprint !== undefined && s.fingerprint !== fingerprintOf(e))
      changed.push({ event: e, subject: s });
    else still.push(e.id);
  }
  const cleared = open.filter((e) => !current.has(e.subject_key) && !undetermined.has(e.subject_key));
  still.push(...open.filter((e) => undetermined.has(e.subject_key)).map((e) => e.id));

  const detailOf = (s: Subject) => ({
    ...s.detail,
    summary: s.summary,
    ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
  });
  const created = await insertEvents(
    store.db,
    org.id,
    rule.id,
    fresh.map((s) => ({ key: s.key, label: s.label, detail: detailOf(s) })),
    now,
  );
  for (const c of changed) await updateEventDetail(store.db, org.id, c.event.id, detailOf(c.subject), now);
  await touchEvents(store.db, org.id, still, now);
  await resolveEvents(
    store.db,
    org.id,
    cleared.map((e) => e.id),
    now,
  );

  const heldUntil = quietUntil(now, org.time_zone, rule.quiet_hours);
  const unsent = await withdrawHeld(store, org, rule, new Set(cleared.map((e) => e.id)), now);
  const firingItems = [
    ...created.map((e, i) => item(e.id, fresh[i]!)),
    ...changed.map((c) => item(c.event.id, c.subject, true)),
  ];
  const outcomes =
    rule.kind === 'sla_risk'
      ? await slaOutcomes(
          store,
          org,
          cleared.map((e) => e.subject_key),
          now,
        )
      : null;
  const resolvedItems = cleared
    .filter((e) => !unsent.has(e.id))
    .map((e) => {
      const why = outcomes?.get(e.subject_key);
      return item(e.id, {
        key: e.subject_key,
        label: e.subject,
        summary: `${e.subject}: ${why ? `${why}; ` : ''}cleared (firing since ${e.fired_at.toISOString()})`,
      });
    });
  await notify(store, org, rule, 'firing', firingItems, now, heldUntil, channelIds);
  await notify(store, org, rule, 'resolved', resolvedItems, now, heldUntil, channelIds);

  Object.assign(base, {
    firing: result.subjects.length,
    fired: created.length,
    changed: changed.length,
    resolved: cleared.length,
    held_until: heldUntil && (firingItems.length > 0 || resolvedItems.length > 0) ? heldUntil : null,
    note: result.note ?? null,
  });
  await recordEvaluationOutcome(store.db, org.id, rule.id, key, {
    firing: base.firing,
    fired: base.fired,
    changed: base.changed,
    resolved: base.resolved,
    ...(base.note ? { note: base.note } : {}),
    ...(base.held_until ? { held_until: base.held_until.toISOString() } : {}),
  });
  return base;
}

/** Evaluates every enabled rule of the organisation that is due in this period. */
export async function evaluateAlertRules(
  store: Store,
  org: Organization,
  options: EvaluateOptions,
): Promise<RuleEvaluation[]> {
  const rules = (await listRules(store.db, org.id)).filter(
    (r) => r.enabled && (!options.ruleIds || options.ruleIds.includes(r.id)),
  );
  if (rules.length === 0) return [];
  const h = await loadHierarchy(store, org.id);
  const channelIds = new Set((await listChannels(store.db, org.id)).map((c) => c.id));
  const out: RuleEvaluation[] = [];
  for (const rule of rules) out.push(await evaluateRule(store, org, rule, options.now, h, channelIds));
  return out;
}
