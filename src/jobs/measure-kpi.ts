import { CATALOGUE } from '../catalogue/index.js';
import type { KpiRow } from '../engine/assemble-rows.js';
import type { DayRange, GoalScopeKind } from '../engine/goals.js';
import type { KpiDefinition } from '../engine/kpi-definition.js';
import type { KpiMeasurement } from '../engine/scorecard.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { runKpiQuery } from '../storage/run-kpi-query.js';
import { type Scope, scopeWhere } from '../storage/scopes.js';

/**
 * KPI values for goals, scorecards and counterweights, always through runKpiQuery (grain "all" over an
 * inclusive range of local days), so they are the numbers `deskscore kpi` reports for the same period.
 */
export interface Measurement extends KpiMeasurement, DayRange {
  numerator: number | null;
  denominator: number | null;
}

export function definitionOf(kpi: string): KpiDefinition {
  const def = CATALOGUE.get(kpi);
  if (!def) throw new Error(`unknown KPI "${kpi}"`);
  return def;
}

/** Whether a KPI can be measured for a kind of scope. */
export function measurableAt(def: KpiDefinition, kind: GoalScopeKind): boolean {
  return kind === 'organization' || def.dimensions.includes(kind);
}

export function toMeasurement(row: KpiRow, range: DayRange): Measurement {
  return {
    from: range.from,
    to: range.to,
    value: row.value,
    n: row.n,
    significant: row.significant,
    ci_low: row.ci_low,
    ci_high: row.ci_high,
    numerator: row.numerator,
    denominator: row.denominator,
  };
}

/** The KPI for one scope over one range; null when the KPI cannot be measured at that kind of scope. */
export async function measureKpi(
  store: Store,
  org: Organization,
  kpi: string,
  scope: Scope,
  range: DayRange,
  now: Date,
): Promise<Measurement | null> {
  if (!measurableAt(definitionOf(kpi), scope.kind)) return null;
  const rows = await runKpiQuery(
    store,
    org,
    CATALOGUE,
    { kpi, from: range.from, to: range.to, grain: 'all', where: scopeWhere(scope) },
    now,
  );
  return toMeasurement(rows[0]!, range);
}

/**
 * The KPI for every desk, team or agent at once (one query grouped by that dimension), keyed by display
 * name; `within` narrows the rows (e.g. the agents of one team). Null when not measurable at that kind.
 */
export async function measureEach(
  store: Store,
  org: Organization,
  kpi: string,
  kind: 'desk' | 'team' | 'agent',
  range: DayRange,
  now: Date,
  within?: Scope,
): Promise<Map<string, Measurement> | null> {
  const def = definitionOf(kpi);
  if (!measurableAt(def, kind) || (within && !measurableAt(def, within.kind))) return null;
  const rows = await runKpiQuery(
    store,
    org,
    CATALOGUE,
    { kpi, from: range.from, to: range.to, grain: 'all', by: kind, where: within ? scopeWhere(within) : {} },
    now,
  );
  const out = new Map<string, Measurement>();
  for (const r of rows) {
    const name = r[kind];
    if (typeof name === 'string') out.set(name, toMeasurement(r, range));
  }
  return out;
}
