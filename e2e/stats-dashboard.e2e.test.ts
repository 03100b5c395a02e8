import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatsOverview, StatsUnits } from '@tiemchung/core';
import { atLeast } from '@tiemchung/core';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import {
  callApi,
  FACILITY_ID,
  openStaffPage,
  PFIZER,
  PFIZER_LOT,
  REPO_ROOT,
  SITE_STAFF,
  saveScreenshot,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  useServerAndBrowser,
  visible,
  vnDate,
} from './helpers';

/** How the dashboard writes a count (Vietnamese: 1.234). */
const vi = (n: number) => n.toLocaleString('vi-VN');
const ADMIN = { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD };
const DISTRICT = '866';
/** How long a figure may take to show (a unit's figures load after its address changes). */
const POLL = { timeout: 15_000, interval: 200 };
const COMMUNE = '29866';

/**
 * The statistics dashboard (issue 15, deliverable 5): after doses are recorded through the API and
 * the fold has counted them, the national administrator's dashboard shows the same key figures as
 * `/api/stats/overview`, drills down by clicking from the nation to a province, a district, a
 * commune and a facility (each a link: back goes up), switches between the 2021 and the 2025
 * units, and exports the unit table as an XLSX that exceljs reads back with the on-screen numbers.
 */
describe('statistics dashboard (browser)', () => {
  const env = useServerAndBrowser();

  async function overviewOf(token: string, query = ''): Promise<StatsOverview> {
    const r = await callApi<StatsOverview>(env.server, token, 'GET', `/api/stats/overview${query}`);
    expect(r.status).toBe(200);
    return r.body;
  }

  async function unitsOf(token: string, query: string): Promise<StatsUnits> {
    const r = await callApi<StatsUnits>(env.server, token, 'GET', `/api/stats/units${query}`);
    expect(r.status).toBe(200);
    return r.body;
  }

  /** The value of the KPI tile named `label`. */
  const tile = (page: Page, label: string) =>
    page
      .locator('.stats-kpi')
      .filter({ has: page.locator('dt', { hasText: label }) })
      .locator('.stats-kpi__value');

  /** The unit table (its caption names it) and a row of it by the unit's code. */
  const unitTable = (page: Page) => page.getByRole('table', { name: /Số liều và tỷ lệ bao phủ/ });
  const unitRow = (page: Page, code: string): Locator => unitTable(page).locator(`tbody tr[data-unit="${code}"]`);

  /** Clicks the unit's link in the table and waits for its figures. */
  async function drillTo(page: Page, level: string, code: string, name: string) {
    await visible(unitRow(page, code));
    await unitRow(page, code).getByRole('link').click();
    await page.waitForURL((url) => url.searchParams.get('level') === level && url.searchParams.get('code') === code);
    await expect.poll(() => page.locator('#stats-unit-name').textContent(), POLL).toContain(name);
  }

  it('shows the API’s figures, drills down to a facility, switches unit schemes and exports the same numbers', async () => {
    const site = (await callApi<{ token: string }>(env.server, null, 'POST', '/api/auth/login', SITE_STAFF)).body.token;
    const admin = (await callApi<{ token: string }>(env.server, null, 'POST', '/api/auth/login', ADMIN)).body.token;
    // The official 2025 units and the old → new mapping (the demo has only 2021 units), first:
    // a record counts in its 2025 province and commune through the mapping when it is counted.
    const files = ['admin-units-2025.json', 'admin-units-2025-mapping.json'].map((name) => ({
      name,
      content: readFileSync(join(REPO_ROOT, 'reference/admin-units', name), 'utf8'),
    }));
    const job = await callApi<{ id: string }>(env.server, admin, 'POST', '/api/units/imports', { files });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    await expect
      .poll(
        async () =>
          (await callApi<{ status: string }>(env.server, admin, 'GET', `/api/units/imports/${job.body.id}`)).body
            .status,
        { timeout: 120_000, interval: 1_000 },
      )
      .toBe('done');
    const before = await overviewOf(admin);

    // Three doses at the demo site of Cao Lãnh: one person twice (four weeks apart), one once today.
    const citizens = simulatorCitizens().filter((c) => c.provinceCode === '87');
    const doses: [number, string[]][] = [
      [11, [vnDate(-28), vnDate(0)]],
      [12, [vnDate(0)]],
    ];
    for (const [i, days] of doses) {
      const person = await callApi<{ id: string }>(env.server, site, 'POST', '/api/people', {
        ...citizens[i],
        districtCode: DISTRICT,
        communeCode: COMMUNE,
      });
      expect(person.status).toBe(201);
      for (const administeredOn of days) {
        const dose = await callApi(
          env.server,
          site,
          'POST',
          `/api/people/${person.body.id}/doses`,
          { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
          { 'Idempotency-Key': crypto.randomUUID() },
        );
        expect(dose.status, JSON.stringify(dose.body)).toBe(201);
      }
    }
    // The fold job (every second in this server) counts them.
    let overview = before;
    await expect
      .poll(
        async () => {
          overview = await overviewOf(admin);
          return overview.pending === 0 && overview.doses.total >= before.doses.total + 3;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);

    const errors: Error[] = [];
    const { context, page } = await openStaffPage(env.browser, env.server, ADMIN, errors);
    await page.getByRole('link', { name: 'Thống kê', exact: true }).click();
    await page.waitForURL('**/quan-tri/thong-ke');
    await visible(page.getByRole('heading', { level: 1, name: 'Thống kê tiêm chủng' }));
    await expect.poll(() => page.locator('#stats-unit-name').textContent(), POLL).toContain('Toàn quốc');

    // The tiles are the overview's figures.
    overview = await overviewOf(admin);
    const status = overview.coverage.byStatus;
    await expect.poll(() => tile(page, 'Tổng số liều đã tiêm').textContent(), POLL).toBe(vi(overview.doses.total));
    expect(await tile(page, 'Người đã tiêm ít nhất 1 mũi').textContent()).toBe(vi(atLeast(status, 'partial')));
    expect(await tile(page, 'Người đã tiêm đủ mũi cơ bản').textContent()).toBe(vi(atLeast(status, 'complete')));
    expect(await tile(page, 'Người đã tiêm mũi nhắc lại').textContent()).toBe(vi(status.booster));
    expect(await tile(page, 'Phản ánh quá hạn xử lý').textContent()).toBe(vi(overview.reports.overdue));
    expect(overview.doses.total).toBeGreaterThanOrEqual(3);
    // Charts drawn, each with its text alternative (the table it names).
    const charts = page.locator('.stats-chart[role="img"]');
    await expect.poll(() => charts.count(), POLL).toBeGreaterThanOrEqual(3);
    for (const chart of await charts.all()) {
      expect(await chart.getAttribute('aria-label')).toBeTruthy();
      const described = await chart.getAttribute('aria-describedby');
      expect(described).toBeTruthy();
      expect(await page.locator(`[id="${described}"]`).count()).toBe(1);
    }

    // The unit table at the nation: the provinces as the API gives them.
    const nation = await unitsOf(admin, '?scheme=2021');
    const dongThap = nation.rows.find((r) => r.code === '87')!;
    expect(dongThap.doses).toBeGreaterThanOrEqual(3);
    await visible(unitRow(page, '87'));
    const cells = unitRow(page, '87').locator('td');
    expect(await cells.nth(0).textContent()).toBe(vi(dongThap.doses));
    expect(await cells.nth(1).textContent()).toBe(vi(atLeast(dongThap.coverage!.byStatus, 'partial')));
    await saveScreenshot(page, 'stats-dashboard-1280');
    await saveScreenshot(page, 'stats-dashboard-1280-top', false);

    // The same table as XLSX, read back.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải XLSX: Bao phủ theo đơn vị' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    const col = (header: string) => {
      const i = headers.indexOf(header);
      expect(i, `column ${header} in ${headers.join(' | ')}`).toBeGreaterThan(0);
      return i;
    };
    const [codeCol, nameCol, dosesCol] = [col('Mã'), col('Tên'), col('Số mũi tiêm')];
    const fileRows = new Map<string, { name: string; doses: number }>();
    sheet.eachRow((row, n) => {
      if (n > 1)
        fileRows.set(String(row.getCell(codeCol).value), {
          name: String(row.getCell(nameCol).value),
          doses: Number(row.getCell(dosesCol).value),
        });
    });
    expect(fileRows.size).toBe(nation.rows.length);
    for (const r of nation.rows) expect(fileRows.get(r.code)).toEqual({ name: r.name, doses: r.doses });
    expect(vi(fileRows.get('87')!.doses)).toBe(await cells.nth(0).textContent());

    // The ministry's daily report of the chosen day, with the page's own session.
    const daily = page.getByRole('link', { name: 'Báo cáo ngày (XLSX)' });
    const dailyHref = (await daily.getAttribute('href'))!;
    expect(dailyHref).toMatch(/^\/api\/stats\/daily-report\.xlsx\?date=\d{4}-\d{2}-\d{2}&scheme=2021$/);
    const dailyFile = await page.request.get(dailyHref);
    expect(dailyFile.status()).toBe(200);
    expect(dailyFile.headers()['content-type']).toContain('spreadsheetml');
    // The national administrator sees the population in use and the form to import another.
    await visible(page.getByRole('heading', { name: 'Dân số (mẫu số)' }));
    if (overview.populationSource) await visible(page.getByText(`Đang dùng: ${overview.populationSource.source}`));
    await visible(page.getByLabel('Tệp dân số (CSV hoặc XLSX)'));

    // Drill down by clicking: province → district → commune → facility.
    await drillTo(page, 'province', '87', dongThap.name);
    await drillTo(
      page,
      'district',
      DISTRICT,
      (await unitsOf(admin, '?level=province&code=87')).rows.find((r) => r.code === DISTRICT)!.name,
    );
    const district = await unitsOf(admin, `?level=district&code=${DISTRICT}`);
    await drillTo(page, 'commune', COMMUNE, district.rows.find((r) => r.code === COMMUNE)!.name);
    const commune = await unitsOf(admin, `?level=commune&code=${COMMUNE}`);
    const facility = commune.rows.find((r) => r.code === FACILITY_ID)!;
    expect(facility.doses).toBeGreaterThanOrEqual(3);
    expect(await unitRow(page, FACILITY_ID).locator('td').first().textContent()).toBe(vi(facility.doses));
    await drillTo(page, 'facility', FACILITY_ID, facility.name);
    const atFacility = await overviewOf(admin, `?level=facility&code=${FACILITY_ID}`);
    await expect.poll(() => tile(page, 'Tổng số liều đã tiêm').textContent(), POLL).toBe(vi(atFacility.doses.total));
    // The breadcrumbs lead back up: the nation, the province, the district, the commune.
    const crumbs = page.getByRole('navigation', { name: 'Đơn vị đang xem' });
    expect(await crumbs.getByRole('link').count()).toBe(4);
    // Back goes up one level.
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('level') === 'commune');
    await visible(unitRow(page, FACILITY_ID));
    await crumbs.getByRole('link', { name: dongThap.name }).click();
    await page.waitForURL((url) => url.searchParams.get('level') === 'province');

    // The 2025 units: the nation's 2025 provinces, one level down to a 2025 province, and back to 2021.
    await page.getByRole('link', { name: 'Đơn vị hành chính 2025 (2 cấp)' }).click();
    await page.waitForURL((url) => url.searchParams.get('scheme') === '2025');
    const nation2025 = await unitsOf(admin, '?scheme=2025');
    const province2025 = nation2025.rows.find((r) => r.doses > 0)!;
    expect(province2025, JSON.stringify(nation2025).slice(0, 3000)).toBeDefined();
    expect(province2025.level).toBe('province2025');
    await expect.poll(() => page.locator('#stats-unit-name').textContent(), POLL).toContain('Toàn quốc');
    await drillTo(page, 'province2025', province2025.code, province2025.name);
    expect(await tile(page, 'Tổng số liều đã tiêm').textContent()).toBe(
      vi((await overviewOf(admin, `?scheme=2025&level=province2025&code=${province2025.code}`)).doses.total),
    );
    await page.getByRole('link', { name: 'Đơn vị hành chính 2021 (3 cấp)' }).click();
    await page.waitForURL((url) => url.searchParams.get('scheme') === '2021');
    await visible(unitRow(page, '87'));

    // A phone: the page does not scroll sideways (tables scroll in their own box).
    await page.setViewportSize({ width: 320, height: 640 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await saveScreenshot(page, 'stats-dashboard-320');
    await saveScreenshot(page, 'stats-dashboard-320-top', false);
    await page.getByRole('heading', { name: 'Bao phủ theo đơn vị' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'stats-dashboard-320-units', false);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a district administrator their own district only, in the 2021 units', async () => {
    const errors: Error[] = [];
    const { context, page } = await openStaffPage(
      env.browser,
      env.server,
      { username: 'caolanh.admin', password: 'TiemChung@2021' },
      errors,
    );
    await page.goto('/quan-tri/thong-ke');
    await expect.poll(() => page.locator('#stats-unit-name').textContent(), POLL).toContain('Cao Lãnh');
    expect(await page.getByRole('link', { name: 'Đơn vị hành chính 2025 (2 cấp)' }).count()).toBe(0);
    // The units above are named, not linked.
    expect(await page.getByRole('navigation', { name: 'Đơn vị đang xem' }).getByRole('link').count()).toBe(0);
    // In English through the app's language switch.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Vaccination statistics' }));
    await visible(page.getByRole('heading', { name: 'Coverage by unit' }));
    await visible(page.locator('.stats-kpi dt', { hasText: 'Doses given in all' }));
    expect(errors).toEqual([]);
    await context.close();
  });
});
