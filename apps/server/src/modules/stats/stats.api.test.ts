import { randomUUID } from 'node:crypto';
import { nameSearchKey } from '@tiemchung/core';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from '../../lib/exceljs.js';
import { buildPersonIn, createPersonVia, otherCccd } from '../../test/factories.js';
import { foldStatsNow, useTestApp } from '../../test/harness.js';

/**
 * The staff statistics API (issue 15, deliverable 4): every figure equals a direct count of the
 * records (people not merged away, doses not duplicates, reports), for the nation, a province, a
 * district, a facility and a 2025 province; scope refusals; the CSV and XLSX files carry the same
 * numbers.
 */

const start = new Date('2022-01-10T03:00:00Z');
let now = start;
const t = await useTestApp({ deps: { clock: () => now } });

const PFIZER = 'EU/1/20/1528';
let ip = 1;

/**
 * The 2025 units of the demo places and the official mapping's pairs for them: Đồng Tháp (87) and
 * Tiền Giang (82) merged into Đồng Tháp (82); Hà Nội stays 01. The demo commune 29866 (Phường 1,
 * TP Cao Lãnh) is mapped to Phường Cao Lãnh as the official list maps Cao Lãnh's Phường 1.
 */
async function load2025Mapping() {
  const unit = (code: string, level: 'province' | 'commune', name: string, province: string) => ({
    scheme: '2025' as const,
    code,
    level,
    name,
    type: level === 'province' ? 'Tỉnh' : 'Phường',
    parent_code: level === 'province' ? null : province,
    province_code: province,
    district_code: null,
    name_key: nameSearchKey(name),
    valid_from: '2025-07-01',
    valid_to: null,
  });
  await t.db
    .insertInto('admin_units')
    .values([
      unit('82', 'province', 'Tỉnh Đồng Tháp', '82'),
      unit('01', 'province', 'Thành phố Hà Nội', '01'),
      unit('29869', 'commune', 'Phường Cao Lãnh', '82'),
      unit('00097', 'commune', 'Phường Hồng Hà', '01'),
    ])
    .onConflict((oc) => oc.doNothing())
    .execute();
  await t.db
    .insertInto('admin_unit_mappings')
    .values([
      { level: 'province', old_code: '87', new_code: '82', old_name: 'Tỉnh Đồng Tháp', new_name: 'Tỉnh Đồng Tháp' },
      { level: 'province', old_code: '82', new_code: '82', old_name: 'Tỉnh Tiền Giang', new_name: 'Tỉnh Đồng Tháp' },
      { level: 'province', old_code: '01', new_code: '01', old_name: 'Thành phố Hà Nội', new_name: 'Thành phố Hà Nội' },
      { level: 'commune', old_code: '29866', new_code: '29869', old_name: 'Phường 1', new_name: 'Phường Cao Lãnh' },
      {
        level: 'commune',
        old_code: '00001',
        new_code: '00097',
        old_name: 'Phường Phúc Xá',
        new_name: 'Phường Hồng Hà',
      },
    ])
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function dose(personId: string, as: string, facilityId: string, administeredOn: string) {
  const r = await t.call('POST', `/api/people/${personId}/doses`, {
    as,
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function fileReport(p: any, category: string) {
  const res = await t.call('POST', '/api/portal/reports', {
    ip: `10.41.0.${ip++}`,
    body: {
      category,
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth,
      gender: p.gender,
      phone: p.phone,
      idNumber: p.idNumber,
      description: 'Ngày tiêm trên hệ thống chưa đúng',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const found = await t.call('GET', `/api/reports?trackingCode=${res.body.trackingCode}`, { as: 'admin' });
  return found.body.items[0];
}

beforeAll(async () => {
  await load2025Mapping();
  const dt = (over = {}) => buildPersonIn('87', { districtCode: '866', communeCode: '29866', ...over });
  // Đồng Tháp: three people in Cao Lãnh, one in Sa Đéc; doses at the Cao Lãnh station and the Sa Đéc hospital.
  const a = await createPersonVia(t, dt(), 'dongthap.admin');
  const b = await createPersonVia(t, dt(), 'dongthap.admin');
  const c = await createPersonVia(
    t,
    buildPersonIn('87', { districtCode: '867', communeCode: '29902' }),
    'dongthap.admin',
  );
  await dose(a.id, 'caolanh.tiem', 'DT-CL-01', '2021-10-01');
  const a2 = await dose(a.id, 'caolanh.tiem', 'DT-CL-01', '2021-10-29');
  await dose(b.id, 'dongthap.admin', 'DT-SD-01', '2021-10-01');
  await dose(c.id, 'dongthap.admin', 'DT-SD-01', '2021-11-03');
  // Two records of one person, each with a dose, merged: the survivor keeps both doses.
  const body = dt();
  const d1 = await createPersonVia(t, body, 'dongthap.admin');
  const d2 = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) }, 'dongthap.admin');
  await dose(d1.id, 'caolanh.tiem', 'DT-CL-01', '2021-09-15');
  await dose(d2.id, 'caolanh.tiem', 'DT-CL-01', '2021-10-20');
  const merged = await t.call('POST', `/api/people/${d1.id}/merge`, {
    as: 'dongthap.admin',
    body: { duplicateId: d2.id, reason: 'Cùng một người, nhập hai lần' },
  });
  expect(merged.status, JSON.stringify(merged.body)).toBe(200);
  // Hà Nội: two people, doses at Phúc Xá.
  for (const day of ['2021-09-01', '2021-10-01']) {
    const h = await createPersonVia(
      t,
      buildPersonIn('01', { districtCode: '001', communeCode: '00001' }),
      'hanoi.tiem',
    );
    await dose(h.id, 'hanoi.tiem', 'HN-BD-01', day);
  }
  // A report about a's second dose: linked, the dose's date corrected, resolved. Another left open.
  const report = await fileReport(a, 'wrong_dose');
  expect(
    (await t.call('POST', `/api/reports/${report.id}/person`, { as: 'admin', body: { personId: a.id } })).status,
  ).toBe(200);
  const corrected = await t.call('POST', `/api/reports/${report.id}/actions/correct-dose`, {
    as: 'dongthap.phananh',
    body: { doseId: a2.id, administeredOn: '2021-10-30' },
  });
  expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
  now = new Date(start.getTime() + 5 * 3_600_000);
  const resolved = await t.call('POST', `/api/reports/${report.id}/resolution`, {
    as: 'dongthap.phananh',
    body: { outcome: 'corrected', note: 'Đã sửa ngày tiêm' },
  });
  expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
  await fileReport(b, 'wrong_personal_info');
  // Three days on: the open report is past its 48 hours.
  now = new Date(start.getTime() + 72 * 3_600_000);
  await foldStatsNow(t);
});

// ---- direct counts on the records ----

type Where = { province?: string; district?: string; commune?: string; facility?: string; provinces?: string[] };

/** Counted doses given at facilities of a place, by dose number. */
async function dosesAt(w: Where): Promise<Record<string, number>> {
  const rows = await sql<{ dose_number: number; n: string | number }>`
    select d.dose_number, count(*) as n from doses d join facilities f on f.id = d.facility_id
    where d.duplicate_of is null
      ${w.province ? sql`and f.province_code = ${w.province}` : sql``}
      ${w.provinces ? sql`and f.province_code in (${sql.join(w.provinces)})` : sql``}
      ${w.district ? sql`and f.district_code = ${w.district}` : sql``}
      ${w.commune ? sql`and f.commune_code = ${w.commune}` : sql``}
      ${w.facility ? sql`and f.id = ${w.facility}` : sql``}
    group by d.dose_number`.execute(t.db);
  return Object.fromEntries(rows.rows.map((r) => [String(r.dose_number), Number(r.n)]));
}
const total = (m: Record<string, number>) => Object.values(m).reduce((s, n) => s + n, 0);

/** People living in a place (a facility: registered with it), not merged away. */
async function peopleIn(w: Where): Promise<number> {
  const r = await sql<{ n: string | number }>`
    select count(*) as n from people p where p.merged_into is null
      ${w.province ? sql`and p.province_code = ${w.province}` : sql``}
      ${w.provinces ? sql`and p.province_code in (${sql.join(w.provinces)})` : sql``}
      ${w.district ? sql`and p.district_code = ${w.district}` : sql``}
      ${w.commune ? sql`and p.commune_code = ${w.commune}` : sql``}
      ${w.facility ? sql`and p.registered_facility_id = ${w.facility}` : sql``}`.execute(t.db);
  return Number(r.rows[0]!.n);
}

/** Reports of a place: received, resolved, on time, open, overdue at the test's clock. */
async function reportsIn(w: Where) {
  const r = await sql<Record<string, string | number>>`
    select count(*) as received,
      count(*) filter (where resolved_at is not null) as resolved,
      count(*) filter (where resolved_at is not null and resolved_at <= due_at) as on_time,
      count(*) filter (where resolved_at is null) as open,
      count(*) filter (where resolved_at is null and due_at < ${now}) as overdue
    from reports where true
      ${w.province ? sql`and province_code = ${w.province}` : sql``}
      ${w.provinces ? sql`and province_code in (${sql.join(w.provinces)})` : sql``}
      ${w.district ? sql`and district_code = ${w.district}` : sql``}
      ${w.facility ? sql`and facility_id = ${w.facility}` : sql``}`.execute(t.db);
  const x = r.rows[0]!;
  return {
    received: Number(x.received),
    resolved: Number(x.resolved),
    resolvedOnTime: Number(x.on_time),
    open: Number(x.open),
    overdue: Number(x.overdue),
  };
}

/** The old provinces a 2025 province was made of (the mapping). */
async function oldProvincesOf(code: string): Promise<string[]> {
  const rows = await t.db
    .selectFrom('admin_unit_mappings')
    .select('old_code')
    .where('level', '=', 'province')
    .where('new_code', '=', code)
    .execute();
  return rows.map((r) => r.old_code);
}

const get = async (url: string, as: string) => {
  const res = await t.call('GET', url, { as });
  expect(res.status, `${url} as ${as}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
  return res.body;
};

describe('the statistics API equals direct counts of the records', () => {
  const cases: { name: string; as: string; query: string; where: Where; scheme?: '2025' }[] = [
    { name: 'the nation', as: 'admin', query: '', where: {} },
    { name: 'a province (own unit by default)', as: 'dongthap.admin', query: '', where: { province: '87' } },
    { name: 'a province asked by the nation', as: 'admin', query: 'level=province&code=01', where: { province: '01' } },
    { name: 'a district', as: 'caolanh.admin', query: 'level=district&code=866', where: { district: '866' } },
    { name: 'a facility', as: 'caolanh.tiem', query: '', where: { facility: 'DT-CL-01' } },
  ];

  it('overview: doses, people and reports of the nation, a province, a district, a facility', async () => {
    for (const c of cases) {
      const o = await get(`/api/stats/overview?${c.query}`, c.as);
      const doses = await dosesAt(c.where);
      expect(o.doses.total, c.name).toBe(total(doses));
      expect(o.doses.total, c.name).toBeGreaterThan(0);
      expect(o.doses.byDoseNumber, c.name).toEqual(doses);
      expect(o.coverage.people, c.name).toBe(await peopleIn(c.where));
      if (!c.where.facility) expect(o.reports, c.name).toMatchObject(await reportsIn(c.where));
      expect(o).toMatchObject({ lagSeconds: 0, pending: 0 });
    }
    const nation = await get('/api/stats/overview', 'admin');
    expect(nation.unit).toEqual({ scheme: '2021', level: 'nation', code: '', name: 'Toàn quốc', path: [] });
    // The merge left one person with both doses; the corrected dose counts on its new day.
    expect(nation.doses.lastDay).toEqual({ date: '2021-11-03', doses: 1 });
    expect(nation.reports).toMatchObject({ received: 2, resolved: 1, resolvedOnTime: 1, open: 1, overdue: 1 });
    expect(nation.reports.onTimePercent).toBe(100);
    expect(nation.reports.medianHoursToResolve).toBe(5);
    const facility = await get('/api/stats/overview?level=facility&code=DT-CL-01', 'dongthap.admin');
    expect(facility.unit.path.map((u: any) => u.code)).toEqual(['', '87', '866', '29866']);
  });

  it('units: the children of the nation, a province and a district, each equal to a count', async () => {
    const nation = await get('/api/stats/units', 'admin');
    expect(nation.rows.map((r: any) => r.code)).toEqual(['01', '87']);
    for (const r of nation.rows) {
      expect(r.doses, r.code).toBe(total(await dosesAt({ province: r.code })));
      expect(r.byDoseNumber, r.code).toEqual(await dosesAt({ province: r.code }));
      expect(r.coverage.people, r.code).toBe(await peopleIn({ province: r.code }));
      expect(r).toMatchObject({ level: 'province', hasChildren: true });
    }
    const province = await get('/api/stats/units', 'dongthap.admin');
    expect(province.unit).toMatchObject({ level: 'province', code: '87', name: 'Tỉnh Đồng Tháp' });
    expect(province.rows.map((r: any) => r.code)).toEqual(['866', '867']);
    for (const r of province.rows) {
      expect(r.doses, r.code).toBe(total(await dosesAt({ district: r.code })));
      expect(r.coverage.people, r.code).toBe(await peopleIn({ district: r.code }));
    }
    // Sa Đéc's hospital has no commune: it hangs under its district, after the communes.
    const saDec = await get('/api/stats/units?level=district&code=867', 'dongthap.admin');
    expect(saDec.rows.map((r: any) => [r.level, r.code])).toEqual([
      ['commune', '29902'],
      ['facility', 'DT-SD-01'],
    ]);
    expect(saDec.rows[1]).toMatchObject({ doses: total(await dosesAt({ facility: 'DT-SD-01' })), coverage: null });
    expect(saDec.rows[1].name).toBe('Bệnh viện Đa khoa Sa Đéc');
    // Dates: only the doses of October.
    const october = await get('/api/stats/units?from=2021-10-01&to=2021-10-31', 'admin');
    const counted = await sql<{ province_code: string; n: string | number }>`
      select f.province_code, count(*) as n from doses d join facilities f on f.id = d.facility_id
      where d.duplicate_of is null and d.administered_on between '2021-10-01' and '2021-10-31'
      group by f.province_code`.execute(t.db);
    expect(Object.fromEntries(october.rows.map((r: any) => [r.code, r.doses]))).toEqual(
      Object.fromEntries(counted.rows.map((r) => [r.province_code, Number(r.n)])),
    );
    const facility = await get('/api/stats/units', 'caolanh.tiem');
    expect(facility.rows).toEqual([]);
  });

  it('in the 2025 units: a merged province counts the old provinces it was made of', async () => {
    const olds = await oldProvincesOf('82');
    expect(olds.sort()).toEqual(['82', '87']);
    for (const as of ['admin', 'dongthap.admin']) {
      const q = as === 'admin' ? 'scheme=2025&level=province2025&code=82' : 'scheme=2025';
      const o = await get(`/api/stats/overview?${q}`, as);
      expect(o.unit).toMatchObject({ scheme: '2025', level: 'province2025', code: '82', name: 'Tỉnh Đồng Tháp' });
      expect(o.doses.byDoseNumber).toEqual(await dosesAt({ provinces: olds }));
      expect(o.coverage.people).toBe(await peopleIn({ provinces: olds }));
      expect(o.reports).toMatchObject(await reportsIn({ provinces: olds }));
    }
    const nation = await get('/api/stats/units?scheme=2025', 'admin');
    expect(nation.rows.map((r: any) => [r.level, r.code, r.name])).toEqual([
      ['province2025', '01', 'Thành phố Hà Nội'],
      ['province2025', '82', 'Tỉnh Đồng Tháp'],
    ]);
    const children = await get('/api/stats/units?scheme=2025&level=province2025&code=82', 'dongthap.admin');
    expect(children.rows.map((r: any) => [r.level, r.code])).toEqual([
      ['commune2025', '29869'],
      ['facility', 'DT-SD-01'],
    ]);
    expect(children.rows[0].doses).toBe(total(await dosesAt({ commune: '29866' })));
    expect(children.rows[0].coverage.people).toBe(await peopleIn({ commune: '29866' }));
    expect(children.rows[1].doses).toBe(total(await dosesAt({ facility: 'DT-SD-01' })));
    const commune = await get('/api/stats/overview?scheme=2025&level=commune2025&code=29869', 'dongthap.admin');
    expect(commune.unit.path).toEqual([
      { level: 'nation', code: '', name: 'Toàn quốc' },
      { level: 'province2025', code: '82', name: 'Tỉnh Đồng Tháp' },
    ]);
  });

  it('doses by day, week, vaccine, dose number and sex; coverage by sex and by unit; reports per child unit', async () => {
    const byDay = await get('/api/stats/doses?by=day', 'dongthap.admin');
    const days = await sql<{ day: string; n: string | number }>`
      select d.administered_on as day, count(*) as n from doses d join facilities f on f.id = d.facility_id
      where d.duplicate_of is null and f.province_code = '87' group by d.administered_on order by 1`.execute(t.db);
    expect(byDay.rows.map((r: any) => [r.key, r.doses])).toEqual(days.rows.map((r) => [String(r.day), Number(r.n)]));
    expect(byDay.rows[0].label).toBe('15/09/2021');
    const byWeek = await get('/api/stats/doses?by=week&doseNumber=1', 'admin');
    expect(byWeek.rows.reduce((s: number, r: any) => s + r.doses, 0)).toBe((await dosesAt({}))['1']);
    expect(byWeek.rows.every((r: any) => new Date(`${r.key}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    const byVaccine = await get('/api/stats/doses?by=vaccine', 'admin');
    expect(byVaccine.rows).toEqual([{ key: PFIZER, label: 'Pfizer (Comirnaty)', doses: total(await dosesAt({})) }]);
    const byNumber = await get('/api/stats/doses?by=doseNumber&level=district&code=866', 'caolanh.admin');
    expect(Object.fromEntries(byNumber.rows.map((r: any) => [r.key, r.doses]))).toEqual(
      await dosesAt({ district: '866' }),
    );
    const bySex = await get('/api/stats/doses?by=sex', 'admin');
    const sexes = await sql<{ gender: string; n: string | number }>`
      select p.gender, count(*) as n from doses d join people p on p.id = d.person_id
      where d.duplicate_of is null group by p.gender`.execute(t.db);
    expect(Object.fromEntries(bySex.rows.map((r: any) => [r.key, r.doses]))).toEqual(
      Object.fromEntries(sexes.rows.map((r) => [r.gender, Number(r.n)])),
    );

    const coverage = await get('/api/stats/coverage?by=sex', 'dongthap.admin');
    const people = await sql<{ gender: string; n: string | number }>`
      select gender, count(*) as n from people where merged_into is null and province_code = '87'
      group by gender`.execute(t.db);
    expect(Object.fromEntries(coverage.rows.map((r: any) => [r.key, r.people]))).toEqual(
      Object.fromEntries(people.rows.map((r) => [r.gender, Number(r.n)])),
    );
    expect(coverage.total.people).toBe(await peopleIn({ province: '87' }));
    // The population of the import in use (demo figures), and the coverage it makes.
    const population = await sql<{ n: string | number | null }>`
      select sum(p.n) as n from stats_population p join stats_population_imports i on i.id = p.import_id
      where i.active and p.level = 'province' and p.unit_code = '87'
        and i.imported_at = (select max(imported_at) from stats_population_imports where active)`.execute(t.db);
    const pop = population.rows[0]?.n == null ? null : Number(population.rows[0].n);
    expect(coverage.total.population).toBe(pop);
    if (pop)
      expect(coverage.total.atLeastOnePercent).toBe(
        Math.round(((coverage.total.people - coverage.total.byStatus.none) / pop) * 1000) / 10,
      );
    const byUnit = await get('/api/stats/coverage?by=unit', 'admin');
    expect(Object.fromEntries(byUnit.rows.map((r: any) => [r.key, r.people]))).toEqual({
      '01': await peopleIn({ province: '01' }),
      '87': await peopleIn({ province: '87' }),
    });
    const byAge = await get('/api/stats/coverage?by=ageBand', 'admin');
    expect(byAge.rows.map((r: any) => r.key)).toEqual(['0-4', '5-11', '12-17', '18-49', '50-64', '65+']);
    expect(byAge.rows.reduce((s: number, r: any) => s + r.people, 0)).toBe(await peopleIn({}));

    const reports = await get('/api/stats/reports', 'admin');
    expect(reports.total).toMatchObject(await reportsIn({}));
    for (const r of reports.rows) expect(r, r.code).toMatchObject(await reportsIn({ province: r.code }));
    expect(reports.rows.map((r: any) => r.code)).toEqual(['87']);
    const later = await get('/api/stats/reports?from=2022-01-11', 'admin');
    expect(later.total.received).toBe(0);
  });
});

describe('scope and bad queries', () => {
  it('refuses a unit outside the caller’s, the 2025 units below a province, unknown units and bad filters', async () => {
    const refused = async (url: string, as: string, status: number, code: string) => {
      const res = await t.call('GET', url, { as });
      expect(res.status, `${url} as ${as}`).toBe(status);
      expect(res.body.error.code, `${url} as ${as}`).toBe(code);
    };
    await refused('/api/stats/overview?level=province&code=01', 'dongthap.admin', 403, 'out_of_scope');
    await refused('/api/stats/units?level=district&code=867', 'caolanh.admin', 403, 'out_of_scope');
    await refused('/api/stats/overview?level=nation', 'dongthap.admin', 403, 'out_of_scope');
    await refused('/api/stats/doses?by=day&level=facility&code=HN-BD-01', 'caolanh.tiem', 403, 'out_of_scope');
    await refused('/api/stats/overview?scheme=2025', 'caolanh.tiem', 403, 'stats_scheme_scope');
    await refused('/api/stats/units?scheme=2025', 'caolanh.admin', 403, 'stats_scheme_scope');
    await refused('/api/stats/units?scheme=2025&level=province2025&code=01', 'dongthap.admin', 403, 'out_of_scope');
    await refused('/api/stats/overview?level=district&code=99999', 'admin', 404, 'stats_unknown_unit');
    await refused('/api/stats/overview?level=province&code=866', 'admin', 404, 'stats_unknown_unit');
    await refused('/api/stats/overview?scheme=2025&level=district&code=866', 'admin', 400, 'validation_failed');
    await refused('/api/stats/doses?by=vaccine&from=2021-10-01', 'admin', 400, 'stats_filter_unsupported');
    await refused('/api/stats/doses?by=day&vaccine=x', 'admin', 400, 'stats_filter_unsupported');
    await refused('/api/stats/doses?by=month', 'admin', 400, 'validation_failed');
    await refused('/api/stats/units?format=pdf', 'admin', 400, 'validation_failed');
  });
});

describe('the breakdowns as files', () => {
  it('CSV and XLSX carry the same rows and numbers as the JSON answer', async () => {
    const json = await get('/api/stats/units', 'admin');
    const csv = await t.call('GET', '/api/stats/units?format=csv', { as: 'admin' });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="thong-ke-don-vi-toan-quoc.csv"');
    const text = csv.raw.rawPayload.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trim().split('\r\n');
    const header = lines[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
    expect(header.slice(0, 4)).toEqual(['Cấp', 'Mã', 'Tên', 'Số mũi tiêm']);
    const dosesCol = header.indexOf('Số mũi tiêm');
    const peopleCol = header.indexOf('Số người');
    const parsed = lines.slice(1).map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
    expect(parsed.map((r) => [r[1], Number(r[dosesCol]), Number(r[peopleCol])])).toEqual(
      json.rows.map((r: any) => [r.code, r.doses, r.coverage.people]),
    );

    const xlsx = await t.call('GET', '/api/stats/doses?by=day&format=xlsx', { as: 'dongthap.admin' });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="thong-ke-mui-tiem-day-87.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.raw.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(3).value).toBe('Số mũi tiêm');
    const days = await get('/api/stats/doses?by=day', 'dongthap.admin');
    const sheetRows: [string, number][] = [];
    ws.eachRow((row, i) => {
      if (i > 1) sheetRows.push([String(row.getCell(1).value), Number(row.getCell(3).value)]);
    });
    expect(sheetRows).toEqual(days.rows.map((r: any) => [r.key, r.doses]));

    const reports = await t.call('GET', '/api/stats/reports?format=xlsx', { as: 'admin' });
    const rwb = new ExcelJS.Workbook();
    await rwb.xlsx.load(reports.raw.rawPayload as unknown as ArrayBuffer);
    const rws = rwb.worksheets[0]!;
    expect(rws.getRow(2).getCell(2).value).toBe('87');
    expect(rws.getRow(2).getCell(4).value).toBe((await reportsIn({ province: '87' })).received);
  });
});

describe('date ranges', () => {
  const ranged = [
    '/api/stats/units?',
    '/api/stats/doses?by=day&',
    '/api/stats/doses?by=week&',
    '/api/stats/reports?',
    '/api/stats/unrecorded?',
  ];

  it('a start after the end is a 400 stats_range_invalid naming both days, as JSON and as a file', async () => {
    for (const base of ranged) {
      for (const format of ['json', 'csv', 'xlsx']) {
        const url = `${base}from=2021-12-31&to=2021-01-01&format=${format}`;
        const res = await t.call('GET', url, { as: 'admin' });
        expect(res.status, url).toBe(400);
        expect(res.body.error, url).toEqual({
          code: 'stats_range_invalid',
          field: 'from',
          message: 'Khoảng thời gian không hợp lệ: ngày bắt đầu (2021-12-31) sau ngày kết thúc (2021-01-01).',
        });
      }
    }
    const en = await t.call('GET', '/api/stats/units?from=2021-12-31&to=2021-01-01', {
      as: 'dongthap.admin',
      headers: { 'accept-language': 'en' },
    });
    expect(en.body.error.message).toBe(
      'The date range is not valid: the start (2021-12-31) is after the end (2021-01-01).',
    );
    // Unrecorded doses default the end to today (2022-01-10): a start after it is reversed too.
    const future = await t.call('GET', '/api/stats/unrecorded?from=2022-02-01', { as: 'admin' });
    expect(future.status).toBe(400);
    expect(future.body.error).toMatchObject({ code: 'stats_range_invalid', field: 'from' });
  });

  it('a single day (from = to) is a range', async () => {
    for (const base of ranged) {
      for (const format of ['json', 'csv']) {
        const url = `${base}from=2021-11-22&to=2021-11-22&format=${format}`;
        const res = await t.call('GET', url, { as: 'admin' });
        expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(200);
      }
    }
  });

  it('possible unrecorded doses: at most 366 days, over that a 400 stats_range_too_long', async () => {
    const year = await t.call('GET', '/api/stats/unrecorded?from=2021-01-01&to=2022-01-01', { as: 'admin' });
    expect(year.status).toBe(200);
    for (const format of ['json', 'csv']) {
      const url = `/api/stats/unrecorded?from=2021-01-01&to=2022-01-02&format=${format}`;
      const res = await t.call('GET', url, { as: 'admin' });
      expect(res.status, url).toBe(400);
      expect(res.body.error, url).toEqual({
        code: 'stats_range_too_long',
        field: 'from',
        message: 'Khoảng thời gian tối đa là 366 ngày.',
      });
    }
  });
});
