import type { FastifyReply } from 'fastify';
import ExcelJS from './exceljs.js';

/**
 * A table answered as a file: the same rows as a JSON answer, with Vietnamese column headers, as
 * UTF-8 CSV with a BOM (Excel opens Vietnamese correctly) or as an XLSX sheet whose numbers are
 * number cells. Cells are text, numbers or empty (null).
 */
export type ExportCell = string | number | null;

export interface ExportColumn<R> {
  readonly header: string;
  /** Column width in characters (XLSX). */
  readonly width?: number;
  readonly value: (row: R) => ExportCell;
}

export interface ExportTable<R> {
  /** The sheet's name (XLSX), at most 31 characters. */
  readonly sheet: string;
  readonly columns: readonly ExportColumn<R>[];
  readonly rows: readonly R[];
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

/** A CSV cell: always quoted; a leading = + - @ would run as a formula in a spreadsheet: prefixed with '. */
export function csvCell(v: ExportCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The table as UTF-8 CSV with a BOM, CRLF line ends. */
export function tableCsv<R>(t: ExportTable<R>): Buffer {
  const lines = [t.columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(c.value(r))).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The table as an XLSX workbook of one sheet, header row bold and frozen. */
export async function tableXlsx<R>(t: ExportTable<R>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiêm chủng';
  const ws = wb.addWorksheet(t.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = t.columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(12, c.header.length + 4) }));
  ws.getRow(1).font = { bold: true };
  for (const r of t.rows) ws.addRow(t.columns.map((c) => c.value(r)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** An ASCII file-name part: Vietnamese letters without diacritics, anything else a hyphen. */
export function fileNamePart(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'bang'
  );
}

/** Sends a table as the CSV or XLSX file asked for, named `<fileName>.<format>` (an ASCII name). */
export async function sendTable<R>(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  table: ExportTable<R>,
  fileName: string,
): Promise<FastifyReply> {
  const [type, body] = format === 'csv' ? [CSV_TYPE, tableCsv(table)] : [XLSX_TYPE, await tableXlsx(table)];
  return reply.type(type).header('content-disposition', `attachment; filename="${fileName}.${format}"`).send(body);
}
