import { type Command, InvalidArgumentError } from 'commander';
import {
  type DayRange,
  lastFullPeriod,
  localDay,
  OWNER_ROLES,
  type OwnerRole,
  PERIOD_GRAINS,
  type PeriodGrain,
} from '../../engine/goals.js';
import {
  agentVsTeamMedian,
  buildScorecard,
  compareScorecards,
  type ScorecardReport,
} from '../../jobs/scorecards.js';
import type { Organization } from '../../storage/organizations.js';
import { resolveScope, ScopeError, scopeLabel } from '../../storage/scopes.js';
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

export interface PeriodOptions {
  period: PeriodGrain;
  from?: string;
  to?: string;
}

/** `--from/--to`, else the last whole `--period` (week, month, quarter, year) before today. */
export function periodFromOptions(opts: PeriodOptions, org: Organization, now: Date): DayRange {
  if (opts.from !== undefined || opts.to !== undefined) {
    if (!opts.from || !opts.to || !DAY.test(opts.from) || !DAY.test(opts.to) || opts.to < opts.from) {
      throw new CliError('--from and --to go together, as YYYY-MM-DD with --to not before --from', 2);
    }
    return { from: opts.from, to: opts.to };
  }
  return lastFullPeriod(opts.period, localDay(now, org.time_zone));
}

export function addPeriodOptions(cmd: Command): Command {
  return cmd
    .option('--period <grain>', `the last whole ${PERIOD_GRAINS.join(', ')}`, oneOf(PERIOD_GRAINS), 'month')
    .option('--from <date>', 'first day (with --to), instead of --period')
    .option('--to <date>', 'last day, inclusive');
}

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v * 100) / 100));

function printCard(card: ScorecardReport): void {
  out(
    `${card.template} scorecard for ${scopeLabel(card.scope)}, ${card.period.from} to ${card.period.to} (${card.template_source} template)\n`,
  );
  out(
    `overall ${num(card.overall)} · happy customers ${num(card.indices.happy_customers.score)} · healthy teams ${num(card.indices.healthy_teams.score)}\n\n`,
  );
  printTable(
    card.kras.flatMap((k) => [
      {
        kra: `${k.kra} ${k.name}`,
        kpi: '',
        value: '',
        n: '',
        floor: '',
        target: '',
        score: num(k.score),
        weight: `${k.weight}${k.weight_used === null ? ' (unused)' : ` → ${num(k.weight_used * 100)} %`}`,
        note: k.score === null ? 'no KPI with data' : '',
      },
      ...k.kpis.map((p) => ({
        kra: '',
        kpi: p.kpi,
        value: num(p.value),
        n: p.n,
        floor: num(p.floor),
        target: num(p.target),
        score: p.status === 'scored' ? num(p.score) : p.status.replace('_', ' '),
        weight: `${p.weight}${p.weight_used === null ? '' : ` → ${num(p.weight_used * 100)} %`}`,
        note: [p.target_source === 'template' ? '' : p.target_source, p.note ?? '']
          .filter(Boolean)
          .join('; '),
      })),
    ]),
  );
}

interface ScorecardCliOptions extends PeriodOptions {
  desk?: string;
  team?: string;
  agent?: string;
  compare?: 'desks' | 'teams';
  role?: OwnerRole;
  org?: string;
  json?: boolean;
}

export function registerScorecardCommand(program: Command, globals: () => GlobalOptions): void {
  addPeriodOptions(
    program
      .command('scorecard')
      .description(
        'weighted KRA scorecard of a desk, team or agent, or desks/teams side by side (docs/goals.md)',
      )
      .option('--desk <desk>', 'a desk (manager scorecard)')
      .option('--team <team>', 'a team (team lead scorecard)')
      .option('--agent <agent>', 'an agent (agent scorecard, with the team median)')
      .option(
        '--compare <which>',
        'every desk or every team side by side, ranked: desks or teams',
        oneOf(['desks', 'teams'] as const),
      )
      .option(
        '--role <role>',
        `score with another role's template (${OWNER_ROLES.join(', ')})`,
        oneOf(OWNER_ROLES),
      ),
  )
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: ScorecardCliOptions) => {
      const scopes = (['desk', 'team', 'agent'] as const).filter((k) => opts[k] !== undefined);
      if (scopes.length + (opts.compare ? 1 : 0) > 1) {
        throw new CliError('name one of --desk, --team, --agent or --compare', 2);
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const now = new Date();
        const period = periodFromOptions(opts, org, now);
        if (opts.compare) {
          const comparison = await compareScorecards(store, org, {
            kind: opts.compare === 'desks' ? 'desk' : 'team',
            role: opts.role,
            period,
            now,
          });
          if (opts.json) {
            printJson(comparison);
            return;
          }
          out(`${opts.compare} side by side, ${period.from} to ${period.to} (${comparison.role} template)\n`);
          const kras = comparison.scorecards[0]?.kras.map((k) => String(k.kra)) ?? [];
          printTable(
            comparison.ranking.map((r) => ({
              rank: r.rank ?? '-',
              [opts.compare === 'desks' ? 'desk' : 'team']: r.scope.name,
              overall: num(r.overall),
              happy: num(r.happy_customers),
              healthy: num(r.healthy_teams),
              ...Object.fromEntries(kras.map((k) => [`KRA ${k}`, num(r.kras[k] ?? null)])),
            })),
          );
          return;
        }
        const kind = scopes[0] ?? 'organization';
        let scope: Awaited<ReturnType<typeof resolveScope>>;
        try {
          scope = await resolveScope(store.db, org.id, kind, kind === 'organization' ? null : opts[kind]!);
        } catch (error) {
          if (error instanceof ScopeError) throw new CliError(error.message);
          throw error;
        }
        const card = await buildScorecard(store, org, { scope, role: opts.role, period, now });
        const median = kind === 'agent' ? await agentVsTeamMedian(store, org, card, now) : undefined;
        if (opts.json) {
          printJson(median ? { ...card, team_median: median } : card);
          return;
        }
        printCard(card);
        if (median) {
          out(`\nagainst the median of team ${median.team?.name ?? '-'} (${median.agents} agents):\n`);
          printTable(
            median.kpis.map((k) => ({
              kpi: k.kpi,
              value: num(k.value),
              team_median: num(k.team_median),
              agents_with_data: k.agents_with_data,
              vs_median: k.vs_team_median ?? '-',
            })),
          );
        }
      });
    });
}
