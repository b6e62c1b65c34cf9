import { type Command, InvalidArgumentError } from 'commander';
import {
  ACTION_STATUSES,
  type ActionStatus,
  CADENCES,
  type Cadence,
  type GoalScopeKind,
  OWNER_ROLES,
  type OwnerRole,
  type TargetKind,
} from '../../engine/goals.js';
import type { SmartCheck } from '../../engine/smart.js';
import { evaluateGoals, type GoalReport } from '../../jobs/evaluate-goals.js';
import { goalFeasibility } from '../../jobs/goal-feasibility.js';
import { setGoal } from '../../jobs/set-goal.js';
import { VolumeForecastError } from '../../jobs/volume-forecast.js';
import {
  addAction,
  GoalError,
  getGoal,
  setActionStatus,
  statusHistory,
} from '../../storage/goals-repository.js';
import { scopeLabel } from '../../storage/scopes.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`use one of ${allowed.join(', ')}`);
    return value as T;
  };
}

function day(value: string): string {
  if (!DAY.test(value)) throw new InvalidArgumentError('use YYYY-MM-DD');
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--change -15%` (percent of the baseline) or `--change +10pt` (points). */
export function parseChange(text: string): { kind: TargetKind; value: number } {
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(%|pts?|points?)$/.exec(text.trim());
  if (!m) throw new CliError(`--change ${text}: use a signed number with % or pt, e.g. -15% or +10pt`, 2);
  return { kind: m[2] === '%' ? 'percent_change' : 'points_change', value: Number(m[1]) };
}

/** `--action "title|owner|YYYY-MM-DD[|status]"`. */
export function parseAction(text: string): {
  title: string;
  owner: string;
  due: string;
  status: ActionStatus;
} {
  const [title, owner, due, status = 'open'] = text.split('|').map((s) => s.trim());
  if (!title || !owner || !due || !DAY.test(due) || !ACTION_STATUSES.includes(status as ActionStatus)) {
    throw new CliError(`--action ${text}: use "title|owner|YYYY-MM-DD[|${ACTION_STATUSES.join('|')}]"`, 2);
  }
  return { title, owner, due, status: status as ActionStatus };
}

export function scopeFromOptions(opts: { desk?: string; team?: string; agent?: string }): {
  kind: GoalScopeKind;
  idOrName: string | null;
} {
  const given = (['desk', 'team', 'agent'] as const).filter((k) => opts[k] !== undefined);
  if (given.length > 1) throw new CliError('name one scope: --desk, --team or --agent', 2);
  const kind = given[0];
  return kind ? { kind, idOrName: opts[kind]! } : { kind: 'organization', idOrName: null };
}

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v * 100) / 100));

export function printSmart(title: string, smart: SmartCheck): void {
  out(`SMART check for "${title}":\n`);
  for (const l of smart.letters)
    out(`  ${l.letter} ${l.name.padEnd(11)} ${l.verdict.padEnd(5)} ${l.reason}\n`);
}

function goalRows(reports: readonly GoalReport[]) {
  return reports.map((g) => ({
    id: g.id,
    goal: g.name,
    kpi: g.kpi,
    scope: scopeLabel(g.scope),
    baseline: num(g.baseline.value),
    target: num(g.target.value),
    current: num(g.current.value),
    n: g.current.n,
    progress: g.progress === null ? '-' : `${num(g.progress)} %`,
    pace: num(g.pace),
    status: g.status,
    deadline: g.deadline,
  }));
}

interface AddOptions {
  kpi: string;
  target?: string;
  change?: string;
  start: string;
  deadline: string;
  baselineFrom?: string;
  baselineTo?: string;
  desk?: string;
  team?: string;
  agent?: string;
  owner: string;
  ownerRole: OwnerRole;
  ownerUserId?: string;
  cadence?: Cadence;
  notes?: string;
  name?: string;
  action: string[];
  force?: boolean;
  dryRun?: boolean;
  org?: string;
  json?: boolean;
}

export function registerGoalCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('goals')
    .description('goals with their current value, progress, pace and status (docs/goals.md)')
    .option('--as-of <date>', 'judge with data up to this day (default: yesterday)', day)
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the goals as JSON')
    .action(async (opts: { asOf?: string; org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const reports = await evaluateGoals(store, org, { now: new Date(), asOf: opts.asOf });
        if (opts.json) printJson(reports);
        else printTable(goalRows(reports));
      });
    });

  const goal = program.command('goal').description('set, show and evaluate goals (docs/goals.md)');
  goal
    .command('add')
    .description('set a goal: prints its SMART check; saved when no letter fails (or with --force)')
    .requiredOption('--kpi <id>', 'the KPI (see: deskscore kpi --list)')
    .option('--target <value>', 'an absolute target, in the KPI unit (e.g. 85)')
    .option('--change <delta>', 'a target relative to the baseline: -15% or +10pt')
    .requiredOption('--start <date>', 'first day of the goal', day)
    .requiredOption('--deadline <date>', 'last day of the goal', day)
    .option('--baseline-from <date>', 'baseline period start (default: 28 days before the start)', day)
    .option('--baseline-to <date>', 'baseline period end (default: the day before the start)', day)
    .option('--desk <desk>', 'scope: a desk (default: the organisation)')
    .option('--team <team>', 'scope: a team')
    .option('--agent <agent>', 'scope: an agent')
    .requiredOption('--owner <name>', 'who owns the goal')
    .option('--owner-role <role>', `${OWNER_ROLES.join(', ')}`, oneOf(OWNER_ROLES), 'manager')
    .option('--owner-user-id <id>', 'the owner’s user account id')
    .option(
      '--cadence <cadence>',
      `manual KPIs: how often they are recorded (${CADENCES.join(', ')})`,
      oneOf(CADENCES),
    )
    .option('--notes <text>', 'notes')
    .option('--name <text>', 'a name (default: made from the KPI, target and scope)')
    .option(
      '--action <item>',
      'an action plan item "title|owner|YYYY-MM-DD[|status]" (repeatable)',
      collect,
      [],
    )
    .option('--force', 'save even when a SMART letter fails')
    .option('--dry-run', 'only print the SMART check')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: AddOptions) => {
      if ((opts.target === undefined) === (opts.change === undefined)) {
        throw new CliError('give either --target (absolute) or --change (relative to the baseline)', 2);
      }
      let target: { kind: TargetKind; value: number };
      if (opts.target !== undefined) {
        const value = Number(opts.target);
        if (opts.target.trim() === '' || !Number.isFinite(value))
          throw new CliError('--target must be a number', 2);
        target = { kind: 'absolute', value };
      } else target = parseChange(opts.change!);
      if ((opts.baselineFrom === undefined) !== (opts.baselineTo === undefined)) {
        throw new CliError('give both --baseline-from and --baseline-to, or neither', 2);
      }
      const userId = opts.ownerUserId === undefined ? null : Number(opts.ownerUserId);
      if (userId !== null && !Number.isSafeInteger(userId))
        throw new CliError('--owner-user-id must be a whole number', 2);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          const result = await setGoal(
            store,
            org,
            {
              name: opts.name,
              kpi: opts.kpi,
              scope: scopeFromOptions(opts),
              target,
              start: opts.start,
              deadline: opts.deadline,
              baseline:
                opts.baselineFrom && opts.baselineTo
                  ? { from: opts.baselineFrom, to: opts.baselineTo }
                  : undefined,
              owner: { name: opts.owner, role: opts.ownerRole, userId },
              cadence: opts.cadence ?? null,
              notes: opts.notes ?? null,
              actions: opts.action.map(parseAction),
            },
            new Date(),
            { force: opts.force, dryRun: opts.dryRun },
          );
          if (opts.json) printJson(result);
          else {
            printSmart(result.name, result.smart);
            const b = result.baseline;
            out(
              `baseline ${num(b.value)} from ${b.from} to ${b.to} (n = ${b.n}); target ${num(result.target_value)}\n`,
            );
            if (result.goal) out(`saved as goal #${result.goal.id}\n`);
          }
          if (!result.goal && !opts.dryRun) {
            const failed = result.smart.letters.filter((l) => l.verdict === 'fail').map((l) => l.letter);
            throw new CliError(
              `not saved: the SMART check failed on ${failed.join(', ')}; fix the goal, or keep it anyway with --force`,
            );
          }
        } catch (error) {
          if (error instanceof GoalError) throw new CliError(error.message);
          throw error;
        }
      });
    });

  goal
    .command('show')
    .description('one goal: its current state, action plan and status history')
    .argument('<id>', 'goal number')
    .option('--as-of <date>', 'judge with data up to this day (default: yesterday)', day)
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { asOf?: string; org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const goalId = goalNumber(id);
        try {
          await getGoal(store.db, org.id, goalId);
        } catch (error) {
          if (error instanceof GoalError) throw new CliError(error.message);
          throw error;
        }
        const [report] = await evaluateGoals(store, org, { now: new Date(), asOf: opts.asOf, ids: [goalId] });
        const history = await statusHistory(store.db, org.id, goalId);
        if (opts.json) {
          printJson({ ...report, history });
          return;
        }
        if (!report) throw new CliError(`goal #${goalId} cannot be measured (its KPI or scope is gone)`);
        printTable(goalRows([report]));
        out(`\n${report.reason}\n\n`);
        printSmart(report.name, report.smart);
        out('\naction plan:\n');
        printTable(report.actions.map((a) => ({ ...a })));
        out('\nstatus history:\n');
        printTable(
          history.map((h) => ({
            at: h.changedAt,
            as_of: h.asOf,
            from: h.from ?? '-',
            to: h.to,
            value: num(h.value),
            n: h.n,
            reason: h.reason,
          })),
        );
      });
    });

  goal
    .command('evaluate')
    .description('judge every goal and record status changes in the history (what a daily job runs)')
    .option('--as-of <date>', 'judge with data up to this day (default: yesterday)', day)
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print the goals as JSON')
    .action(async (opts: { asOf?: string; org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const reports = await evaluateGoals(store, org, { now: new Date(), asOf: opts.asOf, record: true });
        if (opts.json) printJson(reports);
        else printTable(goalRows(reports));
      });
    });

  goal
    .command('feasibility')
    .description(
      'can the forecast volume be served at an SLA or response-time goal? (Erlang C on the hourly forecast)',
    )
    .argument('<id>', 'goal number')
    .option('--agents <n>', 'agents answering per interval (after shrinkage): judge this headcount')
    .option('--aht <seconds>', "handle time per contact (default: the scope's aht over the last 28 days)")
    .option(
      '--answer-seconds <s>',
      'SLA goals: the answer time (default: the first-reply target of the first policy)',
    )
    .option('--shrinkage <share>', 'share of paid time not answering, 0 to 0.95')
    .option('--max-occupancy <share>', 'highest occupancy, 0.05 to 1')
    .option('--horizon <days>', 'days of hourly forecast, 1 to 14', '14')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: {
          agents?: string;
          aht?: string;
          answerSeconds?: string;
          shrinkage?: string;
          maxOccupancy?: string;
          horizon: string;
          org?: string;
          json?: boolean;
        },
      ) => {
        const goalId = goalNumber(id);
        const num = (v: string | undefined, what: string, min: number, max: number) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (v.trim() === '' || !(n >= min && n <= max))
            throw new CliError(`${what} must be a number from ${min} to ${max}`, 2);
          return n;
        };
        const options = {
          agents: num(opts.agents, '--agents', 1, 100_000),
          ahtSeconds: num(opts.aht, '--aht', 1, 86_400),
          answerSeconds: num(opts.answerSeconds, '--answer-seconds', 1, 30 * 86_400),
          shrinkage: num(opts.shrinkage, '--shrinkage', 0, 0.95),
          maxOccupancy: num(opts.maxOccupancy, '--max-occupancy', 0.05, 1),
          horizonDays: num(opts.horizon, '--horizon', 1, 14),
        };
        if (options.agents !== undefined && !Number.isInteger(options.agents))
          throw new CliError('--agents must be whole', 2);
        await withStore(globals(), async (store) => {
          const org = await organizationFor(store, opts.org);
          try {
            const result = await goalFeasibility(store, org, goalId, options, new Date());
            if (opts.json) {
              printJson(result);
              return;
            }
            if (!result.applicable) {
              out(`goal #${goalId}: ${result.reason}\n`);
              return;
            }
            const a = result.assumptions!;
            out(
              `goal #${goalId} ${result.goal.name}: ${a.target_source}; AHT ${a.aht_seconds} s (${a.aht_source}); ` +
                `${result.forecast_volume} contacts forecast over ${a.horizon_days} days\n` +
                `at most ${result.max_agents_needed} agents (${result.max_staff_needed} staff with shrinkage) needed in one hour\n`,
            );
            const f = result.feasibility;
            if (f) {
              out(
                `${a.agents} agents: ${f.feasible ? 'enough' : `short in ${f.short} of ${f.intervals} hours`}; expected service level ` +
                  `${f.serviceLevel === null ? '-' : `${(f.serviceLevel * 100).toFixed(1)} %`}${f.worstInterval ? `, worst at ${f.worstInterval}` : ''}\n`,
              );
            }
          } catch (error) {
            if (error instanceof GoalError || error instanceof VolumeForecastError)
              throw new CliError(error.message);
            throw error;
          }
        });
      },
    );

  goal
    .command('action')
    .description('add an action plan item to a goal, or change an item’s status')
    .argument('<id>', 'goal number')
    .option('--add <item>', 'a new item "title|owner|YYYY-MM-DD[|status]"')
    .option('--set <seq=status>', `an item's new status (${ACTION_STATUSES.join(', ')}), e.g. 2=done`)
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (id: string, opts: { add?: string; set?: string; org?: string }) => {
      if (!opts.add === !opts.set) throw new CliError('give --add or --set', 2);
      const goalId = goalNumber(id);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        try {
          if (opts.add) {
            const seq = await addAction(store.db, org.id, goalId, parseAction(opts.add));
            out(`added action ${seq} to goal #${goalId}\n`);
          } else {
            const m = /^(\d+)=(.+)$/.exec(opts.set!);
            if (!m || !ACTION_STATUSES.includes(m[2] as ActionStatus)) {
              throw new CliError(`--set ${opts.set}: use <number>=<${ACTION_STATUSES.join('|')}>`, 2);
            }
            await setActionStatus(store.db, org.id, goalId, Number(m[1]), m[2] as ActionStatus);
            out(`action ${m[1]} of goal #${goalId} is now ${m[2]}\n`);
          }
        } catch (error) {
          if (error instanceof GoalError) throw new CliError(error.message);
          throw error;
        }
      });
    });
}

function goalNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`"${text}" is not a goal number`, 2);
  return Number(text);
}
