import { z } from 'zod';
import type { KpiDefinition } from './kpi-definition.js';
import { compareTo } from './scorecard.js';

/**
 * Coaching suggestions (seed 004: coaching from KPI gaps): of an agent's (or a team's) KPIs, the ones
 * furthest below target, then furthest behind the peers' median. Pure: the scores and medians come in.
 */

/** KPI id → training course names (as training enrolments name them) that address it. */
export const courseMappingSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/),
  z.array(z.string().min(1)),
);
export type CourseMapping = z.infer<typeof courseMappingSchema>;

export interface CoachingCandidate {
  kpi: string;
  def: KpiDefinition;
  value: number | null;
  n: number;
  significant: boolean;
  /** 0–100 against the scorecard target; null when not scored. */
  score: number | null;
  target: number;
  target_source: string;
  /** The median of the peers (the team's agents, or the organisation's teams). */
  peer_median: number | null;
}

export interface CoachingGap {
  kpi: string;
  name: string;
  unit: string;
  value: number;
  n: number;
  target: number;
  target_source: string;
  score: number | null;
  /** 100 − score: how far below target, in score points. */
  target_gap: number;
  peer_median: number | null;
  /** How much worse than the peer median, in % of the median (0 when not worse). */
  median_gap_pct: number;
}

/**
 * The significant KPIs below target or worse than the peer median, furthest below target first, then
 * furthest behind the median.
 */
export function rankCoachingGaps(candidates: readonly CoachingCandidate[]): CoachingGap[] {
  const gaps: CoachingGap[] = [];
  for (const c of candidates) {
    if (c.value === null || !c.significant) continue;
    const targetGap = c.score === null ? 0 : 100 - c.score;
    const worse = c.peer_median !== null && compareTo(c.value, c.peer_median, c.def.direction) === 'worse';
    const medianGap = worse
      ? (100 * Math.abs(c.value - c.peer_median!)) / Math.max(Math.abs(c.peer_median!), 1e-9)
      : 0;
    if (targetGap <= 0 && medianGap <= 0) continue;
    gaps.push({
      kpi: c.kpi,
      name: c.def.name,
      unit: c.def.unit,
      value: c.value,
      n: c.n,
      target: c.target,
      target_source: c.target_source,
      score: c.score,
      target_gap: Math.round(targetGap * 100) / 100,
      peer_median: c.peer_median,
      median_gap_pct: Math.round(medianGap * 100) / 100,
    });
  }
  return gaps.sort(
    (a, b) => b.target_gap - a.target_gap || b.median_gap_pct - a.median_gap_pct || (a.kpi < b.kpi ? -1 : 1),
  );
}
