/**
 * Crisis communication (KPI-DEFINITIONS.md, crisis_updates_on_time): the first status update is due
 * within 30 minutes of the start, then one every 60 minutes until the crisis is resolved. Each due time
 * is met by an update sent in the window that ends at it (since the start for the first, else in the
 * 60 minutes before it).
 */
export interface UpdateSchedule {
  firstWithinMinutes: number;
  everyMinutes: number;
}

export const DEFAULT_UPDATE_SCHEDULE: UpdateSchedule = { firstWithinMinutes: 30, everyMinutes: 60 };

export function crisisUpdatesOnTime(
  startedAt: Date,
  resolvedAt: Date,
  updates: readonly Date[],
  schedule: UpdateSchedule = DEFAULT_UPDATE_SCHEDULE,
): { required: number; onTime: number } {
  const start = startedAt.getTime();
  const end = resolvedAt.getTime();
  const every = schedule.everyMinutes * 60_000;
  const sent = updates.map((u) => u.getTime());
  let required = 0;
  let onTime = 0;
  for (let due = start + schedule.firstWithinMinutes * 60_000; due <= end; due += every) {
    required++;
    const first = required === 1;
    if (sent.some((t) => (first ? t >= start : t > due - every) && t <= due)) onTime++;
  }
  return { required, onTime };
}
