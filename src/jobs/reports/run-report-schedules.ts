import { randomUUID } from 'node:crypto';
import { latestReportSlot } from '../../engine/alert-timing.js';
import {
  type Channel,
  insertDeliveries,
  listChannels,
  type NewDelivery,
} from '../../storage/alerts-repository.js';
import type { Store } from '../../storage/database.js';
import type { Organization } from '../../storage/organizations.js';
import {
  claimScheduledReport,
  listSchedules,
  type ReportSchedule,
  setReportContentHash,
} from '../../storage/report-schedules-repository.js';
import { findScope, type Scope } from '../../storage/scopes.js';
import type { DeliveryPayload } from '../alerts/deliver.js';
import { buildReport } from './build-report.js';
import { renderReport, reportMessage } from './render-report.js';

/**
 * Runs the report schedules whose latest slot has come (in the organisation's time zone): each slot
 * once — the report's row in `reports` (id `scheduled-<schedule>-<period start>[-<agent>]`, due at the
 * slot plus the schedule's grace) is claimed before the work — then the report is rendered and a
 * delivery queued per channel. The delivery worker sends them and marks the report delivered, which is
 * what reports_on_time_accurate judges.
 */

export interface ReportRun {
  schedule_id: number;
  report_id: string;
  scope: string;
  due_at: Date;
  deliveries: number;
  error: string | null;
}

interface Target {
  scope: Scope;
  deskId: string | null;
  teamId: string | null;
  recipients?: string[];
}

async function placeOf(
  store: Store,
  org: Organization,
  scope: Scope,
): Promise<{ deskId: string | null; teamId: string | null }> {
  if (scope.kind === 'organization' || scope.id === null) return { deskId: null, teamId: null };
  if (scope.kind === 'desk') return { deskId: scope.id, teamId: null };
  let teamId: string | null = scope.id;
  if (scope.kind === 'agent') {
    const agent = await store.db
      .selectFrom('agents')
      .select('team_id')
      .where('org_id', '=', org.id)
      .where('id', '=', scope.id)
      .executeTakeFirst();
    teamId = agent?.team_id ?? null;
  }
  if (teamId === null) return { deskId: null, teamId: null };
  const team = await store.db
    .selectFrom('teams')
    .select('desk_id')
    .where('org_id', '=', org.id)
    .where('id', '=', teamId)
    .executeTakeFirst();
  return { deskId: team?.desk_id ?? null, teamId };
}

/** An agent's own addresses: the enabled accounts linked to them, else the agent's e-mail. */
export async function agentRecipients(store: Store, org: Organization, agentId: string): Promise<string[]> {
  const users = await store.db
    .selectFrom('users')
    .select('email')
    .where('org_id', '=', org.id)
    .where('agent_id', '=', agentId)
    .where('disabled_at', 'is', null)
    .orderBy('email')
    .execute();
  if (users.length > 0) return users.map((u) => u.email);
  const agent = await store.db
    .selectFrom('agents')
    .select('email')
    .where('org_id', '=', org.id)
    .where('id', '=', agentId)
    .executeTakeFirst();
  return agent?.email ? [agent.email] : [];
}

/** The agents an agent summary schedule covers: one agent, a team's, a desk's or everyone. */
async function agentsOf(store: Store, org: Organization, scope: Scope): Promise<Scope[]> {
  let q = store.db
    .selectFrom('agents')
    .leftJoin('teams', (j) =>
      j.onRef('teams.org_id', '=', 'agents.org_id').onRef('teams.id', '=', 'agents.team_id'),
    )
    .select(['agents.id as id', 'agents.name as name'])
    .where('agents.org_id', '=', org.id);
  if (scope.kind === 'agent') q = q.where('agents.id', '=', scope.id);
  else if (scope.kind === 'team') q = q.where('agents.team_id', '=', scope.id);
  else if (scope.kind === 'desk') q = q.where('teams.desk_id', '=', scope.id);
  const rows = await q.orderBy('agents.name').execute();
  return rows.map((r) => ({ kind: 'agent', id: r.id, name: r.name }));
}

async function targetsOf(store: Store, org: Organization, schedule: ReportSchedule): Promise<Target[]> {
  const scope = await findScope(store.db, org.id, schedule.scope.kind, schedule.scope.id);
  if (!scope)
    throw new Error(`the schedule's ${schedule.scope.kind} "${schedule.scope.id}" no longer exists`);
  if (schedule.report !== 'agent_weekly') return [{ scope, ...(await placeOf(store, org, scope)) }];
  const out: Target[] = [];
  for (const agent of await agentsOf(store, org, scope)) {
    const recipients = await agentRecipients(store, org, agent.id!);
    if (recipients.length > 0) out.push({ scope: agent, recipients, ...(await placeOf(store, org, agent)) });
  }
  return out;
}

/** The channels a report goes to: an agent's own summary only by e-mail, to the agent. */
function channelsFor(schedule: ReportSchedule, channels: ReadonlyMap<number, Channel>): Channel[] {
  return schedule.channel_ids
    .map((id) => channels.get(id))
    .filter(
      (c): c is Channel =>
        c !== undefined && (schedule.report !== 'agent_weekly' || c.config.kind === 'email'),
    );
}

export async function runDueReports(
  store: Store,
  org: Organization,
  options: { now: Date; scheduleIds?: readonly number[] },
): Promise<ReportRun[]> {
  const now = options.now;
  const schedules = (await listSchedules(store.db, org.id)).filter(
    (s) => s.enabled && (!options.scheduleIds || options.scheduleIds.includes(s.id)),
  );
  if (schedules.length === 0) return [];
  const channels = new Map((await listChannels(store.db, org.id)).map((c) => [c.id, c]));
  const runs: ReportRun[] = [];
  for (const schedule of schedules) {
    const slot = latestReportSlot(now, org.time_zone, {
      cadence: schedule.report === 'kra_review' ? 'monthly' : 'weekly',
      weekday: schedule.weekday,
      dayOfMonth: schedule.day_of_month,
      at: schedule.at,
    });
    // A schedule does not send the slots that passed before it existed.
    if (slot.scheduledAt.getTime() < schedule.created_at.getTime()) continue;
    const targets = await targetsOf(store, org, schedule).catch((error: Error) => error);
    if (targets instanceof Error) {
      runs.push({
        schedule_id: schedule.id,
        report_id: '',
        scope: '',
        due_at: slot.scheduledAt,
        deliveries: 0,
        error: targets.message,
      });
      continue;
    }
    const dueAt = new Date(slot.scheduledAt.getTime() + schedule.grace_minutes * 60_000);
    for (const target of targets) {
      const reportId = `scheduled-${schedule.id}-${slot.period.from}${schedule.report === 'agent_weekly' ? `-${target.scope.id}` : ''}`;
      const claimed = await claimScheduledReport(store.db, org.id, {
        id: reportId,
        report: schedule.report,
        dueAt,
        deskId: target.deskId,
        teamId: target.teamId,
      });
      if (!claimed) continue;
      const run: ReportRun = {
        schedule_id: schedule.id,
        report_id: reportId,
        scope: target.scope.name,
        due_at: dueAt,
        deliveries: 0,
        error: null,
      };
      runs.push(run);
      try {
        const data = await buildReport(store, org, {
          kind: schedule.report,
          scope: target.scope,
          period: slot.period,
          now,
        });
        const rendered = await renderReport(data, schedule.formats);
        await setReportContentHash(store.db, org.id, reportId, rendered.hash);
        const message = reportMessage(data, rendered, reportId);
        const rows: NewDelivery[] = channelsFor(schedule, channels).map((c) => ({
          id: randomUUID(),
          channel_id: c.id,
          rule_id: null,
          event_ids: [],
          report_id: reportId,
          kind: 'report',
          title: message.title,
          payload: {
            message,
            ...(target.recipients ? { recipients: target.recipients } : {}),
          } satisfies DeliveryPayload as unknown as Record<string, unknown>,
          status: 'pending',
          next_attempt_at: now,
        }));
        await insertDeliveries(store.db, org.id, rows, now);
        run.deliveries = rows.length;
        if (rows.length === 0) run.error = 'no channel of this schedule can deliver it';
      } catch (error) {
        run.error = (error as Error).message;
      }
    }
  }
  return runs;
}
