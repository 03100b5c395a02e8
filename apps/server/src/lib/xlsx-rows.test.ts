import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import ExcelJS from './exceljs.js';
import { bufferFile, chunkedFile, firstSheetRows, type RandomAccessFile, XlsxFileError } from './xlsx-rows.js';

/** A workbook as exceljs writes it: the sheets before the shared strings, the workbook part last in the ZIP. */
async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function rowsOf(file: RandomAccessFile): Promise<{ number: number; values: unknown[] }[]> {
  const out = [];
  for await (const row of firstSheetRows(file)) {
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

  it('takes the first tab as the workbook lists it, not the first sheet part in the ZIP', async () => {
    const file = await workbook((wb) => {
      wb.addWorksheet('Ghi chú').addRow(['not this one']);
      wb.addWorksheet('Dữ liệu').addRow(['this one']);
      wb.getWorksheet('Dữ liệu')!.orderNo = 0;
      wb.getWorksheet('Ghi chú')!.orderNo = 1;
    });
    expect(await rowsOf(bufferFile(file))).toEqual([{ number: 1, values: ['this one'] }]);
  });

  it('refuses a file that is not a whole workbook with the file’s fault, not a crash', async () => {
    const file = await clerkFile();
    // A ZIP that is not a workbook (a Word file named .xlsx, say): no sheet in it.
    const JSZip = createRequire(createRequire(import.meta.url).resolve('exceljs'))('jszip') as new () => {
      file(name: string, text: string): void;
      generateAsync(o: { type: 'nodebuffer' }): Promise<Buffer>;
    };
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document/>');
    await expect(rowsOf(bufferFile(await zip.generateAsync({ type: 'nodebuffer' })))).rejects.toThrow(
      new XlsxFileError('the workbook has no sheet'),
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
