import { formatChange, formatValue } from './format.js';
import type { ReportChart, ReportData, ReportKpiRow } from './report-data.js';

/**
 * The report as an HTML e-mail: inline styles only (mail clients drop style sheets), tables for
 * layout, and the charts as PNG images referenced by content id (`cid:`), attached to the same message.
 */

export const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const num = (v: number | null) => (v === null ? '–' : String(Math.round(v)));
const cell = 'padding:4px 8px;border-bottom:1px solid #e3e8ee;font-size:13px;';
const right = `${cell}text-align:right;white-space:nowrap;`;

function kpiRow(r: ReportKpiRow, agent: boolean): string {
  const colour = r.significant ? '#1f2a37' : '#8a94a0';
  const score = r.status === 'scored' ? num(r.score) : r.status.replace('_', ' ');
  return `<tr style="color:${colour}"><td style="${cell}">${escapeHtml(r.name)}</td><td style="${right}">${escapeHtml(formatValue(r.value, r.unit))}</td><td style="${right}">${escapeHtml(formatValue(r.previous, r.unit))}</td><td style="${right}">${escapeHtml(formatChange(r.value, r.previous, r.unit))}</td><td style="${right}">${escapeHtml(agent ? formatValue(r.team_median ?? null, r.unit) : formatValue(r.target, r.unit))}</td><td style="${right}">${escapeHtml(score)}</td><td style="${right}">${r.n}</td></tr>`;
}

/**
 * `srcOf` gives each chart's image source: `cid:…` in an e-mail (the PNG attached under that content
 * id), a data: URI in a file opened in a browser.
 */
export function renderReportHtml(
  data: ReportData,
  charts: readonly ReportChart[],
  srcOf: (c: ReportChart) => string,
): string {
  const agent = data.kind === 'agent_weekly';
  const summary = (
    [
      ['Overall score', data.overall],
      ['Happy customers', data.indices.happy_customers],
      ['Healthy teams', data.indices.healthy_teams],
    ] as const
  )
    .map(
      ([label, v]) =>
        `<td style="padding:10px 14px;border:1px solid #d5dbe3;border-radius:4px;width:33%"><div style="font-size:12px;color:#6b7785">${label}</div><div style="font-size:26px;font-weight:bold">${num(v.current)}</div><div style="font-size:11px;color:#6b7785">previous ${num(v.previous)}</div></td>`,
    )
    .join('<td style="width:8px"></td>');
  const images = charts
    .map(
      (c) =>
        `<p><img src="${escapeHtml(srcOf(c))}" alt="${escapeHtml(c.title)}" width="${c.width}" style="max-width:100%;height:auto;display:block"></p>`,
    )
    .join('');
  const rows = data.kras
    .map((k) => {
      const kpis = data.kpis.filter((r) => r.kra === k.kra);
      if (kpis.length === 0) return '';
      return `<tr><td colspan="7" style="${cell}background:#eef2f7;font-weight:bold">KRA ${k.kra} ${escapeHtml(k.name)} — score ${num(k.score)} (previous ${num(k.previous)})</td></tr>${kpis.map((r) => kpiRow(r, agent)).join('')}`;
    })
    .join('');
  const list = (title: string, items: string[]) =>
    items.length === 0
      ? ''
      : `<h3 style="font-size:15px;margin:18px 0 6px">${title}</h3><ul style="font-size:13px;padding-left:18px">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(data.title)}</title></head><body style="margin:0;padding:0;background:#f4f6f9">
<div style="max-width:760px;margin:0 auto;background:#ffffff;font-family:Arial,Helvetica,sans-serif;color:#1f2a37">
<div style="background:#2f6db3;color:#ffffff;padding:18px 20px"><div style="font-size:22px;font-weight:bold">${escapeHtml(data.title)}</div>
<div style="font-size:14px">${escapeHtml(data.scope.label)} · ${data.period.from} to ${data.period.to}</div>
<div style="font-size:11px;opacity:.85">${escapeHtml(data.organization.name)} (${escapeHtml(data.organization.time_zone)}) · ${escapeHtml(data.template)} scorecard</div></div>
<div style="padding:16px 20px">
<table role="presentation" style="width:100%;border-collapse:separate"><tr>${summary}</tr></table>
<p style="font-size:11px;color:#6b7785">Scores run from 0 (at or beyond the floor) to 100 (target met); previous period ${data.previous_period.from} to ${data.previous_period.to}. Grey rows: too few to be significant.</p>
${images}
<h3 style="font-size:15px;margin:18px 0 6px">KPIs by KRA</h3>
<table style="width:100%;border-collapse:collapse"><tr style="color:#6b7785;font-size:12px"><th style="${cell}text-align:left">KPI</th><th style="${right}">Value</th><th style="${right}">Previous</th><th style="${right}">Change</th><th style="${right}">${agent ? 'Team median' : 'Target'}</th><th style="${right}">Score</th><th style="${right}">n</th></tr>${rows}</table>
${list(
  'Goals',
  data.goals.map(
    (g) =>
      `#${g.id} ${g.name} (${g.kpi_name}, ${g.scope}): ${g.status.replace('_', ' ')}, progress ${g.progress ?? '–'} %, deadline ${g.deadline}`,
  ),
)}
${list('Counterweight warnings', data.warnings)}
${list(
  'Alerts firing',
  data.alerts.map((a) => `${a.rule}: ${a.subject}`),
)}
<p style="font-size:11px;color:#6b7785">The PDF and the KPI table (CSV, XLSX) are attached. Sent by deskscore.</p>
</div></div></body></html>`;
}

/** The plain-text part of the e-mail. */
export function renderReportText(data: ReportData): string {
  const lines = [
    `${data.title}: ${data.scope.label}, ${data.period.from} to ${data.period.to}`,
    `${data.organization.name} (${data.organization.time_zone})`,
    '',
    `Overall score ${num(data.overall.current)} (previous ${num(data.overall.previous)}); happy customers ${num(data.indices.happy_customers.current)}, healthy teams ${num(data.indices.healthy_teams.current)}`,
    '',
  ];
  for (const k of data.kras) {
    const kpis = data.kpis.filter((r) => r.kra === k.kra);
    if (kpis.length === 0) continue;
    lines.push(`KRA ${k.kra} ${k.name}: score ${num(k.score)} (previous ${num(k.previous)})`);
    for (const r of kpis) {
      lines.push(
        `  ${r.name}: ${formatValue(r.value, r.unit)} (previous ${formatValue(r.previous, r.unit)}, n ${r.n}${r.significant ? '' : ', not significant'})`,
      );
    }
  }
  if (data.warnings.length > 0)
    lines.push('', 'Counterweight warnings:', ...data.warnings.map((w) => `  - ${w}`));
  lines.push('', 'The PDF and the KPI table (CSV, XLSX) are attached.');
  return `${lines.join('\n')}\n`;
}
