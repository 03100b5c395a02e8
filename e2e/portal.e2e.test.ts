import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  apiToken,
  assertWebBuilt,
  callApi,
  demoUser,
  FACILITY_ID,
  formReady,
  launchBrowser,
  otpFromOutbox,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  type StaffAccount,
  saveScreenshot,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
  todayIso,
  visible,
} from './helpers';

/** The demo report handler of Đồng Tháp. */
const REPORT_HANDLER = demoUser('dongthap.phananh');

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/** `YYYY-MM-DD` → `dd/MM/yyyy`, as typed in the forms. */
function vnDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

describe('citizens’ portal — tra cứu, phản ánh, đăng ký (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const tokens: Record<string, string> = {};
  const pageErrors: Error[] = [];
  // Adults the population-registry simulator knows, living in Đồng Tháp (their identity verifies).
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
  );

  async function login(user: StaffAccount): Promise<string> {
    return apiToken(server, user.username, user.password);
  }

  beforeAll(async () => {
    assertWebBuilt();
    expect(citizens.length).toBeGreaterThan(3);
    server = await startServer();
    browser = await launchBrowser();
    tokens.staff = await login(SITE_STAFF);
    tokens.handler = await login(REPORT_HANDLER);
    tokens.admin = await login({ username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD });
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Calls the API with a bearer token, as a desk or a handler would. */
  async function api<T>(
    as: 'staff' | 'handler' | 'admin',
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    return callApi<T>(server, tokens[as]!, method, path, body, headers);
  }

  /** The newest OTP (6 digits) of this kind sent to the phone, from the demo SMS outbox. */
  const otpFor = (phone: string, kind: string) => otpFromOutbox(server, tokens.admin!, phone, kind);

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    context = await browser.newContext({ viewport, baseURL: server.baseUrl, locale: 'vi-VN' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    return page;
  }

  /** Registers the person (as the national administrator) and records two Pfizer doses at Cao Lãnh. */
  async function vaccinatedPerson(c: Citizen): Promise<string> {
    const created = await api<{ id: string }>('admin', 'POST', '/api/people', {
      ...personBodyOf(c),
      districtCode: '866',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    for (const administeredOn of ['2021-10-01', '2021-10-29']) {
      const dose = await api(
        'staff',
        'POST',
        `/api/people/${created.body.id}/doses`,
        { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
        { 'Idempotency-Key': `e2e-portal-${c.idNumber}-${administeredOn}` },
      );
      expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    }
    return created.body.id;
  }

  async function fillPerson(page: Page, c: Citizen): Promise<void> {
    await page.getByLabel('Họ và tên', { exact: true }).fill(c.fullName);
    await page.getByLabel('Ngày sinh', { exact: true }).fill(vnDate(c.dateOfBirth));
    await page.getByRole('radio', { name: c.gender === 'male' ? 'Nam' : 'Nữ', exact: true }).check();
    await page.getByLabel('Số CCCD/CMND', { exact: true }).fill(c.idNumber);
    await page.getByLabel('Số điện thoại', { exact: true }).fill(c.phone);
  }

  it('looks up a certificate with the OTP sent to the phone on record and shows it with its QR code', async () => {
    const c = citizens[0]!;
    await vaccinatedPerson(c);

    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/');
    await visible(page.getByRole('heading', { level: 1, name: 'Tiêm chủng COVID-19' }));
    await visible(page.getByRole('link', { name: 'Phản ánh thông tin tiêm chủng' }));
    await visible(page.getByRole('link', { name: 'Đăng ký tiêm vắc xin' }));
    await visible(page.getByRole('link', { name: 'Đăng nhập cho cán bộ y tế' }));
    await saveScreenshot(page, 'portal-landing-360');
    await page.getByRole('link', { name: 'Tra cứu chứng nhận tiêm chủng' }).click();
    await page.waitForURL((url) => url.pathname === '/tra-cuu');
    await visible(page.getByRole('heading', { level: 1, name: 'Tra cứu chứng nhận tiêm chủng' }));

    // Checked in the browser first: nothing filled → errors under the fields, focus on the first.
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    const name = page.getByLabel('Họ và tên', { exact: true });
    await visible(page.getByText('Vui lòng nhập họ và tên.'));
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).toMatch(/-error/);

    await fillPerson(page, c);
    await saveScreenshot(page, 'portal-lookup-form-360');
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();

    // Reveal-nothing wording, then the OTP from the SMS outbox.
    await visible(page.getByText('Nếu thông tin khớp với hồ sơ, mã OTP sẽ được gửi', { exact: false }));
    const otpField = page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true });
    await expect.poll(() => otpField.evaluate((el) => el === document.activeElement)).toBe(true);
    const otp = await otpFor(c.phone, 'lookup_otp');

    // A wrong code first: the server's message under the field.
    await otpField.fill(otp === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await visible(page.getByText('Mã xác thực không đúng hoặc đã hết hạn.'));
    await saveScreenshot(page, 'portal-lookup-otp-360');

    await otpField.fill(otp);
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();

    // The certificate: the name with its diacritics, the status, the QR code, the doses, the PDF.
    await visible(page.getByRole('heading', { level: 2, name: c.fullName }));
    await visible(page.getByText('Đã tiêm đủ liều cơ bản (2 mũi)'));
    const qr = await visible(page.getByRole('img', { name: 'Mã QR chứng nhận tiêm chủng' }));
    await expect.poll(() => qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d/);
    await visible(page.getByText('29/10/2021', { exact: true }));
    const pdf = page.getByRole('link', { name: 'Tải PDF' });
    const pdfUrl = await pdf.getAttribute('href');
    expect(pdfUrl).toMatch(/^\/api\/portal\/certificates\/pdf\?token=/);
    const pdfResponse = await fetch(`${server.baseUrl}${pdfUrl}`);
    expect(pdfResponse.status).toBe(200);
    expect(pdfResponse.headers.get('content-type')).toContain('application/pdf');
    await visible(page.getByText('Danh tính đã được xác thực với Cơ sở dữ liệu quốc gia về dân cư', { exact: false }));
    await saveScreenshot(page, 'portal-certificate-360');
    await page.setViewportSize({ width: 320, height: 700 });
    await saveScreenshot(page, 'portal-certificate-320');
    // Nothing wider than the screen at 320 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize({ width: 1280, height: 900 });
    await saveScreenshot(page, 'portal-certificate-1280');
    expect(pageErrors).toEqual([]);
  });

  it('files a report with a photo, shows the tracking code and then the outcome in Vietnamese', async () => {
    const c = citizens[1]!;
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto('/phan-anh');
    await formReady(page);
    await visible(page.getByRole('heading', { level: 1, name: 'Phản ánh thông tin tiêm chủng' }));
    // A small real JPEG: a screenshot of the page itself.
    const jpeg = await page.screenshot({ type: 'jpeg', quality: 50, clip: { x: 0, y: 0, width: 320, height: 200 } });
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    await page.getByRole('radio', { name: 'Đã tiêm nhưng chưa có mũi tiêm trên hệ thống', exact: true }).check();
    await fillPerson(page, c);
    await page.getByLabel('Ngày tiêm', { exact: true }).fill('29102021');
    await page.getByLabel('Ngày tiêm', { exact: true }).press('Tab');
    expect(await page.getByLabel('Ngày tiêm', { exact: true }).inputValue()).toBe('29/10/2021');
    await expect
      .poll(() => page.getByLabel('Vắc xin', { exact: true }).locator('option').count(), { timeout: 10_000 })
      .toBeGreaterThan(2);
    await page.getByLabel('Vắc xin', { exact: true }).selectOption(PFIZER);
    await page.getByLabel('Tỉnh/thành phố nơi tiêm', { exact: true }).selectOption('87');
    const facility = page.getByLabel('Cơ sở tiêm chủng', { exact: true });
    await expect.poll(() => facility.isEnabled(), { timeout: 10_000 }).toBe(true);
    await facility.selectOption(FACILITY_ID);
    // Typed text goes back escaped: markup stays text.
    const description =
      'Tôi đã tiêm mũi 2 ngày 29/10/2021 tại Trạm Y tế Phường 1 nhưng chưa có trên chứng nhận. <b>x</b>';
    await page.getByLabel('Nội dung phản ánh', { exact: true }).fill(description);
    await visible(page.getByText(`${description.length}/2000 ký tự`));

    // Too large a photo is refused in the browser, with a clear message; a real one is accepted.
    const photo = page.getByLabel('Ảnh giấy xác nhận tiêm chủng', { exact: true });
    await photo.setInputFiles({
      name: 'qua-lon.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.alloc(5 * 1024 * 1024 + 10, 0xff),
    });
    await visible(page.getByText('Ảnh quá lớn', { exact: false }));
    expect(await photo.getAttribute('aria-invalid')).toBe('true');
    await photo.setInputFiles({ name: 'giay-xac-nhan.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await visible(page.getByRole('img', { name: 'Ảnh đã chọn' }));
    await saveScreenshot(page, 'portal-report-form-1280');

    await page.getByRole('button', { name: 'Gửi phản ánh', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh' }));
    const code = ((await page.getByTestId('tracking-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^PA-[0-9A-Z]{8}$/);
    await visible(page.getByText('Đã gửi kèm ảnh minh chứng.'));
    await saveScreenshot(page, 'portal-report-done-1280');

    // The status page, by code and phone (as a citizen opens it later).
    await page.goto(`/phan-anh/tra-cuu`);
    await visible(page.getByRole('heading', { level: 1, name: 'Tra cứu kết quả phản ánh' }));
    await formReady(page);
    await page.getByLabel('Mã phản ánh', { exact: true }).fill(code.toLowerCase());
    await page.getByLabel('Số điện thoại đã dùng khi gửi phản ánh', { exact: true }).fill(c.phone);
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByRole('heading', { level: 2, name: `Phản ánh ${code}` }));
    await visible(page.getByText('Đã nhận', { exact: true }));
    await visible(page.getByText('Phản ánh đã được tiếp nhận', { exact: false }));
    await visible(page.getByText('Đã gửi kèm', { exact: true }));

    // A wrong phone tells nothing but "not found".
    await page.getByLabel('Số điện thoại đã dùng khi gửi phản ánh', { exact: true }).fill('0912345678');
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Không tìm thấy phản ánh' }));

    // The handler of Đồng Tháp rejects it: the photo cannot be used.
    const found = await api<{ items: { id: string; trackingCode: string; description: string }[] }>(
      'handler',
      'GET',
      `/api/reports?trackingCode=${code}`,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    const report = found.body.items.find((r) => r.trackingCode === code);
    expect(report).toBeDefined();
    const resolution = await api('handler', 'POST', `/api/reports/${report!.id}/resolution`, {
      outcome: 'rejected',
      reason: 'photo_unusable',
      note: 'Ảnh bị mờ',
    });
    expect(resolution.status, JSON.stringify(resolution.body)).toBe(200);

    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByLabel('Số điện thoại đã dùng khi gửi phản ánh', { exact: true }).fill(c.phone);
    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByText('Đã xử lý xong', { exact: true }));
    await visible(page.getByText('Không điều chỉnh thông tin', { exact: true }));
    await visible(page.getByText('Ảnh minh chứng không dùng được', { exact: false }));
    await visible(page.getByText('Ảnh bị mờ', { exact: true }));
    await saveScreenshot(page, 'portal-report-status-360');
    expect(pageErrors).toEqual([]);
  });

  it('switches a portal page to English (strings fetched then) and back, keeping what was typed', async () => {
    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/phan-anh/tra-cuu');
    await visible(page.getByRole('heading', { level: 1, name: 'Tra cứu kết quả phản ánh' }));
    await formReady(page);
    await page.getByLabel('Mã phản ánh', { exact: true }).fill('PA-7KQ2MX9D');
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Check a report' }));
    expect(await page.getByLabel('Tracking code', { exact: true }).inputValue()).toBe('PA-7KQ2MX9D');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Tra cứu kết quả phản ánh' }));
    expect(pageErrors).toEqual([]);
  });

  it('registers for vaccination, confirms with the OTP and is checked in by the QR code', async () => {
    const c = citizens[2]!;
    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/dang-ky');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng ký tiêm vắc xin phòng COVID-19' }));
    // The pre-rendered form's button submits only once React has the page.
    await formReady(page);

    // Sent empty: the first error gets the focus, every checklist question is flagged.
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await visible(page.getByText('Vui lòng sửa các thông tin chưa đúng bên dưới.'));
    await expect
      .poll(() => page.getByLabel('Họ và tên', { exact: true }).evaluate((el) => el === document.activeElement))
      .toBe(true);
    expect(await page.getByText('Vui lòng trả lời câu hỏi này.').count()).toBe(13);

    await fillPerson(page, c);
    await page.getByLabel('Tỉnh/thành phố', { exact: true }).selectOption('87');
    const district = page.getByLabel('Quận/huyện', { exact: true });
    await expect.poll(() => district.isEnabled(), { timeout: 10_000 }).toBe(true);
    await district.selectOption('866');
    await page.getByLabel('Nhóm đối tượng', { exact: true }).selectOption('other');
    const questions = page.getByRole('group', { name: /^Câu \d+\./ });
    expect(await questions.count()).toBe(13);
    for (let i = 0; i < 13; i++) await questions.nth(i).getByRole('radio', { name: 'Không', exact: true }).check();
    await page.getByRole('checkbox', { name: /Tôi cam kết/ }).check();
    await saveScreenshot(page, 'portal-registration-form-360');
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();

    await visible(page.getByText(`Mã OTP đã được gửi tới số điện thoại ${c.phone}`, { exact: false }));
    const otp = await otpFor(c.phone, 'registration_otp');
    await page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true }).fill(otp);
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();

    await visible(page.getByRole('heading', { level: 2, name: 'Đăng ký thành công' }));
    const code = ((await page.locator('.registration-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^DK-[0-9A-Z]{8}$/);
    const qrText = ((await page.locator('.qr-text').textContent()) ?? '').trim();
    expect(qrText).toBe(`TCDK:${code}`);
    await visible(page.getByRole('img', { name: `Mã QR đăng ký tiêm ${code}` }));
    await visible(page.getByText(`${c.fullName} đã đăng ký tiêm vắc xin tại Đồng Tháp`, { exact: false }));
    await saveScreenshot(page, 'portal-registration-done-360');

    // At the site: the desk opens today's session and checks the registrant in by the QR text.
    const session = await api<{ id: string }>('staff', 'POST', '/api/sessions', {
      facilityId: FACILITY_ID,
      sessionDate: todayIso(),
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const visit = await api<{ checkInMethod: string; personId: string }>(
      'staff',
      'POST',
      `/api/sessions/${session.body.id}/visits`,
      { registrationQr: qrText },
    );
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    expect(visit.body.checkInMethod).toBe('registration_qr');
    expect(pageErrors).toEqual([]);
  });
});
