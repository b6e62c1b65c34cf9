import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../src/ingest/import-file.js';
import { signWebhook } from '../../../src/jobs/alerts/channels.js';
import { channelRecord } from '../../../src/jobs/alerts/manage.js';
import { AlertScheduler } from '../../../src/jobs/alerts/scheduler.js';
import { deriveTickets } from '../../../src/jobs/derive-tickets.js';
import {
  insertChannel,
  insertRule,
  listDeliveries,
  listEvents,
  type RuleRecordInput,
} from '../../../src/storage/alerts-repository.js';
import type { Store } from '../../../src/storage/database.js';
import { createOrganization, type Organization } from '../../../src/storage/organizations.js';
import { saveSlaPolicy } from '../../../src/storage/settings-repository.js';
import { type ReceivedMail, startReceiver, startSmtp } from '../../helpers/alert-receivers.js';
import { ENGINES, freshStore } from '../../helpers/engines.js';
import { dedent, scratchDir } from '../../helpers/files.js';

/**
 * Issue 10, done when: a real SMTP server on 127.0.0.1 and a local HTTP receiver; an alert fires once,
 * is deduplicated, is retried after a receiver failure, and clears. The rule watches tickets at risk of
 * breaching their first-reply SLA (1 hour) within 60 minutes; the clock is the scheduler's.
 */

const files = scratchDir();
afterAll(() => files.cleanup());

const HEADER = 'id,created_at,status,priority,desk,team,assignee,channel,first_response_at,solved_at';
const ticket = (id: string, created: string, firstResponse = '') =>
  `${id},${created},open,normal,Support,Alpha,ana,email,${firstResponse},`;
const at = (hhmm: string) => new Date(`2026-03-09T${hhmm}:00Z`);
const ENV = { TEST_HOOK_SECRET: 'hook-signing-secret-123' };

async function load(store: Store, org: Organization, name: string, rows: string[]) {
  await importFile({ store, org, file: files.write(name, dedent(`${HEADER}\n${rows.join('\n')}\n`)) });
  await deriveTickets(store, org, { kind: 'all' });
}

describe.each(ENGINES)('alerts on %s', (engine) => {
  let store: Store;
  let org: Organization;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let now = at('09:00');
  let scheduler: AlertScheduler;
  const channels: Record<'email' | 'json' | 'slack', number> = { email: 0, json: 0, slack: 0 };

  const rule = (over: Partial<RuleRecordInput>): RuleRecordInput => ({
    name: 'SLA risk',
    kind: 'sla_risk',
    scope: { kind: 'organization', id: null },
    params: { within_minutes: 60 },
    channel_ids: [channels.email, channels.json, channels.slack],
    interval_minutes: 5,
    quiet_hours: null,
    enabled: true,
    created_by: 'test',
    ...over,
  });

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
    await saveSlaPolicy(store.db, org.id, {
      id: 'standard',
      name: 'Standard',
      position: 1,
      targets: [{ priority: 'normal', metric: 'first_reply', targetSeconds: 3600, businessHours: false }],
    });
    smtp = await startSmtp();
    hooks = await startReceiver({ '/json': 1 });
    const add = async (input: Parameters<typeof channelRecord>[1]) =>
      (
        await insertChannel(store.db, org.id, {
          ...channelRecord(org.id, input, null, ENV),
          createdBy: 'test',
        })
      ).id;
    channels.email = await add({
      name: 'Ops mail',
      kind: 'email',
      to: ['ops@acme.test'],
      from: 'deskscore@acme.test',
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', tls_reject_unauthorized: true },
    });
    channels.json = await add({
      name: 'Hook',
      kind: 'webhook',
      url: `${hooks.url}/json`,
      format: 'json',
      signing_secret: { env: 'TEST_HOOK_SECRET' },
    });
    channels.slack = await add({
      name: 'Slack',
      kind: 'webhook',
      url: `${hooks.url}/slack`,
      format: 'slack',
    });
    scheduler = new AlertScheduler({ store, now: () => now, env: ENV, retryDelaysMs: [20_000, 60_000] });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await smtp?.close();
    await hooks?.close();
    await store?.close();
  });

  const tickAt = async (hhmm: string) => {
    now = at(hhmm);
    return scheduler.tick();
  };
  const subjects = (mails: ReceivedMail[]) => mails.map((m) => m.subject);

  it('fires once, retries a failing receiver, deduplicates, and sends a resolved notice when it clears', async () => {
    // T1 was created at 09:00: its first reply is due at 10:00. T0 was answered in time.
    await load(store, org, 'a.csv', [
      ticket('T1', '2026-03-09T09:00:00Z'),
      ticket('T0', '2026-03-09T08:00:00Z', '2026-03-09T08:10:00Z'),
    ]);
    const r = await insertRule(store.db, org.id, rule({}));

    // 08:30 in the morning of the same day: 10:00 is 90 minutes away, not yet at risk.
    expect((await tickAt('08:30')).evaluations[0]).toMatchObject({ evaluated: true, firing: 0, fired: 0 });
    expect(smtp.mails).toHaveLength(0);

    // 09:20: due in 40 minutes, at risk. One notice per channel; the JSON receiver fails once.
    const first = await tickAt('09:20');
    expect(first.evaluations[0]).toMatchObject({ evaluated: true, firing: 1, fired: 1 });
    expect(first.deliveries.map((d) => d.status).sort()).toEqual(['pending', 'sent', 'sent']);
    expect(subjects(smtp.mails)).toEqual(['[deskscore] SLA risk: Ticket T1 (first reply)']);
    expect(smtp.mails[0]!.to).toEqual(['ops@acme.test']);
    expect(smtp.mails[0]!.raw).toContain('due 2026-03-09 10:00 (in 40 min)');
    const slack = hooks.hooks.filter((h) => h.path === '/slack');
    expect(slack).toHaveLength(1);
    expect(JSON.parse(slack[0]!.body)).toMatchObject({
      text: '[deskscore] SLA risk: Ticket T1 (first reply)',
    });
    expect(hooks.hooks.filter((h) => h.path === '/json').map((h) => h.status)).toEqual([500]);
    const failed = (await listDeliveries(store.db, org.id, { channelId: channels.json, limit: 10 }))[0]!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.last_error).toContain('HTTP 500');
    expect(failed.next_attempt_at).toEqual(new Date(at('09:20').getTime() + 20_000));

    // Same period, 10 s later: the rule is not evaluated again, and the retry is not due yet.
    const same = await tickAt('09:20');
    expect(same.evaluations[0]).toMatchObject({ evaluated: false });
    expect(same.deliveries).toEqual([]);

    // 09:21: the retry is due and the receiver is back.
    const retry = await tickAt('09:21');
    expect(retry.deliveries).toMatchObject([{ channel_id: channels.json, status: 'sent', attempts: 2 }]);
    const json = hooks.hooks.filter((h) => h.path === '/json');
    expect(json.map((h) => h.status)).toEqual([500, 200]);
    const body = JSON.parse(json[1]!.body);
    expect(body).toMatchObject({ event: 'alert.firing', rule: { id: r.id, kind: 'sla_risk' } });
    expect(body.items).toMatchObject([{ key: 'sla:T1:1', label: 'Ticket T1 (first reply)' }]);
    // Signed like the batches deskscore receives: v1=HMAC-SHA256("<timestamp>.<body>").
    const ts = json[1]!.headers['x-deskscore-timestamp'] as string;
    expect(json[1]!.headers['x-deskscore-signature']).toBe(
      signWebhook(ENV.TEST_HOOK_SECRET, ts, json[1]!.body),
    );

    // 09:26 and 09:31: still at risk in new periods: evaluated, but nothing is sent again (dedupe).
    for (const t of ['09:26', '09:31']) {
      const again = await tickAt(t);
      expect(again.evaluations[0]).toMatchObject({ evaluated: true, firing: 1, fired: 0, resolved: 0 });
      expect(again.deliveries).toEqual([]);
    }
    expect(smtp.mails).toHaveLength(1);
    expect(await listEvents(store.db, org.id, { state: 'firing', limit: 10 })).toHaveLength(1);

    // An agent answers at 09:33; at 09:36 the condition has cleared: one resolved notice per channel.
    await load(store, org, 'b.csv', [ticket('T1', '2026-03-09T09:00:00Z', '2026-03-09T09:33:00Z')]);
    const cleared = await tickAt('09:36');
    expect(cleared.evaluations[0]).toMatchObject({ evaluated: true, firing: 0, resolved: 1 });
    expect(cleared.deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(subjects(smtp.mails)).toEqual([
      '[deskscore] SLA risk: Ticket T1 (first reply)',
      '[deskscore] Resolved: SLA risk: Ticket T1 (first reply)',
    ]);
    expect(smtp.mails[1]!.raw).toContain('met; cleared');
    expect(JSON.parse(hooks.hooks.filter((h) => h.path === '/slack').at(-1)!.body).text).toContain(
      'Resolved',
    );
    expect(await listEvents(store.db, org.id, { state: 'firing', limit: 10 })).toEqual([]);
    const resolved = await listEvents(store.db, org.id, { state: 'resolved', limit: 10 });
    expect(resolved).toMatchObject([{ subject_key: 'sla:T1:1', resolved_at: at('09:36') }]);

    // Nothing more once it has cleared.
    expect((await tickAt('09:41')).deliveries).toEqual([]);
    const log = await listDeliveries(store.db, org.id, { ruleId: r.id, limit: 50 });
    expect(log.map((d) => `${d.kind}:${d.status}`).sort()).toEqual([
      'firing:sent',
      'firing:sent',
      'firing:sent',
      'resolved:sent',
      'resolved:sent',
      'resolved:sent',
    ]);
  });

  it('holds notices during quiet hours and drops those whose condition cleared before they were sent', async () => {
    await store.db.updateTable('alert_rules').set({ enabled: false }).where('org_id', '=', org.id).execute();
    const mailsBefore = smtp.mails.length;
    // Quiet 12:00–13:00 (the organisation's zone, UTC here). T2 and T3 are due at 13:05.
    await load(store, org, 'c.csv', [
      ticket('T2', '2026-03-09T12:05:00Z'),
      ticket('T3', '2026-03-09T12:05:00Z'),
    ]);
    const r = await insertRule(
      store.db,
      org.id,
      rule({ name: 'Quiet', channel_ids: [channels.email], quiet_hours: { start: '12:00', end: '13:00' } }),
    );
    const fired = await tickAt('12:05');
    expect(fired.evaluations.find((e) => e.rule_id === r.id)).toMatchObject({
      fired: 2,
      held_until: at('13:00'),
    });
    expect(fired.deliveries).toEqual([]);
    expect((await listDeliveries(store.db, org.id, { ruleId: r.id, limit: 10 }))[0]).toMatchObject({
      status: 'held',
    });

    // T2 is answered during quiet hours: it leaves the held notice, and gets no resolved notice.
    await load(store, org, 'd.csv', [ticket('T2', '2026-03-09T12:05:00Z', '2026-03-09T12:10:00Z')]);
    const cleared = await tickAt('12:15');
    expect(cleared.evaluations.find((e) => e.rule_id === r.id)).toMatchObject({ resolved: 1 });
    expect(cleared.deliveries).toEqual([]);

    // At 13:00 the held notice goes out with T3 only.
    const sent = await tickAt('13:00');
    expect(sent.deliveries).toMatchObject([{ kind: 'firing', status: 'sent' }]);
    expect(smtp.mails.slice(mailsBefore).map((m) => m.subject)).toEqual([
      '[deskscore] Quiet: Ticket T3 (first reply)',
    ]);
    const log = await listDeliveries(store.db, org.id, { ruleId: r.id, limit: 10 });
    expect(log.map((d) => `${d.kind}:${d.status}`)).toEqual(['firing:sent']);
  });
});
