import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import ExcelJS, { mendedParseSax, parseSaxInUse } from './exceljs.js';

const SRC = path.resolve(fileURLToPath(import.meta.url), '../..');

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('exceljs, mended', () => {
  it('is imported from lib/exceljs.ts everywhere in the server (so the mend is in place before exceljs loads)', () => {
    const offenders = [...sourceFiles(SRC)]
      .filter((f) => !f.endsWith(path.join('lib', 'exceljs.ts')))
      .filter((f) =>
        /from ['"]exceljs['"]|require\(['"]exceljs['"]\)|import\(['"]exceljs['"]\)/.test(readFileSync(f, 'utf8')),
      )
      .filter((f) => !/^import type /m.test(readFileSync(f, 'utf8').match(/.*['"]exceljs['"].*/)?.[0] ?? ''));
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
    expect(parseSaxInUse()).toBe(mendedParseSax);
  });

  it('reads a character split between two chunks whole, wherever the split falls', async () => {
    const xml = Buffer.from('<row><c><v>Nữ</v></c><c><v>Nguyễn Thị Ngọc Điệp</v></c></row>', 'utf8');
    for (let cut = 1; cut < xml.length; cut++) {
      for (let second = cut + 1; second <= xml.length; second += 3) {
        const chunks = [xml.subarray(0, cut), xml.subarray(cut, second), xml.subarray(second)];
        const texts: string[] = [];
        for await (const events of mendedParseSax(
          (async function* () {
            yield* chunks;
          })(),
        )) {
          for (const e of events) if (e.eventType === 'text') texts.push(String(e.value));
        }
        expect(texts.join('|'), `cut at ${cut} and ${second}`).toBe('Nữ|Nguyễn Thị Ngọc Điệp');
      }
    }
  });

  it('streams a large sheet of Vietnamese text back unchanged', async () => {
    const names = ['Nữ', 'Nguyễn Thị Phương', 'Trần Văn Đức', 'Lê Thị Ánh Tuyết', 'Phạm Ngọc Ẩn'];
    // Written as a spreadsheet program or the streaming writer writes it: text in the sheet itself
    // (no shared strings), so the sheet's XML is large and its characters cross chunk edges.
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (b: Buffer) => parts.push(b));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const ws = wb.addWorksheet('a');
    for (let i = 0; i < 20_000; i++)
      ws.addRow([names[i % names.length], names[(i * 7 + 3) % names.length], 'Đồng Tháp', i]).commit();
    ws.commit();
    await wb.commit();
    const bytes = Buffer.concat(parts);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(
      Readable.from(
        (function* () {
          // Small uneven pieces, as the import reads the stored file.
          for (let at = 0; at < bytes.length; at += 4093) yield bytes.subarray(at, at + 4093);
        })(),
        { objectMode: false },
      ),
      { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' },
    );
    let rows = 0;
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const [, a, b, c, i] = row.values as unknown[];
        expect([a, b, c]).toEqual([
          names[Number(i) % names.length],
          names[(Number(i) * 7 + 3) % names.length],
          'Đồng Tháp',
        ]);
        rows++;
      }
    }
    expect(rows).toBe(20_000);
  });
});
