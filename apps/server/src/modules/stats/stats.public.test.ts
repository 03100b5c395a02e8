import { randomUUID } from 'node:crypto';
import { PUBLIC_MIN_CELL } from '@tiemchung/core';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { foldStatsNow, useTestApp } from '../../test/harness.js';
import { forgetPublicStats, suppressGroup } from './stats.public.js';

const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });

const PFIZER = 'EU/1/20/1528';
const SITE: Record<string, { facilityId: string; as: string }> = {
  '87': { facilityId: 'DT-CL-01', as: 'caolanh.tiem' },
  '01': { facilityId: 'HN-BD-01', as: 'hanoi.tiem' },
  '79': { facilityId: 'HCM-Q1-01', as: 'admin' },
};

async function vaccinate(province: string, dates: readonly string[]): Promise<void> {
  const site = SITE[province]!;
  const p = await createPersonVia(t, buildPersonIn(province), site.as);
  for (const administeredOn of dates) {
    const r = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: site.as,
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: site.facilityId },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}

/** Doses given at facilities of a province (or everywhere), straight from the records. */
async function dosesIn(province?: string): Promise<number> {
  let q = t.db
    .selectFrom('doses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('duplicate_of', 'is', null);
  if (province) q = q.where('province_code', '=', province);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** People living in a province with at least `min` doses, straight from the records. */
async function peopleWithDoses(province: string | undefined, min: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select p.id from people p join doses d on d.person_id = p.id and d.duplicate_of is null
      where p.merged_into is null ${province ? sql`and p.province_code = ${province}` : sql``}
      group by p.id having count(*) >= ${min}
    ) x`.execute(t.db);
  return rows[0]!.n;
}

const get = (url: string, headers: Record<string, string> = {}) => t.call('GET', url, { headers });

beforeAll(async () => {
  // Today's provinces and the official old → new mapping of the three used here (normally imported).
  const units2025 = [
    ['01', 'Hà Nội'],
    ['79', 'Hồ Chí Minh'],
    ['82', 'Đồng Tháp'],
  ] as const;
  await t.db
    .insertInto('admin_units')
    .values(
      units2025.map(([code, name]) => ({
        scheme: '2025' as const,
        code,
        level: 'province' as const,
        name,
        type: 'Tỉnh',
        parent_code: null,
        province_code: code,
        district_code: null,
        name_key: name.toLowerCase(),
        valid_from: '2025-07-01',
        valid_to: null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await t.db
    .insertInto('admin_unit_mappings')
    .values([
      { level: 'province', old_code: '01', new_code: '01', old_name: 'Thành phố Hà Nội', new_name: 'Hà Nội' },
      { level: 'province', old_code: '79', new_code: '79', old_name: 'Thành phố Hồ Chí Minh', new_name: 'Hồ Chí Minh' },
      { level: 'province', old_code: '87', new_code: '82', old_name: 'Tỉnh Đồng Tháp', new_name: 'Đồng Tháp' },
    ])
    .onConflict((oc) => oc.doNothing())
    .execute();
  // A population import (the denominators): the nation and the provinces of both schemes.
  const importId = randomUUID();
  await t.db
    .insertInto('stats_population_imports')
    .values({ id: importId, source: 'Tổng cục Thống kê (thử nghiệm)', year: 2021, rows: 4, imported_by: 'test' })
    .execute();
  const population: [string, string, number][] = [
    ['nation', '', 100_000],
    ['province', '87', 1_000],
    ['province', '79', 2_000],
    ['province', '01', 5_000],
    ['province2025', '82', 3_000],
    ['province2025', '79', 2_000],
    ['province2025', '01', 5_000],
  ];
  await t.db
    .insertInto('stats_population')
    .values(
      population.map(([level, unit_code, n]) => ({
        import_id: importId,
        level,
        unit_code,
        sex: 'female',
        age_band: '18-49',
        n,
      })),
    )
    .execute();

  // Đồng Tháp: 12 people, 11 of them with a second dose (23 doses); Hồ Chí Minh: 11 people with
  // one dose; Hà Nội: 3 people with one dose — a cell below the threshold.
  for (let i = 0; i < 12; i++) await vaccinate('87', i < 11 ? ['2021-10-01', '2021-10-29'] : ['2021-10-01']);
  for (let i = 0; i < 11; i++) await vaccinate('79', ['2021-10-01']);
  for (let i = 0; i < 3; i++) await vaccinate('01', ['2021-10-02']);
  await foldStatsNow(t);
  forgetPublicStats(t.db);
}, 120_000);

describe('suppressGroup', () => {
  it('hides cells below the threshold and, when one alone is hidden, the smallest other non-zero cell', () => {
    expect(suppressGroup([3, 11, 23])).toEqual([null, null, 23]);
    expect(suppressGroup([3, 4, 23])).toEqual([null, null, 23]);
    expect(suppressGroup([0, 11, 23])).toEqual([0, 11, 23]);
    expect(suppressGroup([3, 0, 0])).toEqual([null, 0, 0]);
    expect(suppressGroup([PUBLIC_MIN_CELL, 12])).toEqual([PUBLIC_MIN_CELL, 12]);
  });
});

describe('GET /api/public/stats', () => {
  it('answers without a session: the figures equal direct counts, small cells are null', async () => {
    const r = await get('/api/public/stats');
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s).toMatchObject({ scheme: '2021', minCell: PUBLIC_MIN_CELL });
    expect(s.populationSource).toEqual({ source: 'Tổng cục Thống kê (thử nghiệm)', year: 2021 });
    expect(s.provinces).toHaveLength(63);

    // The nation: every figure above the threshold is published and equals the records.
    expect(s.nation.code).toBe('VN');
    expect(s.nation.doses).toBe(await dosesIn());
    expect(s.nation.doses).toBe(37);
    expect(s.nation.atLeastOne).toBe(await peopleWithDoses(undefined, 1));
    expect(s.nation.complete).toBe(await peopleWithDoses(undefined, 2));
    expect(s.nation.booster).toBe(0);
    expect(s.nation.population).toBe(100_000);
    expect(s.nation.atLeastOnePercent).toBe(Math.round((26 / 100_000) * 1000) / 10);

    const dt = s.provinces.find((p: { code: string }) => p.code === '87');
    const hn = s.provinces.find((p: { code: string }) => p.code === '01');
    const hcm = s.provinces.find((p: { code: string }) => p.code === '79');
    expect(dt.name).toBe('Tỉnh Đồng Tháp');
    expect(dt.doses).toBe(await dosesIn('87'));
    expect(dt.doses).toBe(23);
    expect(dt.atLeastOne).toBe(await peopleWithDoses('87', 1));
    expect(dt.atLeastOne).toBe(12);
    expect(dt.atLeastOnePercent).toBe(1.2);
    // Hà Nội's 3 doses and 3 people are below the threshold: null, and so are their percentages.
    expect(await dosesIn('01')).toBe(3);
    expect(hn).toMatchObject({ doses: null, atLeastOne: null, atLeastOnePercent: null, population: 5000 });
    // Hồ Chí Minh's 11 are hidden too: the nation minus the others would give Hà Nội's.
    expect(hcm).toMatchObject({ doses: null, atLeastOne: null, atLeastOnePercent: null });
    // Complete: Đồng Tháp's 11 alongside Hà Nội's 0 and Hồ Chí Minh's 0 — nothing hidden.
    expect(dt.complete).toBe(await peopleWithDoses('87', 2));
    expect(dt.completePercent).toBe(1.1);
    // A province with nothing recorded shows 0 (not suppressed).
    expect(s.provinces.find((p: { code: string }) => p.code === '92')).toMatchObject({ doses: 0, atLeastOne: 0 });

    // The nation's doses per day equal the records by day; the 2 October (Hà Nội's 3) is hidden.
    const { rows: days } = await sql<{ day: string; n: number }>`
      select administered_on::text as day, count(*)::int as n from doses where duplicate_of is null
      group by administered_on order by administered_on`.execute(t.db);
    expect(s.daily.map((d: { date: string }) => d.date)).toEqual(days.map((d) => d.day.slice(0, 10)));
    expect(s.daily).toEqual([
      { date: '2021-10-01', doses: 23, firstDoses: 23, secondDoses: 0, laterDoses: 0 },
      // 3 doses hidden, so 11 is hidden with them (the total minus the others would give the 3).
      { date: '2021-10-02', doses: null, firstDoses: null, secondDoses: null, laterDoses: null },
      { date: '2021-10-29', doses: null, firstDoses: null, secondDoses: null, laterDoses: null },
    ]);
  });

  it('gives one province’s doses per day with province=, and 400 for a code that names none', async () => {
    const r = await get('/api/public/stats?province=87');
    expect(r.status).toBe(200);
    expect(r.body.daily).toEqual([
      { date: '2021-10-01', doses: 12, firstDoses: 12, secondDoses: 0, laterDoses: 0 },
      { date: '2021-10-29', doses: 11, firstDoses: 0, secondDoses: 11, laterDoses: 0 },
    ]);
    expect((await get('/api/public/stats?province=00')).status).toBe(400);
    expect((await get('/api/public/stats?province=abc')).status).toBe(400);
  });

  it('counts in the 2025 provinces through the official mapping', async () => {
    const r = await get('/api/public/stats?scheme=2025');
    expect(r.status).toBe(200);
    expect(r.body.scheme).toBe('2025');
    expect(r.body.provinces.map((p: { code: string }) => p.code)).toEqual(['01', '79', '82']);
    const dt = r.body.provinces.find((p: { code: string }) => p.code === '82');
    expect(dt).toMatchObject({
      name: 'Đồng Tháp',
      doses: 23,
      atLeastOne: 12,
      population: 3000,
      atLeastOnePercent: 0.4,
    });
    expect(r.body.nation.doses).toBe(37);
    const daily = await get('/api/public/stats?scheme=2025&province=82');
    expect(daily.body.daily.map((d: { doses: number }) => d.doses)).toEqual([12, 11]);
  });

  it('carries no personal data', async () => {
    const people = await t.db
      .selectFrom('people')
      .select(['id', 'full_name', 'id_number', 'phone', 'date_of_birth'])
      .execute();
    for (const url of [
      '/api/public/stats',
      '/api/public/stats?province=87',
      '/api/public/stats/provinces.json',
      '/api/public/stats/provinces.csv',
      '/api/public/stats/daily.csv?province=87',
    ]) {
      const text = (await get(url)).raw.body;
      for (const p of people)
        for (const v of [p.id, p.full_name, p.id_number, p.phone])
          if (v) expect(text.includes(v), `${url} contains ${v}`).toBe(false);
      for (const field of ['fullName', 'idNumber', 'phone', 'dateOfBirth', 'personId', 'full_name', 'id_number'])
        expect(text.includes(field), `${url} names ${field}`).toBe(false);
    }
    const keys = new Set<string>();
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          keys.add(k);
          walk(x);
        }
    };
    walk((await get('/api/public/stats')).body);
    expect([...keys].sort()).toEqual(
      [
        'asOf',
        'scheme',
        'nation',
        'provinces',
        'daily',
        'populationSource',
        'minCell',
        'code',
        'name',
        'doses',
        'atLeastOne',
        'complete',
        'booster',
        'population',
        'atLeastOnePercent',
        'completePercent',
        'boosterPercent',
        'date',
        'firstDoses',
        'secondDoses',
        'laterDoses',
        'source',
        'year',
      ].sort(),
    );
  });

  it('is cacheable: public max-age=60, an ETag, and 304 when the client has it', async () => {
    const r = await get('/api/public/stats');
    expect(r.headers['cache-control']).toBe('public, max-age=60');
    const etag = String(r.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/api/public/stats', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.raw.body).toBe('');
    expect((await get('/api/public/stats', { 'if-none-match': '"other"' })).status).toBe(200);
    const csv = await get('/api/public/stats/provinces.csv');
    expect((await get('/api/public/stats/provinces.csv', { 'if-none-match': String(csv.headers.etag) })).status).toBe(
      304,
    );
  });

  it('keeps the figures ~30 s on the node: a dose recorded since shows after the cache expires', async () => {
    const before = (await get('/api/public/stats')).body.nation.doses;
    await vaccinate('87', ['2021-11-01']);
    await foldStatsNow(t);
    expect((await get('/api/public/stats')).body.nation.doses).toBe(before);
    forgetPublicStats(t.db);
    expect((await get('/api/public/stats')).body.nation.doses).toBe(before + 1);
  });
});

describe('open data', () => {
  /** A CSV's lines split into cells (the files quote no cell unless it holds a comma or quote). */
  const parse = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(','));

  it('provinces.csv and .json: the documented columns, the nation first, the same figures as the page', async () => {
    forgetPublicStats(t.db);
    const page = (await get('/api/public/stats')).body;
    const csv = await get('/api/public/stats/provinces.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="tiem-chung-tinh-2021.csv"');
    expect(csv.raw.body.startsWith('\uFEFF')).toBe(true);
    const lines = parse(csv.raw.body);
    expect(lines[0]!.join(',')).toBe(
      'province_code,province_name,population,doses,people_at_least_one_dose,people_complete,people_booster,coverage_at_least_one_pct,coverage_complete_pct,coverage_booster_pct',
    );
    expect(lines).toHaveLength(1 + 1 + 63);
    expect(lines[1]).toEqual([
      'VN',
      'Việt Nam',
      '100000',
      String(page.nation.doses),
      String(page.nation.atLeastOne),
      String(page.nation.complete),
      '0',
      String(page.nation.atLeastOnePercent),
      String(page.nation.completePercent),
      '0',
    ]);
    const dt = lines.find((l) => l[0] === '87')!;
    expect(dt.slice(1, 8)).toEqual(['Tỉnh Đồng Tháp', '1000', '24', '13', '11', '0', '1.3']);
    // Hà Nội: suppressed cells are empty.
    expect(lines.find((l) => l[0] === '01')).toEqual([
      '01',
      'Thành phố Hà Nội',
      '5000',
      '',
      '',
      '0',
      '0',
      '',
      '0',
      '0',
    ]);

    const json = await get('/api/public/stats/provinces.json?scheme=2021');
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ scheme: '2021', min_cell: 10, population_year: 2021 });
    expect(Object.keys(json.body.rows[0])).toEqual(lines[0]);
    expect(json.body.rows[0]).toMatchObject({ province_code: 'VN', doses: page.nation.doses });
    expect(json.body.rows.find((r: { province_code: string }) => r.province_code === '01')).toMatchObject({
      doses: null,
      people_at_least_one_dose: null,
      coverage_at_least_one_pct: null,
    });
  });

  it('provinces.csv and .json take the scheme alone: province= is refused, not ignored (the file has every province)', async () => {
    for (const file of ['provinces.csv', 'provinces.json']) {
      for (const province of ['99', '87']) {
        const r = await get(`/api/public/stats/${file}?province=${province}`);
        expect(r.status, `${file} ${province}`).toBe(400);
        expect(r.body.error.code, `${file} ${province}`).toBe('validation_failed');
        expect(r.body.error.field, `${file} ${province}`).toBe('province');
        expect(r.body.error.message, `${file} ${province}`).toContain('tệp này có mọi tỉnh');
      }
      expect((await get(`/api/public/stats/${file}?scheme=2025`)).status, file).toBe(200);
      // Another parameter is ignored, as on the daily files (a client's cache-buster).
      expect((await get(`/api/public/stats/${file}?v=2`)).status, file).toBe(200);
    }
    // As on the page's figures and the daily files, an unknown province is a 400 there too.
    expect((await get('/api/public/stats/daily.csv?province=99')).body.error.code).toBe('unknown_unit');
  });

  it('daily.csv and .json: the documented columns, the nation (VN) or one province', async () => {
    const csv = await get('/api/public/stats/daily.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="tiem-chung-theo-ngay-2021-VN.csv"');
    const lines = parse(csv.raw.body);
    expect(lines[0]!.join(',')).toBe('date,province_code,province_name,doses,first_doses,second_doses,later_doses');
    expect(lines[1]).toEqual(['2021-10-01', 'VN', 'Việt Nam', '23', '23', '0', '0']);
    expect(lines[2]).toEqual(['2021-10-02', 'VN', 'Việt Nam', '', '', '', '']);

    const dt = await get('/api/public/stats/daily.json?province=87');
    expect(Object.keys(dt.body.rows[0])).toEqual(lines[0]);
    expect(dt.body.rows[0]).toEqual({
      date: '2021-10-01',
      province_code: '87',
      province_name: 'Tỉnh Đồng Tháp',
      doses: 12,
      first_doses: 12,
      second_doses: 0,
      later_doses: 0,
    });
    const dt2025 = await get('/api/public/stats/daily.csv?scheme=2025&province=82');
    expect(parse(dt2025.raw.body)[1]).toEqual(['2021-10-01', '82', 'Đồng Tháp', '12', '12', '0', '0']);
  });
});
