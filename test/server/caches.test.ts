import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/storage/accounts.js';
import { openStore, type Store } from '../../src/storage/database.js';
import { type ApiFixture, apiFixture } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';
import { LIVE_BATCH } from '../helpers/live-batch.js';

const VOLUME = '/api/v1/kpis/ticket_volume/values?from=2026-03-01&to=2026-03-31&grain=month';

// The server keeps KPI answers and who each credential belongs to in memory; both must follow the data.
describe.each(ENGINES)('the server caches on %s', (engine) => {
  let f: ApiFixture;
  let other: Store | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
    await f?.close();
  });

  async function token(scopes: Array<'read' | 'write'> = ['read']) {
    const { token: secret, record } = await createApiToken(f.store.db, f.orgA.id, {
      userId: f.users.manager.id,
      name: 'cache test',
      scopes,
      expiresAt: null,
    });
    return { bearer: secret, id: record.id };
  }

  it('answers a KPI from memory until new data arrives through the API, then the new number', async () => {
    f = await apiFixture(engine);
    const t = await token(['read', 'write']);
    const volume = async () => (await f.request(t, 'GET', VOLUME)).json()[0].value;
    // The fixture's three March tickets.
    expect(await volume()).toBe(3);
    expect(await volume()).toBe(3);
    const before = f.store.kpiCache!.stats();
    expect(before.hits).toBeGreaterThanOrEqual(1);

    // A live batch creates ticket L1 on 10 March; its worker imports and derives it.
    const posted = await f.request(t, 'POST', '/api/v1/events', LIVE_BATCH);
    expect(posted.statusCode).toBe(202);
    await f.app.deskscore.ingest.idle();
    expect(await volume()).toBe(4);
  });

  it('refuses a token revoked, or a user disabled, a moment after it was accepted', async () => {
    f = await apiFixture(engine);
    const t = await token();
    expect((await f.request(t, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await f.request(t, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    await revokeApiToken(f.store.db, f.orgA.id, t.id);
    expect((await f.request(t, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);

    const u = await token();
    expect((await f.request(u, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    await f.store.db
      .updateTable('users')
      .set({ role: 'viewer' })
      .where('id', '=', f.users.manager.id)
      .execute();
    expect((await f.request(u, 'GET', '/api/v1/auth/me')).json()).toMatchObject({ user: { role: 'viewer' } });
    await f.store.db
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('id', '=', f.users.manager.id)
      .execute();
    expect((await f.request(u, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it.runIf(engine === 'postgres')('sees a revocation and new data written by another process', async () => {
    f = await apiFixture(engine);
    const t = await token();
    expect((await f.request(t, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await f.request(t, 'GET', VOLUME)).json()[0].value).toBe(3);
    // Another process on the same database: the CLI, or a second server.
    other = await openStore(f.store.target);
    await other.db
      .updateTable('tickets')
      .set({ status: 'deleted' })
      .where('org_id', '=', f.orgA.id)
      .where('id', '=', 'T3')
      .execute();
    await other.db
      .deleteFrom('ticket_facts')
      .where('org_id', '=', f.orgA.id)
      .where('ticket_id', '=', 'T3')
      .execute();
    expect((await f.request(t, 'GET', VOLUME)).json()[0].value).toBe(2);
    await revokeApiToken(other.db, f.orgA.id, t.id);
    expect((await f.request(t, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });
});
