import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../storage/audit-log.js';
import { actorLabel } from './access.js';
import { userPrincipal } from './authenticate.js';

/** Records a change made by the request's user in its organisation's audit log. */
export async function auditChange(
  request: FastifyRequest,
  entry: { action: string; targetType: string; targetId?: string | number; detail?: Record<string, unknown> },
): Promise<void> {
  const p = userPrincipal(request);
  await recordAudit(request.server.deskscore.store.db, {
    orgId: p.org.id,
    actorUserId: p.user.id,
    actor: actorLabel(p),
    ip: request.ip,
    requestId: request.id,
    ...entry,
  });
}
