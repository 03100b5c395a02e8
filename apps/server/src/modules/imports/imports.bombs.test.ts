/**
 * Files an outside probe of the bulk import sent (2026-12-03): a 22 KB XLSX with one cell of 20
 * million characters failed its job with `internal_error` ("Maximum call stack size exceeded" in
 * core's name rule), and a 150 KB one with a cell of 150 million characters took the server from
 * 616 MB to 1.04 GB. Such a file now fails as unreadable, the XLSX reader stopping at the cell
 * (lib/xlsx-rows.test.ts measures its memory), and a long cell that a CSV may hold is refused by
 * the row's rules.
 */
import type { ImportJob } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn } from '../../test/factories.js';
import { runImportsNow, useTestApp } from '../../test/harness.js';
import { CONTRACT_COLUMNS, csvLine, templateRow } from '../../test/import-rows.js';
import { importForm } from '../../test/multipart.js';
import { handMade, inlineRow } from '../../test/xlsx-files.js';

const t = await useTestApp();

const HEADER = CONTRACT_COLUMNS;

async function importFile(as: string, file: Buffer, name: string): Promise<ImportJob> {
  const { body, contentType } = importForm(file, name);
  const res = await t.call('POST', '/api/imports', { as, body, headers: { 'content-type': contentType } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await runImportsNow(t);
  const job = await t.call('GET', `/api/imports/${res.body.id}`, { as });
  expect(job.status).toBe(200);
  return job.body;
}

/** An XLSX as the probe wrote it: inline strings, its second row's name `name`, the other cells of a real row. */
async function xlsxWithName(name: string): Promise<Buffer> {
  const p = buildPersonIn('87');
  return handMade([...inlineRow(1, HEADER), ...inlineRow(2, templateRow(p, { on: '2021-09-15' }, { fullName: name }))]);
}

describe('an import file with a cell of millions of characters', () => {
  it('an XLSX of a few kilobytes with a cell of 20 million characters fails as unreadable, not as the server’s fault', async () => {
    const file = await xlsxWithName('A'.repeat(20 * 2 ** 20));
    expect(file.length).toBeLessThan(64 * 1024);
    const job = await importFile('caolanh.tiem', file, 'so-tiem.xlsx');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('import_file_unreadable');
    expect(job.imported).toBe(0);
  });

  it('a name of 900,000 characters in a CSV (under its row limit) is refused by the name rule, the other rows imported', async () => {
    const rowOf = (name?: string) =>
      csvLine(templateRow(buildPersonIn('87'), { on: '2021-09-15' }, name === undefined ? {} : { fullName: name }));
    const text = [HEADER.join(','), rowOf(`Nguyễn ${'A'.repeat(900_000)}`), rowOf()].join('\r\n');
    const job = await importFile('caolanh.tiem', Buffer.from(`${text}\r\n`), 'mui-tiem.csv');
    expect(job).toMatchObject({ status: 'done', imported: 1, rejected: 1, rejectedByReason: { name_too_long: 1 } });
  });
});

describe('an import file with a cell in the last column (XFD, the 16,384th) of every row', () => {
  // An outside probe (2026-12-03, night): 10,000 such rows took 108 s instead of 2.7 s, held the
  // desk's requests up to 4 s, stored every rejected row 16,384 cells wide, and the rejected rows'
  // file then took 14 s and 1.3 GB to make. Cells past the header's last named one are now neither
  // read nor kept.
  const dataRow = (r: number, broken: boolean, month = '09') =>
    templateRow(buildPersonIn('87'), {
      on: `2021-${month}-${String(1 + (r % 28)).padStart(2, '0')}`,
      ...(broken ? { lot: 'KHONG-CO-LO' } : {}),
    });

  async function rejectedStored(jobId: string): Promise<number[]> {
    const rows = await t.db.selectFrom('import_rejected_rows').select('cells').where('job_id', '=', jobId).execute();
    return rows.map((r) => (r.cells as unknown[]).length);
  }

  it('an XLSX: the rows are read as wide as the header, and the rejected rows kept so', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const r = i + 2;
      const cells = inlineRow(r, dataRow(r, i % 10 === 0));
      // The row's closing tag, after a cell in column XFD.
      cells.splice(cells.length - 1, 0, `<c r="XFD${r}" t="inlineStr"><is><t>y</t></is></c>`);
      return cells;
    });
    const header = inlineRow(1, HEADER);
    header.splice(header.length - 1, 0, '<c r="XFD1" t="inlineStr"><is><t>ghi chú</t></is></c>');
    const job = await importFile('caolanh.tiem', await handMade([...header, ...rows.flat()]), 'rong.xlsx');
    expect(job).toMatchObject({ status: 'done', rowsRead: 40, imported: 36, rejected: 4 });
    expect(await rejectedStored(job.id)).toEqual([10, 10, 10, 10]);
    const file = await t.call('GET', `/api/imports/${job.id}/rejected.xlsx`, { as: 'caolanh.tiem' });
    expect(file.status).toBe(200);
  });

  it('a CSV of 16,384 cells a row: the same', async () => {
    const pad = ','.repeat(16_373);
    const lines = [`${HEADER.join(',')}${pad}`];
    for (let r = 2; r <= 21; r++) lines.push(`${dataRow(r, r % 10 === 0, '10').join(',')}${pad}y`);
    const job = await importFile('caolanh.tiem', Buffer.from(`${lines.join('\r\n')}\r\n`), 'rong.csv');
    expect(job).toMatchObject({ status: 'done', rowsRead: 20, imported: 18, rejected: 2 });
    expect(await rejectedStored(job.id)).toEqual([10, 10]);
  });
});
