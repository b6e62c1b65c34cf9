import { afterEach, describe, expect, it } from 'vitest';
import {
  createApiToken,
  createSession,
  createUser,
  findSessionHolder,
  findTokenHolder,
} from '../../src/storage/accounts.js';
import type { Store } from '../../src/storage/database.js';
import { createOrganization } from '../../src/storage/organizations.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

// A dashboard sends many requests at once with one credential; once a minute they all find the
// "last used" time stale. On DuckDB concurrent updates of one row fail, so only one may write it.
describe.each(ENGINES)('concurrent requests with one credential on %s', (engine) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('all succeed, and the last-used time is written', async () => {
    store = await freshStore(engine);
    const org = await createOrganization(store.db, { slug: 'touch', timeZone: 'UTC' });
    const user = await createUser(store.db, org.id, {
      email: 'touch@example.com',
      name: 'Touch',
      role: 'manager',
      password: 'a-long-enough-password',
    });
    const { token, record } = await createApiToken(store.db, org.id, {
      userId: user.id,
      name: 'dashboard',
      scopes: ['read'],
      expiresAt: null,
    });
    const session = await createSession(store.db, user);
    for (const minutes of [0, 2, 4]) {
      const now = new Date(Date.now() + minutes * 60_000);
      const found = await Promise.all([
        ...Array.from({ length: 20 }, () => findTokenHolder(store.db, token, now)),
        ...Array.from({ length: 20 }, () => findSessionHolder(store.db, session.secret, now)),
      ]);
      expect(found.every((f) => f !== undefined)).toBe(true);
      expect(found[0]).toMatchObject({
        user: { id: user.id, team_ids: [] },
        org: { id: org.id },
        token: { id: record.id },
      });
      const stored = await store.db
        .selectFrom('api_tokens')
        .select('last_used_at')
        .where('id', '=', record.id)
        .executeTakeFirstOrThrow();
      expect(stored.last_used_at?.getTime()).toBe(now.getTime());
    }
  });
});
