import { createHash } from 'node:crypto';
import { chart, kraScoresSvg, trendsSvg } from '../../reports/charts.js';
import type { ReportChart, ReportData } from '../../reports/report-data.js';
import { renderReportHtml, renderReportText } from '../../reports/report-html.js';
import { renderReportPdf } from '../../reports/report-pdf.js';
import { reportCsv, reportXlsx } from '../../reports/report-tables.js';
import type { ReportFormat } from '../../storage/report-schedules-repository.js';
import type { MessageAttachment, OutgoingMessage } from '../alerts/channels.js';

export interface RenderedReport {
  charts: ReportChart[];
  pdf?: Buffer;
  csv?: string;
  xlsx?: Buffer;
  html: string;
  text: string;
  /** File names without extension: `weekly-desk-retail-2026-03-02`. */
  basename: string;
  /** SHA-256 of the report's numbers, kept with its row in `reports`. */
  hash: string;
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'scope';

export function reportCharts(data: ReportData): ReportChart[] {
  const unit = data.kind === 'kra_review' ? 'month' : 'week';
  const charts = [
    chart(
      'kra-scores',
      'KRA scores',
      kraScoresSvg(data.kras, `this ${unit} (${data.period.from} to ${data.period.to})`, `previous ${unit}`),
    ),
  ];
  if (data.trends.length > 0)
    charts.push(chart('trends', 'Trends', trendsSvg(data.trends, data.trend_grain)));
  return charts;
}

/** Draws the charts and renders the formats asked for (the HTML and text bodies always). */
export async function renderReport(
  data: ReportData,
  formats: readonly ReportFormat[],
): Promise<RenderedReport> {
  const charts = reportCharts(data);
  const basename = `${data.kind.replace('_', '-')}-${data.scope.kind === 'organization' ? 'organisation' : `${data.scope.kind}-${slug(data.scope.name)}`}-${data.period.from}`;
  const out: RenderedReport = {
    charts,
    html: renderReportHtml(data, charts, (c) => `cid:${c.id}@deskscore`),
    text: renderReportText(data),
    basename,
    hash: createHash('sha256')
      .update(JSON.stringify({ ...data, generated_at: undefined }))
      .digest('hex'),
  };
  if (formats.includes('pdf')) out.pdf = await renderReportPdf(data, charts);
  if (formats.includes('csv')) out.csv = reportCsv(data);
  if (formats.includes('xlsx')) out.xlsx = await reportXlsx(data);
  return out;
}

const attachment = (
  filename: string,
  contentType: string,
  content: Buffer,
  cid?: string,
): MessageAttachment => ({
  filename,
  contentType,
  content: content.toString('base64'),
  size: content.length,
  ...(cid ? { cid } : {}),
});

/** The e-mail (HTML with inline charts, PDF/CSV/XLSX attached) and the webhook bodies of a report. */
export function reportMessage(data: ReportData, r: RenderedReport, reportId: string | null): OutgoingMessage {
  const title = `[deskscore] ${data.title}: ${data.scope.label}, ${data.period.from} to ${data.period.to}`;
  const attachments: MessageAttachment[] = r.charts.map((c) =>
    attachment(`${c.id}.png`, 'image/png', c.png, `${c.id}@deskscore`),
  );
  if (r.pdf) attachments.push(attachment(`${r.basename}.pdf`, 'application/pdf', r.pdf));
  if (r.csv !== undefined)
    attachments.push(attachment(`${r.basename}.csv`, 'text/csv; charset=utf-8', Buffer.from(r.csv, 'utf8')));
  if (r.xlsx)
    attachments.push(
      attachment(
        `${r.basename}.xlsx`,
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        r.xlsx,
      ),
    );
  const kraLines = data.kras
    .filter((k) => k.score !== null)
    .map(
      (k) =>
        `• KRA ${k.kra} ${k.name}: ${Math.round(k.score!)}${k.previous !== null ? ` (previous ${Math.round(k.previous)})` : ''}`,
    );
  const overall = data.overall.current === null ? '–' : String(Math.round(data.overall.current));
  return {
    kind: 'report',
    title,
    text: r.text,
    html: r.html,
    attachments,
    json: {
      event: 'report.delivered',
      report_id: reportId,
      organization: data.organization,
      report: data.kind,
      title: data.title,
      scope: data.scope,
      period: data.period,
      overall: data.overall,
      indices: data.indices,
      kras: data.kras,
      kpis: data.kpis,
      warnings: data.warnings,
    },
    slack: `*${data.title}*, ${data.scope.label}, ${data.period.from} to ${data.period.to}\nOverall score *${overall}*\n${kraLines.join('\n')}${data.warnings.length > 0 ? `\n:warning: ${data.warnings.length} counterweight warning(s)` : ''}`,
  };
}
