import { z } from 'zod';
import { OWNER_ROLES } from './goals.js';
import type { KpiDefinition } from './kpi-definition.js';

/**
 * Weighted scorecards (KPI-DEFINITIONS.md, "Goals, scores and warnings"): each KPI scored 0–100 between
 * its floor and its target, a KRA the weighted mean of its KPIs with data, the overall score the weighted
 * mean of the KRAs, and the weights that were actually used. Pure.
 */
export const scorecardKpiSchema = z.strictObject({
  kpi: z.string().min(1),
  weight: z.number().min(0),
  /** The value that scores 100 (and beyond it, still 100). */
  target: z.number(),
  /** The value that scores 0 (and beyond it, still 0). */
  floor: z.number(),
});
export type ScorecardKpi = z.infer<typeof scorecardKpiSchema>;

export const scorecardKraSchema = z.strictObject({
  kra: z.number().int().min(1).max(10),
  weight: z.number().min(0),
  kpis: z.array(scorecardKpiSchema),
});

export const scorecardTemplateSchema = z.strictObject({
  role: z.enum(OWNER_ROLES),
  name: z.string().min(1),
  kras: z.array(scorecardKraSchema).min(1),
});
export type ScorecardTemplate = z.infer<typeof scorecardTemplateSchema>;
export type ScorecardTemplateInput = z.input<typeof scorecardTemplateSchema>;

/** Top-level indices (seed 003): KRA number → weight. */
export const indicesSchema = z.record(
  z.enum(['happy_customers', 'healthy_teams']),
  z.record(z.string().regex(/^([1-9]|10)$/), z.number().min(0)),
);
export type IndexWeights = z.infer<typeof indicesSchema>;

/** Problems of a template against a KPI registry: unknown KPIs, duplicates, targets on the wrong side. */
export function templateProblems(
  template: ScorecardTemplate,
  registry: ReadonlyMap<string, KpiDefinition>,
): string[] {
  const problems: string[] = [];
  const seenKras = new Set<number>();
  const seenKpis = new Set<string>();
  template.kras.forEach((k, i) => {
    if (seenKras.has(k.kra)) problems.push(`${template.role}.kras.[${i}]: KRA ${k.kra} appears twice`);
    seenKras.add(k.kra);
    k.kpis.forEach((p, j) => {
      const path = `${template.role}.kras.[${i}].kpis.[${j}]`;
      const def = registry.get(p.kpi);
      if (!def) {
        problems.push(`${path}.kpi: unknown KPI "${p.kpi}"`);
        return;
      }
      if (seenKpis.has(p.kpi)) problems.push(`${path}.kpi: ${p.kpi} appears twice`);
      seenKpis.add(p.kpi);
      if (def.kra !== null && def.kra !== k.kra) {
        problems.push(`${path}.kpi: ${p.kpi} belongs to KRA ${def.kra}, not ${k.kra}`);
      }
      if (def.direction === 'higher' && !(p.target > p.floor))
        problems.push(`${path}: ${p.kpi} is higher-is-better, so its target must be above its floor`);
      if (def.direction === 'lower' && !(p.target < p.floor))
        problems.push(`${path}: ${p.kpi} is lower-is-better, so its target must be below its floor`);
      if (def.direction === 'target' && p.target === p.floor)
        problems.push(`${path}: target and floor of ${p.kpi} must differ`);
    });
  });
  return problems;
}

/**
 * The KRA a KPI counts under for a role: its catalogue KRA, or (for the built-ins outside the ten KRAs,
 * e.g. churn or reopen rate) the KRA the template lists it under; null when it is in neither.
 */
export function kraOf(def: KpiDefinition, template: ScorecardTemplate): number | null {
  if (def.kra !== null) return def.kra;
  return template.kras.find((k) => k.kpis.some((p) => p.kpi === def.id))?.kra ?? null;
}

/**
 * 0 at or beyond the floor, 100 at or beyond the target, linear between: direction-aware because the
 * floor lies on the worse side. `raw` is the unclamped value. When floor and target coincide (or the
 * floor is on the better side, as with a goal whose baseline already beat its target), the score is
 * pass/fail: 100 when the target is met, else 0.
 */
export function kpiScore(
  value: number,
  floor: number,
  target: number,
  direction: 'higher' | 'lower',
): { score: number; raw: number | null; passFail: boolean } {
  const aligned = direction === 'higher' ? target > floor : target < floor;
  if (!aligned) {
    const met = direction === 'higher' ? value >= target : value <= target;
    return { score: met ? 100 : 0, raw: null, passFail: true };
  }
  const raw = ((value - floor) / (target - floor)) * 100;
  return { score: Math.min(100, Math.max(0, raw)), raw, passFail: false };
}

/** Which way is better when scoring: the KPI's direction, or for "target" KPIs from floor towards target. */
export function scoringDirection(def: KpiDefinition, floor: number, target: number): 'higher' | 'lower' {
  if (def.direction !== 'target') return def.direction;
  return target >= floor ? 'higher' : 'lower';
}

export type KpiScoreStatus = 'scored' | 'no_data' | 'not_significant' | 'not_applicable';

export interface KpiMeasurement {
  value: number | null;
  n: number;
  significant: boolean;
  ci_low: number | null;
  ci_high: number | null;
}

export interface TargetSource {
  target: number;
  floor: number;
  /** "template", "organisation template" or "goal #<id>". */
  source: string;
}

export interface ScoredKpi {
  kpi: string;
  name: string;
  unit: string;
  direction: string;
  weight: number;
  /** Share of the KRA this KPI carried once KPIs without data were left out (0–1), null when not scored. */
  weight_used: number | null;
  value: number | null;
  n: number;
  significant: boolean;
  ci_low: number | null;
  ci_high: number | null;
  target: number;
  floor: number;
  target_source: string;
  score: number | null;
  score_raw: number | null;
  status: KpiScoreStatus;
  note: string | null;
}

export interface ScoredKra {
  kra: number;
  name: string;
  weight: number;
  weight_used: number | null;
  score: number | null;
  kpis: ScoredKpi[];
}

export interface ScoreRollup {
  score: number | null;
  /** KRA number → share of the score (0–1), over the KRAs that had a score. */
  weights_used: Record<string, number>;
}

export interface Scorecard {
  overall: number | null;
  weights_used: Record<string, number>;
  indices: Record<'happy_customers' | 'healthy_teams', ScoreRollup>;
  kras: ScoredKra[];
}

/** Weighted mean of the items that have a score; the weights used are normalised to sum to 1. */
export function weightedMean(items: ReadonlyArray<{ key: string; weight: number; score: number | null }>): {
  score: number | null;
  weights: Map<string, number>;
} {
  const scored = items.filter((i) => i.score !== null && i.weight > 0);
  const total = scored.reduce((s, i) => s + i.weight, 0);
  const weights = new Map<string, number>();
  if (total === 0) return { score: null, weights };
  let sum = 0;
  for (const i of scored) {
    weights.set(i.key, i.weight / total);
    sum += (i.weight / total) * i.score!;
  }
  return { score: sum, weights };
}

const round = (v: number | null, digits = 2) =>
  v === null ? null : Math.round((v + Number.EPSILON) * 10 ** digits) / 10 ** digits;

export interface ScorecardInput {
  template: ScorecardTemplate;
  registry: ReadonlyMap<string, KpiDefinition>;
  kraNames: ReadonlyMap<number, string>;
  /** Per KPI of the template: its measurement in the scope, or null when the scope cannot be measured. */
  measurements: ReadonlyMap<string, KpiMeasurement | null>;
  targets: ReadonlyMap<string, TargetSource>;
  indices: IndexWeights;
}

/** Scores one scope against a template. */
export function computeScorecard(input: ScorecardInput): Scorecard {
  const kras: ScoredKra[] = input.template.kras.map((k) => {
    const kpis: ScoredKpi[] = k.kpis.map((p) => {
      const def = input.registry.get(p.kpi)!;
      const m = input.measurements.get(p.kpi) ?? null;
      const t = input.targets.get(p.kpi) ?? { target: p.target, floor: p.floor, source: 'template' };
      const base = {
        kpi: p.kpi,
        name: def.name,
        unit: def.unit,
        direction: def.direction,
        weight: p.weight,
        weight_used: null,
        value: m?.value ?? null,
        n: m?.n ?? 0,
        significant: m?.significant ?? false,
        ci_low: m?.ci_low ?? null,
        ci_high: m?.ci_high ?? null,
        target: t.target,
        floor: t.floor,
        target_source: t.source,
        score: null,
        score_raw: null,
      };
      if (m === null) {
        return { ...base, status: 'not_applicable', note: 'not measured at this scope' } satisfies ScoredKpi;
      }
      if (m.value === null || m.n === 0)
        return { ...base, status: 'no_data', note: null } satisfies ScoredKpi;
      if (!m.significant) {
        return {
          ...base,
          status: 'not_significant',
          note: `n = ${m.n} is below the KPI's minimum of ${def.minN}: not scored`,
        } satisfies ScoredKpi;
      }
      const s = kpiScore(m.value, t.floor, t.target, scoringDirection(def, t.floor, t.target));
      return {
        ...base,
        score: round(s.score),
        score_raw: round(s.raw),
        status: 'scored',
        note: s.passFail ? 'floor not on the worse side of the target: scored pass/fail' : null,
      } satisfies ScoredKpi;
    });
    const mean = weightedMean(kpis.map((p) => ({ key: p.kpi, weight: p.weight, score: p.score })));
    for (const p of kpis) p.weight_used = round(mean.weights.get(p.kpi) ?? null, 4);
    return {
      kra: k.kra,
      name: input.kraNames.get(k.kra) ?? `KRA ${k.kra}`,
      weight: k.weight,
      weight_used: null,
      score: round(mean.score),
      kpis,
    };
  });
  const overall = weightedMean(kras.map((k) => ({ key: String(k.kra), weight: k.weight, score: k.score })));
  for (const k of kras) k.weight_used = round(overall.weights.get(String(k.kra)) ?? null, 4);
  const rollup = (weights: Record<string, number> | undefined): ScoreRollup => {
    const mean = weightedMean(
      kras.map((k) => ({ key: String(k.kra), weight: weights?.[String(k.kra)] ?? 0, score: k.score })),
    );
    return {
      score: round(mean.score),
      weights_used: Object.fromEntries([...mean.weights].map(([key, w]) => [key, round(w, 4)!])),
    };
  };
  return {
    overall: round(overall.score),
    weights_used: Object.fromEntries([...overall.weights].map(([key, w]) => [key, round(w, 4)!])),
    indices: {
      happy_customers: rollup(input.indices.happy_customers),
      healthy_teams: rollup(input.indices.healthy_teams),
    },
    kras,
  };
}

/**
 * The default index weights for a template: each KRA of an index (kras.ts) weighs what it weighs in the
 * template's overall score.
 */
export function defaultIndexWeights(
  template: ScorecardTemplate,
  kraIndex: ReadonlyArray<{ id: number; index: 'happy_customers' | 'healthy_teams' }>,
): IndexWeights {
  const out: IndexWeights = { happy_customers: {}, healthy_teams: {} };
  for (const k of template.kras) {
    const index = kraIndex.find((x) => x.id === k.kra)?.index;
    if (index) out[index]![String(k.kra)] = k.weight;
  }
  return out;
}

/** The median of the values (interpolated between the middle two); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Whether `value` is better, worse or equal to `reference` in the KPI's direction; null for "target" KPIs. */
export function compareTo(
  value: number,
  reference: number,
  direction: KpiDefinition['direction'],
): 'better' | 'worse' | 'equal' | null {
  if (direction === 'target') return null;
  if (value === reference) return 'equal';
  return value > reference === (direction === 'higher') ? 'better' : 'worse';
}

/** Ranks by overall score, best first (no score last); ties share a rank. */
export function rankByOverall<T extends { overall: number | null }>(
  items: readonly T[],
): Array<T & { rank: number | null }> {
  const sorted = [...items].sort(
    (a, b) => (b.overall ?? Number.NEGATIVE_INFINITY) - (a.overall ?? Number.NEGATIVE_INFINITY),
  );
  let rank = 0;
  let last: number | null = null;
  return sorted.map((item, i) => {
    if (item.overall === null) return { ...item, rank: null };
    if (item.overall !== last) {
      rank = i + 1;
      last = item.overall;
    }
    return { ...item, rank };
  });
}
