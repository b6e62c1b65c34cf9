import type { EChartsOption } from 'echarts';
import { useEffect, useRef, useState } from 'react';
import { get } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Drilldown, Grain, Kpi } from '../api/types';
import { ChartPanel } from '../components/chart-panel';
import type { Column } from '../components/table';
import { ErrorBox, Skeleton } from '../components/ui';
import { formatDuration, formatInteger, formatPercent } from '../format';
import { useSession } from '../session';
import { PALETTE } from './kpi-charts';

/**
 * How durations spread in one bucket: the share of rows in 0–1 h, 1–4 h, 4–8 h, 8–24 h and 24 h+, the
 * median and the 90th percentile. Counts are exact, without reading every row of a large bucket: the rows
 * sorted by value are read page by page when few, else the first value of each page places every
 * boundary in one page, which is then read whole.
 */

const BOUNDS = [3600, 4 * 3600, 8 * 3600, 24 * 3600];
const ALL_AT_ONCE = 3000;
const PAGE = 1000;

export interface Distribution {
  total: number;
  counts: number[];
  median: number | null;
  p90: number | null;
}

interface Query {
  from: string;
  to: string;
  grain: Grain;
  bucket: string;
  where: string[];
}

async function measure(kpi: Kpi, q: Query, signal: AbortSignal): Promise<Distribution> {
  const path = `/kpis/${kpi.id}/rows`;
  const base = { ...q, sort: 'value', order: 'asc' };
  const page = (offset: number, limit: number) => get<Drilldown>(path, { ...base, limit, offset }, signal);
  const first = await page(0, PAGE);
  const rows = first.totals.rows;
  // Values by rank (nulls sort last); filled from whole pages, or sampled one row at a time.
  const known = new Map<number, number | null>();
  const keep = (d: Drilldown) => {
    for (const [i, r] of d.rows.entries()) known.set(d.offset + i, r.value);
  };
  keep(first);
  const pages = new Set<number>([0]);
  const loadPage = async (n: number) => {
    if (pages.has(n)) return;
    pages.add(n);
    keep(await page(n * PAGE, PAGE));
  };
  const at = async (i: number) => {
    if (!known.has(i)) known.set(i, (await page(i, 1)).rows[0]?.value ?? null);
    return known.get(i) ?? null;
  };
  const bounds = [...BOUNDS, Number.POSITIVE_INFINITY];
  // Per boundary, the ranks to search: everything when all pages are loaded, else the page where it falls.
  let ranges: Array<[number, number]>;
  if (rows <= ALL_AT_ONCE) {
    await Promise.all(Array.from({ length: Math.ceil(rows / PAGE) }, (_, n) => loadPage(n)));
    ranges = bounds.map(() => [0, rows]);
  } else {
    // Round 1: the first value of every page. Round 2: the whole pages where a boundary falls.
    const count = Math.ceil(rows / PAGE);
    await Promise.all(Array.from({ length: count }, (_, n) => at(n * PAGE)));
    const crossing = (bound: number) => {
      let n = 0;
      while (n + 1 < count) {
        const v = known.get((n + 1) * PAGE) ?? null;
        if (v === null || v >= bound) break;
        n++;
      }
      return n;
    };
    const found = bounds.map(crossing);
    await Promise.all(found.map(loadPage));
    ranges = found.map((n) => [n * PAGE, Math.min(rows, (n + 1) * PAGE)]);
  }
  // The first rank whose value is at least the boundary (nulls sort last and count as above it).
  const cuts = await Promise.all(
    bounds.map(async (bound, i) => {
      let [lo, hi] = ranges[i]!;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const v = await at(mid);
        if (v === null || v >= bound) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }),
  );
  const total = cuts[cuts.length - 1]!;
  const counts = cuts.map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]!));
  // Continuous percentiles (interpolated between the two nearest ranks), as the engine computes them.
  const percentile = async (p: number) => {
    if (total === 0) return null;
    const rank = p * (total - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    const [a, b] = await Promise.all([at(lo), at(hi)]);
    if (a === null || b === null) return a ?? b;
    return a + (b - a) * (rank - lo);
  };
  const [median, p90] = await Promise.all([percentile(0.5), percentile(0.9)]);
  return { total, counts, median, p90 };
}

interface BucketRow {
  label: string;
  count: number;
  share: number;
}

export function DistributionView({
  kpi,
  query,
  bucketLabel,
}: {
  kpi: Kpi;
  query: Query;
  bucketLabel: string;
}) {
  const { t, locale } = useSession();
  // Measured once the card scrolls into view (it is below the fold and reads many rows).
  const [visible, setVisible] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = anchor.current;
    if (!el || visible) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setVisible(true);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible]);
  const state = useLoad(visible ? `dist:${kpi.id}:${JSON.stringify(query)}` : null, (signal) =>
    measure(kpi, query, signal),
  );
  if (!visible)
    return (
      <div ref={anchor}>
        <Skeleton lines={6} />
      </div>
    );
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Skeleton lines={6} />;
  const d = state.data;
  const labels = ['0–1 h', '1–4 h', '4–8 h', '8–24 h', '24 h+'];
  const rows: BucketRow[] = labels.map((label, i) => ({
    label,
    count: d.counts[i] ?? 0,
    share: d.total ? ((d.counts[i] ?? 0) / d.total) * 100 : 0,
  }));
  const columns: Column<BucketRow>[] = [
    { key: 'label', header: t('dist.range'), value: (r) => r.label, sortable: false },
    {
      key: 'count',
      header: t('dist.count'),
      value: (r) => r.count,
      align: 'right',
      render: (r) => formatInteger(r.count, locale),
    },
    {
      key: 'share',
      header: t('dist.share'),
      value: (r) => Math.round(r.share * 100) / 100,
      align: 'right',
      render: (r) => formatPercent(r.share, locale),
    },
  ];
  const option: EChartsOption = {
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: '%', max: 100 },
    series: [
      {
        type: 'bar',
        name: t('dist.share'),
        data: rows.map((r) => Math.round(r.share * 10) / 10),
        itemStyle: { color: PALETTE.primary },
        label: { show: true, position: 'top', formatter: (p) => formatPercent(Number(p.value), locale) },
      },
    ],
  };
  return (
    <div>
      <p className="stat-line">
        {t('dist.summary', {
          bucket: bucketLabel,
          n: formatInteger(d.total, locale),
          median: formatDuration(d.median, locale),
          p90: formatDuration(d.p90, locale),
        })}
      </p>
      <ChartPanel
        title={t('dist.title')}
        option={option}
        height={240}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.label}
        csvName={`${kpi.id}-distribution-${query.bucket}`}
      />
    </div>
  );
}
