import type { QueryContext } from '../engine/compile-kpi.js';
import type { KpiDefinition } from '../engine/kpi-definition.js';
import { rangeUtc } from '../engine/periods.js';
import { compileTicketsBehind } from '../engine/tickets-behind.js';
import type { Store } from './database.js';
import type { Organization } from './organizations.js';
import { type Scope, scopeWhere } from './scopes.js';

export interface TicketBehind {
  ticket_id: string;
  /** The duration or score that ranks it; null for shares. */
  value: number | null;
}

/**
 * Up to `limit` tickets behind a KPI's number for a scope and period (inclusive local days), worst
 * first; null when the KPI's rows name no tickets.
 */
export async function ticketsBehind(
  store: Store,
  org: Organization,
  def: KpiDefinition,
  scope: Scope,
  period: { from: string; to: string },
  now: Date,
  limit = 5,
): Promise<TicketBehind[] | null> {
  const range = rangeUtc(period.from, period.to, org.time_zone);
  const ctx: QueryContext = {
    orgId: org.id,
    timeZone: org.time_zone,
    start: range.start,
    end: range.end,
    from: period.from,
    grain: 'all',
    now,
    where: scopeWhere(scope),
    by: undefined,
    dialect: store.dialect,
  };
  const compiled = compileTicketsBehind(ctx, def, limit);
  if (!compiled) return null;
  const { rows } = await compiled.execute(store.db);
  return rows.map((r) => ({
    ticket_id: r.ticket_id,
    value: r.x === null ? null : Math.round(Number(r.x) * 100) / 100,
  }));
}

export interface CourseEnrolment {
  course: string;
  agent_id: string;
  due_at: Date;
  completed_at: Date | null;
}

/** Enrolments in the named courses (as training enrolments name them), for one agent or all. */
export async function courseEnrolments(
  store: Store,
  orgId: number,
  courses: readonly string[],
  agentIds: readonly string[] | null,
): Promise<CourseEnrolment[]> {
  if (courses.length === 0) return [];
  let q = store.db
    .selectFrom('training_enrolments')
    .select(['course', 'agent_id', 'due_at', 'completed_at'])
    .where('org_id', '=', orgId)
    .where('course', 'in', [...courses]);
  if (agentIds) {
    if (agentIds.length === 0) return [];
    q = q.where('agent_id', 'in', [...agentIds]);
  }
  return q.orderBy('due_at', 'desc').execute();
}
