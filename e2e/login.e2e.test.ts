import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  assertWebBuilt,
  launchBrowser,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
} from './helpers';

const ROLE_NAMES_VI: Record<string, string> = {
  national_admin: 'Quản trị quốc gia',
  province_admin: 'Quản trị tỉnh',
  district_admin: 'Quản trị huyện',
  site_staff: 'Nhân viên điểm tiêm',
  report_handler: 'Xử lý phản ánh',
};

/** Waits (auto-retrying) until the locator is visible. */
async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe('staff sign-in (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(viewport = { width: 390, height: 844 }): Promise<Page> {
    context = await browser.newContext({ viewport, baseURL: server.baseUrl });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    return page;
  }

  it('goes from the landing page to the staff home and back out', async () => {
    const page = await newPage();
    await page.goto('/');

    // Landing page, in Vietnamese by default.
    await visible(page.getByRole('heading', { level: 1, name: 'Tiêm chủng COVID-19' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await visible(page.getByText('nền tảng quốc gia', { exact: false }));

    await page.getByRole('link', { name: 'Đăng nhập cho cán bộ y tế' }).click();
    await page.waitForURL((url) => url.pathname === '/dang-nhap');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng nhập' }));

    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(TEST_ADMIN_USERNAME);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // Staff home ("Tổng quan") greets the user by display name and role.
    await page.waitForURL((url) => url.pathname === '/quan-tri');
    await visible(page.getByRole('heading', { level: 1, name: 'Tổng quan' }));
    const meResponse = await page.request.get('/api/auth/me');
    expect(meResponse.status()).toBe(200);
    const { user } = (await meResponse.json()) as {
      user: { username: string; role: string; displayName: string };
    };
    expect(user.username).toBe(TEST_ADMIN_USERNAME);
    await visible(page.getByRole('heading', { name: `Xin chào, ${user.displayName}` }));
    const roleName = ROLE_NAMES_VI[user.role];
    expect(roleName, `unknown role ${user.role}`).toBeDefined();
    await visible(page.getByText(`Bạn đang đăng nhập với vai trò ${roleName}.`));

    // Role-aware navigation shows the home entry.
    const nav = page.getByRole('navigation', { name: 'Chức năng quản trị' });
    await visible(nav.getByRole('link', { name: 'Tổng quan' }));

    // The user menu holds the logout control.
    await page.getByRole('button', { name: `Tài khoản của ${user.displayName}` }).click();
    const logout = await visible(page.getByRole('button', { name: 'Đăng xuất' }));
    await logout.click();

    await page.waitForURL((url) => url.pathname === '/dang-nhap');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng nhập' }));
    expect((await page.request.get('/api/auth/me')).status()).toBe(401);

    // The staff area is closed again: it sends to the login page.
    await page.goto('/quan-tri');
    await page.waitForURL((url) => url.pathname === '/dang-nhap');
    expect(pathOf(page)).toBe('/dang-nhap');
    expect(pageErrors).toEqual([]);
  });

  it('shows the Vietnamese error for a wrong password', async () => {
    const page = await newPage({ width: 320, height: 640 });
    await page.goto('/dang-nhap');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng nhập' }));

    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(TEST_ADMIN_USERNAME);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(`${TEST_ADMIN_PASSWORD}-sai`);
    const submit = page.getByRole('button', { name: 'Đăng nhập', exact: true });
    await submit.click();

    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toMatch(/Sai tên đăng nhập hoặc mật khẩu/i);
    expect(pathOf(page)).toBe('/dang-nhap');
    expect(await submit.isEnabled()).toBe(true);
    expect((await page.request.get('/api/auth/me')).status()).toBe(401);
    expect(pageErrors).toEqual([]);
  });

  it('keeps what was typed before the page’s scripts ran (a slow phone) and signs in with it', async () => {
    const page = await newPage({ width: 320, height: 640 });
    // The scripts arrive 1.5 s after the pre-rendered form: the user types meanwhile.
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.goto('/dang-nhap', { waitUntil: 'commit' });
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(TEST_ADMIN_USERNAME);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(`${TEST_ADMIN_PASSWORD}-sai`);
    const submit = page.getByRole('button', { name: 'Đăng nhập', exact: true });
    // Once React has taken the page over, the button submits: the typed values are the form's.
    await page.waitForFunction(() => document.querySelector('form button[type="submit"]') !== null);
    await submit.click();
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toMatch(/Sai tên đăng nhập hoặc mật khẩu/i);
    await expect.poll(() => page.getByLabel('Tên đăng nhập', { exact: true }).inputValue()).toBe(TEST_ADMIN_USERNAME);
    expect(pageErrors).toEqual([]);
  });

  it('sends an anonymous visitor of a staff page to the login page and back after signing in', async () => {
    const page = await newPage({ width: 1280, height: 800 });
    await page.goto('/quan-tri/khong-co-trang-nay');
    await page.waitForURL((url) => url.pathname === '/dang-nhap');
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(TEST_ADMIN_USERNAME);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/quan-tri/khong-co-trang-nay');
    await visible(page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }));
    expect(pageErrors).toEqual([]);
  });

  it('asks for both fields before calling the server', async () => {
    const page = await newPage();
    await page.goto('/dang-nhap');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    const username = page.getByLabel('Tên đăng nhập', { exact: true });
    await visible(page.getByText('Vui lòng nhập tên đăng nhập'));
    expect(await username.getAttribute('aria-invalid')).toBe('true');
    // The error text is linked to the input.
    const describedBy = (await username.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId).toBeDefined();
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('Vui lòng nhập tên đăng nhập');
  });

  it('switches to English and back, remembering the choice; unknown pages get a 404', async () => {
    const page = await newPage();
    await page.goto('/');
    await visible(page.getByRole('heading', { level: 1, name: 'Tiêm chủng COVID-19' }));

    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'COVID-19 vaccination' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await visible(page.getByRole('link', { name: 'Sign in for health workers' }));

    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByRole('link', { name: 'Đăng nhập cho cán bộ y tế' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');

    await page.goto('/trang-khong-ton-tai');
    await visible(page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }));
    await page.getByRole('link', { name: 'Về trang chủ' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(pageErrors).toEqual([]);
  });
});
