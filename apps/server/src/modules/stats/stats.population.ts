import {
  AGE_BANDS,
  type AgeBand,
  ageBandOf,
  type ErrorCode,
  type ErrorParams,
  fileFaultReason,
  IMPORT_MAX_COLUMNS,
  nameSearchKey,
  type PopulationSource,
  type StatsLevel,
  uuidv7,
} from '@tiemchung/core';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import type ExcelJS from '../../lib/exceljs.js';
import { bufferFile, firstSheetRows, XlsxFileError } from '../../lib/xlsx-rows.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { listUnits, unitMap2025 } from '../units/units.service.js';

/**
 * The denominators (issue 15, deliverable 2): population per unit, sex and age band, imported from
 * a CSV or XLSX file (format: docs/population-import.md) with its source and year, and stored
 * rolled up to every level of both unit schemes, so that coverage anywhere is one indexed read.
 *
 * Roll-up rules:
 * - a 2021 commune row counts in its commune, district, province and the nation, and through the
 *   official mapping (`unitMap2025`, core's `primarySplit`) in its 2025 commune and province — the
 *   same rule the numerators (doses, people) follow; a district or province row counts in its own
 *   2021 levels, the nation and its 2025 province (a district cannot be split into 2025 communes);
 * - a 2025 row counts in its 2025 commune and province and the nation only: a 2025 unit cannot be
 *   split back into 2021 districts or communes, so a 2025 file leaves the 2021 levels below the
 *   nation without population;
 * - one file uses one scheme (rows of both would count the same people twice in the nation);
 * - the finest level given wins: a row of a unit with finer rows of the same file inside it (a
 *   province total beside its communes) is not added but checked — it must equal the sum of the
 *   finer rows for its sex and ages (`population_total_mismatch` otherwise). A file may give one
 *   province by commune and another by province total.
 */

/** A unit's population: in all, by sex and by age band. */
export interface PopulationCells {
  total: number;
  bySex: Record<'male' | 'female', number>;
  byAgeBand: Record<AgeBand, number>;
}

/** The population import in use (the latest active one), or null when none was imported. */
export async function activePopulationSource(db: Executor): Promise<PopulationSource | null> {
  const row = await db
    .selectFrom('stats_population_imports')
    .selectAll()
    .where('active', '=', true)
    .orderBy('imported_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? presentSource(row) : null;
}

function presentSource(row: {
  id: string;
  source: string;
  year: number;
  rows: number;
  imported_at: Date | string;
  imported_by: string | null;
}): PopulationSource {
  return {
    id: row.id,
    source: row.source,
    year: row.year,
    rows: row.rows,
    importedAt: new Date(row.imported_at).toISOString(),
    importedBy: row.imported_by,
  };
}

/** Every population import, newest first (the active one is the first). */
export async function populationSources(db: Executor): Promise<PopulationSource[]> {
  const rows = await db
    .selectFrom('stats_population_imports')
    .selectAll()
    .orderBy('imported_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(presentSource);
}

/**
 * The population of these units of one level (both schemes' levels: the import rolls every row up
 * to all of them), from the import in use. Units without figures are absent from the map.
 */
export async function populationOf(
  db: Executor,
  level: StatsLevel,
  codes: readonly string[],
): Promise<Map<string, PopulationCells>> {
  const source = await activePopulationSource(db);
  if (!source || codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('stats_population')
    .select(['unit_code', 'sex', 'age_band', 'n'])
    .where('import_id', '=', source.id)
    .where('level', '=', level)
    .where('unit_code', 'in', codes)
    .execute();
  const out = new Map<string, PopulationCells>();
  for (const r of rows) {
    let cells = out.get(r.unit_code);
    if (!cells) {
      cells = {
        total: 0,
        bySex: { male: 0, female: 0 },
        byAgeBand: Object.fromEntries(AGE_BANDS.map((b) => [b, 0])) as Record<AgeBand, number>,
      };
      out.set(r.unit_code, cells);
    }
    const n = Number(r.n);
    cells.total += n;
    if (r.sex === 'male' || r.sex === 'female') cells.bySex[r.sex] += n;
    if ((AGE_BANDS as readonly string[]).includes(r.age_band)) cells.byAgeBand[r.age_band as AgeBand] += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the file: records (row number as a spreadsheet shows it, cells as text)
// ---------------------------------------------------------------------------------------------

/** One record of the file: its row number (the first row is 1) and its cells as text. */
export interface FileRecord {
  readonly row: number;
  readonly cells: readonly string[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** The OLE2 compound file signature: an old Excel .xls (or another Office 97–2003 document). */
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * The records of a population file, CSV or XLSX (told apart by their first bytes, not by a name;
 * an old Excel .xls is refused, with the advice to save it as .xlsx or CSV UTF-8). A CSV is read as
 * it arrives — UTF-8 with or without a BOM (UTF-16 with its BOM too), `,` `;` or tab as the
 * separator (told from the first 10 lines: the header's, below a title too — see
 * {@link sniffDelimiter}), CRLF, LF or CR line ends, quoted fields with `""`; an XLSX is read from its first
 * worksheet, each cell as the spreadsheet shows it (columns A to IV: core's IMPORT_MAX_COLUMNS).
 */
export async function* populationFileRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<FileRecord> {
  const it = chunks[Symbol.asyncIterator]();
  let first: Buffer = Buffer.alloc(0);
  // Enough bytes to tell the format apart.
  while (first.length < OLE2_SIGNATURE.length) {
    const next = await it.next();
    if (next.done) break;
    first = Buffer.concat([first, next.value]);
  }
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  if (first.subarray(0, OLE2_SIGNATURE.length).equals(OLE2_SIGNATURE))
    throw new AppError('population_file_unreadable', {
      field: 'file',
      params: { reason: fileFaultReason('xls_old_format') },
    });
  if (first.subarray(0, 4).equals(ZIP_MAGIC)) {
    const parts = [first];
    for await (const c of rest) parts.push(c);
    yield* xlsxRecords(Buffer.concat(parts));
    return;
  }
  const utf16 = first[0] === 0xff && first[1] === 0xfe;
  const decoder = new TextDecoder(utf16 ? 'utf-16le' : 'utf-8', { fatal: true });
  const tokenizer = new CsvTokenizer();
  const decode = (b: Buffer, stream: boolean) => {
    try {
      return decoder.decode(b, { stream });
    } catch {
      throw new AppError('population_file_unreadable', {
        field: 'file',
        params: { reason: fileFaultReason('csv_not_utf8') },
      });
    }
  };
  if (first.length) yield* tokenizer.push(decode(first, true));
  for await (const c of rest) yield* tokenizer.push(decode(c, true));
  yield* tokenizer.push(decode(Buffer.alloc(0), false));
  yield* tokenizer.end();
}

/** The lines the separator is told from: those the header may be in (a title above it is skipped). */
const SNIFF_LINES = 10;

/** A CSV tokenizer fed text as it arrives (RFC 4180, plus `;`/tab separators and a BOM). */
export class CsvTokenizer {
  #delimiter: string | null = null;
  #firstLines = new LineCounter(SNIFF_LINES);
  #pending = '';
  #field = '';
  #record: string[] = [];
  #state: 'field' | 'quoted' | 'quote' = 'field';
  #skipLf = false;
  #row = 0;
  #started = false;

  *push(text: string): Generator<FileRecord> {
    if (!this.#started) {
      this.#started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    if (this.#delimiter === null) {
      // Held until the first lines have arrived: the separator is told from them.
      this.#pending += text;
      if (!this.#firstLines.feed(text)) return;
      this.#delimiter = sniffDelimiter(this.#pending);
      text = this.#pending;
      this.#pending = '';
    }
    yield* this.#consume(text);
  }

  *end(): Generator<FileRecord> {
    if (this.#delimiter === null) {
      this.#delimiter = sniffDelimiter(this.#pending);
      const text = this.#pending;
      this.#pending = '';
      yield* this.#consume(text);
    }
    if (this.#state === 'quoted')
      throw new AppError('population_file_unreadable', {
        field: 'file',
        params: { reason: fileFaultReason('csv_unterminated_quote', { start: this.#field.slice(0, 40) }) },
      });
    if (this.#field !== '' || this.#record.length > 0) yield this.#endRecord();
  }

  *#consume(text: string): Generator<FileRecord> {
    const d = this.#delimiter as string;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.#skipLf) {
        this.#skipLf = false;
        if (ch === '\n') continue;
      }
      if (this.#state === 'quoted') {
        if (ch === '"') this.#state = 'quote';
        else this.#field += ch;
        continue;
      }
      if (this.#state === 'quote') {
        if (ch === '"') {
          this.#field += '"';
          this.#state = 'quoted';
          continue;
        }
        this.#state = 'field';
      }
      if (ch === '"' && this.#field === '') this.#state = 'quoted';
      else if (ch === d) {
        this.#record.push(this.#field);
        this.#field = '';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') this.#skipLf = true;
        yield this.#endRecord();
      } else this.#field += ch;
    }
  }

  #endRecord(): FileRecord {
    this.#record.push(this.#field);
    const cells = this.#record;
    this.#record = [];
    this.#field = '';
    this.#state = 'field';
    this.#row++;
    return { row: this.#row, cells };
  }
}

/** Counts a CSV's lines as its text arrives (a line end inside quotes is not one; CRLF is one). */
class LineCounter {
  #lines = 0;
  #quoted = false;
  #afterCr = false;
  constructor(readonly wanted: number) {}

  /** Reads more of the text; true once `wanted` lines have ended. */
  feed(text: string): boolean {
    for (let i = 0; i < text.length && this.#lines < this.wanted; i++) {
      const ch = text[i];
      const afterCr = this.#afterCr;
      this.#afterCr = ch === '\r';
      if (ch === '"') this.#quoted = !this.#quoted;
      else if (!this.#quoted && (ch === '\r' || (ch === '\n' && !afterCr))) this.#lines++;
    }
    return this.#lines >= this.wanted;
  }
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * A CSV's separator, told from its first {@link SNIFF_LINES} lines (those the header may be in):
 * the one that makes one of them a header with the required columns — below a title too, whatever
 * separators the title has; else the one that the line with the most separators uses (on a tie
 * the earlier line's; within a line `,`, then `;`, then tab); `,` when there is none.
 */
function sniffDelimiter(text: string): string {
  let best: { delimiter: string; count: number } = { delimiter: ',', count: 0 };
  for (const line of firstLinesOf(text, SNIFF_LINES))
    for (const d of DELIMITERS) {
      const cells = splitLine(line, d);
      if (missingColumns(headerOf(cells)).length === 0) return d;
      if (cells.length - 1 > best.count) best = { delimiter: d, count: cells.length - 1 };
    }
  return best.delimiter;
}

/** The first `n` lines of a CSV's text (a line end inside quotes does not end one). */
function firstLinesOf(text: string, n: number): string[] {
  const lines: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length && lines.length < n; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\r' || ch === '\n')) {
      lines.push(text.slice(start, i));
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (lines.length < n && start < text.length) lines.push(text.slice(start));
  return lines;
}

/** A line's cells split at `d` outside quotes, unquoted. */
function splitLine(line: string, d: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === d && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * The records of an XLSX file's first sheet, through the guarded streaming reader of the bulk
 * import (lib/xlsx-rows.ts): a file whose parts inflate beyond what a workbook needs (a "ZIP bomb",
 * a cell of millions of characters) is refused as it is read, not loaded whole into memory first.
 */
async function* xlsxRecords(bytes: Buffer): AsyncGenerator<FileRecord> {
  try {
    for await (const { number, row, values } of firstSheetRows(bufferFile(bytes), undefined, 'first-with-data')) {
      const cells: string[] = [];
      // Only the cells the row has, found by the columns of its values (a sparse array: a row with
      // a cell in column XFD has 16,384 columns, two of them there; neither creating each nor
      // walking them all, as `getCell` up to `cellCount` or `eachCell` do), in the first columns.
      for (const key of Object.keys(values as object)) {
        const col = Number(key);
        if (!Number.isInteger(col) || col < 1 || col > IMPORT_MAX_COLUMNS) continue;
        const cell = row.findCell(col);
        // As the spreadsheet shows it: a code formatted "00000" keeps its leading zeros.
        if (cell && cell.value !== null && cell.value !== undefined) cells[col - 1] = cellText(cell);
      }
      const record = Array.from(cells, (c) => c ?? '');
      if (record.some((c) => c !== '')) yield { row: number, cells: record };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('population_file_unreadable', {
      field: 'file',
      params: { reason: err instanceof XlsxFileError ? err.reason : fileFaultReason('xlsx_damaged') },
    });
  }
}

function cellText(cell: ExcelJS.Cell): string {
  // A number shown with leading zeros by its format ("00000"): the code as the sheet shows it.
  const zeros = /^0+$/.exec(cell.numFmt ?? '');
  if (typeof cell.value === 'number' && zeros && Number.isInteger(cell.value))
    return String(cell.value).padStart(zeros[0].length, '0');
  try {
    return cell.text ?? '';
  } catch {
    return String(cell.value ?? '');
  }
}

// ---------------------------------------------------------------------------------------------
// Columns and values
// ---------------------------------------------------------------------------------------------

type Column =
  | 'unit'
  | 'unit2021'
  | 'unit2025'
  | 'province'
  | 'district'
  | 'commune'
  | 'province2025'
  | 'commune2025'
  | 'scheme'
  | 'sex'
  | 'age'
  | 'population';

/**
 * The header names each column is known by (compared without diacritics, case, spaces or
 * punctuation, and without a part in parentheses: "Dân số (người)" is `dan_so`).
 */
export const POPULATION_COLUMNS: Readonly<Record<Column, readonly string[]>> = {
  unit: ['unit_code', 'code', 'unit', 'ma_don_vi', 'ma_dvhc', 'ma_don_vi_hanh_chinh', 'ma'],
  unit2021: ['unit_code_2021', 'code_2021', 'ma_don_vi_2021', 'ma_dvhc_2021', 'ma_2021'],
  unit2025: ['unit_code_2025', 'code_2025', 'ma_don_vi_2025', 'ma_dvhc_2025', 'ma_2025'],
  province: ['province_code', 'province', 'ma_tinh', 'ma_tinh_thanh_pho', 'ma_tinh_tp'],
  district: ['district_code', 'district', 'ma_huyen', 'ma_quan_huyen'],
  commune: ['commune_code', 'commune', 'ma_xa', 'ma_xa_phuong', 'ma_phuong_xa'],
  province2025: ['province_code_2025', 'ma_tinh_2025'],
  commune2025: ['commune_code_2025', 'ma_xa_2025'],
  scheme: ['scheme', 'unit_scheme', 'danh_muc', 'he_don_vi', 'nam_danh_muc'],
  sex: ['sex', 'gender', 'gioi_tinh', 'gioi'],
  age: ['age_band', 'age', 'age_group', 'ages', 'nhom_tuoi', 'do_tuoi', 'tuoi', 'nhom_do_tuoi'],
  population: ['population', 'n', 'count', 'dan_so', 'so_dan', 'so_nguoi', 'so_luong'],
};

/** The words the problems name a column by (the answer's `field`). */
const FIELD: Record<Column, string> = {
  unit: 'unitCode',
  unit2021: 'unitCode',
  unit2025: 'unitCode',
  province: 'unitCode',
  district: 'unitCode',
  commune: 'unitCode',
  province2025: 'unitCode',
  commune2025: 'unitCode',
  scheme: 'scheme',
  sex: 'sex',
  age: 'ageBand',
  population: 'population',
};

function headerKey(h: string): string {
  return nameSearchKey(h.replace(/\([^)]*\)/g, ' '))
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

type Header = Partial<Record<Column, number>>;

function headerOf(cells: readonly string[]): Header {
  const header: Header = {};
  cells.forEach((cell, i) => {
    const key = headerKey(cell);
    for (const [col, names] of Object.entries(POPULATION_COLUMNS) as [Column, readonly string[]][])
      if (names.includes(key) && header[col] === undefined) header[col] = i;
  });
  return header;
}

const UNIT_COLUMNS: readonly Column[] = [
  'unit',
  'unit2021',
  'unit2025',
  'province',
  'district',
  'commune',
  'province2025',
  'commune2025',
];

function missingColumns(h: Header): string[] {
  const missing: string[] = [];
  if (!UNIT_COLUMNS.some((c) => h[c] !== undefined)) missing.push('unit_code / ma_don_vi');
  if (h.sex === undefined) missing.push('sex / gioi_tinh');
  if (h.age === undefined) missing.push('age_band / nhom_tuoi');
  if (h.population === undefined) missing.push('population / dan_so');
  return missing;
}

/** `male`/`female` from Nam/Nữ, male/female, M/F, 1/2. */
export function parseSex(text: string): 'male' | 'female' | null {
  const k = nameSearchKey(text);
  if (['nam', 'male', 'm', '1', 'men'].includes(k)) return 'male';
  if (['nu', 'female', 'f', '2', 'women'].includes(k)) return 'female';
  return null;
}

/** Lower case without diacritics (đ → d), punctuation kept. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().trim();
}

/** Oldest age a file may name (an open band ends here). */
const MAX_AGE = 150;

/**
 * The ages a cell names, inclusive: a programme band (`18-49`, `65+`, their labels "Dưới 5 tuổi",
 * "Từ 65 tuổi"), a single age (`37`), a range (`20-24`, `20 – 24 tuổi`), an open range (`80+`,
 * "80 trở lên", "from 80"), "under 5"/"dưới 5". Null when it is none of them.
 */
export function parseAges(text: string): { from: number; to: number } | null {
  const k = plain(text.replace(/[–—]/g, '-'))
    .replace(/\b(tuoi|years?|yrs?|old)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let m = /^(\d{1,3})$/.exec(k);
  if (m) return { from: Number(m[1]), to: Number(m[1]) };
  m = /^(?:tu |from )?(\d{1,3}) ?(?:-|den|to) ?(\d{1,3})$/.exec(k);
  if (m) return { from: Number(m[1]), to: Number(m[2]) };
  m = /^(?:tu |from |>= ?)?(\d{1,3}) ?(?:\+|tro len|and over|or over|and older|plus)$/.exec(k);
  if (m) return { from: Number(m[1]), to: MAX_AGE };
  m = /^(?:tu|from|>=) ?(\d{1,3})$/.exec(k);
  if (m) return { from: Number(m[1]), to: MAX_AGE };
  m = /^(?:duoi|under|<) ?(\d{1,3})$/.exec(k);
  if (m && Number(m[1]) > 0) return { from: 0, to: Number(m[1]) - 1 };
  return null;
}

/** A count: digits, with `.`, `,`, space or no-break space between thousands. */
export function parseCount(text: string): number | null {
  const t = text.trim();
  let digits: string | null = null;
  if (/^\d+$/.test(t)) digits = t;
  else if (/^\d{1,3}([.,\s\u00a0\u202f]\d{3})+$/.test(t)) digits = t.replace(/\D/g, '');
  else if (/^\d+\.0+$/.test(t)) digits = t.replace(/\.0+$/, '');
  if (digits === null) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Checking the rows against the unit lists, rolling them up
// ---------------------------------------------------------------------------------------------

/** One problem of the file: the row (as a spreadsheet numbers it), the column, the code and its message's values. */
export interface PopulationProblem {
  readonly row: number;
  readonly field: string;
  readonly code: ErrorCode;
  readonly params: Record<string, string | number>;
}

/** The first problems the answer lists (all are counted). */
const MAX_PROBLEMS = 100;

/** The most characters of a cell a problem repeats (its message and `params.value`). */
export const SHOWN_VALUE_CHARS = 100;

/**
 * A cell's value as a problem shows it: its first {@link SHOWN_VALUE_CHARS} characters and "…"
 * when it is longer — a cell of millions of characters is not echoed whole in the answer.
 */
export function shownValue(text: string): string {
  if (text.length <= SHOWN_VALUE_CHARS) return text;
  let head = text.slice(0, SHOWN_VALUE_CHARS);
  // Not half of a character written as a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

interface ParsedRow {
  readonly row: number;
  readonly scheme: '2021' | '2025';
  readonly code: string;
  /** Codes of the coarser units given on the same row (checked against the unit's own). */
  readonly province?: string | undefined;
  readonly district?: string | undefined;
  readonly sex: 'male' | 'female';
  readonly from: number;
  readonly to: number;
  readonly band: AgeBand;
  readonly n: number;
}

/** The problems of a file, collected (all rows are checked) and thrown at once. */
export class Problems {
  readonly list: PopulationProblem[] = [];
  count = 0;
  add(p: PopulationProblem) {
    this.count++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(p);
  }
  throwIfAny() {
    const first = this.list[0];
    if (!first) return;
    const sorted = [...this.list].sort((a, b) => a.row - b.row);
    // The first problem is the error; `problems` lists the first ones of the file in row order.
    throw new AppError(first.code as 'population_unit_invalid', {
      field: first.field,
      params: first.params as ErrorParams<'population_unit_invalid'>,
      extra: { problems: sorted, problemCount: this.count },
    });
  }
}

/** What a file holds once read: its rows, checked for form (not yet against the unit lists). */
export interface ReadPopulationFile {
  readonly rows: readonly ParsedRow[];
  readonly problems: Problems;
}

/** Reads every record into rows; a record's problems are collected, not thrown (all rows are checked). */
export async function readPopulationRows(records: AsyncIterable<FileRecord>): Promise<ReadPopulationFile> {
  const problems = new Problems();
  const rows: ParsedRow[] = [];
  let header: Header | null = null;
  let firstCells: readonly string[] | null = null;
  let headerScheme: '2021' | '2025' | null = null;
  let fileScheme: { scheme: '2021' | '2025'; row: number } | null = null;
  for await (const rec of records) {
    const blank = rec.cells.every((c) => c.trim() === '');
    if (blank) continue;
    if (!header) {
      const h = headerOf(rec.cells);
      firstCells ??= rec.cells;
      if (missingColumns(h).length === 0) {
        header = h;
        const has2025 = h.unit2025 !== undefined || h.province2025 !== undefined || h.commune2025 !== undefined;
        headerScheme = has2025 ? '2025' : h.unit2021 !== undefined ? '2021' : null;
        continue;
      }
      // A title above the header: look a little further down.
      if (rec.row > 10) break;
      continue;
    }
    const cell = (c: Column) => {
      const i = header?.[c];
      return i === undefined ? '' : (rec.cells[i] ?? '').trim();
    };
    const before = problems.count;
    const problem = (col: Column, code: ErrorCode, params: Record<string, string | number> = {}) => {
      if (typeof params.value === 'string') params.value = shownValue(params.value);
      problems.add({ row: rec.row, field: FIELD[col], code, params: { row: rec.row, ...params } });
    };

    // The scheme: the column's, else the header's, else 2021.
    let scheme: '2021' | '2025' = headerScheme ?? '2021';
    const schemeText = cell('scheme');
    if (schemeText) {
      const s = schemeText.replace(/\D/g, '');
      if (s !== '2021' && s !== '2025') problem('scheme', 'population_scheme_invalid', { value: schemeText });
      else if (headerScheme && s !== headerScheme)
        problem('scheme', 'population_scheme_invalid', { value: schemeText });
      else scheme = s;
    }
    if (fileScheme && fileScheme.scheme !== scheme && problems.count === before)
      problem('scheme', 'population_scheme_mixed', { scheme: fileScheme.scheme });
    fileScheme ??= { scheme, row: rec.row };

    // The unit: the code column's, else the finest of the province/district/commune columns.
    const generic = cell('unit') || cell('unit2021') || cell('unit2025');
    const commune = cell('commune') || cell('commune2025');
    const district = cell('district');
    const province = cell('province') || cell('province2025');
    const code = generic || commune || district || province;
    const codeCol: Column = generic ? 'unit' : commune ? 'commune' : district ? 'district' : 'province';
    const lengths = scheme === '2021' ? [2, 3, 5] : [2, 5];
    let unitOk = true;
    for (const [col, value] of [
      [codeCol, code],
      ['province', province],
      ['district', district],
    ] as [Column, string][]) {
      if (col !== codeCol && (!value || value === code)) continue;
      if (!/^\d+$/.test(value) || !lengths.includes(value.length)) {
        problem(col, 'population_unit_invalid', { value });
        unitOk = false;
        break;
      }
    }
    const sex = parseSex(cell('sex'));
    if (!sex) problem('sex', 'population_sex_invalid', { value: cell('sex') });
    const ages = parseAges(cell('age'));
    let band: AgeBand | null = null;
    if (!ages || ages.from > ages.to || ages.to > MAX_AGE)
      problem('age', 'population_age_invalid', { value: cell('age') });
    else if (ageBandOf(ages.from) !== ageBandOf(ages.to))
      problem('age', 'population_age_straddles', { value: cell('age') });
    else band = ageBandOf(ages.from);
    const n = parseCount(cell('population'));
    if (n === null) problem('population', 'population_count_invalid', { value: cell('population') });
    if (problems.count > before || !unitOk || !sex || !ages || !band || n === null) continue;
    rows.push({
      row: rec.row,
      scheme,
      code,
      province: province && province !== code ? province : undefined,
      district: district && district !== code ? district : undefined,
      sex,
      from: ages.from,
      to: Math.min(ages.to, MAX_AGE),
      band,
      n,
    });
  }
  if (!header) {
    throw new AppError('population_header_missing', {
      field: 'file',
      params: { columns: missingColumns(headerOf(firstCells ?? [])).join(', ') },
    });
  }
  if (rows.length === 0 && problems.count === 0) throw new AppError('population_file_empty', { field: 'file' });
  return { rows, problems };
}

const NATION = '';

/** The figures of one import at every level: `level \0 code \0 sex \0 band` → n. */
export type PopulationCube = Map<string, number>;
const cubeKey = (level: StatsLevel, code: string, sex: string, band: string) =>
  `${level}\u0000${code}\u0000${sex}\u0000${band}`;

interface UnitInfo {
  readonly level: 'province' | 'district' | 'commune';
  readonly province: string;
  readonly district: string | null;
}

/**
 * Checks the rows against the unit lists and rolls them up to every level of both schemes (see
 * the rules at the top of this file). Throws the file's problems, if any, all at once.
 */
export async function rollUpPopulation(db: Executor, file: ReadPopulationFile): Promise<PopulationCube> {
  const { rows, problems } = file;
  const scheme = rows[0]?.scheme ?? '2021';
  const units = new Map<string, UnitInfo>();
  for (const u of await listUnits(db, { scheme }))
    units.set(u.code, { level: u.level, province: u.province_code, district: u.district_code });
  const map = scheme === '2021' ? await unitMap2025(db) : null;

  // Each row's unit, known and consistent with the coarser codes on its row; overlaps.
  const known: { r: ParsedRow; u: UnitInfo }[] = [];
  const spans = new Map<string, { from: number; to: number; row: number }[]>();
  for (const r of rows) {
    const u = units.get(r.code);
    const expectedLevel = r.code.length === 2 ? 'province' : r.code.length === 3 ? 'district' : 'commune';
    if (!u || u.level !== expectedLevel) {
      problems.add({
        row: r.row,
        field: 'unitCode',
        code: 'population_unit_unknown',
        params: { row: r.row, value: r.code, scheme },
      });
      continue;
    }
    if ((r.province && r.province !== u.province) || (r.district && r.district !== u.district)) {
      problems.add({
        row: r.row,
        field: 'unitCode',
        code: 'population_unit_mismatch',
        params: { row: r.row, value: r.code },
      });
      continue;
    }
    const key = `${r.code}\u0000${r.sex}`;
    const list = spans.get(key) ?? [];
    const clash = list.find((s) => s.from <= r.to && r.from <= s.to);
    if (clash) {
      problems.add({
        row: r.row,
        field: 'ageBand',
        code: 'population_row_overlap',
        params: { row: r.row, other: clash.row },
      });
      continue;
    }
    list.push({ from: r.from, to: r.to, row: r.row });
    spans.set(key, list);
    known.push({ r, u });
  }

  // The finest level wins: a unit with finer rows inside it is a check, not a count.
  const withFiner = new Set<string>();
  for (const { u } of known) {
    if (u.level === 'province') continue;
    withFiner.add(u.province);
    if (u.level === 'commune' && u.district) withFiner.add(u.district);
  }
  const cube: PopulationCube = new Map();
  const add = (level: StatsLevel, code: string | null | undefined, r: ParsedRow) => {
    if (code === null || code === undefined) return;
    const k = cubeKey(level, code, r.sex, r.band);
    cube.set(k, (cube.get(k) ?? 0) + r.n);
  };
  const checks: { r: ParsedRow; level: StatsLevel }[] = [];
  for (const { r, u } of known) {
    if (withFiner.has(r.code)) {
      checks.push({ r, level: levelOf(scheme, u.level) });
      continue;
    }
    add('nation', NATION, r);
    if (scheme === '2025') {
      add('province2025', u.province, r);
      if (u.level === 'commune') add('commune2025', r.code, r);
      continue;
    }
    add('province', u.province, r);
    if (u.level !== 'province') add('district', u.district, r);
    if (u.level === 'commune') {
      add('commune', r.code, r);
      add('commune2025', map?.commune.get(r.code), r);
    }
    add('province2025', map?.province.get(u.province), r);
  }

  // Each check row (summed with the other rows of its unit, sex and band) equals the finer rows.
  const given = new Map<string, { n: number; row: number; code: string; level: StatsLevel }>();
  for (const { r, level } of checks) {
    const k = cubeKey(level, r.code, r.sex, r.band);
    const g = given.get(k) ?? { n: 0, row: r.row, code: r.code, level };
    g.n += r.n;
    given.set(k, g);
  }
  for (const [k, g] of given) {
    const sum = cube.get(k) ?? 0;
    if (sum !== g.n)
      problems.add({
        row: g.row,
        field: 'population',
        code: 'population_total_mismatch',
        params: { row: g.row, unit: g.code, given: g.n, sum },
      });
  }
  problems.throwIfAny();
  return cube;
}

function levelOf(scheme: '2021' | '2025', level: UnitInfo['level']): StatsLevel {
  if (scheme === '2025') return level === 'province' ? 'province2025' : 'commune2025';
  return level;
}

// ---------------------------------------------------------------------------------------------
// Storing an import
// ---------------------------------------------------------------------------------------------

/** Rows per insert statement (6 values a row). */
const INSERT_CHUNK = 2000;

/**
 * Checks a file read by {@link readPopulationRows} against the unit lists and stores it as the
 * import in use (the earlier ones stay, made inactive), audited, in the caller's transaction: all
 * of it or nothing. Answers the import.
 */
export async function importPopulation(
  trx: Trx,
  audit: AuditContext,
  input: { source: string; year: number; file: ReadPopulationFile; importedBy: string | null },
): Promise<PopulationSource> {
  const { file } = input;
  const cube = await rollUpPopulation(trx, file);
  const id = uuidv7();
  await trx
    .insertInto('stats_population_imports')
    .values({
      id,
      source: input.source,
      year: input.year,
      rows: file.rows.length,
      active: true,
      imported_by: input.importedBy,
    })
    .execute();
  const values = [...cube].map(([k, n]) => {
    const [level, unit_code, sex, age_band] = k.split('\u0000') as [string, string, string, string];
    return { import_id: id, level, unit_code, sex, age_band, n };
  });
  for (let i = 0; i < values.length; i += INSERT_CHUNK)
    await trx
      .insertInto('stats_population')
      .values(values.slice(i, i + INSERT_CHUNK))
      .execute();
  const before = await trx
    .updateTable('stats_population_imports')
    .set({ active: false })
    .where('active', '=', true)
    .where('id', '<>', id)
    .returning(['id'])
    .execute();
  const row = await trx
    .selectFrom('stats_population_imports')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const imported = presentSource(row);
  const nation = values.filter((v) => v.level === 'nation').reduce((s, v) => s + v.n, 0);
  await recordAudit(trx, audit, {
    action: 'population.import',
    entityType: 'population_import',
    entityId: id,
    before: before.length ? { active: before.map((b) => b.id) } : null,
    after: { source: imported.source, year: imported.year, rows: imported.rows, scheme: file.rows[0]?.scheme, nation },
  });
  return imported;
}

/** Chunks of a buffer as a stream gives them (a file already in memory: the demo population). */
export async function* bufferChunks(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/**
 * The demo population (bootstrap, demo mode): the file given, imported like any other — only when
 * no population import exists, so an operator's own is never replaced.
 */
export async function importDemoPopulation(
  trx: Trx,
  audit: AuditContext,
  demo: { bytes: Buffer; source: string; year: number },
): Promise<PopulationSource | null> {
  const existing = await trx.selectFrom('stats_population_imports').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const file = await readPopulationRows(populationFileRecords(bufferChunks(demo.bytes)));
  return importPopulation(trx, audit, { source: demo.source, year: demo.year, file, importedBy: null });
}
