import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApiToken, createUser } from '../../src/storage/accounts.js';
import { openStore } from '../../src/storage/database.js';
import { createOrganization } from '../../src/storage/organizations.js';
import { scratchDir } from '../helpers/files.js';
import { LIVE_BATCH } from '../helpers/live-batch.js';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';

const files = scratchDir();
afterAll(() => files.cleanup());

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('live ingestion survives a crash right after the 2xx', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('stores every event of an acknowledged batch exactly once after SIGKILL and restart, and a replay changes nothing', async () => {
    const db = files.path('crash.duckdb');
    const setup = await openStore({ kind: 'duckdb', location: db });
    const org = await createOrganization(setup.db, { slug: 'acme', timeZone: 'UTC' });
    const user = await createUser(setup.db, org.id, {
      email: 'ops@acme.test',
      name: 'Ops',
      role: 'manager',
      password: 'long enough password',
    });
    const { token } = await createApiToken(setup.db, org.id, {
      userId: user.id,
      name: 'helpdesk',
      scopes: ['read', 'write'],
      expiresAt: null,
    });
    await setup.close();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const first = await startServerProcess(db, '--no-demo');
    children.push(first.child);
    const accepted = await fetch(`${first.url}/api/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify(LIVE_BATCH),
    });
    // Killed the moment the acknowledgement arrives: processing may not have started.
    first.child.kill('SIGKILL');
    expect(accepted.status).toBe(202);
    const { batch } = (await accepted.json()) as { batch: { id: string } };
    await stopServerProcess(first.child, 'SIGKILL');

    const second = await startServerProcess(db, '--no-demo');
    children.push(second.child);
    const get = (path: string) => fetch(`${second.url}${path}`, { headers }).then((r) => r.json());
    const processed = await until('the batch to be processed', async () => {
      const b = (await get(`/api/v1/events/batches/${batch.id}`)) as { status: string };
      return b.status === 'pending' ? undefined : b;
    });
    expect(processed.status).toBe('processed');
    const frt = (await get(
      '/api/v1/kpis/first_response_time/values?from=2026-03-10&to=2026-03-10&grain=day&clock=calendar',
    )) as Array<{ value: number; n: number }>;
    expect(frt[0]).toMatchObject({ value: 1800, n: 1 });

    const replay = await fetch(`${second.url}/api/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify(LIVE_BATCH),
    });
    const replayId = ((await replay.json()) as { batch: { id: string } }).batch.id;
    const replayed = await until('the replay to be processed', async () => {
      const b = (await get(`/api/v1/events/batches/${replayId}`)) as {
        status: string;
        result: { shapes: Array<{ created: number; updated: number }> };
      };
      return b.status === 'pending' ? undefined : b;
    });
    expect(replayed.result.shapes.map((s) => s.created + s.updated)).toEqual([0, 0]);
    expect(await stopServerProcess(second.child)).toBe(0);

    const check = await openStore({ kind: 'duckdb', location: db });
    try {
      const events = await check.db
        .selectFrom('ticket_events')
        .select(['id'])
        .where('ticket_id', '=', 'L1')
        .execute();
      const surveys = await check.db.selectFrom('surveys').select(['id']).execute();
      expect(events.map((e) => e.id).sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
      expect(surveys).toHaveLength(1);
    } finally {
      await check.close();
    }
  });
});
