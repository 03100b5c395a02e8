/**
 * A guard on the XML of one part of an XLSX file, between the ZIP's inflater and exceljs's SAX
 * parser: it passes the bytes on unchanged, and stops the stream with an error as soon as the part
 * holds more than a reader should ever buffer.
 *
 * A SAX parser keeps a text between two tags, or a tag with its attributes, whole until it ends;
 * exceljs keeps a row's cells until the row ends, and the shared strings, styles and workbook
 * parts whole. A small ZIP inflates to any size (one cell of 150 MB in a 150 KB file, or 400 MB of
 * spaces), so without a bound one upload could fill the server's memory. The guard counts the
 * characters (Unicode code points of the UTF-8 bytes) as the bytes pass — from each `<` to the
 * next, in each row of the sheet, in the sheet outside its rows, in each part kept whole — and
 * fails the stream before the parser is given the chunk that goes over a limit: what the parser
 * has buffered stays below it.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** The most characters of each kind a part may hold ({@link XLSX_PART_LIMITS}). */
export interface XmlPartLimits {
  /**
   * From a `<` to the next: a tag with its attributes and the text after it (a cell's text is one
   * such text). Excel holds at most 32,767 characters in a cell; its XML escapes (`&amp;`,
   * `&#7879;`) may take several characters for one.
   */
  readonly tokenChars: number;
  /** One row of the sheet, from its `<row` to its `</row>` (markup included). */
  readonly rowChars: number;
  /** The sheet outside its rows (its columns, merged cells, conditional formats…), all together. */
  readonly sheetOutsideRowsChars: number;
  /** The shared strings part, which exceljs keeps in memory whole. */
  readonly sharedStringsChars: number;
  /** Each other part read (relationships, workbook, styles), kept in memory whole. */
  readonly otherPartChars: number;
  /** The start tags of each other part: exceljs keeps an object for each (≈ 190 bytes for a style's `<xf/>`). */
  readonly otherPartTags: number;
}

/**
 * The limits the import's reader applies. Measured on exceljs 4.4 (2026-12-03): its cache of the
 * shared strings takes 0.7–3.1 bytes of memory a character of their XML (at most ≈ 200 MB under
 * this limit), its styles up to 37 bytes a character of `<xf/>` (≈ 75 MB under the tags' limit).
 * The 200,000-row file of the import benchmark, with shared strings, has 7.2 million characters
 * of them, rows of at most 417 characters and no more than 327 characters from a `<` to the next.
 */
export const XLSX_PART_LIMITS: XmlPartLimits = Object.freeze({
  tokenChars: 200_000,
  rowChars: 1_000_000,
  sheetOutsideRowsChars: 32_000_000,
  sharedStringsChars: 64_000_000,
  otherPartChars: 32_000_000,
  otherPartTags: 400_000,
});

/** How a part is bounded: the sheet is streamed (its rows and what lies outside them are), the others are kept whole. */
export type XmlPartKind = 'sheet' | 'sharedStrings' | 'other';

/** Which limit a part went over, and that limit. */
export interface XmlPartOverflow {
  readonly limit: keyof XmlPartLimits;
  readonly max: number;
  /** The part's path in the ZIP, e.g. `xl/worksheets/sheet1.xml`. */
  readonly part: string;
}

const LT = 0x3c; // <
const SLASH = 0x2f; // /
const BANG = 0x21; // !
const QUESTION = 0x3f; // ?

/** The tag names the sheet's scanner looks for: a row starts; a row ends, or the rows do. */
const ROW = Buffer.from('row');
const ROW_END = Buffer.from('/row');
const SHEET_DATA_END = Buffer.from('/sheetData');
const R = 0x72; // r

const ROW_STARTS = 1;
const ROW_ENDS = 2;
/** The tag's name goes on past the bytes at hand. */
const UNDECIDED = -1;

/** A byte that ends a tag's name: whitespace, `/` or `>`. */
function endsName(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === SLASH || b === 0x3e;
}

/** Whether `buf` from `at` (just after a `<`) is the name `name`, whole: 1 yes, 0 no, UNDECIDED. */
function isName(buf: Buffer, at: number, name: Buffer): number {
  for (let k = 0; k <= name.length; k++) {
    if (at + k >= buf.length) return UNDECIDED;
    const b = buf[at + k]!;
    if (k === name.length) return endsName(b) ? 1 : 0;
    if (b !== name[k]) return 0;
  }
  return 0;
}

/** What the tag whose name starts at `at` in `buf` does: ROW_STARTS, ROW_ENDS, 0 (neither) or UNDECIDED. */
function tagAt(buf: Buffer, at: number): number {
  if (at >= buf.length) return UNDECIDED;
  const first = buf[at]!;
  if (first === R) {
    const row = isName(buf, at, ROW);
    return row === 1 ? ROW_STARTS : row;
  }
  if (first !== SLASH) return 0;
  if (at + 1 >= buf.length) return UNDECIDED;
  const end = isName(buf, at, buf[at + 1] === R ? ROW_END : SHEET_DATA_END);
  return end === 1 ? ROW_ENDS : end;
}

/**
 * Passes a part's XML through unchanged, counting as it goes; errors with `overflow(…)`'s error,
 * the chunk that went over a limit withheld, when the part holds more than `limits` allow.
 *
 * A token is counted from a `<` to the next `<` — a tag and the text after it, which is all a SAX
 * parser buffers at once, since XML allows no raw `<` in a text or an attribute value. A comment
 * or CDATA section may hold `<`, and its characters are then counted in pieces; the row's, the
 * sheet's and the part's limits still bound it.
 */
export class XmlPartGuard extends Transform {
  readonly #part: string;
  readonly #kind: XmlPartKind;
  readonly #limits: XmlPartLimits;
  readonly #overflow: (o: XmlPartOverflow) => Error;
  /** The characters since the last `<` (the token being read). */
  #token = 0;
  /** The part's characters (a part kept whole). */
  #total = 0;
  /** The part's start tags (a part kept whole other than the shared strings). */
  #tags = 0;
  /** The characters of the sheet's row being read, from its `<row`. */
  #row = 0;
  #inRow = false;
  /** The sheet's characters outside its rows. */
  #outsideRows = 0;
  /** A part kept whole: its last chunk ended with a `<`. */
  #endsWithLt = false;
  /** The sheet: the start of a tag's name that the last chunk cut, read with the next one. */
  #pendingName: Buffer | null = null;

  constructor(part: string, kind: XmlPartKind, limits: XmlPartLimits, overflow: (o: XmlPartOverflow) => Error) {
    super();
    this.#part = part;
    this.#kind = kind;
    this.#limits = limits;
    this.#overflow = overflow;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const over = this.#kind === 'sheet' ? this.#scanSheet(chunk) : this.#scanWhole(chunk);
    if (over) callback(this.#overflow({ limit: over, max: this.#limits[over], part: this.#part }));
    else callback(null, chunk);
  }

  /**
   * A chunk of a part kept whole: its tokens, characters and start tags. The loops work on locals,
   * written back at the end (a private field read for each byte of an 80 MB part costs more than
   * the rest of the loop).
   */
  #scanWhole(bytes: Buffer): keyof XmlPartLimits | null {
    const { tokenChars, otherPartTags } = this.#limits;
    const shared = this.#kind === 'sharedStrings';
    const maxTotal = shared ? this.#limits.sharedStringsChars : this.#limits.otherPartChars;
    let token = this.#token;
    let total = this.#total;
    let tags = this.#tags;
    // The byte after a `<` decides whether a start tag opens (the `<` may end the last chunk).
    let afterLt = this.#endsWithLt;
    let over: keyof XmlPartLimits | null = null;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (afterLt) {
        afterLt = false;
        if (!shared && b !== SLASH && b !== BANG && b !== QUESTION && ++tags > otherPartTags) {
          over = 'otherPartTags';
          break;
        }
      }
      if (b === LT) {
        token = 0;
        afterLt = true;
      }
      // Every byte but a UTF-8 continuation byte starts a character.
      if ((b & 0xc0) !== 0x80) {
        if (++token > tokenChars) {
          over = 'tokenChars';
          break;
        }
        if (++total > maxTotal) {
          over = shared ? 'sharedStringsChars' : 'otherPartChars';
          break;
        }
      }
    }
    this.#token = token;
    this.#total = total;
    this.#tags = tags;
    this.#endsWithLt = afterLt;
    return over;
  }

  /**
   * A chunk of the sheet: its tokens, and its characters inside and outside its rows. A row starts
   * at the `<` of its `<row` (once the name is read, when the chunk cut it) and ends at its `</row>`
   * or at `</sheetData>` (a row written `<row …/>` has no end tag).
   */
  #scanSheet(bytes: Buffer): keyof XmlPartLimits | null {
    const { tokenChars, rowChars, sheetOutsideRowsChars } = this.#limits;
    let token = this.#token;
    let row = this.#row;
    let inRow = this.#inRow;
    let outsideRows = this.#outsideRows;
    let over: keyof XmlPartLimits | null = null;
    if (this.#pendingName) {
      const head = Buffer.concat([this.#pendingName, bytes.subarray(0, SHEET_DATA_END.length + 1)]);
      const tag = tagAt(head, 0);
      this.#pendingName = tag === UNDECIDED ? head : null;
      if (tag === ROW_STARTS) {
        inRow = true;
        row = 0;
      } else if (tag === ROW_ENDS) inRow = false;
    }
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === LT) {
        token = 0;
        const tag = tagAt(bytes, i + 1);
        if (tag === ROW_STARTS) {
          inRow = true;
          row = 0;
        } else if (tag === ROW_ENDS) inRow = false;
        else if (tag === UNDECIDED) this.#pendingName = Buffer.from(bytes.subarray(i + 1));
      }
      // Every byte but a UTF-8 continuation byte starts a character.
      if ((b & 0xc0) !== 0x80) {
        if (++token > tokenChars) {
          over = 'tokenChars';
          break;
        }
        if (inRow) {
          if (++row > rowChars) {
            over = 'rowChars';
            break;
          }
        } else if (++outsideRows > sheetOutsideRowsChars) {
          over = 'sheetOutsideRowsChars';
          break;
        }
      }
    }
    this.#token = token;
    this.#row = row;
    this.#inRow = inRow;
    this.#outsideRows = outsideRows;
    return over;
  }
}
