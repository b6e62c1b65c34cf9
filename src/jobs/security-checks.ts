import { createHash } from 'node:crypto';
import { evaluateSecurityChecks, type SecurityCheck } from '../engine/security-checks.js';
import { listUsers } from '../storage/accounts.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';

/** Import id of the checks deskscore records itself (imports start at 1). */
export const AUTOMATIC_IMPORT_ID = 0;

/**
 * Evaluates the automatic security checks of an organisation and records them as control checks,
 * one per control and UTC day (a later run the same day replaces it), so that data security
 * compliance judges each control by its latest check like the recorded ones.
 */
export async function recordSecurityChecks(
  store: Store,
  org: Organization,
  now: Date = new Date(),
): Promise<SecurityCheck[]> {
  const db = store.db;
  const users = await listUsers(db, org.id);
  const disabled = new Set(users.filter((u) => u.disabled_at !== null).map((u) => u.id));
  const tokens = await db
    .selectFrom('api_tokens')
    .select(['user_id', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('org_id', '=', org.id)
    .execute();
  const review = await db
    .selectFrom('security_controls')
    .select((eb) => eb.fn.max('checked_at').as('at'))
    .where('org_id', '=', org.id)
    .where('passing', '=', true)
    .where('import_id', '!=', AUTOMATIC_IMPORT_ID)
    .where((eb) => eb(eb.fn('lower', ['control']), 'like', '%access review%'))
    .where('checked_at', '<=', now)
    .executeTakeFirst();
  const checks = evaluateSecurityChecks({
    now,
    users,
    tokens: tokens.map((t) => ({ ...t, owner_disabled: disabled.has(t.user_id) })),
    lastAccessReview: review?.at ? new Date(review.at) : null,
  });
  const day = now.toISOString().slice(0, 10);
  const rows = checks.map((c) => ({
    org_id: org.id,
    id: `auto:${day}:${c.control}`,
    control: c.control,
    checked_at: now,
    passing: c.passing,
    note: c.note,
    content_hash: createHash('sha256')
      .update(JSON.stringify([c.control, now.toISOString(), c.passing, c.note]))
      .digest('hex'),
    import_id: AUTOMATIC_IMPORT_ID,
  }));
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('security_controls')
      .where('org_id', '=', org.id)
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    await trx.insertInto('security_controls').values(rows).execute();
  });
  return checks;
}
