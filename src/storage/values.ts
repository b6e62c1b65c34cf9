/**
 * The storage boundary: whatever a driver returns (DuckDB BigInt and DATE values, pg numeric strings)
 * leaves here as plain JS numbers, strings, booleans and Dates, so nothing above storage sees them.
 */
export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} does not fit a JS number`);
  return n;
}

/** `dateColumns` hold calendar days, returned as 'YYYY-MM-DD' like the pg driver is set up to. */
export function normaliseRow(
  row: Record<string, unknown>,
  dateColumns: readonly string[] = [],
): Record<string, unknown> {
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (typeof v === 'bigint') row[key] = toSafeNumber(v);
  }
  for (const key of dateColumns) {
    const v = row[key];
    if (v instanceof Date) row[key] = v.toISOString().slice(0, 10);
  }
  return row;
}
