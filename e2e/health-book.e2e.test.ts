import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type TrustList, verifyHcert } from '@tiemchung/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  apiToken,
  assertWebBuilt,
  axeViolations,
  callApi,
  demoUser,
  FACILITY_ID,
  launchBrowser,
  PFIZER,
  PFIZER_LOT,
  REPO_ROOT,
  SITE_STAFF,
  saveScreenshot,
  signInThroughPage,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
  visible,
  vnDate,
} from './helpers';

/**
 * The e-health book (Sổ sức khỏe điện tử, /so-suc-khoe, issue 17) against the real built server
 * and web app: sign-in with the OTP from the SMS outbox, the household of the phone, a member added
 * with their own OTP, the certificates and their signed QR kept on the device and shown offline
 * (the very string the server issued), the check-in QR read by the session board's check-in box
 * (and refused expired or altered), a report filed from a dose reaching the handler's queue, a
 * correction reissuing the certificate and the book marking the old one replaced; installability
 * (manifest, icons, service worker), no console errors, the JavaScript budget, axe and 320 px.
 *
 * The tests of this file run in order and share the household they build.
 */

/** The demo report handler of Đồng Tháp. */
const REPORT_HANDLER = demoUser('dongthap.phananh');
/**
 * The server's master key (TIEMCHUNG_MASTER_KEY), known here only to sign a check-in token that
 * has already expired: the server has no clock a browser test can move, and a token lasts 15
 * minutes. The token is made as the server makes them (TCSK:<id>.<expiry, base 36>.<HMAC>) with
 * its secret (HMAC of the master key), so that its signature holds and only its expiry is wrong.
 */
const MASTER_KEY = randomBytes(32).toString('hex');
const BOOK_STORAGE_KEY = 'tiemchung.healthBook';
const CHECK_IN_BOX = 'Tìm người đến tiêm: số CCCD/CMND, số điện thoại hoặc họ tên';

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/** `YYYY-MM-DD` → `dd/MM/yyyy`, as typed in the forms. */
function typed(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** An expired check-in token, signed with the server's secret. */
function expiredCheckInToken(): string {
  const secret = createHmac('sha256', Buffer.from(MASTER_KEY, 'hex')).update('tiemchung:portal').digest();
  const body = `${randomBytes(12).toString('base64url')}.${(Date.now() - 60_000).toString(36)}`;
  const mac = createHmac('sha256', secret).update(`checkin:${body}`).digest('base64url').slice(0, 22);
  return `TCSK:${body}.${mac}`;
}

/** The same token with one character of its signature changed. */
function altered(token: string): string {
  const i = token.length - 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

interface StoredBook {
  household: {
    syncedAt: string;
    members: { personId: string; certificate: { qr: string | null; ci: string | null } }[];
  };
  replaced: Record<string, { certificate: { ci: string | null }; replacedByCi: string | null }[]>;
}

describe('the e-health book — /so-suc-khoe (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let book: { context: BrowserContext; page: Page };
  const tokens: Record<string, string> = {};
  const pageErrors: Error[] = [];
  const consoleErrors: string[] = [];
  /** Every script the book's page fetched (its path under /assets). */
  const scripts = new Set<string>();
  // Adults the population-registry simulator knows, in Đồng Tháp; A and B share A's phone.
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2000-01-01' && c.dateOfBirth > '1960-01-01',
  );
  const a: Citizen = citizens[20]!;
  const b: Citizen = { ...citizens[21]!, phone: a.phone };
  const c: Citizen = citizens[22]!;
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  let doseIdsOfA: string[] = [];

  async function api<T>(
    as: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return callApi<T>(server, tokens[as]!, method, path, body, headers);
  }

  /** The messages of a kind sent to a phone, newest first, from the demo SMS outbox. */
  async function outbox(phone: string, kind: string): Promise<{ key: string; text: string }[]> {
    const res = await api<{ items: { text: string; kind: string; createdAt: string }[] }>(
      'admin',
      'GET',
      `/api/admin/sms-outbox?to=${phone}`,
    );
    expect(res.status).toBe(200);
    return res.body.items
      .filter((m) => m.kind === kind)
      .map((m) => ({ key: `${m.createdAt} ${m.text}`, text: m.text }));
  }

  /** The newest OTP (6 digits) of this kind sent to the phone, but none of the messages `seen`. */
  async function otpFor(phone: string, kind: string, seen = new Set<string>()): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const messages = await outbox(phone, kind);
      const message = messages.find((m) => !seen.has(m.key));
      const otp = message && /\b(\d{6})\b/.exec(message.text)?.[1];
      if (otp) return otp;
      if (Date.now() > deadline) throw new Error(`no new ${kind} SMS to ${phone}: ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Registers the person (as the national administrator) with two Pfizer doses at Cao Lãnh. */
  async function vaccinated(who: Citizen): Promise<{ id: string; doseIds: string[] }> {
    const created = await api<{ id: string }>('admin', 'POST', '/api/people', {
      ...personBodyOf(who),
      districtCode: '866',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const doseIds: string[] = [];
    for (const administeredOn of ['2021-10-01', '2021-10-29']) {
      const dose = await api<{ id: string }>(
        'staff',
        'POST',
        `/api/people/${created.body.id}/doses`,
        { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
        { 'Idempotency-Key': `e2e-book-${who.idNumber}-${administeredOn}` },
      );
      expect(dose.status, JSON.stringify(dose.body)).toBe(201);
      doseIds.push(dose.body.id);
    }
    return { id: created.body.id, doseIds };
  }

  /** The certificate as the site staff see it (`GET /api/people/{id}/certificate`). */
  async function staffCertificate(personId: string) {
    const res = await api<{ qr: string | null; ci: string | null }>(
      'staff',
      'GET',
      `/api/people/${personId}/certificate`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  const stored = async (): Promise<StoredBook> =>
    JSON.parse((await book.page.evaluate((key) => localStorage.getItem(key), BOOK_STORAGE_KEY)) ?? 'null');

  async function noHorizontalScrollAt320(page: Page, name: string): Promise<void> {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 720 });
    await saveScreenshot(page, `health-book-${name}-320`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 320 px`).toBeLessThanOrEqual(
      320,
    );
    if (size) await page.setViewportSize(size);
  }

  async function noAxeViolations(page: Page, name: string): Promise<void> {
    expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  }

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer({ env: { TIEMCHUNG_MASTER_KEY: MASTER_KEY } });
    browser = await launchBrowser();
    tokens.staff = await apiToken(server, SITE_STAFF.username, SITE_STAFF.password);
    tokens.handler = await apiToken(server, REPORT_HANDLER.username, REPORT_HANDLER.password);
    tokens.admin = await apiToken(server, TEST_ADMIN_USERNAME, TEST_ADMIN_PASSWORD);
    const [pa, pb, pc] = [await vaccinated(a), await vaccinated(b), await vaccinated(c)];
    ids.a = pa.id;
    ids.b = pb.id;
    ids.c = pc.id;
    doseIdsOfA = pa.doseIds;
    // The book on a phone: axe is injected as a script (the app's CSP stays as it is otherwise).
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      baseURL: server.baseUrl,
      locale: 'vi-VN',
      bypassCSP: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} @ ${page.url()}`);
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/assets/') && url.pathname.endsWith('.js')) scripts.add(url.pathname.slice(1));
    });
    book = { context, page };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is installable: its page links its own manifest (name, start, scope, PNG icons 192 and 512) and the iOS tags', async () => {
    const html = await (await fetch(`${server.baseUrl}/so-suc-khoe`)).text();
    expect(html).toContain('<link rel="manifest" href="/so-suc-khoe.webmanifest">');
    expect(html).toContain('<link rel="apple-touch-icon" href="/icons/so-suc-khoe-apple-touch-180.png">');
    expect(html).toContain('<meta name="apple-mobile-web-app-capable" content="yes">');
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}"/);
    expect(html).toContain('<title>Sổ sức khỏe điện tử');

    const response = await fetch(`${server.baseUrl}/so-suc-khoe.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/(manifest\+)?json/);
    const manifest = (await response.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'Sổ sức khỏe điện tử',
      start_url: '/so-suc-khoe',
      scope: '/so-suc-khoe',
      display: 'standalone',
    });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    const icons = [
      ...manifest.icons,
      { src: '/icons/so-suc-khoe-apple-touch-180.png', sizes: '180x180', type: 'image/png' },
    ];
    for (const size of ['192x192', '512x512']) {
      expect(
        manifest.icons.some((i) => i.sizes === size && i.type === 'image/png' && (i.purpose ?? 'any').includes('any')),
      ).toBe(true);
    }
    for (const icon of icons) {
      const res = await fetch(`${server.baseUrl}${icon.src}`);
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      // The PNG signature, then IHDR's width and height.
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }
  });

  it('signs in with the OTP from the SMS outbox and shows the two people whose records carry the phone', async () => {
    const { page } = book;
    await page.goto('/so-suc-khoe');
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe điện tử' }));
    // The service worker of the app (scope /) installs on this first visit.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await noAxeViolations(page, 'sign-in');
    await noHorizontalScrollAt320(page, 'sign-in');
    await saveScreenshot(page, 'health-book-sign-in-360');

    // A wrong phone first: checked on the phone, the field says why.
    await page.getByLabel('Số điện thoại', { exact: true }).fill('0212345678');
    await page.getByRole('button', { name: 'Nhận mã OTP' }).click();
    await visible(page.getByText('Đây là số điện thoại cố định', { exact: false }));

    await page.getByLabel('Số điện thoại', { exact: true }).fill(a.phone);
    await page.getByRole('button', { name: 'Nhận mã OTP' }).click();
    const otpField = await visible(page.getByLabel('Mã OTP', { exact: true }));
    await expect.poll(() => otpField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Tên thiết bị', { exact: true }).inputValue()).toMatch(/Chrome/);
    await noAxeViolations(page, 'sign-in OTP');
    await otpField.fill(await otpFor(a.phone, 'health_book_otp'));
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
    for (const who of [a, b]) await visible(page.getByRole('link', { name: who.fullName, exact: true }));
    await visible(page.getByText('Cập nhật lúc', { exact: false }));
    expect(await page.getByRole('link', { name: c.fullName, exact: true }).count()).toBe(0);
    const items = page.locator('.book-member');
    expect(await items.count()).toBe(2);
    // Each with their status colour (and its words) and their next dose.
    await expect.poll(() => items.first().locator('.book-status--green').count()).toBe(1);
    await visible(items.first().getByText('Mũi tiếp theo:', { exact: false }));
    await noAxeViolations(page, 'household');
    await noHorizontalScrollAt320(page, 'household');
    await saveScreenshot(page, 'health-book-household-360');
  });

  it('adds a third person by ID number and date of birth, with the OTP sent to that person’s own phone', async () => {
    const { page } = book;
    await page.getByRole('link', { name: 'Thêm người vào sổ' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Thêm người vào sổ' }));
    await noAxeViolations(page, 'add member');
    await noHorizontalScrollAt320(page, 'add-member');
    await page.getByLabel('Số CCCD/CMND hoặc mã định danh cá nhân', { exact: true }).fill(c.idNumber);
    await page.getByLabel('Ngày sinh', { exact: true }).fill(typed(c.dateOfBirth));
    await page.getByRole('button', { name: 'Gửi mã OTP' }).click();
    const otpField = await visible(page.getByLabel('Mã OTP', { exact: true }));
    // The code went to C's phone, not to the household's.
    await otpField.fill(await otpFor(c.phone, 'health_book_member_otp'));
    await page.getByRole('button', { name: 'Thêm vào sổ' }).click();
    await visible(page.getByRole('heading', { level: 1, name: c.fullName }));
    await page.getByRole('link', { name: '← Cả gia đình' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
    await expect.poll(() => page.locator('.book-member').count()).toBe(3);
    await visible(page.getByRole('link', { name: c.fullName, exact: true }));
  });

  it('shows a certificate with its signed QR large, the doses, the next dose and the PDFs', async () => {
    const { page, context } = book;
    await page.getByRole('link', { name: a.fullName, exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: a.fullName }));
    const qr = await visible(page.getByRole('img', { name: `Mã QR chứng nhận tiêm chủng của ${a.fullName}` }));
    await expect.poll(() => qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(280);
    await visible(page.getByText('Tăng độ sáng màn hình', { exact: false }));
    await visible(page.getByText('29/10/2021', { exact: true }));
    await visible(page.getByRole('heading', { name: 'Mũi tiêm tiếp theo' }));
    await visible(page.getByText('Mũi nhắc lại thứ nhất từ ngày', { exact: false }));

    // The reminder switch (a booster is due): on, and the date it will be sent.
    const reminder = page.getByRole('switch', { name: 'Nhắc tôi qua tin nhắn SMS vào ngày đến hạn' });
    expect(await reminder.isChecked()).toBe(false);
    await reminder.check();
    await visible(page.getByText('Sẽ nhắn tin nhắc vào ngày', { exact: false }));
    expect(await reminder.isChecked()).toBe(true);

    const pdf = page.getByRole('link', { name: 'Tải PDF (khổ A4)' });
    const href = await pdf.getAttribute('href');
    expect(href).toBe(`/api/health-book/members/${ids.a}/certificate.pdf?layout=a4`);
    // With the device's cookie (the page's context), the PDF comes.
    const res = await context.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    const card = await context.request.get(`/api/health-book/members/${ids.a}/certificate.pdf?layout=card`);
    expect(card.status()).toBe(200);

    await noAxeViolations(page, 'member');
    await noHorizontalScrollAt320(page, 'member');
    await saveScreenshot(page, 'health-book-member-360');

    // Kept on the device: the HC1 text the server issued, byte for byte, which verifies with the trust list.
    const book1 = await stored();
    const mine = book1.household.members.find((m) => m.personId === ids.a)!;
    const issued = await staffCertificate(ids.a);
    expect(mine.certificate.qr).toMatch(/^HC1:/);
    expect(mine.certificate.qr).toBe(issued.qr);
    const trust = await callApi<TrustList>(server, null, 'GET', '/api/certificates/trust-list');
    const verified = await verifyHcert(mine.certificate.qr!, trust.body);
    expect(verified.result, JSON.stringify(verified)).toBe('valid');
  });

  it('after one online visit, works offline: a reload shows the certificates and their QR from the device', async () => {
    const { page, context } = book;
    // The reload shows the stored book at once and brings it up to date behind: wait for that sync
    // to be stored before going offline (a CI run read the book between the two, then the sync's).
    const synced = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/health-book/household' && r.ok());
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: a.fullName }));
    const fresh = (await (await synced).json()) as { syncedAt: string };
    await expect.poll(async () => (await stored())?.household?.syncedAt).toBe(fresh.syncedAt);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const before = await stored();

    await context.setOffline(true);
    await page.goto('/so-suc-khoe');
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
    await visible(page.getByText(/Đang ngoại tuyến — cập nhật lúc \d\d:\d\d \d\d\/\d\d\/\d{4}/));
    await expect.poll(() => page.locator('.book-member').count()).toBe(3);
    await saveScreenshot(page, 'health-book-offline-household-360');
    await page.getByRole('link', { name: b.fullName, exact: true }).click();
    await visible(page.getByRole('img', { name: `Mã QR chứng nhận tiêm chủng của ${b.fullName}` }).locator('path'));
    await visible(page.getByText('Cần có mạng để tải bản PDF', { exact: false }));
    // A reload on a member's page too (the app's shell from the cache).
    await page.reload();
    const qr = await visible(page.getByRole('img', { name: `Mã QR chứng nhận tiêm chủng của ${b.fullName}` }));
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d/);
    await visible(page.getByText('Đang ngoại tuyến', { exact: false }));
    await saveScreenshot(page, 'health-book-offline-member-360');
    await noAxeViolations(page, 'member offline');
    // Nothing was fetched again: the stored book is the same, its QR texts those the server issued.
    const after = await stored();
    expect(after).toEqual(before);
    for (const [key, id] of Object.entries(ids)) {
      const member = after.household.members.find((m) => m.personId === id);
      expect(member?.certificate.qr, key).toBe((await staffCertificate(id)).qr);
    }
    await context.setOffline(false);
  });

  it('makes a check-in QR the session board’s check-in box takes; an expired or altered one is refused', async () => {
    const { page } = book;
    await page.goto(`/so-suc-khoe/nguoi/${ids.a}`);
    await visible(page.getByRole('heading', { level: 1, name: a.fullName }));
    const answer = page.waitForResponse((r) => r.url().endsWith(`/members/${ids.a}/check-in-token`));
    await page.getByRole('button', { name: 'Tạo mã QR làm thủ tục' }).click();
    const token = ((await (await answer).json()) as { qr: string; expiresAt: string }).qr;
    expect(token).toMatch(/^TCSK:/);
    await visible(page.getByRole('img', { name: `Mã QR làm thủ tục của ${a.fullName}` }));
    await visible(page.getByRole('timer').filter({ hasText: /^1[45]:\d\d$/ }));
    // No personal data in it.
    for (const part of [a.idNumber, a.phone, a.fullName, a.dateOfBirth]) expect(token).not.toContain(part);
    await saveScreenshot(page, 'health-book-check-in-qr-360');

    const session = await api<{ id: string }>('staff', 'POST', '/api/sessions', {
      facilityId: FACILITY_ID,
      sessionDate: vnDate(),
      name: 'Buổi sáng',
      lotNumbers: [PFIZER_LOT],
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const desk = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
    try {
      const board = await desk.newPage();
      board.on('pageerror', (error) => pageErrors.push(error));
      await signInThroughPage(board, SITE_STAFF.username);
      await board.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
      const box = await visible(board.getByLabel(CHECK_IN_BOX));

      // Typed (or scanned by a handheld scanner) into the box, then Enter.
      await box.fill(expiredCheckInToken());
      await box.press('Enter');
      await visible(board.getByText('Không tiếp nhận được theo mã QR làm thủ tục'));
      await visible(board.getByText('Mã QR làm thủ tục đã hết hạn (mã chỉ dùng được 15 phút)', { exact: false }));
      await saveScreenshot(board, 'health-book-board-expired-1280', false);

      await box.fill(altered(token));
      await box.press('Enter');
      await visible(board.getByText('Mã QR làm thủ tục không hợp lệ: mã đã bị sửa', { exact: false }));
      await saveScreenshot(board, 'health-book-board-altered-1280', false);

      await box.fill(token);
      await box.press('Enter');
      await visible(
        board
          .locator('.check-in__notice')
          .getByText('Đã tiếp nhận theo mã QR làm thủ tục của Sổ sức khỏe điện tử — số thứ tự 1'),
      );
      await visible(board.getByText(a.fullName).first());
      const visits = await api<{ visits: { personId: string; checkInMethod: string }[] }>(
        'staff',
        'GET',
        `/api/sessions/${session.body.id}`,
      );
      expect(visits.body.visits).toEqual([expect.objectContaining({ personId: ids.a })]);
    } finally {
      await desk.close();
    }
  });

  it('files a report from a dose, pre-filled; it reaches the handler’s queue and the book lists it with its due time', async () => {
    const { page } = book;
    await page.goto(`/so-suc-khoe/nguoi/${ids.a}`);
    await page.getByRole('link', { name: 'Báo sai thông tin mũi 2' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Báo sai thông tin' }));
    // Pre-filled: who, and the dose.
    await visible(page.getByText('Mũi 2, ngày 29/10/2021', { exact: false }));
    expect(
      await page
        .getByRole('radio', { name: 'Thông tin mũi tiêm chưa đúng (ngày tiêm, vắc xin, nơi tiêm)' })
        .isChecked(),
    ).toBe(true);
    await noAxeViolations(page, 'report');
    await noHorizontalScrollAt320(page, 'report');
    // Nothing described: said under the field.
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    await visible(page.getByText('Vui lòng mô tả điều chưa đúng.'));
    await page
      .getByLabel('Mô tả điều chưa đúng', { exact: true })
      .fill('Mũi 2 tiêm ngày 30/10/2021, không phải 29/10/2021.');
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh' }));
    const trackingCode = (await page.locator('.book-tracking').textContent())!.trim();
    expect(trackingCode).toMatch(/^PA-/);
    await visible(page.getByText('Hạn trả lời'));
    await saveScreenshot(page, 'health-book-report-done-360');

    const queue = await api<{
      items: { id: string; trackingCode: string; personId: string | null; category: string }[];
    }>('handler', 'GET', `/api/reports?trackingCode=${trackingCode}`);
    expect(queue.status).toBe(200);
    expect(queue.body.items).toEqual([
      expect.objectContaining({ trackingCode, personId: ids.a, category: 'wrong_dose' }),
    ]);

    await page.getByRole('link', { name: 'Xem các phản ánh của gia đình' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Phản ánh của gia đình' }));
    const item = page.locator('.book-report').filter({ hasText: trackingCode });
    await visible(item.getByText('Đã tiếp nhận'));
    await visible(item.getByText('Hạn trả lời'));
    await noAxeViolations(page, 'reports');
    await noHorizontalScrollAt320(page, 'reports');

    // The handler corrects the dose: the certificate is reissued.
    const reportId = queue.body.items[0]!.id;
    const before = await staffCertificate(ids.a);
    const corrected = await api('handler', 'POST', `/api/reports/${reportId}/actions/correct-dose`, {
      doseId: doseIdsOfA[1],
      administeredOn: '2021-10-30',
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const reissued = await staffCertificate(ids.a);
    expect(reissued.ci).not.toBe(before.ci);

    // The book's next sync brings the new certificate and marks the old one replaced.
    await page.goto(`/so-suc-khoe/nguoi/${ids.a}`);
    await visible(page.getByRole('heading', { level: 1, name: a.fullName }));
    await visible(page.getByText('30/10/2021', { exact: true }));
    await visible(page.getByRole('heading', { name: 'Chứng nhận cũ đã được thay thế' }));
    await visible(page.getByText(`Đã được thay thế bởi chứng nhận mới ${reissued.ci} lúc`, { exact: false }));
    await visible(page.getByText(`chứng nhận cũ ${before.ci} đã được thay thế`, { exact: false }));
    const after = await stored();
    expect(after.household.members.find((m) => m.personId === ids.a)?.certificate.qr).toBe(reissued.qr);
    expect(after.replaced[ids.a]).toEqual([
      expect.objectContaining({ certificate: expect.objectContaining({ ci: before.ci }), replacedByCi: reissued.ci }),
    ]);
    await noAxeViolations(page, 'member with a replaced certificate');
    await noHorizontalScrollAt320(page, 'replaced');
    await saveScreenshot(page, 'health-book-replaced-360');
  });

  it('lists the devices signed in, revokes another one, removes a member, and switches to English', async () => {
    const { page } = book;
    // A second device of the household, signed in through the API.
    const seen = new Set((await outbox(a.phone, 'health_book_otp')).map((m) => m.key));
    const started = await callApi<{ signInId: string }>(server, null, 'POST', '/api/health-book/sign-in', {
      phone: a.phone,
    });
    expect(started.status).toBe(202);
    const verified = await fetch(`${server.baseUrl}/api/health-book/sign-in/${started.body.signInId}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ otp: await otpFor(a.phone, 'health_book_otp', seen), deviceName: 'Máy tính bảng của bố' }),
    });
    expect(verified.status).toBe(200);
    const otherCookie = /tc_book=[^;]+/.exec(verified.headers.get('set-cookie') ?? '')![0];

    await page.goto('/so-suc-khoe/thiet-bi');
    await visible(page.getByRole('heading', { level: 1, name: 'Thiết bị đã đăng nhập' }));
    await visible(page.getByText('Thiết bị này', { exact: true }));
    await page.getByRole('button', { name: 'Thu hồi Máy tính bảng của bố' }).click();
    await visible(page.getByText('Đã thu hồi thiết bị "Máy tính bảng của bố".'));
    const revoked = await fetch(`${server.baseUrl}/api/health-book/household`, { headers: { cookie: otherCookie } });
    expect(revoked.status).toBe(401);
    await noAxeViolations(page, 'devices');
    await noHorizontalScrollAt320(page, 'devices');

    // Removing C from the book.
    await page.goto(`/so-suc-khoe/nguoi/${ids.c}`);
    await page.getByRole('button', { name: 'Xoá khỏi sổ' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: `Xoá ${c.fullName} khỏi sổ?` }));
    await dialog.getByRole('button', { name: 'Xoá khỏi sổ' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
    await expect.poll(() => page.locator('.book-member').count()).toBe(2);
    expect((await stored()).household.members.map((m) => m.personId).sort()).toEqual([ids.a, ids.b].sort());

    // English.
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('heading', { level: 1, name: "Household's health book" }));
    await visible(page.getByRole('link', { name: 'Add someone to the book' }));
    await noAxeViolations(page, 'household in English');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sổ sức khỏe của gia đình' }));
  });

  it('signs out: the book is forgotten on the device', async () => {
    const { page } = book;
    await page.goto('/so-suc-khoe/thiet-bi');
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Đăng nhập bằng số điện thoại' }));
    expect(await page.evaluate((key) => localStorage.getItem(key), BOOK_STORAGE_KEY)).toBeNull();
  });

  it('raised no console error, and its JavaScript stays within the checked budget', async () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    const budget = JSON.parse(
      execFileSync(process.execPath, [join(REPO_ROOT, 'apps/web/scripts/check-health-book-budget.mjs'), '--json'], {
        encoding: 'utf8',
      }),
    ) as { ok: boolean; budgetKb: number; totalKb: number; chunks: { name: string }[] };
    expect(budget.ok, JSON.stringify(budget)).toBe(true);
    // What the browser fetched for the book (the English strings aside) is what the check counts.
    const counted = new Set(budget.chunks.map((ch) => ch.name));
    const dist = join(REPO_ROOT, 'apps/web/dist');
    const english = [...scripts].filter((s) => /\/en-[\w-]+\.js$/.test(s));
    const fetched = [...scripts].filter((s) => !english.includes(s));
    expect(fetched.filter((s) => !counted.has(s))).toEqual([]);
    const fetchedKb = fetched.reduce((sum, s) => sum + gzipSync(readFileSync(join(dist, s))).length, 0) / 1024;
    expect(fetchedKb).toBeLessThanOrEqual(budget.budgetKb);
  });
});
