import type { Command } from 'commander';
import { coachingSuggestions } from '../../jobs/coaching.js';
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
import { addPeriodOptions, type PeriodOptions, periodFromOptions } from './scorecard.js';

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v * 100) / 100));

interface CoachingCliOptions extends PeriodOptions {
  agent?: string;
  team?: string;
  limit: string;
  org?: string;
  json?: boolean;
}

export function registerCoachingCommand(program: Command, globals: () => GlobalOptions): void {
  addPeriodOptions(
    program
      .command('coaching')
      .description(
        'coaching suggestions: the KPIs furthest below target or the peers’ median, with their tickets and courses',
      )
      .option('--agent <agent>', 'an agent (compared with their team)')
      .option('--team <team>', 'a team (compared with all teams)'),
  )
    .option('--limit <n>', 'how many KPIs to suggest', '3')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: CoachingCliOptions) => {
      if (!opts.agent === !opts.team) throw new CliError('name --agent or --team', 2);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50)
        throw new CliError('--limit must be 1 to 50', 2);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const now = new Date();
        const kind = opts.agent ? 'agent' : 'team';
        let scope: Awaited<ReturnType<typeof resolveScope>>;
        try {
          scope = await resolveScope(store.db, org.id, kind, (opts.agent ?? opts.team)!);
        } catch (error) {
          if (error instanceof ScopeError) throw new CliError(error.message);
          throw error;
        }
        const report = await coachingSuggestions(store, org, {
          scope,
          period: periodFromOptions(opts, org, now),
          now,
          limit,
        });
        if (opts.json) {
          printJson(report);
          return;
        }
        out(
          `coaching for ${scopeLabel(scope)}, ${report.period.from} to ${report.period.to}, against ${report.peers}\n`,
        );
        if (report.suggestions.length === 0)
          out('every KPI with data is at target and at or above the median\n');
        printTable(
          report.suggestions.map((s) => ({
            kpi: s.kpi,
            value: num(s.value),
            target: num(s.target),
            score: num(s.score),
            peer_median: num(s.peer_median),
            tickets: s.tickets === null ? '(none named)' : s.tickets.map((t) => t.ticket_id).join(' ') || '-',
            course: s.courses
              .map((c) =>
                c.enrolment?.completed_at
                  ? `${c.course} (completed)`
                  : c.enrolment
                    ? `${c.course} (enrolled)`
                    : c.course,
              )
              .join('; '),
          })),
        );
      });
    });
}
