import { useSession } from '../session';
import { useCapability, useGet } from './hooks';
import type { CounterweightReport, Goal, ScopeKind, ScorecardWithMedian } from './types';

/** The scope a person looks at by default: the organisation, their team, or themselves. */
export function useMyScope(): { kind: ScopeKind; id: string | null } {
  const { me } = useSession();
  const user = me?.user;
  if (user?.role === 'agent') return { kind: 'agent', id: user.agent_id };
  if (user?.role === 'team_lead') return { kind: 'team', id: user.team_ids[0] ?? null };
  return { kind: 'organization', id: null };
}

export const SCORECARDS = 'GET /api/v1/scorecards';
export const GOALS = 'GET /api/v1/goals';
export const COUNTERWEIGHTS = 'GET /api/v1/counterweights';

/** The scorecard of a scope over the selected period (null scope: nothing to ask). */
export function useScorecard(scope: { kind: ScopeKind; id: string | null } | null, role?: string) {
  const { grain } = useSession();
  const available = useCapability(SCORECARDS);
  const ok = available && scope && (scope.kind === 'organization' || scope.id);
  const state = useGet<ScorecardWithMedian>(ok ? '/scorecards' : null, {
    scope: scope?.kind,
    id: scope?.id ?? undefined,
    period: grain,
    role,
  });
  return { ...state, available };
}

export function useGoals() {
  const available = useCapability(GOALS);
  return { ...useGet<Goal[]>(available ? '/goals' : null), available };
}

export function useCounterweights(enabled: boolean) {
  const available = useCapability(COUNTERWEIGHTS);
  return { ...useGet<CounterweightReport>(available && enabled ? '/counterweights' : null), available };
}
