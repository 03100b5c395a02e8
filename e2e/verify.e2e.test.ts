import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  assertWebBuilt,
  launchBrowser,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
} from './helpers';

/** The demo site staff of Trạm Y tế Phường 1, TP Cao Lãnh (DT-CL-01, Đồng Tháp, province 87). */
const SITE_STAFF = { username: 'caolanh.tiem', password: 'TiemChung@2021' };
const FACILITY_ID = 'DT-CL-01';
const PFIZER = 'EU/1/20/1528';
const PFIZER_LOT = 'FF2587';
const PASTE_LABEL = 'Nội dung mã QR';
/** Set to a directory to save screenshots of the screens (360 px and 1280 px wide). */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR;
/** Base45's alphabet (the characters of an HC1 string after the prefix). */
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/** Waits (auto-retrying) until the locator is visible. */
async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** The QR text with one character in the middle changed to another base45 character. */
function tamper(qr: string): string {
  const i = Math.floor(qr.length / 2);
  const current = qr[i]!;
  const other = BASE45[(BASE45.indexOf(current) + 7) % BASE45.length]!;
  return qr.slice(0, i) + other + qr.slice(i + 1);
}

describe('certificate verifier — Xác thực chứng nhận (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const tokens: Record<'staff' | 'admin', string> = { staff: '', admin: '' };
  const pageErrors: Error[] = [];
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
  );

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
    for (const [as, user] of [
      ['staff', SITE_STAFF],
      ['admin', { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD }],
    ] as const) {
      const login = await fetch(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(user),
      });
      expect(login.status).toBe(200);
      tokens[as] = ((await login.json()) as { token: string }).token;
    }
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Calls the API with a bearer token: the site staff of Cao Lãnh unless said otherwise. */
  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    as: 'staff' | 'admin' = 'staff',
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${tokens[as]}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function recordDose(personId: string, administeredOn: string): Promise<void> {
    const dose = await api(
      'POST',
      `/api/people/${personId}/doses`,
      { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
      { 'Idempotency-Key': `e2e-verify-${personId}-${administeredOn}` },
    );
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
  }

  /**
   * A person (registered by the national administrator) with two Pfizer doses recorded by the
   * site staff, and the QR text of their certificate as the staff see it.
   */
  async function vaccinated(c: Citizen): Promise<{ id: string; qr: string }> {
    const created = await api<{ id: string }>(
      'POST',
      '/api/people',
      { ...personBodyOf(c), districtCode: '866' },
      {},
      'admin',
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await recordDose(created.body.id, '2021-10-01');
    await recordDose(created.body.id, '2021-10-29');
    const certificate = await api<{ qr: string | null }>('GET', `/api/people/${created.body.id}/certificate`);
    expect(certificate.status).toBe(200);
    expect(certificate.body.qr).toMatch(/^HC1:/);
    return { id: created.body.id, qr: certificate.body.qr! };
  }

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    context = await browser.newContext({ viewport, baseURL: server.baseUrl });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOT_DIR) return;
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  async function check(page: Page, text: string): Promise<void> {
    await page.getByLabel(PASTE_LABEL, { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
  }

  it('says HỢP LỆ for a platform QR, KHÔNG HỢP LỆ for a tampered one, and still verifies offline', async () => {
    const c = citizens[0]!;
    const { id, qr } = await vaccinated(c);

    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/xac-thuc');
    await visible(page.getByRole('heading', { level: 1, name: 'Xác thực chứng nhận tiêm chủng' }));
    // The trust list is fetched and kept on the device.
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    expect(await page.evaluate(() => localStorage.getItem('tiemchung.verifier.trustList'))).toContain('publicKeyPem');

    await check(page, qr);
    const result = page.getByRole('status').filter({ hasText: 'HỢP LỆ' });
    await visible(result.getByText('HỢP LỆ', { exact: true }));
    await visible(result.getByText(c.fullName, { exact: true }));
    await visible(page.getByText('Pfizer (Comirnaty)'));
    await visible(page.getByText('Mũi 2/2'));
    await visible(page.getByText('29/10/2021'));
    await visible(page.getByText('Trạng thái trực tuyến: chứng nhận đang có hiệu lực trên hệ thống.'));
    await screenshot(page, 'verify-valid-360');

    await check(page, tamper(qr));
    await visible(page.getByText('KHÔNG HỢP LỆ', { exact: true }));
    await expect.poll(() => page.getByText(c.fullName, { exact: true }).count()).toBe(0);
    await screenshot(page, 'verify-tampered-360');

    // Without network: the trust list kept on the device is enough. (The service worker is
    // installed first, so that the app also reloads without network further down.)
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await context!.setOffline(true);
    await check(page, qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));
    await visible(page.getByText(c.fullName, { exact: true }).first());
    await visible(
      page.getByText('Không có mạng: chưa kiểm tra được chứng nhận có bị thay thế hay không', { exact: false }),
    );
    await visible(page.getByText('Đang không có mạng: dùng danh sách khoá đã lưu trên máy.'));
    await screenshot(page, 'verify-offline-360');

    // Reloaded offline (the service worker serves the app), the saved list still verifies.
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: 'Xác thực chứng nhận tiêm chủng' }));
    await check(page, qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));
    await context!.setOffline(false);

    // A picture of the QR code (as a phone photo or a screenshot would be) reads and verifies too.
    const png = await QRCode.toBuffer(qr, { errorCorrectionLevel: 'Q', margin: 4, scale: 4 });
    await page.getByLabel('Chọn ảnh có mã QR', { exact: true }).setInputFiles({
      name: 'chung-nhan.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await expect.poll(() => page.getByLabel(PASTE_LABEL, { exact: true }).inputValue(), { timeout: 15_000 }).toBe(qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));

    // A third dose reissues the certificate: the old QR is still signed, but replaced.
    await recordDose(id, '2022-05-02');
    await page.setViewportSize({ width: 1280, height: 900 });
    await check(page, qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));
    await visible(page.getByText('Chứng nhận này đã được thay thế bằng chứng nhận mới', { exact: true }));
    await screenshot(page, 'verify-superseded-1280');
    expect(pageErrors).toEqual([]);
  });
});
