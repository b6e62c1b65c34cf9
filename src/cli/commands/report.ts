import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import type { DayRange } from '../../engine/goals.js';
import { buildReport } from '../../jobs/reports/build-report.js';
import { renderReport } from '../../jobs/reports/render-report.js';
import type { ReportKind } from '../../reports/report-data.js';
import { renderReportHtml } from '../../reports/report-html.js';
import { recordAudit } from '../../storage/audit-log.js';
import type { Organization } from '../../storage/organizations.js';
import { getReport, listReports, recordCorrection } from '../../storage/report-schedules-repository.js';
import { resolveScope, type Scope, ScopeError } from '../../storage/scopes.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';

/**
 * deskscore report weekly|monthly|agent: a one-off report (the same one the schedules e-mail) written to
 * files; deskscore report list|correct: the reports table and corrections (docs/alerts-and-reports.md).
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string): string {
  if (!DAY.test(value) || !DateTime.fromISO(value).isValid) throw new InvalidArgumentError('use YYYY-MM-DD');
  return value;
}

function month(value: string): string {
  if (!/^\d{4}-\d{2}$/.test(value) || !DateTime.fromISO(`${value}-01`).isValid)
    throw new InvalidArgumentError('use YYYY-MM');
  return value;
}

interface ReportCliOptions {
  desk?: string;
  team?: string;
  agent?: string;
  weekOf?: string;
  month?: string;
  from?: string;
  to?: string;
  out?: string;
  csv?: string;
  xlsx?: string;
  html?: string;
  json?: boolean;
  org?: string;
}

function periodOf(kind: ReportKind, opts: ReportCliOptions): DayRange | undefined {
  if (opts.from !== undefined || opts.to !== undefined) {
    if (!opts.from || !opts.to || opts.to < opts.from) {
      throw new CliError('--from and --to go together, with --to not before --from', 2);
    }
    return { from: opts.from, to: opts.to };
  }
  if (kind === 'kra_review' && opts.month) {
    const start = DateTime.fromISO(`${opts.month}-01`);
    return { from: start.toISODate()!, to: start.endOf('month').toISODate()! };
  }
  if (kind !== 'kra_review' && opts.weekOf) {
    const start = DateTime.fromISO(opts.weekOf).startOf('week');
    return { from: start.toISODate()!, to: start.endOf('week').toISODate()! };
  }
  return undefined;
}

async function scopeOf(
  store: Parameters<Parameters<typeof withStore>[1]>[0],
  org: Organization,
  kind: ReportKind,
  opts: ReportCliOptions,
): Promise<Scope> {
  const named = (['desk', 'team', 'agent'] as const).filter((k) => opts[k] !== undefined);
  if (named.length > 1) throw new CliError('name one of --desk, --team or --agent', 2);
  const which = named[0] ?? 'organization';
  if (kind === 'agent_weekly' && which !== 'agent') throw new CliError('an agent summary needs --agent', 2);
  if (kind !== 'agent_weekly' && which === 'agent')
    throw new CliError('use "deskscore report agent --agent …" for an agent', 2);
  try {
    return await resolveScope(store.db, org.id, which, which === 'organization' ? null : opts[which]!);
  } catch (error) {
    if (error instanceof ScopeError) throw new CliError(error.message);
    throw error;
  }
}

function addReportCommand(
  parent: Command,
  globals: () => GlobalOptions,
  name: string,
  kind: ReportKind,
  description: string,
) {
  const cmd = parent.command(name).description(description);
  if (kind === 'agent_weekly') cmd.requiredOption('--agent <agent>', 'the agent (id or name)');
  else cmd.option('--desk <desk>', 'a desk (id or name)').option('--team <team>', 'a team (id or name)');
  if (kind === 'kra_review')
    cmd.option('--month <YYYY-MM>', 'the month (default: the last whole month)', month);
  else
    cmd.option(
      '--week-of <date>',
      'a day of the week (Monday to Sunday) to report (default: last week)',
      day,
    );
  cmd
    .option('--from <date>', 'first day of another period (with --to)', day)
    .option('--to <date>', 'last day, inclusive', day)
    .option('--out <file.pdf>', 'write the PDF here')
    .option('--csv <file.csv>', 'write the KPI table as CSV')
    .option('--xlsx <file.xlsx>', 'write the KPIs, trends and goals as XLSX')
    .option('--html <file.html>', 'write the e-mail body (charts embedded)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', "print the report's data as JSON")
    .action(async (opts: ReportCliOptions) => {
      if (!opts.out && !opts.csv && !opts.xlsx && !opts.html && !opts.json) {
        throw new CliError('say where the report goes: --out report.pdf, --csv, --xlsx, --html or --json', 2);
      }
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const scope = await scopeOf(store, org, kind, opts);
        const period = periodOf(kind, opts);
        const data = await buildReport(store, org, {
          kind,
          scope,
          now: new Date(),
          ...(period ? { period } : {}),
        });
        const formats = [
          ...(opts.out ? (['pdf'] as const) : []),
          ...(opts.csv ? (['csv'] as const) : []),
          ...(opts.xlsx ? (['xlsx'] as const) : []),
        ];
        const rendered = await renderReport(data, formats);
        const written: string[] = [];
        if (opts.out && rendered.pdf) {
          writeFileSync(opts.out, rendered.pdf);
          written.push(`${opts.out} (PDF, ${rendered.pdf.length} bytes)`);
        }
        if (opts.csv && rendered.csv !== undefined) {
          writeFileSync(opts.csv, rendered.csv);
          written.push(`${opts.csv} (CSV, ${data.kpis.length} KPIs)`);
        }
        if (opts.xlsx && rendered.xlsx) {
          writeFileSync(opts.xlsx, rendered.xlsx);
          written.push(`${opts.xlsx} (XLSX)`);
        }
        if (opts.html) {
          const html = renderReportHtml(
            data,
            rendered.charts,
            (c) => `data:image/png;base64,${c.png.toString('base64')}`,
          );
          writeFileSync(opts.html, html);
          written.push(`${opts.html} (HTML)`);
        }
        if (opts.json) {
          printJson(data);
          return;
        }
        const score = (v: number | null) => (v === null ? '-' : String(Math.round(v)));
        out(
          `${data.title}: ${data.scope.label}, ${data.period.from} to ${data.period.to} — overall ${score(data.overall.current)} (previous ${score(data.overall.previous)}), ${data.kpis.length} KPIs\n`,
        );
        for (const w of written) out(`wrote ${w}\n`);
      });
    });
}

export function registerReportCommands(program: Command, globals: () => GlobalOptions): void {
  const report = program
    .command('report')
    .description(
      'one-off reports (PDF, CSV, XLSX, HTML), the reports table and corrections (docs/alerts-and-reports.md)',
    );
  addReportCommand(
    report,
    globals,
    'weekly',
    'weekly',
    'the weekly manager report of a desk, a team or the organisation',
  );
  addReportCommand(
    report,
    globals,
    'monthly',
    'kra_review',
    'the monthly KRA review of a desk, a team or the organisation',
  );
  addReportCommand(report, globals, 'agent', 'agent_weekly', "an agent's own weekly summary");

  report
    .command('list')
    .description('reports owed (imported and scheduled), with due, delivered and corrected times')
    .option('--from <date>', 'due on or after this day (UTC)', day)
    .option('--to <date>', 'due before the end of this day (UTC)', day)
    .option('--report <name>', 'only this report (weekly, kra_review, agent_weekly, sla, …)')
    .option('--limit <n>', 'at most this many, newest first', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('1 to 10000');
      return n;
    })
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(
      async (opts: {
        from?: string;
        to?: string;
        report?: string;
        limit?: number;
        org?: string;
        json?: boolean;
      }) => {
        await withStore(globals(), async (store) => {
          const org = await organizationFor(store, opts.org);
          const rows = await listReports(store.db, org.id, {
            from: opts.from ? new Date(`${opts.from}T00:00:00Z`) : undefined,
            to: opts.to ? new Date(new Date(`${opts.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
            report: opts.report,
            limit: opts.limit ?? 50,
          });
          if (opts.json) {
            printJson(rows);
            return;
          }
          printTable(
            rows.map((r) => ({
              id: r.id,
              report: r.report,
              due: r.due_at.toISOString(),
              delivered: r.delivered_at?.toISOString() ?? '-',
              corrected: r.corrected_at?.toISOString() ?? '',
              on_time_accurate: r.on_time_accurate ? 'yes' : 'no',
              source: r.scheduled ? 'scheduled' : 'imported',
            })),
          );
        });
      },
    );

  report
    .command('correct <id>')
    .description('record that a correction was issued for a report (it no longer counts as accurate)')
    .option('--at <instant>', 'when the correction was issued (ISO 8601; default: now)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(async (id: string, opts: { at?: string; org?: string }) => {
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new CliError('--at must be an ISO 8601 instant', 2);
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const report = await getReport(store.db, org.id, id);
        if (!report)
          throw new CliError(`no report "${id}" in this organisation (see: deskscore report list)`);
        if (report.delivered_at && at.getTime() < report.delivered_at.getTime()) {
          throw new CliError(
            `a correction cannot precede the delivery (${report.delivered_at.toISOString()})`,
          );
        }
        await recordCorrection(store.db, org.id, id, at);
        await recordAudit(store.db, {
          orgId: org.id,
          actorUserId: null,
          actor: 'cli',
          action: 'report_corrected',
          targetType: 'report',
          targetId: id,
          detail: { corrected_at: at.toISOString() },
        });
        out(
          `report ${id}: correction recorded at ${at.toISOString()}; it no longer counts as on time and accurate\n`,
        );
      });
    });
}
