import PDFDocument from 'pdfkit';
import { formatChange, formatValue } from './format.js';
import type { ReportChart, ReportData, ReportKpiRow } from './report-data.js';

/**
 * The report as a PDF (pdfkit, A4): a header with the scope and period, the overall score and the two
 * indices against the previous period, the charts, every KPI of the scorecard grouped by KRA (value,
 * previous value, change, target, score, n), then goals, counterweight warnings and firing alerts.
 * Text is set in the PDF's standard Helvetica, so nothing depends on the fonts installed.
 */

const MARGIN = 40;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const BOTTOM = PAGE_H - MARGIN - 24;
const BLUE = '#2f6db3';
const INK = '#1f2a37';
const MUTED = '#6b7785';
const RULE = '#d5dbe3';

/** The standard fonts encode WinAnsi: characters outside it are replaced by their closest ASCII. */
export function pdfText(s: string): string {
  return s
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/\u2194/g, '<->')
    .replace(/\u2192/g, '->')
    .replace(/\u2265/g, '>=')
    .replace(/\u2264/g, '<=')
    .replace(/\u00b1/g, '+/-')
    .replace(/[^\u0020-\u00ff\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, '?');
}

const num = (v: number | null) => (v === null ? '-' : String(Math.round(v)));

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (r: ReportKpiRow) => string;
}

/** Short enough for the column: "n.s." (not significant), "-" (no data). */
function scoreText(r: ReportKpiRow): string {
  if (r.status === 'scored') return num(r.score);
  if (r.status === 'not_significant') return 'n.s.';
  return '-';
}

export async function renderReportPdf(data: ReportData, charts: readonly ReportChart[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `${data.title} - ${data.scope.label} - ${data.period.from} to ${data.period.to}`,
      Author: 'deskscore',
      Subject: data.organization.name,
      CreationDate: data.generated_at,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const t = (s: string) => pdfText(s);
  let y = MARGIN;
  const ensure = (height: number) => {
    if (y + height > BOTTOM) {
      doc.addPage();
      y = MARGIN;
    }
  };
  const heading = (title: string) => {
    ensure(40);
    y += 10;
    doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(t(title), MARGIN, y, { width: CONTENT_W });
    y += 20;
  };
  const paragraph = (s: string, size = 9.5, color = INK) => {
    doc.font('Helvetica').fontSize(size);
    const h = doc.heightOfString(t(s), { width: CONTENT_W });
    ensure(h + 4);
    doc.fillColor(color).text(t(s), MARGIN, y, { width: CONTENT_W });
    y += h + 4;
  };

  // Header band.
  doc.rect(0, 0, PAGE_W, 92).fill(BLUE);
  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor('#ffffff')
    .text(t(data.title), MARGIN, 26, { width: CONTENT_W });
  doc
    .font('Helvetica')
    .fontSize(11)
    .fillColor('#ffffff')
    .text(t(`${data.scope.label} - ${data.period.from} to ${data.period.to}`), MARGIN, 52, {
      width: CONTENT_W,
    });
  doc
    .fontSize(8.5)
    .text(
      t(
        `${data.organization.name} (${data.organization.time_zone}) - ${data.template} scorecard - generated ${data.generated_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      ),
      MARGIN,
      70,
      { width: CONTENT_W },
    );
  y = 108;

  // Summary boxes: overall and the two indices, against the previous period.
  const boxes: Array<[string, { current: number | null; previous: number | null }]> = [
    ['Overall score', data.overall],
    ['Happy customers', data.indices.happy_customers],
    ['Healthy teams', data.indices.healthy_teams],
  ];
  const boxW = (CONTENT_W - 20) / 3;
  boxes.forEach(([label, v], i) => {
    const x = MARGIN + i * (boxW + 10);
    doc.roundedRect(x, y, boxW, 58, 4).lineWidth(0.8).strokeColor(RULE).stroke();
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(MUTED)
      .text(t(label), x + 10, y + 8, { width: boxW - 20 });
    doc
      .font('Helvetica-Bold')
      .fontSize(20)
      .fillColor(INK)
      .text(num(v.current), x + 10, y + 21, { width: boxW - 20 });
    const delta =
      v.current !== null && v.previous !== null
        ? `${v.current - v.previous >= 0 ? '+' : '-'}${Math.abs(Math.round(v.current - v.previous))} vs previous (${num(v.previous)})`
        : `previous ${num(v.previous)}`;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(t(delta), x + 10, y + 44, { width: boxW - 20 });
  });
  y += 70;
  paragraph(
    `Scores run from 0 (at or beyond the floor) to 100 (target met); previous period ${data.previous_period.from} to ${data.previous_period.to}. KPIs below their minimum sample are shown but not scored.`,
    8,
    MUTED,
  );

  for (const c of charts) {
    const h = (CONTENT_W / c.width) * c.height;
    ensure(h + 8);
    doc.image(c.png, MARGIN, y, { width: CONTENT_W });
    y += h + 8;
  }

  // KPI table, grouped by KRA: its heading, header and first rows start on the same page.
  ensure(110);
  heading('KPIs by KRA');
  const agent = data.kind === 'agent_weekly';
  const columns: Column[] = [
    { title: 'KPI', width: agent ? 150 : 175, align: 'left', cell: (r) => r.name },
    { title: 'Value', width: 70, align: 'right', cell: (r) => formatValue(r.value, r.unit) },
    { title: 'Previous', width: 70, align: 'right', cell: (r) => formatValue(r.previous, r.unit) },
    { title: 'Change', width: 62, align: 'right', cell: (r) => formatChange(r.value, r.previous, r.unit) },
    ...(agent
      ? [
          {
            title: 'Team median',
            width: 65,
            align: 'right' as const,
            cell: (r: ReportKpiRow) => formatValue(r.team_median ?? null, r.unit),
          },
        ]
      : [
          {
            title: 'Target',
            width: 65,
            align: 'right' as const,
            cell: (r: ReportKpiRow) => formatValue(r.target, r.unit),
          },
        ]),
    { title: 'Score', width: 45, align: 'right', cell: scoreText },
    { title: 'n', width: 28, align: 'right', cell: (r) => String(r.n) },
  ];
  const totalW = columns.reduce((s, c) => s + c.width, 0);
  const scale = CONTENT_W / totalW;
  const drawRow = (cells: string[], bold: boolean, color = INK) => {
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(8.5)
      .fillColor(color);
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const col = columns[i]!;
      const w = col.width * scale;
      doc.text(t(cell), x + 2, y + 3, { width: w - 4, align: col.align, lineBreak: false, ellipsis: true });
      x += w;
    });
    y += 15;
  };
  const header = () => {
    drawRow(
      columns.map((c) => c.title),
      true,
      MUTED,
    );
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + CONTENT_W, y)
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    y += 2;
  };
  header();
  for (const kra of data.kras) {
    const rows = data.kpis.filter((r) => r.kra === kra.kra);
    if (rows.length === 0) continue;
    if (y + 34 > BOTTOM) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    doc.rect(MARGIN, y, CONTENT_W, 15).fill('#eef2f7');
    doc
      .font('Helvetica-Bold')
      .fontSize(8.5)
      .fillColor(INK)
      .text(t(`KRA ${kra.kra} ${kra.name}`), MARGIN + 4, y + 3.5, {
        width: CONTENT_W - 120,
        lineBreak: false,
      });
    doc.text(
      t(`score ${num(kra.score)} (previous ${num(kra.previous)})`),
      MARGIN + CONTENT_W - 180,
      y + 3.5,
      {
        width: 176,
        align: 'right',
        lineBreak: false,
      },
    );
    y += 17;
    for (const r of rows) {
      if (y + 15 > BOTTOM) {
        doc.addPage();
        y = MARGIN;
        header();
      }
      drawRow(
        columns.map((c) => c.cell(r)),
        false,
        r.significant ? INK : MUTED,
      );
    }
  }
  paragraph(
    "Grey rows, score n.s.: too few to be significant (n below the KPI's minimum); '-': no data.",
    8,
    MUTED,
  );

  if (data.goals.length > 0) {
    heading('Goals');
    for (const g of data.goals) {
      paragraph(
        `#${g.id} ${g.name} (${g.kpi_name}, ${g.scope}) - ${g.status.replace('_', ' ')}; progress ${g.progress === null ? '-' : `${g.progress} %`}, pace ${g.pace === null ? '-' : `${g.pace} pt`}, deadline ${g.deadline}. ${g.reason}`,
      );
    }
  }
  if (data.warnings.length > 0) {
    heading('Counterweight warnings');
    for (const w of data.warnings) paragraph(`- ${w}`);
  }
  if (data.alerts.length > 0) {
    heading('Alerts firing');
    for (const a of data.alerts)
      paragraph(
        `- ${a.rule}: ${a.subject} (since ${a.since.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      );
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin: without this, pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(
        t(
          `deskscore - ${data.title} - ${data.scope.label} - ${data.period.from} to ${data.period.to} - page ${i + 1} of ${range.count}`,
        ),
        MARGIN,
        PAGE_H - MARGIN - 6,
        { width: CONTENT_W, align: 'center', lineBreak: false },
      );
  }
  doc.end();
  return done;
}
