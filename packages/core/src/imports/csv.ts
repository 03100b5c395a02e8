/**
 * CSV as spreadsheets and other systems write it, read as it arrives and written back. Pure (text
 * in, rows out; no streams, no Buffer), so the server, the command line and the browser share it:
 * the caller decodes bytes to text (a streaming UTF-8 decoder) and pushes the text in chunks of
 * any size, cut anywhere — inside a quoted field, between `\r` and `\n`, inside the BOM's line.
 *
 * What is read (RFC 4180 and the ways it is bent in practice):
 * - a UTF-8 byte-order mark at the start is dropped (Excel writes one);
 * - the separator is `,` or `;` (Excel in a Vietnamese or European locale writes `;`): the one
 *   appearing more often outside quotes on the first line that is not blank (`,` on a tie);
 * - rows end with CRLF, LF or a lone CR (old Mac exports);
 * - a field in double quotes may hold separators, line ends and `""` for one quote; a quote
 *   inside an unquoted field is an ordinary character, and characters after a closing quote are
 *   kept (`"ab"c` → `abc`), as Excel reads them;
 * - empty lines are skipped (a line of separators only is a row of empty cells, returned), but
 *   counted: each row comes with its number as a spreadsheet opening the file shows it (`pushRows`,
 *   `endRows`) — 1 for the first line, blank lines counted, a row whose quoted cell holds line ends
 *   one row;
 * - nothing is trimmed: a cell is given as written.
 *
 * Memory: the reader keeps only the row not yet complete (and, before the separator is known, the
 * first line); a row longer than `maxRowChars` — a quote never closed swallows the rest of the file
 * — throws {@link CsvError} instead of growing without end.
 */

/** The separators a file may use. */
export type CsvSeparator = ',' | ';';

/** Options of a {@link CsvReader}. */
export interface CsvReaderOptions {
  /** The separator, when known; detected from the first line otherwise. */
  readonly separator?: CsvSeparator;
  /** The most characters one row (or the first line, before the separator is known) may have; default 1,000,000. */
  readonly maxRowChars?: number;
}

/** A row of cells and its number as a spreadsheet shows it (1 = the file's first line). */
export interface CsvRow {
  readonly number: number;
  readonly cells: string[];
}

/** Why a CSV text cannot be read: a row too long (`csv_row_too_long`) or a quote never closed (`csv_unterminated_quote`). */
export class CsvError extends Error {
  constructor(
    readonly code: 'csv_row_too_long' | 'csv_unterminated_quote',
    message: string,
    /** What the clerk is told (reasons.ts, IMPORT_FILE_FAULTS): the limit, or how the cell starts. */
    readonly params: { readonly maxRowChars?: number; readonly start?: string } = {},
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: the field's end, or the first of `""`. */
const QUOTED_QUOTE = 3;

/**
 * Whether a character (or byte) ends a line as the reader counts lines: `\n`, or `\r` not followed
 * by `\n` (a CRLF is one line end, an old Mac file's lone `\r` one too). `next`: the character after it.
 */
export function isLineEnd(code: number, next: number | undefined): boolean {
  return code === LF || (code === CR && next !== LF);
}

/** The default of {@link CsvReaderOptions.maxRowChars}. */
export const CSV_MAX_ROW_CHARS = 1_000_000;

/**
 * An incremental CSV reader: `push` each chunk of text and take the rows it completed, then `end`
 * for the last row. `new CsvReader().push('a,b\r\n1,')` → `[['a', 'b']]`; `.push('2\n')` →
 * `[['1', '2']]`; `.end()` → `[]`.
 */
export class CsvReader {
  #sep: number | null;
  readonly #maxRowChars: number;
  /** The text received before the separator is known (at most the first non-blank line and its chunk's rest). */
  #head = '';
  /** Where the separator's detection is in the head, and what it has counted. */
  readonly #scan = { scanned: 0, inQuotes: false, fieldStart: true, blank: true, commas: 0, semicolons: 0 };
  #bomChecked = false;
  #state = FIELD_START;
  #field = '';
  #row: string[] = [];
  #rowChars = 0;
  #ended = false;
  /** Line ends read outside quotes, the LF of a CRLF not counted: the rows before the current one. */
  #lineEnds = 0;
  /** The last character of the text parsed so far (a CR before a chunk's first LF makes a CRLF). */
  #lastChar = -1;

  constructor(options: CsvReaderOptions = {}) {
    this.#sep = options.separator === undefined ? null : options.separator.charCodeAt(0);
    this.#maxRowChars = options.maxRowChars ?? CSV_MAX_ROW_CHARS;
  }

  /** The separator in use: the one given, the one detected, or null while the first line is incomplete. */
  get separator(): CsvSeparator | null {
    return this.#sep === null ? null : this.#sep === COMMA ? ',' : ';';
  }

  /** Reads a chunk; answers the rows it completed (possibly none). Throws CsvError on a row too long. */
  push(chunk: string): string[][] {
    return this.pushRows(chunk).map((r) => r.cells);
  }

  /** Ends the input; answers the last row when the text did not end with a line end. Throws CsvError on an unclosed quote. */
  end(): string[][] {
    return this.endRows().map((r) => r.cells);
  }

  /** As {@link push}, each row with its number. */
  pushRows(chunk: string): CsvRow[] {
    if (this.#ended) throw new Error('CsvReader: push after end');
    let text = chunk;
    if (!this.#bomChecked) {
      if (text.length === 0) return [];
      this.#bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRow[] = [];
    if (this.#sep === null) {
      this.#head += text;
      if (!this.#detect(false)) {
        if (this.#head.length > this.#maxRowChars) this.#tooLong();
        return out;
      }
      text = this.#head;
      this.#head = '';
    }
    this.#parse(text, out);
    if (this.#rowChars + this.#field.length > this.#maxRowChars) this.#tooLong();
    return out;
  }

  /** As {@link end}, the row with its number. */
  endRows(): CsvRow[] {
    if (this.#ended) return [];
    const out: CsvRow[] = [];
    if (this.#sep === null) {
      this.#detect(true);
      const text = this.#head;
      this.#head = '';
      this.#parse(text, out);
    }
    this.#ended = true;
    if (this.#state === QUOTED) {
      const start = `${this.#field.slice(0, 40)}${this.#field.length > 40 ? '…' : ''}`;
      throw new CsvError('csv_unterminated_quote', `a quoted field is never closed (it starts "${start}")`, { start });
    }
    if (this.#state !== FIELD_START || this.#row.length > 0) {
      this.#endField();
      this.#endRow(out);
    }
    return out;
  }

  #tooLong(): never {
    throw new CsvError(
      'csv_row_too_long',
      `a row is longer than ${this.#maxRowChars} characters (is a quote left open?)`,
      { maxRowChars: this.#maxRowChars },
    );
  }

  /**
   * Scans the head for the end of its first non-blank line (outside quotes), counting the commas
   * and semicolons outside quotes on it, and sets the separator from them once the line is whole
   * — or at the end of the input, from what there is. A quote opens a quoted part only at the
   * start of a field, as in the reader.
   */
  #detect(atEnd: boolean): boolean {
    const s = this.#head;
    const d = this.#scan;
    let i = d.scanned;
    let lineDone = false;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (d.inQuotes) {
        if (c === QUOTE) {
          // `""` or the closing quote: wait for the next character.
          if (i + 1 >= s.length && !atEnd) break;
          if (s.charCodeAt(i + 1) === QUOTE) i++;
          else d.inQuotes = false;
        }
        continue;
      }
      if (c === CR || c === LF) {
        if (d.blank) continue;
        lineDone = true;
        break;
      }
      d.blank = false;
      if (c === QUOTE) {
        if (d.fieldStart) d.inQuotes = true;
        d.fieldStart = false;
      } else if (c === COMMA || c === SEMICOLON) {
        if (c === COMMA) d.commas++;
        else d.semicolons++;
        d.fieldStart = true;
      } else {
        d.fieldStart = false;
      }
    }
    d.scanned = i;
    if (!lineDone && !atEnd) return false;
    this.#sep = d.semicolons > d.commas ? SEMICOLON : COMMA;
    return true;
  }

  #endField(): void {
    this.#rowChars += this.#field.length;
    this.#row.push(this.#field);
    this.#field = '';
  }

  #endRow(out: CsvRow[]): void {
    out.push({ number: this.#lineEnds + 1, cells: this.#row });
    this.#row = [];
    this.#rowChars = 0;
    this.#state = FIELD_START;
  }

  /**
   * A line end (CR or LF) at `at` in `s` ends the row. A blank line is skipped — which also skips
   * the LF of a CRLF, wherever the chunk was cut: after the CR the row is empty, so its LF is a
   * blank line — and counted, unless it is that LF.
   */
  #lineEnd(out: CsvRow[], s: string, at: number): void {
    if (this.#row.length > 0 || this.#state !== FIELD_START) {
      this.#endField();
      this.#endRow(out);
    }
    const previous = at > 0 ? s.charCodeAt(at - 1) : this.#lastChar;
    if (!(s.charCodeAt(at) === LF && previous === CR)) this.#lineEnds++;
  }

  #parse(s: string, out: CsvRow[]): void {
    if (s.length) this.#parseText(s, out);
    if (s.length) this.#lastChar = s.charCodeAt(s.length - 1);
  }

  #parseText(s: string, out: CsvRow[]): void {
    const sep = this.#sep!;
    const n = s.length;
    let i = 0;
    while (i < n) {
      switch (this.#state) {
        case FIELD_START: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            this.#state = QUOTED;
            i++;
          } else if (c === sep) {
            this.#endField();
            i++;
          } else if (c === CR || c === LF) {
            this.#lineEnd(out, s, i);
            i++;
          } else {
            this.#state = UNQUOTED;
          }
          break;
        }
        case UNQUOTED: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = s.charCodeAt(j);
            if (c === sep || c === CR || c === LF) break;
            j++;
          }
          this.#field += s.slice(i, j);
          if (j === n) {
            i = n;
          } else if (c === sep) {
            this.#endField();
            this.#state = FIELD_START;
            i = j + 1;
          } else {
            this.#lineEnd(out, s, j);
            i = j + 1;
          }
          break;
        }
        case QUOTED: {
          const q = s.indexOf('"', i);
          if (q < 0) {
            this.#field += s.slice(i);
            i = n;
          } else {
            this.#field += s.slice(i, q);
            this.#state = QUOTED_QUOTE;
            i = q + 1;
          }
          break;
        }
        default: {
          // QUOTED_QUOTE
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            this.#field += '"';
            this.#state = QUOTED;
            i++;
          } else if (c === sep) {
            this.#endField();
            this.#state = FIELD_START;
            i++;
          } else if (c === CR || c === LF) {
            this.#lineEnd(out, s, i);
            i++;
          } else {
            // `"ab"c`: the rest of the field is read as written.
            this.#state = UNQUOTED;
          }
        }
      }
    }
  }
}

const NEEDS_QUOTES = /[",;\r\n]|^\uFEFF/;

/**
 * One CSV line (without its line end) of these cells: a cell is quoted, its quotes doubled, when
 * it holds a quote, a line end, or either separator (so that the reader's detection cannot take a
 * cell's `;` for the separator); a row of one empty cell is `""` (an empty line would be skipped).
 * {@link CsvReader} reads the line back to the same cells.
 */
export function toCsvLine(cells: readonly string[], separator: CsvSeparator = ','): string {
  if (cells.length === 1 && cells[0] === '') return '""';
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (i > 0) line += separator;
    line += NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  }
  return line;
}
