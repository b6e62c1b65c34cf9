import { type Command, InvalidArgumentError } from 'commander';
import { channelView } from '../../jobs/alerts/channels.js';
import { deliverDue, sendTest } from '../../jobs/alerts/deliver.js';
import { evaluateAlertRules } from '../../jobs/alerts/evaluate-alerts.js';
import { testMessage } from '../../jobs/alerts/messages.js';
import { runDueReports } from '../../jobs/reports/run-report-schedules.js';
import {
  type DeliveryStatus,
  findChannel,
  lastEvaluation,
  listChannels,
  listDeliveries,
  listEvents,
  listRules,
} from '../../storage/alerts-repository.js';
import { recordAudit } from '../../storage/audit-log.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';

/** deskscore alerts list|channels|deliveries|test|run (docs/alerts-and-reports.md). */

const STATUSES: readonly DeliveryStatus[] = ['held', 'pending', 'sending', 'sent', 'failed', 'suppressed'];

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('1 to 1000');
  return n;
}

const scopeText = (s: { kind: string; id: string | null }) =>
  s.kind === 'organization' ? 'organisation' : `${s.kind} ${s.id}`;

export function registerAlertsCommands(program: Command, globals: () => GlobalOptions): void {
  const alerts = program
    .command('alerts')
    .description(
      'alert rules, delivery channels, the delivery log and test messages (docs/alerts-and-reports.md)',
    );

  alerts
    .command('list')
    .description('alert rules with what is firing and their last evaluation')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const rules = await listRules(store.db, org.id);
        const firing = await listEvents(store.db, org.id, { state: 'firing', limit: 10_000 });
        const rows = [];
        for (const r of rules) {
          const last = await lastEvaluation(store.db, org.id, r.id);
          rows.push({
            ...r,
            firing: firing
              .filter((e) => e.rule_id === r.id)
              .map((e) => ({ id: e.id, subject: e.subject, since: e.fired_at })),
            last_evaluation: last,
          });
        }
        if (opts.json) {
          printJson(rows);
          return;
        }
        if (rows.length === 0) {
          out('no alert rules (create them with POST /api/v1/alerts/rules)\n');
          return;
        }
        printTable(
          rows.map((r) => ({
            id: r.id,
            name: r.name,
            kind: r.kind,
            scope: scopeText(r.scope),
            every: `${r.interval_minutes} min`,
            quiet: r.quiet_hours ? `${r.quiet_hours.start}-${r.quiet_hours.end}` : '',
            channels: r.channel_ids.join(','),
            enabled: r.enabled ? 'yes' : 'no',
            firing: r.firing.length,
            last: r.last_evaluation ? `${r.last_evaluation.period_key}` : 'never',
          })),
        );
        for (const r of rows)
          for (const f of r.firing) out(`  #${r.id} firing since ${f.since.toISOString()}: ${f.subject}\n`);
      });
    });

  alerts
    .command('channels')
    .description('delivery channels (secrets are shown only as where they come from)')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const channels = (await listChannels(store.db, org.id)).map(channelView);
        if (opts.json) {
          printJson(channels);
          return;
        }
        printTable(
          channels.map((c) => ({
            id: c.id,
            name: c.name,
            kind: c.kind,
            to: c.config.kind === 'email' ? c.config.to.join(', ') : `${c.config.url} (${c.config.format})`,
            secrets: Object.entries(c.secrets)
              .map(([k, v]) => `${k}: ${'env' in v ? `env ${v.env}` : 'stored encrypted'}`)
              .join('; '),
          })),
        );
      });
    });

  alerts
    .command('deliveries')
    .description('the delivery log: notices, reports and tests, newest first')
    .option('--status <status>', `only ${STATUSES.join(', ')}`, (v: string) => {
      if (!STATUSES.includes(v as DeliveryStatus))
        throw new InvalidArgumentError(`use one of ${STATUSES.join(', ')}`);
      return v as DeliveryStatus;
    })
    .option('--limit <n>', 'at most this many (default 50)', limit)
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { status?: DeliveryStatus; limit?: number; org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const rows = await listDeliveries(store.db, org.id, { status: opts.status, limit: opts.limit ?? 50 });
        if (opts.json) {
          printJson(rows.map(({ payload: _payload, ...d }) => d));
          return;
        }
        printTable(
          rows.map((d) => ({
            created: d.created_at.toISOString(),
            kind: d.kind,
            channel: d.channel_id,
            status: d.status,
            attempts: d.attempts,
            sent: d.sent_at?.toISOString() ?? '',
            title: d.title.length > 60 ? `${d.title.slice(0, 59)}…` : d.title,
            error: d.last_error ?? '',
          })),
        );
      });
    });

  alerts
    .command('test <channel>')
    .description('send a test message on a channel (id or name) now and say whether it went')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (which: string, opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const channel = await findChannel(store.db, org.id, which);
        if (!channel) throw new CliError(`no channel "${which}" (see: deskscore alerts channels)`);
        const now = new Date();
        const outcome = await sendTest(store, org, channel, testMessage(org, channel.name, 'cli', now), {
          now,
        });
        await recordAudit(store.db, {
          orgId: org.id,
          actorUserId: null,
          actor: 'cli',
          action: 'alert_test_sent',
          targetType: 'alert_channel',
          targetId: channel.id,
          detail: { status: outcome.status },
        });
        if (opts.json) printJson(outcome);
        else if (outcome.status === 'sent')
          out(`test message sent on channel #${channel.id} "${channel.name}"\n`);
        if (outcome.status !== 'sent')
          throw new CliError(`test message on "${channel.name}" failed: ${outcome.error}`);
      });
    });

  alerts
    .command('run')
    .description(
      'evaluate the rules due now, run due report schedules and send what is waiting (what the server does every 30 s)',
    )
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const now = new Date();
        const evaluations = await evaluateAlertRules(store, org, { now });
        const reports = await runDueReports(store, org, { now });
        const deliveries = await deliverDue(store, org, { now: new Date() });
        if (opts.json) {
          printJson({ evaluations, reports, deliveries });
          return;
        }
        for (const e of evaluations) {
          out(
            e.evaluated
              ? `rule #${e.rule_id} ${e.rule} (${e.period_key}): ${e.error ? `error: ${e.error}` : `${e.firing} firing, ${e.fired} new, ${e.changed} changed, ${e.resolved} resolved${e.note ? `; ${e.note}` : ''}`}\n`
              : `rule #${e.rule_id} ${e.rule}: already evaluated in period ${e.period_key}\n`,
          );
        }
        for (const r of reports)
          out(`report ${r.report_id} (${r.scope}): ${r.error ?? `${r.deliveries} deliveries queued`}\n`);
        for (const d of deliveries)
          out(
            `delivery ${d.id} (${d.kind}, channel #${d.channel_id}): ${d.status}${d.error ? `: ${d.error}` : ''}\n`,
          );
        if (evaluations.length + reports.length + deliveries.length === 0) out('nothing due\n');
      });
    });
}
