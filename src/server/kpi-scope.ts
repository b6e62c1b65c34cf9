import type { Dimension, KpiDefinition } from '../engine/kpi-definition.js';
import type { UserPrincipal } from './access.js';
import { forbidden } from './http-errors.js';

/**
 * What a caller may see of a KPI (issue 6, roles): admins, managers and viewers the whole organisation;
 * a team lead their teams wherever the KPI is attributed to teams (KPIs without team attribution are
 * organisation-level aggregates with no person in them); an agent only their own numbers.
 */
export function kpiRestriction(
  p: UserPrincipal,
  def: KpiDefinition,
): Partial<Record<Dimension, readonly string[]>> {
  switch (p.user.role) {
    case 'admin':
    case 'manager':
    case 'viewer':
      return {};
    case 'team_lead':
      return def.dimensions.includes('team') ? { team: p.user.team_ids } : {};
    case 'agent':
      if (p.user.agent_id === null) throw forbidden('your account is not linked to an agent');
      if (!def.dimensions.includes('agent')) {
        throw forbidden(`${def.id} is not measured per agent: an agent sees only their own numbers`);
      }
      return { agent: [p.user.agent_id] };
  }
}
