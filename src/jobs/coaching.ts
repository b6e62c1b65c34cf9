import { CATALOGUE } from '../catalogue/index.js';
import { type CoachingCandidate, type CoachingGap, rankCoachingGaps } from '../engine/coaching.js';
import type { DayRange } from '../engine/goals.js';
import { median } from '../engine/scorecard.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { type Scope, teamOfAgent } from '../storage/scopes.js';
import { loadScoringSettings } from '../storage/scoring-settings.js';
import { courseEnrolments, type TicketBehind, ticketsBehind } from '../storage/tickets-behind.js';
import type { Measurement } from './measure-kpi.js';
import { buildScorecard, measureScopes } from './scorecards.js';

export interface CourseSuggestion {
  course: string;
  /** Whether the organisation's training records know the course. */
  known: boolean;
  /** For an agent: their latest enrolment in it. */
  enrolment: { due_at: Date; completed_at: Date | null } | null;
}

export interface CoachingSuggestion extends CoachingGap {
  /** The tickets behind the number, worst first; null when the KPI's rows name no tickets. */
  tickets: TicketBehind[] | null;
  courses: CourseSuggestion[];
}

export interface CoachingReport {
  scope: Scope;
  /** Whom the scope is compared with: the agent's team, or every team. */
  peers: string;
  period: DayRange;
  suggestions: CoachingSuggestion[];
}

/**
 * Coaching suggestions for an agent (against the scorecard targets and the team's median) or a team
 * (against targets and the median of all teams): the KPIs furthest below, with the tickets behind them
 * and the training course mapped to the KPI, when there is one.
 */
export async function coachingSuggestions(
  store: Store,
  org: Organization,
  input: { scope: Scope; period: DayRange; now: Date; limit?: number; tickets?: number },
): Promise<CoachingReport> {
  const { scope, period, now } = input;
  if (scope.kind !== 'agent' && scope.kind !== 'team') throw new Error('coaching is for an agent or a team');
  const card = await buildScorecard(store, org, { scope, period, now });
  const kpis = card.kras.flatMap((k) => k.kpis);
  let peers: Map<string, Map<string, Measurement | null>>;
  let peerLabel: string;
  if (scope.kind === 'agent') {
    const team = scope.id ? await teamOfAgent(store.db, org.id, scope.id) : null;
    peers = team
      ? await measureScopes(
          store,
          org,
          kpis.map((p) => p.kpi),
          'agent',
          period,
          now,
          team,
        )
      : new Map();
    peerLabel = team ? `the agents of team ${team.name}` : 'no team';
  } else {
    peers = await measureScopes(
      store,
      org,
      kpis.map((p) => p.kpi),
      'team',
      period,
      now,
    );
    peerLabel = 'all teams';
  }
  const candidates: CoachingCandidate[] = kpis.map((p) => {
    const values = [...peers.values()]
      .map((m) => m.get(p.kpi))
      .filter((m): m is Measurement => !!m && m.significant && m.value !== null)
      .map((m) => m.value!);
    return {
      kpi: p.kpi,
      def: CATALOGUE.get(p.kpi)!,
      value: p.value,
      n: p.n,
      significant: p.significant,
      score: p.score,
      target: p.target,
      target_source: p.target_source,
      peer_median: median(values),
    };
  });
  const gaps = rankCoachingGaps(candidates).slice(0, input.limit ?? 3);
  const settings = await loadScoringSettings(store.db, org.id);
  const suggestions: CoachingSuggestion[] = [];
  for (const gap of gaps) {
    const courses = settings.coachingCourses[gap.kpi] ?? [];
    const known = new Set((await courseEnrolments(store, org.id, courses, null)).map((e) => e.course));
    const own =
      scope.kind === 'agent' && scope.id ? await courseEnrolments(store, org.id, courses, [scope.id]) : [];
    suggestions.push({
      ...gap,
      peer_median: gap.peer_median === null ? null : Math.round(gap.peer_median * 100) / 100,
      tickets: await ticketsBehind(
        store,
        org,
        CATALOGUE.get(gap.kpi)!,
        scope,
        period,
        now,
        input.tickets ?? 5,
      ),
      courses: courses.map((course) => {
        const e = own.find((x) => x.course === course);
        return {
          course,
          known: known.has(course),
          enrolment: e ? { due_at: e.due_at, completed_at: e.completed_at } : null,
        };
      }),
    });
  }
  return { scope, peers: peerLabel, period, suggestions };
}
