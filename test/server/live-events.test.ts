import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signBatch, TIMESTAMP_HEADER } from '../../src/server/routes/live-events.js';
import { createApiToken } from '../../src/storage/accounts.js';
import { type ApiFixture, apiFixture, type Credentials } from '../helpers/api.js';
import { ENGINES } from '../helpers/engines.js';
import { LIVE_BATCH } from '../helpers/live-batch.js';

describe.each(ENGINES)('live ingestion on %s', (engine) => {
  let f: ApiFixture;
  let token: Credentials;
  beforeAll(async () => {
    f = await apiFixture(engine);
    const created = await createApiToken(f.store.db, f.orgA.id, {
      userId: f.users.manager.id,
      name: 'helpdesk',
      scopes: ['read', 'write'],
      expiresAt: null,
    });
    token = { bearer: created.token };
  });
  afterAll(() => f.close());

  const counts = async () => ({
    events: Number(
      (
        await f.store.db
          .selectFrom('ticket_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('ticket_id', '=', 'L1')
          .executeTakeFirstOrThrow()
      ).n,
    ),
    surveys: Number(
      (
        await f.store.db
          .selectFrom('surveys')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    batches: Number(
      (
        await f.store.db
          .selectFrom('ingest_batches')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });
  const frt = async () =>
    (
      await f.request(
        token,
        'GET',
        '/api/v1/kpis/first_response_time/values?from=2026-03-10&to=2026-03-10&grain=day&clock=calendar',
      )
    ).json()[0];

  it('stores a batch, answers 202, and re-derives the tickets it touched', async () => {
    const res = await f.request(token, 'POST', '/api/v1/events', LIVE_BATCH);
    expect(res.statusCode).toBe(202);
    const { batch } = res.json();
    expect(batch).toMatchObject({ item_count: 5, status: 'pending' });
    await f.app.deskscore.ingest.idle();
    expect(await counts()).toEqual({ events: 4, surveys: 1, batches: 1 });
    // One ticket created 10 March, first public human reply after 1,800 s.
    expect(await frt()).toMatchObject({ value: 1800, n: 1 });
    const csat = (
      await f.request(token, 'GET', '/api/v1/kpis/csat/values?from=2026-03-01&to=2026-03-31')
    ).json()[0];
    expect(csat).toMatchObject({ value: 100, n: 1 });
    const stored = (await f.request(token, 'GET', `/api/v1/events/batches/${batch.id}`)).json();
    expect(stored.status).toBe('processed');
    expect(stored.result.shapes.map((s: { shape: string; created: number }) => [s.shape, s.created])).toEqual(
      [
        ['events', 4],
        ['surveys', 1],
      ],
    );
  });

  it('changes nothing when the same batch is sent again', async () => {
    const res = await f.request(token, 'POST', '/api/v1/events', LIVE_BATCH);
    expect(res.statusCode).toBe(202);
    await f.app.deskscore.ingest.idle();
    const again = (await f.request(token, 'GET', `/api/v1/events/batches/${res.json().batch.id}`)).json();
    expect(
      again.result.shapes.map((s: { created: number; updated: number }) => s.created + s.updated),
    ).toEqual([0, 0]);
    expect(await counts()).toEqual({ events: 4, surveys: 1, batches: 2 });
    expect(await frt()).toMatchObject({ value: 1800, n: 1 });
  });

  it('returns the first batch for a repeated Idempotency-Key', async () => {
    const first = await f.request(token, 'POST', '/api/v1/events', LIVE_BATCH, { 'idempotency-key': 'k-1' });
    const second = await f.request(token, 'POST', '/api/v1/events', LIVE_BATCH, { 'idempotency-key': 'k-1' });
    expect(second.json()).toMatchObject({ replayed: true, batch: { id: first.json().batch.id } });
    await f.app.deskscore.ingest.idle();
  });

  it('refuses a batch with an invalid item, naming the item and field, and stores nothing', async () => {
    const before = await counts();
    const bad = structuredClone(LIVE_BATCH);
    bad.items[2]!.record.at = 'yesterday-ish';
    (bad.items[4]!.record as Record<string, unknown>).stars = 5;
    const res = await f.request(token, 'POST', '/api/v1/events', bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.items.2.record.at',
      'body.items.4.record.stars',
    ]);
    const wrongShape = await f.request(token, 'POST', '/api/v1/events', {
      items: [{ shape: 'tweets', record: {} }],
    });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().error.issues[0].field).toBe('body.items.0.shape');
    expect(await counts()).toEqual(before);
  });

  it('refuses sessions and read-only tokens', async () => {
    const session = await f.login(f.users.manager.email);
    expect((await f.request(session, 'POST', '/api/v1/events', LIVE_BATCH)).statusCode).toBe(403);
    const read = await createApiToken(f.store.db, f.orgA.id, {
      userId: f.users.manager.id,
      name: 'r',
      scopes: ['read'],
      expiresAt: null,
    });
    expect((await f.request({ bearer: read.token }, 'POST', '/api/v1/events', LIVE_BATCH)).statusCode).toBe(
      403,
    );
  });

  describe('with a signing secret', () => {
    let secret: string;
    beforeAll(async () => {
      const admin = await f.login(f.users.admin.email);
      secret = (await f.request(admin, 'POST', '/api/v1/ingest-secrets', { name: 'helpdesk' })).json().secret;
    });
    const now = () => String(Math.floor(Date.now() / 1000));
    const send = (body: string, headers: Record<string, string>) =>
      f.request(token, 'POST', '/api/v1/events', body, { 'content-type': 'application/json', ...headers });

    it('refuses unsigned batches, a wrong secret, an altered body and a stale timestamp, storing nothing', async () => {
      const before = await counts();
      const body = JSON.stringify(LIVE_BATCH);
      const t = now();
      const cases = [
        await send(body, {}),
        await send(body, { [TIMESTAMP_HEADER]: t, [SIGNATURE_HEADER]: signBatch('whsec_wrong', t, body) }),
        await send(body.replace('"score":5', '"score":1'), {
          [TIMESTAMP_HEADER]: t,
          [SIGNATURE_HEADER]: signBatch(secret, t, body),
        }),
        await send(body, {
          [TIMESTAMP_HEADER]: String(Number(t) - 301),
          [SIGNATURE_HEADER]: signBatch(secret, String(Number(t) - 301), body),
        }),
      ];
      expect(cases.map((r) => [r.statusCode, r.json().error.code])).toEqual([
        [401, 'signature_required'],
        [401, 'bad_signature'],
        [401, 'bad_signature'],
        [401, 'stale_signature'],
      ]);
      expect(await counts()).toEqual(before);
    });

    it('accepts a batch signed over its exact bytes', async () => {
      const body = JSON.stringify(LIVE_BATCH, null, 1);
      const t = now();
      const res = await send(body, { [TIMESTAMP_HEADER]: t, [SIGNATURE_HEADER]: signBatch(secret, t, body) });
      expect(res.statusCode).toBe(202);
      await f.app.deskscore.ingest.idle();
    });
  });
});
