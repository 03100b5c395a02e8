import { deflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import {
  A4_PAGE,
  a4Fields,
  BAND,
  BLACK,
  CARD_PAGE,
  cardDoseLine,
  cardIssuerLine,
  cardPersonLines,
  certificateQr,
  DARK_GREY,
  DOCUMENT_INFO,
  DOSE_COLUMNS,
  doseCells,
  FONT_FILES,
  GREY,
  identifierLine,
  issuedLine,
  type Layout,
  type PageGeometry,
  QR_SIZE,
  TABLE_HEAD_FILL,
  TABLE_RULE,
  TEXTS,
} from './certificates.pdf-content.js';
import type { CertificateView } from './certificates.service.js';

/**
 * The certificate PDF written from a template (issue 19; BENCHMARKS.md, "PDFs"): what pdfkit
 * redid for every document — subsetting the fonts, compressing them, building the objects — is
 * done once per process, and a certificate costs only its page's content stream (its variable
 * text as glyph ids, and the QR code as rectangles), compressed, and a cross-reference table.
 *
 * The layouts follow pdfkit's (`certificates.pdf.ts`): the same texts, sizes, colours and
 * positions, with pdfkit's line heights, line breaking and kerning (not its ligatures), so that
 * every word lands where pdfkit puts it, within a tenth of a point. A certificate the template
 * cannot print as pdfkit would — a character outside the fonts' subset, or more than a page —
 * returns null, and the caller prints it with pdfkit.
 */

/** Why the template cannot print a certificate; caught in {@link templatePdf}, which returns null. */
class Unprintable extends Error {}

// ---------------------------------------------------------------------------------------------
// Fonts: subset once per process.

/** A character of a font's subset: its glyph id as a content stream writes it, and its advance (1/1000 em). */
interface Glyph {
  readonly hex: string;
  readonly advance: number;
}

/** A subset font as the layouts use it. */
interface SubsetFont {
  /** Its name in the pages' resources. */
  readonly resource: string;
  /** By UTF-16 code unit: every character of the subset is in the Basic Multilingual Plane. */
  readonly glyphs: ReadonlyMap<number, Glyph>;
  /** The adjustment between two characters (1/1000 em, negative closer), by {@link pairKey}; none when absent. */
  readonly kerning: ReadonlyMap<number, number>;
  /** 1/1000 em, from the baseline. */
  readonly ascender: number;
  /** Ascender to descender plus line gap, 1/1000 em: pdfkit's line height. */
  readonly lineHeight: number;
}

/**
 * fontkit 2's subset as it is (`@types/fontkit` declares `includeGlyph` as returning a boolean; it
 * returns the glyph's id in the subset, and `glyphs` lists the font's glyph ids in subset order).
 */
interface FontkitSubset {
  includeGlyph(glyph: number): number;
  encode(): Uint8Array;
  readonly glyphs: readonly number[];
}

/** fontkit's parsed GPOS table, the parts pair kerning reads (`@types/fontkit` leaves it out). */
interface Gpos {
  readonly featureList: readonly { readonly tag: string; readonly feature: { readonly lookupListIndexes: number[] } }[];
  readonly lookupList: LazyList<{ readonly lookupType: number; readonly subTables: readonly PairPos[] }>;
}
/** fontkit's lazily decoded array. */
interface LazyList<T> {
  get(index: number): T;
}
type Coverage =
  | { readonly version: 1; readonly glyphs: readonly number[] }
  | {
      readonly version: 2;
      readonly rangeRecords: readonly { start: number; end: number; startCoverageIndex: number }[];
    };
type ClassDef =
  | { readonly version: 1; readonly startGlyph: number; readonly classValueArray: readonly number[] }
  | { readonly version: 2; readonly classRangeRecord: readonly { start: number; end: number; class: number }[] };
interface PairValue {
  readonly value1: { readonly xAdvance?: number };
}
type PairPos =
  | {
      readonly version: 1;
      readonly coverage: Coverage;
      readonly pairSets: LazyList<Iterable<PairValue & { readonly secondGlyph: number }>>;
    }
  | {
      readonly version: 2;
      readonly coverage: Coverage;
      readonly classDef1: ClassDef;
      readonly classDef2: ClassDef;
      readonly classRecords: LazyList<LazyList<PairValue>>;
    };

/** Where a glyph is in a coverage table, or -1 (as fontkit's `coverageIndex`). */
function coverageIndex(coverage: Coverage, glyph: number): number {
  if (coverage.version === 1) return coverage.glyphs.indexOf(glyph);
  for (const r of coverage.rangeRecords)
    if (r.start <= glyph && glyph <= r.end) return r.startCoverageIndex + glyph - r.start;
  return -1;
}

/** A glyph's class (as fontkit's `getClassID`). */
function classOf(classDef: ClassDef, glyph: number): number {
  if (classDef.version === 1) return classDef.classValueArray[glyph - classDef.startGlyph] ?? 0;
  for (const r of classDef.classRangeRecord) if (r.start <= glyph && glyph <= r.end) return r.class;
  return 0;
}

/** The key of a pair of characters in {@link SubsetFont.kerning}. */
const pairKey = (left: number, right: number) => left * 0x10000 + right;

/**
 * The font's pair kerning between the characters of `glyphIds` (character → the font's glyph id),
 * read from its GPOS `kern` lookups as fontkit applies them when pdfkit lays text out: in each
 * lookup the first subtable that has the pair decides, and the lookups add up. About 0.15 s for
 * the two fonts once per process, most of it fontkit decoding the pair tables; laying out every
 * pair with fontkit instead took a second a font.
 */
function readKerning(font: fontkit.Font, glyphIds: ReadonlyMap<number, number>, scale: number): Map<number, number> {
  const gpos = (font as unknown as { GPOS?: Gpos }).GPOS;
  const kerning = new Map<number, number>();
  if (!gpos) return kerning;
  const lookups = new Set(gpos.featureList.filter((f) => f.tag === 'kern').flatMap((f) => f.feature.lookupListIndexes));
  const chars = [...glyphIds];
  for (const index of lookups) {
    const lookup = gpos.lookupList.get(index);
    // Type 2: pair adjustment (other types do not kern pairs of base glyphs).
    if (lookup.lookupType !== 2) continue;
    // Each right-hand character's class in the class-based subtables, looked up once.
    const rightClasses = lookup.subTables.map((table) =>
      table.version === 2 ? chars.map(([, glyph]) => classOf(table.classDef2, glyph)) : [],
    );
    for (const [left, leftGlyph] of chars) {
      const decided = new Set<number>();
      const add = (right: number, value: PairValue) => {
        decided.add(right);
        const adjust = (value.value1.xAdvance ?? 0) * scale;
        const key = pairKey(left, right);
        if (adjust) kerning.set(key, (kerning.get(key) ?? 0) + adjust);
      };
      for (const [t, table] of lookup.subTables.entries()) {
        const covered = coverageIndex(table.coverage, leftGlyph);
        if (covered === -1) continue;
        if (table.version === 1) {
          const rights = new Map<number, PairValue>();
          for (const pair of table.pairSets.get(covered))
            if (!rights.has(pair.secondGlyph)) rights.set(pair.secondGlyph, pair);
          for (const [right, rightGlyph] of chars) {
            const pair = rights.get(rightGlyph);
            if (pair && !decided.has(right)) add(right, pair);
          }
        } else {
          const row = table.classRecords.get(classOf(table.classDef1, leftGlyph));
          for (const [k, [right]] of chars.entries())
            if (!decided.has(right)) add(right, row.get(rightClasses[t]![k]!));
        }
      }
    }
  }
  return kerning;
}

/** The Vietnamese alphabet, upper and lower case, each vowel with every tone mark (NFC). */
function vietnameseLetters(): string {
  const vowels = 'aăâeêioôơuưy';
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
  let letters = 'đĐ';
  for (const vowel of vowels + vowels.toUpperCase())
    for (const tone of tones) letters += (vowel + tone).normalize('NFC');
  return letters;
}

/** The characters from `first` to `last`. */
function charRange(first: number, last: number): string {
  let chars = '';
  for (let c = first; c <= last; c++) chars += String.fromCharCode(c);
  return chars;
}

/**
 * The characters the template prints: ASCII, Vietnamese, the punctuation the texts use, the fixed
 * texts, and the Latin-1 letters (names written in other languages: ü, ñ, ç, ø…). In order of
 * precedence: were two to share a glyph (Đ and Ð do in some fonts), the first would keep it and
 * the second be left out, because the text extracted from a PDF maps each glyph back to one
 * character.
 */
const CHARSET =
  charRange(0x20, 0x7e) +
  vietnameseLetters() +
  '–—·‘’“”…•°' +
  Object.values(TEXTS).join('') +
  charRange(0xc0, 0xff).replace(/[×÷]/g, '');

/** An object to write: a body of PDF syntax, or a stream's dictionary entries (without its length) and data. */
type PdfObject = { readonly body: string } | { readonly entries: string; readonly data: Buffer };

/** A font's PDF objects (Type0, CIDFontType2, descriptor, program, ToUnicode) and its layout data. */
interface EmbeddedFont {
  readonly font: SubsetFont;
  readonly objects: readonly PdfObject[];
}

/**
 * Subsets `file` to {@link CHARSET} and writes its five objects, numbered from `first`: a Type0
 * font (Identity-H) over a CIDFontType2 whose CIDs are the subset's glyph ids, with the widths and
 * a ToUnicode map (so text can be searched and copied).
 */
function embedFont(file: Buffer, resource: string, tag: string, first: number): EmbeddedFont {
  const font = fontkit.create(file) as fontkit.Font;
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset() as unknown as FontkitSubset;
  const glyphs = new Map<number, Glyph>();
  const fontGlyphIds = new Map<number, number>();
  const taken = new Set<number>();
  const unicode: [cid: number, char: number][] = [];
  for (const char of CHARSET) {
    const code = char.charCodeAt(0);
    if (glyphs.has(code) || !font.hasGlyphForCodePoint(code)) continue;
    const glyph = font.glyphForCodePoint(code);
    if (taken.has(glyph.id)) continue;
    taken.add(glyph.id);
    const cid = subset.includeGlyph(glyph.id);
    glyphs.set(code, { hex: cid.toString(16).padStart(4, '0'), advance: glyph.advanceWidth * scale });
    fontGlyphIds.set(code, glyph.id);
    unicode.push([cid, code]);
  }
  // Encoding adds the components of composite glyphs (most accented letters) to the subset.
  const program = Buffer.from(subset.encode());
  const widths = subset.glyphs.map((id) => num(font.getGlyph(id).advanceWidth * scale));
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const bfchar: string[] = [];
  // At most 100 mappings in a bfchar block (PDF 32000-1, 9.10.3).
  for (let i = 0; i < unicode.length; i += 100) {
    const block = unicode.slice(i, i + 100);
    bfchar.push(
      `${block.length} beginbfchar\n${block.map(([cid, c]) => `<${hex4(cid)}> <${hex4(c)}>`).join('\n')}\nendbfchar`,
    );
  }
  const toUnicode = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <ffff> endcodespacerange',
    ...bfchar,
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const name = `/${tag}+${font.postscriptName}`;
  const { bbox } = font;
  const ref = (k: number) => `${first + k} 0 R`;
  return {
    font: {
      resource,
      glyphs,
      kerning: readKerning(font, fontGlyphIds, scale),
      ascender: font.ascent * scale,
      lineHeight: (font.ascent - font.descent + font.lineGap) * scale,
    },
    objects: [
      {
        body: `<< /Type /Font /Subtype /Type0 /BaseFont ${name} /Encoding /Identity-H /DescendantFonts [${ref(1)}] /ToUnicode ${ref(4)} >>`,
      },
      {
        body:
          `<< /Type /Font /Subtype /CIDFontType2 /BaseFont ${name} ` +
          `/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ` +
          `/FontDescriptor ${ref(2)} /CIDToGIDMap /Identity /W [0 [${widths.join(' ')}]] >>`,
      },
      {
        // Flags 4: symbolic, as for any CID-keyed font.
        body:
          `<< /Type /FontDescriptor /FontName ${name} /Flags 4 ` +
          `/FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => num(v * scale)).join(' ')}] ` +
          `/ItalicAngle ${font.italicAngle} /Ascent ${num(font.ascent * scale)} /Descent ${num(font.descent * scale)} ` +
          `/CapHeight ${num((font.capHeight || font.ascent) * scale)} /XHeight ${num(font.xHeight * scale)} /StemV 0 ` +
          `/FontFile2 ${ref(3)} >>`,
      },
      { entries: `/Length1 ${program.length} /Filter /FlateDecode`, data: deflateSync(program, { level: 9 }) },
      { entries: '/Filter /FlateDecode', data: deflateSync(Buffer.from(toUnicode, 'latin1'), { level: 9 }) },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The object writer.

/**
 * Every number in the file, to 1/10,000: far below a device pixel, even for the QR code's module
 * size, which its grid multiplies by up to a hundred.
 */
function num(v: number): string {
  return String(Math.round(v * 10_000) / 10_000);
}

/** A string in the information dictionary: UTF-16BE with a byte order mark, in hex. */
function textString(s: string): string {
  let hex = 'feff';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

/** The bytes written so far and where each object starts (by object number). */
interface Written {
  readonly bytes: Buffer;
  readonly offsets: readonly number[];
}

/** A PDF file written front to back: each object's byte offset noted for the cross-reference table. */
class PdfWriter {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private readonly offsets: number[];

  constructor(start: Written) {
    this.chunks.push(start.bytes);
    this.length = start.bytes.length;
    this.offsets = [...start.offsets];
  }

  private write(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Object `n` (its PDF syntax is ASCII). */
  object(n: number, o: PdfObject): void {
    this.offsets[n] = this.length;
    if ('body' in o) {
      this.write(Buffer.from(`${n} 0 obj\n${o.body}\nendobj\n`, 'latin1'));
      return;
    }
    this.write(Buffer.from(`${n} 0 obj\n<< ${o.entries} /Length ${o.data.length} >>\nstream\n`, 'latin1'));
    this.write(o.data);
    this.write(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  /** What is written so far, to start other files with. */
  snapshot(): Written {
    return { bytes: Buffer.concat(this.chunks, this.length), offsets: [...this.offsets] };
  }

  /** The cross-reference table (20-byte entries; every object from 1 up must have been written) and the trailer. */
  end(trailer: string): Buffer {
    const size = this.offsets.length;
    let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let n = 1; n < size; n++) {
      const offset = this.offsets[n];
      if (offset === undefined) throw new Error(`PDF object ${n} was not written`);
      xref += `${String(offset).padStart(10, '0')} 00000 n \n`;
    }
    const start = this.length;
    this.write(Buffer.from(`${xref}trailer\n<< /Size ${size} ${trailer} >>\nstartxref\n${start}\n%%EOF\n`, 'latin1'));
    return Buffer.concat(this.chunks, this.length);
  }
}

/**
 * Object numbers: those written once per process first, then per document the page tree and
 * each page with its content stream.
 */
const OBJ = {
  catalog: 1,
  pages: 2,
  info: 3,
  resources: 4,
  regular: 5,
  bold: 10,
  firstPage: 15,
} as const;

const REGULAR_EMBEDDED = embedFont(FONT_FILES.regular, '/F1', 'TCVNAA', OBJ.regular);
const BOLD_EMBEDDED = embedFont(FONT_FILES.bold, '/F2', 'TCVNAB', OBJ.bold);
const REGULAR = REGULAR_EMBEDDED.font;
const BOLD = BOLD_EMBEDDED.font;

/** The start of every file: header, catalog, information, resources and the two fonts. */
const PROLOGUE: Written = (() => {
  // The second line's bytes above 127 mark the file as binary for transfer programs.
  const pdf = new PdfWriter({ bytes: Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), offsets: [] });
  pdf.object(OBJ.catalog, { body: `<< /Type /Catalog /Pages ${OBJ.pages} 0 R >>` });
  pdf.object(OBJ.info, {
    body:
      `<< /Title ${textString(DOCUMENT_INFO.title)} /Author ${textString(DOCUMENT_INFO.author)} ` +
      `/Subject ${textString(DOCUMENT_INFO.subject)} >>`,
  });
  pdf.object(OBJ.resources, {
    body: `<< /Font << ${REGULAR.resource} ${OBJ.regular} 0 R ${BOLD.resource} ${OBJ.bold} 0 R >> /ProcSet [/PDF /Text] >>`,
  });
  for (const [k, o] of REGULAR_EMBEDDED.objects.entries()) pdf.object(OBJ.regular + k, o);
  for (const [k, o] of BOLD_EMBEDDED.objects.entries()) pdf.object(OBJ.bold + k, o);
  return pdf.snapshot();
})();

/**
 * Content streams are compressed at level 1: an A4's stream (35 KB, most of it the QR code's
 * rectangles) took 0.15–0.37 ms to 9.5 KB, against 0.5–1.0 ms to 7.5 KB at zlib's default 6.
 */
const CONTENT_LEVEL = 1;

/** A whole document: the prologue, then a page for each content stream. */
function writeDocument(contents: readonly string[], geometry: PageGeometry): Buffer {
  const pdf = new PdfWriter(PROLOGUE);
  const mediaBox = `[0 0 ${num(geometry.width)} ${num(geometry.height)}]`;
  const kids: string[] = [];
  for (const [i, content] of contents.entries()) {
    const page = OBJ.firstPage + 2 * i;
    kids.push(`${page} 0 R`);
    pdf.object(page, {
      body: `<< /Type /Page /Parent ${OBJ.pages} 0 R /MediaBox ${mediaBox} /Resources ${OBJ.resources} 0 R /Contents ${page + 1} 0 R >>`,
    });
    pdf.object(page + 1, {
      entries: '/Filter /FlateDecode',
      data: deflateSync(Buffer.from(content, 'latin1'), { level: CONTENT_LEVEL }),
    });
  }
  pdf.object(OBJ.pages, { body: `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${contents.length} >>` });
  return pdf.end(`/Root ${OBJ.catalog} 0 R /Info ${OBJ.info} 0 R`);
}

// ---------------------------------------------------------------------------------------------
// Text layout: widths, line breaking, the page's cursor.

/**
 * The kerning between the characters at `i - 1` and `i` of `text`. None after a space: pdfkit lays
 * text out in runs that end with their spaces, so it does not kern a space with what follows.
 */
function kerningAt(font: SubsetFont, text: string, i: number): number {
  const left = text.charCodeAt(i - 1);
  return left === 0x20 ? 0 : (font.kerning.get(pairKey(left, text.charCodeAt(i))) ?? 0);
}

/** A text's advance in 1/1000 em, kerned; throws {@link Unprintable} on a character outside the subset. */
function advanceOf(font: SubsetFont, text: string): number {
  let advance = 0;
  for (let i = 0; i < text.length; i++) {
    const glyph = font.glyphs.get(text.charCodeAt(i));
    if (!glyph) throw new Unprintable(`character U+${text.charCodeAt(i).toString(16)} is not in the subset`);
    advance += glyph.advance + (i > 0 ? kerningAt(font, text, i) : 0);
  }
  return advance;
}

/**
 * A text as a content stream's TJ operand: strings of glyph ids, the kerning between them (a TJ
 * number moves the next glyph left by thousandths of an em).
 */
function showText(font: SubsetFont, text: string): string {
  let shown = '[<';
  for (let i = 0; i < text.length; i++) {
    const kerning = i > 0 ? kerningAt(font, text, i) : 0;
    if (kerning) shown += `> ${num(-kerning)} <`;
    shown += font.glyphs.get(text.charCodeAt(i))?.hex ?? '';
  }
  return `${shown}>]`;
}

const HYPHENS = '-–—';
const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * A text cut where a line may break, as pdfkit's line breaker (Unicode's) cuts it for the texts
 * of a certificate: after spaces (which stay with the word before them), and after a hyphen or a
 * dash between letters (not in "COVID-19").
 */
function breakableParts(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1]!;
    const breakAfter =
      c === ' ' ? next !== ' ' : HYPHENS.includes(c) && next !== ' ' && !HYPHENS.includes(next) && !isDigit(next);
    if (breakAfter) {
      parts.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) parts.push(text.slice(start));
  return parts;
}

/** A font, its size in points and its colour (`#rrggbb`). */
interface TextStyle {
  readonly font: SubsetFont;
  readonly size: number;
  readonly colour: string;
}

const style = (font: SubsetFont, size: number, colour = BLACK): TextStyle => ({ font, size, colour });

/** pdfkit's line height (with the font's line gap), points. */
const lineHeight = ({ font, size }: TextStyle) => (font.lineHeight * size) / 1000;

/**
 * The lines of `text` within `width` points, broken as pdfkit breaks them: a part goes on the line
 * if it fits with its trailing spaces, otherwise it starts the next one; a part wider than a whole
 * line is broken between characters. Trailing spaces are dropped.
 */
function wrapLines({ font, size }: TextStyle, text: string, width: number): string[] {
  const limit = (width * 1000) / size;
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const part of breakableParts(text)) {
    const advance = advanceOf(font, part);
    if (used + advance <= limit) {
      line += part;
      used += advance;
    } else if (advance <= limit) {
      lines.push(line);
      line = part;
      used = advance;
    } else {
      for (const c of part) {
        const a = advanceOf(font, c);
        if (used + a > limit && line) {
          lines.push(line);
          line = '';
          used = 0;
        }
        line += c;
        used += a;
      }
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/** `#rrggbb` as the three components of a colour operator. */
function rgb(hex: string): string {
  const c = (at: number) => num(Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  return `${c(1)} ${c(3)} ${c(5)}`;
}

/**
 * A page's content stream, written as pdfkit's flow: a cursor `y` from the top of the page that
 * each line of text moves down by the font's line height. Coordinates are given from the top left
 * and written in PDF's (from the bottom left).
 */
class PageWriter {
  y: number;
  private readonly ops: string[] = [];
  private currentFill = '';

  constructor(readonly page: PageGeometry) {
    this.y = page.margin;
  }

  get left(): number {
    return this.page.margin;
  }

  /** Between the margins. */
  get width(): number {
    return this.page.width - 2 * this.page.margin;
  }

  private fillColor(hex: string): void {
    if (hex !== this.currentFill) this.ops.push(`${rgb(hex)} rg`);
    this.currentFill = hex;
  }

  /** As pdfkit's `text(text, x, y, { width, align })` at the cursor: wrapped, and the cursor below it. */
  text(style: TextStyle, text: string, x: number, width: number, centred = false): void {
    this.lines(style, wrapLines(style, text.normalize('NFC'), width), x, width, centred);
  }

  /**
   * Lines already wrapped (see {@link wrapLines}), from the cursor down. Throws {@link Unprintable}
   * for a line past the bottom margin, where pdfkit would start a page.
   */
  lines(style: TextStyle, lines: readonly string[], x: number, width: number, centred = false): void {
    const { font, size } = style;
    const height = lineHeight(style);
    this.fillColor(style.colour);
    for (const line of lines) {
      if (this.y + height > this.page.height - this.page.margin) throw new Unprintable('more than a page');
      const left = centred ? x + (width - (advanceOf(font, line) * size) / 1000) / 2 : x;
      const baseline = this.page.height - this.y - (font.ascender * size) / 1000;
      this.ops.push(
        `BT ${font.resource} ${num(size)} Tf 1 0 0 1 ${num(left)} ${num(baseline)} Tm ${showText(font, line)} TJ ET`,
      );
      this.y += height;
    }
  }

  /** As pdfkit's `moveDown(lines)` in this style. */
  moveDown(style: TextStyle, lines: number): void {
    this.y += lines * lineHeight(style);
  }

  rect(x: number, y: number, width: number, height: number, colour: string): void {
    this.fillColor(colour);
    this.ops.push(`${num(x)} ${num(this.page.height - y - height)} ${num(width)} ${num(height)} re f`);
  }

  hline(x1: number, x2: number, y: number, lineWidth: number, colour: string): void {
    const pdfY = num(this.page.height - y);
    this.ops.push(`q ${num(lineWidth)} w ${rgb(colour)} RG ${num(x1)} ${pdfY} m ${num(x2)} ${pdfY} l S Q`);
  }

  /**
   * The QR code as vector squares (sharp at any print size), a quiet zone of one module, on white:
   * one rectangle per run of dark modules in a row, in module units (a transformation matrix
   * places the grid), filled as one path — so adjacent runs leave no seams.
   */
  qr(text: string, x: number, y: number, size: number): void {
    const modules = certificateQr(text);
    const n = modules.size;
    const cell = size / (n + 2);
    this.rect(x, y, size, size, '#ffffff');
    const runs: string[] = [];
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; ) {
        if (!modules.get(row, col)) {
          col++;
          continue;
        }
        let end = col + 1;
        while (end < n && modules.get(row, end)) end++;
        runs.push(`${col} ${row} ${end - col} 1 re`);
        col = end;
      }
    }
    const matrix = `${num(cell)} 0 0 ${num(-cell)} ${num(x + cell)} ${num(this.page.height - y - cell)} cm`;
    this.ops.push(`q ${matrix} 0 0 0 rg\n${runs.join('\n')}\nf Q`);
  }

  /** The ops of another writer of the same page (a part written once), and its cursor. */
  append(part: { readonly ops: string; readonly y: number }): void {
    this.ops.push(part.ops);
    this.y = part.y;
    this.currentFill = '';
  }

  content(): string {
    return this.ops.join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// The two layouts (certificates.pdf.ts draws the same with pdfkit).

/** The A4's heading, the same on every certificate: written once. */
const A4_HEADING = (() => {
  const page = new PageWriter(A4_PAGE);
  const { left, width } = page;
  page.text(style(BOLD, 11), TEXTS.republic, left, width, true);
  page.text(style(REGULAR, 10), TEXTS.motto, left, width, true);
  page.moveDown(style(REGULAR, 10), 0.3);
  page.text(style(BOLD, 11), TEXTS.issuer, left, width, true);
  page.text(style(REGULAR, 8, GREY), TEXTS.issuerEn, left, width, true);
  page.moveDown(style(REGULAR, 8), 1);
  page.text(style(BOLD, 20), TEXTS.title, left, width, true);
  page.text(style(REGULAR, 10, GREY), TEXTS.titleEn, left, width, true);
  page.moveDown(style(REGULAR, 10), 1);
  return { ops: page.content(), y: page.y };
})();

const A4_LABEL = style(REGULAR, 9, GREY);
const A4_VALUE = style(BOLD, 13);
const A4_COLUMN_TITLE = style(BOLD, 9);
const A4_CELL = style(REGULAR, 9);
const A4_ISSUED = style(REGULAR, 9, DARK_GREY);
const A4_FOOTNOTE = style(REGULAR, 8, GREY);

function a4Page(c: CertificateView): string {
  const page = new PageWriter(A4_PAGE);
  const { left, width } = page;
  page.append(A4_HEADING);

  // Status colour band.
  const band = BAND[c.color];
  const bandY = page.y;
  page.rect(left, bandY, width, 30, band.fill);
  page.y = bandY + 8;
  page.text(style(BOLD, 13, band.text), c.statusText.vi.toUpperCase(), left, width, true);
  page.y = bandY + 44;

  const qrSize = QR_SIZE.a4;
  const infoTop = page.y;
  const fieldWidth = width - qrSize - 16;
  for (const [label, value] of a4Fields(c)) {
    page.text(A4_LABEL, label, left, fieldWidth);
    page.text(A4_VALUE, value, left, fieldWidth);
    page.moveDown(A4_VALUE, 0.35);
  }
  const afterInfo = page.y;
  if (c.qr) page.qr(c.qr, left + width - qrSize, infoTop, qrSize);

  // Doses: each row as high as its most wrapped cell.
  let y = Math.max(afterInfo, infoTop + qrSize) + 12;
  page.rect(left, y, width, 20, TABLE_HEAD_FILL);
  let x = left;
  for (const col of DOSE_COLUMNS) {
    page.y = y + 6;
    page.text(A4_COLUMN_TITLE, col.title, x + 4, col.share * width - 8);
    x += col.share * width;
  }
  y += 22;
  for (const d of c.doses) {
    const cells = doseCells(d).map((text, i) =>
      wrapLines(A4_CELL, text.normalize('NFC'), DOSE_COLUMNS[i]!.share * width - 8),
    );
    x = left;
    for (const [i, lines] of cells.entries()) {
      const col = DOSE_COLUMNS[i]!;
      page.y = y;
      page.lines(A4_CELL, lines, x + 4, col.share * width - 8);
      x += col.share * width;
    }
    y += Math.max(...cells.map((lines) => lines.length)) * lineHeight(A4_CELL) + 8;
    page.hline(left, left + width, y - 4, 0.5, TABLE_RULE);
  }
  page.y = y + 12;
  const issued = issuedLine(c);
  if (issued) page.text(A4_ISSUED, issued, left, width);
  const identifier = identifierLine(c);
  if (identifier) page.text(A4_ISSUED, identifier, left, width);
  page.moveDown(A4_ISSUED, 0.5);
  page.text(A4_FOOTNOTE, TEXTS.footnote, left, width);
  return page.content();
}

const CARD_NAME = style(BOLD, 12);
const CARD_LINE = style(REGULAR, 8.5);
const CARD_STATUS = style(BOLD, 8.5);
const CARD_SMALL = style(REGULAR, 7, GREY);

function cardPage(c: CertificateView): string {
  const page = new PageWriter(CARD_PAGE);
  const { left, width } = page;
  const band = BAND[c.color];
  page.rect(0, 0, CARD_PAGE.width, 26, band.fill);
  page.y = 8;
  page.text(style(BOLD, 10, band.text), TEXTS.title, left, width, true);
  const qrSize = QR_SIZE.card;
  const top = 36;
  if (c.qr) page.qr(c.qr, left + width - qrSize, top, qrSize);
  page.y = top;
  const w = width - qrSize - 10;
  page.text(CARD_NAME, c.person.fullName, left, w);
  for (const line of cardPersonLines(c)) page.text(CARD_LINE, line, left, w);
  page.moveDown(CARD_LINE, 0.3);
  page.text(CARD_STATUS, c.statusText.vi, left, w);
  for (const d of c.doses) page.text(CARD_LINE, cardDoseLine(d), left, w);
  page.moveDown(CARD_LINE, 0.3);
  page.text(CARD_SMALL, cardIssuerLine(c), left, w);
  if (c.ci) page.text(CARD_SMALL, c.ci, left, w);
  return page.content();
}

/** The page of a session's PDF when nobody was vaccinated. */
function emptySessionPage(geometry: PageGeometry): string {
  const page = new PageWriter(geometry);
  page.text(style(REGULAR, 12), TEXTS.emptySession, page.left, page.width);
  return page.content();
}

/**
 * The certificates as one PDF, a page each (a session's page saying nobody was vaccinated when
 * there are none), or null when the template cannot print one of them as pdfkit would: a
 * character outside the fonts' subset, or more than a page.
 */
export function templatePdf(certs: readonly CertificateView[], layout: Layout): Buffer | null {
  const geometry = layout === 'a4' ? A4_PAGE : CARD_PAGE;
  try {
    const contents = certs.length
      ? certs.map((c) => (layout === 'a4' ? a4Page(c) : cardPage(c)))
      : [emptySessionPage(geometry)];
    return writeDocument(contents, geometry);
  } catch (error) {
    if (error instanceof Unprintable) return null;
    throw error;
  }
}
