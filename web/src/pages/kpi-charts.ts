import type { EChartsOption } from 'echarts';
import type { KpiRow, Locale } from '../api/types';
import { axisUnit, chartNumber, formatValue } from '../format';

/** Colours that stay apart for common colour-vision deficiencies (Okabe–Ito based). */
export const PALETTE = {
  primary: '#0b5cad',
  band: 'rgba(11, 92, 173, 0.16)',
  target: '#b35900',
  muted: '#8a94a6',
  good: '#1b7f3b',
  bad: '#b3261e',
};

export interface TrendInput {
  rows: KpiRow[];
  labels: string[];
  unit: string;
  locale: Locale;
  target: number | null;
  targetLabel: string;
  valueLabel: string;
  bandLabel: string;
  notSignificantLabel: string;
}

/** Value line, 95 % interval band (stacked low + width) and the target as a dashed line. */
export function trendOption(input: TrendInput): EChartsOption {
  const { rows, unit, locale } = input;
  const low = rows.map((r) => (r.ci_low === null || r.ci_high === null ? null : chartNumber(r.ci_low, unit)));
  const width = rows.map((r) =>
    r.ci_low === null || r.ci_high === null
      ? null
      : (chartNumber(r.ci_high, unit) ?? 0) - (chartNumber(r.ci_low, unit) ?? 0),
  );
  const hasBand = low.some((v) => v !== null);
  const target = input.target === null ? null : chartNumber(input.target, unit);
  return {
    grid: { left: 56, right: 24, top: 36, bottom: 40 },
    legend: { top: 0, data: [input.valueLabel, ...(hasBand ? [input.bandLabel] : [])] },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        const i = list[0]?.dataIndex ?? 0;
        const r = rows[i];
        if (!r) return '';
        const parts = [
          `<strong>${input.labels[i] ?? r.bucket}</strong>`,
          `${input.valueLabel}: ${formatValue(r.value, unit, locale)}`,
          `n = ${r.n}`,
        ];
        if (r.ci_low !== null && r.ci_high !== null)
          parts.push(
            `${input.bandLabel}: ${formatValue(r.ci_low, unit, locale)} – ${formatValue(r.ci_high, unit, locale)}`,
          );
        if (!r.significant && r.value !== null) parts.push(`◌ ${input.notSignificantLabel}`);
        if (input.target !== null)
          parts.push(`${input.targetLabel}: ${formatValue(input.target, unit, locale)}`);
        return parts.join('<br/>');
      },
    },
    xAxis: { type: 'category', data: input.labels, boundaryGap: false },
    yAxis: { type: 'value', name: axisUnit(unit), scale: true },
    series: [
      ...(hasBand
        ? ([
            {
              name: 'low',
              type: 'line',
              data: low,
              stack: 'band',
              symbol: 'none',
              lineStyle: { opacity: 0 },
              tooltip: { show: false },
              silent: true,
            },
            {
              name: input.bandLabel,
              type: 'line',
              data: width,
              stack: 'band',
              symbol: 'none',
              lineStyle: { opacity: 0 },
              areaStyle: { color: PALETTE.band },
              itemStyle: { color: PALETTE.band },
              silent: true,
            },
          ] satisfies EChartsOption['series'])
        : []),
      {
        name: input.valueLabel,
        type: 'line',
        connectNulls: false,
        itemStyle: { color: PALETTE.primary },
        lineStyle: { width: 2.5 },
        symbolSize: 9,
        data: rows.map((r) => ({
          value: chartNumber(r.value, unit),
          // Not significant: a hollow marker (the table and tooltip say so in words).
          symbol: r.significant ? 'circle' : 'emptyCircle',
        })),
        ...(target !== null
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: PALETTE.target, type: 'dashed', width: 2 },
                label: {
                  formatter: `${input.targetLabel}: ${formatValue(input.target, unit, locale)}`,
                  position: 'insideEndTop',
                },
                data: [{ yAxis: target }],
              },
            }
          : {}),
      },
    ],
  };
}

export interface BarInput {
  names: string[];
  rows: KpiRow[];
  unit: string;
  locale: Locale;
  target: number | null;
  targetLabel: string;
  valueLabel: string;
}

/** Horizontal bars, one per group, in the order given (top to bottom). */
export function barOption(input: BarInput): EChartsOption {
  const { rows, unit, locale } = input;
  const target = input.target === null ? null : chartNumber(input.target, unit);
  return {
    grid: {
      left: 8,
      right: 72,
      top: 16,
      bottom: 24,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        const i = list[0]?.dataIndex ?? 0;
        const r = rows[i];
        if (!r) return '';
        const ci =
          r.ci_low !== null && r.ci_high !== null
            ? `<br/>95 %: ${formatValue(r.ci_low, unit, locale)} – ${formatValue(r.ci_high, unit, locale)}`
            : '';
        return `<strong>${input.names[i]}</strong><br/>${input.valueLabel}: ${formatValue(r.value, unit, locale)}<br/>n = ${r.n}${ci}`;
      },
    },
    // Category order: ECharts draws the first category at the bottom; `inverse` puts it on top.
    yAxis: {
      type: 'category',
      data: input.names,
      inverse: true,
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    xAxis: { type: 'value', name: axisUnit(unit) },
    series: [
      {
        name: input.valueLabel,
        type: 'bar',
        data: rows.map((r) => ({
          value: chartNumber(r.value, unit),
          itemStyle: { color: PALETTE.primary, opacity: r.significant ? 1 : 0.4 },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p) => {
            const r = rows[p.dataIndex];
            return r ? `${formatValue(r.value, unit, locale)}${r.significant ? '' : ' ◌'}` : '';
          },
        },
        ...(target !== null
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: PALETTE.target, type: 'dashed', width: 2 },
                label: { formatter: input.targetLabel, position: 'end' },
                data: [{ xAxis: target }],
              },
            }
          : {}),
      },
    ],
  };
}
