import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import { loadQrReaderWith, readQr } from '../apps/web/src/verify/qrReader.ts';
import {
  apiToken,
  assertWebBuilt,
  axeViolations,
  callApi,
  DEMO_PASSWORD,
  FACILITY_ID,
  launchBrowser,
  otpFromOutbox,
  PFIZER,
  PFIZER_LOT,
  type StaffAccount,
  saveScreenshot,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
  visible,
} from './helpers';

/**
 * The international vaccine passport (Hộ chiếu vắc xin) in the browser against the built server and
 * web app: a site's staff (caolanh.tiem) confirm a record from the person's reception panel; the
 * district administrator (caolanh.admin) sees the unit's records by state in the "Hộ chiếu vắc xin"
 * tab, what blocks each, and confirms the records nothing blocks any more — one by its own button,
 * one ticked; the ministry (the national administrator) clicks "Ký hàng loạt"; the passport's QR is
 * then on the desk's panel, in the portal's certificate and in the e-health book (also offline) —
 * read off the screen, it is the very QR the server issued, and POST /api/verify answers `valid`.
 * The tab passes axe and has no horizontal scroll at 320 px; no page raises a console error.
 *
 * The tests of this file run in order and share the records they build.
 */

type Citizen = ReturnType<typeof simulatorCitizens>[number];

const SITE_STAFF: StaffAccount = { username: 'caolanh.tiem', password: DEMO_PASSWORD };
const DISTRICT_ADMIN: StaffAccount = { username: 'caolanh.admin', password: DEMO_PASSWORD };
const NATIONAL_ADMIN: StaffAccount = { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD };
const PASSPORT_TAB = '/quan-tri/phe-duyet/ho-chieu-vac-xin';
const BOOK_STORAGE_KEY = 'tiemchung.healthBook';

interface PersonPassport {
  state: string;
  blockers: { code: string; message: { vi: string; en: string } }[];
  confirmedBy: string | null;
  passport: { qr: string; ci: string; issuedAt: string; expiresAt: string } | null;
}

/** `YYYY-MM-DD` → `dd/MM/yyyy`, as typed in the portal's forms. */
function typed(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

describe('vaccine passport — Hộ chiếu vắc xin (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  const tokens: Record<'staff' | 'district' | 'admin', string> = { staff: '', district: '', admin: '' };
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  // Adults the population-registry simulator knows, in Đồng Tháp: their identity verifies.
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2000-01-01' && c.dateOfBirth > '1960-01-01',
  );
  // A: confirmed at the desk. B and C: one dose when first confirmed (blocked), the second since.
  const a: Citizen = citizens[30]!;
  const b: Citizen = citizens[31]!;
  const c: Citizen = citizens[32]!;
  const ids = { a: '', b: '', c: '' };

  function api<T>(
    as: keyof typeof tokens | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return callApi<T>(server, as ? tokens[as] : null, method, path, body, headers);
  }

  const passportOf = async (personId: string) => {
    const res = await api<PersonPassport>('staff', 'GET', `/api/people/${personId}/passport`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  /** Registers the citizen at the desk (as caolanh.tiem) with Pfizer doses given at Cao Lãnh. */
  async function registered(who: Citizen, doses: string[]): Promise<string> {
    const created = await api<{ id: string; verification: { status: string } }>('staff', 'POST', '/api/people', {
      ...personBodyOf(who),
      districtCode: '866',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.verification.status).toBe('verified');
    for (const administeredOn of doses) await doseFor(created.body.id, who, administeredOn);
    return created.body.id;
  }

  async function doseFor(personId: string, who: Citizen, administeredOn: string): Promise<void> {
    const dose = await api(
      'staff',
      'POST',
      `/api/people/${personId}/doses`,
      { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
      { 'Idempotency-Key': `e2e-passport-${who.idNumber}-${administeredOn}` },
    );
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
  }

  /** A new browser context (axe may be injected; QR codes drawn sharp) and its page, errors collected. */
  async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport,
      baseURL: server.baseUrl,
      locale: 'vi-VN',
      bypassCSP: true,
      deviceScaleFactor: 2,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} @ ${page.url()}`);
    });
    return { context, page };
  }

  async function signedIn(user: StaffAccount, viewport?: { width: number; height: number }): Promise<Page> {
    const { page } = await newPage(viewport);
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(user.username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/quan-tri');
    return page;
  }

  /** The text of the QR code drawn in `qr` (an SVG), read from a screenshot by the verifier's own decoder. */
  async function qrTextOf(qr: Locator): Promise<string | null> {
    // Drawn once the encoder's chunk has come: the path of the dark modules is there.
    await expect.poll(() => qr.locator('path').count()).toBe(1);
    await qr.scrollIntoViewIfNeeded();
    return readQr(new Uint8Array(await qr.screenshot({ type: 'png' })));
  }

  /** The QR on the screen is the passport the server issued, and a verifier accepts it. */
  async function expectIssuedQr(qr: Locator, issued: string): Promise<void> {
    const text = await qrTextOf(qr);
    expect(text).toBe(issued);
    const verified = await api<{ result: string; certificate: { v: { ci: string }[] } }>(null, 'POST', '/api/verify', {
      qr: text,
    });
    expect(verified.status).toBe(200);
    expect(verified.body.result, JSON.stringify(verified.body)).toBe('valid');
  }

  async function noHorizontalScrollAt320(page: Page, name: string): Promise<void> {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 720 });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await saveScreenshot(page, `passport-${name}-320`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 320 px`).toBeLessThanOrEqual(
      320,
    );
    if (size) await page.setViewportSize(size);
  }

  async function noAxeViolations(page: Page, name: string): Promise<void> {
    expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  }

  /** The passport tab, loaded: its heading and its counts by state. */
  async function openTab(page: Page, query = ''): Promise<void> {
    await page.goto(`${PASSPORT_TAB}${query}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Hộ chiếu vắc xin' }));
    await visible(page.getByRole('heading', { level: 2, name: 'Theo trạng thái' }));
  }

  beforeAll(async () => {
    assertWebBuilt();
    expect(citizens.length).toBeGreaterThan(32);
    // The refresh job every second: a blocked record that was fixed goes back to its site at once.
    server = await startServer({ env: { PASSPORT_REFRESH_INTERVAL_MS: '1000' } });
    browser = await launchBrowser();
    tokens.staff = await apiToken(server, SITE_STAFF.username, SITE_STAFF.password);
    tokens.district = await apiToken(server, DISTRICT_ADMIN.username, DISTRICT_ADMIN.password);
    tokens.admin = await apiToken(server, NATIONAL_ADMIN.username, NATIONAL_ADMIN.password);
    const qrWasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
    loadQrReaderWith(qrWasm.buffer.slice(qrWasm.byteOffset, qrWasm.byteOffset + qrWasm.byteLength));

    ids.a = await registered(a, ['2021-10-01', '2021-10-29']);
    ids.b = await registered(b, ['2021-10-02']);
    ids.c = await registered(c, ['2021-10-03']);
  });

  afterAll(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the desk confirms a complete, verified record from the person’s panel: it waits for the ministry', async () => {
    expect(await passportOf(ids.a)).toMatchObject({ state: 'ready', blockers: [], passport: null });
    const page = await signedIn(SITE_STAFF);
    await page.goto(`/quan-tri/tiep-don/nguoi/${ids.a}`);
    await visible(page.getByRole('heading', { level: 1, name: a.fullName }));
    const panel = page.getByRole('region', { name: 'Hộ chiếu vắc xin' });
    await visible(panel.getByText('Chờ cơ sở xác nhận', { exact: true }));
    expect(await panel.locator('[data-passport-state]').getAttribute('data-passport-state')).toBe('ready');
    await saveScreenshot(page, 'passport-desk-ready-1280');

    await panel.getByRole('button', { name: 'Xác nhận cấp hộ chiếu vắc xin' }).click();
    await visible(panel.getByText('Đã xác nhận: hồ sơ chờ Bộ Y tế ký.'));
    // Read again: now waiting for the signature, confirmed by this desk; no button any more.
    await visible(panel.getByText('Chờ Bộ Y tế ký', { exact: true }));
    await visible(panel.getByText(/Cơ sở đã xác nhận lúc \d\d\/\d\d\/\d{4} \d\d:\d\d \(caolanh\.tiem\)/));
    expect(await panel.getByRole('button', { name: 'Xác nhận cấp hộ chiếu vắc xin' }).count()).toBe(0);
    expect(await passportOf(ids.a)).toMatchObject({ state: 'confirmed', confirmedBy: 'caolanh.tiem', passport: null });
    await saveScreenshot(page, 'passport-desk-confirmed-1280');
  });

  it('the district’s tab lists the unit’s records by state with what blocks each; those fixed since are confirmed there', async () => {
    // B and C are asked for with one dose: kept blocked, with why.
    const asked = await api<{ items: { personId: string; state: string }[] }>(
      'staff',
      'POST',
      '/api/passports/confirmations',
      { personIds: [ids.b, ids.c] },
    );
    expect(asked.status).toBe(200);
    expect(asked.body.items.map((i) => i.state)).toEqual(['blocked', 'blocked']);

    const page = await signedIn(DISTRICT_ADMIN);
    await openTab(page);
    await visible(page.getByRole('link', { name: 'Tất cả (3)' }));
    await visible(page.getByRole('link', { name: 'Chưa đủ điều kiện (2)' }));
    await visible(page.getByRole('link', { name: 'Chờ Bộ Y tế ký (1)' }));
    const recordOf = (who: Citizen) => page.getByRole('article', { name: who.fullName });
    for (const who of [b, c]) {
      await visible(recordOf(who).getByText('Chưa tiêm đủ liều cơ bản.', { exact: true }));
      expect(await recordOf(who).getAttribute('data-passport-state')).toBe('blocked');
      expect(
        await recordOf(who)
          .getByRole('button', { name: /^Xác nhận/ })
          .count(),
      ).toBe(0);
    }
    await visible(recordOf(a).getByText('Chờ Bộ Y tế ký', { exact: true }));
    await noAxeViolations(page, 'passport tab (blocked records)');
    await noHorizontalScrollAt320(page, 'tab-blocked');

    // The state filter: only the blocked ones.
    await page.getByRole('link', { name: 'Chưa đủ điều kiện (2)' }).click();
    await page.waitForURL((url) => url.search === '?state=blocked');
    await expect.poll(() => page.getByRole('article').count()).toBe(2);
    await visible(page.getByText('Đang hiển thị 2/2 hồ sơ.'));
    expect(await recordOf(a).count()).toBe(0);

    // The second doses: the refresh job sends both back to their site, ready for confirmation.
    await doseFor(ids.b, b, '2021-10-30');
    await doseFor(ids.c, c, '2021-10-31');
    expect([(await passportOf(ids.b)).state, (await passportOf(ids.c)).state]).toEqual(['ready', 'ready']);
    // The unit's list follows once the refresh job has read the change in the (sealed) audit log.
    await expect
      .poll(
        async () =>
          (await api<{ counts: { ready: number } }>('district', 'GET', '/api/passports?state=ready')).body.counts.ready,
        { timeout: 60_000, interval: 500 },
      )
      .toBe(2);
    await openTab(page, '?state=ready');
    await visible(page.getByRole('link', { name: 'Chờ cơ sở xác nhận (2)' }));
    await expect.poll(() => page.getByRole('article').count()).toBe(2);
    await visible(page.getByRole('group', { name: 'Xác nhận nhiều hồ sơ' }));
    await noAxeViolations(page, 'passport tab (ready records)');
    await noHorizontalScrollAt320(page, 'tab-ready');
    await saveScreenshot(page, 'passport-tab-ready-1280');

    // Nothing ticked: said so, nothing sent.
    await page.getByRole('button', { name: 'Xác nhận các hồ sơ đã chọn' }).click();
    await visible(page.getByText('Chưa chọn hồ sơ nào', { exact: false }));
    expect((await passportOf(ids.b)).state).toBe('ready');

    // B by its own button.
    await recordOf(b)
      .getByRole('button', { name: `Xác nhận hồ sơ của ${b.fullName}` })
      .click();
    await visible(page.getByText('Đã xác nhận 1 hồ sơ: chờ Bộ Y tế ký.'));
    await expect.poll(() => page.getByRole('article').count()).toBe(1);
    expect(await passportOf(ids.b)).toMatchObject({ state: 'confirmed', confirmedBy: 'caolanh.admin' });

    // C ticked, then the multi-select's button (the keyboard: space ticks, Enter presses).
    await recordOf(c)
      .getByRole('checkbox', { name: `Chọn hồ sơ của ${c.fullName}` })
      .press('Space');
    const bulk = page.getByRole('button', { name: 'Xác nhận 1 hồ sơ đã chọn' });
    await bulk.focus();
    await bulk.press('Enter');
    await expect.poll(() => page.getByRole('article').count()).toBe(0);
    await visible(page.getByText('Đã xác nhận 1 hồ sơ: chờ Bộ Y tế ký.'));
    await visible(page.getByRole('link', { name: 'Chờ Bộ Y tế ký (3)' }));
    expect(await passportOf(ids.c)).toMatchObject({ state: 'confirmed', confirmedBy: 'caolanh.admin' });
    await noAxeViolations(page, 'passport tab (after confirming)');
    // Not the ministry: no batch signature here.
    expect(await page.getByRole('button', { name: 'Ký hàng loạt' }).count()).toBe(0);
  });

  it('the ministry signs the confirmed records in a batch: how many were signed, sent back, still waiting', async () => {
    const page = await signedIn(NATIONAL_ADMIN);
    await openTab(page);
    const sign = page.getByRole('region', { name: 'Ký hàng loạt (Bộ Y tế)' });
    await visible(sign.getByText('Đang chờ ký: 3 hồ sơ.'));
    await noAxeViolations(page, 'passport tab (ministry)');
    await sign.getByRole('button', { name: 'Ký hàng loạt' }).click();
    await visible(sign.getByText('Kết quả ký hàng loạt'));
    await visible(sign.getByText('Đã ký 3 hộ chiếu vắc xin.'));
    await visible(sign.getByText('Còn 0 hồ sơ chờ ký.'));
    expect(await sign.locator('[data-sign-result="blocked"]').count()).toBe(0);
    await visible(page.getByRole('link', { name: 'Đã cấp hộ chiếu vắc xin (3)' }));
    for (const who of [a, b, c]) {
      await visible(page.getByRole('article', { name: who.fullName }).getByText(/Bộ Y tế ký lúc/));
    }
    for (const id of [ids.a, ids.b, ids.c]) expect((await passportOf(id)).state).toBe('issued');
    await noAxeViolations(page, 'passport tab (batch signed)');
    await noHorizontalScrollAt320(page, 'tab-signed');
    await saveScreenshot(page, 'passport-tab-signed-1280');

    // A second batch finds nothing left to sign.
    await sign.getByRole('button', { name: 'Ký hàng loạt' }).click();
    await visible(sign.getByText('Đã ký 0 hộ chiếu vắc xin.'));

    // In English.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Vaccine passports' }));
    await visible(page.getByRole('link', { name: 'Passport issued (3)' }));
    await visible(page.getByRole('button', { name: 'Sign a batch' }));
    await noAxeViolations(page, 'passport tab in English');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Hộ chiếu vắc xin' }));
  });

  it('the desk shows the passport’s QR, identifier and validity: the QR on the screen verifies', async () => {
    const issued = (await passportOf(ids.a)).passport!;
    expect(issued.qr).toMatch(/^HC1:/);
    const page = await signedIn(SITE_STAFF);
    await page.goto(`/quan-tri/tiep-don/nguoi/${ids.a}`);
    const panel = page.getByRole('region', { name: 'Hộ chiếu vắc xin' });
    await visible(panel.getByText('Đã cấp hộ chiếu vắc xin', { exact: true }));
    await visible(panel.getByText(`Mã hộ chiếu vắc xin: ${issued.ci}`));
    await visible(panel.getByText(/^Có giá trị từ \d\d\/\d\d\/\d{4} đến \d\d\/\d\d\/\d{4}\.$/));
    const qr = await visible(panel.getByRole('img', { name: 'Mã QR hộ chiếu vắc xin' }));
    await expectIssuedQr(qr, issued.qr);
    await saveScreenshot(page, 'passport-desk-issued-1280');
  });

  it('the citizen finds the passport with the certificate in the portal; its QR verifies', async () => {
    const issued = (await passportOf(ids.a)).passport!;
    const { page } = await newPage({ width: 360, height: 780 });
    await page.goto('/tra-cuu');
    await visible(page.getByRole('heading', { level: 1, name: 'Tra cứu chứng nhận tiêm chủng' }));
    await page.getByLabel('Họ và tên', { exact: true }).fill(a.fullName);
    await page.getByLabel('Ngày sinh', { exact: true }).fill(typed(a.dateOfBirth));
    await page.getByRole('radio', { name: a.gender === 'male' ? 'Nam' : 'Nữ', exact: true }).check();
    await page.getByLabel('Số CCCD/CMND', { exact: true }).fill(a.idNumber);
    await page.getByLabel('Số điện thoại', { exact: true }).fill(a.phone);
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    const otpField = await visible(page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true }));
    await otpField.fill(await otpFor(a.phone, 'lookup_otp'));
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();

    await visible(page.getByRole('heading', { level: 2, name: a.fullName }));
    const section = page.getByRole('region', { name: 'Hộ chiếu vắc xin' });
    await visible(section.getByRole('heading', { level: 3, name: 'Hộ chiếu vắc xin' }));
    await visible(section.getByText(issued.ci, { exact: true }));
    await visible(section.getByText(dayOf(issued.expiresAt), { exact: true }));
    // The certificate's own QR is still there, beside the passport's (two different codes).
    await visible(page.getByRole('img', { name: 'Mã QR chứng nhận tiêm chủng' }));
    await expectIssuedQr(await visible(section.getByRole('img', { name: 'Mã QR hộ chiếu vắc xin' })), issued.qr);
    await noAxeViolations(page, 'portal certificate with a passport');
    await noHorizontalScrollAt320(page, 'portal');
    await saveScreenshot(page, 'passport-portal-360');
  });

  it('the e-health book keeps the passport on the device and shows it offline', async () => {
    const issued = (await passportOf(ids.b)).passport!;
    const { page, context } = await newPage({ width: 360, height: 780 });
    await page.goto('/so-suc-khoe');
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe điện tử' }));
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.getByLabel('Số điện thoại', { exact: true }).fill(b.phone);
    await page.getByRole('button', { name: 'Nhận mã OTP' }).click();
    const otpField = await visible(page.getByLabel('Mã OTP', { exact: true }));
    await otpField.fill(await otpFor(b.phone, 'health_book_otp'));
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
    await page.getByRole('link', { name: b.fullName, exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: b.fullName }));

    const passportQr = () => page.getByRole('img', { name: `Mã QR hộ chiếu vắc xin của ${b.fullName}` });
    const section = page.getByRole('region', { name: 'Hộ chiếu vắc xin' });
    await visible(section.getByText(issued.ci, { exact: true }));
    await visible(section.getByText(dayOf(issued.issuedAt), { exact: true }));
    await expectIssuedQr(await visible(passportQr()), issued.qr);
    await noAxeViolations(page, 'health book member with a passport');
    await noHorizontalScrollAt320(page, 'health-book');
    await saveScreenshot(page, 'passport-health-book-360');

    // Kept on the device with the certificate, exactly as issued.
    const stored = JSON.parse(
      (await page.evaluate((key) => localStorage.getItem(key), BOOK_STORAGE_KEY)) ?? 'null',
    ) as {
      household: { members: { personId: string; certificate: { passport: { qr: string } | null } }[] };
    };
    expect(stored.household.members.find((m) => m.personId === ids.b)?.certificate.passport?.qr).toBe(issued.qr);

    // Offline (the app's shell from the service worker): the passport is still shown, from the device.
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: b.fullName }));
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    try {
      await page.reload();
      await visible(page.getByText('Đang ngoại tuyến', { exact: false }));
      await expectIssuedQr(await visible(passportQr()), issued.qr);
      await saveScreenshot(page, 'passport-health-book-offline-360');
    } finally {
      await context.setOffline(false);
    }
  });

  it('a site’s staff reach the tab too — the one tab of the area that is theirs — with their district’s records', async () => {
    const page = await signedIn(SITE_STAFF);
    // The area is in their navigation; its supervisors' screens take them to the passports.
    await visible(page.locator('.staff-nav a[href="/quan-tri/phe-duyet"]'));
    await page.goto('/quan-tri/phe-duyet');
    await page.waitForURL((url) => url.pathname === PASSPORT_TAB);
    await visible(page.getByRole('heading', { level: 1, name: 'Hộ chiếu vắc xin' }));
    const tabs = page.getByRole('navigation', { name: 'Phê duyệt định danh' }).getByRole('link');
    expect(await tabs.allTextContents()).toEqual(['Hộ chiếu vắc xin']);
    await visible(page.getByRole('link', { name: 'Đã cấp hộ chiếu vắc xin (3)' }));
    for (const who of [a, b, c]) await visible(page.getByRole('article', { name: who.fullName }));
    // Not the ministry: no batch signature.
    expect(await page.getByRole('button', { name: 'Ký hàng loạt' }).count()).toBe(0);
    await noAxeViolations(page, 'passport tab (site staff)');
    await noHorizontalScrollAt320(page, 'tab-site-staff');
  });

  it('raised no page or console error', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  /** The newest OTP (6 digits) of this kind sent to the phone, from the demo SMS outbox. */
  const otpFor = (phone: string, kind: string) => otpFromOutbox(server, tokens.admin, phone, kind);
});

/** An instant as the day it falls on in the browser's time zone (the same machine), `dd/MM/yyyy`. */
function dayOf(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}
