/**
 * What an outside probe of the bulk import found a clerk would meet (2026-12-03), each fixed and
 * shown here: the rows numbered as the spreadsheet shows them, a rejected rows' file imported
 * again without its old columns piling up, the column at fault named, a failed file's message in
 * the caller's language, the speed of an ended job, and the staff's requests served while a job
 * runs on the embedded database.
 */
import { type CreatePersonBody, type ImportJob, REJECTED_EXTRA_HEADERS } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import ExcelJS from '../../lib/exceljs.js';
import { buildPersonIn } from '../../test/factories.js';
import { runImportsNow, useTestApp } from '../../test/harness.js';
import { CONTRACT_HEADER, csvLine, templateRow } from '../../test/import-rows.js';
import { importForm } from '../../test/multipart.js';
import { BatchSizer } from './imports.job.js';

const t = await useTestApp();

/** A row of the template for a person's dose on `on` (Pfizer, a lot every demo site holds, at DT-CL-01). */
const rowOf = (p: CreatePersonBody, on = '2021-09-15') => templateRow(p, { on });
const line = (cells: readonly string[]) => csvLine(cells);

async function upload(as: string, file: Buffer, name = 'mui-tiem.csv') {
  const { body, contentType } = importForm(file, name);
  const res = await t.call('POST', '/api/imports', { as, body, headers: { 'content-type': contentType } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

async function jobOf(id: string, as: string, lang?: string): Promise<ImportJob> {
  const res = await t.call('GET', `/api/imports/${id}`, { as, headers: lang ? { 'accept-language': lang } : {} });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function importFile(as: string, file: Buffer, name?: string): Promise<ImportJob> {
  const id = await upload(as, file, name);
  await runImportsNow(t);
  return jobOf(id, as);
}

/** The rejected rows' file of a job: its header and rows as text, and the file itself. */
async function rejectedOf(id: string, as: string) {
  const res = await t.call('GET', `/api/imports/${id}/rejected.xlsx`, { as });
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));
  });
  return { header: rows[0]!, rows: rows.slice(1), bytes: res.raw.rawPayload as Buffer };
}

describe('what a clerk meets in a bulk import', () => {
  it('numbers a CSV’s rejected rows as the spreadsheet shows them: blank lines counted, a cell over two lines one row', async () => {
    const bad = (name: string) => rowOf(buildPersonIn('87', { fullName: name }), '2030-01-01');
    // Line 1 the header, 2 a bad row, 3–4 blank, 5 a bad row whose note spans two lines of the
    // text (one row in Excel), 6 a bad row.
    const text = [
      `${CONTRACT_HEADER},Ghi chú`,
      line([...bad('Phạm Văn Một'), '']),
      '',
      '',
      line([...bad('Phạm Văn Hai'), 'dòng 1\r\ndòng 2']),
      line([...bad('Phạm Văn Ba'), '']),
    ].join('\r\n');
    const job = await importFile('caolanh.tiem', Buffer.from(`\uFEFF${text}\r\n`));
    expect(job).toMatchObject({ rowsRead: 3, rejected: 3 });
    const { header, rows } = await rejectedOf(job.id, 'caolanh.tiem');
    const number = header.indexOf(REJECTED_EXTRA_HEADERS.vi[0]);
    expect(rows.map((r) => [r[0], r[number]])).toEqual([
      ['Phạm Văn Một', '2'],
      ['Phạm Văn Hai', '5'],
      ['Phạm Văn Ba', '6'],
    ]);
  });

  it('a rejected rows’ file imported again as it is: rejected again with its old row numbers and reasons replaced, not piled up', async () => {
    const first = await importFile(
      'caolanh.tiem',
      Buffer.from(`${CONTRACT_HEADER}\r\n${line(rowOf(buildPersonIn('87'), '2030-01-01'))}\r\n`),
    );
    expect(first.rejected).toBe(1);
    const once = await rejectedOf(first.id, 'caolanh.tiem');
    const again = await importFile('caolanh.tiem', once.bytes, 'cac-dong-bi-tu-choi.xlsx');
    expect(again.rejected).toBe(1);
    const twice = await rejectedOf(again.id, 'caolanh.tiem');
    expect(twice.header).toEqual(once.header);
    expect(twice.header.filter((h) => h === REJECTED_EXTRA_HEADERS.vi[1])).toHaveLength(1);
    expect(twice.rows[0]!.slice(0, 10)).toEqual(once.rows[0]!.slice(0, 10));
  });

  it('names the column at fault: a district’s clerk is told the district code is outside, and the summary counts by column', async () => {
    const elsewhere = [...rowOf(buildPersonIn('87')), '867'];
    const missing = [...rowOf(buildPersonIn('87')), ''];
    const text = [`${CONTRACT_HEADER},Mã huyện`, line(elsewhere), line(missing)].join('\r\n');
    const job = await importFile('caolanh.admin', Buffer.from(`${text}\r\n`));
    expect(job).toMatchObject({ rejected: 2, rejectedByReason: { out_of_scope: 2 } });
    expect(job.rejectedByColumn).toEqual({ out_of_scope: { districtCode: 2 } });
    const { header, rows } = await rejectedOf(job.id, 'caolanh.admin');
    const reasons = header.indexOf(REJECTED_EXTRA_HEADERS.vi[1]);
    for (const r of rows) expect(r[reasons]).toMatch(/^Mã huyện: /);
  });

  it('a file that cannot be read fails with the reason in the caller’s language, not the reader’s English', async () => {
    const text = `${CONTRACT_HEADER}\r\n${line(rowOf(buildPersonIn('87')))}\r\n"Nguyễn Văn Mở,01/01/1980\r\n`;
    const id = await upload('caolanh.tiem', Buffer.from(text));
    await runImportsNow(t);
    const vi = await jobOf(id, 'caolanh.tiem');
    expect(vi.status).toBe('failed');
    expect(vi.error?.code).toBe('import_file_unreadable');
    expect(vi.error?.message).toBe(
      'Không đọc được tệp (cần CSV UTF-8 hoặc XLSX): một ô mở dấu ngoặc kép (") mà không đóng đến hết tệp; ô đó bắt đầu bằng: Nguyễn Văn Mở,01/01/1980\r\n',
    );
    const en = await jobOf(id, 'caolanh.tiem', 'en');
    expect(en.error?.message).toMatch(
      /^The file cannot be read \(CSV in UTF-8 or XLSX expected\): a cell opens a double quote/,
    );
  });

  it('an ended job tells its speed over the whole run', async () => {
    const job = await importFile(
      'caolanh.tiem',
      Buffer.from(`${CONTRACT_HEADER}\r\n${line(rowOf(buildPersonIn('87')))}\r\n`),
    );
    expect(job).toMatchObject({ status: 'done', imported: 1, secondsLeft: null });
    expect(job.rowsPerSecond).toBeGreaterThan(0);
  });
});

describe('the staff served while an import runs on the embedded database', () => {
  it('batch sizes follow the time a batch takes: as many rows as fit the target, growing at most twice, within the bounds', () => {
    const fixed = new BatchSizer(2000);
    fixed.took(2000, 60_000);
    expect(fixed.size).toBe(2000);
    const s = new BatchSizer(200, 250);
    expect(s.size).toBe(BatchSizer.FIRST);
    s.took(20, 500); // 25 ms a row: 10 fit in 250 ms
    expect(s.size).toBe(10);
    s.took(10, 50); // 5 ms a row: 50 would fit, but at most twice the last
    expect(s.size).toBe(20);
    s.took(20, 20); // 1 ms a row: up to the most
    for (let i = 0; i < 5; i++) s.took(s.size, s.size);
    expect(s.size).toBe(200);
    s.took(200, 100_000); // very slow: at least the least
    expect(s.size).toBe(BatchSizer.MIN);
  });

  it('with a time target, a job commits in short batches: its progress is read between them, every request answered', async () => {
    // Records without an ID number: matched and checked one by one, the slowest rows.
    const rows = Array.from({ length: 60 }, () => rowOf(buildPersonIn('87', { idNumber: undefined })));
    const id = await upload('caolanh.tiem', Buffer.from(`${CONTRACT_HEADER}\r\n${rows.map(line).join('\r\n')}\r\n`));
    const run = runImportsNow(t, { batchSize: 200, batchTargetMs: 50 });
    const seen = new Set<number>();
    let done = false;
    void run.finally(() => {
      done = true;
    });
    while (!done) {
      const res = await t.call('GET', `/api/imports/${id}`, { as: 'caolanh.tiem' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.add(res.body.rowsRead);
      await new Promise((r) => setTimeout(r, 5));
    }
    await run;
    const job = await jobOf(id, 'caolanh.tiem');
    // The simulator's people of a province repeat after a while: a repeated row is skipped, not doubled.
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'done', rowsRead: 60, rejected: 0 });
    expect(job.imported + job.skippedAlreadyImported).toBe(60);
    // Read between batches: more than "nothing yet" and "all of it" (one batch of 200 would show only those).
    expect([...seen].filter((n) => n > 0 && n < 60).length, JSON.stringify([...seen])).toBeGreaterThanOrEqual(2);
  });
});
