import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_STATUSES, CADENCES, GOAL_SCOPES, OWNER_ROLES, TARGET_KINDS } from '../../engine/goals.js';
import { evaluateGoals, type GoalReport } from '../../jobs/evaluate-goals.js';
import { goalFeasibility } from '../../jobs/goal-feasibility.js';
import { editGoal, type GoalEdit, setGoal } from '../../jobs/set-goal.js';
import { VolumeForecastError } from '../../jobs/volume-forecast.js';
import {
  addAction,
  type Goal,
  GoalError,
  getGoal,
  setActionStatus,
  statusHistory,
} from '../../storage/goals-repository.js';
import { kpiNow } from '../../storage/kpi-result-cache.js';
import { findScope } from '../../storage/scopes.js';
import { EVERYONE, MANAGERS, roles } from '../access.js';
import { userPrincipal } from '../authenticate.js';
import { badRequest, notFound } from '../http-errors.js';
import { auditChange } from '../request-audit.js';
import { errorResponses, text } from '../schemas.js';
import { canSeeScope, scopeFor } from '../scope-access.js';

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');
const WRITERS = ['admin', 'manager', 'team_lead'] as const;

const ownerSchema = z.strictObject({
  name: text(200),
  role: z.enum(OWNER_ROLES),
  user_id: z.number().int().positive().nullable().optional(),
});

const draftSchema = z.strictObject({
  name: text(200).optional(),
  kpi: z.string().min(1).max(64),
  scope: z.strictObject({ kind: z.enum(GOAL_SCOPES), id: z.string().min(1).max(200).optional() }),
  target: z.strictObject({ kind: z.enum(TARGET_KINDS), value: z.number() }),
  start: DAY,
  deadline: DAY,
  baseline: z.strictObject({ from: DAY, to: DAY }).optional(),
  owner: ownerSchema,
  cadence: z.enum(CADENCES).nullable().optional(),
  notes: text(4000).nullable().optional(),
  actions: z
    .array(
      z.strictObject({
        title: text(500),
        owner: text(200),
        due: DAY,
        status: z.enum(ACTION_STATUSES).optional(),
      }),
    )
    .max(100)
    .optional(),
  /** Save even when a SMART letter fails. */
  force: z.boolean().default(false),
});

const FIXED = 'the KPI, scope, start and baseline define a goal and cannot be edited: set a new goal instead';

const editSchema = z.strictObject({
  name: text(200).optional(),
  target: z.strictObject({ kind: z.enum(TARGET_KINDS), value: z.number() }).optional(),
  deadline: DAY.optional(),
  owner: ownerSchema.optional(),
  cadence: z.enum(CADENCES).nullable().optional(),
  notes: text(4000).nullable().optional(),
  kpi: z.string().max(64).optional().describe(`accepted only unchanged: ${FIXED}`),
  scope: z
    .strictObject({ kind: z.enum(GOAL_SCOPES), id: z.string().min(1).max(200).optional() })
    .optional()
    .describe(`accepted only unchanged: ${FIXED}`),
  start: DAY.optional().describe(`accepted only unchanged: ${FIXED}`),
  baseline: z.strictObject({ from: DAY, to: DAY }).optional().describe(`accepted only unchanged: ${FIXED}`),
  /** Save even when a SMART letter fails. */
  force: z.boolean().default(false),
});

const checkSchema = z
  .looseObject({
    name: z.string(),
    smart: z.unknown().describe('letters S, M, A, R, T: each { letter, verdict pass|warn|fail, reason }'),
    baseline: z.unknown().describe('{ from, to, value, n }'),
    target_value: z.number().nullable(),
    goal: z.unknown().describe('the stored goal; null when not saved'),
  })
  .describe('the SMART check of a goal, its measured baseline and resolved target');
const reportSchema = z
  .looseObject({
    id: z.number(),
    name: z.string(),
    kpi: z.string(),
    status: z.string(),
    reason: z.string(),
    progress: z.number().nullable().optional(),
    pace: z.number().nullable().optional(),
  })
  .describe('a goal with its current measurement, progress, pace, status, SMART check and action plan');

export const goalRoutes: FastifyPluginAsyncZod = async (app) => {
  const ctx = app.deskscore;
  const db = ctx.store.db;
  const agentTeam = async (orgId: number, agentId: string) =>
    (
      await db
        .selectFrom('agents')
        .select('team_id')
        .where('org_id', '=', orgId)
        .where('id', '=', agentId)
        .executeTakeFirst()
    )?.team_id ?? null;

  /** The goals the caller may see: in a visible scope, or owned by the caller. */
  const visibleReports = async (request: Parameters<typeof userPrincipal>[0], ids?: number[]) => {
    const p = userPrincipal(request);
    const reports = await evaluateGoals(ctx.store, p.org, {
      now: kpiNow(ctx.now()),
      ...(ids ? { ids } : {}),
    });
    const out: GoalReport[] = [];
    for (const r of reports) {
      if (r.owner.userId === p.user.id || (await canSeeScope(p, r.scope, (a) => agentTeam(p.org.id, a))))
        out.push(r);
    }
    return out;
  };

  const draftOf = async (request: Parameters<typeof userPrincipal>[0], body: z.infer<typeof draftSchema>) => {
    const p = userPrincipal(request);
    const scope = await scopeFor(request, p, body.scope.kind, body.scope.id, 'body.scope.id');
    if (body.owner.user_id != null) {
      const owner = await db
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', p.org.id)
        .where('id', '=', body.owner.user_id)
        .executeTakeFirst();
      if (!owner) throw badRequest('body.owner.user_id', 'no such user in this organisation');
    }
    return {
      ...(body.name ? { name: body.name } : {}),
      kpi: body.kpi,
      scope: { kind: scope.kind, idOrName: scope.id },
      target: body.target,
      start: body.start,
      deadline: body.deadline,
      ...(body.baseline ? { baseline: body.baseline } : {}),
      owner: { name: body.owner.name, role: body.owner.role, userId: body.owner.user_id ?? null },
      cadence: body.cadence ?? null,
      notes: body.notes ?? null,
      actions: body.actions ?? [],
    };
  };

  const goalErrors = (error: unknown): never => {
    if (error instanceof GoalError) throw badRequest('body', error.message);
    throw error;
  };

  app.get(
    '/goals',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['goals'],
        summary:
          'Goals you may see, each measured now: progress, pace, status (with its reason), SMART check, plan',
        response: { 200: z.array(reportSchema), ...errorResponses },
      },
    },
    async (request) => (await visibleReports(request)).map((r) => ({ ...r })),
  );

  app.get(
    '/goals/:id',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['goals'],
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({ goal: reportSchema, history: z.array(z.unknown()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const [report] = await visibleReports(request, [request.params.id]);
      if (!report) throw notFound('goal');
      return { goal: { ...report }, history: await statusHistory(db, p.org.id, report.id) };
    },
  );

  app.post(
    '/goals/check',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary: 'The SMART check, baseline and target of a draft goal, without saving it',
        body: draftSchema,
        response: { 200: checkSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const draft = await draftOf(request, request.body);
      return { ...(await setGoal(ctx.store, p.org, draft, ctx.now(), { dryRun: true }).catch(goalErrors)) };
    },
  );

  app.post(
    '/goals',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary: 'Set a goal: saved with its SMART check unless a letter fails (422), or with force',
        body: draftSchema,
        response: { 201: checkSchema, 422: checkSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const draft = await draftOf(request, request.body);
      const result = await setGoal(ctx.store, p.org, draft, ctx.now(), { force: request.body.force }).catch(
        goalErrors,
      );
      if (!result.goal) return reply.code(422).send({ ...result });
      await auditChange(request, {
        action: 'goal_created',
        targetType: 'goal',
        targetId: result.goal.id,
        detail: {
          name: result.name,
          kpi: draft.kpi,
          target: draft.target,
          scope: draft.scope,
          deadline: draft.deadline,
        },
      });
      return reply.code(201).send({ ...result });
    },
  );

  const visibleGoal = async (request: Parameters<typeof userPrincipal>[0], id: number) => {
    const p = userPrincipal(request);
    const goal = await getGoal(db, p.org.id, id).catch(() => undefined);
    if (!goal) throw notFound('goal');
    const scope = { kind: goal.scope.kind, id: goal.scope.id, name: goal.scope.id ?? 'organisation' };
    if (goal.owner.userId !== p.user.id && !(await canSeeScope(p, scope, (a) => agentTeam(p.org.id, a)))) {
      throw notFound('goal');
    }
    return goal;
  };

  /** The edit a PATCH body asks for; 400 when it would change what defines the goal. */
  const editOf = async (
    request: Parameters<typeof userPrincipal>[0],
    goal: Goal,
    body: z.infer<typeof editSchema>,
  ): Promise<GoalEdit> => {
    const p = userPrincipal(request);
    if (body.kpi !== undefined && body.kpi !== goal.kpi) throw badRequest('body.kpi', FIXED);
    if (body.start !== undefined && body.start !== goal.start) throw badRequest('body.start', FIXED);
    if (
      body.baseline !== undefined &&
      (body.baseline.from !== goal.baseline.from || body.baseline.to !== goal.baseline.to)
    ) {
      throw badRequest('body.baseline', FIXED);
    }
    if (body.scope !== undefined) {
      const same =
        body.scope.kind === goal.scope.kind &&
        (goal.scope.kind === 'organization' ||
          (await findScope(db, p.org.id, body.scope.kind, body.scope.id ?? null))?.id === goal.scope.id);
      if (!same) throw badRequest('body.scope', FIXED);
    }
    if (body.owner?.user_id != null) {
      const owner = await db
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', p.org.id)
        .where('id', '=', body.owner.user_id)
        .executeTakeFirst();
      if (!owner) throw badRequest('body.owner.user_id', 'no such user in this organisation');
    }
    return {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.target !== undefined ? { target: body.target } : {}),
      ...(body.deadline !== undefined ? { deadline: body.deadline } : {}),
      ...(body.owner !== undefined
        ? { owner: { name: body.owner.name, role: body.owner.role, userId: body.owner.user_id ?? null } }
        : {}),
      ...(body.cadence !== undefined ? { cadence: body.cadence } : {}),
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
    };
  };

  /** What an audit entry says of a goal: the fields an edit may change. */
  const editable = (g: Goal) => ({
    name: g.name,
    target: g.target,
    deadline: g.deadline,
    owner: g.owner,
    cadence: g.cadence,
    notes: g.notes,
    smart_ok: g.smart.ok,
  });

  app.post(
    '/goals/:id/check',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary: 'The SMART check and target of a goal as an edit would leave it, without saving it',
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        body: editSchema,
        response: { 200: checkSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const goal = await visibleGoal(request, request.params.id);
      const edit = await editOf(request, goal, request.body);
      const { before: _before, ...result } = await editGoal(ctx.store, p.org, goal.id, edit, ctx.now(), {
        dryRun: true,
      }).catch(goalErrors);
      return { ...result };
    },
  );

  app.patch(
    '/goals/:id',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary:
          "Edit a goal's name, target, deadline, owner, cadence or notes: re-checked (SMART) against its stored baseline and saved unless a letter fails (422), or with force",
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        body: editSchema,
        response: { 200: checkSchema, 422: checkSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const goal = await visibleGoal(request, request.params.id);
      const edit = await editOf(request, goal, request.body);
      const { before, ...result } = await editGoal(ctx.store, p.org, goal.id, edit, ctx.now(), {
        force: request.body.force,
      }).catch(goalErrors);
      if (!result.goal) return reply.code(422).send({ ...result });
      await auditChange(request, {
        action: 'goal_updated',
        targetType: 'goal',
        targetId: goal.id,
        detail: { before: editable(before), after: editable(result.goal) },
      });
      return reply.code(200).send({ ...result });
    },
  );

  app.post(
    '/goals/:id/actions',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary: "Add an item to a goal's action plan",
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        body: z.strictObject({
          title: text(500),
          owner: text(200),
          due: DAY,
          status: z.enum(ACTION_STATUSES).default('open'),
        }),
        response: { 201: z.object({ seq: z.number().int() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const goal = await visibleGoal(request, request.params.id);
      const seq = await addAction(db, p.org.id, goal.id, request.body).catch(goalErrors);
      await auditChange(request, {
        action: 'goal_action_added',
        targetType: 'goal',
        targetId: goal.id,
        detail: { seq, ...request.body },
      });
      return reply.code(201).send({ seq });
    },
  );

  app.patch(
    '/goals/:id/actions/:seq',
    {
      config: { access: roles(WRITERS) },
      schema: {
        tags: ['goals'],
        summary: 'Change the status of an action item',
        params: z.strictObject({
          id: z.coerce.number().int().positive(),
          seq: z.coerce.number().int().positive(),
        }),
        body: z.strictObject({ status: z.enum(ACTION_STATUSES) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = userPrincipal(request);
      const goal = await visibleGoal(request, request.params.id);
      try {
        await setActionStatus(db, p.org.id, goal.id, request.params.seq, request.body.status);
      } catch (error) {
        if (error instanceof GoalError) throw notFound('action item');
        throw error;
      }
      await auditChange(request, {
        action: 'goal_action_updated',
        targetType: 'goal',
        targetId: goal.id,
        detail: { seq: request.params.seq, status: request.body.status },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/goals/:id/feasibility',
    {
      config: { access: roles(EVERYONE) },
      schema: {
        tags: ['goals'],
        summary:
          'Whether the forecast volume can be served at an SLA or response-time goal, and how many agents it takes',
        params: z.strictObject({ id: z.coerce.number().int().positive() }),
        querystring: z.strictObject({
          agents: z.coerce.number().int().min(1).max(100_000).optional(),
          aht: z.coerce.number().min(1).max(86_400).optional(),
          answer_seconds: z.coerce
            .number()
            .min(1)
            .max(30 * 86_400)
            .optional(),
          shrinkage: z.coerce.number().min(0).max(0.95).optional(),
          max_occupancy: z.coerce.number().min(0.05).max(1).optional(),
          horizon_days: z.coerce.number().int().min(1).max(14).optional(),
        }),
        response: { 200: z.looseObject({ applicable: z.boolean(), reason: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const goal = await visibleGoal(request, request.params.id);
      const q = request.query;
      try {
        const result = await goalFeasibility(
          ctx.store,
          p.org,
          goal.id,
          {
            agents: q.agents,
            ahtSeconds: q.aht,
            answerSeconds: q.answer_seconds,
            shrinkage: q.shrinkage,
            maxOccupancy: q.max_occupancy,
            horizonDays: q.horizon_days,
          },
          ctx.now(),
        );
        return { ...result };
      } catch (error) {
        if (error instanceof VolumeForecastError) throw badRequest('querystring', error.message);
        throw error;
      }
    },
  );

  app.post(
    '/goals/evaluate',
    {
      config: { access: roles(MANAGERS) },
      schema: {
        tags: ['goals'],
        summary: 'Measure every goal now and record the status changes in their history',
        response: { 200: z.object({ goals: z.number(), changed: z.number() }), ...errorResponses },
      },
    },
    async (request) => {
      const p = userPrincipal(request);
      const reports = await evaluateGoals(ctx.store, p.org, { now: ctx.now(), record: true });
      const changed = reports.filter((r) => r.recorded.status !== r.status).length;
      return { goals: reports.length, changed };
    },
  );
};
