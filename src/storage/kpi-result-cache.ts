import { sql } from 'kysely';
import type { KpiRow } from '../engine/assemble-rows.js';
import type { Store } from './database.js';
import { DATA_VERSION_TABLE, DOMAIN_ROW, type WriteDomain, type WriteTracker } from './write-tracking.js';

export interface KpiResultCacheStats {
  hits: number;
  misses: number;
  /** Requests that waited for an identical query already running. */
  shared: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

interface Entry {
  version: string;
  rows: readonly KpiRow[];
  bytes: number;
}

export const DEFAULT_KPI_CACHE_MB = 64;

/**
 * "Now" for KPI answers served live: the start of the current minute, so one minute's identical requests
 * share a cached answer. Only running SLA clocks and backlogs read it; a minute is below their resolution.
 */
export function kpiNow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/**
 * KPI results by query, valid while the data they were computed from is unchanged. The version is the
 * store's count of committed writes (and, on PostgreSQL, the shared count every process bumps), read
 * before computing: a write committed while a query runs leaves the result under the older version, so
 * it is never served after that write. Identical queries running at the same time share one
 * computation. Bounded by an estimate of the rows' size; least recently used entries go first.
 */
export class KpiResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Promise<readonly KpiRow[]>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private shared = 0;

  constructor(readonly maxBytes: number) {}

  /** The version a result computed now would be valid for. */
  currentVersion(store: Store): Promise<string> {
    return dataVersion(store, 'kpi');
  }

  async get(store: Store, key: string, compute: () => Promise<KpiRow[]>): Promise<KpiRow[]> {
    const version = await this.currentVersion(store);
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      this.hits++;
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return copyRows(hit.rows);
    }
    const flightKey = `${version}\u0000${key}`;
    const inFlight = this.running.get(flightKey);
    if (inFlight) {
      this.shared++;
      return copyRows(await inFlight);
    }
    this.misses++;
    const computing = compute();
    this.running.set(flightKey, computing);
    try {
      const rows = await computing;
      this.store(key, version, rows);
      return copyRows(rows);
    } finally {
      this.running.delete(flightKey);
    }
  }

  stats(): KpiResultCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      shared: this.shared,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private store(key: string, version: string, rows: readonly KpiRow[]): void {
    const bytes = 2 * (key.length + JSON.stringify(rows).length);
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { version, rows: copyRows(rows), bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

// Rows hold only primitives; a copy keeps a caller's changes out of the cache.
function copyRows(rows: readonly KpiRow[]): KpiRow[] {
  return rows.map((r) => ({ ...r }));
}

/** `DESKSCORE_KPI_CACHE_MB` (default 64; 0 turns the cache off). */
export function kpiCacheFromEnvironment(env: NodeJS.ProcessEnv = process.env): KpiResultCache | undefined {
  const raw = env.DESKSCORE_KPI_CACHE_MB;
  const mb = raw === undefined || raw === '' ? DEFAULT_KPI_CACHE_MB : Number(raw);
  if (!Number.isFinite(mb) || mb < 0)
    throw new Error(`DESKSCORE_KPI_CACHE_MB must be a number of megabytes, not "${raw}"`);
  return mb === 0 ? undefined : new KpiResultCache(mb * 1024 * 1024);
}

/**
 * This process's count of committed writes in a domain and, on PostgreSQL, every process's. Concurrent
 * reads of the shared count share one statement (a write another process commits while it runs is seen
 * by the next read); this process's own writes are always in the local part.
 */
export async function dataVersion(store: Store, domain: WriteDomain): Promise<string> {
  const local = store.writes.localVersion(domain);
  if (!store.writes.sharesVersion) return String(local);
  return `${local}.${await sharedVersion(store, domain)}`;
}

const sharedReads = new WeakMap<WriteTracker, Map<WriteDomain, Promise<number>>>();

function sharedVersion(store: Store, domain: WriteDomain): Promise<number> {
  let running = sharedReads.get(store.writes);
  if (!running) {
    running = new Map();
    sharedReads.set(store.writes, running);
  }
  const inFlight = running.get(domain);
  if (inFlight) return inFlight;
  const reads = running;
  const read = sql<{
    version: number;
  }>`SELECT version FROM ${sql.table(DATA_VERSION_TABLE)} WHERE id = ${DOMAIN_ROW[domain]}`
    .execute(store.db)
    .then(({ rows }) => rows[0]?.version ?? 0)
    .finally(() => reads.delete(domain));
  running.set(domain, read);
  return read;
}
