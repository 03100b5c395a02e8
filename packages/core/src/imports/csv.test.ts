import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_CSV_HEADER } from './columns.js';
import { CsvError, CsvReader, type CsvReaderOptions, type CsvSeparator, toCsvLine } from './csv.js';

/** Reads `text` pushed in the given pieces. */
function readChunks(chunks: readonly string[], options?: CsvReaderOptions): string[][] {
  const reader = new CsvReader(options);
  const rows: string[][] = [];
  for (const c of chunks) rows.push(...reader.push(c));
  rows.push(...reader.end());
  return rows;
}

const read = (text: string, options?: CsvReaderOptions) => readChunks([text], options);

/** `text` cut at the given positions. */
function cut(text: string, positions: readonly number[]): string[] {
  const at = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of at) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

describe('A clerk uploads a CSV saved by Excel or another system', () => {
  it('reads the template as Excel saves it: BOM, commas, CRLF', () => {
    const text = `\uFEFF${TEMPLATE_CSV_HEADER}\r\nNguyễn Văn An,05/03/1985,Nam,087085001234,0912345678,87,EU/1/21/1529,FF2587,20/08/2021,DT-CL-01\r\n`;
    const rows = read(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.join(',')).toBe(TEMPLATE_CSV_HEADER);
    expect(rows[0]![0]).toBe('Họ và tên');
    expect(rows[1]![0]).toBe('Nguyễn Văn An');
  });

  it('reads semicolons when Excel in a Vietnamese locale wrote them, and says which separator it found', () => {
    const reader = new CsvReader();
    expect(reader.separator).toBeNull();
    const rows = [...reader.push('Họ và tên;Ngày sinh;Ghi chú\nAn;05/03/1985;"a, b; c"\n'), ...reader.end()];
    expect(reader.separator).toBe(';');
    expect(rows).toEqual([
      ['Họ và tên', 'Ngày sinh', 'Ghi chú'],
      ['An', '05/03/1985', 'a, b; c'],
    ]);
  });

  it('takes the separator from the first line, not counting those inside quotes', () => {
    expect(read('"a,b,c";d\n1;2\n')).toEqual([
      ['a,b,c', 'd'],
      ['1', '2'],
    ]);
    expect(read('"a;b;c",d\n1,2\n')).toEqual([
      ['a;b;c', 'd'],
      ['1', '2'],
    ]);
  });

  it('takes the separator from the first line that is not blank', () => {
    expect(read('\r\n\r\na;b\r\n1;2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('takes a quote inside a cell for a character when looking for the separator, as when reading', () => {
    expect(read('Tivi 5" nhỏ;a;b;c,d\n1;2;3;4,5\n')).toEqual([
      ['Tivi 5" nhỏ', 'a', 'b', 'c,d'],
      ['1', '2', '3', '4,5'],
    ]);
  });

  it('uses the separator it is told, whatever the first line says', () => {
    expect(read('a;b,c\n', { separator: ',' })).toEqual([['a;b', 'c']]);
  });

  it('reads Unix, Windows and old Mac line ends, even mixed', () => {
    expect(read('a,b\nc,d\r\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('keeps separators, quotes and line ends inside quoted fields', () => {
    expect(read('"Nguyễn ""Út"" An","dòng 1\r\ndòng 2","x,y"\r\n')).toEqual([
      ['Nguyễn "Út" An', 'dòng 1\r\ndòng 2', 'x,y'],
    ]);
  });

  it('skips blank lines but keeps a line of empty cells', () => {
    expect(read('a,b\r\n\r\n\n,\r\n""\r\nc,d\r\n\r\n')).toEqual([['a', 'b'], ['', ''], [''], ['c', 'd']]);
  });

  it('numbers each row as a spreadsheet shows the file: blank lines counted, a cell with line ends one row', () => {
    // Line 1 the header, 2 a row, 3–4 blank, 5 a row, 6 a row whose quoted cell spans two lines of
    // the text (one row in Excel), 7 a row; CRLF, LF and a lone CR mixed.
    const text = 'Họ và tên,Ghi chú\r\nAn,a\r\n\r\n\nBình,b\r"Chi","dòng 1\r\ndòng 2"\nDũng,d';
    const reader = new CsvReader();
    const rows = [...reader.pushRows(text), ...reader.endRows()];
    expect(rows.map((r) => [r.number, r.cells[0]])).toEqual([
      [1, 'Họ và tên'],
      [2, 'An'],
      [5, 'Bình'],
      [6, 'Chi'],
      [7, 'Dũng'],
    ]);
  });

  it('gives the last row when the file does not end with a line end, and an empty last cell after a separator', () => {
    expect(read('a,b\nc,')).toEqual([
      ['a', 'b'],
      ['c', ''],
    ]);
  });

  it('keeps cells as written: no trimming, a quote inside an unquoted cell is a character', () => {
    expect(read(' a , 5" màn hình ,"x"y\n')).toEqual([[' a ', ' 5" màn hình ', 'xy']]);
  });

  it('reads a file with only a BOM, or nothing, as no rows', () => {
    expect(read('\uFEFF')).toEqual([]);
    expect(read('')).toEqual([]);
    expect(readChunks(['', '', '\uFEFF', ''])).toEqual([]);
  });

  it('drops the BOM only at the very start of the file', () => {
    expect(readChunks(['', '\uFEFFa', ',\uFEFFb\n'])).toEqual([['a', '\uFEFFb']]);
  });

  it('reads the same whatever the chunks: a CR and its LF in two chunks, a quote cut in two', () => {
    const text = 'a;"b""\r\nc"\r\nd;e\r\n';
    const whole = read(text);
    expect(whole).toEqual([
      ['a', 'b"\r\nc'],
      ['d', 'e'],
    ]);
    for (let i = 0; i <= text.length; i++) {
      expect(readChunks([text.slice(0, i), text.slice(i)]), `cut at ${i}`).toEqual(whole);
    }
    expect(readChunks([...text])).toEqual(whole);
  });

  it('answers the rows as they complete, keeping only the row not yet whole', () => {
    const reader = new CsvReader();
    expect(reader.push('a,b')).toEqual([]); // the first line is whole only once its end is seen
    expect(reader.push('\r')).toEqual([['a', 'b']]);
    expect(reader.push('\n1,')).toEqual([]); // the LF of the CR before, then half a row
    expect(reader.push('2\r')).toEqual([['1', '2']]);
    expect(reader.push('\n')).toEqual([]);
    expect(reader.end()).toEqual([]);
  });

  it('reads a long file through a small row limit: only the pending row is kept, not the file', () => {
    const reader = new CsvReader({ maxRowChars: 64 });
    let rows = 0;
    const line = 'Nguyễn Văn An,05/03/1985,Nam\r\n';
    for (let i = 0; i < 20_000; i++) rows += reader.push(line.slice(0, 7)).length + reader.push(line.slice(7)).length;
    rows += reader.end().length;
    expect(rows).toBe(20_000);
  });

  it('refuses a row longer than the limit, even spread over many chunks (a quote never closed)', () => {
    const reader = new CsvReader({ maxRowChars: 1000 });
    reader.push('a,b\n"never closed');
    let error: unknown;
    try {
      for (let i = 0; i < 100; i++) reader.push(', more text\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).code).toBe('csv_row_too_long');
  });

  it('refuses a first line longer than the limit before knowing the separator', () => {
    const reader = new CsvReader({ maxRowChars: 100 });
    expect(() => reader.push('x'.repeat(101))).toThrow(CsvError);
  });

  it('says where a quote is never closed at the end of the file', () => {
    const reader = new CsvReader();
    reader.push('a,b\n1,"Nguyễn Văn');
    let error: unknown;
    try {
      reader.end();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).code).toBe('csv_unterminated_quote');
    expect((error as CsvError).message).toMatch(/never closed.*Nguyễn Văn/);
  });

  it('refuses a chunk after the end', () => {
    const reader = new CsvReader();
    reader.end();
    expect(() => reader.push('a')).toThrow(/after end/);
  });
});

describe('toCsvLine writes the template and the rejected rows', () => {
  it('writes the template header exactly as the contract', () => {
    expect(toCsvLine(TEMPLATE_CSV_HEADER.split(','))).toBe(TEMPLATE_CSV_HEADER);
  });

  it('quotes only cells that need it, doubling their quotes', () => {
    expect(toCsvLine(['An', 'a,b', 'a;b', 'say "hi"', 'l1\nl2', 'r\r', ''])).toBe(
      'An,"a,b","a;b","say ""hi""","l1\nl2","r\r",',
    );
    expect(toCsvLine(['a', 'b;c'], ';')).toBe('a;"b;c"');
  });

  it('writes a row of one empty cell as "" (a blank line would be skipped)', () => {
    expect(toCsvLine([''])).toBe('""');
    expect(read(`${toCsvLine(['a'])}\n${toCsvLine([''])}\n`)).toEqual([['a'], ['']]);
  });
});

/** Cells drawn from what breaks CSV readers: separators, quotes, every line end, Vietnamese, a BOM, astral characters. */
const cellArb = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(',', ';', '"', '""', '\r', '\n', '\r\n', ' ', '\uFEFF', '😷') },
    { weight: 4, arbitrary: fc.constantFrom('ễ', 'Đ', 'ư', 'e\u0302\u0301', 'Nguyễn', 'a', '1') },
    { weight: 2, arbitrary: fc.string({ maxLength: 3, unit: 'grapheme' }) },
  ),
  maxLength: 12,
});

const tableArb = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }))
  .chain(([width, height]) =>
    fc.array(fc.array(cellArb, { minLength: width, maxLength: width }), { minLength: height, maxLength: height }),
  );

describe('CSV round trip (property)', () => {
  it('any table written with either separator and any line end, cut into any chunks, reads back equal', () => {
    fc.assert(
      fc.property(
        tableArb,
        fc.constantFrom<CsvSeparator>(',', ';'),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (table, separator, eol, bom, trailingEol, cuts) => {
          const text =
            (bom ? '\uFEFF' : '') + table.map((r) => toCsvLine(r, separator)).join(eol) + (trailingEol ? eol : '');
          expect(readChunks(cut(text, cuts))).toEqual(table);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('numbers the rows as a spreadsheet does, blank lines between them, whatever the chunks and line ends', () => {
    fc.assert(
      fc.property(
        tableArb,
        fc.array(fc.nat({ max: 3 }), { minLength: 12, maxLength: 12 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.array(fc.nat(), { maxLength: 12 }),
        (table, blanks, eol, cuts) => {
          // Each row after some blank lines (none before the first, whose line decides the separator).
          const lines: string[] = [];
          const numbers: number[] = [];
          table.forEach((row, i) => {
            if (i > 0) for (let b = 0; b < blanks[i]!; b++) lines.push('');
            lines.push(toCsvLine(row));
            numbers.push(lines.length);
          });
          const reader = new CsvReader();
          const rows = [...cut(lines.join(eol), cuts).flatMap((c) => reader.pushRows(c)), ...reader.endRows()];
          expect(rows.map((r) => r.cells)).toEqual(table);
          expect(rows.map((r) => r.number)).toEqual(numbers);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a ragged table reads back equal when the separator is given', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom<CsvSeparator>(',', ';'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (table, separator, cuts) => {
          const text = table.map((r) => toCsvLine(r, separator)).join('\r\n');
          expect(readChunks(cut(text, cuts), { separator })).toEqual(table);
        },
      ),
      { numRuns: 500 },
    );
  });
});
