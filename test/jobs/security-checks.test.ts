import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/catalogue/index.js';
import { importFile } from '../../src/ingest/import-file.js';
import { recordSecurityChecks } from '../../src/jobs/security-checks.js';
import { createApiToken, createUser } from '../../src/storage/accounts.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization, type Organization } from '../../src/storage/organizations.js';
import { runKpiQuery } from '../../src/storage/run-kpi-query.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { dedent, scratchDir } from '../helpers/files.js';

const files = scratchDir();
afterAll(() => files.cleanup());

describe.each(ENGINES)('automatic security checks recorded on %s', (engine) => {
  let store: Store;
  let org: Organization;
  beforeAll(async () => {
    store = await freshStore(engine);
    org = await createOrganization(store.db, { slug: 'acme', timeZone: 'UTC' });
    // Two recorded controls: the access review passed on 1 June, backups failed on 2 June.
    await importFile({
      store,
      org,
      file: files.write(
        'controls.csv',
        dedent(`
          control,checked_at,passing
          Quarterly access review,2026-06-01T10:00:00Z,true
          Backups restore test,2026-06-02T10:00:00Z,false
        `),
      ),
    });
    const admin = await createUser(store.db, org.id, {
      email: 'a@acme.test',
      name: 'A',
      role: 'admin',
      password: 'long enough password',
    });
    // A token that never expires: the only automatic check that fails.
    await createApiToken(store.db, org.id, {
      userId: admin.id,
      name: 'forever',
      scopes: ['read'],
      expiresAt: null,
    });
  });
  afterAll(() => store.close());

  it('records one check per control and day, replaced by a later run that day, and the KPI counts them', async () => {
    const first = await recordSecurityChecks(store, org, new Date('2026-06-20T08:00:00Z'));
    await recordSecurityChecks(store, org, new Date('2026-06-20T14:00:00Z'));
    expect(first.filter((c) => !c.passing).map((c) => c.control)).toEqual([
      'auto: API tokens expire within a year',
    ]);
    const stored = await store.db
      .selectFrom('security_controls')
      .select('id')
      .where('import_id', '=', 0)
      .execute();
    expect(stored).toHaveLength(6);
    // June: 2 recorded + 6 automatic controls; passing: the access review + 5 automatic = 6 of 8 = 75 %.
    // May: no checks yet (n 0).
    const rows = await runKpiQuery(store, org, CATALOGUE, {
      kpi: 'security_controls_passing',
      from: '2026-05-01',
      to: '2026-06-30',
      grain: 'month',
    });
    expect(rows.map((r) => [r.bucket, r.value, r.n])).toEqual([
      ['2026-05-01', null, 0],
      ['2026-06-01', 75, 8],
    ]);
  });

  it('fails the access review once the last one is older than a quarter', async () => {
    // 1 June 10:00 to 15 September 08:00: 105 whole days.
    const later = await recordSecurityChecks(store, org, new Date('2026-09-15T08:00:00Z'));
    expect(later.find((c) => c.control.includes('access review'))).toMatchObject({
      passing: false,
      note: 'last passing access review 105 days ago',
    });
  });
});
