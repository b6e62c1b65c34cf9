import type { Store } from '../../storage/database.js';
import { listOrganizations } from '../../storage/organizations.js';
import { type ReportRun, runDueReports } from '../reports/run-report-schedules.js';
import { type DeliveryOutcome, deliverDue } from './deliver.js';
import { evaluateAlertRules, type RuleEvaluation } from './evaluate-alerts.js';

/**
 * The scheduler in the server process: every `everyMs` (30 s by default) it evaluates each
 * organisation's alert rules that are due in their period, runs the report schedules whose slot has
 * come, and sends the deliveries whose time has come (new ones, retries, notices held by quiet hours).
 * Ticks never overlap; a failing organisation is logged and does not stop the others.
 */

export interface SchedulerLog {
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  store: Store;
  everyMs?: number;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  retryDelaysMs?: readonly number[];
  log?: SchedulerLog;
}

export interface TickSummary {
  evaluations: RuleEvaluation[];
  reports: ReportRun[];
  deliveries: DeliveryOutcome[];
}

export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickSummary> | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer || this.stopped) return;
    const every = this.options.everyMs ?? 30_000;
    const run = () => {
      this.tick().catch((error: Error) =>
        this.options.log?.error({ err: error }, 'alert scheduler tick failed'),
      );
    };
    this.timer = setInterval(run, every);
    this.timer.unref();
    setImmediate(run);
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over every organisation; a tick already running is joined rather than doubled. */
  tick(): Promise<TickSummary> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<TickSummary> {
    const { store } = this.options;
    const summary: TickSummary = { evaluations: [], reports: [], deliveries: [] };
    for (const org of await listOrganizations(store.db)) {
      if (this.stopped) break;
      const now = this.options.now?.() ?? new Date();
      try {
        summary.evaluations.push(...(await evaluateAlertRules(store, org, { now })));
        summary.reports.push(...(await runDueReports(store, org, { now })));
        summary.deliveries.push(
          ...(await deliverDue(store, org, {
            now: this.options.now?.() ?? new Date(),
            ...(this.options.env ? { env: this.options.env } : {}),
            ...(this.options.retryDelaysMs ? { retryDelaysMs: this.options.retryDelaysMs } : {}),
          })),
        );
      } catch (error) {
        this.options.log?.error(
          { err: error, org: org.slug },
          'alerts and reports failed for an organisation',
        );
      }
    }
    for (const e of summary.evaluations.filter((x) => x.error)) {
      this.options.log?.error({ rule: e.rule_id, error: e.error }, 'alert rule could not be evaluated');
    }
    for (const d of summary.deliveries.filter((x) => x.error)) {
      // The error text was stripped of secrets by the sender.
      this.options.log?.error(
        { delivery: d.id, status: d.status, attempts: d.attempts, error: d.error },
        'delivery failed',
      );
    }
    return summary;
  }
}
