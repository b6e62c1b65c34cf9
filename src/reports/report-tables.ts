import ExcelJS from 'exceljs';
import { csvLine } from './csv-writer.js';
import type { ReportData } from './report-data.js';
import { type CellValue, neutraliseFormula } from './table.js';
import { sheetName } from './xlsx-writer.js';

/**
 * The report's numbers as attachments: a CSV of the KPI table (one row per KPI, values in the KPI's
 * unit: seconds, percent, …) and an XLSX workbook with the KPI table, the trends and the goals.
 * Text cells are neutralised against formula injection (src/reports/table.ts).
 */

const KPI_COLUMNS = [
  'kra',
  'kra_name',
  'kpi',
  'name',
  'unit',
  'direction',
  'period_from',
  'period_to',
  'value',
  'previous_value',
  'n',
  'significant',
  'ci_low',
  'ci_high',
  'target',
  'floor',
  'target_source',
  'score',
  'status',
  'team_median',
] as const;

function kpiRows(data: ReportData): CellValue[][] {
  return data.kpis.map((r) => [
    r.kra,
    r.kra_name,
    r.kpi,
    r.name,
    r.unit,
    r.direction,
    data.period.from,
    data.period.to,
    r.value,
    r.previous,
    r.n,
    r.significant,
    r.ci_low,
    r.ci_high,
    r.target,
    r.floor,
    r.target_source,
    r.score,
    r.status,
    r.team_median ?? null,
  ]);
}

export function reportCsv(data: ReportData): string {
  return [csvLine([...KPI_COLUMNS]), ...kpiRows(data).map((r) => csvLine(r))].join('');
}

export async function reportXlsx(data: ReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'deskscore';
  wb.created = data.generated_at;
  const write = (name: string, columns: readonly string[], rows: CellValue[][]) => {
    const sheet = wb.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([...columns]).font = { bold: true };
    for (const r of rows) sheet.addRow(r.map((v) => (typeof v === 'string' ? neutraliseFormula(v) : v)));
    sheet.columns.forEach((c) => {
      c.width = 16;
    });
  };
  write('KPIs', KPI_COLUMNS, kpiRows(data));
  write(
    'Trends',
    ['kpi', 'name', 'unit', 'bucket', 'value', 'n', 'significant'],
    data.trends.flatMap((t) =>
      t.points.map((p) => [t.kpi, t.name, t.unit, p.bucket, p.value, p.n, p.significant]),
    ),
  );
  write(
    'Goals',
    ['id', 'name', 'kpi', 'scope', 'status', 'progress', 'pace', 'deadline', 'reason'],
    data.goals.map((g) => [
      g.id,
      g.name,
      g.kpi_name,
      g.scope,
      g.status,
      g.progress,
      g.pace,
      g.deadline,
      g.reason,
    ]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
