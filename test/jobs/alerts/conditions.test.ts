import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlertRules } from '../../../src/jobs/alerts/evaluate-alerts.js';
import { insertRule, listEvents } from '../../../src/storage/alerts-repository.js';
import type { Store } from '../../../src/storage/database.js';
import { createOrganization, type Organization } from '../../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../../helpers/engines.js';
import { scratchDir } from '../../helpers/files.js';
import { loadReportFixture } from '../../helpers/report-fixture.js';

const files = scratchDir();
afterAll(() => files.cleanup());

/** A KPI threshold is judged only on a significant value: too small a sample neither fires nor clears. */
describe.each(ENGINES)('KPI threshold alerts on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
    await loadReportFixture(store, org, files);
  });
  afterAll(() => store?.close());

  const setParams = (id: number, params: object) =>
    store.db
      .updateTable('alert_rules')
      .set({ params: JSON.stringify(params) })
      .where('org_id', '=', org.id)
      .where('id', '=', id)
      .execute();

  it('fires on a significant crossing, holds while not significant, and clears', async () => {
    const rule = await insertRule(store.db, org.id, {
      name: 'CSAT low',
      kind: 'kpi_threshold',
      scope: { kind: 'desk', id: 'Support' },
      params: { kpi: 'csat', op: 'below', threshold: 95, window_days: 7 },
      channel_ids: [],
      interval_minutes: 60,
      quiet_hours: null,
      enabled: true,
      created_by: 'test',
    });
    const run = (iso: string) => evaluateAlertRules(store, org, { now: new Date(iso) });

    const [fired] = await run('2026-03-15T12:00:00Z');
    expect(fired).toMatchObject({ evaluated: true, firing: 1, fired: 1 });
    const [event] = await listEvents(store.db, org.id, { state: 'firing', limit: 5 });
    expect(event!.subject).toBe('CSAT for desk Support');
    expect(event!.detail).toMatchObject({
      kpi: 'csat',
      from: '2026-03-09',
      to: '2026-03-15',
      op: 'below',
      threshold: 95,
    });
    expect(String(event!.detail.summary)).toMatch(
      /^CSAT for desk Support is [\d.]+ % over 2026-03-09 to 2026-03-15 \(n \d+, 95 %/,
    );

    // One day of answers is below CSAT's minimum of 20: not judged, the event stays open.
    await setParams(rule.id, { kpi: 'csat', op: 'below', threshold: 0, window_days: 1 });
    const [held] = await run('2026-03-15T13:00:00Z');
    expect(held).toMatchObject({ evaluated: true, firing: 0, resolved: 0 });
    expect(held!.note).toMatch(/below its minimum 20: not judged/);
    expect(await listEvents(store.db, org.id, { state: 'firing', limit: 5 })).toHaveLength(1);

    // Significant again and above the threshold: it clears.
    await setParams(rule.id, { kpi: 'csat', op: 'below', threshold: 0, window_days: 7 });
    const [cleared] = await run('2026-03-15T14:00:00Z');
    expect(cleared).toMatchObject({ firing: 0, resolved: 1 });
    expect(await listEvents(store.db, org.id, { state: 'firing', limit: 5 })).toEqual([]);
  });
});
