/**
 * The columns of a bulk-import file (issue 16, api-contract.md: Bulk import): the ten columns of
 * the contract, in the contract's order, then the optional columns a file may add (district,
 * commune, dose number, dose kind). A file's header row is matched to them forgiving of how a
 * clerk or another system wrote it: any case, extra spaces, NFD or NFC, with or without
 * diacritics ("Ho va ten"), a trailing "*" or "(dd/MM/yyyy)". Columns the platform does not know
 * are kept by position, so the rejected rows' file can give each row back as it was.
 */
import { errorMessage } from '../errors.js';
import type { Localized } from '../i18n.js';
import { nameSearchKey } from '../identity/name.js';

/** The field a column fills; the same names as the API's person and dose fields. */
export type ImportColumnKey =
  | 'fullName'
  | 'dateOfBirth'
  | 'gender'
  | 'idNumber'
  | 'phone'
  | 'provinceCode'
  | 'vaccineCode'
  | 'lotNumber'
  | 'administeredOn'
  | 'facilityId'
  | 'districtCode'
  | 'communeCode'
  | 'doseNumber'
  | 'doseKind';

/** One column of the import file. */
export interface ImportColumn {
  readonly key: ImportColumnKey;
  /** The header as the template writes it (for the contract's columns, exactly the contract's). */
  readonly header: string;
  /** Other headers taken for this column (e.g. `Mã quận huyện` for `Mã huyện`). */
  readonly aliases: readonly string[];
  /** The column's name in English (screens in English, the English messages). */
  readonly label: string;
  /** What to write in it, in Vietnamese: the template's second sheet. */
  readonly explanation: string;
  /** A value as the template's guide shows it. */
  readonly example: string;
  /**
   * True when every row must fill it (and the header must have it). The ID number and the phone
   * may be empty: a row without an ID number is kept as a legacy record.
   */
  readonly required: boolean;
}

/** The contract's ten columns, in the order of the template's header row. */
export const IMPORT_COLUMNS: readonly ImportColumn[] = Object.freeze([
  {
    key: 'fullName',
    header: 'Họ và tên',
    aliases: ['Họ tên'],
    label: 'Full name',
    explanation:
      'Họ và tên đầy đủ của người được tiêm, viết có dấu (ví dụ Nguyễn Văn An). Chữ hoa, chữ thường và dấu cách thừa được tự chỉnh.',
    example: 'Nguyễn Văn An',
    required: true,
  },
  {
    key: 'dateOfBirth',
    header: 'Ngày sinh',
    aliases: [],
    label: 'Date of birth',
    explanation:
      'Ngày sinh theo dạng ngày/tháng/năm dd/MM/yyyy (ví dụ 05/03/1985); cũng nhận yyyy-MM-dd và ô kiểu ngày của Excel.',
    example: '05/03/1985',
    required: true,
  },
  {
    key: 'gender',
    header: 'Giới tính',
    aliases: ['Gender'],
    label: 'Sex',
    explanation: 'Nam hoặc Nữ (viết hoa hay thường đều được).',
    example: 'Nữ',
    required: true,
  },
  {
    key: 'idNumber',
    header: 'Số CCCD/CMND',
    aliases: ['Số CCCD', 'Số CMND', 'CCCD/CMND', 'Số định danh cá nhân', 'Số định danh'],
    label: 'ID number (CCCD/CMND)',
    explanation:
      'Số CCCD hoặc số định danh cá nhân (12 chữ số) hoặc số CMND (9 chữ số). Để trống nếu người được tiêm không có: hồ sơ được lưu là hồ sơ chưa có số định danh. Nên định dạng cột là Văn bản (Text) để Excel không làm mất số 0 ở đầu.',
    example: '087185001234',
    required: false,
  },
  {
    key: 'phone',
    header: 'Số điện thoại',
    aliases: ['Điện thoại', 'SĐT'],
    label: 'Mobile phone',
    explanation:
      'Số điện thoại di động 10 chữ số (ví dụ 0912 345 678); nhận cả +84, dấu cách, dấu chấm, gạch ngang. Bắt buộc khi người có số CCCD/CMND chưa có hồ sơ trên hệ thống (như khi đăng ký tại bàn tiêm); có thể để trống khi người đã có hồ sơ hoặc không có số định danh.',
    example: '0912345678',
    required: false,
  },
  {
    key: 'provinceCode',
    header: 'Mã tỉnh',
    aliases: ['Mã tỉnh thành phố', 'Mã tỉnh/thành phố', 'Mã tỉnh/thành'],
    label: 'Province code',
    explanation:
      'Mã tỉnh, thành phố nơi người được tiêm cư trú, 2 chữ số theo danh mục năm 2021 (ví dụ 01 Hà Nội, 79 TP Hồ Chí Minh, 87 Đồng Tháp).',
    example: '87',
    required: true,
  },
  {
    key: 'vaccineCode',
    header: 'Mã vắc xin',
    aliases: ['Mã vaccine', 'Vắc xin', 'Vaccine'],
    label: 'Vaccine code',
    explanation:
      'Mã vắc xin trong danh mục (xem danh sách bên dưới), ví dụ EU/1/21/1529; cũng nhận tên thường gọi như AstraZeneca, Pfizer, Vero Cell.',
    example: 'EU/1/21/1529',
    required: true,
  },
  {
    key: 'lotNumber',
    header: 'Số lô',
    aliases: ['Lô vắc xin', 'Số lô vắc xin'],
    label: 'Lot number',
    explanation: 'Số lô vắc xin in trên lọ (ví dụ FF2587); lô phải có trong danh mục lô của cơ sở.',
    example: 'FF2587',
    required: true,
  },
  {
    key: 'administeredOn',
    header: 'Ngày tiêm',
    aliases: [],
    label: 'Date of the dose',
    explanation:
      'Ngày tiêm theo dạng dd/MM/yyyy (ví dụ 20/08/2021). Mũi tiêm trước ngày 01/11/2021 được ghi nhận là nhập hồi cứu.',
    example: '20/08/2021',
    required: true,
  },
  {
    key: 'facilityId',
    header: 'Mã cơ sở tiêm',
    aliases: ['Mã cơ sở', 'Mã điểm tiêm'],
    label: 'Facility id',
    explanation: 'Mã của cơ sở đã tiêm mũi này (xem danh sách cơ sở bên dưới).',
    example: 'DT-CL-01',
    required: true,
  },
] satisfies ImportColumn[]);

/** The optional columns a file may add after the contract's, used when present. */
export const IMPORT_EXTRA_COLUMNS: readonly ImportColumn[] = Object.freeze([
  {
    key: 'districtCode',
    header: 'Mã huyện',
    aliases: ['Mã quận huyện', 'Mã quận/huyện', 'Mã quận'],
    label: 'District code',
    explanation: 'Mã quận, huyện nơi cư trú, 3 chữ số theo danh mục năm 2021. Có thể bỏ cột này.',
    example: '866',
    required: false,
  },
  {
    key: 'communeCode',
    header: 'Mã xã',
    aliases: ['Mã phường xã', 'Mã phường/xã', 'Mã phường'],
    label: 'Commune code',
    explanation: 'Mã phường, xã nơi cư trú, 5 chữ số theo danh mục năm 2021. Có thể bỏ cột này.',
    example: '29866',
    required: false,
  },
  {
    key: 'doseNumber',
    header: 'Mũi số',
    aliases: ['Mũi thứ', 'Mũi'],
    label: 'Dose number',
    explanation:
      'Mũi thứ mấy của người này, từ 1 đến 9. Để trống thì hệ thống tự tính theo ngày tiêm của tất cả các mũi.',
    example: '1',
    required: false,
  },
  {
    key: 'doseKind',
    header: 'Loại mũi',
    aliases: ['Loại mũi tiêm'],
    label: 'Dose kind',
    explanation:
      'Cơ bản, Bổ sung hoặc Nhắc lại. Để trống thì hệ thống tự xác định (một mũi sau khi đủ mũi cơ bản là mũi nhắc lại, trừ khi ghi Bổ sung).',
    example: 'Cơ bản',
    required: false,
  },
] satisfies ImportColumn[]);

/** Every column, the contract's then the optional ones. */
export const ALL_IMPORT_COLUMNS: readonly ImportColumn[] = Object.freeze([...IMPORT_COLUMNS, ...IMPORT_EXTRA_COLUMNS]);

const BY_KEY = new Map(ALL_IMPORT_COLUMNS.map((c) => [c.key, c]));

/** The column with this key. */
export function importColumn(key: ImportColumnKey): ImportColumn {
  return BY_KEY.get(key)!;
}

/** Whether `key` names a column (a key read back from storage or the API). */
export function isImportColumnKey(key: string): key is ImportColumnKey {
  return BY_KEY.has(key as ImportColumnKey);
}

/** The column's name inside a sentence ("chưa có ngày sinh", "the date of birth"), in both languages. */
export function importColumnName(key: ImportColumnKey): { vi: string; en: string } {
  const c = importColumn(key);
  const lowerFirst = (s: string) => (/^[A-Z]{2}/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
  return { vi: lowerFirst(c.header), en: lowerFirst(c.label) };
}

/** The template's header row, exactly as the contract writes it (no line end, no BOM). */
export const TEMPLATE_CSV_HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm';

/**
 * How headers are compared: without diacritics (`đ` as `d`), lower case, a trailing `*` or
 * parenthesised note dropped, and every run of other characters than letters and digits as one
 * space — "  SỐ CCCD / CMND* " and "So CCCD/CMND" are both `so cccd cmnd`.
 */
export function headerKey(header: string): string {
  const s = header
    .replace(/^\uFEFF/, '')
    .replace(/\([^()]*\)\s*$/u, '')
    .replace(/\*/g, ' ');
  return nameSearchKey(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const KEY_OF_HEADER = new Map<string, ImportColumnKey>();
for (const c of ALL_IMPORT_COLUMNS) {
  for (const h of [c.header, ...c.aliases, c.label, c.key]) {
    const k = headerKey(h);
    const taken = KEY_OF_HEADER.get(k);
    if (taken !== undefined && taken !== c.key) throw new Error(`import header "${h}" names two columns`);
    KEY_OF_HEADER.set(k, c.key);
  }
}

/** The column a header names, or null when it is not one of the template's. */
export function columnOfHeader(header: string): ImportColumnKey | null {
  return KEY_OF_HEADER.get(headerKey(header)) ?? null;
}

/** A file's header row read against the template's columns. */
/**
 * The most columns of a file that are read: a cell past the 256th (Excel 97–2003's last column, IV)
 * is not — a sheet with a cell in column XFD (16,384) would otherwise make every row that wide.
 */
export const IMPORT_MAX_COLUMNS = 256;

export interface ImportHeader {
  /** The header row's cells as written, up to its last named one (at most {@link IMPORT_MAX_COLUMNS}). */
  readonly cells: readonly string[];
  /** For each cell: the column it names, or null (an unknown column, or the repeat of a known one). */
  readonly columns: readonly (ImportColumnKey | null)[];
  /** The cell index of each column found (its first occurrence). */
  readonly indexOf: Readonly<Partial<Record<ImportColumnKey, number>>>;
  /** The cells that name none of the template's columns, as written, with their index. */
  readonly unknown: readonly { readonly index: number; readonly header: string }[];
}

/** Why a header row cannot be imported: the catalogue's code and what fills its `{columns}`. */
export interface ImportHeaderError {
  readonly code: 'import_columns_missing' | 'import_columns_duplicated';
  /** The columns at fault. */
  readonly columns: readonly ImportColumnKey[];
  /** The catalogue message's placeholders (`new AppError(code, { params })`). */
  readonly params: { readonly columns: Localized };
  /** The catalogue's message, filled. */
  readonly message: Localized;
}

/** The header row matched: usable, or refused with the columns it lacks or repeats. */
export type HeaderMatch =
  | { readonly ok: true; readonly header: ImportHeader }
  | { readonly ok: false; readonly header: ImportHeader; readonly error: ImportHeaderError };

function headerError(code: ImportHeaderError['code'], keys: ImportColumnKey[]): ImportHeaderError {
  const columns = {
    vi: keys.map((k) => importColumn(k).header).join(', '),
    en: keys.map((k) => `${importColumn(k).header} (${importColumn(k).label})`).join(', '),
  };
  return {
    code,
    columns: keys,
    params: { columns },
    message: { vi: errorMessage(code, 'vi', { columns }), en: errorMessage(code, 'en', { columns }) },
  };
}

/**
 * Reads a header row: which column each cell is, the cells that are none (kept, so the rejected
 * rows' file echoes the original columns), and — as the error — the required columns missing
 * (`import_columns_missing`) or a column given twice (`import_columns_duplicated`, e.g. both
 * `Mũi số` and `Mũi thứ`: which one to believe?). Missing columns are reported first.
 */
export function matchHeader(written: readonly string[]): HeaderMatch {
  // The header ends at its last named cell: a row's cells past it are under no column.
  let width = Math.min(written.length, IMPORT_MAX_COLUMNS);
  while (width > 0 && String(written[width - 1] ?? '').trim() === '') width--;
  const cells = written.slice(0, width);
  const columns: (ImportColumnKey | null)[] = [];
  const indexOf: Partial<Record<ImportColumnKey, number>> = {};
  const unknown: { index: number; header: string }[] = [];
  const repeated = new Set<ImportColumnKey>();
  cells.forEach((cell, index) => {
    const key = columnOfHeader(String(cell ?? ''));
    if (key === null) {
      columns.push(null);
      unknown.push({ index, header: cell });
    } else if (indexOf[key] !== undefined) {
      columns.push(null);
      repeated.add(key);
    } else {
      columns.push(key);
      indexOf[key] = index;
    }
  });
  const header: ImportHeader = { cells: [...cells], columns, indexOf, unknown };
  const missing = IMPORT_COLUMNS.filter((c) => c.required && indexOf[c.key] === undefined).map((c) => c.key);
  if (missing.length) return { ok: false, header, error: headerError('import_columns_missing', missing) };
  if (repeated.size) {
    const keys = ALL_IMPORT_COLUMNS.filter((c) => repeated.has(c.key)).map((c) => c.key);
    return { ok: false, header, error: headerError('import_columns_duplicated', keys) };
  }
  return { ok: true, header };
}

/** The cells of one data row by column (what {@link parseImportRow} takes); a short row's missing cells are absent. */
export type ImportCells = Partial<Record<ImportColumnKey, unknown>>;

/** A data row's cells by the column the header gave each position. */
export function cellsByColumn(header: ImportHeader, row: readonly unknown[]): ImportCells {
  const out: ImportCells = {};
  for (const [key, index] of Object.entries(header.indexOf) as [ImportColumnKey, number][]) {
    if (index < row.length) out[key] = row[index];
  }
  return out;
}
