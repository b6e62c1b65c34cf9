import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/catalogue/index.js';
import { channelRecord, scheduleRecord } from '../../../src/jobs/alerts/manage.js';
import { AlertScheduler } from '../../../src/jobs/alerts/scheduler.js';
import { createUser } from '../../../src/storage/accounts.js';
import { insertChannel, listDeliveries } from '../../../src/storage/alerts-repository.js';
import type { Store } from '../../../src/storage/database.js';
import { createOrganization, type Organization } from '../../../src/storage/organizations.js';
import {
  insertSchedule,
  listReports,
  recordCorrection,
} from '../../../src/storage/report-schedules-repository.js';
import { runKpiQuery } from '../../../src/storage/run-kpi-query.js';
import { startSmtp } from '../../helpers/alert-receivers.js';
import { ENGINES, freshStore } from '../../helpers/engines.js';
import { scratchDir } from '../../helpers/files.js';
import { loadReportFixture } from '../../helpers/report-fixture.js';

/**
 * Scheduled reports: sent once per slot in the organisation's zone as HTML e-mail with the charts
 * inline and PDF/CSV/XLSX attached; every one recorded in `reports` with its due and sent times, which
 * reports_on_time_accurate then counts (a correction makes a report inaccurate).
 */

const files = scratchDir();
afterAll(() => files.cleanup());

describe.each(ENGINES)('scheduled reports on %s', (engine) => {
  let store: Store;
  let org: Organization;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let now = new Date('2026-03-16T08:05:00Z');
  let scheduler: AlertScheduler;

  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', name: 'Acme Support', timeZone: 'UTC' });
    await loadReportFixture(store, org, files);
    smtp = await startSmtp();
    const channel = await insertChannel(store.db, org.id, {
      ...channelRecord(
        org.id,
        {
          name: 'Managers',
          kind: 'email',
          to: ['managers@acme.test'],
          smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', tls_reject_unauthorized: true },
        },
        null,
      ),
      createdBy: 'test',
    });
    const ana = await store.db
      .selectFrom('agents')
      .select('id')
      .where('org_id', '=', org.id)
      .where('name', '=', 'ana')
      .executeTakeFirstOrThrow();
    await createUser(store.db, org.id, {
      email: 'ana@acme.test',
      name: 'Ana',
      role: 'agent',
      password: 'a long enough password',
      agentId: ana.id,
    });
    const schedule = async (body: Parameters<typeof scheduleRecord>[2]) =>
      insertSchedule(store.db, org.id, (await scheduleRecord(store, org, body, 'test')).record);
    await schedule({
      name: 'Support weekly',
      report: 'weekly',
      scope: { kind: 'desk', id: 'Support' },
      channel_ids: [channel.id],
    });
    await schedule({
      name: 'Alpha agents',
      report: 'agent_weekly',
      scope: { kind: 'team', id: 'Alpha' },
      channel_ids: [channel.id],
      formats: ['pdf'],
    });
    // No grace: due at 08:00 sharp, so the 08:05 send is late.
    await schedule({
      name: 'Beta weekly',
      report: 'weekly',
      scope: { kind: 'team', id: 'Beta' },
      channel_ids: [channel.id],
      formats: ['csv'],
      grace_minutes: 0,
    });
    // The schedules were made on 2026-03-10: the slot of Monday 2026-03-09 passed before they existed.
    await store.db
      .updateTable('report_schedules')
      .set({ created_at: new Date('2026-03-10T00:00:00Z') })
      .where('org_id', '=', org.id)
      .execute();
    scheduler = new AlertScheduler({ store, now: () => now });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await smtp?.close();
    await store?.close();
  });

  const onTime = async () =>
    (
      await runKpiQuery(
        store,
        org,
        CATALOGUE,
        { kpi: 'reports_on_time_accurate', from: '2026-03-16', to: '2026-03-16', grain: 'all' },
        now,
      )
    )[0]!;

  it('sends each report once at its slot, with charts inline and the PDF, CSV and XLSX attached', async () => {
    // Sunday evening: last week's slot (Monday 2026-03-09) predates the schedules; nothing is due.
    now = new Date('2026-03-15T20:00:00Z');
    expect((await scheduler.tick()).reports).toEqual([]);

    now = new Date('2026-03-16T08:05:00Z');
    const tick = await scheduler.tick();
    expect(tick.reports.map((r) => [r.report_id, r.deliveries, r.error]).sort()).toEqual([
      ['scheduled-1-2026-03-09', 1, null],
      [`scheduled-2-2026-03-09-${await agentId('ana')}`, 1, null],
      ['scheduled-3-2026-03-09', 1, null],
    ]);
    expect(tick.deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect((await scheduler.tick()).reports).toEqual([]);

    const manager = smtp.mails.find((m) => m.subject.includes('desk Support'))!;
    expect(manager.subject).toBe('[deskscore] Weekly manager report: desk Support, 2026-03-09 to 2026-03-15');
    expect(manager.to).toEqual(['managers@acme.test']);
    for (const name of [
      'weekly-desk-support-2026-03-09.pdf',
      'weekly-desk-support-2026-03-09.csv',
      'weekly-desk-support-2026-03-09.xlsx',
    ]) {
      expect(manager.raw).toContain(name);
    }
    expect(manager.raw).toContain('Content-ID: <kra-scores@deskscore>');
    // The HTML part (quoted-printable) shows the chart inline by that content id.
    expect(manager.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toContain(
      'src="cid:kra-scores@deskscore"',
    );
    // The agent's own summary goes to the agent only; bo has no address and gets none.
    const own = smtp.mails.filter((m) => m.subject.includes('Weekly summary'));
    expect(own.map((m) => [m.subject, m.to])).toEqual([
      ['[deskscore] Weekly summary for ana: agent ana, 2026-03-09 to 2026-03-15', ['ana@acme.test']],
    ]);
    // Sent deliveries keep the attachments' names and sizes, not their content.
    const log = await listDeliveries(store.db, org.id, { kind: 'report', limit: 10 });
    const attachments = (log[0]!.payload.message as { attachments: Array<Record<string, unknown>> })
      .attachments;
    expect(attachments.every((a) => a.content === undefined && typeof a.size === 'number')).toBe(true);
  });

  it('records due and delivered times, which reports_on_time_accurate counts, and corrections', async () => {
    const reports = await listReports(store.db, org.id, { limit: 10 });
    const byId = new Map(reports.map((r) => [r.id, r]));
    expect(byId.get('scheduled-1-2026-03-09')).toMatchObject({
      report: 'weekly',
      due_at: new Date('2026-03-16T09:00:00Z'),
      delivered_at: new Date('2026-03-16T08:05:00Z'),
      on_time_accurate: true,
      scheduled: true,
    });
    expect(byId.get('scheduled-3-2026-03-09')).toMatchObject({
      due_at: new Date('2026-03-16T08:00:00Z'),
      on_time_accurate: false,
    });
    expect(await onTime()).toMatchObject({ n: 3, value: 66.67 });

    await recordCorrection(store.db, org.id, 'scheduled-1-2026-03-09', new Date('2026-03-16T10:00:00Z'));
    expect(await onTime()).toMatchObject({ n: 3, value: 33.33 });
  });

  async function agentId(name: string): Promise<string> {
    return (
      await store.db
        .selectFrom('agents')
        .select('id')
        .where('org_id', '=', org.id)
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  }
});
