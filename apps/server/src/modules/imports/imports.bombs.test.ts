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
import { importForm } from '../../test/multipart.js';
import { handMade, inlineRow } from '../../test/xlsx-files.js';

const t = await useTestApp();

const HEADER = [
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Số CCCD/CMND',
  'Số điện thoại',
  'Mã tỉnh',
  'Mã vắc xin',
  'Số lô',
  'Ngày tiêm',
  'Mã cơ sở tiêm',
];

const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

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
  return handMade([
    ...inlineRow(1, HEADER),
    ...inlineRow(2, [
      name,
      vn(p.dateOfBirth),
      p.gender === 'male' ? 'Nam' : 'Nữ',
      p.idNumber ?? '',
      '',
      '87',
      'EU/1/20/1528',
      'FF2587',
      '15/09/2021',
      'DT-CL-01',
    ]),
  ]);
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
    const rowOf = (name?: string) => {
      const p = buildPersonIn('87');
      const cells = [name ?? p.fullName, vn(p.dateOfBirth), p.gender === 'male' ? 'Nam' : 'Nữ', p.idNumber ?? ''];
      return [...cells, p.phone ?? '', '87', 'EU/1/20/1528', 'FF2587', '15/09/2021', 'DT-CL-01'].join(',');
    };
    const text = [HEADER.join(','), rowOf(`Nguyễn ${'A'.repeat(900_000)}`), rowOf()].join('\r\n');
    const job = await importFile('caolanh.tiem', Buffer.from(`${text}\r\n`), 'mui-tiem.csv');
    expect(job).toMatchObject({ status: 'done', imported: 1, rejected: 1, rejectedByReason: { name_too_long: 1 } });
  });
});
