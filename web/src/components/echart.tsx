import type { EChartsOption } from 'echarts';
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

/** A thin React wrapper of ECharts (loaded lazily: pages without charts never download it). */

echarts.use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  SVGRenderer,
]);

export interface EChartProps {
  option: EChartsOption;
  height: number;
  label: string;
  /** A click anywhere over a category (a bucket or a bar) gives its index on the category axis. */
  onCategoryClick?: (index: number) => void;
  categoryAxis?: 'x' | 'y';
}

export default function EChart({ option, height, label, onCategoryClick, categoryAxis = 'x' }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onCategoryClick);
  clickRef.current = onCategoryClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    // A click on a bar or point gives its index; a click elsewhere over the grid gives the category
    // under the pointer (so thin bars and gaps between points are easy to hit).
    let handled = false;
    c.on('click', (params: { componentType?: string; dataIndex?: number }) => {
      if (params.componentType !== 'series' || params.dataIndex === undefined || !clickRef.current) return;
      handled = true;
      clickRef.current(params.dataIndex);
    });
    const zr = c.getZr();
    zr.on('click', (event: { offsetX: number; offsetY: number }) => {
      if (handled) {
        handled = false;
        return;
      }
      const point = [event.offsetX, event.offsetY];
      if (!clickRef.current || !c.containPixel({ gridIndex: 0 }, point)) return;
      const at = c.convertFromPixel({ gridIndex: 0 }, point) as number[];
      const index = Math.round(at[categoryAxis === 'x' ? 0 : 1] ?? -1);
      if (index >= 0) clickRef.current(index);
    });
    zr.on('mousemove', (event: { offsetX: number; offsetY: number }) => {
      const inside = clickRef.current && c.containPixel({ gridIndex: 0 }, [event.offsetX, event.offsetY]);
      zr.setCursorStyle(inside ? 'pointer' : 'default');
    });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [categoryAxis]);

  useEffect(() => {
    chart.current?.setOption({ animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={el} className="echart" style={{ height }} role="img" aria-label={label} />;
}
