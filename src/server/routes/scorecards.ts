import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type DayRange,
  GOAL_SCOPES,
  lastFullPeriod,
  localDay,
  OWNER_ROLES,
  PERIOD_GRAINS,
} from '../../engine/goals.js';
import { coachingSuggestions } from '../../jobs/coaching.js';
import { checkCounterweights } from '../../jobs/counterweights.js';
import { agentVsTeamMedian, buildScorecard, compareScorecards } from '../../jobs/scorecards.js';
import { kpiNow } from '../../storage/kpi-result-cache.js';
import type { Organization } from '../../storage/organizations.js';
import {
  loadScoringSettings,
  parseScoringSettings,
  ScoringSettingsError,
  saveScoringSettings,
} from '../../storage/scoring-settings.js';
import { ADMINS, EVERYONE, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses } from '../schemas.js';
import { scopeFor } from '../scope-access.js';

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');
const periodQuery = {
  period: z.enum(PERIOD_GRAINS).default('month').describe('the last whole week, month, quarter or year'),
  from: DAY.optional().describe('first day (with to), instead of period'),
  to: DAY.optional(),
};

function periodOf(
  q: { period: (typeof PERIOD_GRAINS)[number]; from?: string | undefined; to?: string | undefined },
  org: Organization,
  now: Date,
): DayRange {
  if (q.from !== undefined || q.to !== undefined) {
    if (!q.from || !q.to) throw badRequest('querystring.to', 'from and to go together');
    if (q.to < q.from) throw badRequest('querystring.to', 'is before from');
    return { from: q.from, to: q.to };
  }
  return lastFullPeriod(q.period, localDay(now, org.time_zone));
}

const report = (what: string) => z.looseObject({}).describe(what);

export const scorecardRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;

  app.get(
    '/scorecards',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['scorecards'],
        summary:
          "A scope's scorecard: KRA and KPI scores with the weights used, the two indices; an agent's also against the team median",
        querystring: z.strictObject({
          scope: z.enum(GOAL_SCOPES),
          id: z.string().min(1).max(200).optional(),
          role: z.enum(OWNER_ROLES).optional(),
          ...periodQuery,
        }),
        response: {
          200: report('ScorecardReport (docs/goals.md), plus team_median for an agent'),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      const scope = await scopeFor(request, p, q.scope, q.id, 'querystring.id');
      const card = await buildScorecard(ctx.store, p.org, {
        scope,
        period: periodOf(q, p.org, ctx.now()),
        now: kpiNow(ctx.now()),
        ...(q.role ? { role: q.role } : {}),
      });
      const teamMedian =
        scope.kind === 'agent' ? await agentVsTeamMedian(ctx.store, p.org, card, kpiNow(ctx.now())) : null;
      return { ...card, team_median: teamMedian };
    },
  );

  app.get(
    '/scorecards/compare',
    {
      config: { access: roles(['admin', 'manager', 'viewer']) },
      schema: {
        tags: ['scorecards'],
        summary: 'Every desk (or team) side by side over the same period, ranked by overall score',
        querystring: z.strictObject({
          kind: z.enum(['desk', 'team']),
          role: z.enum(OWNER_ROLES).optional(),
          ...periodQuery,
        }),
        response: { 200: report('ScorecardComparison: ranking and scorecards'), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      const result = await compareScorecards(ctx.store, p.org, {
        kind: q.kind,
        period: periodOf(q, p.org, ctx.now()),
        now: kpiNow(ctx.now()),
        ...(q.role ? { role: q.role } : {}),
      });
      return { ...result };
    },
  );

  app.get(
    '/counterweights',
    {
      config: { access: roles(['admin', 'manager', 'team_lead', 'viewer']) },
      schema: {
        tags: ['scorecards'],
        summary:
          'Counterweight (gaming) warnings: the last 4 weeks against the 4 before, per organisation, desk and team',
        querystring: z.strictObject({ last_day: DAY.optional() }),
        response: {
          200: report('CounterweightReport: windows, pairs, warnings and the checks per scope'),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const result = await checkCounterweights(ctx.store, p.org, {
        now: kpiNow(ctx.now()),
        ...(request.query.last_day ? { lastDay: request.query.last_day } : {}),
        ...(p.user.role === 'team_lead' ? { levels: ['team'] as const } : {}),
      });
      if (p.user.role !== 'team_lead') return { ...result };
      const mine = (s: { kind: string; id: string | null }) =>
        s.kind === 'team' && s.id !== null && p.user.team_ids.includes(s.id);
      return {
        ...result,
        warnings: result.warnings.filter((w) => mine(w.scope)),
        scopes: result.scopes.filter((s) => mine(s.scope)),
      };
    },
  );

  app.get(
    '/coaching',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['scorecards'],
        summary:
          'Coaching suggestions for an agent or a team: the KPIs furthest below target or peers, the tickets behind them, a course',
        querystring: z.strictObject({
          agent: z.string().min(1).max(200).optional(),
          team: z.string().min(1).max(200).optional(),
          ...periodQuery,
        }),
        response: { 200: report('CoachingReport'), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const q = request.query;
      if ((q.agent === undefined) === (q.team === undefined))
        throw badRequest('querystring', 'name either agent or team');
      const scope = await scopeFor(
        request,
        p,
        q.agent !== undefined ? 'agent' : 'team',
        q.agent ?? q.team,
        q.agent !== undefined ? 'querystring.agent' : 'querystring.team',
      );
      return {
        ...(await coachingSuggestions(ctx.store, p.org, {
          scope,
          period: periodOf(q, p.org, ctx.now()),
          now: kpiNow(ctx.now()),
        })),
      };
    },
  );

  app.get(
    '/scoring-settings',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['scorecards'],
        summary:
          'Scorecard templates and weights, index weights, counterweight pairs, goal thresholds, KPI→course map (defaults where unset)',
        response: { 200: report('ScoringSettings (docs/goals.md)'), ...errorResponses },
      },
    },
    async (request) => ({ ...(await loadScoringSettings(db, userPrincipal(request).org.id)) }),
  );

  app.put(
    '/scoring-settings',
    {
      config: { access: roles(ADMINS) },
      schema: {
        tags: ['scorecards'],
        summary:
          'Replace the keys the document has: goalThresholds, scorecardTemplates, indices, counterweights, coachingCourses',
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ saved: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      try {
        parseScoringSettings(request.body);
      } catch (error) {
        if (error instanceof ScoringSettingsError) throw badRequest('body', error.message);
        throw error;
      }
      const saved = await saveScoringSettings(db, p.org.id, request.body);
      await auditChange(request, {
        action: 'scoring_settings_saved',
        targetType: 'scoring_settings',
        detail: { keys: saved },
      });
      return { saved };
    },
  );
};
