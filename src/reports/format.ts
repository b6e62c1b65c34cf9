/** How a KPI value reads in a notice or a report: durations in h/min, shares in %, counts as numbers. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'seconds':
      return formatDuration(value);
    case 'percent':
      return `${round(value, 1)} %`;
    case 'count':
      return String(round(value, 0));
    case 'per_agent_day':
      return `${round(value, 2)} / agent-day`;
    case 'per_100':
      return `${round(value, 1)} / 100`;
    default:
      return String(round(value, 2));
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const sign = seconds < 0 ? '−' : '';
  if (s < 60) return `${sign}${s} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86_400)
    return `${sign}${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${sign}${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
}

/** A change between two values in the KPI's unit ("+2.5 pt", "−3 min 10 s"), or "–". */
export function formatChange(current: number | null, previous: number | null, unit: string): string {
  if (current === null || previous === null) return '–';
  const d = current - previous;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  if (unit === 'percent') return `${sign}${round(Math.abs(d), 1)} pt`;
  if (unit === 'seconds') return `${sign}${formatDuration(Math.abs(d))}`;
  return `${sign}${round(Math.abs(d), 2)}`;
}
