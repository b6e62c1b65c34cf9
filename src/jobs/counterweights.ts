import { CATALOGUE } from '../catalogue/index.js';
import {
  type CounterweightWarning,
  checkPairs,
  counterweightWindows,
  type PairCheck,
  poissonRateInterval,
  type WindowValue,
} from '../engine/counterweights.js';
import { addDays, type DayRange, localDay } from '../engine/goals.js';
import type { Store } from '../storage/database.js';
import type { Organization } from '../storage/organizations.js';
import { listScopes, type Scope } from '../storage/scopes.js';
import { loadScoringSettings } from '../storage/scoring-settings.js';
import { type Measurement, measureEach, measureKpi } from './measure-kpi.js';

export interface ScopeCounterweights {
  scope: Scope;
  warnings: CounterweightWarning[];
  checks: PairCheck[];
}

export interface CounterweightReport {
  windows: { before: DayRange; after: DayRange };
  pairs: Array<{ kpi: string; counterweights: string[]; note?: string }>;
  /** Every warning, with its scope. */
  warnings: Array<CounterweightWarning & { scope: Scope }>;
  scopes: ScopeCounterweights[];
}

/**
 * A window's value for judging a change. Where the engine reports no interval for a count-over-exposure
 * ratio (solved tickets per agent-day), a Poisson interval on its numerator stands in, and says so.
 */
function windowValue(kpi: string, m: Measurement): WindowValue {
  const w: WindowValue = {
    from: m.from,
    to: m.to,
    value: m.value,
    n: m.n,
    ci_low: m.ci_low,
    ci_high: m.ci_high,
    significant: m.significant,
  };
  const measure = CATALOGUE.get(kpi)!.measure;
  if (
    w.ci_low === null &&
    measure.kind === 'ratio' &&
    measure.interval === 'none' &&
    m.numerator !== null &&
    m.denominator !== null
  ) {
    const i = poissonRateInterval(m.numerator, m.denominator, measure.scale);
    if (i) {
      w.ci_low = Math.round(i.low * 100) / 100;
      w.ci_high = Math.round(i.high * 100) / 100;
      w.interval_note = 'Poisson interval on the numerator (the engine reports none for this ratio)';
    }
  }
  return w;
}

const empty = (range: DayRange): Measurement => ({
  ...range,
  value: null,
  n: 0,
  significant: false,
  ci_low: null,
  ci_high: null,
  numerator: null,
  denominator: null,
});

/**
 * The gaming detector: for the organisation, every desk and every team, each configured pair over the
 * last four weeks (ending the day before `now`, or on `lastDay`) against the four weeks before.
 */
export async function checkCounterweights(
  store: Store,
  org: Organization,
  options: { now: Date; lastDay?: string; levels?: ReadonlyArray<'organization' | 'desk' | 'team'> },
): Promise<CounterweightReport> {
  const lastDay = options.lastDay ?? addDays(localDay(options.now, org.time_zone), -1);
  const windows = counterweightWindows(lastDay);
  const settings = await loadScoringSettings(store.db, org.id);
  const pairs = settings.counterweights;
  const kpis = [...new Set(pairs.flatMap((p) => [p.kpi, ...p.counterweights]))];
  const levels = options.levels ?? ['organization', 'desk', 'team'];
  const scopes: Scope[] = [];
  if (levels.includes('organization')) scopes.push({ kind: 'organization', id: null, name: 'organisation' });
  for (const kind of ['desk', 'team'] as const) {
    if (levels.includes(kind)) scopes.push(...(await listScopes(store.db, org.id, kind)));
  }

  // scope key → KPI → windows
  const values = new Map<string, Map<string, { before: WindowValue; after: WindowValue }>>();
  const keyOf = (s: Scope) => `${s.kind}\u0000${s.name}`;
  const put = (scope: Scope, kpi: string, which: 'before' | 'after', m: Measurement) => {
    const byKpi = values.get(keyOf(scope)) ?? new Map<string, { before: WindowValue; after: WindowValue }>();
    values.set(keyOf(scope), byKpi);
    const entry = byKpi.get(kpi) ?? {
      before: windowValue(kpi, empty(windows.before)),
      after: windowValue(kpi, empty(windows.after)),
    };
    entry[which] = windowValue(kpi, m);
    byKpi.set(kpi, entry);
  };
  for (const kpi of kpis) {
    for (const which of ['before', 'after'] as const) {
      const range = windows[which];
      for (const scope of scopes.filter((s) => s.kind === 'organization')) {
        const m = await measureKpi(store, org, kpi, scope, range, options.now);
        if (m) put(scope, kpi, which, m);
      }
      for (const kind of ['desk', 'team'] as const) {
        const list = scopes.filter((s) => s.kind === kind);
        if (list.length === 0) continue;
        const each = await measureEach(store, org, kpi, kind, range, options.now);
        if (!each) continue;
        for (const scope of list) put(scope, kpi, which, each.get(scope.name) ?? empty(range));
      }
    }
  }

  const report: CounterweightReport = {
    windows,
    pairs: pairs.map((p) => ({ ...p })),
    warnings: [],
    scopes: [],
  };
  for (const scope of scopes) {
    const { checks, warnings } = checkPairs(pairs, CATALOGUE, values.get(keyOf(scope)) ?? new Map());
    report.scopes.push({ scope, warnings, checks });
    for (const w of warnings) report.warnings.push({ ...w, scope });
  }
  return report;
}
