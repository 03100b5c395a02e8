import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { paths } from '../apps/web/src/paths.ts';
import { publicPaths } from '../apps/web/src/public/paths.ts';
import {
  type AxeViolation,
  axeViolations,
  DEMO_PASSWORD,
  FACILITY_ID,
  isFocused,
  PFIZER,
  PFIZER_LOT,
  REPO_ROOT,
  registerOnPortal,
  signInThroughPage,
  TEST_ADMIN_PASSWORD,
  TEST_ADMIN_USERNAME,
  useServerAndBrowser,
  vnDate,
} from './helpers';

/**
 * Accessibility (issue 14, point 9): errors announced where the focus is, the "/" shortcut that
 * can be turned off, and axe-core's WCAG 2.1 A/AA rules on every public and staff page — at
 * 320 px and at desktop width, signed in as each role, with key sub-pages and forms showing
 * their validation errors. The staff pages are found from the role-aware navigations (drawn from
 * STAFF_AREAS and ADMIN_SECTIONS) and the links on each page, so a new page is checked as soon
 * as it is linked; a last test holds the navigations to the two tables.
 */

const CHECK_IN_LABEL = 'Tìm người đến tiêm: số CCCD/CMND, số điện thoại hoặc họ tên';
const WIDTHS = [
  { width: 320, height: 640 },
  { width: 1280, height: 900 },
] as const;
/** Pages one role's crawl visits at most (each is checked at both widths). */
const MAX_PAGES_PER_ROLE = 45;

interface StaffUser {
  username: string;
  password: string;
  role: string;
}

const STAFF_USERS: readonly StaffUser[] = [
  { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD, role: 'national_admin' },
  { username: 'dongthap.admin', password: DEMO_PASSWORD, role: 'province_admin' },
  { username: 'caolanh.admin', password: DEMO_PASSWORD, role: 'district_admin' },
  { username: 'caolanh.tiem', password: DEMO_PASSWORD, role: 'site_staff' },
  { username: 'dongthap.phananh', password: DEMO_PASSWORD, role: 'report_handler' },
];

/** The `id`s of the entries of `export const <table> = [ … ];` in a web source file. */
function tableIds(file: string, table: string): string[] {
  const source = readFileSync(join(REPO_ROOT, file), 'utf8');
  const start = source.indexOf(`export const ${table}`);
  expect(start, `${table} in ${file}`).toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf('\n];', start));
  return [...body.matchAll(/^\s+id: '([^']+)'/gm)].map((m) => m[1]!);
}

/** A page's address with its identifiers blotted out: one page of each shape is checked. */
function shapeOf(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (/\d/.test(segment) || segment.length >= 20 ? ':id' : segment))
    .join('/');
}

/** "1990-05-17" → "17/05/1990" (what the portal's date fields take). */
function dmy(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** The ids an element's aria-describedby names. */
async function describedBy(locator: Locator): Promise<string[]> {
  return ((await locator.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
}

/**
 * The alert now on the page with `text`: one element with role="alert" (announced as it appears)
 * whose text is the message. Returns it.
 */
async function alertWith(page: Page, text: string): Promise<Locator> {
  const alert = page.getByRole('alert').filter({ hasText: text });
  await alert.waitFor({ state: 'visible', timeout: 10_000 });
  expect(await alert.count()).toBe(1);
  return alert;
}

/** The field is marked invalid and described by the alert (its error), and has the focus. */
async function expectFieldError(field: Locator, alert: Locator): Promise<void> {
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const alertId = await alert.getAttribute('id');
  expect(alertId, 'the announced error has an id').toBeTruthy();
  expect(await describedBy(field)).toContain(alertId);
  await expect.poll(() => isFocused(field)).toBe(true);
}

/** Marks an element so that a later check can tell whether it is still the same one. */
async function mark(locator: Locator): Promise<void> {
  await locator.evaluate((el) => el.setAttribute('data-e2e-seen', ''));
}

/** A second failed submit announces again: the alert is a new element (inserted again). */
async function expectAnnouncedAgain(page: Page, text: string): Promise<void> {
  const alert = await alertWith(page, text);
  expect(await alert.getAttribute('data-e2e-seen')).toBeNull();
}

describe('accessibility (browser)', () => {
  const env = useServerAndBrowser();
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
  );
  const fixtures = { sessionId: '', visitId: '', personId: '', reportId: '', campaignId: '' };
  /** Every staff page checked, per user; and the links of the two navigations, per user. */
  const checked = new Map<string, Set<string>>();
  const staffNav = new Set<string>();
  const adminNav = new Set<string>();

  async function newPage(viewport: { width: number; height: number } = WIDTHS[0]): Promise<Page> {
    await context?.close();
    // bypassCSP lets axe be injected as an inline script; the pages' own CSP is untouched.
    context = await env.browser.newContext({
      baseURL: env.server.baseUrl,
      viewport,
      bypassCSP: true,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  /** Waits for the page to be drawn: a main heading, nothing loading, the network quiet. */
  async function settle(page: Page): Promise<void> {
    await page.locator('h1').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForFunction(() => !document.querySelector('.page-loading'), null, { timeout: 20_000 });
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  }

  /** Runs axe at 320 px and at 1280 px on what the page shows now; the failures go to `found`. */
  async function check(page: Page, label: string, found: string[]): Promise<void> {
    for (const viewport of WIDTHS) {
      await page.setViewportSize(viewport);
      await settle(page);
      const violations: AxeViolation[] = await axeViolations(page);
      for (const v of violations) {
        found.push(
          `${label} @${viewport.width}px — ${v.rule} (${v.impact}): ${v.help}\n${v.nodes
            .map((n) => `    ${n.target}\n      ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`)
            .join('\n')}`,
        );
      }
    }
    await page.setViewportSize(WIDTHS[0]);
  }

  /**
   * Opens what the page keeps folded (disclosure buttons, <details>) and checks it again, so that
   * the contents are held to the same rules. Not behind a modal dialog.
   */
  async function checkUnfolded(page: Page, label: string, found: string[]): Promise<void> {
    if ((await page.locator('dialog[open]').count()) > 0) return;
    let opened = 0;
    opened += await page.$$eval('main details:not([open])', (all) => {
      for (const d of all) (d as HTMLDetailsElement).open = true;
      return all.length;
    });
    const folded = page.locator('main button[aria-expanded="false"]');
    for (let i = 0; i < 10 && (await folded.count()) > 0; i++) {
      await folded.first().click({ timeout: 5_000 });
      opened++;
    }
    if (opened > 0) await check(page, `${label} (unfolded)`, found);
  }

  beforeAll(async () => {
    expect(citizens.length).toBeGreaterThan(5);
    const site = await env.token('caolanh.tiem');
    const people: string[] = [];
    for (const c of citizens.slice(0, 3)) {
      const created = await env.json<{ id: string }>('/api/people', {
        method: 'POST',
        token: site,
        body: JSON.stringify({
          fullName: c.fullName,
          dateOfBirth: c.dateOfBirth,
          gender: c.gender,
          idNumber: c.idNumber,
          phone: c.phone,
          provinceCode: '87',
          districtCode: '866',
        }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      people.push(created.body.id);
    }
    fixtures.personId = people[0]!;
    const dose = await env.json(`/api/people/${people[0]}/doses`, {
      method: 'POST',
      token: site,
      headers: { 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({
        vaccineCode: PFIZER,
        lotNumber: PFIZER_LOT,
        administeredOn: '2021-10-01',
        facilityId: FACILITY_ID,
      }),
    });
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);

    // Today's session with people in it: one waiting for screening, one screened for the vaccine.
    const session = await env.json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ facilityId: FACILITY_ID, sessionDate: vnDate(), lotNumbers: [PFIZER_LOT] }),
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    fixtures.sessionId = session.body.id;
    for (const personId of people.slice(1)) {
      const visit = await env.json<{ id: string }>(`/api/sessions/${session.body.id}/visits`, {
        method: 'POST',
        token: site,
        body: JSON.stringify({ personId, method: 'search' }),
      });
      expect(visit.status, JSON.stringify(visit.body)).toBe(201);
      fixtures.visitId ||= visit.body.id;
    }

    // A report about the vaccinated person, and a registration on the portal (for the lists).
    const c = citizens[0]!;
    const report = await env.json<{ trackingCode: string }>('/api/portal/reports', {
      method: 'POST',
      body: JSON.stringify({
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        phone: c.phone,
        idNumber: c.idNumber,
        category: 'missing_dose',
        description: 'Tôi đã tiêm mũi 2 ngày 29/10/2021 nhưng chưa thấy trong hồ sơ',
        dose: { administeredOn: '2021-10-29', vaccineCode: PFIZER, facilityId: FACILITY_ID },
      }),
    });
    expect(report.status, JSON.stringify(report.body)).toBe(201);
    const handler = await env.token('dongthap.phananh');
    const queue = await env.json<{ items: { id: string; trackingCode: string }[] }>('/api/reports?view=all', {
      token: handler,
    });
    fixtures.reportId = queue.body.items.find((r) => r.trackingCode === report.body.trackingCode)?.id ?? '';
    expect(fixtures.reportId).not.toBe('');
    const registrant = citizens[4]!;
    const registered = await registerOnPortal(env.server, registrant, { districtCode: '866' });
    expect(registered.confirmed.status, JSON.stringify(registered.confirmed.body)).toBe(200);

    const province = await env.token('dongthap.admin');
    const hour = 3_600_000;
    const campaign = await env.json<{ id: string }>('/api/campaigns', {
      method: 'POST',
      token: province,
      body: JSON.stringify({
        name: 'Rà soát phản ánh',
        receiveFrom: new Date(Date.now() - 24 * hour).toISOString(),
        receiveTo: new Date(Date.now() + 24 * hour).toISOString(),
        deadline: new Date(Date.now() + 72 * hour).toISOString(),
      }),
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    fixtures.campaignId = campaign.body.id;
  });

  describe('errors announced where the focus is', () => {
    it('(a) /tra-cuu: an empty and a wrong OTP are announced, tied to the field, which keeps the focus', async () => {
      const page = await newPage({ width: 360, height: 780 });
      const c = citizens[0]!;
      await page.goto(publicPaths.certificateLookup);
      await page.locator('button[type="submit"]').waitFor();
      await page.getByLabel('Họ và tên', { exact: true }).fill(c.fullName);
      await page.getByLabel('Ngày sinh', { exact: true }).fill(dmy(c.dateOfBirth));
      await page.getByRole('radio', { name: c.gender === 'male' ? 'Nam' : 'Nữ', exact: true }).check();
      await page.getByLabel('Số CCCD/CMND', { exact: true }).fill(c.idNumber);
      await page.getByLabel('Số điện thoại', { exact: true }).fill(c.phone);
      await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();

      const otp = page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true });
      await expect.poll(() => isFocused(otp)).toBe(true);
      // Empty: Enter in the field.
      await otp.press('Enter');
      const empty = await alertWith(page, 'Vui lòng nhập mã OTP.');
      await expectFieldError(otp, empty);
      // Wrong: the server's answer, announced in the same way.
      await otp.fill('000000');
      await otp.press('Enter');
      const wrong = await alertWith(page, 'Mã xác thực không đúng hoặc đã hết hạn.');
      await expectFieldError(otp, wrong);
      expect(await otp.inputValue()).toBe('');
      // Wrong again (same message): announced again, the field still focused.
      await mark(wrong);
      await otp.fill('111111');
      await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
      await expectAnnouncedAgain(page, 'Mã xác thực không đúng hoặc đã hết hạn.');
      await expectFieldError(otp, await alertWith(page, 'Mã xác thực không đúng hoặc đã hết hạn.'));
      expect(pageErrors).toEqual([]);
    });

    it('(a) /dang-ky: the registration OTP step announces a wrong code the same way', async () => {
      const page = await newPage({ width: 360, height: 780 });
      const c = citizens[5]!;
      await page.goto(publicPaths.registration);
      await page.locator('button[type="submit"]').waitFor();
      await page.getByLabel('Họ và tên', { exact: true }).fill(c.fullName);
      await page.getByLabel('Ngày sinh', { exact: true }).fill(dmy(c.dateOfBirth));
      await page.getByRole('radio', { name: c.gender === 'male' ? 'Nam' : 'Nữ', exact: true }).check();
      await page.getByLabel('Số CCCD/CMND', { exact: true }).fill(c.idNumber);
      await page.getByLabel('Số điện thoại', { exact: true }).fill(c.phone);
      await page.getByLabel('Tỉnh/thành phố', { exact: true }).selectOption('87');
      const district = page.getByLabel('Quận/huyện', { exact: true });
      await expect.poll(() => district.isEnabled(), { timeout: 10_000 }).toBe(true);
      await district.selectOption('866');
      await page.getByLabel('Nhóm đối tượng', { exact: true }).selectOption('other');
      const questions = page.getByRole('group', { name: /^Câu \d+\./ });
      for (let i = 0; i < (await questions.count()); i++) {
        await questions.nth(i).getByRole('radio', { name: 'Không', exact: true }).check();
      }
      await page.getByRole('checkbox', { name: /Tôi cam kết/ }).check();
      await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();

      const otp = page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true });
      await expect.poll(() => isFocused(otp), { timeout: 10_000 }).toBe(true);
      await otp.fill('000000');
      await otp.press('Enter');
      await expectFieldError(otp, await alertWith(page, 'Mã xác thực không đúng hoặc đã hết hạn.'));
      expect(pageErrors).toEqual([]);
    });

    it('(b) opening a session without a lot: the error is announced, tied to the lot group, focus on its first lot', async () => {
      const page = await newPage({ width: 1280, height: 900 });
      await signInThroughPage(page, 'caolanh.tiem');
      await page.goto('/quan-tri/buoi-tiem');
      const submit = page.getByRole('button', { name: 'Mở buổi tiêm', exact: true });
      await submit.waitFor();
      const group = page.getByRole('group', { name: /^Lô vắc xin/ });
      const firstLot = group.getByRole('checkbox').first();
      await firstLot.waitFor();
      expect(await group.getAttribute('aria-invalid')).toBeNull();

      await submit.click();
      const alert = await alertWith(page, 'Chọn ít nhất một lô vắc xin.');
      const alertId = await alert.getAttribute('id');
      expect(alertId).toBeTruthy();
      // The group (fieldset) is invalid and described by the error; so is each of its lots.
      expect(await group.evaluate((el) => el.tagName)).toBe('FIELDSET');
      expect(await group.getAttribute('aria-invalid')).toBe('true');
      expect(await describedBy(group)).toContain(alertId);
      expect(await firstLot.getAttribute('aria-invalid')).toBe('true');
      expect(await describedBy(firstLot)).toContain(alertId);
      await expect.poll(() => isFocused(firstLot)).toBe(true);
      // The accessible description a screen reader reads with the group holds the error.
      const snapshot = await page.locator('form').filter({ has: group }).ariaSnapshot();
      expect(snapshot).toContain('Chọn ít nhất một lô vắc xin.');

      // Submitted again from the keyboard (Enter on the lot): announced again.
      await mark(alert);
      await page.keyboard.press('Enter');
      await expectAnnouncedAgain(page, 'Chọn ít nhất một lô vắc xin.');
      await expect.poll(() => isFocused(firstLot)).toBe(true);
      // Choosing a lot clears it.
      await firstLot.check();
      expect(await page.getByRole('alert').filter({ hasText: 'Chọn ít nhất một lô vắc xin.' }).count()).toBe(0);
      expect(await group.getAttribute('aria-invalid')).toBeNull();
      expect(pageErrors).toEqual([]);
    });

    const emptyFirstField = [
      { path: paths.login, label: 'Tên đăng nhập', message: 'Vui lòng nhập tên đăng nhập' },
      { path: publicPaths.reportStatus, label: 'Mã phản ánh', message: 'Vui lòng nhập mã phản ánh.' },
    ];
    for (const form of emptyFirstField) {
      it(`(c) ${form.path}: Enter in the empty first field shows and announces its error, the focus stays`, async () => {
        const page = await newPage();
        await page.goto(form.path);
        // The pre-rendered page is React's (its submit button is a submit button then).
        await page.locator('main form button[type="submit"]').waitFor();
        const field = page.getByLabel(form.label, { exact: true });
        await field.focus();
        await page.keyboard.press('Enter');
        const alert = await alertWith(page, form.message);
        await expectFieldError(field, alert);
        expect(new URL(page.url()).search).toBe('');
        await mark(alert);
        await page.keyboard.press('Enter');
        await expectAnnouncedAgain(page, form.message);
        await expect.poll(() => isFocused(field)).toBe(true);
        expect(pageErrors).toEqual([]);
      });

      it(`(c) ${form.path}: before the scripts run, Enter neither reloads the page nor puts the fields in its address`, async () => {
        const page = await newPage();
        // The pre-rendered HTML is on screen; its scripts are held back for a while.
        let release: () => void = () => undefined;
        const released = new Promise<void>((done) => {
          release = done;
        });
        await page.route('**/assets/*.js', async (route) => {
          await released;
          await route.continue();
        });
        // (Module scripts hold DOMContentLoaded back: wait for the field itself.)
        await page.goto(form.path, { waitUntil: 'commit' });
        const field = page.getByLabel(form.label, { exact: true });
        await field.waitFor();
        await field.press('Enter');
        await page.waitForTimeout(500);
        expect(new URL(page.url()).search).toBe('');
        expect(new URL(page.url()).pathname).toBe(form.path);
        release();
        await page.locator('main form button[type="submit"]').waitFor();
        await field.focus();
        await page.keyboard.press('Enter');
        await expectFieldError(field, await alertWith(page, form.message));
        expect(new URL(page.url()).search).toBe('');
      });
    }

    /** Presses "/" with the focus on the page's heading (not in a field). */
    async function slashFrom(page: Page): Promise<void> {
      await page.locator('h1').first().focus();
      await page.keyboard.press('/');
    }

    it('(d) the single-key "/" shortcut can be turned off (board and queue), and the choice is remembered', async () => {
      const page = await newPage({ width: 1280, height: 900 });
      await signInThroughPage(page, 'caolanh.admin');
      await page.goto(`/quan-tri/buoi-tiem/${fixtures.sessionId}`);
      const search = page.getByLabel(CHECK_IN_LABEL, { exact: true });
      await search.waitFor();
      await slashFrom(page);
      await expect.poll(() => isFocused(search)).toBe(true);

      // Beside the shortcut hint: the switch, on by default; off, "/" is an ordinary key.
      await page.getByText('Phím tắt', { exact: true }).click();
      const boardSwitch = page.getByRole('checkbox', { name: 'Dùng phím tắt / (một phím)' });
      expect(await boardSwitch.isChecked()).toBe(true);
      await boardSwitch.uncheck();
      await slashFrom(page);
      await page.waitForTimeout(200);
      expect(await isFocused(search)).toBe(false);

      // Remembered: after a reload, and on the report queue (one setting).
      await page.reload();
      await search.waitFor();
      await slashFrom(page);
      await page.waitForTimeout(200);
      expect(await isFocused(search)).toBe(false);
      await page.goto('/quan-tri/phan-anh');
      const code = page.getByLabel('Mã phản ánh', { exact: true });
      await code.waitFor();
      const queueSwitch = page.getByRole('checkbox', { name: 'Dùng phím tắt / (một phím)' });
      expect(await queueSwitch.isChecked()).toBe(false);
      await slashFrom(page);
      await page.waitForTimeout(200);
      expect(await isFocused(code)).toBe(false);
      // On again from the queue: "/" works there and on the board.
      await queueSwitch.check();
      await slashFrom(page);
      await expect.poll(() => isFocused(code)).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem('tiemchung.shortcuts.slash'))).toBeNull();
      await page.goto(`/quan-tri/buoi-tiem/${fixtures.sessionId}`);
      await search.waitFor();
      await slashFrom(page);
      await expect.poll(() => isFocused(search)).toBe(true);
      expect(pageErrors).toEqual([]);
    });
  });

  describe('axe-core, WCAG 2.1 A and AA, at 320 px and 1280 px', () => {
    it('the check finds a failure when there is one (a field without a label, text too faint)', async () => {
      const page = await newPage();
      await page.goto(paths.login);
      await settle(page);
      expect(await axeViolations(page)).toEqual([]);
      await page.evaluate(() => {
        const main = document.querySelector('main');
        main?.insertAdjacentHTML(
          'beforeend',
          '<input type="text" name="unlabelled"><p style="color:#bbb;background:#fff">Chữ quá nhạt</p>',
        );
      });
      const rules = (await axeViolations(page)).map((v) => v.rule).sort();
      expect(rules).toEqual(['color-contrast', 'label']);
    });

    it('every public page, and each form with its validation errors shown', { timeout: 600_000 }, async () => {
      const found: string[] = [];
      const page = await newPage();
      const pages = [
        paths.landing,
        paths.login,
        ...Object.values(publicPaths),
        paths.healthBook,
        '/khong-co-trang-nay',
      ];
      for (const path of pages) {
        await page.goto(path);
        await check(page, path, found);
        await checkUnfolded(page, path, found);
        // A form: sent empty, its errors shown.
        const submit = page.locator('main form button[type="submit"]').first();
        if ((await submit.count()) > 0) {
          await submit.click();
          await page.waitForTimeout(300);
          await check(page, `${path} (sent empty)`, found);
        }
      }
      // The look-up's OTP step with a wrong code.
      const c = citizens[1]!;
      await page.goto(publicPaths.certificateLookup);
      await page.getByLabel('Họ và tên', { exact: true }).fill(c.fullName);
      await page.getByLabel('Ngày sinh', { exact: true }).fill(dmy(c.dateOfBirth));
      await page.getByRole('radio', { name: c.gender === 'male' ? 'Nam' : 'Nữ', exact: true }).check();
      await page.getByLabel('Số điện thoại', { exact: true }).fill(c.phone);
      await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      const otp = page.getByLabel('Nhập mã OTP đã gửi tới số điện thoại', { exact: true });
      await otp.fill('000000');
      await otp.press('Enter');
      await alertWith(page, 'Mã xác thực không đúng hoặc đã hết hạn.');
      await check(page, `${publicPaths.certificateLookup} (wrong OTP)`, found);
      expect(found, `\n${found.join('\n\n')}`).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    for (const user of STAFF_USERS) {
      it(`every staff page as ${user.username} (${user.role})`, { timeout: 900_000 }, async () => {
        const found: string[] = [];
        const visited = new Set<string>();
        checked.set(user.username, visited);
        const page = await newPage();
        await signInThroughPage(page, user.username, user.password);

        // Key sub-pages a crawl from the navigation would not reach (they need a search or a choice).
        const extra: string[] = [];
        if (['site_staff', 'district_admin'].includes(user.role)) {
          extra.push(
            `${paths.staffHome}/buoi-tiem/${fixtures.sessionId}`,
            `${paths.staffHome}/buoi-tiem/${fixtures.sessionId}/luot/${fixtures.visitId}`,
            `${paths.staffHome}/tiep-don/nguoi/${fixtures.personId}`,
            `${paths.staffHome}/tiep-don/nguoi/${fixtures.personId}/sua`,
          );
        }
        if (['report_handler', 'province_admin', 'national_admin'].includes(user.role)) {
          extra.push(`${paths.staffHome}/phan-anh/${fixtures.reportId}`);
        }
        if (user.role === 'province_admin') extra.push(`${paths.staffHome}/phan-anh/chien-dich/${fixtures.campaignId}`);
        // A page of an area the role may not use ("access denied"), and one that does not exist.
        if (user.role === 'site_staff') extra.push(`${paths.staffHome}/he-thong`, `${paths.staffHome}/khong-co`);

        const queue = [paths.staffHome, ...extra];
        const shapes = new Set<string>();
        while (queue.length > 0 && visited.size < MAX_PAGES_PER_ROLE) {
          const path = queue.shift()!;
          const shape = shapeOf(path);
          if (shapes.has(shape)) continue;
          shapes.add(shape);
          await page.goto(path);
          await check(page, `${user.username} ${path}`, found);
          await checkUnfolded(page, `${user.username} ${path}`, found);
          visited.add(new URL(page.url()).pathname);
          // A "new …" page (…/moi): its form sent empty, with its errors shown.
          if (new URL(page.url()).pathname.endsWith('/moi')) {
            const submit = page.locator('main form button[type="submit"]').first();
            if ((await submit.count()) > 0) {
              await submit.click();
              await page.waitForTimeout(500);
              await check(page, `${user.username} ${path} (sent empty)`, found);
            }
          }
          const links = await page.$$eval('a[href]', (anchors) =>
            anchors
              .filter((a) => !a.hasAttribute('download') && (a as HTMLAnchorElement).target !== '_blank')
              .map((a) => new URL((a as HTMLAnchorElement).href).pathname),
          );
          for (const link of links) {
            if (link.startsWith(paths.staffHome) && !shapes.has(shapeOf(link))) queue.push(link);
          }
          for (const href of await page.$$eval('nav[aria-label="Chức năng quản trị"] a[href]', (as) =>
            as.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
          ))
            staffNav.add(href);
          for (const href of await page.$$eval('nav[aria-label="Các mục quản trị"] a[href]', (as) =>
            as.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
          ))
            adminNav.add(href);
        }

        // Forms with their validation errors shown.
        if (user.role === 'site_staff') {
          await page.goto(`${paths.staffHome}/buoi-tiem`);
          await page.getByRole('button', { name: 'Mở buổi tiêm', exact: true }).click();
          await alertWith(page, 'Chọn ít nhất một lô vắc xin.');
          await check(page, `${user.username} open session, no lot`, found);
          await page.goto(`${paths.staffHome}/tiep-don/dang-ky`);
          const submit = page.locator('main form button[type="submit"]').first();
          await submit.click();
          await page.waitForTimeout(300);
          await check(page, `${user.username} new person, sent empty`, found);
          await page.goto(`${paths.staffHome}/buoi-tiem/${fixtures.sessionId}/ket-thuc`);
          const close = page.locator('main form button[type="submit"]').first();
          if ((await close.count()) > 0) {
            await close.click();
            await page.waitForTimeout(300);
            await check(page, `${user.username} close session, sent empty`, found);
          }
        }
        console.info(`${user.username}: ${visited.size} pages checked\n  ${[...visited].join('\n  ')}`);
        expect(visited.size).toBeGreaterThan(1);
        expect(found, `\n${found.join('\n\n')}`).toEqual([]);
        expect(pageErrors).toEqual([]);
      });
    }

    it('the pages checked cover every entry of STAFF_AREAS and ADMIN_SECTIONS', () => {
      const areas = tableIds('apps/web/src/staff/areas.ts', 'STAFF_AREAS');
      const sections = tableIds('apps/web/src/staff/admin/sections.ts', 'ADMIN_SECTIONS');
      expect(areas.length).toBeGreaterThan(5);
      expect(sections.length).toBeGreaterThan(3);
      // Each entry is a link of the navigation for some role, and each link's page was checked.
      expect(staffNav.size).toBe(areas.length);
      expect(adminNav.size).toBe(sections.length);
      const all = new Set([...checked.values()].flatMap((s) => [...s]));
      for (const href of [...staffNav, ...adminNav]) {
        expect(
          [...all].some((p) => p === href || p.startsWith(`${href}/`)),
          href,
        ).toBe(true);
      }
    });
  });
});
