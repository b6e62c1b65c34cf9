import type { EChartsOption } from 'echarts';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useT } from '../session';
import { type Column, CsvButton, DataTable } from './table';
import { Segmented, Skeleton } from './ui';

const EChart = lazy(() => import('./echart'));

/**
 * A chart with its table alternative and a CSV download: the same rows feed all three, so the table
 * says exactly what the chart draws.
 */
export function ChartPanel<R>({
  title,
  option,
  height = 300,
  columns,
  rows,
  rowKey,
  csvName,
  onSelect,
  selectLabel,
  categoryAxis,
  extra,
  defaultView = 'chart',
}: {
  title: string;
  option: EChartsOption;
  height?: number;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string;
  csvName: string;
  /** A click on a category of the chart, or the row's button in the table. */
  onSelect?: (row: R) => void;
  selectLabel?: (row: R) => string;
  categoryAxis?: 'x' | 'y';
  extra?: ReactNode;
  defaultView?: 'chart' | 'table';
}) {
  const t = useT();
  const [view, setView] = useState<'chart' | 'table'>(defaultView);
  return (
    <div className="chart-panel">
      <div className="chart-toolbar">
        <Segmented
          label={t('chart.view', { title })}
          options={[
            { key: 'chart', label: t('chart.chart') },
            { key: 'table', label: t('chart.table') },
          ]}
          value={view}
          onChange={setView}
        />
        {extra}
        <CsvButton name={csvName} columns={columns} rows={rows} />
      </div>
      {view === 'chart' ? (
        <>
          <Suspense fallback={<Skeleton lines={6} />}>
            <EChart
              option={option}
              height={height}
              label={t('chart.label', { title })}
              categoryAxis={categoryAxis ?? 'x'}
              {...(onSelect
                ? {
                    onCategoryClick: (i: number) => {
                      const row = rows[i];
                      if (row) onSelect(row);
                    },
                  }
                : {})}
            />
          </Suspense>
          {onSelect && <p className="hint">{t('chart.clickHint')}</p>}
        </>
      ) : (
        <DataTable
          caption={title}
          columns={columns}
          rows={rows}
          rowKey={rowKey}
          {...(onSelect ? { onRowClick: onSelect } : {})}
          {...(selectLabel ? { rowLabel: selectLabel } : {})}
        />
      )}
    </div>
  );
}
