import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ERROR_CATALOGUE, type ErrorCode, ROLES, type Role } from '@tiemchung/core';
import { afterAll, describe, expect, it } from 'vitest';
import ExcelJS from '../../lib/exceljs.js';
import { XLSX_TYPE } from '../../lib/table-export.js';
import { runImportsNow, useTestApp } from '../../test/harness.js';
import { type FormPart, multipartBody } from '../../test/multipart.js';

/**
 * What `POST /api/imports` refuses at once, and what the import routes (and every other API route)
 * answer for an over-long path parameter — on an app that also serves a built web app, whose file
 * server must never answer an /api path. Every answer is a catalogue code with its status, its
 * message in the request's language.
 */

// A web build: the file server is then registered beside the API, as in production.
const dist = mkdtempSync(path.join(tmpdir(), 'tiemchung-web-'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><html><body><div id="root"></div></body></html>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const t = await useTestApp({ config: { WEB_DIST: dist } });

const HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm';
const ROW = 'Nguyễn Văn An,05/03/1985,Nam,,0912345678,87,EU/1/20/1528,FF2587,15/09/2021,DT-CL-01';

/** `POST /api/imports` with these parts, in this order. */
async function post(parts: FormPart[], headers: Record<string, string> = {}) {
  const { body, contentType } = multipartBody(parts);
  return t.call('POST', '/api/imports', {
    as: 'caolanh.tiem',
    body,
    headers: { 'content-type': contentType, ...headers },
  });
}

const facility = { name: 'facilityId', value: 'DT-CL-01' };
const upload = (bytes: Buffer, name = 'mui-tiem.csv', headers: Record<string, string> = {}) =>
  post([facility, { name: 'file', filename: name, bytes }], headers);

/** The contract's error: the code, the catalogue's status for it, JSON. */
function expectError(res: { status: number; body: any; headers: Record<string, unknown> }, code: ErrorCode) {
  expect(String(res.headers['content-type']), JSON.stringify(res.body)).toMatch(/^application\/json/);
  expect(res.body.error?.code, JSON.stringify(res.body)).toBe(code);
  expect(res.status).toBe(ERROR_CATALOGUE[code].status);
  return res.body.error as { code: string; message: string; field?: string };
}

describe('POST /api/imports: exactly one file', () => {
  it('two file parts → 400 import_file_multiple (not 413 import_file_too_large), in the caller’s language', async () => {
    const small = Buffer.from(`${HEADER}\r\n${ROW}\r\n`);
    const parts: Part[] = [
      facility,
      { name: 'file', filename: 'a.csv', bytes: small },
      { name: 'file', filename: 'b.csv', bytes: Buffer.alloc(6 * 1024, 'x') },
    ];
    const vi = expectError(await post(parts), 'import_file_multiple');
    expect(vi).toEqual({
      code: 'import_file_multiple',
      field: 'file',
      message: ERROR_CATALOGUE.import_file_multiple.vi,
    });
    const en = expectError(await post(parts, { 'accept-language': 'en' }), 'import_file_multiple');
    expect(en.message).toBe(ERROR_CATALOGUE.import_file_multiple.en);
    // A second file under another field name is a second file all the same.
    const other = await post([...parts.slice(0, 2), { name: 'attachment', filename: 'c.csv', bytes: small }]);
    expectError(other, 'import_file_multiple');
  });

  it('more form fields than the upload takes → 400 import_fields_too_many', async () => {
    const res = await post([
      facility,
      { name: 'dryRun', value: 'true' },
      ...['a', 'b', 'c'].map((name) => ({ name, value: 'x' })),
      { name: 'file', filename: 'a.csv', bytes: Buffer.from(`${HEADER}\r\n${ROW}\r\n`) },
    ]);
    expectError(res, 'import_fields_too_many');
  });

  it('a form field the schema refuses → 400 validation_failed naming it, fully in the caller’s language', async () => {
    const bytes = Buffer.from(`${HEADER}\r\n${ROW}\r\n`);
    const parts: Part[] = [facility, { name: 'dryRun', value: 'maybe' }, { name: 'file', filename: 'a.csv', bytes }];
    const vi = expectError(await post(parts), 'validation_failed');
    expect(vi.field).toBe('dryRun');
    expect(vi.message).toMatch(/^Giá trị không hợp lệ ở trường dryRun: cần true hoặc false$/);
    const en = expectError(await post(parts, { 'accept-language': 'en' }), 'validation_failed');
    expect(en.message).toBe('Invalid value for dryRun: expected true or false');
  });
});

describe('POST /api/imports: what is not a CSV UTF-8 text or an XLSX', () => {
  it('a UTF-8 CSV with a NUL byte in a name → 415 import_file_binary naming its line, not the .xls advice', async () => {
    const csv = Buffer.from(`\uFEFF${HEADER}\r\n${ROW}\r\nTrần Thị B\u0000ình,01/02/1990,Nữ\r\n`, 'utf8');
    const vi = expectError(await upload(csv), 'import_file_binary');
    expect(vi.field).toBe('file');
    expect(vi.message).toContain('byte NUL (mã 0) ở dòng 3');
    expect(vi.message).not.toMatch(/\.xls\b/);
    const en = expectError(await upload(csv, 'mui-tiem.csv', { 'accept-language': 'en' }), 'import_file_binary');
    expect(en.message).toContain('NUL byte (code 0) on line 3');
    // Far into the file (past the first 4 KB), lines ending in \n only.
    const rows = Array.from({ length: 200 }, () => ROW);
    const far = Buffer.from(`${HEADER}\n${rows.join('\n')}\nA\u0000\n`, 'utf8');
    expect(far.length).toBeGreaterThan(8192);
    expect(expectError(await upload(far), 'import_file_binary').message).toContain('ở dòng 202');
    // Any binary file: a PNG (its signature holds a CR LF and a LF: the NUL after them is on line 3).
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(expectError(await upload(png, 'anh.csv'), 'import_file_binary').message).toContain('ở dòng 3');
  });

  it('an old Excel .xls (the OLE2 signature) → 415 import_file_type_unsupported, with the advice to save it as .xlsx', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const res = expectError(await upload(xls, 'so-cu.xls', {}), 'import_file_type_unsupported');
    expect(res.message).toBe(ERROR_CATALOGUE.import_file_type_unsupported.vi);
    expect(res.message).toContain('.xls');
    // Half the signature is not an .xls: a binary file like any other.
    const half = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0x41, 0x42, 0x43, 0x44]), Buffer.alloc(8)]);
    expectError(await upload(half, 'la.xls'), 'import_file_binary');
  });

  it('a UTF-16 text (Excel’s "Unicode Text") → 400 import_file_not_utf8 at line 1, with how to save it', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\r\n${ROW}\r\n`, 'utf16le')]);
    const res = expectError(await upload(utf16, 'unicode.txt'), 'import_file_not_utf8');
    expect(res.message).toContain('dòng 1)');
    expect(res.message).toContain('CSV UTF-8');
  });

  it('an XLSX and a plain UTF-8 CSV are taken (202)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(HEADER.split(','));
    ws.addRow(ROW.split(','));
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await post([facility, { name: 'file', filename: 'a.xlsx', bytes: xlsx, type: XLSX_TYPE }])).status).toBe(
      202,
    );
    expect((await upload(Buffer.from(`${HEADER}\r\n${ROW}\r\n`))).status).toBe(202);
  });
});

describe('POST /api/imports: an empty file, a file without data rows (docs/api.md, docs/bulk-import.md)', () => {
  it('0 bytes → 400 import_file_empty at once; a header without rows → 202, then the job fails with import_file_empty', async () => {
    expectError(await upload(Buffer.alloc(0)), 'import_file_empty');
    const headerOnly = await upload(Buffer.from(`\uFEFF${HEADER}\r\n`, 'utf8'));
    expect(headerOnly.status, JSON.stringify(headerOnly.body)).toBe(202);
    await runImportsNow(t);
    const job = await t.call('GET', `/api/imports/${headerOnly.body.id}`, { as: 'caolanh.tiem' });
    expect(job.body).toMatchObject({ status: 'failed', error: { code: 'import_file_empty' } });
  });
});

const long = (n: number) => 'a'.repeat(n);

describe('over-long and unknown ids: a catalogue error in JSON, never the file server’s answer', () => {
  it('the import routes: 65 to 5,000 characters → 400 validation_failed naming id; a well-formed unknown id → 404 import_not_found', async () => {
    for (const n of [65, 200, 501, 1000, 5000]) {
      for (const [method, url] of [
        ['GET', `/api/imports/${long(n)}`],
        ['POST', `/api/imports/${long(n)}/cancel`],
        ['GET', `/api/imports/${long(n)}/rejected.xlsx`],
      ] as const) {
        const res = await t.call(method, url, { as: 'caolanh.tiem' });
        const error = expectError(res, 'validation_failed');
        expect(error.field, `${method} ${n}`).toBe('id');
      }
    }
    for (const [method, url] of [
      ['GET', `/api/imports/${randomUUID()}`],
      ['POST', `/api/imports/${randomUUID()}/cancel`],
      ['GET', `/api/imports/${randomUUID()}/rejected.xlsx`],
    ] as const)
      expectError(await t.call(method, url, { as: 'caolanh.tiem' }), 'import_not_found');
  });

  it('an /api path no route takes → 404 route_not_found, whatever its length or form (no 403 from the file server)', async () => {
    for (const url of [
      `/api/no-such-thing/${long(5000)}`,
      `/api/${long(300)}`,
      '/api/people//x',
      '/api//imports',
      `/api/imports/${long(10)}/no-such-action`,
    ]) {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        const res = await t.call(method, url, { as: 'caolanh.tiem' });
        expectError(res, 'route_not_found');
      }
    }
    // The web app's pages are still served.
    const page = await t.app.inject({ method: 'GET', url: '/tra-cuu' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('every API route with a path parameter: 5,000 characters in it → its schema’s 400 naming the parameter, or a not-found 404', async () => {
    const userOf: Record<Role, string> = {
      national_admin: 'admin',
      province_admin: 'dongthap.admin',
      district_admin: 'caolanh.admin',
      site_staff: 'caolanh.tiem',
      report_handler: 'dongthap.phananh',
    };
    expect(Object.keys(userOf).sort()).toEqual([...ROLES].sort());
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/') && r.url.includes('/:'));
    expect(routes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, () => long(5000));
      const as = route.access.roles === 'public' ? undefined : userOf[route.access.roles[0]!];
      const res = await t.call(route.method as 'GET', url, { as });
      const error = res.body?.error as { code?: string; field?: string } | undefined;
      const label = `${route.method} ${route.url}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
      const code = error?.code as ErrorCode | undefined;
      if (!String(res.headers['content-type']).startsWith('application/json') || !code || !(code in ERROR_CATALOGUE)) {
        wrong.push(label);
        continue;
      }
      if (ERROR_CATALOGUE[code].status !== res.status) wrong.push(label);
      // Never the router skipping the route (a 404 route_not_found, a 414) nor the file server's 403.
      if (code === 'route_not_found' || code === 'uri_too_long' || code === 'forbidden') wrong.push(label);
      // A device's session comes first on the e-health book's routes; otherwise the parameter's check.
      const ok =
        (res.status === 400 && code === 'validation_failed' && error?.field !== undefined) ||
        res.status === 404 ||
        (res.status === 401 && route.access.scope === 'household');
      if (!ok) wrong.push(label);
    }
    expect(wrong).toEqual([]);
  });
});

describe('a validation error’s message is wholly in the request’s language', () => {
  it('GET /api/imports/{66 characters}: Vietnamese by default, English when asked', async () => {
    const url = `/api/imports/${long(66)}`;
    const vi = expectError(await t.call('GET', url, { as: 'caolanh.tiem' }), 'validation_failed');
    expect(vi).toEqual({
      code: 'validation_failed',
      field: 'id',
      message: 'Giá trị không hợp lệ ở trường id: tối đa 64 ký tự',
    });
    const en = await t.call('GET', url, { as: 'caolanh.tiem', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(expectError(en, 'validation_failed').message).toBe('Invalid value for id: at most 64 characters');
    // Vietnamese preferred over English: Vietnamese.
    const both = await t.call('GET', url, { as: 'caolanh.tiem', headers: { 'accept-language': 'en;q=0.5, vi' } });
    expect(both.body.error.message).toBe(vi.message);
  });

  it('concurrent requests in both languages each get their own language', async () => {
    const url = `/api/imports/${long(70)}`;
    const langs = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'en' : 'vi'));
    const answers = await Promise.all(
      langs.map((lang) => t.call('GET', url, { as: 'caolanh.tiem', headers: { 'accept-language': lang } })),
    );
    for (const [i, res] of answers.entries())
      expect(res.body.error.message).toBe(
        langs[i] === 'en'
          ? 'Invalid value for id: at most 64 characters'
          : 'Giá trị không hợp lệ ở trường id: tối đa 64 ký tự',
      );
  });
});
