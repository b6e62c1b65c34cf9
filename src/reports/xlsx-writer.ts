import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type CellValue, drained, type ExportTable, neutraliseFormula } from './table.js';

const INSTANT_FORMAT = 'yyyy-mm-dd hh:mm:ss';

function xlsxCell(value: CellValue): CellValue {
  if (typeof value === 'string') return neutraliseFormula(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** Excel refuses sheet names over 31 characters or with any of []:*?/\ in them. */
export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'rows';
}

/**
 * Writes the table as one XLSX worksheet with exceljs's streaming writer: each row is committed (and
 * zipped onto `out`) as it arrives, so the workbook is never held whole in memory. Instants are Excel
 * date-times in UTC. Ends the stream.
 */
export async function writeXlsx(table: ExportTable, out: Writable, name = 'rows'): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...table.columns]).commit();
  let pending = 0;
  for await (const cells of table.rows) {
    const row = sheet.addRow(cells.map(xlsxCell));
    cells.forEach((v, i) => {
      if (v instanceof Date) row.getCell(i + 1).numFmt = INSTANT_FORMAT;
    });
    row.commit();
    if (++pending >= 500) {
      pending = 0;
      await drained(out);
    }
  }
  sheet.commit();
  await workbook.commit();
}
