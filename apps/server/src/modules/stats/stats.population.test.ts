import { readFileSync } from 'node:fs';
import { ageBandOf, primarySplit, type StatsLevel } from '@tiemchung/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POPULATION, DEMO_UNITS } from '../../bootstrap/demo-data.js';
import { unitOfWork } from '../../db/transaction.js';
import ExcelJS from '../../lib/exceljs.js';
import { useTestApp } from '../../test/harness.js';
import { measured } from '../../test/memory.js';
import { multipartBody } from '../../test/multipart.js';
import { handMade, inline, inlineRow, type Piece } from '../../test/xlsx-files.js';
import { importUnitList } from '../units/units.import.js';
import { activePopulationSource, parseAges, populationOf, SHOWN_VALUE_CHARS } from './stats.population.js';

const t = await useTestApp();

// ---- the official 2025 list and old → new mapping of the demo provinces, loaded into this database ----
const REF = new URL('../../../../../reference/admin-units/', import.meta.url);
const DEMO_PROVINCES = Object.keys(DEMO_UNITS);
const mappingDoc = (() => {
  const doc = JSON.parse(readFileSync(new URL('admin-units-2025-mapping.json', REF), 'utf8'));
  return { data: doc.data.filter((p: any) => DEMO_PROVINCES.includes(p.level1_id)) };
})();
const list2025Doc = (() => {
  const newCodes = mappingDoc.data.flatMap((p: any) => p.splits.map((s: any) => s.new_id));
  return JSON.parse(readFileSync(new URL('admin-units-2025.json', REF), 'utf8')).filter((p: any) =>
    newCodes.includes(p.Code),
  );
})();
beforeAll(async () => {
  await unitOfWork(t.db, (trx) => importUnitList(trx, list2025Doc));
  await unitOfWork(t.db, (trx) => importUnitList(trx, mappingDoc));
});

/** The demo's 2021 units: commune → district and province; district → province. */
const PARENTS = new Map<string, { province: string; district?: string }>();
for (const [province, districts] of Object.entries(DEMO_UNITS))
  for (const d of districts) {
    PARENTS.set(d.code, { province });
    for (const [code] of d.communes) PARENTS.set(code, { province, district: d.code });
  }
/** Old → new by the official mapping and core's rule (test's own reading of the mapping file). */
const NEW_PROVINCE = new Map<string, string>(mappingDoc.data.map((p: any) => [p.level1_id, p.splits[0].new_id]));
const NEW_COMMUNE = new Map<string, string>();
for (const p of mappingDoc.data)
  for (const c of p.level3s) {
    // The server's mapping table keeps no list order: its "first listed" is the lowest new code.
    const splits = c.splits
      .map((s: any) => ({ code: s.new_id, name: s.name }))
      .sort((a: any, b: any) => a.code.localeCompare(b.code));
    const chosen = primarySplit(c.level3_id, c.name, splits);
    if (chosen) NEW_COMMUNE.set(c.level3_id, chosen.code);
  }

// ---- files ----

function upload(
  file: { name: string; bytes: Buffer; type?: string } | undefined,
  fields: Record<string, string> = { source: 'Tổng điều tra 2019 (thử)', year: '2019' },
  as = 'admin',
  headers: Record<string, string> = {},
) {
  const m = multipartBody([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    ...(file ? [{ name: 'file', filename: file.name, bytes: file.bytes, type: file.type ?? 'text/csv' }] : []),
  ]);
  return t.call('POST', '/api/stats/population', {
    as,
    body: m.body,
    headers: { ...headers, 'content-type': m.contentType },
  });
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const csv = (lines: string[], sep = ',', bom = true) =>
  Buffer.from(`${bom ? '\uFEFF' : ''}${lines.map((l) => l.replaceAll(',', sep)).join('\r\n')}\r\n`);

/** What the rows of a 2021 file must add up to at every level: the test's own roll-up. */
interface Row {
  code: string;
  sex: 'male' | 'female';
  band: string;
  n: number;
}
function expectedCube(rows: Row[], scheme: '2021' | '2025' = '2021'): Map<string, number> {
  const out = new Map<string, number>();
  const add = (level: StatsLevel, code: string | undefined, r: Row) => {
    if (code === undefined) return;
    const k = `${level}|${code}|${r.sex}|${r.band}`;
    out.set(k, (out.get(k) ?? 0) + r.n);
  };
  for (const r of rows) {
    add('nation', '', r);
    if (scheme === '2025') {
      if (r.code.length === 2) add('province2025', r.code, r);
      else {
        const province = list2025Doc.find((p: any) => p.Wards.some((w: any) => w.Code === r.code))?.Code;
        add('province2025', province, r);
        add('commune2025', r.code, r);
      }
      continue;
    }
    const parents = PARENTS.get(r.code);
    const province = r.code.length === 2 ? r.code : parents?.province;
    add('province', province, r);
    add('province2025', province && NEW_PROVINCE.get(province), r);
    if (r.code.length === 5) {
      add('district', parents?.district, r);
      add('commune', r.code, r);
      add('commune2025', NEW_COMMUNE.get(r.code), r);
    }
    if (r.code.length === 3) add('district', r.code, r);
  }
  return out;
}

async function storedCube(importId: string): Promise<Map<string, number>> {
  const rows = await t.db
    .selectFrom('stats_population')
    .select(['level', 'unit_code', 'sex', 'age_band', 'n'])
    .where('import_id', '=', importId)
    .execute();
  return new Map(rows.map((r) => [`${r.level}|${r.unit_code}|${r.sex}|${r.age_band}`, Number(r.n)]));
}

const importsCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('stats_population_imports')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the demo population', () => {
  it('is loaded at the demo bootstrap, labelled as synthetic, rolled up from its rows', async () => {
    const res = await t.call('GET', '/api/stats/population', { as: 'caolanh.tiem' });
    expect(res.status).toBe(200);
    const demo = res.body.items.at(-1);
    expect(demo).toMatchObject({ source: DEMO_POPULATION.source, year: 2021, rows: 180, importedBy: null });
    const text = readFileSync(DEMO_POPULATION.file, 'utf8').replace(/^\uFEFF/, '');
    const rows: Row[] = text
      .trim()
      .split(/\r\n/)
      .slice(1)
      .map((l) => l.split(';'))
      .map(([code, , sex, band, n]) => ({
        code: code!,
        sex: sex === 'Nam' ? 'male' : 'female',
        band: band!,
        n: Number(n),
      }));
    expect(rows).toHaveLength(180);
    // The mapping was loaded after the bootstrap: its 2025 levels are absent; the 2021 ones are exact.
    const expected = [...expectedCube(rows)].filter(([k]) => !k.includes('2025|'));
    const stored = await storedCube(demo.id);
    expect(new Map([...stored].filter(([k]) => !k.includes('2025|')))).toEqual(new Map(expected));
  });
});

describe('POST /api/stats/population', () => {
  it('imports a CSV (BOM, `;`, CRLF, Vietnamese headers, Nam/Nữ, single ages and ranges) rolled up to every level of both schemes', async () => {
    const lines = [
      'Mã đơn vị,Tên,Giới tính,Nhóm tuổi,Dân số (người)',
      // Hà Nội by commune, some by single ages summed into a band.
      '00001,Phường Phúc Xá,Nam,18,100',
      '00001,Phường Phúc Xá,Nam,19-49,"1.200"',
      '00001,Phường Phúc Xá,Nữ,18-49,1300',
      '00004,Phường Trúc Bạch,Nữ,Dưới 5 tuổi,70',
      '00040,Phường Đồng Xuân,Nam,65+,55',
      '00037,Phường Phúc Tân,nữ,Từ 65 tuổi,44',
      '',
      // Hà Nội's total for men 18-49, a check of the communes' (1,300): not added.
      '01,Hà Nội,Nam,18-49,1300',
      // Đồng Tháp by district (no commune rows there) and HCM by province.
      '866,TP Cao Lãnh,Nam,12-17,300',
      '867,TP Sa Đéc,Nữ,50-64,420',
      '79,TP HCM,Nữ,5-11,9000',
    ];
    const res = await upload({ name: 'dan-so.csv', bytes: csv(lines, ';') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ source: 'Tổng điều tra 2019 (thử)', year: 2019, rows: 10, importedBy: 'admin' });
    const rows: Row[] = [
      { code: '00001', sex: 'male', band: '18-49', n: 1300 },
      { code: '00001', sex: 'female', band: '18-49', n: 1300 },
      { code: '00004', sex: 'female', band: '0-4', n: 70 },
      { code: '00040', sex: 'male', band: '65+', n: 55 },
      { code: '00037', sex: 'female', band: '65+', n: 44 },
      { code: '866', sex: 'male', band: '12-17', n: 300 },
      { code: '867', sex: 'female', band: '50-64', n: 420 },
      { code: '79', sex: 'female', band: '5-11', n: 9000 },
    ];
    expect(await storedCube(res.body.id)).toEqual(expectedCube(rows));
    // Spot checks, written out: Hà Nội's men 18–49 counted once; the 2025 Hồng Hà commune is Phúc Xá and Phúc Tân.
    const hn = await populationOf(t.db, 'province', ['01']);
    expect(hn.get('01')).toMatchObject({ total: 1300 + 1300 + 70 + 55 + 44, bySex: { male: 1355, female: 1414 } });
    expect((await populationOf(t.db, 'commune2025', ['00097'])).get('00097')?.total).toBe(1300 + 1300 + 44);
    expect((await populationOf(t.db, 'province2025', ['82'])).get('82')?.total).toBe(720);
    expect((await populationOf(t.db, 'nation', [''])).get('')?.total).toBe(rows.reduce((s, r) => s + r.n, 0));
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_username', 'after'])
      .where('entity_id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'population.import', actor_username: 'admin' });
  });

  it('imports an XLSX (its first sheet with data, English headers, codes as text, numbers as numbers, a title row above the header)', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Ghi chú');
    const ws = wb.addWorksheet('Population');
    ws.addRow(['Population by commune, 2019']);
    ws.addRow(['unit_code', 'sex', 'age_band', 'population']);
    const rows: Row[] = [
      { code: '29866', sex: 'female', band: '18-49', n: 4321 },
      { code: '29869', sex: 'male', band: '18-49', n: 3999 },
      { code: '29869', sex: 'male', band: '65+', n: 610 },
      { code: '26740', sex: 'female', band: '12-17', n: 812 },
    ];
    for (const r of rows) ws.addRow([r.code, r.sex === 'male' ? 'Male' : 'Female', r.band, r.n]);
    // A code typed as a number but shown with its leading zeros by the cell's format.
    const numeric = ws.addRow([1, 'F', '50-64', 77]);
    numeric.getCell(1).numFmt = '00000';
    rows.push({ code: '00001', sex: 'female', band: '50-64', n: 77 });
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(
      { name: 'population.xlsx', bytes, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      { source: 'GSO 2019 (XLSX test)', year: '2019' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rows).toBe(5);
    expect(await storedCube(res.body.id)).toEqual(expectedCube(rows));
  });

  it('imports a 2025-scheme file into the 2025 levels and the nation only', async () => {
    const lines = [
      'ma_don_vi_2025,gioi_tinh,nhom_tuoi,dan_so',
      '00097,Nam,18-49,5000',
      '00004,Nữ,18-49,4000',
      '82,Nam,65+,12000',
    ];
    const res = await upload({ name: 'dan-so-2025.csv', bytes: csv(lines) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stored = await storedCube(res.body.id);
    expect(stored).toEqual(
      expectedCube(
        [
          { code: '00097', sex: 'male', band: '18-49', n: 5000 },
          { code: '00004', sex: 'female', band: '18-49', n: 4000 },
          { code: '82', sex: 'male', band: '65+', n: 12000 },
        ],
        '2025',
      ),
    );
    expect([...stored.keys()].some((k) => /^(province|district|commune)\|/.test(k))).toBe(false);
    expect(stored.get('province2025|01|male|18-49')).toBe(5000);
  });

  it('re-importing replaces the one in use; the list is newest first', async () => {
    const first = await upload({ name: 'a.csv', bytes: csv(['unit_code,sex,age,population', '87,male,30,10']) });
    const second = await upload({ name: 'b.csv', bytes: csv(['unit_code,sex,age,population', '87,male,30,20']) });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await activePopulationSource(t.db))?.id).toBe(second.body.id);
    expect((await populationOf(t.db, 'province', ['87'])).get('87')?.total).toBe(20);
    const list = (await t.call('GET', '/api/stats/population', { as: 'hanoi.admin' })).body.items;
    expect(list[0].id).toBe(second.body.id);
    expect(list[1].id).toBe(first.body.id);
    const active = await t.db.selectFrom('stats_population_imports').select('id').where('active', '=', true).execute();
    expect(active).toEqual([{ id: second.body.id }]);
  });

  it('refuses bad rows with their row and field, all of the file at once, and stores nothing', async () => {
    const before = await importsCount();
    const active = await activePopulationSource(t.db);
    const lines = [
      'unit_code,sex,age_band,population',
      '00001,male,18-49,100', // row 2: fine
      '1,male,18-49,100', // 3: code without its zeros
      '00001,x,18-49,100', // 4: sex
      '00001,female,10-14,100', // 5: straddles 5-11 and 12-17
      '00001,female,abc,100', // 6: age
      '00001,female,18-49,-5', // 7: count
      '99999,female,18-49,5', // 8: unknown commune
      '00001,male,30,1', // 9: overlaps row 2
    ];
    const res = await upload({ name: 'bad.csv', bytes: csv(lines) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'population_unit_invalid', field: 'unitCode' });
    expect(res.body.error.message).toContain('Dòng 3');
    expect(res.body.problems.map((p: any) => [p.row, p.field, p.code])).toEqual([
      [3, 'unitCode', 'population_unit_invalid'],
      [4, 'sex', 'population_sex_invalid'],
      [5, 'ageBand', 'population_age_straddles'],
      [6, 'ageBand', 'population_age_invalid'],
      [7, 'population', 'population_count_invalid'],
      [8, 'unitCode', 'population_unit_unknown'],
      [9, 'ageBand', 'population_row_overlap'],
    ]);
    expect(res.body.problemCount).toBe(7);
    // The unit checks alone.
    const second = await upload({ name: 'bad2.csv', bytes: csv([lines[0]!, lines[1]!, lines[7]!, lines[8]!]) });
    expect(second.status).toBe(400);
    expect(second.body.problems.map((p: any) => [p.row, p.field, p.code])).toEqual([
      [3, 'unitCode', 'population_unit_unknown'],
      [4, 'ageBand', 'population_row_overlap'],
    ]);
    expect(await importsCount()).toBe(before);
    expect((await activePopulationSource(t.db))?.id).toBe(active?.id);
  });

  it('refuses a total that is not the sum of the finer rows, mixed schemes, a file without its columns, and bad fields', async () => {
    const mismatch = await upload({
      name: 'm.csv',
      bytes: csv(['unit_code,sex,age_band,population', '00001,male,18-49,100', '001,male,18-49,99']),
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({ code: 'population_total_mismatch', field: 'population' });
    expect(mismatch.body.problems[0]).toMatchObject({ row: 3, params: { unit: '001', given: 99, sum: 100 } });

    const mixed = await upload({
      name: 'x.csv',
      bytes: csv(['unit_code,scheme,sex,age_band,population', '01,2021,male,18-49,1', '82,2025,male,18-49,1']),
    });
    expect(mixed.body.error).toMatchObject({ code: 'population_scheme_mixed', field: 'scheme' });
    expect(mixed.body.problems[0].row).toBe(3);

    const noColumns = await upload({ name: 'h.csv', bytes: csv(['ma,gioi_tinh,so', '01,Nam,1']) });
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.error.code).toBe('population_header_missing');

    const noFile = await upload(undefined);
    expect(noFile.body.error).toMatchObject({ code: 'population_file_required', field: 'file' });
    const noSource = await upload(
      { name: 'a.csv', bytes: csv(['unit_code,sex,age,population', '87,male,30,10']) },
      {
        year: '2019',
      },
    );
    expect(noSource.body.error).toMatchObject({ code: 'validation_failed', field: 'source' });
    const notUtf8 = await upload({ name: 'a.csv', bytes: Buffer.from([0x6d, 0xe3, 0x0a, 0xff, 0xfe, 0x31]) });
    expect(notUtf8.body.error.code).toBe('population_file_unreadable');
    const empty = await upload({ name: 'e.csv', bytes: csv(['unit_code,sex,age,population']) });
    expect(empty.body.error.code).toBe('population_file_empty');
  });

  it('refuses an XLSX that inflates beyond a workbook (a cell of 20 million characters) as it reads it, in the caller’s language', async () => {
    const bytes = await handMade([
      ...inlineRow(1, ['unit_code', 'sex', 'age', 'population']),
      ...inlineRow(2, ['0'.repeat(20 * 2 ** 20)]),
    ]);
    expect(bytes.length).toBeLessThan(64 * 1024);
    const before = await importsCount();
    const file = {
      name: 'dan-so.xlsx',
      bytes,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    };
    const vi = await upload(file);
    expect(vi.status).toBe(400);
    expect(vi.body.error).toMatchObject({ code: 'population_file_unreadable', field: 'file' });
    expect(vi.body.error.message).toContain('có một ô dài hơn 200.000 ký tự');
    const en = await upload(file, undefined, 'admin', { 'accept-language': 'en' });
    expect(en.body.error.message).toBe(
      'The population file cannot be read (CSV in UTF-8 or XLSX expected): a cell is longer than 200,000 characters, beyond Excel’s own limit of 32,767 characters a cell; the file may have been altered by another tool',
    );
    const notUtf8 = await upload({ name: 'a.csv', bytes: Buffer.from([0x6d, 0xe3, 0x0a]) }, undefined, 'admin', {
      'accept-language': 'en',
    });
    expect(notUtf8.body.error.message).toContain('the text is not UTF-8; save the CSV as "CSV UTF-8"');
    expect(await importsCount()).toBe(before);
  });

  it('reads only the cells an XLSX row has: 1,000 rows each with a cell in column XFD (16,384) import as an ordinary file does, in its memory', async () => {
    // 4 communes × 2 sexes × 125 single ages: 1,000 rows without overlaps.
    const communes = [...PARENTS.keys()].filter((c) => c.length === 5).slice(0, 4);
    expect(communes).toHaveLength(4);
    const data = communes.flatMap((code) =>
      (['male', 'female'] as const).flatMap((sex) =>
        Array.from({ length: 125 }, (_, age) => ({ code, sex, age, n: 1 + ((age * 7) % 50) })),
      ),
    );
    expect(data).toHaveLength(1000);
    const header = ['unit_code', 'sex', 'age', 'population'];
    const cellsOf = (d: (typeof data)[number]) => [d.code, d.sex, String(d.age), String(d.n)];
    const ordinary = await handMade([...inlineRow(1, header), ...data.flatMap((d, i) => inlineRow(i + 2, cellsOf(d)))]);
    // The same rows, each with one more cell far to the right: a ~10 KB file the probe's server died of.
    const wide = await handMade([
      ...inlineRow(1, header),
      ...data.flatMap((d, i): Piece[] => {
        const r = i + 2;
        return [
          `<row r="${r}">`,
          ...cellsOf(d).flatMap((text, c) => inline(`${'ABCD'[c]}${r}`, text)),
          ...inline(`XFD${r}`, 'y'),
          '</row>',
        ];
      }),
    ]);
    const rows: Row[] = data.map((d) => ({ code: d.code, sex: d.sex, band: ageBandOf(d.age), n: d.n }));
    const expected = expectedCube(rows);
    const results: { status: number; body: any }[] = [];
    const send = (bytes: Buffer, source: string) => async () =>
      results.push(await upload({ name: 'dan-so.xlsx', bytes, type: XLSX }, { source, year: '2019' }));
    const baseline = await measured(send(ordinary, 'XLSX ordinary'));
    const m = await measured(send(wide, 'XLSX with XFD cells'));
    for (const res of results) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.rows).toBe(1000);
      expect(await storedCube(res.body.id)).toEqual(expected);
    }
    console.info(
      `ordinary (${ordinary.length} bytes): +${baseline.rssGrowthMb.toFixed(1)} MB, ${baseline.ms.toFixed(0)} ms; ` +
        `a cell at XFD on each row (${wide.length} bytes): +${m.rssGrowthMb.toFixed(1)} MB, ${m.ms.toFixed(0)} ms`,
    );
    // Every cell up to the last made (16 million cells): +1.26 GB and 12 s here. The reader itself
    // (exceljs's row of 16,384 columns, walked for its values) takes 1–9 s of this file, by the
    // machine's load: its time is logged, not asserted (a bound on it failed a CI run under load);
    // the memory is what the fix changes.
    expect(m.rssGrowthMb).toBeLessThanOrEqual(baseline.rssGrowthMb + 32);
  });

  it('shows at most 100 characters of a refused cell: a unit code of 2,000,000 characters, a sex of 150,000 in an XLSX', async () => {
    const long = '0'.repeat(2_000_000);
    const res = await upload({ name: 'dai.csv', bytes: csv(['unit_code,sex,age,population', `${long},male,30,1`]) });
    expect(res.status).toBe(400);
    expect(res.raw.body.length).toBeLessThan(2000);
    expect(res.body.error).toMatchObject({ code: 'population_unit_invalid', field: 'unitCode' });
    const shown = `${'0'.repeat(SHOWN_VALUE_CHARS)}…`;
    expect(res.body.error.message).toBe(
      `Dòng 2: mã đơn vị "${shown}" không hợp lệ (mã tỉnh 2 chữ số, huyện 3, xã 5; giữ số 0 ở đầu).`,
    );
    expect(res.body.problems).toEqual([
      { row: 2, field: 'unitCode', code: 'population_unit_invalid', params: { row: 2, value: shown } },
    ]);

    const sex = 'nữ'.repeat(75_000);
    const bytes = await handMade([
      ...inlineRow(1, ['unit_code', 'sex', 'age', 'population']),
      ...inlineRow(2, ['00001', sex, '30', '1']),
    ]);
    const en = await upload({ name: 'dai.xlsx', bytes, type: XLSX }, undefined, 'admin', { 'accept-language': 'en' });
    expect(en.status).toBe(400);
    expect(en.raw.body.length).toBeLessThan(2000);
    expect(en.body.error).toMatchObject({
      code: 'population_sex_invalid',
      field: 'sex',
      message: `Row 2: sex "${sex.slice(0, SHOWN_VALUE_CHARS)}…" is not valid (Nam/Nữ or male/female).`,
    });
    expect(en.body.problems[0]).toMatchObject({ row: 2, params: { value: `${sex.slice(0, SHOWN_VALUE_CHARS)}…` } });
  });

  it('tells the CSV separator from the first lines: a `;` or tab header below a title line (with commas or none)', async () => {
    const file = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
    const semicolon = await upload({
      name: 'dan-so.csv',
      bytes: file([
        // The title has more commas than the header has `;` (and the header none): the header's separator is the file's.
        'Dân số chia theo tỉnh, huyện, xã, giới tính, nhóm tuổi, năm 2019',
        'Mã đơn vị;Tên đơn vị;Giới tính;Nhóm tuổi;Dân số',
        '00001;Phường Phúc Xá, Ba Đình;Nam;18-49;1.300',
        '00004;Phường Trúc Bạch;Nữ;65+;70',
      ]),
    });
    expect(semicolon.status, JSON.stringify(semicolon.body)).toBe(201);
    expect(semicolon.body.rows).toBe(2);
    expect(await storedCube(semicolon.body.id)).toEqual(
      expectedCube([
        { code: '00001', sex: 'male', band: '18-49', n: 1300 },
        { code: '00004', sex: 'female', band: '65+', n: 70 },
      ]),
    );
    const tab = await upload({
      name: 'dan-so.txt',
      bytes: file(['Bảng 1. Dân số', '', 'unit_code\tsex\tage_band\tpopulation', '87\tmale\t18-49\t"1,234"']),
    });
    expect(tab.status, JSON.stringify(tab.body)).toBe(201);
    expect(await storedCube(tab.body.id)).toEqual(expectedCube([{ code: '87', sex: 'male', band: '18-49', n: 1234 }]));
  });

  it('refuses an old Excel .xls, saying so and how to save it, in the caller’s language', async () => {
    const before = await importsCount();
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const file = { name: 'dan-so.xls', bytes: xls, type: 'application/vnd.ms-excel' };
    const vi = await upload(file);
    expect(vi.status).toBe(400);
    expect(vi.body.error).toMatchObject({
      code: 'population_file_unreadable',
      field: 'file',
      message:
        'Không đọc được tệp dân số (cần CSV UTF-8 hoặc XLSX): tệp này là tệp Excel .xls cũ (Excel 97–2003); hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx hoặc "CSV UTF-8"',
    });
    const en = await upload(file, undefined, 'admin', { 'accept-language': 'en' });
    expect(en.body.error.message).toBe(
      'The population file cannot be read (CSV in UTF-8 or XLSX expected): this is an old Excel .xls file (Excel 97–2003); open it in Excel and save it as .xlsx or as "CSV UTF-8"',
    );
    expect(await importsCount()).toBe(before);
  });

  it('says what `year` and `source` allow when they are refused, in the caller’s language', async () => {
    const file = { name: 'a.csv', bytes: csv(['unit_code,sex,age,population', '87,male,30,10']) };
    const cases: [Record<string, string>, string, string, string][] = [
      [{ source: 'GSO', year: '1800' }, 'year', 'không được nhỏ hơn 1.990', 'must be at least 1,990'],
      [{ source: 'GSO', year: '2200' }, 'year', 'không được lớn hơn 2.100', 'must be at most 2,100'],
      [{ source: 'GSO', year: 'năm ngoái' }, 'year', 'cần số', 'expected a number'],
      [{ source: ' ab ', year: '2019' }, 'source', 'ít nhất 3 ký tự', 'at least 3 characters'],
      [{ source: 'x'.repeat(201), year: '2019' }, 'source', 'tối đa 200 ký tự', 'at most 200 characters'],
    ];
    for (const [fields, field, vi, en] of cases) {
      const res = await upload(file, fields);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: 'validation_failed',
        field,
        message: `Giá trị không hợp lệ ở trường ${field}: ${vi}`,
      });
      const inEnglish = await upload(file, fields, 'admin', { 'accept-language': 'en' });
      expect(inEnglish.body.error.message).toBe(`Invalid value for ${field}: ${en}`);
    }
  });

  it('is for national administrators only; the list is for every staff member', async () => {
    const before = await importsCount();
    for (const as of ['hanoi.admin', 'caolanh.admin', 'hanoi.tiem', 'dongthap.phananh']) {
      const res = await upload(
        { name: 'a.csv', bytes: csv(['unit_code,sex,age,population', '01,male,30,10']) },
        undefined,
        as,
      );
      expect(res.status, as).toBe(403);
      expect((await t.call('GET', '/api/stats/population', { as })).status, as).toBe(200);
    }
    expect(await importsCount()).toBe(before);
    expect((await t.call('GET', '/api/stats/population')).status).toBe(401);
  });
});

describe('reading the values', () => {
  it('maps ages to the programme’s bands', () => {
    expect(parseAges('0-4')).toEqual({ from: 0, to: 4 });
    expect(parseAges('65+')).toEqual({ from: 65, to: 150 });
    expect(parseAges('Dưới 5 tuổi')).toEqual({ from: 0, to: 4 });
    expect(parseAges('Từ 65 tuổi')).toEqual({ from: 65, to: 150 });
    expect(parseAges('80 tuổi trở lên')).toEqual({ from: 80, to: 150 });
    expect(parseAges('12–17 tuổi')).toEqual({ from: 12, to: 17 });
    expect(parseAges('65 and over')).toEqual({ from: 65, to: 150 });
    expect(parseAges('Under 5')).toEqual({ from: 0, to: 4 });
    expect(parseAges('37')).toEqual({ from: 37, to: 37 });
    expect(parseAges('abc')).toBeNull();
  });
});
