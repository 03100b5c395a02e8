import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { signInThroughPage, useServerAndBrowser } from './helpers';

/**
 * "Quản trị hệ thống" → "Vắc xin và tồn kho" and "Nhật ký truy cập" (issue 14): a province
 * administrator receives a lot and allocates part of it to a district, and sees each store's
 * stock; a district administrator filters the audit log by a person, sees who read and who changed
 * the record, and exports it. Both screens at 1280 px and at 320 px.
 */

const STOCK = '/quan-tri/he-thong/vac-xin';
const AUDIT = '/quan-tri/he-thong/nhat-ky';
const PFIZER_NAME = /Pfizer/;

const env = useServerAndBrowser();
let context: BrowserContext | undefined;
/** Uncaught errors of the pages of a test (there must be none). */
const pageErrors: Error[] = [];

afterEach(async () => {
  await context?.close();
  context = undefined;
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

async function open(viewport: { width: number; height: number }, username: string): Promise<Page> {
  context = await env.browser.newContext({ viewport, baseURL: env.server.baseUrl, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e));
  await signInThroughPage(page, username);
  return page;
}

async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** The page is no wider than its window (nothing to scroll sideways at 320 px). */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}

/** Today in Vietnam, and a day some months on. */
function isoDay(daysFromToday: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + daysFromToday * 86_400_000).toISOString().slice(0, 10);
}

describe('vaccines and stock (province administrator)', () => {
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 320, height: 720 },
  ]) {
    it(`receives a lot, allocates part of it to a district and sees each store's stock (${viewport.width} px)`, async () => {
      const page = await open(viewport, 'dongthap.admin');
      await page.goto(STOCK);
      await visible(page.getByRole('heading', { level: 2, name: 'Vắc xin và tồn kho' }));
      const lotNumber = `E2E${randomUUID().slice(0, 6)}`.toUpperCase();

      // Receive: a first try without the expiry date is refused on the spot, the field named.
      const receive = page.getByRole('form', { name: 'Nhận lô vắc xin' });
      await receive.getByLabel('Vắc xin').selectOption({ label: (await pfizerLabel(receive)) as string });
      await receive.getByLabel('Số lô').fill(lotNumber.toLowerCase());
      await receive.getByLabel('Số liều nhận').fill('1000');
      await receive.getByRole('button', { name: 'Nhận vào kho' }).click();
      const expiry = receive.getByLabel('Hạn dùng');
      await expect.poll(() => expiry.evaluate((el) => el === document.activeElement)).toBe(true);
      await expect.poll(() => expiry.getAttribute('aria-invalid')).toBe('true');
      expect(await receive.getByText('Vui lòng nhập hạn dùng.').isVisible()).toBe(true);
      // An expiry within 30 days, so that the lot is flagged.
      await expiry.fill(isoDay(20));
      await receive.getByRole('button', { name: 'Nhận vào kho' }).click();
      const status = page.getByRole('status').filter({ hasText: lotNumber });
      await visible(status);
      expect(await status.textContent()).toBe(`Đã nhận lô ${lotNumber} (1.000 liều) vào kho Tỉnh Đồng Tháp.`);

      // Allocate 300 doses to TP Cao Lãnh; asking for more than is left is refused first.
      const allocate = page.getByRole('form', { name: 'Phân bổ vắc xin' });
      const lotSelect = allocate.getByLabel('Lô trong kho của bạn');
      await expect.poll(() => lotSelect.locator('option', { hasText: lotNumber }).count()).toBe(1);
      const lotValue = await lotSelect.locator('option', { hasText: lotNumber }).getAttribute('value');
      await lotSelect.selectOption(lotValue!);
      await allocate.getByLabel('Một huyện').check();
      const district = allocate.getByLabel('Huyện nhận');
      await expect.poll(() => district.locator('option', { hasText: 'Thành phố Cao Lãnh' }).count()).toBe(1);
      await district.selectOption({ label: 'Thành phố Cao Lãnh' });
      const doses = allocate.getByLabel('Số liều', { exact: true });
      await doses.fill('1001');
      await allocate.getByRole('button', { name: 'Phân bổ' }).click();
      await visible(allocate.getByText(`Lô ${lotNumber} chỉ còn 1.000 liều trong kho của bạn.`));
      await expect.poll(() => doses.evaluate((el) => el === document.activeElement)).toBe(true);
      await doses.fill('300');
      await allocate.getByRole('button', { name: 'Phân bổ' }).click();
      await visible(
        page.getByRole('status').filter({ hasText: `Đã phân bổ 300 liều lô ${lotNumber} cho Thành phố Cao Lãnh.` }),
      );

      // The stock: the province's store has 700 left, flagged as expiring soon in words; the
      // district's store has the 300.
      const province = page.getByRole('region', { name: 'Kho tỉnh Tỉnh Đồng Tháp' });
      const provinceRow = province.getByRole('row').filter({ hasText: lotNumber });
      await expect.poll(() => provinceRow.textContent(), { timeout: 15_000 }).toContain('700');
      expect(await provinceRow.textContent()).toMatch(/Sắp hết hạn: còn (19|20|21) ngày/);
      expect(await provinceRow.textContent()).toMatch(/1\.000.*300.*0.*700/);
      const caoLanh = page.getByRole('region', { name: 'Kho huyện Thành phố Cao Lãnh' });
      const districtRow = caoLanh.getByRole('row').filter({ hasText: lotNumber });
      await expect.poll(() => districtRow.textContent()).toMatch(/300.*0.*0.*300/);
      // Looking at one district only.
      await page.getByLabel('Xem tồn kho của').selectOption({ label: 'Thành phố Cao Lãnh' });
      await expect.poll(() => page.getByRole('region', { name: /^Kho tỉnh/ }).count()).toBe(0);
      await visible(page.getByRole('region', { name: 'Kho huyện Thành phố Cao Lãnh' }));
      expect(page.url()).toContain('don-vi=866');
      await fitsWidth(page);

      // The possible unrecorded doses are listed per lot (the demo lots have none yet).
      await visible(page.getByRole('heading', { name: 'Liều có thể chưa được ghi nhận' }));
    });
  }
});

/** The label of Pfizer's option in the vaccine list (core's catalogue). */
async function pfizerLabel(form: Locator): Promise<string | null> {
  const option = form.getByLabel('Vắc xin').locator('option', { hasText: PFIZER_NAME }).first();
  return option.textContent();
}

describe('audit log (district administrator)', () => {
  it('filters by a person: who read and who changed the record, the changes, and the exports', async () => {
    // A person of TP Cao Lãnh, registered at the desk there; read at a Hà Nội desk; corrected by the district.
    const c = simulatorCitizens().find(
      (x) => x.provinceCode === '87' && x.dateOfBirth > '1960-01-01' && x.dateOfBirth < '2003-01-01',
    )!;
    const desk = await env.token('caolanh.tiem');
    const created = await env.json<{ id: string }>('/api/people', {
      method: 'POST',
      token: desk,
      body: JSON.stringify({
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        idNumber: c.idNumber,
        phone: c.phone,
        provinceCode: '87',
        districtCode: '866',
        communeCode: '29866',
      }),
    });
    expect(created.status).toBe(201);
    const personId = created.body.id;
    expect((await env.json(`/api/people/${personId}`, { token: await env.token('hanoi.tiem') })).status).toBe(200);
    const changed = await env.json(`/api/people/${personId}`, {
      method: 'PATCH',
      token: await env.token('caolanh.admin'),
      body: JSON.stringify({ address: 'Số 12, Phường 1, TP Cao Lãnh', reason: 'Người dân báo chuyển nhà' }),
    });
    expect(changed.status).toBe(200);

    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 320, height: 720 },
    ]) {
      const page = await open(viewport, 'caolanh.admin');
      await page.goto(AUDIT);
      await visible(page.getByRole('heading', { level: 2, name: 'Nhật ký truy cập' }));
      await page.getByLabel('Mã hồ sơ người được tiêm').fill(personId);
      await page.getByRole('button', { name: 'Lọc', exact: true }).click();
      await page.waitForURL(`**${AUDIT}?personId=${personId}`);

      const table = page.getByRole('table', { name: 'Nhật ký truy cập, mới nhất trước' });
      await visible(table);
      const row = (action: string, who: string) =>
        table.getByRole('row').filter({ hasText: action }).filter({ hasText: who });
      await visible(row('Tạo hồ sơ người được tiêm', 'caolanh.tiem'));
      await visible(row('Xem hồ sơ', 'hanoi.tiem'));
      const update = row('Sửa thông tin hồ sơ', 'caolanh.admin');
      await visible(update);
      expect(await update.textContent()).toContain('Người dân báo chuyển nhà');
      expect(await update.textContent()).toContain('Quản trị huyện');

      // The change on demand: the address, before and after.
      const toggle = update.getByRole('button', { name: 'Xem thay đổi' });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      const hide = update.getByRole('button', { name: 'Ẩn thay đổi' });
      expect(await hide.getAttribute('aria-expanded')).toBe('true');
      const diff = page.getByRole('table', { name: /^Thay đổi của mục / });
      const address = await visible(diff.getByRole('row').filter({ hasText: 'address' }));
      expect(await address.textContent()).toContain('Số 12, Phường 1, TP Cao Lãnh');
      expect(await address.textContent()).toContain('(trống)');
      await fitsWidth(page);

      // The exports carry the same filter.
      const csvLink = page.getByRole('link', { name: 'Tải CSV' });
      expect(await csvLink.getAttribute('href')).toBe(`/api/audit/export.csv?personId=${personId}`);
      const [csv] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
      expect(csv.suggestedFilename()).toBe('nhat-ky-truy-cap.csv');
      const text = await readFile((await csv.path())!, 'utf8');
      expect(text.startsWith('\uFEFF"Số thứ tự","Thời điểm (UTC)","Người thực hiện","Vai trò","Hành động"')).toBe(true);
      expect(text).toContain('"hanoi.tiem","Nhân viên điểm tiêm","Xem hồ sơ","person.read"');
      expect(text).toContain('"Sửa thông tin hồ sơ","person.update"');
      expect(text).toContain('"Người dân báo chuyển nhà"');
      const [xlsx] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Tải Excel (XLSX)' }).click(),
      ]);
      expect(xlsx.suggestedFilename()).toBe('nhat-ky-truy-cap.xlsx');
      const bytes = await readFile((await xlsx.path())!);
      expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');

      // Reading the log about the person is itself in the person's log.
      await page.reload();
      await visible(row('Xem nhật ký truy cập', 'caolanh.admin').first());
      await context?.close();
      context = undefined;
    }
  });

  it('a district administrator cannot read another district’s entries, nor export them', async () => {
    const token = await env.token('caolanh.admin');
    for (const path of ['/api/audit?unitCode=867', '/api/audit/export.csv?unitCode=867']) {
      const res = await env.json<{ error: { code: string } }>(path, { token });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('out_of_scope');
    }
  });
});
