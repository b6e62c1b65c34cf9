import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BusinessSchedule } from '../derive/business-calendar.js';
import { type SlaPolicy, slaPolicySchema } from '../derive/sla-policy.js';
import type { Database } from './schema.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A business schedule as configured: open intervals as "HH:mm" per weekday, and holidays. */
export const scheduleSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  timeZone: z.string().min(1),
  isDefault: z.boolean().default(false),
  intervals: z.array(
    z.strictObject({
      weekday: z.number().int().min(1).max(7),
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:mm'),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'use HH:mm (24:00 for midnight)'),
    }),
  ),
  holidays: z
    .array(z.strictObject({ day: z.string().regex(DAY, 'use YYYY-MM-DD'), name: z.string().default('') }))
    .default([]),
});
export type ScheduleInput = z.input<typeof scheduleSchema>;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export async function saveSchedule(db: Kysely<Database>, orgId: number, input: ScheduleInput): Promise<void> {
  const s = scheduleSchema.parse(input);
  await db.transaction().execute(async (trx) => {
    if (s.isDefault) {
      await trx
        .updateTable('business_schedules')
        .set({ is_default: false })
        .where('org_id', '=', orgId)
        .execute();
    }
    await trx
      .deleteFrom('schedule_intervals')
      .where('org_id', '=', orgId)
      .where('schedule_id', '=', s.id)
      .execute();
    await trx
      .deleteFrom('schedule_holidays')
      .where('org_id', '=', orgId)
      .where('schedule_id', '=', s.id)
      .execute();
    await trx.deleteFrom('business_schedules').where('org_id', '=', orgId).where('id', '=', s.id).execute();
    await trx
      .insertInto('business_schedules')
      .values({ org_id: orgId, id: s.id, name: s.name, time_zone: s.timeZone, is_default: s.isDefault })
      .execute();
    if (s.intervals.length > 0) {
      await trx
        .insertInto('schedule_intervals')
        .values(
          s.intervals.map((i) => ({
            org_id: orgId,
            schedule_id: s.id,
            weekday: i.weekday,
            start_minute: minutes(i.start),
            end_minute: minutes(i.end),
          })),
        )
        .execute();
    }
    if (s.holidays.length > 0) {
      await trx
        .insertInto('schedule_holidays')
        .values(s.holidays.map((h) => ({ org_id: orgId, schedule_id: s.id, day: h.day, name: h.name })))
        .execute();
    }
  });
}

export interface LoadedSchedules {
  byId: Map<string, BusinessSchedule>;
  defaultId: string | null;
}

export async function loadSchedules(db: Kysely<Database>, orgId: number): Promise<LoadedSchedules> {
  const [schedules, intervals, holidays] = await Promise.all([
    db.selectFrom('business_schedules').selectAll().where('org_id', '=', orgId).execute(),
    db.selectFrom('schedule_intervals').selectAll().where('org_id', '=', orgId).execute(),
    db.selectFrom('schedule_holidays').selectAll().where('org_id', '=', orgId).execute(),
  ]);
  const byId = new Map<string, BusinessSchedule>();
  for (const s of schedules) {
    byId.set(s.id, {
      timeZone: s.time_zone,
      intervals: intervals
        .filter((i) => i.schedule_id === s.id)
        .map((i) => ({ weekday: i.weekday, startMinute: i.start_minute, endMinute: i.end_minute })),
      holidays: holidays.filter((h) => h.schedule_id === s.id).map((h) => h.day),
    });
  }
  return { byId, defaultId: schedules.find((s) => s.is_default)?.id ?? null };
}

export async function saveSlaPolicy(
  db: Kysely<Database>,
  orgId: number,
  input: z.input<typeof slaPolicySchema>,
): Promise<void> {
  const p = slaPolicySchema.parse(input);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sla_targets').where('org_id', '=', orgId).where('policy_id', '=', p.id).execute();
    await trx.deleteFrom('sla_policies').where('org_id', '=', orgId).where('id', '=', p.id).execute();
    await trx
      .insertInto('sla_policies')
      .values({
        org_id: orgId,
        id: p.id,
        name: p.name,
        position: p.position,
        conditions: JSON.stringify(p.conditions),
        pausing_statuses: JSON.stringify(p.pausingStatuses),
        schedule_id: p.scheduleId,
      })
      .execute();
    await trx
      .insertInto('sla_targets')
      .values(
        p.targets.map((t) => ({
          org_id: orgId,
          policy_id: p.id,
          priority: t.priority,
          metric: t.metric,
          target_seconds: t.targetSeconds,
          business_hours: t.businessHours,
        })),
      )
      .execute();
  });
}

export async function loadSlaPolicies(db: Kysely<Database>, orgId: number): Promise<SlaPolicy[]> {
  const [policies, targets] = await Promise.all([
    db.selectFrom('sla_policies').selectAll().where('org_id', '=', orgId).orderBy('position').execute(),
    db.selectFrom('sla_targets').selectAll().where('org_id', '=', orgId).execute(),
  ]);
  return policies.map((p) =>
    slaPolicySchema.parse({
      id: p.id,
      name: p.name,
      position: p.position,
      conditions: JSON.parse(p.conditions),
      pausingStatuses: JSON.parse(p.pausing_statuses),
      scheduleId: p.schedule_id,
      targets: targets
        .filter((t) => t.policy_id === p.id)
        .map((t) => ({
          priority: t.priority,
          metric: t.metric,
          targetSeconds: t.target_seconds,
          businessHours: t.business_hours,
        })),
    }),
  );
}

/** Business schedules and SLA policies as one document (docs/settings.md): the CLI file and the API body. */
export const settingsDocumentSchema = z.strictObject({
  schedules: z.array(scheduleSchema).default([]),
  slaPolicies: z.array(slaPolicySchema).default([]),
});
export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

/** Rules across entries that the schema cannot state: each as a path and a reason. */
export function settingsDocumentProblems(s: SettingsDocument): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const scheduleIds = new Set(s.schedules.map((x) => x.id));
  for (const [i, p] of s.slaPolicies.entries()) {
    if (p.scheduleId && !scheduleIds.has(p.scheduleId)) {
      problems.push({
        path: `slaPolicies.[${i}].scheduleId`,
        message: `no schedule "${p.scheduleId}" in the file`,
      });
    }
  }
  if (s.schedules.filter((x) => x.isDefault).length > 1) {
    problems.push({ path: 'schedules', message: 'at most one schedule can be the default' });
  }
  return problems;
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The stored settings in the document's own shape, so what is read back can be applied again. */
export async function loadSettingsDocument(db: Kysely<Database>, orgId: number): Promise<SettingsDocument> {
  const [schedules, intervals, holidays] = await Promise.all([
    db.selectFrom('business_schedules').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
    db
      .selectFrom('schedule_intervals')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('weekday')
      .orderBy('start_minute')
      .execute(),
    db.selectFrom('schedule_holidays').selectAll().where('org_id', '=', orgId).orderBy('day').execute(),
  ]);
  return {
    schedules: schedules.map((s) => ({
      id: s.id,
      name: s.name,
      timeZone: s.time_zone,
      isDefault: s.is_default === true,
      intervals: intervals
        .filter((i) => i.schedule_id === s.id)
        .map((i) => ({ weekday: i.weekday, start: hhmm(i.start_minute), end: hhmm(i.end_minute) })),
      holidays: holidays.filter((h) => h.schedule_id === s.id).map((h) => ({ day: h.day, name: h.name })),
    })),
    slaPolicies: await loadSlaPolicies(db, orgId),
  };
}

export async function deleteSlaPolicy(db: Kysely<Database>, orgId: number, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sla_targets').where('org_id', '=', orgId).where('policy_id', '=', id).execute();
    const result = await trx
      .deleteFrom('sla_policies')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

export async function deleteSchedule(db: Kysely<Database>, orgId: number, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('schedule_intervals')
      .where('org_id', '=', orgId)
      .where('schedule_id', '=', id)
      .execute();
    await trx
      .deleteFrom('schedule_holidays')
      .where('org_id', '=', orgId)
      .where('schedule_id', '=', id)
      .execute();
    const result = await trx
      .deleteFrom('business_schedules')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
