import type { Kysely } from 'kysely';
import { z } from 'zod';
import { counterweightProblems, DEFAULT_COUNTERWEIGHTS } from '../catalogue/counterweights.js';
import { CATALOGUE, KRAS } from '../catalogue/index.js';
import { DEFAULT_SCORECARD_TEMPLATES } from '../catalogue/scorecard-templates.js';
import { type CourseMapping, courseMappingSchema } from '../engine/coaching.js';
import { type CounterweightPair, counterweightPairSchema } from '../engine/counterweights.js';
import {
  DEFAULT_GOAL_THRESHOLDS,
  type GoalThresholds,
  goalThresholdsSchema,
  type OwnerRole,
} from '../engine/goals.js';
import {
  defaultIndexWeights,
  type IndexWeights,
  indicesSchema,
  type ScorecardTemplate,
  scorecardTemplateSchema,
  templateProblems,
} from '../engine/scorecard.js';
import type { Database } from './schema.js';

/**
 * The scoring settings of an organisation (docs/goals.md, "Configuration"): each key optional; a key
 * that is not stored falls back to the defaults in code.
 */
export const scoringSettingsSchema = z.strictObject({
  goalThresholds: goalThresholdsSchema.optional(),
  /** Whole templates, replacing the default of their role. */
  scorecardTemplates: z.array(scorecardTemplateSchema).optional(),
  indices: indicesSchema.optional(),
  counterweights: z.array(counterweightPairSchema).optional(),
  coachingCourses: courseMappingSchema.optional(),
});
export type ScoringSettingsInput = z.input<typeof scoringSettingsSchema>;
type Key = keyof z.infer<typeof scoringSettingsSchema>;
const KEYS: readonly Key[] = [
  'goalThresholds',
  'scorecardTemplates',
  'indices',
  'counterweights',
  'coachingCourses',
];

export class ScoringSettingsError extends Error {}

export interface ScoringSettings {
  thresholds: GoalThresholds;
  templates: Record<OwnerRole, ScorecardTemplate>;
  /** Where each role's template comes from. */
  templateSource: Record<OwnerRole, 'default' | 'organisation'>;
  /** Configured index weights, or null for the default (each KRA of an index weighs what the template says). */
  indices: IndexWeights | null;
  counterweights: CounterweightPair[];
  coachingCourses: CourseMapping;
  /** The keys this organisation has stored. */
  stored: Key[];
}

/** The index weights a template is scored with. */
export function indexWeightsFor(settings: ScoringSettings, template: ScorecardTemplate): IndexWeights {
  return settings.indices ?? defaultIndexWeights(template, KRAS);
}

function problemsOf(s: z.infer<typeof scoringSettingsSchema>): string[] {
  const problems: string[] = [];
  const roles = new Set<string>();
  for (const t of s.scorecardTemplates ?? []) {
    if (roles.has(t.role)) problems.push(`scorecardTemplates: the role ${t.role} appears twice`);
    roles.add(t.role);
    problems.push(...templateProblems(t, CATALOGUE).map((p) => `scorecardTemplates.${p}`));
  }
  if (s.counterweights) problems.push(...counterweightProblems(s.counterweights));
  for (const kpi of Object.keys(s.coachingCourses ?? {})) {
    if (!CATALOGUE.has(kpi)) problems.push(`coachingCourses.${kpi}: unknown KPI`);
  }
  return problems;
}

/** Validates a settings document: every problem with its path. */
export function parseScoringSettings(input: unknown): z.infer<typeof scoringSettingsSchema> {
  const parsed = scoringSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScoringSettingsError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '),
    );
  }
  const problems = problemsOf(parsed.data);
  if (problems.length > 0) throw new ScoringSettingsError(problems.join('; '));
  return parsed.data;
}

/** Saves the keys the document has (replacing those stored), leaving the others as they are. */
export async function saveScoringSettings(
  db: Kysely<Database>,
  orgId: number,
  input: unknown,
): Promise<Key[]> {
  const s = parseScoringSettings(input);
  const keys = KEYS.filter((k) => s[k] !== undefined);
  await db.transaction().execute(async (trx) => {
    for (const key of keys) {
      await trx.deleteFrom('scoring_settings').where('org_id', '=', orgId).where('key', '=', key).execute();
      await trx
        .insertInto('scoring_settings')
        .values({ org_id: orgId, key, value: JSON.stringify(s[key]), updated_at: new Date() })
        .execute();
    }
  });
  return keys;
}

/** Removes stored keys, so the defaults apply again. */
export async function resetScoringSettings(
  db: Kysely<Database>,
  orgId: number,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('scoring_settings')
    .where('org_id', '=', orgId)
    .where('key', 'in', [...keys])
    .execute();
}

/** The organisation's settings, with the defaults where it stored none. */
export async function loadScoringSettings(db: Kysely<Database>, orgId: number): Promise<ScoringSettings> {
  const rows = await db
    .selectFrom('scoring_settings')
    .select(['key', 'value'])
    .where('org_id', '=', orgId)
    .execute();
  const doc: Record<string, unknown> = {};
  for (const r of rows) if ((KEYS as readonly string[]).includes(r.key)) doc[r.key] = JSON.parse(r.value);
  const s = parseScoringSettings(doc);
  const templates = { ...DEFAULT_SCORECARD_TEMPLATES };
  const templateSource: Record<OwnerRole, 'default' | 'organisation'> = {
    agent: 'default',
    team_lead: 'default',
    manager: 'default',
  };
  for (const t of s.scorecardTemplates ?? []) {
    templates[t.role] = t;
    templateSource[t.role] = 'organisation';
  }
  return {
    thresholds: s.goalThresholds ?? DEFAULT_GOAL_THRESHOLDS,
    templates,
    templateSource,
    indices: s.indices ?? null,
    counterweights: s.counterweights ?? [...DEFAULT_COUNTERWEIGHTS],
    coachingCourses: s.coachingCourses ?? {},
    stored: KEYS.filter((k) => s[k] !== undefined),
  };
}
