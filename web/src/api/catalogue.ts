import { useGet } from './hooks';
import type { Agent, Dimension, Kpi, Kra, Named, Team } from './types';

/** The catalogue and the organisation's structure, read once and shared by every page. */

export const useKras = () => useGet<Kra[]>('/kras');
export const useKpis = () => useGet<Kpi[]>('/kpis');
export const useDesks = () => useGet<Named[]>('/desks');
export const useTeams = () => useGet<Team[]>('/teams');
export const useAgents = () => useGet<Agent[]>('/agents');

export function kpiById(kpis: readonly Kpi[] | undefined): Map<string, Kpi> {
  return new Map((kpis ?? []).map((k) => [k.id, k]));
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** The group key of a values row for a dimension. */
export function groupOf(
  row: Partial<Record<Dimension, string | null | undefined>>,
  by: Dimension,
): string | null {
  return row[by] ?? null;
}
