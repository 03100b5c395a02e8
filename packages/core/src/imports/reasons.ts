/**
 * Why a row of an import file is rejected: a code of the error catalogue, the column at fault and a
 * message in both languages. The import's own reasons (`import_*`, errors/imports.ts) take their
 * text from the catalogue; a row refused by a core rule (a name, a phone, an ID number) keeps that
 * rule's code and its own, more precise message — the same words staff entry shows.
 */
import type { DoseRuleCode } from '../doses/codes.js';
import {
  ERROR_CATALOGUE,
  type ErrorCode,
  type ErrorParam,
  type ErrorParams,
  fillTemplate,
  isErrorCode,
} from '../errors.js';
import type { Lang, Localized } from '../i18n.js';
import type { IdentityRuleCode } from '../identity/codes.js';
import { type ImportColumnKey, importColumn, importColumnName, isImportColumnKey } from './columns.js';

/** The import's own row codes (the row section of errors/imports.ts). */
export const IMPORT_ROW_CODES = [
  'import_value_required',
  'import_date_invalid',
  'import_gender_invalid',
  'import_province_unknown',
  'import_unit_code_invalid',
  'import_dose_number_invalid',
  'import_dose_kind_invalid',
  'import_value_too_long',
  'import_number_as_scientific',
] as const;
export type ImportRowCode = (typeof IMPORT_ROW_CODES)[number];

/** The dose rules' codes a row can be rejected with on its own (the rest need the person's history and the lot). */
export type ImportDoseRuleCode = Extract<
  DoseRuleCode,
  'unknown_vaccine' | 'date_in_future' | 'date_before_approval' | 'date_before_birth'
>;

/** Every code a row can be rejected with. */
export type ImportRejectionCode =
  | ImportRowCode
  | IdentityRuleCode
  | ImportDoseRuleCode
  | 'date_of_birth_in_future'
  | 'date_of_birth_too_early';

/** One reason a row cannot be imported. */
export interface ImportRejection {
  readonly code: ImportRejectionCode;
  /** The column at fault. */
  readonly column: ImportColumnKey;
  readonly message: Localized;
}

/** The catalogue's message for `code` in both languages, its placeholders filled from `params`. */
export function catalogueMessage<C extends ErrorCode>(code: C, params: ErrorParams<C>): Localized {
  const p = params as Readonly<Record<string, ErrorParam>>;
  return {
    vi: fillTemplate(ERROR_CATALOGUE[code].vi, 'vi', p),
    en: fillTemplate(ERROR_CATALOGUE[code].en, 'en', p),
  };
}

/**
 * A row's reasons as one text for the rejected rows' file, one line per reason, each after its
 * column's name: "Ngày sinh: Chưa có ngày sinh." (`vi`: the template's header; `en`: the label).
 */
export function formatRejections(reasons: readonly ImportRejection[], lang: Lang = 'vi'): string {
  return reasons
    .map((r) => {
      const c = importColumn(r.column);
      return `${lang === 'vi' ? c.header : c.label}: ${r.message[lang]}`;
    })
    .join('\n');
}

/**
 * What a rejection code means in a job's summary, in `lang`: the catalogue's message, its
 * placeholders — the cell's value, which differs row by row — written `…`; with the column at
 * fault when known (`rejectedByColumn`), as the rejected rows' file writes it — "Ngày tiêm: Chưa có
 * ngày tiêm." — the column's name filled in. A code the catalogue lacks is shown as it is.
 */
export function rejectionSummaryLabel(code: string, lang: Lang, column?: string): string {
  if (!isErrorCode(code)) return column ? `${column}: ${code}` : code;
  const key = column !== undefined && isImportColumnKey(column) ? column : undefined;
  const named: Record<string, ErrorParam> = key ? { column: importColumnName(key) } : {};
  const text = fillTemplate(ERROR_CATALOGUE[code][lang], lang, named)
    .replace(/\{[A-Za-z]\w*\}/g, '…')
    .replace(/…\./g, '…');
  if (!key) return text;
  const c = importColumn(key);
  return `${lang === 'vi' ? c.header : c.label}: ${text}`;
}

/** Counts reasons by code: the summary's `rejectedByReason` (a row with two reasons of one code counts once for it). */
export function countByReason(
  rows: Iterable<readonly ImportRejection[]>,
  into: Record<string, number> = {},
): Record<string, number> {
  for (const reasons of rows) {
    for (const code of new Set(reasons.map((r) => r.code))) into[code] = (into[code] ?? 0) + 1;
  }
  return into;
}

/**
 * Counts reasons by code and by the column at fault: the summary's `rejectedByColumn`,
 * `{code: {column: rows}}` (a row with two reasons of one code in one column counts once for them).
 */
export function countByColumn(
  rows: Iterable<readonly ImportRejection[]>,
  into: Record<string, Record<string, number>> = {},
): Record<string, Record<string, number>> {
  for (const reasons of rows) {
    const seen = new Set<string>();
    for (const { code, column } of reasons) {
      if (seen.has(`${code} ${column}`)) continue;
      seen.add(`${code} ${column}`);
      const byColumn = into[code] ?? {};
      byColumn[column] = (byColumn[column] ?? 0) + 1;
      into[code] = byColumn;
    }
  }
  return into;
}

/**
 * Why a whole file cannot be read — the readers' faults (core's CSV reader, the server's XLSX
 * reader) — in both languages: the `reason` of `import_file_unreadable`, so that a failed job
 * answers in the caller's language instead of the reader's English.
 */
export const IMPORT_FILE_FAULTS = {
  /** `maxRowChars`: the reader's limit. */
  csv_row_too_long: {
    vi: 'có một dòng dài hơn {maxRowChars} ký tự — có thể một dấu ngoặc kép (") được mở mà không đóng',
    en: 'a row is longer than {maxRowChars} characters — perhaps a double quote (") is opened and never closed',
  },
  /** `start`: how the cell starts. */
  csv_unterminated_quote: {
    vi: 'một ô mở dấu ngoặc kép (") mà không đóng đến hết tệp; ô đó bắt đầu bằng: {start}',
    en: 'a cell opens a double quote (") that is never closed; the cell starts with: {start}',
  },
  csv_not_utf8: {
    vi: 'văn bản của tệp không phải UTF-8; hãy lưu tệp CSV dưới dạng "CSV UTF-8"',
    en: 'the text is not UTF-8; save the CSV as "CSV UTF-8"',
  },
  /** An old Excel .xls (or another Office 97–2003 file): the OLE2 compound file signature. */
  xls_old_format: {
    vi: 'tệp này là tệp Excel .xls cũ (Excel 97–2003); hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx hoặc "CSV UTF-8"',
    en: 'this is an old Excel .xls file (Excel 97–2003); open it in Excel and save it as .xlsx or as "CSV UTF-8"',
  },
  xlsx_not_zip: {
    vi: 'tệp .xlsx không trọn vẹn hoặc bị hỏng (có thể việc tải lên bị dừng giữa chừng); hãy mở và lưu lại tệp trong Excel rồi tải lên lại',
    en: 'the .xlsx file is incomplete or damaged (the upload may have stopped half way); open and save it again in Excel, then upload it again',
  },
  xlsx_no_sheet: {
    vi: 'bảng tính không có trang tính (sheet) nào',
    en: 'the workbook has no sheet',
  },
  /** `maxChars`: the most characters a cell may have. */
  xlsx_cell_too_long: {
    vi: 'có một ô dài hơn {maxChars} ký tự, quá giới hạn 32.767 ký tự một ô của Excel; tệp có thể đã bị sửa bằng công cụ khác',
    en: 'a cell is longer than {maxChars} characters, beyond Excel’s own limit of 32,767 characters a cell; the file may have been altered by another tool',
  },
  /** `maxRowChars`: the most characters a row may have. */
  xlsx_row_too_long: {
    vi: 'có một dòng dài hơn {maxRowChars} ký tự',
    en: 'a row is longer than {maxRowChars} characters',
  },
  /** `maxChars`: the most characters of the part over it. */
  xlsx_too_large: {
    vi: 'bảng tính chứa quá nhiều dữ liệu ngoài các ô, hoặc quá nhiều chuỗi văn bản (hơn {maxChars} ký tự); hãy chia thành nhiều tệp nhỏ hơn, hoặc lưu dưới dạng CSV UTF-8',
    en: 'the workbook holds too much besides its cells, or too many texts (more than {maxChars} characters); split it into smaller files, or save it as CSV UTF-8',
  },
  xlsx_damaged: {
    vi: 'tệp .xlsx bị hỏng; hãy mở và lưu lại tệp trong Excel rồi tải lên lại',
    en: 'the .xlsx file is damaged; open and save it again in Excel, then upload it again',
  },
} as const satisfies Record<string, Localized>;
export type ImportFileFault = keyof typeof IMPORT_FILE_FAULTS;

/** A file's fault as the `reason` of `import_file_unreadable`, its placeholders filled. */
export function fileFaultReason(fault: ImportFileFault, params: Readonly<Record<string, ErrorParam>> = {}): Localized {
  const f = IMPORT_FILE_FAULTS[fault];
  return { vi: fillTemplate(f.vi, 'vi', params), en: fillTemplate(f.en, 'en', params) };
}
