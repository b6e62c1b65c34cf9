import { CATALOGUE, KRAS } from '../catalogue/index.js';
import type { DayRange, OwnerRole } from '../engine/goals.js';
import {
  compareTo,
  computeScorecard,
  type KpiMeasurement,
  median,
  rankByOverall,
  type Scorecard,
  type ScorecardTemplate,
  type TargetSource,
} from '../engine/scorecard.js';
import type { Store } from '../storage/database.js';
import { type Goal, listGoals } from '../storage/goals-repository.js';
import type { Organization } from '../storage/organizations.js';
import { listScopes, type Scope, teamAgents, teamOfAgent } from '../storage/scopes.js';
import { indexWeightsFor, loadScoringSettings, type ScoringSettings } from '../storage/scoring-settings.js';
import { type Measurement, measureEach, measureKpi } from './measure-kpi.js';

/** The role whose scorecard a scope is scored with, unless one is asked for. */
export function defaultRoleFor(kind: Scope['kind']): OwnerRole {
  return kind === 'agent' ? 'agent' : kind === 'team' ? 'team_lead' : 'manager';
}

export const KRA_NAMES: ReadonlyMap<number, string> = new Map(KRAS.map((k) => [k.id, k.name]));

export interface ScorecardReport extends Scorecard {
  scope: Scope;
  role: OwnerRole;
  template: string;
  template_source: 'default' | 'organisation';
  period: DayRange;
}

/**
 * Where a KPI's target and floor come from, for one scope and period (docs/goals.md): a goal on that
 * KPI for exactly that scope, running during the period (the latest started wins), gives its target
 * and its baseline as the floor; otherwise the role's template (the organisation's, else the default).
 */
export function targetsFor(
  template: ScorecardTemplate,
  source: 'default' | 'organisation',
  goals: readonly Goal[],
  scope: Scope,
  period: DayRange,
): Map<string, TargetSource> {
  const out = new Map<string, TargetSource>();
  for (const kra of template.kras) {
    for (const p of kra.kpis) {
      const goal = goals
        .filter(
          (g) =>
            g.kpi === p.kpi &&
            g.scope.kind === scope.kind &&
            g.scope.id === scope.id &&
            g.target.value !== null &&
            g.baseline.value !== null &&
            g.start <= period.to &&
            g.deadline >= period.from,
        )
        .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : b.id - a.id))[0];
      out.set(
        p.kpi,
        goal
          ? { target: goal.target.value!, floor: goal.baseline.value!, source: `goal #${goal.id}` }
          : {
              target: p.target,
              floor: p.floor,
              source: source === 'organisation' ? 'organisation template' : 'template',
            },
      );
    }
  }
  return out;
}

const templateKpis = (t: ScorecardTemplate) => t.kras.flatMap((k) => k.kpis.map((p) => p.kpi));

interface CardContext {
  settings: ScoringSettings;
  goals: Goal[];
}

async function context(store: Store, org: Organization): Promise<CardContext> {
  const [settings, goals] = await Promise.all([
    loadScoringSettings(store.db, org.id),
    listGoals(store.db, org.id),
  ]);
  return { settings, goals };
}

function assemble(
  ctx: CardContext,
  scope: Scope,
  role: OwnerRole,
  period: DayRange,
  measurements: ReadonlyMap<string, KpiMeasurement | null>,
): ScorecardReport {
  const template = ctx.settings.templates[role];
  const source = ctx.settings.templateSource[role];
  const card = computeScorecard({
    template,
    registry: CATALOGUE,
    kraNames: KRA_NAMES,
    measurements,
    targets: targetsFor(template, source, ctx.goals, scope, period),
    indices: indexWeightsFor(ctx.settings, template),
  });
  return { scope, role, template: template.name, template_source: source, period, ...card };
}

/** One scope's scorecard over a period, with every KPI value from runKpiQuery. */
export async function buildScorecard(
  store: Store,
  org: Organization,
  input: { scope: Scope; role?: OwnerRole; period: DayRange; now: Date },
): Promise<ScorecardReport> {
  const ctx = await context(store, org);
  const role = input.role ?? defaultRoleFor(input.scope.kind);
  const measurements = new Map<string, KpiMeasurement | null>();
  for (const kpi of templateKpis(ctx.settings.templates[role])) {
    measurements.set(kpi, await measureKpi(store, org, kpi, input.scope, input.period, input.now));
  }
  return assemble(ctx, input.scope, role, input.period, measurements);
}

/** Every desk or team's KPI values at once: scope name → KPI → measurement (null when not measurable). */
export async function measureScopes(
  store: Store,
  org: Organization,
  kpis: readonly string[],
  kind: 'desk' | 'team' | 'agent',
  period: DayRange,
  now: Date,
  within?: Scope,
): Promise<Map<string, Map<string, Measurement | null>>> {
  const byKpi = new Map<string, Map<string, Measurement> | null>();
  for (const kpi of kpis) byKpi.set(kpi, await measureEach(store, org, kpi, kind, period, now, within));
  return pivot(byKpi);
}

function pivot(
  byKpi: Map<string, Map<string, Measurement> | null>,
): Map<string, Map<string, Measurement | null>> {
  const out = new Map<string, Map<string, Measurement | null>>();
  const names = new Set<string>();
  for (const values of byKpi.values()) for (const name of values?.keys() ?? []) names.add(name);
  for (const name of names) {
    const m = new Map<string, Measurement | null>();
    for (const [kpi, values] of byKpi) {
      if (values === null) m.set(kpi, null);
      else m.set(kpi, values.get(name) ?? emptyMeasurement());
    }
    out.set(name, m);
  }
  return out;
}

const emptyMeasurement = (): Measurement => ({
  from: '',
  to: '',
  value: null,
  n: 0,
  significant: false,
  ci_low: null,
  ci_high: null,
  numerator: null,
  denominator: null,
});

export interface ScorecardComparison {
  kind: 'desk' | 'team';
  role: OwnerRole;
  period: DayRange;
  /** Best overall first; each with its KRA scores side by side. */
  ranking: Array<{
    rank: number | null;
    scope: Scope;
    overall: number | null;
    happy_customers: number | null;
    healthy_teams: number | null;
    kras: Record<string, number | null>;
  }>;
  scorecards: ScorecardReport[];
}

/** Every desk's (or team's) scorecard over the same period, side by side and ranked by overall score. */
export async function compareScorecards(
  store: Store,
  org: Organization,
  input: { kind: 'desk' | 'team'; role?: OwnerRole; period: DayRange; now: Date },
): Promise<ScorecardComparison> {
  const ctx = await context(store, org);
  const role = input.role ?? defaultRoleFor(input.kind);
  const scopes = await listScopes(store.db, org.id, input.kind);
  const values = await measureScopes(
    store,
    org,
    templateKpis(ctx.settings.templates[role]),
    input.kind,
    input.period,
    input.now,
  );
  const cards = scopes.map((scope) =>
    assemble(ctx, scope, role, input.period, values.get(scope.name) ?? new Map<string, Measurement | null>()),
  );
  const ranking = rankByOverall(
    cards.map((c) => ({
      scope: c.scope,
      overall: c.overall,
      happy_customers: c.indices.happy_customers.score,
      healthy_teams: c.indices.healthy_teams.score,
      kras: Object.fromEntries(c.kras.map((k) => [String(k.kra), k.score])),
    })),
  );
  return { kind: input.kind, role, period: input.period, ranking, scorecards: cards };
}

export interface TeamMedianComparison {
  team: Scope | null;
  agents: number;
  kpis: Array<{
    kpi: string;
    value: number | null;
    team_median: number | null;
    /** Agents of the team with a significant value, that the median is taken over. */
    agents_with_data: number;
    vs_team_median: 'better' | 'worse' | 'equal' | null;
  }>;
}

/** An agent's KPI values against the median of the team's agents (significant values only). */
export async function agentVsTeamMedian(
  store: Store,
  org: Organization,
  card: ScorecardReport,
  now: Date,
): Promise<TeamMedianComparison> {
  const team = card.scope.id ? await teamOfAgent(store.db, org.id, card.scope.id) : null;
  const kpis = card.kras.flatMap((k) => k.kpis);
  if (!team) {
    return {
      team: null,
      agents: 0,
      kpis: kpis.map((p) => ({
        kpi: p.kpi,
        value: p.value,
        team_median: null,
        agents_with_data: 0,
        vs_team_median: null,
      })),
    };
  }
  const members = await teamAgents(store.db, org.id, team.id!);
  const names = new Set(members.map((m) => m.name));
  const values = await measureScopes(
    store,
    org,
    kpis.map((p) => p.kpi),
    'agent',
    card.period,
    now,
    team,
  );
  return {
    team,
    agents: members.length,
    kpis: kpis.map((p) => {
      const peers = [...values]
        .filter(([name]) => names.has(name))
        .map(([, m]) => m.get(p.kpi))
        .filter((m): m is Measurement => !!m && m.significant && m.value !== null)
        .map((m) => m.value!);
      const med = median(peers);
      const def = CATALOGUE.get(p.kpi)!;
      return {
        kpi: p.kpi,
        value: p.value,
        team_median: med === null ? null : Math.round(med * 100) / 100,
        agents_with_data: peers.length,
        vs_team_median:
          p.value !== null && med !== null && p.significant ? compareTo(p.value, med, def.direction) : null,
      };
    }),
  };
}
