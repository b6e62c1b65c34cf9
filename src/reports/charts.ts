import { Resvg } from '@resvg/resvg-js';
import { formatValue } from './format.js';
import type { ReportChart, ReportKra, ReportTrend } from './report-data.js';

/**
 * Report charts, drawn as SVG here (a few rectangles, lines and labels) and rasterised to PNG with
 * resvg (`@resvg/resvg-js`: Rust's resvg compiled for Node, shipped as a prebuilt npm package per
 * platform, nothing downloaded at install). The PNG goes into the e-mail (inline, by cid) and the PDF.
 * Text uses the system's sans-serif font (DejaVu Sans or Liberation Sans on Debian); without any font
 * installed the charts still draw, without their labels.
 */

const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";
const BLUE = '#2f6db3';
const GREY = '#c4ccd6';
const INK = '#1f2a37';
const MUTED = '#6b7785';
const GRID = '#e3e8ee';

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const r1 = (x: number) => Math.round(x * 10) / 10;

function text(
  x: number,
  y: number,
  content: string,
  opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: string; weight?: 'bold' } = {},
): string {
  return `<text x="${r1(x)}" y="${r1(y)}" font-family="${FONT}" font-size="${opts.size ?? 11}" fill="${opts.color ?? INK}" text-anchor="${opts.anchor ?? 'start'}"${opts.weight ? ` font-weight="${opts.weight}"` : ''}>${escapeXml(content)}</text>`;
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Horizontal bars of KRA scores (0–100): this period, and the previous period as a thin grey bar. */
export function kraScoresSvg(
  kras: readonly ReportKra[],
  periodLabel: string,
  previousLabel: string,
): {
  svg: string;
  width: number;
  height: number;
} {
  const width = 720;
  const left = 250;
  const right = 60;
  const top = 44;
  const row = 30;
  const height = top + Math.max(1, kras.length) * row + 34;
  const plot = width - left - right;
  const x = (score: number) => left + (Math.max(0, Math.min(100, score)) / 100) * plot;
  // About 6 px a character at 10 px: the second legend entry starts after the first one's text.
  const legendGap = 14 + Math.ceil(periodLabel.length * 6.2) + 16;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(12, 20, 'KRA scores (0–100)', { size: 14, weight: 'bold' }),
    `<rect x="${left}" y="28" width="10" height="10" fill="${BLUE}"/>`,
    text(left + 14, 37, periodLabel, { size: 10, color: MUTED }),
    `<rect x="${left + legendGap}" y="31" width="10" height="4" fill="${GREY}"/>`,
    text(left + legendGap + 14, 37, previousLabel, { size: 10, color: MUTED }),
  ];
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(
      `<line x1="${r1(x(tick))}" y1="${top}" x2="${r1(x(tick))}" y2="${height - 28}" stroke="${GRID}" stroke-width="1"/>`,
      text(x(tick), height - 14, String(tick), { size: 10, anchor: 'middle', color: MUTED }),
    );
  }
  kras.forEach((k, i) => {
    const y = top + i * row;
    parts.push(text(left - 8, y + 18, truncate(`${k.kra}. ${k.name}`, 38), { size: 11, anchor: 'end' }));
    if (k.score !== null) {
      parts.push(
        `<rect x="${left}" y="${y + 6}" width="${r1(x(k.score) - left)}" height="14" fill="${BLUE}" rx="2"/>`,
        text(x(k.score) + 4, y + 17, String(Math.round(k.score)), { size: 10 }),
      );
    } else {
      parts.push(text(left + 4, y + 17, 'no data', { size: 10, color: MUTED }));
    }
    if (k.previous !== null) {
      parts.push(
        `<rect x="${left}" y="${y + 22}" width="${r1(x(k.previous) - left)}" height="4" fill="${GREY}"/>`,
      );
    }
  });
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`,
    width,
    height,
  };
}

/** Small line charts, two per row, one per KPI trend; periods below the KPI's minimum n are hollow. */
export function trendsSvg(
  trends: readonly ReportTrend[],
  grainLabel: string,
): { svg: string; width: number; height: number } {
  const width = 720;
  const cellW = 360;
  const cellH = 150;
  const rows = Math.max(1, Math.ceil(trends.length / 2));
  const height = 30 + rows * cellH;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(12, 20, `Trends by ${grainLabel} (hollow: too few to be significant)`, { size: 14, weight: 'bold' }),
  ];
  trends.forEach((t, i) => {
    const ox = (i % 2) * cellW;
    const oy = 30 + Math.floor(i / 2) * cellH;
    const pl = ox + 70;
    const pr = ox + cellW - 20;
    const pt = oy + 30;
    const pb = oy + cellH - 36;
    parts.push(text(ox + 12, oy + 18, truncate(t.name, 44), { size: 12, weight: 'bold' }));
    const values = t.points.map((p) => p.value).filter((v): v is number => v !== null);
    if (values.length === 0) {
      parts.push(text(pl, (pt + pb) / 2, 'no data', { size: 11, color: MUTED }));
      return;
    }
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (lo === hi) {
      lo -= Math.abs(lo) * 0.1 || 1;
      hi += Math.abs(hi) * 0.1 || 1;
    }
    const pad = (hi - lo) * 0.1;
    lo = t.unit === 'count' || t.unit === 'seconds' ? Math.max(0, lo - pad) : lo - pad;
    hi += pad;
    const n = t.points.length;
    const px = (j: number) => (n === 1 ? (pl + pr) / 2 : pl + (j / (n - 1)) * (pr - pl));
    const py = (v: number) => pb - ((v - lo) / (hi - lo)) * (pb - pt);
    parts.push(
      `<line x1="${pl}" y1="${pb}" x2="${pr}" y2="${pb}" stroke="${GRID}"/>`,
      `<line x1="${pl}" y1="${pt}" x2="${pr}" y2="${pt}" stroke="${GRID}"/>`,
      text(pl - 6, pt + 4, formatValue(hi, t.unit), { size: 9, anchor: 'end', color: MUTED }),
      text(pl - 6, pb + 3, formatValue(lo, t.unit), { size: 9, anchor: 'end', color: MUTED }),
      text(pl, pb + 16, t.points[0]!.bucket, { size: 9, color: MUTED }),
      text(pr, pb + 16, t.points[n - 1]!.bucket, { size: 9, anchor: 'end', color: MUTED }),
    );
    // Lines join consecutive periods with a value; a period without one breaks the line.
    let path = '';
    t.points.forEach((p, j) => {
      if (p.value === null) return;
      const prev = t.points[j - 1];
      path += `${prev && prev.value !== null ? 'L' : 'M'}${r1(px(j))},${r1(py(p.value))} `;
    });
    parts.push(`<path d="${path.trim()}" fill="none" stroke="${BLUE}" stroke-width="2"/>`);
    t.points.forEach((p, j) => {
      if (p.value === null) return;
      parts.push(
        `<circle cx="${r1(px(j))}" cy="${r1(py(p.value))}" r="3.5" fill="${p.significant ? BLUE : '#ffffff'}" stroke="${BLUE}" stroke-width="1.5"/>`,
      );
    });
    const last = [...t.points].reverse().find((p) => p.value !== null);
    if (last)
      parts.push(
        text(pr, oy + 18, formatValue(last.value, t.unit), {
          size: 12,
          anchor: 'end',
          color: BLUE,
          weight: 'bold',
        }),
      );
  });
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`,
    width,
    height,
  };
}

/** Rasterises an SVG at `scale` × its size (2 by default, sharp on high-density screens and in print). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return Buffer.from(resvg.render().asPng());
}

export function chart(
  id: string,
  title: string,
  drawn: { svg: string; width: number; height: number },
): ReportChart {
  return { id, title, svg: drawn.svg, png: svgToPng(drawn.svg), width: drawn.width, height: drawn.height };
}
