import type { Kysely, Transaction } from 'kysely';
import type { GoalScopeKind } from '../engine/goals.js';
import { nextOrgScopedId } from './alerts-repository.js';
import type { Database, ReportsTable } from './schema.js';

/**
 * Report schedules, and the scheduled reports as rows of `reports` (the table the import fills and the
 * reports_on_time_accurate KPI reads): due and delivered times, and corrections.
 */

type Db = Kysely<Database> | Transaction<Database>;

export const SCHEDULED_REPORTS = ['weekly', 'kra_review', 'agent_weekly'] as const;
export type ScheduledReportKind = (typeof SCHEDULED_REPORTS)[number];
export const REPORT_FORMATS = ['pdf', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Scheduled reports are issued, not imported: their rows carry this import id. */
export const SCHEDULED_IMPORT_ID = 0;

export interface ReportSchedule {
  id: number;
  name: string;
  report: ScheduledReportKind;
  scope: { kind: GoalScopeKind; id: string | null };
  channel_ids: number[];
  formats: ReportFormat[];
  weekday: number | null;
  day_of_month: number | null;
  at: string;
  grace_minutes: number;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export type ScheduleRecordInput = Omit<ReportSchedule, 'id' | 'created_at' | 'updated_at'>;

function toSchedule(r: Database['report_schedules']): ReportSchedule {
  return {
    id: r.id,
    name: r.name,
    report: r.report as ScheduledReportKind,
    scope: { kind: r.scope_kind as GoalScopeKind, id: r.scope_id },
    channel_ids: JSON.parse(r.channel_ids) as number[],
    formats: JSON.parse(r.formats) as ReportFormat[],
    weekday: r.weekday,
    day_of_month: r.day_of_month,
    at: r.at_time,
    grace_minutes: r.grace_minutes,
    enabled: r.enabled,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function scheduleColumns(s: Omit<ScheduleRecordInput, 'created_by'>) {
  return {
    name: s.name,
    report: s.report,
    scope_kind: s.scope.kind,
    scope_id: s.scope.id,
    channel_ids: JSON.stringify(s.channel_ids),
    formats: JSON.stringify(s.formats),
    weekday: s.weekday,
    day_of_month: s.day_of_month,
    at_time: s.at,
    grace_minutes: s.grace_minutes,
    enabled: s.enabled,
  };
}

export async function insertSchedule(
  db: Kysely<Database>,
  orgId: number,
  input: ScheduleRecordInput,
): Promise<ReportSchedule> {
  return db.transaction().execute(async (trx) => {
    const id = await nextOrgScopedId(trx, 'report_schedules', orgId);
    const now = new Date();
    const row = {
      org_id: orgId,
      id,
      ...scheduleColumns(input),
      created_by: input.created_by,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('report_schedules').values(row).execute();
    return toSchedule(row);
  });
}

export async function listSchedules(db: Db, orgId: number): Promise<ReportSchedule[]> {
  const rows = await db
    .selectFrom('report_schedules')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
  return rows.map(toSchedule);
}

export async function getSchedule(db: Db, orgId: number, id: number): Promise<ReportSchedule | null> {
  const row = await db
    .selectFrom('report_schedules')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSchedule(row) : null;
}

export async function updateSchedule(
  db: Db,
  orgId: number,
  id: number,
  input: Omit<ScheduleRecordInput, 'created_by'>,
): Promise<void> {
  await db
    .updateTable('report_schedules')
    .set({ ...scheduleColumns(input), updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function deleteSchedule(db: Db, orgId: number, id: number): Promise<boolean> {
  const r = await db
    .deleteFrom('report_schedules')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---- the reports table ------------------------------------------------------------------------------------

export type ReportRecord = Omit<ReportsTable, 'org_id' | 'content_hash' | 'import_id'> & {
  /** Scheduled here (import id 0) rather than imported. */
  scheduled: boolean;
};

function toReport(r: ReportsTable): ReportRecord {
  return {
    id: r.id,
    report: r.report,
    due_at: r.due_at,
    delivered_at: r.delivered_at,
    corrected_at: r.corrected_at,
    desk_id: r.desk_id,
    team_id: r.team_id,
    on_time_accurate: r.on_time_accurate,
    scheduled: r.import_id === SCHEDULED_IMPORT_ID,
  };
}

/**
 * Records a scheduled report as due (not yet delivered). False when that id exists already: the guard
 * that runs a schedule at most once per period.
 */
export async function claimScheduledReport(
  db: Db,
  orgId: number,
  input: { id: string; report: string; dueAt: Date; deskId: string | null; teamId: string | null },
): Promise<boolean> {
  const r = await db
    .insertInto('reports')
    .values({
      org_id: orgId,
      id: input.id,
      report: input.report,
      due_at: input.dueAt,
      delivered_at: null,
      corrected_at: null,
      desk_id: input.deskId,
      team_id: input.teamId,
      on_time_accurate: false,
      content_hash: '',
      import_id: SCHEDULED_IMPORT_ID,
    })
    .onConflict((oc) => oc.columns(['org_id', 'id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function setReportContentHash(db: Db, orgId: number, id: string, hash: string): Promise<void> {
  await db
    .updateTable('reports')
    .set({ content_hash: hash })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function getReport(db: Db, orgId: number, id: string): Promise<ReportRecord | null> {
  const row = await db
    .selectFrom('reports')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toReport(row) : null;
}

/**
 * A report is delivered when the last of its deliveries is sent; it is on time and accurate when that
 * is by its due time and no correction was recorded (the import's rule, docs/import.md).
 */
export async function markReportDelivered(
  db: Db,
  orgId: number,
  id: string,
  deliveredAt: Date,
): Promise<void> {
  const report = await getReport(db, orgId, id);
  if (!report) return;
  await db
    .updateTable('reports')
    .set({
      delivered_at: deliveredAt,
      on_time_accurate: deliveredAt.getTime() <= report.due_at.getTime() && report.corrected_at === null,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** Records a correction issued for a report: it no longer counts as accurate. */
export async function recordCorrection(
  db: Db,
  orgId: number,
  id: string,
  at: Date,
): Promise<ReportRecord | null> {
  const report = await getReport(db, orgId, id);
  if (!report) return null;
  await db
    .updateTable('reports')
    .set({ corrected_at: at, on_time_accurate: false })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
  return { ...report, corrected_at: at, on_time_accurate: false };
}

export interface ReportListQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  report?: string | undefined;
  /** Only these teams' reports (a team lead's view). */
  teamIds?: readonly string[] | undefined;
  limit: number;
}

export async function listReports(db: Db, orgId: number, q: ReportListQuery): Promise<ReportRecord[]> {
  let query = db.selectFrom('reports').selectAll().where('org_id', '=', orgId);
  if (q.from) query = query.where('due_at', '>=', q.from);
  if (q.to) query = query.where('due_at', '<', q.to);
  if (q.report) query = query.where('report', '=', q.report);
  if (q.teamIds) {
    if (q.teamIds.length === 0) return [];
    query = query.where('team_id', 'in', [...q.teamIds]);
  }
  const rows = await query.orderBy('due_at', 'desc').orderBy('id').limit(q.limit).execute();
  return rows.map(toReport);
}
