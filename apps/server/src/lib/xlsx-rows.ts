/**
 * The rows of an XLSX file's first sheet, streaming, its parts found through the ZIP's central
 * directory.
 *
 * exceljs 4.4's streaming reader (`WorkbookReader`) walks the ZIP from front to back (unzipper's
 * `Parse`). A sheet that comes before the shared strings (exceljs itself writes files so, the
 * workbook part last) is copied to a temporary file and read after the walk — and now and then the
 * walk ends right after that copy, the workbook part never read: "Cannot read properties of
 * undefined (reading 'sheets')" (2 of 300 reads of a four-row file here; an import failed so under
 * load in a test run). Here the parts are read in the order the sheet needs them — the
 * relationships, the workbook, the shared strings, the styles, then the sheet itself, inflated as
 * it is read — each from its own offset (unzipper's `Open.custom`), with exceljs's own readers of
 * each part (`WorkbookReader`'s `_parse…` methods and its `WorksheetReader`). No walk, no temporary
 * copy; memory holds the shared strings (as exceljs's reader does) and a chunk of the sheet.
 *
 * Every part's XML goes through an {@link XmlPartGuard} on its way from the inflater to exceljs: a
 * cell (or any text, tag or comment) longer than 200,000 characters, a row of the sheet longer than
 * 1,000,000, a part kept whole that is larger than a workbook ever needs, fails the file with an
 * XlsxFileError before the parser has buffered it — however far the ZIP inflates.
 */
import { createRequire } from 'node:module';
import { pipeline, Readable } from 'node:stream';
import { fileFaultReason, type Localized, localizedNumber } from '@tiemchung/core';
import ExcelJS from './exceljs.js';
import {
  XLSX_PART_LIMITS,
  XmlPartGuard,
  type XmlPartKind,
  type XmlPartLimits,
  type XmlPartOverflow,
} from './xml-part-guard.js';

const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));

interface ZipEntry {
  readonly path: string;
  stream(): Readable;
}
/** exceljs's own rules for a date format and an Excel serial day, as its readers apply them to plain cells. */
const excelDates = fromExceljs('./lib/utils/utils') as {
  isDateFmt(numFmt: string | undefined): boolean;
  excelToDate(serial: number, date1904: boolean): Date;
};
const unzipper = fromExceljs('unzipper') as {
  Open: {
    custom(source: { size(): Promise<number>; stream(offset: number): Readable }): Promise<{ files: ZipEntry[] }>;
  };
};

/** A file read from any offset: its size, and its bytes from an offset to its end. */
export interface RandomAccessFile {
  readonly size: number;
  from(offset: number): AsyncIterable<Uint8Array>;
}

/** A file held in memory as one. */
export function bufferFile(bytes: Uint8Array): RandomAccessFile {
  return {
    size: bytes.length,
    async *from(offset) {
      yield bytes.subarray(offset);
    },
  };
}

/**
 * A file stored in chunks (the import's, in the database): the chunks' sizes in order, and a
 * chunk by its index, read only when an offset in it or before it is asked for.
 */
export function chunkedFile(sizes: readonly number[], chunk: (index: number) => Promise<Uint8Array>): RandomAccessFile {
  return {
    size: sizes.reduce((a, b) => a + b, 0),
    async *from(offset) {
      let start = 0;
      for (const [index, size] of sizes.entries()) {
        if (offset < start + size) yield (await chunk(index)).subarray(Math.max(0, offset - start));
        start += size;
      }
    },
  };
}

/** exceljs's WorkbookReader, as far as this reader drives it. */
interface PartsReader {
  model?: { sheets?: { rId: string }[] };
  properties?: { model?: { date1904?: boolean } };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<unknown>,
    sheetNo: string,
  ): Iterable<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

/** A row of the sheet: its number in the sheet, its values (exceljs's, index 0 unused), and exceljs's row (cells with their formats). */
export interface SheetRow {
  readonly number: number;
  readonly values: unknown;
  readonly row: ExcelJS.Row;
}

/**
 * Thrown for a file that is not a workbook this reader takes — not a whole ZIP, no sheet, a part over
 * the reader's limits ({@link XLSX_PART_LIMITS}): the file's fault.
 */
export class XlsxFileError extends Error {
  override readonly name = 'XlsxFileError';
  constructor(
    /** What the clerk is told (core's IMPORT_FILE_FAULTS). */
    readonly fault:
      | 'xlsx_not_zip'
      | 'xlsx_no_sheet'
      | 'xlsx_cell_too_long'
      | 'xlsx_row_too_long'
      | 'xlsx_too_large'
      | 'xlsx_damaged',
    message: string,
    /** The limit passed, in characters: of a cell's text, of a row, of a part. */
    readonly max?: number,
  ) {
    super(message);
  }

  /** What the clerk is told, in both languages (core's IMPORT_FILE_FAULTS, the limit filled in). */
  get reason(): Localized {
    const max = localizedNumber(this.max ?? 0);
    if (this.fault === 'xlsx_row_too_long') return fileFaultReason(this.fault, { maxRowChars: max });
    if (this.fault === 'xlsx_cell_too_long' || this.fault === 'xlsx_too_large')
      return fileFaultReason(this.fault, { maxChars: max });
    return fileFaultReason(this.fault);
  }
}

/** The reader's error for a part over one of its limits ({@link XmlPartGuard}). */
function overflowError({ limit, max, part }: XmlPartOverflow): XlsxFileError {
  switch (limit) {
    case 'tokenChars':
      return new XlsxFileError(
        'xlsx_cell_too_long',
        `${part} has a cell or other text longer than ${max} characters (Excel holds at most 32767 in a cell)`,
        max,
      );
    case 'rowChars':
      return new XlsxFileError('xlsx_row_too_long', `a row of the sheet is longer than ${max} characters`, max);
    case 'sheetOutsideRowsChars':
      return new XlsxFileError('xlsx_too_large', `the sheet holds more than ${max} characters outside its rows`, max);
    case 'sharedStringsChars':
    case 'otherPartChars':
      return new XlsxFileError('xlsx_too_large', `${part} is longer than ${max} characters`, max);
    case 'otherPartTags':
      return new XlsxFileError('xlsx_damaged', `${part} has more than ${max} tags`);
  }
}

/** A part's inflated XML, through a guard of `limits`: destroying it stops the inflater too. */
function guardedPart(entry: ZipEntry, kind: XmlPartKind, limits: XmlPartLimits): Readable {
  // The error reaches the reader through the guard's own stream; pipeline's callback has nothing to add.
  return pipeline(entry.stream(), new XmlPartGuard(entry.path, kind, limits, overflowError), () => {});
}

/**
 * Which sheet is read: the first tab; the first tab with a value in a cell; or the first tab whose
 * first row with a value `firstRow` takes (a header the caller knows) — the first tab whole when
 * none does, so that the caller refuses it in its own words.
 */
export type SheetChoice = 'first' | 'first-with-data' | { readonly firstRow: (row: SheetRow) => boolean };

/**
 * The first sheet's rows — the first tab as the workbook lists them, or another by `which`
 * ({@link SheetChoice}) — in order, each as exceljs's
 * streaming reader gives it (dates of date-formatted cells as Date, shared and rich text, formulas
 * with their results). A part over `limits` (tests give smaller ones) fails the read with an
 * XlsxFileError.
 */
export async function* firstSheetRows(
  file: RandomAccessFile,
  limits: XmlPartLimits = XLSX_PART_LIMITS,
  which: SheetChoice = 'first',
): AsyncGenerator<SheetRow> {
  await refuseCrowdedZip(file);
  // The file's bytes from an offset, for unzipper: it opens such a stream for the central directory
  // and one per part, pipes most of them without an error listener, and leaves them paused once it
  // has what it needs. A read that fails (a chunk of a job's file gone after the job ended, the
  // database unreachable) ends the stream short instead of emitting 'error' on it — an 'error'
  // nobody listens to ends the process — and is thrown from here; every stream still open is
  // destroyed when the rows are read or left, so none reads on afterwards.
  const opened = new Set<Readable>();
  const failure: { error?: unknown } = {};
  const source = {
    size: async () => file.size,
    stream: (offset: number) => {
      const stream = Readable.from(readsOrEnds(file.from(offset), failure), { objectMode: false });
      opened.add(stream);
      stream.once('close', () => opened.delete(stream));
      return stream;
    },
  };
  try {
    yield* sheetRowsOf(source, limits, which);
    if (failure.error !== undefined) throw failure.error;
  } catch (err) {
    throw failure.error ?? err;
  } finally {
    for (const stream of opened) stream.destroy();
  }
}

/** The chunks of `chunks`; a failing read ends them, its error kept in `failure`. */
async function* readsOrEnds(
  chunks: AsyncIterable<Uint8Array>,
  failure: { error?: unknown },
): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (err) {
    failure.error ??= err;
  }
}

/** The most parts (ZIP entries) a workbook may list: a real one has a few dozen. */
export const XLSX_MAX_ZIP_ENTRIES = 10_000;
/** The largest central directory read: room for that many entries with names of ~50 characters. */
export const XLSX_MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024;

/**
 * Refuses a ZIP whose central directory lists more than {@link XLSX_MAX_ZIP_ENTRIES} entries, or is
 * larger than {@link XLSX_MAX_ZIP_DIRECTORY_BYTES}, read from its end record before unzipper parses
 * (and holds) every entry of the directory: a probe's 36 MB file of 400,000 empty entries otherwise
 * took the directory whole into memory. The size is checked too because the end record counts
 * entries in 16 bits: a writer without ZIP64 wraps 400,004 round to 6,148. A file without an end
 * record is left to unzipper, which refuses it.
 */
async function refuseCrowdedZip(file: RandomAccessFile): Promise<void> {
  // The end record: 22 bytes, then a comment of at most 65,535.
  const start = Math.max(0, file.size - 22 - 0xffff);
  const parts: Uint8Array[] = [];
  let read = 0;
  for await (const chunk of file.from(start)) {
    parts.push(chunk);
    read += chunk.length;
    if (read >= file.size - start) break;
  }
  const tail = Buffer.concat(parts).subarray(0, file.size - start);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== 0x06054b50 || at + 22 + tail.readUInt16LE(at + 20) !== tail.length) continue;
    const entries = tail.readUInt16LE(at + 10);
    const directoryBytes = tail.readUInt32LE(at + 12);
    // 0xFFFF: a ZIP64 directory, which no workbook needs.
    if (entries > XLSX_MAX_ZIP_ENTRIES)
      throw new XlsxFileError(
        'xlsx_damaged',
        `the ZIP lists ${entries === 0xffff ? 'at least 65,535' : entries} parts; a workbook has a few dozen (at most ${XLSX_MAX_ZIP_ENTRIES} are read)`,
      );
    if (directoryBytes > XLSX_MAX_ZIP_DIRECTORY_BYTES)
      throw new XlsxFileError(
        'xlsx_damaged',
        `the ZIP's directory of parts is ${directoryBytes} bytes long; a workbook's takes a few kilobytes (at most ${XLSX_MAX_ZIP_DIRECTORY_BYTES} are read)`,
      );
    return;
  }
}

async function* sheetRowsOf(
  source: { size(): Promise<number>; stream(offset: number): Readable },
  limits: XmlPartLimits,
  which: SheetChoice,
): AsyncGenerator<SheetRow> {
  const directory = await unzipper.Open.custom(source).catch((err: unknown) => {
    // unzipper's words for a file cut short or not a ZIP at all (FILE_ENDED, a bad signature).
    throw new XlsxFileError(
      'xlsx_not_zip',
      `not a whole XLSX (ZIP) file: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const entry = (path: string) => directory.files.find((f) => f.path === path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as PartsReader;
  const rels = entry('xl/_rels/workbook.xml.rels');
  if (rels) await reader._parseRels(guardedPart(rels, 'other', limits));
  const workbook = entry('xl/workbook.xml');
  if (workbook) await reader._parseWorkbook(guardedPart(workbook, 'other', limits));
  // A workbook made on a Mac (Excel's 1904 date system): its serial days count from 1 January 1904.
  const date1904 = reader.properties?.model?.date1904 === true;
  const strings = entry('xl/sharedStrings.xml');
  if (strings) for await (const _ of reader._parseSharedStrings(guardedPart(strings, 'sharedStrings', limits)));
  const styles = entry('xl/styles.xml');
  if (styles) await reader._parseStyles(guardedPart(styles, 'other', limits));

  const numbered = directory.files
    .map((f) => /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(f.path))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  // The tabs in the workbook's order, through their relationships; then any sheet it does not list, by number.
  const targetOf = (rId: string) => reader.workbookRels?.find((r) => r.Id === rId)?.Target.replace(/^\/?(xl\/)?/, '');
  const listed = (reader.model?.sheets ?? [])
    .map((s) => numbered.find((m) => m[0] === `xl/${targetOf(s.rId)}`))
    .filter((m): m is RegExpExecArray => m !== undefined);
  const sheets = [...new Set([...listed, ...numbered])];
  if (!sheets.length) throw new XlsxFileError('xlsx_no_sheet', 'the workbook has no sheet');
  /** A sheet's rows from its first with a value (all of them with `all`); none when `take` refuses that row. */
  async function* rowsOf(sheet: RegExpExecArray, all: boolean, take?: (row: SheetRow) => boolean) {
    const stream = guardedPart(entry(sheet[0])!, 'sheet', limits);
    let taken = all;
    try {
      for (const event of reader._parseWorksheet(stream, sheet[1]!)) {
        if (event.eventType !== 'worksheet') continue;
        for await (const row of event.value) {
          formulaDates(row, date1904);
          const read: SheetRow = { number: row.number, values: row.values, row };
          if (!taken) {
            if (!row.hasValues) continue;
            if (take && !take(read)) return;
            taken = true;
          }
          yield read;
        }
        return;
      }
    } finally {
      // Left before the sheet's end (a job cancelled, a row that failed it): its reads stop here.
      stream.destroy();
    }
  }
  if (which === 'first') return yield* rowsOf(sheets[0]!, true);
  const take = which === 'first-with-data' ? undefined : which.firstRow;
  for (const sheet of sheets) {
    let any = false;
    for await (const row of rowsOf(sheet, false, take)) {
      any = true;
      yield row;
    }
    if (any) return;
  }
  // No sheet's first row is taken: the first sheet, whole, for the caller to refuse in its words.
  if (take) yield* rowsOf(sheets[0]!, true);
}

/**
 * A formula's result in a date-formatted cell as the day it shows: exceljs gives a plain cell's
 * serial as a Date (in the workbook's date system) but a formula's result as the bare serial, which
 * a reader would then count from 1900 — in a workbook of the 1904 system, 4 years and a day early
 * (`=DATE(1972,1,4)` read as 3 January 1968).
 */
function formulaDates(row: ExcelJS.Row, date1904: boolean): void {
  row.eachCell({ includeEmpty: false }, (cell) => {
    const value = cell.value as { formula?: unknown; result?: unknown } | null;
    if (value && typeof value === 'object' && 'formula' in value && typeof value.result === 'number')
      if (excelDates.isDateFmt(cell.numFmt))
        cell.value = { ...value, result: excelDates.excelToDate(value.result, date1904) } as typeof cell.value;
  });
}
