import { type ReactNode, useMemo, useState } from 'react';
import { useT } from '../session';
import { ScrollRegion } from './ui';

/** A column: how a cell renders, and the raw value it sorts and exports by. */
export interface Column<R> {
  key: string;
  header: string;
  render?: (row: R) => ReactNode;
  value: (row: R) => string | number | boolean | null | undefined;
  align?: 'left' | 'right';
  sortable?: boolean;
}

function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of the columns' raw values (dot decimals: numbers stay machine-readable). */
export function toCsv<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function downloadText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([`\ufeff${text}`], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CsvButton<R>({
  name,
  columns,
  rows,
}: {
  name: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
}) {
  const t = useT();
  return (
    <button
      type="button"
      className="button-secondary small"
      onClick={() => downloadText(`${name}.csv`, toCsv(columns, rows))}
      disabled={rows.length === 0}
    >
      <span aria-hidden="true">⤓ </span>
      {t('common.csv')}
    </button>
  );
}

export function DataTable<R>({
  columns,
  rows,
  caption,
  rowKey,
  onRowClick,
  rowLabel,
  maxRows,
  initialSort,
}: {
  columns: readonly Column<R>[];
  rows: readonly R[];
  caption: string;
  rowKey: (row: R, index: number) => string;
  /** Adds a button per row (keyboard reachable) that opens the row. */
  onRowClick?: (row: R) => void;
  rowLabel?: (row: R) => string;
  maxRows?: number;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
}) {
  const t = useT();
  const [sort, setSort] = useState<{ key: string; dir: 'asc' | 'desc' } | null>(initialSort ?? null);
  const [showAll, setShowAll] = useState(false);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col) return rows;
    const factor = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      if (va === vb) return 0;
      if (va === null || va === undefined) return 1;
      if (vb === null || vb === undefined) return -1;
      return (
        (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) *
        factor
      );
    });
  }, [rows, columns, sort]);
  const limit = maxRows && !showAll ? maxRows : Number.POSITIVE_INFINITY;
  const shown = sorted.slice(0, limit);
  return (
    <ScrollRegion label={caption}>
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} scope="col" className={c.align === 'right' ? 'num' : ''} aria-sort={ariaSort}>
                  {c.sortable === false ? (
                    c.header
                  ) : (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        setSort({ key: c.key, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' })
                      }
                    >
                      {c.header}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ⇅'}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
            {onRowClick && (
              <th scope="col">
                <span className="visually-hidden">{t('common.open')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => (
                <td key={c.key} className={c.align === 'right' ? 'num' : ''}>
                  {c.render ? c.render(r) : String(c.value(r) ?? '–')}
                </td>
              ))}
              {onRowClick && (
                <td>
                  <button type="button" className="link-button" onClick={() => onRowClick(r)}>
                    {rowLabel ? rowLabel(r) : t('common.open')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown.length && (
        <button type="button" className="link-button" onClick={() => setShowAll(true)}>
          {t('common.showAll', { n: sorted.length })}
        </button>
      )}
    </ScrollRegion>
  );
}
