import type { GoalStatus, KpiScoreStatus } from './api/types';

/**
 * Every status the dashboard shows, each with a word and a shape so that colour never carries it alone.
 * Scores (0–100 from floor to target, docs/goals.md) map to on track ≥ 80, at risk ≥ 50, off track below.
 */
export type Status =
  | GoalStatus
  | 'met'
  | 'no_data'
  | 'no_target'
  | 'not_applicable'
  | 'failed'
  | 'running'
  | 'succeeded'
  | 'queued';

export const SCORE_ON_TRACK = 80;
export const SCORE_AT_RISK = 50;

export const STATUS_ICON: Record<Status, string> = {
  on_track: '✓',
  achieved: '★',
  met: '✓',
  succeeded: '✓',
  at_risk: '▲',
  off_track: '✕',
  missed: '✕',
  failed: '✕',
  not_significant: '◌',
  not_started: '○',
  no_data: '–',
  no_target: '·',
  not_applicable: '·',
  running: '↻',
  queued: '…',
};

/** The colour family of a status (the CSS class). */
export function tone(status: Status): 'good' | 'warn' | 'bad' | 'neutral' {
  switch (status) {
    case 'on_track':
    case 'achieved':
    case 'met':
    case 'succeeded':
      return 'good';
    case 'at_risk':
      return 'warn';
    case 'off_track':
    case 'missed':
    case 'failed':
      return 'bad';
    default:
      return 'neutral';
  }
}

export function scoreStatus(score: number | null | undefined): Status {
  if (score === null || score === undefined) return 'no_data';
  if (score >= SCORE_ON_TRACK) return 'on_track';
  if (score >= SCORE_AT_RISK) return 'at_risk';
  return 'off_track';
}

export function kpiStatus(status: KpiScoreStatus, score: number | null): Status {
  if (status === 'scored') return score !== null && score >= 100 ? 'met' : scoreStatus(score);
  return status;
}

/** Whether a value is better than another in a KPI's direction. */
export function better(direction: string, a: number, b: number): boolean {
  return direction === 'lower' ? a < b : a > b;
}
