import { randomUUID } from 'node:crypto';
import { DEFAULT_RETRY_DELAYS_MS, retryDelay } from '../../engine/alert-timing.js';
import {
  type Channel,
  claimDelivery,
  type Delivery,
  dueDeliveries,
  getChannel,
  insertDeliveries,
  reportDeliveries,
  updateDelivery,
} from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import { markReportDelivered } from '../../storage/report-schedules-repository.js';
import { type MessageAttachment, type OutgoingMessage, sendMessage } from './channels.js';

/**
 * The delivery worker: sends waiting deliveries (the delivery log's pending rows and the held ones whose
 * quiet hours are over), retries a failed send after a back-off (30 s, 2 min, 8 min, 30 min, 2 h by
 * default) and gives up after the last one. A report is marked delivered once all its deliveries are sent.
 */

export interface DeliveryOptions {
  now: Date;
  env?: NodeJS.ProcessEnv;
  retryDelaysMs?: readonly number[];
  limit?: number;
}

/** What a delivery's payload holds. */
export interface DeliveryPayload {
  message: OutgoingMessage;
  /** A personal report's own recipients (instead of the channel's). */
  recipients?: string[];
  /** The subjects of an alert notice (to rebuild it when quiet hours suppress some). */
  items?: unknown[];
}

export interface DeliveryOutcome {
  id: string;
  channel_id: number;
  kind: Delivery['kind'];
  status: Delivery['status'];
  attempts: number;
  error: string | null;
}

/** Attachments are dropped from the log once sent (their names and sizes stay). */
function withoutContent(payload: DeliveryPayload): DeliveryPayload {
  const attachments = payload.message.attachments?.map(
    ({ content: _content, ...rest }): MessageAttachment => rest,
  );
  return { ...payload, message: { ...payload.message, ...(attachments ? { attachments } : {}) } };
}

async function attempt(
  store: Store,
  org: Organization,
  d: Delivery,
  channel: Channel | null,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const payload = d.payload as unknown as DeliveryPayload;
  const attempts = d.attempts + 1;
  const now = options.now;
  try {
    if (!channel) throw new Error(`channel #${d.channel_id} no longer exists`);
    const result = await sendMessage(org.id, channel, payload.message, {
      deliveryId: d.id,
      now,
      ...(options.env ? { env: options.env } : {}),
      ...(payload.recipients ? { recipients: payload.recipients } : {}),
    });
    // The scheduler's clock (the real one in the server), so a report's lateness is judged on one clock.
    const sentAt = now;
    await updateDelivery(store.db, org.id, d.id, {
      status: 'sent',
      attempts,
      sent_at: sentAt,
      next_attempt_at: null,
      last_error: null,
      response: result.response,
      payload: withoutContent(payload) as unknown as Record<string, unknown>,
    });
    if (d.report_id) await settleReport(store, org, d.report_id);
    return { id: d.id, channel_id: d.channel_id, kind: d.kind, status: 'sent', attempts, error: null };
  } catch (error) {
    const message = ((error as Error).message ?? String(error)).slice(0, 1000);
    const delay =
      d.kind === 'test' ? null : retryDelay(attempts, options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
    const status = delay === null ? 'failed' : 'pending';
    await updateDelivery(store.db, org.id, d.id, {
      status,
      attempts,
      last_error: message,
      next_attempt_at: delay === null ? null : new Date(now.getTime() + delay),
    });
    return { id: d.id, channel_id: d.channel_id, kind: d.kind, status, attempts, error: message };
  }
}

/** Marks a report delivered once every delivery of it is sent. */
async function settleReport(store: Store, org: Organization, reportId: string): Promise<void> {
  const all = await reportDeliveries(store.db, org.id, reportId);
  if (all.length === 0 || all.some((x) => x.status !== 'sent' || x.sent_at === null)) return;
  const last = new Date(Math.max(...all.map((x) => x.sent_at!.getTime())));
  await markReportDelivered(store.db, org.id, reportId, last);
}

/** Sends the organisation's waiting deliveries whose time has come. */
export async function deliverDue(
  store: Store,
  org: Organization,
  options: DeliveryOptions,
): Promise<DeliveryOutcome[]> {
  const due = await dueDeliveries(store.db, org.id, options.now, options.limit ?? 50);
  const channels = new Map<number, Channel | null>();
  const outcomes: DeliveryOutcome[] = [];
  for (const d of due) {
    if (!(await claimDelivery(store.db, org.id, d.id, options.now))) continue;
    if (!channels.has(d.channel_id))
      channels.set(d.channel_id, await getChannel(store.db, org.id, d.channel_id));
    outcomes.push(await attempt(store, org, d, channels.get(d.channel_id) ?? null, options));
  }
  return outcomes;
}

/** Sends a test message on a channel now (no retries) and logs it; the outcome says whether it arrived. */
export async function sendTest(
  store: Store,
  org: Organization,
  channel: Channel,
  message: OutgoingMessage,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const id = randomUUID();
  await insertDeliveries(
    store.db,
    org.id,
    [
      {
        id,
        channel_id: channel.id,
        rule_id: null,
        event_ids: [],
        report_id: null,
        kind: 'test',
        title: message.title,
        payload: { message } as unknown as Record<string, unknown>,
        status: 'sending',
        next_attempt_at: null,
      },
    ],
    options.now,
  );
  const d: Delivery = {
    id,
    channel_id: channel.id,
    rule_id: null,
    event_ids: [],
    report_id: null,
    kind: 'test',
    title: message.title,
    payload: { message } as unknown as Record<string, unknown>,
    status: 'sending',
    attempts: 0,
    next_attempt_at: null,
    last_error: null,
    response: null,
    created_at: options.now,
    sent_at: null,
  };
  return attempt(store, org, d, channel, options);
}
