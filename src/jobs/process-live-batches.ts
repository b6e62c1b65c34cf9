import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportFailedError, importFile } from '../ingest/import-file.js';
import { asImportRecord, type LiveItem, type LiveShape } from '../ingest/live-batch.js';
import { parseMapping } from '../ingest/mapping.js';
import type { Store } from '../storage/database.js';
import { finishBatch, pendingBatches } from '../storage/ingest-batches.js';
import type { Organization } from '../storage/organizations.js';
import { deriveTickets } from './derive-tickets.js';
import { SerialQueue } from './serial-queue.js';

export interface BatchResult {
  shapes: Array<{
    shape: LiveShape;
    items: number;
    importId: number;
    created: number;
    updated: number;
    unchanged: number;
  }>;
  ticketsDerived: number;
}

/**
 * Stores one batch through the importer (one import per shape, in the order shapes first appear:
 * tickets before their events before their surveys), then re-derives the tickets it touched. Safe to
 * repeat: every merge is an idempotent upsert on source ids.
 */
export async function processLiveBatch(
  store: Store,
  org: Organization,
  batchId: string,
  items: readonly LiveItem[],
): Promise<BatchResult> {
  const groups = new Map<LiveShape, LiveItem[]>();
  for (const item of items) {
    const list = groups.get(item.shape) ?? [];
    list.push(item);
    groups.set(item.shape, list);
  }
  const dir = mkdtempSync(join(tmpdir(), 'deskscore-live-'));
  const result: BatchResult = { shapes: [], ticketsDerived: 0 };
  try {
    for (const [shape, group] of groups) {
      const file = join(dir, `batch-${batchId}-${shape}.jsonl`);
      writeFileSync(file, `${group.map((i) => JSON.stringify(asImportRecord(i.record))).join('\n')}\n`);
      const summary = await importFile({
        store,
        org,
        file,
        mapping: parseMapping({ shape, format: 'jsonl' }),
      });
      const counts = summary.records?.counts ?? summary.events ?? summary.tickets;
      result.shapes.push({ shape, items: group.length, importId: summary.importId, ...counts });
      if (shape === 'tickets' || shape === 'events') {
        const derived = await deriveTickets(store, org, { kind: 'import', importId: summary.importId });
        result.ticketsDerived += derived.tickets;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const MAX_ATTEMPTS = 5;

/**
 * Processes stored batches in the background, oldest first, one at a time: woken when a batch is
 * accepted and at start (batches accepted before a crash are still pending then). A failure that is
 * not the data's fault (e.g. a write conflict) is retried; after 5 attempts the batch is marked failed.
 */
export class LiveBatchWorker {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly orgs = new Map<number, Organization>();

  constructor(
    private readonly store: Store,
    private readonly log: { error(obj: object, msg: string): void },
    private readonly writes: SerialQueue = new SerialQueue(),
  ) {}

  /** Starts a pass unless one is running (then one more pass follows it). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /** Resolves when nothing is pending or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async organization(id: number): Promise<Organization | undefined> {
    const cached = this.orgs.get(id);
    if (cached) return cached;
    const org = await this.store.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (org) this.orgs.set(id, org);
    return org;
  }

  private async drain(): Promise<void> {
    const retryLater = new Set<string>();
    while (!this.stopped) {
      const batches = (await pendingBatches(this.store.db, 20)).filter((b) => !retryLater.has(b.id));
      if (batches.length === 0) break;
      for (const b of batches) {
        if (this.stopped) return;
        const attempts = b.attempts + 1;
        const org = await this.organization(b.org_id);
        if (!org) {
          await finishBatch(this.store.db, b.org_id, b.id, {
            status: 'failed',
            attempts,
            error: 'organisation gone',
          });
          continue;
        }
        try {
          const result = await this.writes.run(() => processLiveBatch(this.store, org, b.id, b.items));
          await finishBatch(this.store.db, b.org_id, b.id, { status: 'processed', attempts, result });
        } catch (error) {
          const message = (error as Error).message;
          const final = error instanceof ImportFailedError || attempts >= MAX_ATTEMPTS;
          this.log.error({ err: error, batch: b.id, attempts }, 'live batch failed');
          await finishBatch(this.store.db, b.org_id, b.id, {
            status: final ? 'failed' : 'pending',
            attempts,
            error: message,
          });
          if (!final) retryLater.add(b.id);
        }
      }
    }
    if (retryLater.size > 0 && !this.stopped) setTimeout(() => void this.kick(), 2000).unref();
  }
}
