import { askedQuestions, screeningPlan } from '@tiemchung/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf, reportBodyAbout } from '../apps/server/src/test/factories.ts';
import {
  apiToken,
  assertWebBuilt,
  callApi,
  launchBrowser,
  openStaffPage,
  SITE_STAFF,
  saveScreenshot,
  startServer,
  type TestServer,
  visible,
  withoutDiacritics,
} from './helpers';

const SEARCH_LABEL = 'Tìm theo số CCCD/CMND, số điện thoại hoặc họ tên';

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/** `YYYY-MM-DD` → `ddMMyyyy` (CCCD QR) or `dd/MM/yyyy` (screens). */
function vnDate(iso: string, separator = ''): string {
  const [y, m, d] = iso.split('-');
  return [d, m, y].join(separator);
}

/** The text a USB scanner types for the QR code of this citizen's chip CCCD card. */
function cccdQr(c: Citizen): string {
  const sex = c.gender === 'male' ? 'Nam' : 'Nữ';
  return `${c.idNumber}||${c.fullName}|${vnDate(c.dateOfBirth)}|${sex}|Phường 1, Thành phố Cao Lãnh, Đồng Tháp|01012021`;
}

describe('reception desk — Tiếp đón (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const pageErrors: Error[] = [];
  // Citizens the population-registry simulator knows, living in Đồng Tháp, born before the card
  // issue date used in the QR codes.
  const citizens = simulatorCitizens().filter((c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01');
  const registered = citizens[0]!;
  const scanned = citizens[1]!;

  beforeAll(async () => {
    assertWebBuilt();
    expect(citizens.length).toBeGreaterThan(2);
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

  async function signedInPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const opened = await openStaffPage(browser, server, SITE_STAFF, pageErrors, viewport);
    context = opened.context;
    return opened.page;
  }

  /** Registers a person through the API, as another desk would have. */
  async function registerThroughApi(c: Citizen): Promise<{ id: string; verification: { status: string } }> {
    const token = await apiToken(server, SITE_STAFF.username, SITE_STAFF.password);
    const response = await fetch(`${server.baseUrl}/api/people`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...personBodyOf(c), districtCode: '866' }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { id: string; verification: { status: string } };
  }

  it('finds a registered person by name typed without diacritics and shows the verified identity', async () => {
    const created = await registerThroughApi(registered);
    expect(created.verification.status).toBe('verified');

    const page = await signedInPage();
    // The area is in the role-aware navigation of site staff.
    const nav = page.getByRole('navigation', { name: 'Chức năng quản trị' });
    await (await visible(nav.getByRole('link', { name: 'Tiếp đón' }))).click();
    await page.waitForURL((url) => url.pathname === '/quan-tri/tiep-don');
    await visible(page.getByRole('heading', { level: 1, name: 'Tiếp đón' }));

    // The search field has the focus: the desk types straight away.
    const search = page.getByLabel(SEARCH_LABEL, { exact: true });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    const typed = withoutDiacritics(registered.fullName);
    expect(typed).not.toBe(registered.fullName);
    await page.keyboard.type(typed);

    // Results are announced in a live region and listed with date of birth, sex and badge.
    await visible(page.getByRole('status').filter({ hasText: /Tìm thấy \d+ người/ }));
    const result = page.getByRole('link', { name: registered.fullName });
    await visible(result);
    const resultText = (await result.textContent()) ?? '';
    expect(resultText).toContain(vnDate(registered.dateOfBirth, '/'));
    expect(resultText).toContain(registered.gender === 'male' ? 'Nam' : 'Nữ');
    expect(resultText).toContain('Đồng Tháp');
    expect(resultText).toContain('Đã xác thực');
    // Search results hide most of the ID number.
    expect(resultText).not.toContain(registered.idNumber);
    await saveScreenshot(page, 'reception-search-1280');

    // Keyboard: ↓ to the first result (the only one with this name), Enter opens it.
    await search.press('ArrowDown');
    await expect.poll(() => result.first().evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith('/quan-tri/tiep-don/nguoi/'));
    await visible(page.getByRole('heading', { level: 1, name: registered.fullName }));
    expect(new URL(page.url()).pathname).toBe(`/quan-tri/tiep-don/nguoi/${created.id}`);

    const identity = page.getByRole('region', { name: 'Xác thực định danh' });
    await visible(identity.getByText('Đã xác thực', { exact: true }));
    // The full record shows the whole ID number.
    await visible(page.getByText(registered.idNumber, { exact: false }));
    await visible(page.getByRole('button', { name: 'Kiểm tra lại định danh' }));
    await visible(page.getByRole('link', { name: 'Sửa thông tin' }));
    await saveScreenshot(page, 'reception-person-1280');

    // Asking the registry again keeps the verified state and says so.
    await page.getByRole('button', { name: 'Kiểm tra lại định danh' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Đã kiểm tra lại định danh: Đã xác thực.' }));
    expect(pageErrors).toEqual([]);
  });

  it('opens the create form filled in from a scanned CCCD QR code and registers the person', async () => {
    const page = await signedInPage({ width: 360, height: 780 });
    await page.goto('/quan-tri/tiep-don');
    const search = await visible(page.getByLabel(SEARCH_LABEL, { exact: true }));
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await saveScreenshot(page, 'reception-search-360');

    // A USB scanner types the QR text into the focused field, then Enter.
    await page.keyboard.type(cccdQr(scanned));
    await page.keyboard.press('Enter');

    await page.waitForURL((url) => url.pathname === '/quan-tri/tiep-don/dang-ky');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng ký người mới' }));
    await visible(page.getByText('Thông tin đã được điền từ mã QR', { exact: false }));
    expect(await page.getByLabel('Họ và tên', { exact: true }).inputValue()).toBe(scanned.fullName);
    expect(await page.getByLabel('Ngày sinh', { exact: true }).inputValue()).toBe(vnDate(scanned.dateOfBirth, '/'));
    const sex = page.getByRole('radio', { name: scanned.gender === 'male' ? 'Nam' : 'Nữ', exact: true });
    expect(await sex.isChecked()).toBe(true);
    expect(await page.getByLabel('Số CCCD/CMND', { exact: true }).inputValue()).toBe(scanned.idNumber);
    // Province from digits 2–3 of the CCCD (087… → Đồng Tháp), address from the card. The list of
    // provinces comes from the server: the select shows the value once its options have loaded.
    await expect.poll(() => page.getByLabel('Tỉnh/thành phố', { exact: true }).inputValue()).toBe('87');
    expect(await page.getByLabel('Địa chỉ', { exact: true }).inputValue()).toBe(
      'Phường 1, Thành phố Cao Lãnh, Đồng Tháp',
    );

    // The phone is what is left to type: it has the focus.
    const phone = page.getByLabel('Số điện thoại', { exact: true });
    await expect.poll(() => phone.evaluate((el) => el === document.activeElement)).toBe(true);
    await saveScreenshot(page, 'reception-create-qr-360');

    // Checked in the browser before sending: a landline is refused with the core rule's message.
    await phone.fill('02773851234');
    await page.getByRole('button', { name: 'Tạo hồ sơ', exact: true }).click();
    await visible(page.getByText('Đây là số điện thoại cố định', { exact: false }));
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => phone.evaluate((el) => el === document.activeElement)).toBe(true);

    await phone.fill(scanned.phone);
    await page.getByRole('button', { name: 'Tạo hồ sơ', exact: true }).click();

    await page.waitForURL((url) => url.pathname.startsWith('/quan-tri/tiep-don/nguoi/'));
    await visible(page.getByRole('heading', { level: 1, name: scanned.fullName }));
    await visible(page.getByText('Đã tạo hồ sơ.', { exact: true }));
    await visible(page.getByRole('region', { name: 'Xác thực định danh' }).getByText('Đã xác thực', { exact: true }));
    await saveScreenshot(page, 'reception-person-360');

    // Scanning the same card again now opens the record instead of the form.
    await page.getByRole('link', { name: 'Tìm người khác' }).click();
    const searchAgain = await visible(page.getByLabel(SEARCH_LABEL, { exact: true }));
    await searchAgain.fill('');
    await searchAgain.pressSequentially(cccdQr(scanned));
    await searchAgain.press('Enter');
    await visible(page.getByText('Đã tìm thấy hồ sơ theo số CCCD trên mã QR.'));
    await visible(page.getByRole('heading', { level: 1, name: scanned.fullName }));
    expect(pageErrors).toEqual([]);
  });

  it('warns about a likely existing record before creating a second one', async () => {
    const page = await signedInPage({ width: 1280, height: 900 });
    await page.goto('/quan-tri/tiep-don/dang-ky');
    await visible(page.getByRole('heading', { level: 1, name: 'Đăng ký người mới' }));
    // The site's own province and district are chosen already.
    await expect.poll(() => page.getByLabel('Tỉnh/thành phố', { exact: true }).inputValue()).toBe('87');
    await expect.poll(() => page.getByLabel('Quận/huyện', { exact: true }).inputValue()).toBe('866');

    // Same name (typed in lower case) and date of birth as the person registered in the first test.
    await page.getByLabel('Họ và tên', { exact: true }).fill(registered.fullName.toLowerCase());
    await page.getByLabel('Ngày sinh', { exact: true }).fill(vnDate(registered.dateOfBirth));
    await page.getByLabel('Ngày sinh', { exact: true }).press('Tab');
    expect(await page.getByLabel('Ngày sinh', { exact: true }).inputValue()).toBe(vnDate(registered.dateOfBirth, '/'));

    const warning = page.getByRole('region', { name: 'Có thể người này đã có hồ sơ' });
    await visible(warning);
    await visible(warning.getByText(registered.fullName, { exact: true }));
    await visible(page.getByRole('button', { name: 'Vẫn tạo hồ sơ mới' }));
    await saveScreenshot(page, 'reception-duplicates-1280');

    await warning.getByRole('button', { name: 'Dùng hồ sơ này' }).first().click();
    await page.waitForURL((url) => url.pathname.startsWith('/quan-tri/tiep-don/nguoi/'));
    await visible(page.getByRole('heading', { level: 1, name: registered.fullName }));
    expect(pageErrors).toEqual([]);
  });
  it('finds "Nguyễn Văn Bình" by "binh"; the person page shows the doses, the certificate’s status and the reports', async () => {
    const binh = simulatorCitizens().find((c) => c.fullName === 'Nguyễn Văn Bình' && c.provinceCode === '87')!;
    expect(binh).toBeDefined();
    const token = await apiToken(server, SITE_STAFF.username, SITE_STAFF.password);
    const call = <T>(method: string, path: string, body?: unknown) => callApi<T>(server, token, method, path, body);
    const created = await call<{ id: string; existingId?: string }>('POST', '/api/people', {
      ...personBodyOf(binh),
      districtCode: '866',
    });
    const personId = created.status === 201 ? created.body.id : created.body.existingId!;
    const dose = { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', facilityId: 'DT-CL-01' };
    // Entered afterwards for a dose given before 1 Nov 2021 (retroactive); the certificate read
    // (issued); by hand for a dose of December 2021; at a session today; then the very first dose,
    // entered last (retroactive, it renumbers the others).
    const byHand = async (administeredOn: string) =>
      expect((await call('POST', `/api/people/${personId}/doses`, { ...dose, administeredOn })).status).toBe(201);
    await byHand('2021-08-02');
    expect((await call('GET', `/api/people/${personId}/certificate`)).status).toBe(200);
    await byHand('2021-12-15');
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const session = await call<{ id: string }>('POST', '/api/sessions', {
      facilityId: 'DT-CL-01',
      sessionDate: today,
      lotNumbers: ['FF2587'],
    });
    const visit = await call<{ id: string }>('POST', `/api/sessions/${session.body.id}/visits`, { personId });
    const asked = askedQuestions(screeningPlan(binh, today)).map((q) => [q.id, 'no']);
    const screened = await call('POST', `/api/visits/${visit.body.id}/screening`, {
      answers: Object.fromEntries(asked),
      outcome: 'vaccinate',
    });
    expect(screened.status).toBe(200);
    const given = await call('POST', `/api/visits/${visit.body.id}/dose`, {
      vaccineCode: dose.vaccineCode,
      lotNumber: dose.lotNumber,
    });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    await byHand('2021-07-01');
    // A citizen's report about him.
    const report = await fetch(`${server.baseUrl}/api/portal/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(reportBodyAbout(personBodyOf(binh))),
    });
    expect(report.status).toBe(201);
    const { trackingCode } = (await report.json()) as { trackingCode: string };

    const page = await signedInPage();
    await page.goto('/quan-tri/tiep-don');
    const search = page.getByLabel(SEARCH_LABEL, { exact: true });
    await search.fill('binh');
    const result = page.getByRole('link', { name: /Nguyễn Văn Bình/ });
    await visible(result.first());
    await result.first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'Nguyễn Văn Bình' }));

    const history = page.getByRole('region', { name: 'Lịch sử tiêm' });
    await visible(history.getByText('Đã tiêm 4 mũi.'));
    const entries = history.getByRole('listitem');
    expect(await entries.count()).toBe(4);
    const entry = (i: number) => entries.nth(i);
    // Newest first: the session's dose, the one entered by hand, the two entered afterwards.
    await visible(entry(0).getByRole('heading', { name: 'Mũi 4 — mũi nhắc lại' }));
    await visible(entry(0).getByText('Tại buổi tiêm'));
    await visible(entry(0).getByText('Pfizer (Comirnaty)'));
    await visible(entry(0).getByText('FF2587'));
    await visible(entry(0).getByText('Trạm Y tế Phường 1, TP Cao Lãnh'));
    await visible(entry(1).getByRole('heading', { name: 'Mũi 3 — mũi nhắc lại' }));
    await visible(entry(1).getByText('15/12/2021'));
    await visible(entry(1).getByText('Nhập tay'));
    await visible(entry(2).getByRole('heading', { name: 'Mũi 2 — mũi cơ bản' }));
    await visible(entry(2).getByText('02/08/2021'));
    await visible(entry(2).getByText(/^Nhập hồi cứu/));
    await visible(entry(3).getByRole('heading', { name: 'Mũi 1 — mũi cơ bản' }));
    await visible(entry(3).getByText('01/07/2021'));

    // The certificate: valid since it was issued on this read; the one issued after the first dose was replaced.
    const certificate = page.getByRole('region', { name: 'Chứng nhận tiêm chủng' });
    await visible(certificate.getByText(/^Hợp lệ — cấp lúc \d\d\/\d\d\/\d{4} \d\d:\d\d, hết hạn/));
    await visible(certificate.getByText('Chứng nhận trước đây (1):'));
    await visible(certificate.getByText(/^Đã được thay thế lúc .*\(thông tin tiêm chủng hoặc cá nhân đã thay đổi\)/));

    const reports = page.getByRole('region', { name: 'Phản ánh về người này' });
    await visible(reports.getByText(trackingCode));
    await visible(reports.getByText('Sai thông tin cá nhân'));
    await visible(reports.getByText('Mới nhận'));
    await visible(reports.getByText(/^hạn xử lý /));
    await saveScreenshot(page, 'reception-person-history-1280');

    // At 320 px nothing needs a sideways scroll.
    await page.setViewportSize({ width: 320, height: 800 });
    await visible(history.getByText('Đã tiêm 4 mũi.'));
    const overflow = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      // What sticks out (for the failure message): boxes past the edge, or text past its box.
      offenders: [...document.querySelectorAll<HTMLElement>('main *')]
        .filter((el) => el.getBoundingClientRect().right > 321 || el.scrollWidth > el.clientWidth + 1)
        .filter((el) => getComputedStyle(el).overflowX === 'visible')
        .slice(0, 8)
        .map((el) => `${el.tagName}.${el.className}: ${(el.textContent ?? '').slice(0, 50)}`),
    }));
    expect(overflow.width, overflow.offenders.join('\n')).toBeLessThanOrEqual(320);
    await saveScreenshot(page, 'reception-person-history-320');
    expect(pageErrors).toEqual([]);
  });
});
