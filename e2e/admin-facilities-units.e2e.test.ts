import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  REPO_ROOT,
  signInThroughPage,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  useServerAndBrowser,
} from './helpers';

const UNITS = join(REPO_ROOT, 'reference/admin-units');

/**
 * Quản trị hệ thống: a district administrator adds a vaccination facility (the unit picker offers
 * only the district's communes) and opens sessions there; deactivated, it leaves the sites' list.
 * A national administrator imports the official unit lists from the screen, follows the import to
 * 100 % and reads an old Đồng Tháp commune's 2025 counterpart.
 */
describe('administration: facilities and administrative units (browser)', () => {
  const env = useServerAndBrowser();

  it('a district administrator creates a facility, finds it among the facilities a session opens at, then deactivates it', async () => {
    const context = await env.browser.newContext({
      baseURL: env.server.baseUrl,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    const name = `Điểm tiêm Trường THCS ${randomUUID().slice(0, 6)}`;
    try {
      await signInThroughPage(page, 'caolanh.admin', DEMO_PASSWORD);
      await page.getByRole('link', { name: 'Quản trị hệ thống' }).click();
      await page.getByRole('link', { name: 'Cơ sở tiêm' }).click();
      await page.getByRole('heading', { name: 'Cơ sở tiêm', level: 2 }).waitFor();
      // The district's facility is listed; the other district's is not.
      await page.getByRole('heading', { name: 'Trạm Y tế Phường 1, TP Cao Lãnh' }).waitFor();
      expect(await page.getByText('Bệnh viện Đa khoa Sa Đéc').count()).toBe(0);

      await page.getByRole('link', { name: 'Thêm cơ sở tiêm' }).click();
      await page.getByRole('heading', { name: 'Thêm cơ sở tiêm', level: 2 }).waitFor();
      // No province or district to choose: the district is the account's; its communes only.
      expect(await page.getByLabel('Tỉnh, thành phố').count()).toBe(0);
      expect(await page.getByLabel('Quận, huyện, thị xã, thành phố thuộc tỉnh').count()).toBe(0);
      await page.getByText('Đơn vị của bạn: Thành phố Cao Lãnh').waitFor();
      const commune = page.getByLabel('Xã, phường, thị trấn');
      await expect
        .poll(() => commune.locator('option').allTextContents())
        .toEqual(['Không thuộc xã, phường nào (cấp huyện)', 'Phường 11', 'Phường 1', 'Phường 2']);

      // A name too short is refused before anything is sent.
      await page.getByRole('textbox', { name: 'Tên cơ sở' }).fill('Đi');
      await page.getByRole('button', { name: 'Thêm cơ sở tiêm' }).click();
      await page.getByText('Nhập tên cơ sở (ít nhất 3 ký tự).').waitFor();
      await page.getByText('Chọn loại cơ sở.').waitFor();

      await page.getByRole('textbox', { name: 'Tên cơ sở' }).fill(name);
      await page.getByLabel('Loại cơ sở').selectOption({ label: 'Điểm tiêm chủng' });
      await commune.selectOption({ label: 'Phường 2' });
      await page.getByRole('textbox', { name: 'Địa chỉ' }).fill('Đường Lê Lợi, Phường 2');
      await page.getByRole('button', { name: 'Thêm cơ sở tiêm' }).click();
      await page.getByText(`Đã thêm cơ sở tiêm ${name}.`).waitFor();
      const card = page.getByRole('article', { name });
      await card.getByText('Phường 2, Thành phố Cao Lãnh, Tỉnh Đồng Tháp').waitFor();
      await card.getByText('Đang hoạt động').waitFor();

      // The facility is now one a session can be opened at.
      await page.getByRole('link', { name: 'Buổi tiêm' }).click();
      const facility = page.getByLabel('Cơ sở tiêm chủng');
      await expect.poll(() => facility.locator('option').allTextContents()).toContain(name);

      // Deactivated (confirmed with a reason), it is marked in the list and leaves the sites' list.
      await page.getByRole('link', { name: 'Quản trị hệ thống' }).click();
      await page.getByRole('link', { name: 'Cơ sở tiêm' }).click();
      await page.getByRole('button', { name: `Ngừng hoạt động ${name}` }).click();
      const dialog = page.getByRole('dialog', { name: `Ngừng hoạt động ${name}?` });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Ngừng hoạt động' }).click();
      await dialog.getByText('Nhập lý do (ít nhất 3 ký tự).').waitFor();
      await dialog.getByLabel('Lý do').fill('Hết đợt tiêm tại trường');
      await dialog.getByRole('button', { name: 'Ngừng hoạt động' }).click();
      await page.getByText(`${name} đã ngừng hoạt động.`).waitFor();
      await page.getByRole('article', { name }).getByText('Đã ngừng hoạt động', { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Buổi tiêm' }).click();
      // (The list shown at first may be the one fetched before; the new one follows.)
      await expect
        .poll(async () => {
          const options = await facility.locator('option').allTextContents();
          return options.includes('Trạm Y tế Phường 1, TP Cao Lãnh') && !options.includes(name);
        })
        .toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a national administrator imports the official lists from the screen, sees 100 %, and reads a commune’s mapping', async () => {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    try {
      await signInThroughPage(page, TEST_ADMIN_USERNAME, TEST_ADMIN_PASSWORD);
      await page.getByRole('link', { name: 'Quản trị hệ thống' }).click();
      await page.getByRole('link', { name: 'Đơn vị hành chính' }).click();
      await page.getByRole('heading', { name: 'Đơn vị hành chính', level: 2 }).waitFor();
      // Before: the demo units only, and no 2025 list.
      await page.getByText('Danh mục 2025: 0 tỉnh, thành phố; 0 xã, phường, đặc khu').waitFor();

      await page
        .getByLabel('Tệp danh mục (.json)')
        .setInputFiles([
          join(UNITS, 'admin-units-2021-11.json'),
          join(UNITS, 'admin-units-2025.json'),
          join(UNITS, 'admin-units-2025-mapping.json'),
        ]);
      await page.getByRole('button', { name: 'Nhập danh mục' }).click();
      const bar = page.getByRole('progressbar', { name: 'Tiến độ nhập danh mục' });
      await bar.waitFor();
      await page.getByText(/^Đã nhập xong: [\d.]+ dòng\.$/).waitFor({ timeout: 90_000 });
      expect(await bar.getAttribute('value')).toBe('100');
      await page.getByText(/^100 % — /).waitFor();
      await page.getByText('admin-units-2021-11.json').waitFor();
      await page.getByText('đã nhập 11.367 dòng').waitFor();
      await page.getByText('Danh mục 2021: 63 tỉnh, thành phố; 705 quận, huyện; 10.599 xã, phường, thị trấn').waitFor();
      await page.getByText('Danh mục 2025: 34 tỉnh, thành phố; 3.321 xã, phường, đặc khu').waitFor();

      // Browse 2021: Đồng Tháp → Thành phố Sa Đéc → Phường 1 (29905): it became Phường Sa Đéc.
      const list2021 = page.getByRole('region', { name: 'Danh mục 2021 (3 cấp)' });
      await list2021.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Tỉnh Đồng Tháp' });
      await list2021.getByLabel('Quận, huyện').selectOption({ label: 'Thành phố Sa Đéc' });
      await list2021.getByRole('button', { name: 'Xem chuyển đổi của Phường 1 (29905)' }).click();
      const mapping = page.getByRole('region', { name: 'Chuyển đổi đơn vị cũ → mới' });
      await mapping.getByText('Phường 1 (29905) — Danh mục 2021, Cấp xã').waitFor();
      await mapping.getByText('Đã trở thành một phần của:').waitFor();
      await mapping.getByText('Phường 1 (29905) → Phường Sa Đéc (29905)').waitFor();

      // Search without diacritics finds the 2025 ward; its mapping lists the 2021 units it was made of.
      await page.getByRole('searchbox', { name: 'Tên hoặc mã đơn vị' }).fill('phuong sa dec');
      await page
        .getByRole('button', { name: /^Phường Sa Đéc\s*29905 · Danh mục 2025 · Cấp xã · Tỉnh Đồng Tháp$/ })
        .click();
      await mapping.getByText('Phường Sa Đéc (29905) — Danh mục 2025, Cấp xã').waitFor();
      await mapping.getByText('Được hình thành từ:').waitFor();
      await mapping.getByText('Phường 3 (29902) → Phường Sa Đéc (29905)').waitFor();
    } finally {
      await context.close();
    }
  });
});
