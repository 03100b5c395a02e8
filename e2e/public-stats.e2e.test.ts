import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PublicStats } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  callApi,
  FACILITY_ID,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  useServerAndBrowser,
  visible,
} from './helpers';

/** The open data's documented header (docs/open-data.md): never changes. */
const PROVINCES_HEADER =
  'province_code,province_name,population,doses,people_at_least_one_dose,people_complete,people_booster,coverage_at_least_one_pct,coverage_complete_pct,coverage_booster_pct';

const env = useServerAndBrowser();

/** A published figure as the page writes it in Vietnamese (a hidden one is a dash). */
const shown = (n: number | null, percent = false) =>
  n === null
    ? '—'
    : percent
      ? `${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)}\u00a0%`
      : new Intl.NumberFormat('vi-VN').format(n);

describe('the public statistics page /thong-ke', () => {
  it('shows a visitor who is not signed in the national figures of the API, in 2021 and 2025 units, and the CSV downloads', async () => {
    // The simulator's people of Đồng Tháp (ten of the first 400) vaccinated at the demo site, through the API.
    const token = await env.token(SITE_STAFF.username, SITE_STAFF.password);
    // And three residents of Hà Nội vaccinated there: Hà Nội's people counts are below the
    // threshold, so the page has hidden cells (a 320 px screen must still not scroll sideways).
    const all = simulatorCitizens(400);
    const citizens = [
      ...all.filter((c) => c.provinceCode === '87').slice(0, 12),
      ...all.filter((c) => c.provinceCode === '01').slice(0, 3),
    ];
    for (const c of citizens) {
      const person = await callApi<{ id: string }>(env.server, token, 'POST', '/api/people', personBodyOf(c));
      expect(person.status).toBe(201);
      const dose = await callApi(
        env.server,
        token,
        'POST',
        `/api/people/${person.body.id}/doses`,
        { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn: '2021-10-01', facilityId: FACILITY_ID },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(dose.status).toBe(201);
    }
    // The fold counts them within seconds (the staff summary is not cached: wait on it).
    const admin = await env.token(TEST_ADMIN_USERNAME, TEST_ADMIN_PASSWORD);
    let summary = { doses: 0, pending: -1 };
    for (let i = 0; i < 60 && !(summary.doses >= citizens.length && summary.pending === 0); i++) {
      await new Promise((r) => setTimeout(r, 500));
      summary = (await callApi<typeof summary>(env.server, admin, 'GET', '/api/stats/summary')).body;
    }
    expect(summary.pending).toBe(0);
    // A fresh server: no dose but these (its demo data has none).
    expect(summary.doses).toBe(citizens.length);
    const api = (await callApi<PublicStats>(env.server, null, 'GET', '/api/public/stats')).body;
    expect(api.nation.doses).toBe(summary.doses);

    const context = await env.browser.newContext({ baseURL: env.server.baseUrl, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/thong-ke');
    await visible(page.getByRole('heading', { level: 1, name: 'Số liệu tiêm chủng COVID-19' }));
    const figures = page.getByTestId('national-figures');
    await visible(figures);
    expect(await figures.locator('[data-figure="doses"]').innerText()).toBe(shown(api.nation.doses));
    for (const k of ['atLeastOne', 'complete', 'booster'] as const)
      expect(await figures.locator(`[data-figure="${k}Percent"]`).innerText()).toContain(
        shown(api.nation[`${k}Percent`], true),
      );
    // The province table: every province, Đồng Tháp's doses as the API gives them; the search finds it without diacritics.
    const table = page.getByRole('region', { name: /Bảng số liệu theo tỉnh/ });
    expect(await table.locator('tbody tr').count()).toBe(api.provinces.length);
    await page.getByLabel('Tìm tỉnh, thành phố').fill('dong thap');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    const dt = api.provinces.find((p) => p.code === '87')!;
    expect(await table.locator('tbody tr').first().locator('td').first().innerText()).toBe(shown(dt.doses));
    await page.getByLabel('Tìm tỉnh, thành phố').fill('');
    // The chart arrives after the figures, as an image named for what it shows.
    await visible(page.getByRole('img', { name: /Biểu đồ cột số mũi tiêm theo ngày của Cả nước/ }));

    // 2025 units: the figures of the API's scheme 2025, and the download links follow the switch.
    await page.getByLabel('34 tỉnh, thành phố (từ 1/7/2025)').click();
    await page.waitForURL(/scheme=2025/);
    const api2025 = (await callApi<PublicStats>(env.server, null, 'GET', '/api/public/stats?scheme=2025')).body;
    await expect
      .poll(() => page.getByTestId('province-count').innerText())
      .toBe(`${api2025.provinces.length} / ${api2025.provinces.length} tỉnh, thành phố`);
    expect(await figures.locator('[data-figure="doses"]').innerText()).toBe(shown(api2025.nation.doses));
    const csvLink = page.locator('a[data-file="provinces.csv"]');
    expect(await csvLink.getAttribute('href')).toBe('/api/public/stats/provinces.csv?scheme=2025');

    // Back to 2021 and download the provinces' CSV: the documented header, then the nation.
    await page.getByLabel('63 tỉnh, thành phố (trước 1/7/2025)').click();
    await expect.poll(() => page.getByLabel('63 tỉnh, thành phố (trước 1/7/2025)').isChecked()).toBe(true);
    await expect.poll(() => csvLink.getAttribute('href')).toBe('/api/public/stats/provinces.csv?scheme=2021');
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(download.suggestedFilename()).toBe('tiem-chung-tinh-2021.csv');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(PROVINCES_HEADER);
    expect(lines).toHaveLength(2 + api.provinces.length);
    expect(lines[1]!.split(',').slice(0, 4)).toEqual([
      'VN',
      'Việt Nam',
      String(api.nation.population ?? ''),
      String(api.nation.doses),
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a 320 px screen: the tables, hidden cells and all, scroll inside their own box, never the page', async () => {
    // The figures of the first test: Hà Nội's people are hidden cells (their "ẩn" markers are in the table).
    const api = (await callApi<PublicStats>(env.server, null, 'GET', '/api/public/stats')).body;
    expect(api.provinces.find((p) => p.code === '01')?.atLeastOne).toBeNull();
    const context = await env.browser.newContext({
      baseURL: env.server.baseUrl,
      viewport: { width: 320, height: 640 },
    });
    const page = await context.newPage();
    await page.goto('/thong-ke');
    await visible(page.getByTestId('national-figures'));
    const table = page.getByRole('region', { name: /Bảng số liệu theo tỉnh/ });
    expect(await table.locator('.pstats-suppressed .visually-hidden').count()).toBeGreaterThan(0);
    await page.getByText('Xem bảng số liệu theo ngày').click();
    await visible(page.locator('details .pstats-table-wrap'));
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
      table: document.querySelector('.pstats-table-wrap')!.scrollWidth,
      box: document.querySelector('.pstats-table-wrap')!.clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    // The province table is wider than the screen: it scrolls sideways in its box.
    expect(widths.table).toBeGreaterThan(widths.box);
    await context.close();
  });

  it('shows the whole country when the link names a province the list does not have', async () => {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    const nation2021 = (await callApi<PublicStats>(env.server, null, 'GET', '/api/public/stats')).body;
    const nation2025 = (await callApi<PublicStats>(env.server, null, 'GET', '/api/public/stats?scheme=2025')).body;
    // 99 names no province; 87 (Đồng Tháp) is a 2021 code, not in the 2025 list.
    for (const [url, expected, api] of [
      ['/thong-ke?tinh=99', /\/thong-ke$/, nation2021],
      ['/thong-ke?tinh=87&scheme=2025', /\/thong-ke\?scheme=2025$/, nation2025],
    ] as const) {
      await page.goto(url);
      await page.waitForURL(expected, { timeout: 10_000 });
      const figures = page.getByTestId('national-figures');
      await visible(figures);
      expect(await figures.locator('[data-figure="doses"]').innerText(), url).toBe(shown(api.nation.doses));
      await visible(page.getByText(/không có trong danh sách/));
      expect(await page.getByText('Không tải được số liệu. Vui lòng thử lại sau.').count(), url).toBe(0);
      expect(await page.getByLabel('Khu vực', { exact: true }).inputValue(), url).toBe('');
      expect(await page.locator('a[data-file="daily.csv"]').getAttribute('href'), url).not.toContain('province');
    }
    // A province the list has stays chosen.
    await page.goto('/thong-ke?tinh=87');
    await visible(page.getByTestId('national-figures'));
    expect(await page.getByLabel('Khu vực', { exact: true }).inputValue()).toBe('87');
    expect(page.url()).toMatch(/tinh=87/);
    await context.close();
  });

  it('is linked from the home page', async () => {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Xem số liệu tiêm chủng' }).click();
    await page.waitForURL(/\/thong-ke$/);
    await visible(page.getByRole('heading', { level: 1, name: 'Số liệu tiêm chủng COVID-19' }));
    await context.close();
  });
});
