import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  apiToken,
  assertWebBuilt,
  callApi,
  demoUser,
  FACILITY_ID,
  isFocused,
  launchBrowser,
  openStaffPage,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  type StaffAccount,
  saveScreenshot,
  startServer,
  type TestServer,
  visible,
} from './helpers';

/** The demo report handler of Đồng Tháp (scope: the province). */
const HANDLER = demoUser('dongthap.phananh');
/** The demo province administrator of Đồng Tháp (may open campaigns). */
const PROVINCE_ADMIN = demoUser('dongthap.admin');
/** The area is opened by its address: its STAFF_AREAS entry (the navigation) is added separately. */
const QUEUE = '/quan-tri/phan-anh';
const HOUR = 3_600_000;

type Citizen = ReturnType<typeof simulatorCitizens>[number];

interface Dose {
  id: string;
  doseNumber: number;
  administeredOn: string;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG that looks like a photographed paper confirmation (a title bar and lines of text). */
function paperPhoto(width = 480, height = 320): Buffer {
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const title = y > 12 && y < 30 && x > 120 && x < width - 120;
      const line = y > 40 && (y - 40) % 36 < 10 && x > 40 && x < width - 40 - ((y * 7) % 120);
      raw.set(title ? [15, 80, 128] : line ? [60, 60, 70] : [250, 246, 232], y * row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('report handling — Phản ánh (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const tokens = new Map<string, string>();
  const pageErrors: Error[] = [];
  // Adults the population-registry simulator knows, living in Đồng Tháp (their identity verifies).
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
  );

  beforeAll(async () => {
    assertWebBuilt();
    expect(citizens.length).toBeGreaterThan(3);
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

  async function tokenOf(user: StaffAccount): Promise<string> {
    const known = tokens.get(user.username);
    if (known) return known;
    const token = await apiToken(server, user.username, user.password);
    tokens.set(user.username, token);
    return token;
  }

  /** Calls the API (as a staff member with a bearer token, or as the public when `as` is null). */
  async function api<T>(
    as: StaffAccount | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    return callApi<T>(server, as ? await tokenOf(as) : null, method, path, body, headers);
  }

  /** A person registered at the site with one Pfizer dose on 01/10/2021 (through the API). */
  async function vaccinatedPerson(c: Citizen): Promise<string> {
    const person = await api<{ id: string; verification: { status: string } }>(SITE_STAFF, 'POST', '/api/people', {
      ...personBodyOf(c),
      districtCode: '866',
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    expect(person.body.verification.status).toBe('verified');
    const dose = await api(
      SITE_STAFF,
      'POST',
      `/api/people/${person.body.id}/doses`,
      { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn: '2021-10-01', facilityId: FACILITY_ID },
      { 'Idempotency-Key': randomUUID() },
    );
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    return person.body.id;
  }

  /** The citizen files a report on the portal (through the API), as they would from their phone. */
  async function fileReport(c: Citizen, body: Record<string, unknown>): Promise<string> {
    const res = await api<{ trackingCode: string; status: string }>(null, 'POST', '/api/portal/reports', {
      fullName: c.fullName,
      dateOfBirth: c.dateOfBirth,
      gender: c.gender,
      phone: c.phone,
      idNumber: c.idNumber,
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.trackingCode).toMatch(/^PA-[0-9A-Z]{8}$/);
    return res.body.trackingCode;
  }

  /** The citizen attaches the photo of their paper confirmation. */
  async function attachPhoto(trackingCode: string, phone: string): Promise<void> {
    const form = new FormData();
    form.append('phone', phone);
    form.append('photo', new Blob([new Uint8Array(paperPhoto())], { type: 'image/png' }), 'giay-xac-nhan.png');
    const res = await fetch(`${server.baseUrl}/api/portal/reports/${trackingCode}/evidence`, {
      method: 'POST',
      body: form,
    });
    expect(res.status, await res.text()).toBe(204);
  }

  async function signedInPage(user: StaffAccount, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const opened = await openStaffPage(browser, server, user, pageErrors, viewport);
    context = opened.context;
    return opened.page;
  }

  /** The queue's row of a report (by its tracking-code link). */
  function rowOf(page: Page, trackingCode: string): Locator {
    return page.locator('tr').filter({ has: page.getByRole('link', { name: trackingCode, exact: true }) });
  }

  it('a handler works a "missing dose" report: queue → claim → add the dose → "Đã điều chỉnh"; the citizen sees it', async () => {
    const citizen = citizens[0]!;
    const personId = await vaccinatedPerson(citizen);
    const trackingCode = await fileReport(citizen, {
      category: 'missing_dose',
      description: 'Tôi đã tiêm mũi 2 ngày 29/10/2021 nhưng chưa thấy',
      dose: { administeredOn: '2021-10-29', vaccineCode: PFIZER, facilityId: FACILITY_ID },
    });
    await attachPhoto(trackingCode, citizen.phone);

    const page = await signedInPage(HANDLER);
    await page.goto(QUEUE);
    await visible(page.getByRole('heading', { level: 1, name: 'Xử lý phản ánh' }));

    // The report is in the queue with a live countdown to its 48-hour due time, ticking each second.
    const row = rowOf(page, trackingCode);
    await visible(row);
    const timer = row.getByRole('timer');
    const before = (await timer.textContent()) ?? '';
    expect(before).toMatch(/^còn 4[78]:\d{2}:\d{2}$/);
    await visible(row.getByText('Trong hạn', { exact: true }));
    await expect.poll(async () => (await timer.textContent()) ?? '', { timeout: 5_000 }).not.toBe(before);
    expect(await row.textContent()).toContain(citizen.fullName);
    expect(await row.textContent()).toContain('Thiếu mũi tiêm');
    expect(await row.textContent()).toContain('Cơ sở: Trạm Y tế Phường 1, TP Cao Lãnh');
    await saveScreenshot(page, 'reports-queue-1280');

    // "/" goes to the tracking-code filter; the list and the exports follow the filter.
    await page.locator('body').press('/');
    const codeField = page.getByLabel('Mã phản ánh', { exact: true });
    await expect.poll(() => isFocused(codeField)).toBe(true);
    await page.keyboard.type(trackingCode.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('code') === trackingCode);
    await visible(page.getByRole('status').filter({ hasText: /^1 phản ánh$/ }));
    const csv = await page.getByRole('link', { name: 'Tải CSV' }).getAttribute('href');
    expect(csv).toBe(`/api/reports/export.csv?view=all&trackingCode=${trackingCode}`);
    expect(await page.getByRole('link', { name: 'Tải Excel (XLSX)' }).getAttribute('href')).toContain(
      `trackingCode=${trackingCode}`,
    );

    // Keyboard: ↓ from the field to the report, Enter opens it.
    await codeField.press('ArrowDown');
    const link = page.getByRole('link', { name: trackingCode, exact: true });
    await expect.poll(() => isFocused(link)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.startsWith(`${QUEUE}/`));
    const heading = await visible(page.getByRole('heading', { level: 1, name: `Phản ánh ${trackingCode}` }));
    await expect.poll(() => isFocused(heading)).toBe(true);

    // The report, the person's record and the evidence photo, side by side.
    const reportPanel = page.getByRole('region', { name: 'Nội dung phản ánh' });
    const personPanel = page.getByRole('region', { name: 'Hồ sơ tiêm chủng' });
    const photoPanel = page.getByRole('region', { name: 'Ảnh minh chứng' });
    await visible(reportPanel.getByText('Hồ sơ chưa có mũi tiêm ngày 29/10/2021.'));
    await visible(personPanel.getByText('Đã xác thực', { exact: true }));
    await visible(personPanel.getByText('Mũi 1 · 01/10/2021'));
    await visible(personPanel.getByText('Đã tiêm 1 mũi'));
    const photo = photoPanel.getByRole('img', {
      name: `Ảnh giấy xác nhận tiêm chủng người dân gửi kèm phản ánh ${trackingCode}`,
    });
    await visible(photo);
    await expect.poll(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(480);
    const boxes = await Promise.all([reportPanel, personPanel, photoPanel].map((l) => l.boundingBox()));
    const [r, p, e] = boxes.map((b) => b ?? { x: 0, y: 0, width: 0, height: 0 });
    expect(Math.abs(r!.y - p!.y)).toBeLessThan(2);
    expect(Math.abs(p!.y - e!.y)).toBeLessThan(2);
    expect(r!.x).toBeLessThan(p!.x);
    expect(p!.x).toBeLessThan(e!.x);

    // Claim.
    await visible(page.getByText('Chưa có ai nhận xử lý.'));
    await page.getByRole('button', { name: 'Nhận xử lý', exact: true }).click();
    const mine = page.getByText('Bạn đang xử lý phản ánh này.');
    await visible(mine);
    await expect.poll(() => isFocused(mine)).toBe(true);
    await visible(page.getByText('Đang xử lý', { exact: true }).first());
    expect(await page.getByRole('button', { name: 'Nhận xử lý', exact: true }).count()).toBe(0);

    // The missing dose: the form is open and filled in from the report (the site's only Pfizer lot).
    const fix = page.getByRole('region', { name: 'Bổ sung mũi tiêm' });
    await visible(fix);
    expect(await fix.getByLabel('Ngày tiêm', { exact: true }).inputValue()).toBe('29/10/2021');
    expect(await fix.getByLabel('Vắc xin', { exact: true }).inputValue()).toBe(PFIZER);
    expect(await fix.getByLabel('Nơi tiêm', { exact: true }).inputValue()).toBe(FACILITY_ID);
    await expect.poll(() => fix.getByLabel('Số lô', { exact: true }).inputValue()).toBe(PFIZER_LOT);
    await saveScreenshot(page, 'reports-detail-1280');
    await fix.getByRole('button', { name: 'Thêm mũi tiêm vào hồ sơ' }).click();
    await visible(fix.getByText('Đã bổ sung mũi 2 ngày 29/10/2021 vào hồ sơ.'));
    await visible(personPanel.getByText('Mũi 2 · 29/10/2021'));
    await visible(reportPanel.getByText('Hồ sơ đã có mũi tiêm ngày 29/10/2021 (mũi 2).'));

    // The history has the dose; one click for the outcome, with a note made from what was done.
    const history = page.getByRole('region', { name: 'Lịch sử xử lý' });
    await visible(history.getByText('Bổ sung mũi tiêm', { exact: true }));
    await page.getByRole('button', { name: 'Đã điều chỉnh', exact: true }).click();
    const note = page.getByLabel('Ghi chú gửi người dân', { exact: true });
    await expect.poll(() => isFocused(note)).toBe(true);
    expect(await note.inputValue()).toBe('Đã bổ sung mũi 2 ngày 29/10/2021 vào hồ sơ tiêm chủng.');
    await note.fill('Đã bổ sung mũi 2 (Pfizer, 29/10/2021) theo giấy xác nhận của trạm y tế.');
    await page.getByRole('button', { name: 'Xác nhận đã điều chỉnh' }).click();

    // The new status is shown (and focused).
    const resolved = await visible(page.getByRole('heading', { level: 2, name: 'Đã xử lý xong' }));
    await expect.poll(() => isFocused(resolved)).toBe(true);
    const panel = page.getByRole('region', { name: 'Đã xử lý xong' });
    await visible(panel.getByText('Đã điều chỉnh', { exact: true }));
    await visible(panel.getByText('Đã bổ sung mũi 2 (Pfizer, 29/10/2021) theo giấy xác nhận của trạm y tế.'));
    await visible(panel.getByText('Đúng hạn', { exact: true }));
    await visible(personPanel.getByText('Đã tiêm đủ liều cơ bản (2 mũi)', { exact: true }));
    expect(await page.getByRole('button', { name: 'Đã điều chỉnh', exact: true }).count()).toBe(0);
    for (const step of ['Tiếp nhận phản ánh', 'Nhận xử lý', 'Bổ sung mũi tiêm', 'Kết thúc xử lý']) {
      await visible(history.getByText(step, { exact: true }));
    }
    await saveScreenshot(page, 'reports-resolved-1280');

    // The queue says so too.
    await page.getByRole('link', { name: 'Về hàng đợi phản ánh' }).click();
    await page.waitForURL((url) => url.pathname === QUEUE && url.searchParams.get('code') === trackingCode);
    const done = rowOf(page, trackingCode);
    await visible(done.getByText('Đã xử lý xong', { exact: true }));
    await visible(done.getByText('Xong trong 48 giờ', { exact: true }));

    // The citizen's side: the status page when the portal has it, and the API behind it.
    const status = await api<{ status: string; outcome: string; outcomeNote: string }>(
      null,
      'GET',
      `/api/portal/reports/${trackingCode}?phone=${citizen.phone}`,
    );
    expect(status.body).toMatchObject({ status: 'resolved', outcome: 'corrected' });
    const citizenPage = await context!.newPage();
    citizenPage.on('pageerror', (error) => pageErrors.push(error));
    await citizenPage.goto(`/phan-anh/tra-cuu?ma=${trackingCode}`);
    const title = await visible(citizenPage.getByRole('heading', { level: 1 }));
    if ((await title.textContent()) === 'Tra cứu kết quả phản ánh') {
      await citizenPage.getByLabel('Số điện thoại đã dùng khi gửi phản ánh', { exact: true }).fill(citizen.phone);
      await citizenPage.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      await visible(citizenPage.getByRole('heading', { name: `Phản ánh ${trackingCode}` }));
      await visible(citizenPage.getByText('Đã xử lý xong', { exact: true }).first());
      await visible(citizenPage.getByText('Đã điều chỉnh thông tin', { exact: true }).first());
      await visible(citizenPage.getByText('theo giấy xác nhận của trạm y tế', { exact: false }));
    }

    // The record: two doses, and a complete certificate.
    const doses = await api<{ items: Dose[] }>(HANDLER, 'GET', `/api/people/${personId}/doses`);
    expect(doses.body.items.map((d) => [d.doseNumber, d.administeredOn])).toEqual([
      [1, '2021-10-01'],
      [2, '2021-10-29'],
    ]);
    const certificate = await api<{ status: string }>(HANDLER, 'GET', `/api/people/${personId}/certificate`);
    expect(certificate.body.status).toBe('complete');
    expect(pageErrors).toEqual([]);
  });

  it('on a phone (360 px): the countdown turns amber, orange then red as the 48 hours run out; a rejection states its reason', async () => {
    const citizen = citizens[1]!;
    await vaccinatedPerson(citizen);
    const trackingCode = await fileReport(citizen, {
      category: 'wrong_personal_info',
      fullName: `${citizen.fullName} Anh`,
      description: 'Tên trên chứng nhận thiếu chữ "Anh".',
    });

    const page = await signedInPage(HANDLER, { width: 360, height: 780 });
    // The browser's clock drives the countdowns: start it now, then move it on.
    await page.clock.install({ time: Date.now() });
    await page.goto(`${QUEUE}?code=${trackingCode}`);
    const row = rowOf(page, trackingCode);
    await visible(row);
    const countdown = row.locator('[data-urgency]');
    expect(await countdown.getAttribute('data-urgency')).toBe('ok');
    await visible(row.getByText('Trong hạn', { exact: true }));
    await saveScreenshot(page, 'reports-queue-360');

    await page.clock.fastForward(30 * HOUR);
    await expect.poll(() => countdown.getAttribute('data-urgency')).toBe('soon');
    await visible(row.getByText('Còn dưới 24 giờ', { exact: true }));
    await page.clock.fastForward(12 * HOUR);
    await expect.poll(() => countdown.getAttribute('data-urgency')).toBe('urgent');
    await visible(row.getByText('Còn dưới 8 giờ', { exact: true }));
    await page.clock.fastForward(7 * HOUR);
    await expect.poll(() => countdown.getAttribute('data-urgency')).toBe('overdue');
    await visible(row.getByText('Quá hạn 48 giờ', { exact: true }));
    expect(await row.getByRole('timer').textContent()).toMatch(/^quá 0[01]:\d{2}:\d{2}$/);
    // Colour repeats the text: red for overdue.
    expect(await countdown.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(179, 38, 30)');

    // The other view of the scope: the address and the exports follow it.
    await page.getByRole('radio', { name: 'Hàng đợi của đơn vị tôi' }).check();
    await page.waitForURL((url) => url.searchParams.get('view') === 'queue');
    // The link follows the view once the page has rendered it (the address may change first).
    await expect.poll(() => page.getByRole('link', { name: 'Tải CSV' }).getAttribute('href')).toContain('view=queue');
    await page.getByRole('radio', { name: 'Tất cả trong phạm vi' }).check();
    await page.waitForURL((url) => !url.searchParams.has('view'));

    await page.getByRole('link', { name: trackingCode, exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: `Phản ánh ${trackingCode}` }));
    // Stacked on a phone: the report above the record.
    const reportPanel = page.getByRole('region', { name: 'Nội dung phản ánh' });
    const personPanel = page.getByRole('region', { name: 'Hồ sơ tiêm chủng' });
    const [r, p] = await Promise.all([reportPanel.boundingBox(), personPanel.boundingBox()]);
    expect(r!.y + r!.height).toBeLessThanOrEqual(p!.y);
    // The reported name differs from the record's: said next to it.
    await visible(reportPanel.getByText('khác hồ sơ', { exact: true }));
    // A report about personal details opens the personal-details correction.
    await visible(page.getByRole('region', { name: 'Sửa thông tin cá nhân' }));
    await saveScreenshot(page, 'reports-detail-360');

    // "Từ chối": a reason from the four stated ones and a note are required.
    await page.getByRole('button', { name: 'Từ chối', exact: true }).click();
    await page.getByRole('button', { name: 'Xác nhận từ chối' }).click();
    await visible(page.getByText('Vui lòng chọn lý do từ chối.'));
    await visible(page.getByText('Vui lòng nhập ghi chú gửi người dân.'));
    await page.getByRole('radio', { name: 'Họ tên, ngày sinh hoặc loại vắc xin không khớp' }).check();
    await page
      .getByLabel('Ghi chú gửi người dân', { exact: true })
      .fill('Họ tên trên CCCD không có chữ "Anh"; vui lòng gửi ảnh CCCD nếu cần sửa.');
    await page.getByRole('button', { name: 'Xác nhận từ chối' }).click();
    const panel = page.getByRole('region', { name: 'Đã xử lý xong' });
    await visible(panel.getByText('Từ chối', { exact: true }));
    await visible(panel.getByText('Họ tên, ngày sinh hoặc loại vắc xin không khớp', { exact: true }));
    await saveScreenshot(page, 'reports-rejected-360');

    const status = await api<{ status: string; outcome: string; outcomeReason: string }>(
      null,
      'GET',
      `/api/portal/reports/${trackingCode}?phone=${citizen.phone}`,
    );
    expect(status.body).toMatchObject({ status: 'resolved', outcome: 'rejected', outcomeReason: 'details_mismatch' });
    expect(pageErrors).toEqual([]);
  });

  it('a province administrator opens a campaign and follows it per unit, with the projected misses', async () => {
    const page = await signedInPage(PROVINCE_ADMIN);
    await page.goto(`${QUEUE}/chien-dich`);
    await visible(page.getByRole('heading', { level: 1, name: 'Chiến dịch xử lý phản ánh' }));
    await page.getByRole('button', { name: 'Tạo chiến dịch', exact: true }).click();
    const name = page.getByLabel('Tên chiến dịch', { exact: true });
    await expect.poll(() => isFocused(name)).toBe(true);
    await name.fill('Rà soát phản ánh tháng 11');
    // `datetime-local` values in the browser's time zone.
    const local = (ms: number) => {
      const d = new Date(ms);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    };
    await page.getByLabel('Nhận phản ánh từ', { exact: true }).fill(local(Date.now() - 24 * HOUR));
    await page.getByLabel('Đến', { exact: true }).fill(local(Date.now() + 24 * HOUR));
    // A deadline before the end of the receipt period is refused in the browser.
    await page.getByLabel('Hạn xử lý xong', { exact: true }).fill(local(Date.now()));
    await page.getByRole('button', { name: 'Tạo chiến dịch', exact: true }).click();
    await visible(page.getByText('Hạn xử lý không được trước thời điểm kết thúc nhận.'));
    await page.getByLabel('Hạn xử lý xong', { exact: true }).fill(local(Date.now() + 72 * HOUR));
    await page.getByRole('button', { name: 'Tạo chiến dịch', exact: true }).click();

    await page.waitForURL((url) => url.pathname.startsWith(`${QUEUE}/chien-dich/`));
    const progress = page.getByRole('region', { name: 'Rà soát phản ánh tháng 11' });
    await visible(progress);
    // The figures are the server's (the reports of the tests above were received in the window).
    const campaignId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    const { body } = await api<{ total: Record<string, number> }>(
      PROVINCE_ADMIN,
      'GET',
      `/api/campaigns/${campaignId}`,
    );
    expect(body.total.received).toBeGreaterThanOrEqual(1);
    const stat = (label: string) => progress.locator('.stat').filter({ hasText: label }).locator('dd');
    await expect.poll(() => stat('Đã nhận').textContent()).toBe(String(body.total.received));
    expect(await stat('Đã xử lý').textContent()).toBe(String(body.total.resolved));
    expect(await stat('Đang mở').textContent()).toBe(String(body.total.open));
    expect(await stat('Quá hạn 48 giờ').textContent()).toBe(String(body.total.overdue));
    expect(await stat('Dự kiến trễ hạn').textContent()).toBe(String(body.total.willMissDeadline));
    const table = progress.getByRole('table', { name: 'Tiến độ theo đơn vị' });
    await visible(table.getByRole('rowheader', { name: 'Thành phố Cao Lãnh' }));
    await visible(table.getByRole('columnheader', { name: 'Dự kiến trễ hạn' }));
    await visible(page.getByRole('link', { name: /Rà soát phản ánh tháng 11/ }));
    await saveScreenshot(page, 'reports-campaign-1280');
    expect(pageErrors).toEqual([]);
  });
});
