import {
  acceptSession,
  acceptToken,
  loadSessionRecord,
  loadTokenRecord,
  type SessionRecord,
  secretHash,
  type TokenRecord,
} from '../storage/accounts.js';
import type { Store } from '../storage/database.js';
import { dataVersion } from '../storage/kpi-result-cache.js';

const MAX_ENTRIES = 10_000;

/**
 * Tokens and sessions as stored, by the hash of their secret, valid while no process has written the
 * account tables (tokens, sessions, users, their teams, organisations): a revocation, a disabled user or
 * a role change is seen by the next request. Expiry and idle time are checked on every request. Only
 * known credentials are kept, so a guessed secret still costs a lookup.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { version: string; record: TokenRecord | SessionRecord }>();

  constructor(private readonly store: Store) {}

  async token(secret: string, now: Date): Promise<TokenRecord | undefined> {
    const record = await this.record(`t:${secretHash(secret)}`, (hash) =>
      loadTokenRecord(this.store.db, hash),
    );
    return record && (await acceptToken(this.store.db, record as TokenRecord, now))
      ? (record as TokenRecord)
      : undefined;
  }

  async session(secret: string, now: Date): Promise<SessionRecord | undefined> {
    const record = await this.record(`s:${secretHash(secret)}`, (hash) =>
      loadSessionRecord(this.store.db, hash),
    );
    return record && (await acceptSession(this.store.db, record as SessionRecord, now))
      ? (record as SessionRecord)
      : undefined;
  }

  private async record(
    key: string,
    load: (hash: string) => Promise<TokenRecord | SessionRecord | undefined>,
  ): Promise<TokenRecord | SessionRecord | undefined> {
    const version = await dataVersion(this.store, 'accounts');
    const hit = this.entries.get(key);
    // A copy: a route changing its principal must not change the next request's.
    if (hit && hit.version === version) return structuredClone(hit.record);
    const record = await load(key.slice(2));
    if (!record) {
      this.entries.delete(key);
      return undefined;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, record: structuredClone(record) });
    return record;
  }
}
