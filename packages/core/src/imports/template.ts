/**
 * The files a clerk downloads: the template (CSV, or the rows of the XLSX template's two sheets)
 * and the rejected rows with their reasons, to fix and import again. Pure: the server writes the
 * bytes (CSV as UTF-8, XLSX with its library).
 */
import type { Lang } from '../i18n.js';
import { VACCINES, vaccineDisplayName } from '../vaccines.js';
import { ALL_IMPORT_COLUMNS, IMPORT_COLUMNS, type ImportHeader, TEMPLATE_CSV_HEADER } from './columns.js';
import { formatRejections, type ImportRejection } from './reasons.js';

/** The CSV template: a UTF-8 byte-order mark (so Excel reads Vietnamese right), the header row, CRLF. */
export function templateCsv(): string {
  return `\uFEFF${TEMPLATE_CSV_HEADER}\r\n`;
}

/** The header row of the XLSX template's first sheet: the contract's columns. */
export function templateHeaderRow(): string[] {
  return IMPORT_COLUMNS.map((c) => c.header);
}

/** A facility the caller may import for, as the template's guide lists it. */
export interface TemplateFacility {
  readonly id: string;
  readonly name: string;
}

/**
 * The rows of the XLSX template's second sheet ("Hướng dẫn"), in Vietnamese: each column (header,
 * required or not, what to write, an example) — the optional ones too — then the vaccine codes
 * and the ids of the caller's facilities. Sections are separated by an empty row.
 */
export function templateGuideRows(facilities: readonly TemplateFacility[]): string[][] {
  const rows: string[][] = [['Cột', 'Bắt buộc', 'Cách ghi', 'Ví dụ']];
  for (const c of ALL_IMPORT_COLUMNS) {
    rows.push([c.header, c.required ? 'Bắt buộc' : 'Không bắt buộc', c.explanation, c.example]);
  }
  rows.push([], ['Mã vắc xin', 'Tên vắc xin']);
  for (const v of VACCINES) rows.push([v.code, vaccineDisplayName(v)]);
  rows.push([], ['Mã cơ sở tiêm', 'Tên cơ sở tiêm']);
  for (const f of facilities) rows.push([f.id, f.name]);
  return rows;
}

/** The columns the rejected rows' file adds after the original ones. */
export const REJECTED_EXTRA_HEADERS: Readonly<Record<Lang, readonly [row: string, reasons: string]>> = Object.freeze({
  vi: ['Dòng trong tệp gốc', 'Lý do bị từ chối'],
  en: ['Row in the original file', 'Why it was rejected'],
});

const headerKey = (cell: string) => cell.normalize('NFC').trim().toLowerCase();
const EXTRA_HEADER_KEYS: ReadonlySet<string> = new Set(Object.values(REJECTED_EXTRA_HEADERS).flat().map(headerKey));

/**
 * The original file's columns the rejected rows' file keeps: all of them (known and unknown
 * alike) but the two it adds itself, when the file is a rejected rows' file imported again — its
 * old row numbers and reasons would sit beside the new ones.
 */
function keptColumns(header: ImportHeader): number[] {
  return header.cells.flatMap((cell, i) => (EXTRA_HEADER_KEYS.has(headerKey(cell)) ? [] : [i]));
}

/**
 * The header row of the rejected rows' file: the original file's header as it was (known and
 * unknown columns alike, {@link keptColumns}), then the row number and the reasons. Imported
 * again, the two added columns are unknown columns and ignored.
 */
export function rejectedHeaderRow(header: ImportHeader, lang: Lang = 'vi'): string[] {
  return [...keptColumns(header).map((i) => header.cells[i]!), ...REJECTED_EXTRA_HEADERS[lang]];
}

/**
 * One row of the rejected rows' file: the original cells as they were (those of the kept
 * columns, cut or padded to the header's width, so the added columns line up), the row's number in the original file (the
 * header is row 1, as a spreadsheet shows it) and its reasons ({@link formatRejections}).
 */
export function rejectedRow(
  header: ImportHeader,
  cells: readonly unknown[],
  rowNumber: number,
  reasons: readonly ImportRejection[],
  lang: Lang = 'vi',
): unknown[] {
  const original = keptColumns(header).map((i) => (i < cells.length ? cells[i] : ''));
  return [...original, rowNumber, formatRejections(reasons, lang)];
}
