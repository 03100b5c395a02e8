import { randomBytes } from 'node:crypto';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { signInThroughPage, useServerAndBrowser } from './helpers';

/** The demo province administrator of Đồng Tháp (province 87: districts 866 TP Cao Lãnh, 867 TP Sa Đéc). */
const PROVINCE_ADMIN = 'dongthap.admin';
const USERS = '/quan-tri/he-thong/nguoi-dung';
const PASSWORD_PAGE = '/quan-tri/doi-mat-khau';
/** The demo units and facilities of Đồng Tháp, and nothing else, may be offered. */
const DONG_THAP_DISTRICTS = ['866', '867'];
const DONG_THAP_FACILITIES = ['DT-CL-01', 'DT-SD-01'];
/** Set to a directory to save screenshots of the screens. */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR;

const env = useServerAndBrowser();
let context: BrowserContext | undefined;
const pageErrors: Error[] = [];

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  context = await env.browser.newContext({ viewport, baseURL: env.server.baseUrl, locale: 'vi-VN' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  return page;
}

async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** The values a select offers, sorted (its empty "choose / all" option left out). */
async function optionValues(select: Locator): Promise<string[]> {
  return (await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)))
    .filter((v) => v !== '')
    .sort();
}

async function signOut(page: Page, displayName: string): Promise<void> {
  await page.getByRole('button', { name: `Tài khoản của ${displayName}` }).click();
  await (await visible(page.getByRole('button', { name: 'Đăng xuất' }))).click();
  await page.waitForURL((url) => url.pathname === '/dang-nhap');
}

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

describe('administering staff accounts (browser)', () => {
  it('a province administrator creates a site user in Đồng Tháp; the user must change the temporary password before the staff home', async () => {
    const page = await newPage();
    await signInThroughPage(page, PROVINCE_ADMIN);
    await page.goto(USERS);
    await visible(page.getByRole('heading', { level: 2, name: 'Người dùng' }));
    await visible(
      page.getByRole('list', { name: 'Người dùng' }).getByRole('link', { name: /Trung tâm Y tế TP Cao Lãnh/ }),
    );
    await page.getByRole('link', { name: 'Thêm người dùng' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Thêm người dùng' }));

    // The screen offers no unit outside Đồng Tháp, for any role.
    const role = page.getByLabel('Vai trò');
    expect(await optionValues(role)).toEqual(['district_admin', 'report_handler', 'site_staff']);
    await role.selectOption('district_admin');
    expect(await page.getByLabel('Tỉnh/thành phố').count()).toBe(0);
    await expect.poll(() => optionValues(page.getByLabel('Quận/huyện'))).toEqual(DONG_THAP_DISTRICTS);
    await role.selectOption('report_handler');
    await expect.poll(() => optionValues(page.getByLabel('Quận/huyện'))).toEqual(DONG_THAP_DISTRICTS);
    await expect.poll(() => optionValues(page.getByLabel('Cơ sở tiêm'))).toEqual(DONG_THAP_FACILITIES);
    await role.selectOption('site_staff');
    const facility = page.getByLabel('Cơ sở tiêm');
    await expect.poll(() => optionValues(facility)).toEqual(DONG_THAP_FACILITIES);

    // Submitted without a facility: the error is on the field, which gets the focus.
    const username = `tiem.sadec${randomBytes(2).toString('hex')}`;
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
    await page.getByLabel('Họ tên hoặc tên hiển thị').fill('Lê Thị Thu (BVĐK Sa Đéc)');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await visible(page.getByText('Hãy chọn cơ sở tiêm.'));
    expect(await facility.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await facility.getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Quận/huyện').selectOption('867');
    await expect.poll(() => optionValues(facility)).toEqual(['DT-SD-01']);
    await facility.selectOption('DT-SD-01');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await visible(page.getByRole('heading', { name: `Đã tạo tài khoản ${username}` }));
    const temporary = await page.getByLabel('Mật khẩu tạm thời').inputValue();
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await page.getByRole('button', { name: 'Sao chép mật khẩu' }).click();
    await visible(page.getByText('Đã sao chép mật khẩu.'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(temporary);
    await shot(page, 'admin-users-created');

    // The list shows the new account, waiting for its password change.
    await page.goto(`${USERS}?q=${username}`);
    const card = page.getByRole('list', { name: 'Người dùng' }).getByRole('listitem');
    await expect.poll(() => card.count()).toBe(1);
    await visible(card.getByText('Chờ đổi mật khẩu'));
    await visible(card.getByText('Bệnh viện Đa khoa Sa Đéc'));
    await signOut(page, 'Sở Y tế Đồng Tháp');

    // The new user signs in with the temporary password: only the password page is reachable.
    await signInThroughPage(page, username, temporary);
    await page.waitForURL((url) => url.pathname === PASSWORD_PAGE);
    await visible(page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }));
    await visible(page.getByText('Bạn cần đổi mật khẩu trước khi tiếp tục'));
    expect(await page.getByRole('navigation', { name: 'Chức năng quản trị' }).count()).toBe(0);
    await page.goto('/quan-tri/tiep-don');
    await page.waitForURL((url) => url.pathname === PASSWORD_PAGE);
    await page.goto('/quan-tri');
    await page.waitForURL((url) => url.pathname === PASSWORD_PAGE);
    const blocked = await page.request.get('/api/sessions');
    expect(blocked.status()).toBe(403);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('password_change_required');

    // Too short first: the rule is checked on the page, the error announced on the field.
    const newPassword = 'Mat-khau-cua-Thu-2021';
    await page.getByLabel('Mật khẩu hiện tại').fill(temporary);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('ngan');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('ngan');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await visible(page.getByText('Mật khẩu mới phải có ít nhất 10 ký tự nhìn thấy được (không tính khoảng trắng).'));
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(newPassword);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(newPassword);
    await shot(page, 'admin-users-password');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();

    // Then the staff home, with the navigation of a site user.
    await page.waitForURL((url) => url.pathname === '/quan-tri');
    await visible(page.getByRole('heading', { level: 1, name: 'Tổng quan' }));
    await visible(page.getByRole('navigation', { name: 'Chức năng quản trị' }).getByRole('link', { name: 'Tiếp đón' }));
    expect((await page.request.get('/api/sessions')).status()).toBe(200);
    const login = await env.json<{ user: { mustChangePassword: boolean } }>('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username, password: newPassword }),
    });
    expect(login.body.user.mustChangePassword).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('the same administrator cannot create a user in another province: the API answers 403 for a crafted request', async () => {
    const token = await env.token(PROVINCE_ADMIN);
    const crafted = await env.json<{ error: { code: string; field?: string } }>('/api/users', {
      method: 'POST',
      token,
      body: JSON.stringify({
        username: `hn.${randomBytes(3).toString('hex')}`,
        role: 'site_staff',
        facilityId: 'HN-BD-01',
      }),
    });
    expect(crafted.status).toBe(403);
    expect(crafted.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const unit = await env.json<{ error: { code: string } }>('/api/users', {
      method: 'POST',
      token,
      body: JSON.stringify({
        username: `hn.${randomBytes(3).toString('hex')}`,
        role: 'district_admin',
        unitCode: '001',
      }),
    });
    expect(unit.status).toBe(403);
    expect(unit.body.error.code).toBe('out_of_scope');
    // Nothing of Hà Nội in the administrator's list either.
    const list = await env.json<{ items: { username: string }[] }>('/api/users?limit=1000', { token });
    const names = list.body.items.map((u) => u.username);
    expect(names).toContain('caolanh.tiem');
    expect(names).not.toContain('hanoi.tiem');
  });

  it('reset, disable and enable from the account’s page, at 320 px and by keyboard', async () => {
    const token = await env.token(PROVINCE_ADMIN);
    const username = `tiem.cl${randomBytes(2).toString('hex')}`;
    const created = await env.json<{ id: string; temporaryPassword: string }>('/api/users', {
      method: 'POST',
      token,
      body: JSON.stringify({ username, role: 'site_staff', facilityId: 'DT-CL-01', displayName: 'Phan Văn Đức' }),
    });
    expect(created.status).toBe(201);

    const page = await newPage({ width: 320, height: 720 });
    await signInThroughPage(page, PROVINCE_ADMIN);
    await page.goto(USERS);
    await visible(page.getByRole('link', { name: 'Phan Văn Đức' }));
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, 'admin-users-list-320');
    await page.getByRole('link', { name: 'Phan Văn Đức' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Phan Văn Đức' }));
    expect(await overflow()).toBeLessThanOrEqual(0);

    // Reset: asks first, then shows a new temporary password once.
    await page.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    const confirmTitle = page.getByRole('heading', { name: 'Đặt lại mật khẩu của Phan Văn Đức?' });
    await visible(confirmTitle);
    expect(await confirmTitle.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await visible(page.getByText('Đã đặt lại mật khẩu của Phan Văn Đức.'));
    const temporary = await page.getByLabel('Mật khẩu tạm thời').inputValue();
    expect(temporary).not.toBe(created.body.temporaryPassword);
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const reset = await env.json<{ user: { mustChangePassword: boolean } }>('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username, password: temporary }),
    });
    expect(reset.status).toBe(200);
    expect(reset.body.user.mustChangePassword).toBe(true);

    // Disable with a reason: the account can no longer sign in.
    await page.getByRole('button', { name: 'Khoá tài khoản' }).click();
    await page.getByLabel('Lý do khoá (ghi vào nhật ký)').fill('Chuyển công tác');
    await page.getByRole('button', { name: 'Xác nhận khoá' }).click();
    await visible(page.getByText('Đã khoá tài khoản Phan Văn Đức.'));
    await visible(page.getByText(/Tài khoản đã bị khoá lúc .* bởi dongthap\.admin\./));
    const refused = await env.json('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username, password: temporary }),
    });
    expect(refused.status).toBe(401);
    await shot(page, 'admin-users-disabled-320');

    // Enabled again, it signs in.
    await page.getByRole('button', { name: 'Mở khoá tài khoản' }).click();
    await page.getByRole('button', { name: 'Xác nhận mở khoá' }).click();
    await visible(page.getByText('Đã mở khoá tài khoản Phan Văn Đức.'));
    const again = await env.json('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username, password: temporary }),
    });
    expect(again.status).toBe(200);

    // The administrator's own account is shown, not changed.
    await page.goto(`${USERS}?q=dongthap.admin`);
    await page.getByRole('link', { name: 'Sở Y tế Đồng Tháp' }).click();
    await visible(page.getByText('Đây là tài khoản của bạn.', { exact: false }));
    expect(await page.getByRole('button', { name: 'Khoá tài khoản' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
