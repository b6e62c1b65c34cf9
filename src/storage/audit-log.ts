import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogTable, Database } from './schema.js';

export interface AuditEntry {
  orgId: number;
  actorUserId: number | null;
  /** Who, in words: an e-mail, "token <name> (<e-mail>)", "cli", "system". */
  actor: string;
  action: string;
  targetType?: string | undefined;
  targetId?: string | number | undefined;
  /** What changed; never secrets (passwords and tokens are left out by the callers). */
  detail?: Record<string, unknown> | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: entry.orgId,
      id: randomUUID(),
      at: new Date(),
      actor_user_id: entry.actorUserId,
      actor: entry.actor,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
      ip: entry.ip ?? null,
      request_id: entry.requestId ?? null,
    })
    .execute();
}

export interface AuditQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  action?: string | undefined;
  actorUserId?: number | undefined;
  limit: number;
  /** Entries strictly older than this one (keyset pagination on at, id). */
  before?: { at: Date; id: string } | undefined;
}

export type AuditRecord = Omit<AuditLogTable, 'detail'> & { detail: unknown };

export async function listAudit(db: Kysely<Database>, orgId: number, q: AuditQuery): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actorUserId !== undefined) query = query.where('actor_user_id', '=', q.actorUserId);
  const before = q.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
    );
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : JSON.parse(r.detail) }));
}
