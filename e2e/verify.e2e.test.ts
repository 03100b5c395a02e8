import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  base45Encode,
  buildVaccinationPayload,
  encodeCoseSign1,
  encodeCwtClaims,
  encodeHcertSync,
  encodeProtectedHeader,
  sigStructure,
  zlibDeflateSync,
} from '@tiemchung/core';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../apps/server/src/modules/certificates/x509.ts';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf, reportBodyAbout } from '../apps/server/src/test/factories.ts';
import {
  assertWebBuilt,
  FACILITY_ID,
  launchBrowser,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  startServer,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  type TestServer,
} from './helpers';

const PASTE_LABEL = 'Nội dung mã QR';
/** Set to a directory to save screenshots of the screens (360 px and 1280 px wide). */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR;
/** Base45's alphabet (the characters of an HC1 string after the prefix). */
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/**
 * A video for Chromium's fake camera (`--use-file-for-fake-video-capture`): the grey picture
 * (`pdftoppm -gray`, binary PGM) centred on a white 640×480 frame, in YUV4MPEG2 (4:2:0).
 */
async function cameraVideoOf(pgm: Buffer): Promise<{ file: string; remove(): Promise<void> }> {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('not a binary 8-bit PGM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  const [W, H] = [640, 480];
  if (width > W || height > H) throw new Error(`picture ${width}×${height} larger than the frame`);
  const luma = Buffer.alloc(W * H, 255);
  const [left, top] = [Math.floor((W - width) / 2), Math.floor((H - height) / 2)];
  for (let y = 0; y < height; y++) {
    pixels.copy(luma, (top + y) * W + left, y * width, (y + 1) * width);
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const dir = await mkdtemp(join(tmpdir(), 'tiemchung-e2e-camera-'));
  const file = join(dir, 'camera.y4m');
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

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

  async function recordDose(personId: string, administeredOn: string): Promise<string> {
    const dose = await api<{ id: string }>(
      'POST',
      `/api/people/${personId}/doses`,
      { vaccineCode: PFIZER, lotNumber: PFIZER_LOT, administeredOn, facilityId: FACILITY_ID },
      { 'Idempotency-Key': `e2e-verify-${personId}-${administeredOn}` },
    );
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    return dose.body.id;
  }

  /**
   * A person (registered by the national administrator) with two Pfizer doses recorded by the
   * site staff, and the QR text of their certificate as the staff see it.
   */
  async function vaccinated(c: Citizen): Promise<{ id: string; qr: string; ci: string; doseIds: string[] }> {
    const created = await api<{ id: string }>(
      'POST',
      '/api/people',
      { ...personBodyOf(c), districtCode: '866' },
      {},
      'admin',
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const doseIds = [await recordDose(created.body.id, '2021-10-01'), await recordDose(created.body.id, '2021-10-29')];
    const certificate = await api<{ qr: string | null; ci: string | null }>(
      'GET',
      `/api/people/${created.body.id}/certificate`,
    );
    expect(certificate.status).toBe(200);
    expect(certificate.body.qr).toMatch(/^HC1:/);
    return { id: created.body.id, qr: certificate.body.qr!, ci: certificate.body.ci!, doseIds };
  }

  /**
   * A citizen's report that a dose's date is wrong, handled by the national administrator: the
   * dose is corrected, so the certificate is reissued and the one before it is superseded.
   */
  async function correctDoseDate(c: Citizen, personId: string, doseId: string, administeredOn: string) {
    const filed = await api<{ trackingCode: string }>('POST', '/api/portal/reports', {
      ...reportBodyAbout(personBodyOf(c), { category: 'wrong_dose', description: 'Ngày tiêm mũi 2 bị ghi sai' }),
      provinceCode: '87',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const found = await api<{ items: { id: string }[] }>(
      'GET',
      `/api/reports?trackingCode=${filed.body.trackingCode}`,
      undefined,
      {},
      'admin',
    );
    const reportId = found.body.items[0]!.id;
    const linked = await api('POST', `/api/reports/${reportId}/person`, { personId }, {}, 'admin');
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    const corrected = await api(
      'POST',
      `/api/reports/${reportId}/actions/correct-dose`,
      { doseId, administeredOn },
      {},
      'admin',
    );
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
  }

  /** The certificate PDF (`a4` or `card`) as the site staff print it, rendered to a picture by poppler. */
  async function renderedCertificate(personId: string, layout: 'a4' | 'card', dpi: number, gray = false) {
    const response = await fetch(`${server.baseUrl}/api/people/${personId}/certificate.pdf?layout=${layout}`, {
      headers: { Authorization: `Bearer ${tokens.staff}` },
    });
    expect(response.status).toBe(200);
    const dir = await mkdtemp(join(tmpdir(), 'tiemchung-e2e-pdf-'));
    try {
      await writeFile(join(dir, 'c.pdf'), Buffer.from(await response.arrayBuffer()));
      execFileSync('pdftoppm', ['-r', String(dpi), '-singlefile', gray ? '-gray' : '-png', 'c.pdf', 'page'], {
        cwd: dir,
      });
      return await readFile(join(dir, gray ? 'page.pgm' : 'page.png'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
    const { qr } = await vaccinated(c);

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
    // The heading is in the pre-rendered HTML; the saved list's line is drawn by the page's script,
    // so the form is live once it shows (a click before that would go to plain HTML).
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
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

    expect(pageErrors).toEqual([]);
  });

  it('a new picture clears the last verdict at once: one with no QR code (or no picture) says so where the verdict was', async () => {
    const c = citizens[3]!;
    const { qr } = await vaccinated(c);
    const page = await newPage({ width: 360, height: 640 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    const picture = page.getByLabel('Chọn ảnh có mã QR', { exact: true });
    const pasted = () => page.getByLabel(PASTE_LABEL, { exact: true }).inputValue();
    const region = page.locator('.verify-result-region');
    // A picture with no QR code: the page itself, before anything was checked.
    const noCode = await page.screenshot({ type: 'png' });

    const validPicture = async () => {
      await picture.setInputFiles({
        name: 'chung-nhan.png',
        mimeType: 'image/png',
        buffer: await QRCode.toBuffer(qr, { errorCorrectionLevel: 'Q', margin: 4, scale: 4 }),
      });
      await expect.poll(pasted, { timeout: 15_000 }).toBe(qr);
      await visible(region.getByText('HỢP LỆ', { exact: true }));
      await visible(region.getByText(c.fullName, { exact: true }));
    };

    for (const next of [
      { name: 'nguoi-tiep-theo.png', mimeType: 'image/png', buffer: noCode },
      { name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('không phải ảnh') },
    ]) {
      await validPicture();
      await picture.setInputFiles(next);
      // The failure takes the verdict's place, announced (the live region), in view on a phone.
      await visible(region.getByText('KHÔNG ĐỌC ĐƯỢC MÃ QR', { exact: true }));
      await visible(region.getByText(/Không tìm thấy mã QR trong ảnh/));
      // Nothing of the person checked before: not the word, not the name, not the details, not the code.
      expect(await page.getByText('HỢP LỆ', { exact: true }).count()).toBe(0);
      expect(await page.getByText(c.fullName, { exact: true }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Thông tin trên chứng nhận' }).count()).toBe(0);
      expect(await pasted()).toBe('');
      await expect
        .poll(() =>
          region.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().top < innerHeight),
        )
        .toBe(true);
      await screenshot(page, 'verify-no-code-360');
    }

    // Any new check clears the verdict too, even one that stops at an empty text box.
    await validPicture();
    await page.getByLabel(PASTE_LABEL, { exact: true }).fill('');
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await visible(page.getByText('Vui lòng dán nội dung mã QR.'));
    expect(await page.getByText('HỢP LỆ', { exact: true }).count()).toBe(0);
    expect(await page.getByText(c.fullName, { exact: true }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a trusted signer’s certificate whose expiry no date can hold: KHÔNG HỢP LỆ, the page never stays on checking', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = selfSignedCertificate({
      privateKey,
      commonName: 'DSC CZ test',
      organization: 'UZIS',
      country: 'CZ',
      notBefore: new Date('2021-06-01T00:00:00Z'),
      notAfter: new Date('2031-06-01T00:00:00Z'),
    });
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const added = await api('POST', '/api/admin/trust-anchors', { country: 'CZ', certificatePem: pem }, {}, 'admin');
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const protectedBytes = encodeProtectedHeader(
      new Uint8Array((await crypto.subtle.digest('SHA-256', new Uint8Array(der))).slice(0, 8)),
    );
    // exp 1e15 seconds: past the last day a JavaScript Date holds (the page used to throw and hang).
    const payloadBytes = encodeCwtClaims({
      iss: 'CZ',
      iat: Math.floor(Date.now() / 1000) - 86_400,
      exp: 1e15,
      payload: buildVaccinationPayload({
        person: { fullName: 'Novák Jan', dateOfBirth: '1980-03-03' },
        doses: [
          { vaccineCode: PFIZER, administeredOn: '2021-07-01' },
          { vaccineCode: PFIZER, administeredOn: '2021-07-29' },
        ],
        certificateId: 'CZ0123456789ABCDEF',
        country: 'CZ',
        issuer: 'UZIS',
      }),
    });
    const signature = new Uint8Array(
      sign('sha256', sigStructure(protectedBytes, payloadBytes), { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    );
    const qr = `HC1:${base45Encode(zlibDeflateSync(encodeCoseSign1({ protectedBytes, payloadBytes, signature })))}`;

    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    await check(page, qr);
    await visible(page.getByRole('status').getByText('KHÔNG HỢP LỆ', { exact: true }));
    await visible(page.getByText('Mã QR bị hỏng hoặc đã bị sửa đổi', { exact: false }));
    expect(await page.getByText('Đang kiểm tra chứng nhận…').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Kiểm tra', exact: true }).isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('never says a certificate meets the acceptance rules when none applied', async () => {
    const c = citizens[4]!;
    const { qr } = await vaccinated(c);
    // (No service worker: every trust-list fetch goes through the route below.)
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: server.baseUrl,
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    // Vietnam's rules as a list whose every rule has ended: none is in force.
    await page.route('**/api/verify/trust-list', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { rules: Record<string, { ValidTo: string }[]> };
      for (const rule of body.rules.VN ?? []) rule.ValidTo = '2022-01-01T00:00:00Z';
      await route.fulfill({ response, json: body });
    });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    await check(page, qr);
    await visible(page.getByRole('status').filter({ hasText: 'HỢP LỆ' }).getByText(c.fullName, { exact: true }));
    const rules = page.getByRole('region', { name: 'Quy tắc chấp nhận của Việt Nam' });
    await visible(rules.getByText('Chưa có quy tắc chấp nhận nào đang áp dụng cho chứng nhận này', { exact: false }));
    expect(await rules.getByText('Đáp ứng mọi quy tắc chấp nhận.').count()).toBe(0);
    expect(await rules.getByRole('listitem').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('reads the printed certificate from a scan, a phone screenshot and the camera', async () => {
    const c = citizens[2]!;
    const { id, qr } = await vaccinated(c);
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    const picture = page.getByLabel('Chọn ảnh có mã QR', { exact: true });
    const pasted = () => page.getByLabel(PASTE_LABEL, { exact: true }).inputValue();

    // The A4 page scanned at 150 dpi (one of the resolutions that failed before).
    await picture.setInputFiles({
      name: 'scan.png',
      mimeType: 'image/png',
      buffer: await renderedCertificate(id, 'a4', 150),
    });
    await expect.poll(pasted, { timeout: 15_000 }).toBe(qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));

    // A screenshot of the card on a phone (390 points wide at 3×), as a JPEG.
    await page.getByLabel(PASTE_LABEL, { exact: true }).fill('');
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      const viewer = await phone.newPage();
      const card = (await renderedCertificate(id, 'card', 200)).toString('base64');
      await viewer.setContent(
        `<body style="margin:0;background:#333"><img style="width:100%;margin-top:30vh" src="data:image/png;base64,${card}"></body>`,
      );
      await viewer.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      const shot = await viewer.screenshot({ type: 'jpeg', quality: 80 });
      await picture.setInputFiles({ name: 'screenshot.jpg', mimeType: 'image/jpeg', buffer: shot });
    } finally {
      await phone.close();
    }
    await expect.poll(pasted, { timeout: 15_000 }).toBe(qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));

    // The camera, pointed at the printed card (Chromium's fake camera plays the card, rendered
    // at 100 dpi, as its video).
    const video = await cameraVideoOf(await renderedCertificate(id, 'card', 100, true));
    const cameraBrowser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${video.file}`,
      ],
    });
    try {
      const cameraContext = await cameraBrowser.newContext({ baseURL: server.baseUrl, permissions: ['camera'] });
      const scanner = await cameraContext.newPage();
      scanner.on('pageerror', (error) => pageErrors.push(error));
      await scanner.goto('/xac-thuc');
      await visible(scanner.getByText(/Danh sách khoá công khai: \d+ khoá/));
      await scanner.getByRole('button', { name: 'Quét mã QR bằng camera' }).click();
      await visible(scanner.getByRole('dialog', { name: 'Quét mã QR chứng nhận' }));
      // Read from the video: the dialog closes by itself, the code is checked.
      await expect
        .poll(() => scanner.getByLabel(PASTE_LABEL, { exact: true }).inputValue(), { timeout: 20_000 })
        .toBe(qr);
      await expect.poll(() => scanner.getByRole('dialog').count()).toBe(0);
      await visible(scanner.getByText('HỢP LỆ', { exact: true }));
      await visible(scanner.getByText(c.fullName, { exact: true }).first());
    } finally {
      await cameraBrowser.close();
      await video.remove();
    }
    expect(pageErrors).toEqual([]);
  });

  it('shows a certificate replaced after a correction as replaced, with the date, never as valid', async () => {
    const c = citizens[1]!;
    const { id, qr, ci, doseIds } = await vaccinated(c);
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    await check(page, qr);
    const valid = await visible(page.locator('.verdict').filter({ hasText: 'HỢP LỆ' }));
    const green = await valid.evaluate((el) => getComputedStyle(el).backgroundColor);

    // The second dose's date was wrong: corrected through a citizen's report, the certificate is
    // reissued. The old QR code is still signed, but it is no longer the certificate in force.
    await correctDoseDate(c, id, doseIds[1]!, '2021-10-30');
    const status = await api<{ state: string; supersededAt: string; supersededByCi: string }>(
      'GET',
      `/api/certificates/status?ci=${encodeURIComponent(ci)}`,
    );
    expect(status.body.state).toBe('superseded');
    const on = await page.evaluate((iso) => {
      const d = new Date(iso);
      return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
    }, status.body.supersededAt);

    await check(page, qr);
    const verdict = page.getByRole('status').locator('.verdict');
    await visible(verdict.getByText('ĐÃ ĐƯỢC THAY THẾ', { exact: true }));
    await visible(verdict.getByText(`Đã được thay thế bởi chứng nhận mới ngày ${on}.`, { exact: true }));
    await visible(verdict.getByText('Chứng nhận được cấp lại sau khi điều chỉnh thông tin', { exact: false }));
    await visible(verdict.getByText(status.body.supersededByCi, { exact: true }));
    await visible(verdict.getByText(c.fullName, { exact: true }));
    // Never the valid verdict: not its word, not its colour.
    expect(await page.getByText('HỢP LỆ', { exact: true }).count()).toBe(0);
    expect(await verdict.evaluate((el) => el.classList.contains('verdict--valid'))).toBe(false);
    expect(await verdict.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(green);
    await screenshot(page, 'verify-superseded-1280');
    await page.setViewportSize({ width: 360, height: 780 });
    await screenshot(page, 'verify-superseded-360');

    // The new certificate is the valid one.
    const now = await api<{ qr: string }>('GET', `/api/people/${id}/certificate`);
    expect(now.body.qr).not.toBe(qr);
    await check(page, now.body.qr);
    await visible(page.getByText('HỢP LỆ', { exact: true }));
    await visible(page.getByText('30/10/2021'));
    await visible(page.getByText('Trạng thái trực tuyến: chứng nhận đang có hiệu lực trên hệ thống.'));
    expect(pageErrors).toEqual([]);
  });

  it("a foreign state's certificate: KHÔNG HỢP LỆ until its signer is imported, then HỢP LỆ naming the country, offline too", async () => {
    // Germany's Document Signer (a test key) and a certificate it signed.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = selfSignedCertificate({
      privateKey,
      commonName: 'DSC DE test',
      organization: 'Robert Koch-Institut',
      country: 'DE',
      notBefore: new Date('2021-06-01T00:00:00Z'),
      notAfter: new Date('2031-06-01T00:00:00Z'),
    });
    const kid = (await crypto.subtle.digest('SHA-256', new Uint8Array(der))).slice(0, 8);
    const qr = encodeHcertSync({
      payload: buildVaccinationPayload({
        person: { fullName: 'Müller Anna', dateOfBirth: '1985-05-05' },
        doses: [
          { vaccineCode: PFIZER, administeredOn: '2021-07-01' },
          { vaccineCode: PFIZER, administeredOn: '2021-07-29' },
        ],
        certificateId: 'DE0123456789ABCDEF',
        country: 'DE',
        issuer: 'Robert Koch-Institut',
      }),
      payloadValidated: true,
      kid: new Uint8Array(kid),
      sign: (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
      issuedAt: new Date(Date.now() - 86_400_000),
      expiresAt: new Date(Date.now() + 300 * 86_400_000),
    });

    const page = await newPage({ width: 360, height: 780 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    await check(page, qr);
    await visible(page.getByText('KHÔNG HỢP LỆ', { exact: true }));

    // The national administrator imports Germany's signer; the page's list (fetched again for
    // an unknown key) then carries it, with its country.
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const added = await api('POST', '/api/admin/trust-anchors', { country: 'DE', certificatePem: pem }, {}, 'admin');
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    await check(page, qr);
    const result = page.getByRole('status').filter({ hasText: 'HỢP LỆ' });
    await visible(result.getByText('HỢP LỆ', { exact: true }));
    await visible(result.getByText('Müller Anna', { exact: true }));
    await visible(page.getByText('DE', { exact: true }));
    expect(await page.evaluate(() => localStorage.getItem('tiemchung.verifier.trustList'))).toContain('"country":"DE"');

    // Offline, from the list kept on the device.
    await context!.setOffline(true);
    await check(page, qr);
    await visible(page.getByRole('status').filter({ hasText: 'HỢP LỆ' }).getByText('Müller Anna', { exact: true }));
    await context!.setOffline(false);
    expect(pageErrors).toEqual([]);
  });
  it('applies the EU value sets and Vietnam’s acceptance rules on the device, offline: names the rule a certificate fails', async () => {
    // A foreign signer (imported) and three certificates it signed: complete, one dose of two, and
    // one whose country of vaccination is no country ("XY").
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = selfSignedCertificate({
      privateKey,
      commonName: 'DSC AT test',
      organization: 'BMSGPK',
      country: 'AT',
      notBefore: new Date('2021-06-01T00:00:00Z'),
      notAfter: new Date('2031-06-01T00:00:00Z'),
    });
    const kid = new Uint8Array((await crypto.subtle.digest('SHA-256', new Uint8Array(der))).slice(0, 8));
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const added = await api('POST', '/api/admin/trust-anchors', { country: 'AT', certificatePem: pem }, {}, 'admin');
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const signed = (name: string, dates: string[], country: string) =>
      encodeHcertSync({
        payload: buildVaccinationPayload({
          person: { fullName: name, dateOfBirth: '1980-02-02' },
          doses: dates.map((administeredOn) => ({ vaccineCode: PFIZER, administeredOn })),
          certificateId: `AT${name.replace(/\W/g, '').toUpperCase()}0123456789`,
          country,
          issuer: 'BMSGPK',
        }),
        payloadValidated: true,
        kid,
        sign: (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
        issuedAt: new Date(Date.now() - 86_400_000),
        expiresAt: new Date(Date.now() + 300 * 86_400_000),
      });
    // One dose of two (dn 1, sd 2): the primary series is not complete.
    const partial = signed('Gruber Lena', ['2021-07-01'], 'AT');

    const page = await newPage({ width: 320, height: 780 });
    await page.goto('/xac-thuc');
    await visible(page.getByText(/Danh sách khoá công khai: \d+ khoá/));
    // The list kept on the device carries the value sets and the rules.
    const stored = await page.evaluate(() => localStorage.getItem('tiemchung.verifier.trustList') ?? '');
    expect(stored).toContain('"country-2-codes"');
    expect(stored).toContain('VR-VN-0000');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await context!.setOffline(true);

    await check(page, signed('Huber Max', ['2021-07-01', '2021-07-29'], 'AT'));
    await visible(page.getByRole('status').filter({ hasText: 'HỢP LỆ' }).getByText('Huber Max', { exact: true }));
    const rules = page.getByRole('region', { name: 'Quy tắc chấp nhận của Việt Nam' });
    await visible(rules.getByText('Đáp ứng mọi quy tắc chấp nhận.'));
    await visible(rules.getByText('VR-VN-0000', { exact: true }));

    await check(page, partial);
    await visible(page.getByRole('status').filter({ hasText: 'HỢP LỆ' }).getByText('Gruber Lena', { exact: true }));
    await visible(rules.getByText('Không đáp ứng 1 quy tắc:'));
    const failed = rules.getByRole('listitem').filter({ hasText: 'VR-VN-0000' });
    await visible(failed.getByText('Không đạt', { exact: true }));
    await visible(failed.getByText(/Đã tiêm đủ liều cơ bản/));

    await check(page, signed('Bauer Tom', ['2021-07-01', '2021-07-29'], 'XY'));
    await visible(page.getByText('KHÔNG HỢP LỆ', { exact: true }));
    await visible(page.getByText('Chữ ký số đúng nhưng nội dung chứng nhận không hợp lệ:'));
    await visible(page.getByRole('status').getByText(/XY/));
    await expect.poll(() => rules.count()).toBe(0);
    await screenshot(page, 'verify-rules-320');
    await context!.setOffline(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
