import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { coveragePercent } from '@tiemchung/core';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UNITS } from '../../bootstrap/demo-data.js';
import { unitOfWork } from '../../db/transaction.js';
import ExcelJS from '../../lib/exceljs.js';
import { buildPersonIn, createPersonVia, reportBodyAbout } from '../../test/factories.js';
import { foldStatsNow, useTestApp } from '../../test/harness.js';
import { importUnitList } from '../units/units.import.js';
import { DAILY_REPORT_FIRST_ROW, dailyReportColumns } from './stats.daily-report.js';
import { populationOf } from './stats.population.js';

const NOW = new Date('2021-11-20T03:00:00Z');
let now = NOW;
const t = await useTestApp({ deps: { clock: () => now } });

// The 2025 list and mapping of the demo provinces (for the 2025 report), before any dose.
const REF = new URL('../../../../../reference/admin-units/', import.meta.url);
beforeAll(async () => {
  const mapping = JSON.parse(readFileSync(new URL('admin-units-2025-mapping.json', REF), 'utf8'));
  const provinces = Object.keys(DEMO_UNITS);
  const mappingDoc = { data: mapping.data.filter((p: any) => provinces.includes(p.level1_id)) };
  const newCodes = mappingDoc.data.flatMap((p: any) => p.splits.map((s: any) => s.new_id));
  const list = JSON.parse(readFileSync(new URL('admin-units-2025.json', REF), 'utf8')).filter((p: any) =>
    newCodes.includes(p.Code),
  );
  await unitOfWork(t.db, (trx) => importUnitList(trx, list));
  await unitOfWork(t.db, (trx) => importUnitList(trx, mappingDoc));
});

const SITES = {
  '87': { as: 'caolanh.tiem', facilityId: 'DT-CL-01' },
  '01': { as: 'hanoi.tiem', facilityId: 'HN-BD-01' },
} as const;

async function dosesFor(province: '87' | '01', dates: string[]) {
  const site = SITES[province];
  const p = await createPersonVia(t, buildPersonIn(province), site.as);
  for (const administeredOn of dates) {
    const r = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: site.as,
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: site.facilityId },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}

async function download(as: string, query: string) {
  const res = await t.call('GET', `/api/stats/daily-report.xlsx?${query}`, { as });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const headers: string[] = [];
  ws.getRow(DAILY_REPORT_FIRST_ROW - 1).eachCell({ includeEmpty: true }, (c, i) => {
    headers[i - 1] = String(c.value ?? '');
  });
  const rows: (string | number | null)[][] = [];
  for (let r = DAILY_REPORT_FIRST_ROW; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: (string | number | null)[] = [];
    for (let c = 1; c <= headers.length; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? null : (v as string | number));
    }
    rows.push(cells);
  }
  return { ws, headers, rows };
}

/** Direct counts on the raw records: doses of the province's facilities, by dose number, that day and to it. */
async function directDoses(provinceColumn: 'province_code', code: string, date: string) {
  const rows = await sql<{ dose_number: number; day_n: string; cum_n: string }>`
    select d.dose_number,
      count(*) filter (where d.administered_on = ${date}) as day_n,
      count(*) as cum_n
    from doses d join facilities f on f.id = d.facility_id
    where d.duplicate_of is null and f.${sql.ref(provinceColumn)} = ${code} and d.administered_on <= ${date}
    group by d.dose_number`.execute(t.db);
  return new Map(rows.rows.map((r) => [r.dose_number, { day: Number(r.day_n), cum: Number(r.cum_n) }]));
}

describe('GET /api/stats/daily-report.xlsx', () => {
  it('one row per province with the day’s and cumulative doses by dose number equal to direct counts, and a total row equal to their sum', async () => {
    await dosesFor('87', ['2021-10-01', '2021-10-29']);
    await dosesFor('87', ['2021-10-29']);
    await dosesFor('87', ['2021-06-15', '2021-07-10', '2021-10-29']);
    await dosesFor('01', ['2021-10-29']);
    await dosesFor('01', ['2021-11-05']);
    await foldStatsNow(t);

    const date = '2021-10-29';
    const { ws, headers, rows } = await download('admin', `date=${date}`);
    expect(String(ws.getCell(1, 1).value)).toContain('29/10/2021');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: DAILY_REPORT_FIRST_ROW - 1, xSplit: 3 });
    const provinceRows = rows.slice(0, -1);
    const total = rows.at(-1)!;
    expect(provinceRows).toHaveLength(63);
    expect(total[0]).toBe('Tổng cộng');

    const columns = dailyReportColumns([1, 2, 3]);
    expect(headers).toHaveLength(columns.length);
    const col = (group: string, header: string) => columns.findIndex((c) => c.group === group && c.header === header);
    const DAY = 'Số mũi tiêm trong ngày';
    const CUM = 'Luỹ kế số mũi tiêm đến hết ngày';
    expect(ws.getRow(DAILY_REPORT_FIRST_ROW).getCell(col(DAY, 'Mũi 1') + 1).numFmt).toBe('#,##0');

    const people = await sql<{ province_code: string; n: string }>`
      select province_code, count(*) as n from people p
      where p.merged_into is null and exists (select 1 from doses d where d.person_id = p.id and d.duplicate_of is null)
      group by province_code`.execute(t.db);
    const peopleOf = new Map(people.rows.map((r) => [r.province_code, Number(r.n)]));
    const population = await populationOf(
      t.db,
      'province',
      provinceRows.map((r) => String(r[1])),
    );
    expect(population.size).toBe(3); // the demo population's provinces
    for (const row of provinceRows) {
      const code = String(row[1]);
      const direct = await directDoses('province_code', code, date);
      for (const n of [1, 2, 3]) {
        expect(row[col(DAY, `Mũi ${n}`)], `${code} day ${n}`).toBe(direct.get(n)?.day ?? 0);
        expect(row[col(CUM, `Mũi ${n}`)], `${code} cumulative ${n}`).toBe(direct.get(n)?.cum ?? 0);
      }
      expect(row[col(DAY, 'Tổng')]).toBe([...direct.values()].reduce((s, d) => s + d.day, 0));
      expect(row[col(CUM, 'Tổng')]).toBe([...direct.values()].reduce((s, d) => s + d.cum, 0));
      expect(row[col('Số người được tiêm', 'Ít nhất 1 mũi')], code).toBe(peopleOf.get(code) ?? 0);
      expect(row[col('Dân số', 'Dân số')], code).toBe(population.get(code)?.total ?? null);
    }
    // Written out for the two provinces with doses.
    const dt = provinceRows.find((r) => r[1] === '87')!;
    expect(dt[2]).toBe('Tỉnh Đồng Tháp');
    expect([dt[col(DAY, 'Mũi 1')], dt[col(DAY, 'Mũi 2')], dt[col(DAY, 'Mũi 3')]]).toEqual([1, 1, 1]);
    expect([dt[col(CUM, 'Mũi 1')], dt[col(CUM, 'Mũi 2')], dt[col(CUM, 'Mũi 3')]]).toEqual([3, 2, 1]);
    expect(dt[col('Tỷ lệ bao phủ (%)', 'Ít nhất 1 mũi')]).toBe(coveragePercent(3, population.get('87')?.total) ?? null);
    const hn = provinceRows.find((r) => r[1] === '01')!;
    expect(hn[col(CUM, 'Tổng')]).toBe(1); // the 5 November dose is after the date

    // The total row is the sum of the province rows, column by column.
    for (let c = 3; c < columns.length; c++) {
      if (columns[c]!.group === 'Tỷ lệ bao phủ (%)') continue;
      const values = provinceRows.map((r) => r[c]).filter((v): v is number => typeof v === 'number');
      expect(total[c], headers[c]).toBe(values.length ? values.reduce((s, v) => s + v, 0) : null);
    }
  });

  it('in the 2025 scheme: 34 provinces at most, Đồng Tháp’s doses in the new Đồng Tháp (82)', async () => {
    const { rows } = await download('admin', 'date=2021-10-29&scheme=2025');
    const provinceRows = rows.slice(0, -1);
    expect(provinceRows.length).toBeLessThanOrEqual(34);
    const dt = provinceRows.find((r) => r[1] === '82')!;
    expect(dt[2]).toBe('Tỉnh Đồng Tháp');
    const total = (await directDoses('province_code', '87', '2021-10-29')).values();
    const cum = dailyReportColumns([1, 2, 3]).findIndex(
      (c) => c.group === 'Luỹ kế số mũi tiêm đến hết ngày' && c.header === 'Tổng',
    );
    expect(dt[cum]).toBe([...total].reduce((s, d) => s + d.cum, 0));
  });

  it('a province administrator gets its own province’s row only; other roles are refused', async () => {
    const { rows } = await download('dongthap.admin', 'date=2021-10-29');
    expect(rows.map((r) => r[1])).toEqual(['87', 'Tổng cộng']); // the total's label spans the first columns
    const r2025 = await download('hanoi.admin', 'date=2021-10-29&scheme=2025');
    expect(r2025.rows.map((r) => r[1])).toEqual(['01', 'Tổng cộng']);
    for (const as of ['caolanh.admin', 'caolanh.tiem', 'dongthap.phananh'])
      expect((await t.call('GET', '/api/stats/daily-report.xlsx?date=2021-10-29', { as })).status, as).toBe(403);
    expect((await t.call('GET', '/api/stats/daily-report.xlsx?date=29-10-2021', { as: 'admin' })).status).toBe(400);
  });

  it('counts the reports overdue at the end of the date (or now, for today)', async () => {
    const p = await createPersonVia(t, buildPersonIn('87'), 'caolanh.tiem');
    const filed = await t.call('POST', '/api/portal/reports', { body: reportBodyAbout(p) });
    expect(filed.status, JSON.stringify(filed.body)).toBeLessThan(300);
    await foldStatsNow(t);
    const { due_at } = await t.db
      .selectFrom('reports')
      .select('due_at')
      .where('tracking_code', '=', filed.body.trackingCode)
      .executeTakeFirstOrThrow();
    const due = new Date(due_at);
    const vnDate = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    const dayAfter = (d: Date, days: number) => vnDate(new Date(d.getTime() + days * 86_400_000));
    const overdueCol = dailyReportColumns([1, 2, 3]).length - 1;
    const at = async (date: string) =>
      (await download('admin', `date=${date}`)).rows.find((r) => r[1] === '87')![overdueCol];
    // Now (before the deadline): not overdue today, nor at the end of the deadline's day.
    expect(await at(vnDate(now))).toBe(0);
    expect(await at(dayAfter(due, 1))).toBe(0); // a later date is counted at "now"
    // Three days on, still open: overdue from the end of the deadline's day, not before it.
    now = new Date(due.getTime() + 3 * 86_400_000);
    expect(await at(vnDate(now))).toBe(1);
    expect(await at(dayAfter(due, 1))).toBe(1);
    expect(await at(dayAfter(due, -1))).toBe(0);
    now = NOW;
  });
});
