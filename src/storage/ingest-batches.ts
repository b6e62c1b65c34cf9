import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LiveItem } from '../ingest/live-batch.js';
import type { Database, IngestBatchesTable } from './schema.js';

export type BatchStatus = 'pending' | 'processed' | 'failed';

export interface IngestBatch {
  id: string;
  received_at: Date;
  idempotency_key: string | null;
  item_count: number;
  status: BatchStatus;
  attempts: number;
  processed_at: Date | null;
  result: unknown;
  error: string | null;
}

function publicBatch(row: IngestBatchesTable): IngestBatch {
  return {
    id: row.id,
    received_at: row.received_at,
    idempotency_key: row.idempotency_key,
    item_count: row.item_count,
    status: row.status as BatchStatus,
    attempts: row.attempts,
    processed_at: row.processed_at,
    result: row.result === null ? null : JSON.parse(row.result),
    error: row.error,
  };
}

/** Stores a batch durably (committed before the API answers 2xx); a repeated idempotency key returns the first. */
export async function storeBatch(
  db: Kysely<Database>,
  orgId: number,
  input: { items: readonly LiveItem[]; idempotencyKey: string | null; actor: string },
): Promise<{ batch: IngestBatch; replayed: boolean }> {
  return db.transaction().execute(async (trx) => {
    if (input.idempotencyKey !== null) {
      const existing = await trx
        .selectFrom('ingest_batches')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('idempotency_key', '=', input.idempotencyKey)
        .executeTakeFirst();
      if (existing) return { batch: publicBatch(existing), replayed: true };
    }
    const row: IngestBatchesTable = {
      org_id: orgId,
      id: randomUUID(),
      received_at: new Date(),
      idempotency_key: input.idempotencyKey,
      items: JSON.stringify(input.items),
      item_count: input.items.length,
      status: 'pending',
      attempts: 0,
      processed_at: null,
      result: null,
      error: null,
      actor: input.actor,
    };
    await trx.insertInto('ingest_batches').values(row).execute();
    return { batch: publicBatch(row), replayed: false };
  });
}

export async function getBatch(
  db: Kysely<Database>,
  orgId: number,
  id: string,
): Promise<IngestBatch | undefined> {
  const row = await db
    .selectFrom('ingest_batches')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? publicBatch(row) : undefined;
}

/** Pending batches of every organisation, oldest first. */
export async function pendingBatches(
  db: Kysely<Database>,
  limit: number,
): Promise<Array<{ org_id: number; id: string; items: LiveItem[]; attempts: number }>> {
  const rows = await db
    .selectFrom('ingest_batches')
    .select(['org_id', 'id', 'items', 'attempts'])
    .where('status', '=', 'pending')
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, items: JSON.parse(r.items) as LiveItem[] }));
}

export async function finishBatch(
  db: Kysely<Database>,
  orgId: number,
  id: string,
  outcome: { status: BatchStatus; attempts: number; result?: unknown; error?: string },
): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({
      status: outcome.status,
      attempts: outcome.attempts,
      processed_at: outcome.status === 'pending' ? null : new Date(),
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      error: outcome.error ?? null,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

// Signing secrets ------------------------------------------------------------------------------

export interface IngestSecret {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}

export async function createIngestSecret(
  db: Kysely<Database>,
  orgId: number,
  name: string,
): Promise<{ secret: string; record: IngestSecret }> {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const record = { id: randomUUID(), name, created_at: new Date(), revoked_at: null };
  await db
    .insertInto('ingest_secrets')
    .values({ org_id: orgId, ...record, secret })
    .execute();
  return { secret, record };
}

export async function listIngestSecrets(db: Kysely<Database>, orgId: number): Promise<IngestSecret[]> {
  return db
    .selectFrom('ingest_secrets')
    .select(['id', 'name', 'created_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .execute();
}

/** The secrets a signature may be made with (several during a rotation). */
export async function activeIngestSecrets(db: Kysely<Database>, orgId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('ingest_secrets')
    .select('secret')
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map((r) => r.secret);
}

export async function revokeIngestSecret(db: Kysely<Database>, orgId: number, id: string): Promise<boolean> {
  const result = await db
    .updateTable('ingest_secrets')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
