import { describe, expect, it } from 'vitest';
import { measured } from '../test/memory.js';
import { handMade, inline, MAIN, type Piece, zipOf } from '../test/xlsx-files.js';
import ExcelJS from './exceljs.js';
import {
  bufferFile,
  chunkedFile,
  firstSheetRows,
  type RandomAccessFile,
  XLSX_MAX_ZIP_DIRECTORY_BYTES,
  XLSX_MAX_ZIP_ENTRIES,
  XlsxFileError,
} from './xlsx-rows.js';
import { XLSX_PART_LIMITS, type XmlPartLimits } from './xml-part-guard.js';

/** A workbook as exceljs writes it: the sheets before the shared strings, the workbook part last in the ZIP. */
async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function rowsOf(
  file: RandomAccessFile,
  limits?: XmlPartLimits,
): Promise<{ number: number; values: unknown[] }[]> {
  const out = [];
  for await (const row of firstSheetRows(file, limits)) {
    out.push({ number: row.number, values: Array.isArray(row.values) ? row.values.slice(1) : [] });
  }
  return out;
}

/** The ZIP's local entries in file order. */
function entryOrder(zip: Buffer): string[] {
  const names: string[] = [];
  for (let at = zip.indexOf('PK\x03\x04'); at >= 0; at = zip.indexOf('PK\x03\x04', at + 4)) {
    names.push(zip.subarray(at + 30, at + 30 + zip.readUInt16LE(at + 26)).toString());
  }
  return names;
}

const clerkFile = () =>
  workbook((wb) => {
    const ws = wb.addWorksheet('Sổ tiêm');
    ws.addRow(['Họ và tên', 'Ngày tiêm', 'Giới tính']);
    ws.addRow(['Nguyễn Thị Ngọc Điệp', new Date('2021-09-10T00:00:00Z'), 'Nữ']);
    ws.addRow([]);
    ws.addRow(['Trần Văn An', 44_450, { richText: [{ text: 'Na' }, { text: 'm' }] }]);
    wb.addWorksheet('Hướng dẫn').addRow(['guide']);
  });

describe('the rows of an XLSX file’s first sheet', () => {
  it('reads a file exceljs wrote (the sheet before the workbook part) whole, every time — exceljs’s streaming walk lost the workbook part in 1 or 2 reads of 300', async () => {
    const file = await clerkFile();
    const order = entryOrder(file);
    expect(order.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));
    const expected = [
      { number: 1, values: ['Họ và tên', 'Ngày tiêm', 'Giới tính'] },
      { number: 2, values: ['Nguyễn Thị Ngọc Điệp', new Date('2021-09-10T00:00:00Z'), 'Nữ'] },
      {
        number: 4,
        values: [
          'Trần Văn An',
          44_450,
          {
            richText: [
              { font: null, text: 'Na' },
              { font: null, text: 'm' },
            ],
          },
        ],
      },
    ];
    for (let i = 0; i < 300; i++) expect(await rowsOf(bufferFile(file))).toEqual(expected);
  });

  it('reads the same rows from a file stored in chunks of any size (each chunk read when reached)', async () => {
    const file = await clerkFile();
    const whole = await rowsOf(bufferFile(file));
    for (const size of [1, 7, 100, 4096, file.length]) {
      const sizes = Array.from({ length: Math.ceil(file.length / size) }, (_, i) =>
        Math.min(size, file.length - i * size),
      );
      const read: number[] = [];
      const chunked = chunkedFile(sizes, async (i) => {
        read.push(i);
        return file.subarray(i * size, i * size + sizes[i]!);
      });
      expect(await rowsOf(chunked)).toEqual(whole);
      expect(Math.max(...read)).toBe(sizes.length - 1);
    }
  });

  it('reads no chunk of a stored file once its rows are read, and a chunk that fails is the read’s error, never the process’s', async () => {
    // An outside probe's file: a workbook whose ZIP lists 200,000 empty parts besides its own (the
    // central directory read in many chunks). unzipper left streams over the file paused; one read on
    // after the job had ended and its chunks were deleted, and its 'error' ended the server.
    const parts: Record<string, Piece[]> = {};
    for (let i = 0; i < 9_000; i++) parts[`e/${i}`] = [''];
    const file = await handMade([headerRow], parts);
    const size = 4096;
    const sizes = Array.from({ length: Math.ceil(file.length / size) }, (_, i) =>
      Math.min(size, file.length - i * size),
    );
    let gone = false;
    let readsAfter = 0;
    const chunked = chunkedFile(sizes, async (i) => {
      if (gone) {
        readsAfter++;
        throw new Error(`chunk ${i} of its file is missing`);
      }
      return file.subarray(i * size, i * size + sizes[i]!);
    });
    expect(await rowsOf(chunked)).toEqual([{ number: 1, values: ['Họ và tên', 'Ngày sinh'] }]);
    gone = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readsAfter).toBe(0);

    // A chunk that cannot be read half way: that error, from the read (not "not a ZIP", not a hang).
    let reads = 0;
    const failing = chunkedFile(sizes, async (i) => {
      if (++reads > 3) throw new Error(`chunk ${i} of its file is missing`);
      return file.subarray(i * size, i * size + sizes[i]!);
    });
    await expect(rowsOf(failing)).rejects.toThrow(/chunk \d+ of its file is missing/);
  });

  it('refuses a ZIP that lists more parts than a workbook has, from its end record, before reading its directory', async () => {
    const parts: Record<string, Piece[]> = {};
    for (let i = 0; i < XLSX_MAX_ZIP_ENTRIES; i++) parts[`e/${i}`] = [''];
    const file = await handMade([headerRow], parts);
    await expect(rowsOf(bufferFile(file))).rejects.toMatchObject({
      name: 'XlsxFileError',
      fault: 'xlsx_damaged',
      message: expect.stringContaining(`lists ${XLSX_MAX_ZIP_ENTRIES + 4} parts`),
    });
    // A writer without ZIP64 counts entries in 16 bits: 70,000 parts are written as 4,464. The
    // directory's size tells them.
    const many: Record<string, Piece[]> = {};
    for (let i = 0; i < 25_000; i++) many[`e/${i}`] = [''];
    const wrapped = await handMade([headerRow], many);
    const end = wrapped.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    wrapped.writeUInt16LE(4464, end + 8);
    wrapped.writeUInt16LE(4464, end + 10);
    expect(wrapped.readUInt32LE(end + 12)).toBeGreaterThan(XLSX_MAX_ZIP_DIRECTORY_BYTES);
    await expect(rowsOf(bufferFile(wrapped))).rejects.toMatchObject({
      name: 'XlsxFileError',
      fault: 'xlsx_damaged',
      message: expect.stringContaining('directory of parts is'),
    });
  });

  it('reads a formula’s date as the day it shows, in the 1900 and the 1904 date systems alike', async () => {
    for (const date1904 of [false, true]) {
      const file = await workbook((wb) => {
        wb.properties.date1904 = date1904;
        const ws = wb.addWorksheet('Sổ tiêm');
        ws.addRow([
          new Date(Date.UTC(1972, 0, 4)),
          { formula: 'DATE(1972,1,4)', result: new Date(Date.UTC(1972, 0, 4)) },
          { formula: '1+1', result: 2 },
        ]);
        ws.getColumn(1).numFmt = 'dd/mm/yyyy';
        ws.getColumn(2).numFmt = 'dd/mm/yyyy';
      });
      const [row] = await rowsOf(bufferFile(file));
      const [plain, formula, number] = row!.values as [Date, { result: unknown }, { result: unknown }];
      expect(plain.toISOString().slice(0, 10), `1904: ${date1904}`).toBe('1972-01-04');
      expect((formula.result as Date).toISOString().slice(0, 10), `1904: ${date1904}`).toBe('1972-01-04');
      expect(number.result).toBe(2);
    }
  });

  it('takes the first tab as the workbook lists it, not the first sheet part in the ZIP', async () => {
    const file = await workbook((wb) => {
      wb.addWorksheet('Ghi chú').addRow(['not this one']);
      wb.addWorksheet('Dữ liệu').addRow(['this one']);
      wb.getWorksheet('Dữ liệu')!.orderNo = 0;
      wb.getWorksheet('Ghi chú')!.orderNo = 1;
    });
    expect(await rowsOf(bufferFile(file))).toEqual([{ number: 1, values: ['this one'] }]);
  });

  it('takes the first tab whose first row the caller takes, or the first tab whole when none is', async () => {
    const file = await workbook((wb) => {
      wb.addWorksheet('Hướng dẫn').addRow(['Xem trang tính sau']);
      const data = wb.addWorksheet('Dữ liệu');
      data.addRow([]);
      data.addRow(['Họ và tên', 'Ngày sinh']);
      data.addRow(['Trần Văn An', '01/02/1960']);
    });
    const read = async (firstRow: (row: { values: unknown }) => boolean) => {
      const out = [];
      for await (const row of firstSheetRows(bufferFile(file), undefined, { firstRow }))
        out.push({ number: row.number, values: (row.values as unknown[]).slice(1) });
      return out;
    };
    const isHeader = (row: { values: unknown }) => (row.values as unknown[])[1] === 'Họ và tên';
    expect(await read(isHeader)).toEqual([
      { number: 2, values: ['Họ và tên', 'Ngày sinh'] },
      { number: 3, values: ['Trần Văn An', '01/02/1960'] },
    ]);
    expect(await read(() => false)).toEqual([{ number: 1, values: ['Xem trang tính sau'] }]);
  });

  it('refuses a file that is not a whole workbook with the file’s fault, not a crash', async () => {
    const file = await clerkFile();
    // A ZIP that is not a workbook (a Word file named .xlsx, say): no sheet in it.
    await expect(rowsOf(bufferFile(await zipOf({ 'word/document.xml': ['<w:document/>'] })))).rejects.toThrow(
      new XlsxFileError('xlsx_no_sheet', 'the workbook has no sheet'),
    );
    for (const broken of [
      Buffer.from('hello, this is not a spreadsheet'),
      file.subarray(0, file.length - 100),
      file.subarray(0, 200),
      Buffer.alloc(0),
    ]) {
      await expect(rowsOf(bufferFile(broken))).rejects.toBeInstanceOf(XlsxFileError);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Files that inflate to more than a reader should hold
// ---------------------------------------------------------------------------------------------

const headerRow =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" t="inlineStr"><is><t>Ngày sinh</t></is></c></row>';

describe('a file that inflates to more than a reader should hold fails as the file’s fault, its memory bounded', () => {
  it('a cell of 20 million to 150 million characters (shared or inline) or 100 MB of spaces: refused in moments, memory as for an ordinary file of the same size', async () => {
    const huge = (times: number): Piece => ({ repeat: 'A', times });
    const bombs = {
      'a shared string of 20 million characters': await handMade(
        [headerRow, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        { 'xl/sharedStrings.xml': [`<sst xmlns="${MAIN}"><si><t>`, huge(20_000_000), '</t></si></sst>'] },
      ),
      'an inline cell of 150 million characters': await handMade([
        headerRow,
        '<row r="2">',
        ...inline('A2', huge(150_000_000)),
        '</row>',
      ]),
      'a sheet with 100 MB of spaces between two rows': await handMade([
        headerRow,
        { repeat: ' ', times: 100_000_000 },
        '<row r="2">',
        ...inline('A2', 'Trần Văn An'),
        '</row>',
      ]),
    };
    // An ordinary file of the same compressed size as the largest bomb: thousands of clerk's rows.
    const largest = Math.max(...Object.values(bombs).map((b) => b.length));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sổ tiêm');
    ws.addRow(['Họ và tên', 'Ngày sinh', 'Số CCCD/CMND', 'Số lô']);
    let ordinary = Buffer.alloc(0);
    for (let i = 0; ordinary.length < largest; i++) {
      ws.addRow([
        `Nguyễn Thị Ngọc Điệp ${i}`,
        new Date(Date.UTC(1960, 0, 1 + (i % 20_000))),
        `0870${85_000_000 + i}`,
        `LOT${i}`,
      ]);
      if (i % 2000 === 1999) ordinary = Buffer.from(await wb.xlsx.writeBuffer());
    }

    let rows = 0;
    const baseline = await measured(async () => {
      for await (const _ of firstSheetRows(bufferFile(ordinary))) rows++;
    });
    expect(rows).toBeGreaterThan(1000);
    const report = [
      `an ordinary file of ${ordinary.length} bytes, ${rows} rows: +${baseline.rssGrowthMb.toFixed(1)} MB, ${baseline.ms.toFixed(0)} ms`,
    ];
    for (const [what, bytes] of Object.entries(bombs)) {
      const m = await measured(() =>
        expect(rowsOf(bufferFile(bytes))).rejects.toMatchObject({
          name: 'XlsxFileError',
          fault: 'xlsx_cell_too_long',
          max: XLSX_PART_LIMITS.tokenChars,
          message: expect.stringContaining(`longer than ${XLSX_PART_LIMITS.tokenChars} characters`),
        }),
      );
      report.push(`${what} (${bytes.length} bytes): +${m.rssGrowthMb.toFixed(1)} MB, ${m.ms.toFixed(0)} ms`);
      // Unguarded, these took 0.4–1 GB (the probe's server: 616 MB → 1.04 GB, and 1.15 GB).
      expect(m.rssGrowthMb).toBeLessThanOrEqual(baseline.rssGrowthMb + 32);
      expect(m.ms).toBeLessThan(Math.max(3000, 2 * baseline.ms));
    }
    console.info(report.join('\n'));
  });

  it('names the part and the limit: a shared string beyond it is refused, one at Excel’s own limit read', async () => {
    const at = (n: number) =>
      handMade([headerRow, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], {
        'xl/sharedStrings.xml': [`<sst xmlns="${MAIN}"><si><t>`, { repeat: 'ữ', times: n }, '</t></si></sst>'],
      });
    // Excel's largest cell, of three-byte letters: read whole.
    const rows = await rowsOf(bufferFile(await at(32_767)));
    expect(rows[1]!.values[0]).toBe('ữ'.repeat(32_767));
    await expect(rowsOf(bufferFile(await at(XLSX_PART_LIMITS.tokenChars)))).rejects.toThrow(
      new XlsxFileError(
        'xlsx_cell_too_long',
        `xl/sharedStrings.xml has a cell or other text longer than ${XLSX_PART_LIMITS.tokenChars} characters (Excel holds at most 32767 in a cell)`,
        XLSX_PART_LIMITS.tokenChars,
      ),
    );
  });

  const small: XmlPartLimits = {
    tokenChars: 1000,
    rowChars: 10_000,
    sheetOutsideRowsChars: 20_000,
    sharedStringsChars: 20_000,
    otherPartChars: 20_000,
    otherPartTags: 500,
  };
  /** A row of `cells` cells (at most 26: columns A–Z) of `chars` characters each. */
  const row = (r: number, cells: number, chars: number) => [
    `<row r="${r}">`,
    ...Array.from({ length: cells }, (_, i) => inline(`${String.fromCharCode(65 + i)}${r}`, 'x'.repeat(chars))).flat(),
    '</row>',
  ];

  it.each([
    [
      'a row longer than the row’s limit',
      [headerRow, ...row(2, 26, 400)],
      {},
      'a row of the sheet is longer than 10000 characters',
    ],
    [
      'many columns described before the rows',
      [{ repeat: '<col min="1" max="1" width="9"/>', times: 1000 }, headerRow],
      {},
      'the sheet holds more than 20000 characters outside its rows',
    ],
    [
      'shared strings longer than their limit, each short',
      [headerRow],
      {
        'xl/sharedStrings.xml': [
          `<sst xmlns="${MAIN}">`,
          { repeat: '<si><t>Nguyễn Văn An</t></si>', times: 1000 },
          '</sst>',
        ],
      },
      'xl/sharedStrings.xml is longer than 20000 characters',
    ],
    [
      'styles of more tags than their limit',
      [headerRow],
      {
        'xl/styles.xml': [
          `<styleSheet xmlns="${MAIN}"><cellXfs>`,
          { repeat: '<xf/>', times: 501 },
          '</cellXfs></styleSheet>',
        ],
      },
      'xl/styles.xml has more than 500 tags',
    ],
  ] as const)('%s: refused with its reason', async (_, sheetData, more, message) => {
    // A row too long, a part too large (the clerk is told to split the file), or too many tags (damaged).
    const fault = message.startsWith('a row of the sheet')
      ? 'xlsx_row_too_long'
      : message.endsWith(' tags')
        ? 'xlsx_damaged'
        : 'xlsx_too_large';
    await expect(rowsOf(bufferFile(await handMade(sheetData, more)), small)).rejects.toMatchObject({
      name: 'XlsxFileError',
      fault,
      message,
    });
  });

  it('rows just within the limits are read, whatever their number: the row’s count starts again at each row', async () => {
    const rows = await rowsOf(
      bufferFile(await handMade([headerRow, ...Array.from({ length: 50 }, (_, i) => row(i + 2, 24, 350)).flat()])),
      small,
    );
    expect(rows).toHaveLength(51);
    expect(rows[50]).toEqual({ number: 51, values: Array(24).fill('x'.repeat(350)) });
  });
});
