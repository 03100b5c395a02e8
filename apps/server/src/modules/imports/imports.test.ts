import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPORT_COLUMNS, type ImportJob, VACCINES } from '@tiemchung/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import ExcelJS from '../../lib/exceljs.js';
import { XLSX_TYPE } from '../../lib/table-export.js';
import { buildPerson, buildPersonIn, createPersonVia, otherCccd } from '../../test/factories.js';
import { runImportsNow, useTestApp } from '../../test/harness.js';
import { CONTRACT_HEADER, csvCell, PFIZER, PFIZER_LOT, templateRow as rowOf, vn } from '../../test/import-rows.js';
import { multipartBody } from '../../test/multipart.js';
import { importDosesCommand } from './imports.commands.js';
import { runImports } from './imports.job.js';
import { GUIDE_SHEET, TEMPLATE_SHEET } from './imports.template.js';

const t = await useTestApp();

async function workbookOf(res: { raw: { rawPayload: Buffer } }): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  return wb;
}

/** A sheet's rows as arrays of text (empty cells as ''). */
function rowsOf(ws: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (c, i) => {
      cells[i - 1] = c.value == null ? '' : String(c.value);
    });
    rows[n - 1] = cells;
  });
  return rows;
}

describe('the import templates', () => {
  it('a clerk downloads the CSV template: UTF-8 with a BOM and exactly the contract’s header row', async () => {
    const res = await t.call('GET', '/api/imports/template.csv', { as: 'caolanh.tiem' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('.csv');
    const bytes = res.raw.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(`${CONTRACT_HEADER}\r\n`);
  });

  it('the XLSX template has the same columns in Vietnamese and a guide with the vaccine codes and the caller’s facilities', async () => {
    const res = await t.call('GET', '/api/imports/template.xlsx', { as: 'caolanh.tiem' });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = await workbookOf(res);
    expect(wb.worksheets.map((w) => w.name)).toEqual([TEMPLATE_SHEET, GUIDE_SHEET]);
    const [header] = rowsOf(wb.getWorksheet(TEMPLATE_SHEET)!);
    expect(header!.join(',')).toBe(CONTRACT_HEADER);

    const guide = rowsOf(wb.getWorksheet(GUIDE_SHEET)!);
    const firstCells = guide.map((r) => r?.[0] ?? '');
    // Every column explained, the required ones said so.
    for (const c of IMPORT_COLUMNS) {
      const row = guide.find((r) => r?.[0] === c.header);
      expect(row, c.header).toBeDefined();
      expect(row![2]!.length, c.header).toBeGreaterThan(10);
      if (c.key === 'fullName') expect(row![1]).toBe('Bắt buộc');
      if (c.key === 'idNumber') expect(row![1]).toBe('Không bắt buộc');
    }
    for (const v of VACCINES) expect(firstCells).toContain(v.code);
    // A site in Đồng Tháp sees its own facility, not Hà Nội's.
    expect(firstCells).toContain('DT-CL-01');
    expect(firstCells).not.toContain('HN-BD-01');
  });

  it('a province administrator’s guide lists the facilities of the province only', async () => {
    const res = await t.call('GET', '/api/imports/template.xlsx', { as: 'hanoi.admin' });
    expect(res.status).toBe(200);
    const firstCells = rowsOf((await workbookOf(res)).getWorksheet(GUIDE_SHEET)!).map((r) => r?.[0] ?? '');
    expect(firstCells).toContain('HN-BD-01');
    expect(firstCells).not.toContain('DT-CL-01');
  });

  it('a report handler has no import templates (403), nor anyone signed out (401)', async () => {
    expect((await t.call('GET', '/api/imports/template.csv', { as: 'hanoi.phananh' })).status).toBe(403);
    expect((await t.call('GET', '/api/imports/template.xlsx', { as: 'hanoi.phananh' })).status).toBe(403);
    expect((await t.call('GET', '/api/imports/template.xlsx')).status).toBe(401);
  });
});

// ---- the jobs ----

const DT = { facility: 'DT-CL-01', province: '87', district: '866', commune: '29866' } as const;
const sexVn = (g: 'male' | 'female') => (g === 'male' ? 'Nam' : 'Nữ');

/** A CSV file: BOM, `,` and CRLF unless told otherwise. */
function csvOf(rows: string[][], o: { sep?: ',' | ';'; eol?: string; bom?: boolean; header?: string[] } = {}): Buffer {
  const sep = o.sep ?? ',';
  const lines = [o.header ?? CONTRACT_HEADER.split(','), ...rows].map((r) => r.map(csvCell).join(sep));
  return Buffer.from(`${o.bom === false ? '' : '\uFEFF'}${lines.join(o.eol ?? '\r\n')}${o.eol ?? '\r\n'}`, 'utf8');
}

/** `POST /api/imports` as a browser sends it: the fields, then the file. */
async function upload(
  as: string,
  file: Buffer,
  o: { facilityId?: string; dryRun?: boolean; name?: string; fields?: Record<string, string> } = {},
) {
  const fields: Record<string, string> = o.fields ?? {
    facilityId: o.facilityId ?? DT.facility,
    ...(o.dryRun ? { dryRun: 'true' } : {}),
  };
  const name = o.name ?? 'mui-tiem.csv';
  const { body, contentType } = multipartBody([
    ...Object.entries(fields).map(([k, v]) => ({ name: k, value: v })),
    { name: 'file', filename: name, bytes: file, type: name.endsWith('.xlsx') ? XLSX_TYPE : 'text/csv' },
  ]);
  return t.call('POST', '/api/imports', { as, body, headers: { 'content-type': contentType } });
}

/** Uploads, runs the runner to the end and answers the job's summary. */
async function importFile(as: string, file: Buffer, o: Parameters<typeof upload>[2] = {}): Promise<ImportJob> {
  const res = await upload(as, file, o);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await runImportsNow(t);
  return jobOf(res.body.id, as);
}

async function jobOf(id: string, as: string): Promise<ImportJob> {
  const res = await t.call('GET', `/api/imports/${id}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function counts() {
  const { rows } = await sql<{ people: number; doses: number; audit: number }>`
    select (select count(*)::int from people) as people, (select count(*)::int from doses) as doses,
           (select count(*)::int from audit_log) as audit`.execute(t.db);
  return rows[0]!;
}

async function dosesOfIdNumber(idNumber: string) {
  const { rows } = await sql<{ full_name: string; administered_on: string; source: string; retroactive: boolean }>`
    select p.full_name, d.administered_on::text as administered_on, d.source, d.retroactive
    from doses d join people p on p.id = d.person_id where p.id_number = ${idNumber}
    order by d.administered_on`.execute(t.db);
  return rows;
}

/** The rejected rows' file: its header and rows, as text. */
async function rejectedOf(id: string, as: string) {
  const res = await t.call('GET', `/api/imports/${id}/rejected.xlsx`, { as });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const rows = rowsOf((await workbookOf(res)).worksheets[0]!);
  return { header: rows[0]!, rows: rows.slice(1) };
}

describe('a bulk import of historical doses', () => {
  it('a site imports a file: every bad row is rejected with its reason, the rest imported, and a re-import adds nothing', async () => {
    const known = buildPersonIn('87');
    await createPersonVia(t, known, 'caolanh.tiem');
    const fresh = buildPersonIn('87');
    const twin = buildPersonIn('87');
    const twinRecord = await createPersonVia(t, twin, 'caolanh.tiem');
    const other = buildPersonIn('87');
    const legacyName = 'Trần Thị Bé Năm';
    const good = [
      rowOf(fresh, { on: '2021-09-15' }),
      rowOf(known, { on: '2021-10-20' }),
      // No ID number: kept as a legacy record.
      [legacyName, '01/02/1950', 'Nữ', '', '0912 345 601', '87', PFIZER, PFIZER_LOT, '15/09/2021', DT.facility],
      // Another ID number, same name, date of birth and phone as a record: a new person, flagged.
      rowOf({ ...twin, idNumber: otherCccd(twin.idNumber) }, { on: '2021-09-20' }),
    ];
    const bad: [string[], string][] = [
      [rowOf({ ...other, fullName: '' }, { on: '2021-09-15' }), 'import_value_required'],
      [
        [
          ...rowOf(other, { on: '2021-09-15' }).slice(0, 1),
          '31/02/1990',
          ...rowOf(other, { on: '2021-09-15' }).slice(2),
        ],
        'import_date_invalid',
      ],
      [
        [...rowOf(other, { on: '2021-09-15' }).slice(0, 2), 'X', ...rowOf(other, { on: '2021-09-15' }).slice(3)],
        'import_gender_invalid',
      ],
      [rowOf({ ...other, provinceCode: '99' }, { on: '2021-09-15' }), 'import_province_unknown'],
      [rowOf(other, { on: '2021-09-15', vaccine: 'Không có' }), 'unknown_vaccine'],
      [rowOf(other, { on: '2099-01-01' }), 'date_in_future'],
      [rowOf({ ...other, idNumber: '8.71850E+11' }, { on: '2021-09-15' }), 'import_number_as_scientific'],
      [rowOf(other, { on: '2021-09-15', lot: 'KHONG-CO-LO' }), 'unknown_lot'],
      [rowOf(other, { on: '2021-09-15', facility: 'HN-BD-01' }), 'out_of_scope'],
      [rowOf(other, { on: '2021-09-15', facility: 'KHONG-CO' }), 'unknown_facility'],
    ];
    const file = csvOf([...good, ...bad.map(([r]) => r)]);
    const before = await counts();

    const job = await importFile('caolanh.tiem', file);
    expect(job).toMatchObject({
      status: 'done',
      dryRun: false,
      rowsRead: good.length + bad.length,
      totalRows: good.length + bad.length,
      imported: good.length,
      rejected: bad.length,
      matchedPeople: 1,
      newPeople: 3,
      duplicatesFlagged: 1,
      skippedAlreadyImported: 0,
      error: null,
    });
    for (const [, code] of bad) expect(job.rejectedByReason[code], code).toBeGreaterThanOrEqual(1);
    const after = await counts();
    expect(after.people - before.people).toBe(3);
    expect(after.doses - before.doses).toBe(good.length);
    // Each dose audited, like staff entry.
    expect(after.audit - before.audit).toBeGreaterThanOrEqual(good.length);
    const [dose] = await dosesOfIdNumber(fresh.idNumber);
    expect(dose).toMatchObject({ administered_on: '2021-09-15', source: 'import', retroactive: true });
    // Flagged the way the desk flags it: a duplicate candidate pair for review.
    const dup = await t.call('GET', '/api/people/duplicates', { as: 'dongthap.admin' });
    expect(dup.status).toBe(200);
    const pair = dup.body.items.find((c: any) => c.a.id === twinRecord.id || c.b.id === twinRecord.id);
    expect(pair, JSON.stringify(dup.body.items.map((c: any) => c.kind))).toBeDefined();

    // The rejected rows' file: the original columns, the row number, the reason in Vietnamese.
    const rejected = await rejectedOf(job.id, 'caolanh.tiem');
    expect(rejected.header).toEqual([...CONTRACT_HEADER.split(','), 'Dòng trong tệp gốc', 'Lý do bị từ chối']);
    expect(rejected.rows).toHaveLength(bad.length);
    rejected.rows.forEach((r, i) => {
      expect(r.slice(0, 10), `row ${i}`).toEqual(bad[i]![0]);
      expect(Number(r[10])).toBe(good.length + i + 2);
      expect(r[11]!.length).toBeGreaterThan(5);
    });
    expect(rejected.rows[1]![11]).toContain('Ngày sinh');
    expect(rejected.rows[8]![11]).toContain('Mã cơ sở tiêm');

    // The same file again: nothing new, each good row counted as already imported.
    const again = await importFile('caolanh.tiem', file);
    expect(again).toMatchObject({
      status: 'done',
      imported: 0,
      newPeople: 0,
      skippedAlreadyImported: good.length,
      rejected: bad.length,
    });
    const last = await counts();
    expect(last.people).toBe(after.people);
    expect(last.doses).toBe(after.doses);
  });

  it('a dose already on record (entered at the desk) is skipped, not doubled', async () => {
    const p = buildPersonIn('87');
    const person = await createPersonVia(t, p, 'caolanh.tiem');
    const res = await t.call('POST', `/api/people/${person.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn: '2021-09-01', facilityId: DT.facility },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const job = await importFile(
      'caolanh.tiem',
      csvOf([rowOf(p, { on: '2021-09-01' }), rowOf(p, { on: '2021-10-01' })]),
    );
    expect(job).toMatchObject({ imported: 1, skippedAlreadyImported: 1, matchedPeople: 1, rejected: 0 });
    expect((await dosesOfIdNumber(p.idNumber)).map((d) => d.administered_on)).toEqual(['2021-09-01', '2021-10-01']);
  });

  it('a row by a person’s old ID number (the CMND their CCCD replaced) is that person’s dose, not a new person’s', async () => {
    const p = buildPerson();
    const cmnd = `34${p.idNumber.slice(5)}`;
    // The desk registers the CCCD holder with the CMND it replaced: the record keeps it as the old number.
    const person = await createPersonVia(t, { ...p, oldIdNumber: cmnd }, 'caolanh.tiem');
    expect(person).toMatchObject({ idNumber: p.idNumber, oldIdNumber: cmnd });
    const before = await counts();
    // A clinic's old register names them by the CMND.
    const job = await importFile('caolanh.tiem', csvOf([rowOf({ ...p, idNumber: cmnd }, { on: '2021-09-15' })]));
    expect(job).toMatchObject({
      status: 'done',
      imported: 1,
      matchedPeople: 1,
      newPeople: 0,
      duplicatesFlagged: 0,
      rejected: 0,
    });
    expect((await counts()).people).toBe(before.people);
    expect((await dosesOfIdNumber(p.idNumber)).map((d) => d.administered_on)).toEqual(['2021-09-15']);
    expect(await dosesOfIdNumber(cmnd)).toEqual([]);
    // A file naming one dose by both numbers: one person, one dose; the other row already on record.
    const both = await importFile(
      'caolanh.tiem',
      csvOf([rowOf(p, { on: '2021-10-20' }), rowOf({ ...p, idNumber: cmnd }, { on: '2021-10-20' })]),
    );
    expect(both).toMatchObject({ imported: 1, matchedPeople: 1, newPeople: 0, skippedAlreadyImported: 1, rejected: 0 });
    expect((await counts()).people).toBe(before.people);
    expect((await dosesOfIdNumber(p.idNumber)).map((d) => d.administered_on)).toEqual(['2021-09-15', '2021-10-20']);
  });

  it('a number that is one person’s ID number and another’s old number is the holder’s, as one by one', async () => {
    const keeper = buildPerson();
    const holder = buildPerson();
    const cmnd = `34${holder.idNumber.slice(5)}`;
    const keeperRecord = await createPersonVia(t, keeper, 'caolanh.tiem');
    const holderRecord = await createPersonVia(t, { ...holder, idType: 'cmnd', idNumber: cmnd }, 'caolanh.tiem');
    // The keeper first by id: the holder must win by holding the number, not by its id.
    await sql`update people set old_id_number = ${cmnd} where id = ${keeperRecord.id}`.execute(t.db);
    const job = await importFile('caolanh.tiem', csvOf([rowOf({ ...holder, idNumber: cmnd }, { on: '2021-09-15' })]));
    expect(job).toMatchObject({ imported: 1, matchedPeople: 1, newPeople: 0, rejected: 0 });
    const { rows } = await sql<{ person_id: string }>`
      select person_id from doses where person_id in (${keeperRecord.id}, ${holderRecord.id})`.execute(t.db);
    expect(rows.map((r) => r.person_id)).toEqual([holderRecord.id]);
  });

  it('a file with the quirks of real spreadsheets: `;`, no BOM, CRLF, quotes, both date forms, Nam/Nữ in any case, NFD names, phone forms, extra columns', async () => {
    const a = buildPersonIn('87');
    const b = buildPersonIn('87');
    const c = buildPersonIn('87');
    const header = [...CONTRACT_HEADER.split(','), 'Mã huyện', 'Mã xã', 'Mũi số'];
    const phoneForms = (phone: string) => `+84 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
    const rows = [
      [
        a.fullName.normalize('NFD'),
        vn(a.dateOfBirth),
        sexVn(a.gender).toUpperCase(),
        a.idNumber,
        phoneForms(a.phone),
        '87',
        PFIZER,
        PFIZER_LOT,
        '15/09/2021',
        DT.facility,
        DT.district,
        DT.commune,
        '1',
      ],
      [
        `  ${b.fullName.toLowerCase()} `,
        b.dateOfBirth,
        ` ${sexVn(b.gender).toLowerCase()} `,
        b.idNumber,
        b.phone.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1.$2.$3'),
        '87',
        'Pfizer',
        PFIZER_LOT,
        '2021-09-16',
        DT.facility,
        '',
        '',
        '',
      ],
      [
        c.fullName,
        vn(c.dateOfBirth),
        sexVn(c.gender),
        c.idNumber,
        c.phone,
        '87',
        PFIZER,
        PFIZER_LOT,
        '17/09/2021',
        DT.facility,
        DT.district,
        '',
        '1',
      ],
    ];
    // A quoted cell with the separator inside, on the last row's unknown column.
    const withNote = [...header, 'Ghi chú'];
    const file = csvOf(
      rows.map((r) => [...r, 'tiêm tại "điểm 1"; buổi sáng']),
      { sep: ';', bom: false, eol: '\r\n', header: withNote },
    );
    expect(file.subarray(0, 3).toString('latin1')).not.toBe('\xef\xbb\xbf');
    const job = await importFile('caolanh.tiem', file, { name: 'xuat-tu-he-thong-cu.csv' });
    expect(job, JSON.stringify(job.rejectedByReason)).toMatchObject({
      status: 'done',
      rowsRead: 3,
      imported: 3,
      rejected: 0,
      newPeople: 3,
    });
    for (const p of [a, b, c]) {
      const [d] = await dosesOfIdNumber(p.idNumber);
      // Names stored as staff entry stores them: NFC, spacing and capitals normalised.
      expect(d!.full_name).toBe(p.fullName.normalize('NFC'));
    }
    const { rows: stored } = await sql<{ phone: string; district_code: string | null; commune_code: string | null }>`
      select phone, district_code, commune_code from people where id_number = ${a.idNumber}`.execute(t.db);
    expect(stored[0]).toEqual({ phone: a.phone, district_code: DT.district, commune_code: DT.commune });
  });

  it('an XLSX whose first tab is a guide sheet: its rows are read from the tab that has the header', async () => {
    // Found by an outside probe: the clerk moved the template's guide ("Hướng dẫn") before the data.
    const p = buildPersonIn('87');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Hướng dẫn').addRows([
      ['Cột', 'Ý nghĩa'],
      ['Họ và tên', 'Họ và tên đầy đủ, có dấu'],
    ]);
    const data = wb.addWorksheet('Mũi tiêm');
    data.addRow(CONTRACT_HEADER.split(','));
    data.addRow(rowOf(p, { on: '2021-09-12' }));
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const job = await importFile('caolanh.tiem', file, { name: 'huong-dan-truoc.xlsx' });
    expect(job).toMatchObject({ status: 'done', rowsRead: 1, imported: 1 });
    // A workbook none of whose tabs has the header is refused by its first tab's.
    const none = new ExcelJS.Workbook();
    none.addWorksheet('Hướng dẫn').addRow(['Cột', 'Ý nghĩa']);
    none.addWorksheet('Khác').addRow(['Họ và tên', 'Ngày sinh']);
    const refused = await importFile('caolanh.tiem', Buffer.from(await none.xlsx.writeBuffer()), {
      name: 'khong-co.xlsx',
    });
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'import_columns_missing' } });
    expect(refused.error?.message).toContain('Họ và tên');
  });

  it('an XLSX file with Excel serial dates and date cells is read like the CSV', async () => {
    const p = buildPersonIn('87');
    const q = buildPersonIn('87');
    const serial = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(CONTRACT_HEADER.split(','));
    ws.addRow([
      p.fullName,
      serial(p.dateOfBirth),
      sexVn(p.gender),
      p.idNumber,
      p.phone,
      '87',
      PFIZER,
      PFIZER_LOT,
      serial('2021-09-10'),
      DT.facility,
    ]);
    ws.addRow([
      q.fullName,
      new Date(`${q.dateOfBirth}T00:00:00Z`),
      sexVn(q.gender),
      q.idNumber,
      q.phone,
      '87',
      PFIZER,
      PFIZER_LOT,
      new Date('2021-09-11T00:00:00Z'),
      DT.facility,
    ]);
    ws.addRow([]);
    ws.addRow(['', 'not a date', 'Nam', '', '', '87', PFIZER, PFIZER_LOT, '11/09/2021', DT.facility]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const job = await importFile('caolanh.tiem', file, { name: 'so-tiem.xlsx' });
    expect(job).toMatchObject({ status: 'done', rowsRead: 3, imported: 2, rejected: 1 });
    expect((await dosesOfIdNumber(p.idNumber))[0]!.administered_on).toBe('2021-09-10');
    expect((await dosesOfIdNumber(q.idNumber))[0]!.administered_on).toBe('2021-09-11');
    const rejected = await rejectedOf(job.id, 'caolanh.tiem');
    expect(rejected.rows).toHaveLength(1);
    expect(Number(rejected.rows[0]![10])).toBe(5);
  });

  it('an XLSX file LibreOffice Calc saved (its own part order, shared strings, date styles, number cells) is read as the clerk typed it', async () => {
    // fixtures/make-libreoffice-xlsx.ts made it with `soffice --convert-to xlsx`, and what to expect.
    const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'libreoffice.expected.json'), 'utf8')) as {
      imported: { fullName: string; dateOfBirth: string; idNumber: string; phone: string; administeredOn: string }[];
      rejected: { rowNumber: number; idNumber: string; code: string; column: string }[];
    };
    const file = readFileSync(path.join(fixtures, 'libreoffice.xlsx'));
    const job = await importFile('caolanh.tiem', file, { name: 'so-tiem-libreoffice.xlsx' });
    expect(job).toMatchObject({ status: 'done', rowsRead: 4, imported: 3, newPeople: 3, rejected: 1 });
    expect(job.rejectedByReason).toEqual({ import_date_invalid: 1 });
    for (const p of expected.imported) {
      const { rows } = await sql<{ full_name: string; dob: string; phone: string; on: string }>`
        select p.full_name, p.date_of_birth::text as dob, p.phone, d.administered_on::text as on
        from people p join doses d on d.person_id = p.id where p.id_number = ${p.idNumber}`.execute(t.db);
      // The name in NFC whatever the file had, the leading zeros of number cells given back.
      expect(rows).toEqual([{ full_name: p.fullName, dob: p.dateOfBirth, phone: p.phone, on: p.administeredOn }]);
    }
    const rejected = await rejectedOf(job.id, 'caolanh.tiem');
    expect(rejected.rows.map((r) => [Number(r[10]), r[3]])).toEqual(
      expected.rejected.map((r) => [r.rowNumber, r.idNumber]),
    );
    expect(rejected.rows[0]![11]).toContain('31/02/2021');
  });

  it('a dry run checks every row and writes nothing: no person, no dose, no key', async () => {
    const p = buildPersonIn('87');
    const file = csvOf([rowOf(p, { on: '2021-09-15' }), rowOf(p, { on: '2021-10-15', lot: 'KHONG-CO-LO' })]);
    const before = await counts();
    const job = await importFile('caolanh.tiem', file, { dryRun: true });
    expect(job).toMatchObject({ status: 'done', dryRun: true, rowsRead: 2, imported: 1, newPeople: 1, rejected: 1 });
    const after = await counts();
    expect(after.people).toBe(before.people);
    expect(after.doses).toBe(before.doses);
    expect((await rejectedOf(job.id, 'caolanh.tiem')).rows).toHaveLength(1);
    // A real run afterwards imports the row: the dry run left no key behind.
    expect(await importFile('caolanh.tiem', file)).toMatchObject({ imported: 1, skippedAlreadyImported: 0 });
  });

  it('a dry run answers as the real run does, whatever batches a person’s rows fall in', async () => {
    // An outside probe (2026-12-03, night): each batch of a dry run is undone, so a person's row in
    // a later batch was checked without the doses their earlier rows gave them — a second dose nine
    // days after the first was accepted by the dry run and refused by the real one. Batches of 2 rows
    // here (the embedded database starts with batches of 5).
    const a = buildPersonIn('87');
    const b = buildPersonIn('87');
    const c = buildPersonIn('87');
    const file = csvOf([
      rowOf(a, { on: '2021-08-02' }),
      rowOf(b, { on: '2021-08-02' }),
      rowOf(c, { on: '2021-08-03' }),
      rowOf(a, { on: '2021-08-11' }), // nine days after the first: too soon
      rowOf(b, { on: '2021-08-30' }), // b's second dose, in time
      rowOf(a, { on: '2021-08-02' }), // a's first dose again: already imported
      rowOf(c, { on: '2021-08-31', lot: 'KHONG-CO-LO' }),
    ]);
    const summary = (j: ImportJob) => ({
      rowsRead: j.rowsRead,
      imported: j.imported,
      rejected: j.rejected,
      matchedPeople: j.matchedPeople,
      newPeople: j.newPeople,
      duplicatesFlagged: j.duplicatesFlagged,
      skippedAlreadyImported: j.skippedAlreadyImported,
      rejectedByReason: j.rejectedByReason,
    });
    const run = async (dryRun: boolean) => {
      const res = await upload('caolanh.tiem', file, { dryRun });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await runImportsNow(t, { batchSize: 2 });
      return jobOf(res.body.id, 'caolanh.tiem');
    };
    const before = await counts();
    const dry = await run(true);
    expect(dry).toMatchObject({ status: 'done', dryRun: true });
    const after = await counts();
    expect([after.people, after.doses]).toEqual([before.people, before.doses]);
    expect(
      await t.db.selectFrom('import_dry_rows').select('row_number').where('job_id', '=', dry.id).execute(),
    ).toEqual([]);
    const real = await run(false);
    expect(real.status).toBe('done');
    expect(summary(real)).toMatchObject({
      rowsRead: 7,
      imported: 4,
      rejected: 2,
      newPeople: 3,
      matchedPeople: 1,
      skippedAlreadyImported: 1,
    });
    expect(summary(dry)).toEqual(summary(real));
  });

  it('a dry run answers as the real run does for a person named by their number in one batch and their old one in the next', async () => {
    const p = buildPerson();
    const cmnd = `34${p.idNumber.slice(5)}`;
    await createPersonVia(t, { ...p, oldIdNumber: cmnd }, 'caolanh.tiem');
    const other = buildPersonIn('87');
    // Batches of 2: p's first dose by the CCCD in the first, a dose nine days later by the CMND in the second.
    const file = csvOf([
      rowOf(p, { on: '2021-08-02' }),
      rowOf(other, { on: '2021-08-02' }),
      rowOf({ ...p, idNumber: cmnd }, { on: '2021-08-11' }), // too soon after the first
    ]);
    const run = async (dryRun: boolean) => {
      const res = await upload('caolanh.tiem', file, { dryRun });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await runImportsNow(t, { batchSize: 2 });
      return jobOf(res.body.id, 'caolanh.tiem');
    };
    const summary = (j: ImportJob) => [j.imported, j.rejected, j.matchedPeople, j.newPeople, j.rejectedByReason];
    const dry = await run(true);
    const real = await run(false);
    expect(summary(real)).toEqual([2, 1, 1, 1, expect.any(Object)]);
    expect(summary(dry)).toEqual(summary(real));
  });

  it('scope: a site imports only for itself, a province sees only its own imports, a report handler none', async () => {
    // The person's district given: a district's administrator registers people of its district only.
    const file = csvOf([[...rowOf(buildPersonIn('87'), { on: '2021-09-15' }), DT.district]], {
      header: [...CONTRACT_HEADER.split(','), 'Mã huyện'],
    });
    const foreign = await upload('caolanh.tiem', file, { facilityId: 'HN-BD-01' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    expect((await upload('hanoi.admin', file, { facilityId: DT.facility })).status).toBe(403);
    expect((await upload('caolanh.tiem', file, { facilityId: 'KHONG-CO' })).body.error.code).toBe('unknown_facility');
    expect((await upload('hanoi.phananh', file, { facilityId: 'HN-BD-01' })).status).toBe(403);

    // The district's administrator imports for a site of the district; Hà Nội does not see it.
    const created = await upload('caolanh.admin', file, { facilityId: DT.facility });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.id as string;
    for (const [method, url] of [
      ['GET', `/api/imports/${id}`],
      ['GET', `/api/imports/${id}/rejected.xlsx`],
      ['POST', `/api/imports/${id}/cancel`],
    ] as const) {
      const res = await t.call(method, url, { as: 'hanoi.admin' });
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('import_not_found');
    }
    expect((await jobOf(id, 'caolanh.tiem')).status).toBe('queued');
    expect((await jobOf(id, 'dongthap.admin')).status).toBe('queued');
    await runImportsNow(t);
    expect((await jobOf(id, 'caolanh.admin')).imported).toBe(1);
  });

  it('the imports of the caller’s units are listed, newest first, a page at a time; another province’s never', async () => {
    const file = csvOf([rowOf(buildPersonIn('87'), { on: '2021-09-15' })]);
    const ids: string[] = [];
    for (const as of ['caolanh.tiem', 'caolanh.admin', 'caolanh.tiem']) {
      const res = await upload(as, file, { dryRun: true, name: `lan-${ids.length + 1}.csv` });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.id);
    }
    const elsewhere = await upload(
      'hanoi.tiem',
      csvOf([rowOf(buildPersonIn('01'), { on: '2021-09-15', facility: 'HN-BD-01' })]),
      {
        facilityId: 'HN-BD-01',
        dryRun: true,
      },
    );
    expect(elsewhere.status).toBe(202);

    const list = async (as: string, query = '') => {
      const res = await t.call('GET', `/api/imports${query}`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { items: ImportJob[]; nextBefore: string | null };
    };
    // The site: its own, newest first, with who uploaded each; Hà Nội's not among them.
    const site = await list('caolanh.tiem', '?limit=100');
    const ours = site.items.filter((j) => ids.includes(j.id));
    expect(ours.map((j) => [j.id, j.createdBy, j.fileName, j.status, j.dryRun])).toEqual([
      [ids[2], 'caolanh.tiem', 'lan-3.csv', 'queued', true],
      [ids[1], 'caolanh.admin', 'lan-2.csv', 'queued', true],
      [ids[0], 'caolanh.tiem', 'lan-1.csv', 'queued', true],
    ]);
    expect(site.items.every((j) => j.facilityId === DT.facility)).toBe(true);
    expect(site.items.map((j) => j.id)).not.toContain(elsewhere.body.id);
    expect(site.items.map((j) => j.id)).toEqual([...site.items.map((j) => j.id)].sort().reverse());
    // Hà Nội's site and province see theirs and never Đồng Tháp's; the nation sees both.
    for (const as of ['hanoi.tiem', 'hanoi.admin']) {
      const theirs = (await list(as, '?limit=100')).items.map((j) => j.id);
      expect(theirs).toContain(elsewhere.body.id);
      expect(
        theirs.some((id) => ids.includes(id)),
        as,
      ).toBe(false);
    }
    const nation = (await list('admin', '?limit=100')).items.map((j) => j.id);
    expect(nation).toEqual(expect.arrayContaining([...ids, elsewhere.body.id]));

    // A page at a time: the pages together are the whole list, each id once.
    const paged: string[] = [];
    let before: string | null = null;
    do {
      const page = await list('caolanh.tiem', `?limit=2${before ? `&before=${before}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((j) => j.id));
      before = page.nextBefore;
    } while (before);
    expect(paged).toEqual(site.items.map((j) => j.id));

    // Refused at the edge: a report handler has no imports; a page size out of range.
    expect((await t.call('GET', '/api/imports', { as: 'hanoi.phananh' })).status).toBe(403);
    for (const query of ['?limit=0', '?limit=101', '?limit=abc', `?before=${'x'.repeat(65)}`]) {
      const res = await t.call('GET', `/api/imports${query}`, { as: 'caolanh.tiem' });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    await runImportsNow(t);
  });

  it('the upload refuses what is not an import file', async () => {
    const noFile = await upload('caolanh.tiem', Buffer.alloc(0), { fields: { facilityId: DT.facility } });
    expect(noFile.body.error?.code).toBe('import_file_empty');
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const old = await upload('caolanh.tiem', xls, { name: 'so-cu.xls' });
    expect(old.status).toBe(415);
    expect(old.body.error.code).toBe('import_file_type_unsupported');
    const badField = await upload('caolanh.tiem', csvOf([]), { fields: { facilityId: DT.facility, dryRun: 'maybe' } });
    expect(badField.body.error).toMatchObject({ code: 'validation_failed', field: 'dryRun' });
    // A header without the required columns: the job fails and says which.
    const res = await upload('caolanh.tiem', Buffer.from('Họ và tên,Ngày sinh\r\nA,01/01/1990\r\n'));
    expect(res.status).toBe(202);
    await runImportsNow(t);
    const job = await jobOf(res.body.id, 'caolanh.tiem');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('import_columns_missing');
    expect(job.error?.message).toContain('Giới tính');
    // Not UTF-8 (a CSV saved in a Windows code page: "Nữ" in Windows-1258 is 4E F7): the job fails
    // before any row is imported, naming the line of the first wrong byte and how to save the file.
    const good = rowOf(buildPerson(), { on: '2021-09-10' });
    const before = await counts();
    const cp1258 = await upload(
      'caolanh.tiem',
      Buffer.concat([
        csvOf([good]),
        Buffer.from(`Trần Thị B,01/02/1990,`),
        Buffer.from([0x4e, 0xf7]),
        Buffer.from(`,,,87,${PFIZER},${PFIZER_LOT},10/09/2021,${DT.facility}\r\n`),
      ]),
    );
    await runImportsNow(t);
    expect((await jobOf(cp1258.body.id, 'caolanh.tiem')).error).toEqual({
      code: 'import_file_not_utf8',
      message: expect.stringMatching(/dòng 3\).*CSV UTF-8/),
    });
    expect(await counts()).toMatchObject({ people: before.people, doses: before.doses });
    // The wrong byte found past the first stored chunk (1 MB), its line counted across chunks.
    const many = Array.from({ length: 12_000 }, () => good);
    const far = await upload('caolanh.tiem', Buffer.concat([csvOf(many), Buffer.from([0x4e, 0xf7, 0x0d, 0x0a])]));
    await runImportsNow(t);
    expect((await jobOf(far.body.id, 'caolanh.tiem')).error?.message).toContain('dòng 12002)');
    expect(await counts()).toMatchObject({ people: before.people, doses: before.doses });
    // An XLSX file cut short (an upload broken off, a copy not finished): unreadable, said so.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(CONTRACT_HEADER.split(','));
    const whole = Buffer.from(await wb.xlsx.writeBuffer());
    const cut = await upload('caolanh.tiem', whole.subarray(0, whole.length - 200), { name: 'so-tiem.xlsx' });
    expect(cut.status).toBe(202);
    await runImportsNow(t);
    expect((await jobOf(cut.body.id, 'caolanh.tiem')).error).toMatchObject({
      code: 'import_file_unreadable',
      message: expect.stringContaining('XLSX'),
    });
  });

  it('a runner stopped mid-file resumes where it stopped: the end state equals an uninterrupted run', async () => {
    const fileOf = () =>
      csvOf([
        ...Array.from({ length: 5 }, (_, i) => rowOf(buildPersonIn('87'), { on: `2021-09-${String(10 + i)}` })),
        rowOf(buildPersonIn('87'), { on: '2099-01-01' }),
        rowOf(buildPersonIn('87'), { on: '2021-09-20' }),
      ]);
    const straight = await importFile('caolanh.tiem', fileOf());

    const before = await counts();
    const res = await upload('caolanh.tiem', fileOf());
    // A node takes the job, commits one batch of 2 rows and stops (its lease then expires).
    await runImportsNow(t, { batchSize: 2, maxBatches: 1, leaseMs: 0 });
    const midway = await jobOf(res.body.id, 'caolanh.tiem');
    expect(midway).toMatchObject({ status: 'running', rowsRead: 2, imported: 2 });
    // The file's rows were counted before the first batch: the progress shows the time left.
    expect(midway.totalRows).toBe(7);
    expect(midway.secondsLeft).toBeGreaterThanOrEqual(0);
    expect((await counts()).doses - before.doses).toBe(2);
    await new Promise((r) => setTimeout(r, 5));
    // Another node takes it over and finishes.
    await runImportsNow(t, { batchSize: 2 });
    const resumed = await jobOf(res.body.id, 'caolanh.tiem');
    // Everything but the id and the times.
    const summary = (j: ImportJob) =>
      Object.fromEntries(
        Object.entries(j).filter(
          ([k]) => !['id', 'createdAt', 'startedAt', 'finishedAt', 'rowsPerSecond', 'secondsLeft'].includes(k),
        ),
      );
    expect(summary(resumed)).toEqual(summary(straight));
    expect((await counts()).doses - before.doses).toBe(straight.imported);
    expect((await rejectedOf(res.body.id, 'caolanh.tiem')).rows).toHaveLength(straight.rejected);
  });

  it('rows written in bulk end as rows written one at a time: same summary, same doses and numbers', async () => {
    /** A file of fresh people covering the runner's paths, and the ID numbers to look at after. */
    const scenario = async () => {
      // Citizens of any province (a site vaccinates whoever comes): the file's other tests use up
      // the simulator's few citizens of province 87.
      const [a, b, c, e, g] = Array.from({ length: 5 }, () => buildPerson());
      const d = buildPerson();
      const dRecord = await createPersonVia(t, d, 'caolanh.tiem');
      const onRecord = await t.call('POST', `/api/people/${dRecord.id}/doses`, {
        as: 'caolanh.tiem',
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn: '2021-09-02', facilityId: DT.facility },
      });
      expect(onRecord.status).toBe(201);
      const legacy = { ...buildPerson(), idNumber: '' };
      const rows = [
        rowOf(a, { on: '2021-09-01' }),
        rowOf(b, { on: '2021-10-05' }),
        rowOf(a, { on: '2021-10-01' }),
        // Given before the dose above: renumbers it (the one-at-a-time path).
        rowOf(b, { on: '2021-09-05' }),
        rowOf(c, { on: '2021-09-10' }),
        rowOf(c, { on: '2021-09-10' }),
        rowOf(c, { on: '2021-10-10' }),
        // Already on record; then a new dose of a known person.
        rowOf(d, { on: '2021-09-02' }),
        rowOf(d, { on: '2021-10-15' }),
        // Two days after the first: refused by the interval rule; the third is fine.
        rowOf(e, { on: '2021-09-01' }),
        rowOf(e, { on: '2021-09-03' }),
        rowOf(e, { on: '2021-10-01' }),
        rowOf(legacy, { on: '2021-09-20' }),
        // A lot that does not exist, then a good row: the person is created once, by the good row.
        rowOf(g, { on: '2021-09-02', lot: 'KHONG-CO-LO' }),
        rowOf(g, { on: '2021-10-02' }),
        // Under the identity rule of 1 Nov 2021: a is checked against the registry before this dose
        // (when a was created by an earlier batch unverified, because its doses there were earlier).
        rowOf(a, { on: '2022-04-15' }),
      ];
      return { file: csvOf(rows), ids: [a, b, c, d, e, g].map((p) => p.idNumber) };
    };
    const doseLists = async (ids: readonly string[]) => {
      const out: string[][] = [];
      const { rows: checks } = await sql<{ status: string; recheck: boolean }>`
        select verification_status as status, recheck_after is not null as recheck
        from people where id_number in (${sql.join(ids.slice(0, 3))}) order by array_position(${sql.val(ids.slice(0, 3))}::text[], id_number)`.execute(
        t.db,
      );
      out.push(checks.map((c) => `${c.status} ${c.recheck}`));
      for (const id of ids) {
        const { rows } = await sql<{ on: string; n: number; kind: string; source: string }>`
          select d.administered_on as on, d.dose_number as n, d.dose_kind as kind, d.source
          from doses d join people p on p.id = d.person_id where p.id_number = ${id}
          order by d.administered_on`.execute(t.db);
        out.push(rows.map((r) => `${r.on} #${r.n} ${r.kind} ${r.source}`));
      }
      return out;
    };
    const summary = (j: ImportJob) =>
      Object.fromEntries(
        Object.entries(j).filter(
          ([k]) => !['id', 'createdAt', 'startedAt', 'finishedAt', 'rowsPerSecond', 'secondsLeft'].includes(k),
        ),
      );
    const runs = [];
    for (const batchSize of [1, 4, 500]) {
      const { file, ids } = await scenario();
      const before = await counts();
      const res = await upload('caolanh.tiem', file);
      expect(res.status).toBe(202);
      await runImportsNow(t, { batchSize });
      const job = await jobOf(res.body.id, 'caolanh.tiem');
      const after = await counts();
      runs.push({
        job: summary(job),
        doses: await doseLists(ids),
        people: after.people - before.people,
        added: after.doses - before.doses,
      });
    }
    expect(runs[0]!.job).toMatchObject({ status: 'done', rowsRead: 16, skippedAlreadyImported: 2 });
    // a verified for its dose under the rule; b and c, with earlier doses only, left to the re-check job.
    expect(runs[0]!.doses[0]).toEqual(['verified false', 'pending true', 'pending true']);
    expect(runs[0]!.job.rejected, JSON.stringify(runs[0]!.job.rejectedByReason)).toBe(2);
    // a: two doses in order; b: renumbered; d: the dose on record kept, one added.
    expect(runs[0]!.doses[2]).toEqual(['2021-09-05 #1 primary import', '2021-10-05 #2 primary import']);
    expect(runs[0]!.doses[4]).toEqual(['2021-09-02 #1 primary api', '2021-10-15 #2 primary import']);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('a person put on record between a batch’s reading and its transaction is still checked before a dose under the identity rule', async () => {
    const h = buildPerson();
    const statusOf = async () =>
      (
        await sql<{ status: string }>`
          select verification_status as status from people where id_number = ${h.idNumber}`.execute(t.db)
      ).rows.map((r) => r.status);
    // On record, never checked against the registry: created by an import of a dose before the rule.
    expect(await importFile('caolanh.tiem', csvOf([rowOf(h, { on: '2021-09-20' })]))).toMatchObject({
      imported: 1,
      newPeople: 1,
    });
    expect(await statusOf()).toEqual(['pending']);
    const res = await upload('caolanh.tiem', csvOf([rowOf(h, { on: '2022-05-01' })]));
    expect(res.status).toBe(202);
    // The batch's reading before its transaction does not see h — as if another import or the desk
    // had put h on record just after it; the transaction, under its locks, does.
    const hidden = new Set<string>();
    const late = t.db.withPlugin({
      transformQuery(args) {
        const node = args.node as {
          kind: string;
          from?: { froms: { table?: { identifier: { name: string } } }[] };
          endModifiers?: unknown[];
        };
        if (
          !hidden.size &&
          node.kind === 'SelectQueryNode' &&
          node.from?.froms[0]?.table?.identifier.name === 'people' &&
          !node.endModifiers?.length
        )
          hidden.add(args.queryId.queryId);
        return args.node;
      },
      async transformResult(args) {
        return hidden.has(args.queryId.queryId) ? { ...args.result, rows: [] } : args.result;
      },
    });
    await runImports(late, t.app.deps);
    expect(hidden.size).toBe(1);
    expect(await jobOf(res.body.id, 'caolanh.tiem')).toMatchObject({
      status: 'done',
      imported: 1,
      matchedPeople: 1,
      newPeople: 0,
    });
    expect(await statusOf()).toEqual(['verified']);
    expect((await dosesOfIdNumber(h.idNumber)).map((d) => d.administered_on)).toEqual(['2021-09-20', '2022-05-01']);
  });

  it('a database busy for a moment (503) leaves the job running, its lease given back: the next round finishes it', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => rowOf(buildPerson(), { on: `2021-09-${10 + i}` }));
    const straight = await importFile('caolanh.tiem', csvOf(rows.slice(0, 2)));
    expect(straight.imported).toBe(2);
    const res = await upload('caolanh.tiem', csvOf(rows));
    // The connection queue's 503 where the second batch writes its row keys (the first batch, two rows
    // already imported, committed and wrote none).
    let keyWrites = 0;
    const busy = t.db.withPlugin({
      transformQuery(args) {
        const node = args.node as { kind: string; into?: { table: { identifier: { name: string } } } };
        if (
          node.kind === 'InsertQueryNode' &&
          node.into?.table.identifier.name === 'import_row_keys' &&
          ++keyWrites === 1
        )
          throw new AppError('service_unavailable');
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    await expect(runImports(busy, t.app.deps, { batchSize: 2 })).rejects.toMatchObject({ code: 'service_unavailable' });
    const midway = await jobOf(res.body.id, 'caolanh.tiem');
    expect(midway).toMatchObject({
      status: 'running',
      rowsRead: 2,
      imported: 0,
      skippedAlreadyImported: 2,
      error: null,
    });
    const { rows: lease } = await sql<{ lease_owner: string | null }>`
      select lease_owner from import_jobs where id = ${res.body.id}`.execute(t.db);
    expect(lease[0]!.lease_owner).toBeNull();
    // The next round (no lease to wait for) resumes at row 3.
    await runImportsNow(t, { batchSize: 2 });
    expect(await jobOf(res.body.id, 'caolanh.tiem')).toMatchObject({
      status: 'done',
      rowsRead: 4,
      imported: 2,
      skippedAlreadyImported: 2,
    });
  });

  it('an import is cancelled: waiting, it never runs; running, it stops between batches; ended, 409', async () => {
    const rows = () => Array.from({ length: 4 }, (_, i) => rowOf(buildPersonIn('87'), { on: `2021-09-${10 + i}` }));
    const waiting = await upload('caolanh.tiem', csvOf(rows()));
    const cancelled = await t.call('POST', `/api/imports/${waiting.body.id}/cancel`, { as: 'caolanh.tiem' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const before = await counts();
    await runImportsNow(t);
    expect((await counts()).doses).toBe(before.doses);
    expect((await jobOf(waiting.body.id, 'caolanh.tiem')).rowsRead).toBe(0);

    const running = await upload('caolanh.tiem', csvOf(rows()));
    await runImportsNow(t, { batchSize: 2, maxBatches: 1, leaseMs: 0 });
    expect((await t.call('POST', `/api/imports/${running.body.id}/cancel`, { as: 'caolanh.tiem' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    await runImportsNow(t, { batchSize: 2 });
    const job = await jobOf(running.body.id, 'caolanh.tiem');
    expect(job).toMatchObject({ status: 'cancelled', rowsRead: 2, imported: 2 });
    expect((await counts()).doses - before.doses).toBe(2);

    const again = await t.call('POST', `/api/imports/${running.body.id}/cancel`, { as: 'caolanh.tiem' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('import_not_cancellable');
    expect(again.body.error.message).toMatch(/đã hủy|cancelled/);
  });
});

describe('npm run import -- doses FILE --facility ID [--dry-run] (the command, in this process)', () => {
  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const progress: string[] = [];
    const code = await importDosesCommand(t.db, t.app.deps, args, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      progress: (l) => progress.push(l),
    });
    return { code, out, err, progress };
  }

  it('imports a file as the named account, prints the summary, a re-run adds nothing; a dry run writes nothing', async () => {
    const people = [buildPersonIn('87'), buildPersonIn('87')];
    const dir = mkdtempSync(path.join(tmpdir(), 'tc-import-cli-'));
    try {
      const file = path.join(dir, 'mui-tiem.csv');
      writeFileSync(file, csvOf(people.map((p) => rowOf(p, { on: '2021-09-01' }))));
      const dosesNow = async () =>
        Number((await sql<{ n: string }>`select count(*) as n from doses`.execute(t.db)).rows[0]?.n);
      const before = await dosesNow();

      const dry = await run([file, '--facility', DT.facility, '--dry-run', '--as', 'caolanh.tiem']);
      expect(dry.code, dry.err.join('\n')).toBe(0);
      expect(dry.out.join('\n')).toMatch(/done \(dry run: nothing written\)/);
      expect(dry.out.join('\n')).toMatch(/rows read 2, imported 2, rejected 0/);
      expect(await dosesNow()).toBe(before);

      const real = await run([file, '--facility', DT.facility, '--as', 'caolanh.tiem']);
      expect(real.code, real.err.join('\n')).toBe(0);
      expect(real.out.join('\n')).toMatch(/rows read 2, imported 2, rejected 0/);
      expect(real.progress.at(-1)).toMatch(/^\[█{20}\] 2 \/ 2 rows · .*2 imported, 0 rejected · done$/);
      expect(await dosesNow()).toBe(before + 2);

      const again = await run([file, '--facility', DT.facility, '--as', 'caolanh.tiem']);
      expect(again.code).toBe(0);
      expect(again.out.join('\n')).toMatch(/imported 0, rejected 0/);
      expect(again.out.join('\n')).toMatch(/already imported 2/);
      expect(await dosesNow()).toBe(before + 2);

      // Scope as at the API: a Hà Nội site cannot import for a Đồng Tháp facility.
      const refused = await run([file, '--facility', DT.facility, '--as', 'hanoi.tiem']);
      expect(refused.code).toBe(1);
      expect(refused.err.join('\n')).toMatch(/^refused: /m);
      // Usage errors: exit 2, saying what is missing.
      expect((await run([file])).code).toBe(2);
      expect((await run([file, '--facility', DT.facility, '--as', 'nobody'])).err.join('\n')).toMatch(/nobody/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
