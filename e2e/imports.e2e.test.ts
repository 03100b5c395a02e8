import { readFile } from 'node:fs/promises';
import { ERROR_CATALOGUE, type ImportJob } from '@tiemchung/core';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import {
  axeViolations,
  callApi,
  demoUser,
  FACILITY_ID,
  isFocused,
  openStaffPage,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  type StaffAccount,
  saveScreenshot,
  startServer,
  type TestServer,
  useServerAndBrowser,
  visible,
} from './helpers';

/** The contract's header row, written out here (not taken from core): the test is the contract. */
const CONTRACT_HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm';
const IMPORTS = '/quan-tri/nhap-mui-tiem';
const PHONE = { width: 320, height: 640 };
/** How long an import may take to end (the runner looks every 2 s). */
const UNTIL_DONE = { timeout: 30_000, interval: 250 };

type Citizen = ReturnType<typeof simulatorCitizens>[number];

/** dd/MM/yyyy of an ISO date. */
const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A row of the template: one dose of a person at the demo site of Cao Lãnh. */
function rowOf(p: Citizen, o: { on?: string; lot?: string } = {}): string[] {
  return [
    p.fullName,
    vn(p.dateOfBirth),
    p.gender === 'male' ? 'Nam' : 'Nữ',
    p.idNumber,
    p.phone,
    p.provinceCode,
    PFIZER,
    o.lot ?? PFIZER_LOT,
    o.on ?? '15/09/2021',
    FACILITY_ID,
  ];
}

/** A CSV file as a spreadsheet saves it: BOM, `,`, CRLF. */
function csvOf(rows: string[][]): Buffer {
  const cell = (c: string) => (/[",;\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const lines = [CONTRACT_HEADER.split(','), ...rows].map((r) => r.map(cell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** A sheet's rows as text (empty cells as ''). */
function rowsOf(ws: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (c, i) => {
      cells[i - 1] = c.value == null ? '' : String(c.value);
    });
    rows[n - 1] = cells;
  });
  return rows;
}

/** Adults of Đồng Tháp the registry simulator knows (valid names, ID numbers, phones). */
const citizens = simulatorCitizens()
  .filter((c) => c.provinceCode === '87' && c.dateOfBirth > '1950-01-01' && c.dateOfBirth < '2000-01-01')
  .map(({ fullName, dateOfBirth, gender, idNumber, phone, provinceCode }) => ({
    fullName,
    dateOfBirth,
    gender,
    idNumber,
    phone,
    provinceCode,
  }));

/** A new browser context (downloads kept; axe may be injected) signed in as `user` on the staff home. */
function signedIn(
  browser: Browser,
  server: TestServer,
  user: StaffAccount,
  errors: Error[],
): Promise<{ context: BrowserContext; page: Page }> {
  return openStaffPage(browser, server, user, errors, PHONE, {
    acceptDownloads: true,
    bypassCSP: true,
    locale: 'vi-VN',
  });
}

/** The figure of the summary named `label` (its tile's value, as shown). */
const figure = (page: Page, label: string): Locator =>
  page
    .locator('.imports-figures > div')
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator('dd');

/** The summary's figures by their Vietnamese labels, as numbers. */
async function summaryOf(page: Page, dryRun = false) {
  const value = async (label: string) => Number((await figure(page, label).textContent())?.replace(/\./g, ''));
  return {
    rowsRead: await value('Số dòng đã đọc'),
    imported: await value(dryRun ? 'Số mũi tiêm sẽ được nhập' : 'Số mũi tiêm đã nhập'),
    matchedPeople: await value('Khớp với người đã có hồ sơ'),
    newPeople: await value('Hồ sơ người mới'),
    duplicatesFlagged: await value('Nghi trùng hồ sơ (cần xem xét)'),
    skippedAlreadyImported: await value('Đã có từ trước (bỏ qua)'),
    rejected: await value('Số dòng bị từ chối'),
  };
}

/** The job id the address names. */
const jobIdOfPage = (page: Page) => new URL(page.url()).searchParams.get('id') ?? '';

/** Chooses the file, submits the form and waits for the job's address; answers its id. */
async function upload(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
  o: { dryRun?: boolean } = {},
): Promise<string> {
  await page.getByLabel('Tệp dữ liệu (CSV hoặc XLSX)').setInputFiles(file);
  if (o.dryRun) await page.getByLabel('Chỉ chạy thử: kiểm tra mọi dòng nhưng không ghi dữ liệu').check();
  await page.getByRole('button', { name: o.dryRun ? 'Tải lên và chạy thử' : 'Tải lên và nhập' }).click();
  await page.waitForURL((url) => url.pathname === IMPORTS && url.searchParams.has('id'));
  return jobIdOfPage(page);
}

/** Waits until the job's live status says it is done (the progress full), and answers the status text. */
async function untilDone(page: Page): Promise<string> {
  const live = page.locator('.imports-live[role="status"]');
  await expect.poll(async () => (await live.textContent()) ?? '', UNTIL_DONE).toMatch(/^Đã (xong|chạy thử xong)/);
  return (await live.textContent()) ?? '';
}

/** "Nhập tệp khác": back to the form. */
async function another(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Nhập tệp khác' }).click();
  await page.waitForURL((url) => url.pathname === IMPORTS && !url.searchParams.has('id'));
  await visible(page.getByRole('heading', { level: 2, name: '2. Tải tệp lên' }));
}

/** axe's WCAG A/AA failures on the page as shown, and whether anything is wider than the screen. */
async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations.map((v) => `${label}: ${v.rule} ${v.help} ${v.nodes.map((x) => x.target).join(', ')}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${label}: wider than the screen`).toBeLessThanOrEqual(0);
}

/**
 * The bulk import's screen (issue 16): a site's staff member, on a phone-sized screen, downloads
 * the templates, imports a file with good and bad rows and watches it to the end, reads the
 * summary and the rejections by reason, downloads the rejected rows (their reasons in Vietnamese),
 * fixes them (a dry run, then for real: all imported), and imports the first file again: nothing
 * new. Then, on a server whose runner is off (the job waits), a province administrator chooses the
 * facility, reads the server's refusal beside the field, and cancels a waiting import — after a
 * reload, which shows the same job.
 */
describe('bulk import of historical doses (browser)', () => {
  const env = useServerAndBrowser();
  let context: BrowserContext | undefined;
  const pageErrors: Error[] = [];

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  it('a site imports a file, downloads and fixes the rejected rows, imports them, and a re-import adds nothing', async () => {
    expect(citizens.length).toBeGreaterThan(6);
    const [known, fresh1, fresh2, noName, badBirth, badLot] = citizens as [
      Citizen,
      Citizen,
      Citizen,
      Citizen,
      Citizen,
      Citizen,
    ];
    // One person already on record (registered at the desk): matched, not created again.
    const site = await env.token(SITE_STAFF.username);
    const created = await callApi(env.server, site, 'POST', '/api/people', known);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const good = [rowOf(known), rowOf(fresh1, { on: '20/10/2021' }), rowOf(fresh2)];
    const bad: { row: string[]; code: string; column: number; fixed: string; words: RegExp }[] = [
      {
        row: rowOf({ ...noName, fullName: '' }),
        code: 'import_value_required',
        column: 0,
        fixed: noName.fullName,
        words: /Họ và tên/,
      },
      {
        row: [...rowOf(badBirth).slice(0, 1), '31/02/1990', ...rowOf(badBirth).slice(2)],
        code: 'import_date_invalid',
        column: 1,
        fixed: vn(badBirth.dateOfBirth),
        words: /Ngày sinh: "31\/02\/1990" không phải ngày hợp lệ/,
      },
      { row: rowOf(badLot, { lot: 'KHONG-CO-LO' }), code: 'unknown_lot', column: 7, fixed: PFIZER_LOT, words: /Số lô/ },
    ];
    const firstFile = csvOf([...good, ...bad.map((b) => b.row)]);

    const opened = await signedIn(env.browser, env.server, SITE_STAFF, pageErrors);
    context = opened.context;
    const { page } = opened;
    await page.getByRole('link', { name: 'Nhập mũi tiêm', exact: true }).click();
    await page.waitForURL((url) => url.pathname === IMPORTS);
    await visible(page.getByRole('heading', { level: 1, name: 'Nhập mũi tiêm từ tệp' }));
    // A site imports for itself: its facility is named, not chosen.
    await visible(page.getByText('Trạm Y tế Phường 1, TP Cao Lãnh', { exact: true }));
    expect(await page.getByRole('combobox').count()).toBe(0);
    // The columns unfolded too, at 320 px and at desktop width.
    await page.getByText('Các cột của tệp', { exact: true }).click();
    await visible(page.getByText('Họ và tên — bắt buộc'));
    await saveScreenshot(page, 'imports-form-320');
    await expectAccessible(page, 'form');
    await page.setViewportSize({ width: 1280, height: 900 });
    await expectAccessible(page, 'form (desktop)');
    await page.setViewportSize(PHONE);

    // The templates, downloaded through the page with the session: the contract's header row.
    const [csvTemplate] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải tệp mẫu CSV' }).click(),
    ]);
    expect(csvTemplate.suggestedFilename()).toBe('mau-nhap-mui-tiem.csv');
    const template = await readFile(await csvTemplate.path());
    expect([...template.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(template.subarray(3).toString('utf8')).toBe(`${CONTRACT_HEADER}\r\n`);
    const [xlsxTemplate] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải tệp mẫu Excel (XLSX)' }).click(),
    ]);
    expect(xlsxTemplate.suggestedFilename()).toBe('mau-nhap-mui-tiem.xlsx');
    const templateBook = new ExcelJS.Workbook();
    await templateBook.xlsx.readFile(await xlsxTemplate.path());
    expect(rowsOf(templateBook.worksheets[0]!)[0]!.join(',')).toBe(CONTRACT_HEADER);

    // The file with good and bad rows: the job's address, its progress to the end.
    const firstId = await upload(page, { name: 'so-tiem-cu.csv', mimeType: 'text/csv', buffer: firstFile });
    expect(firstId).toMatch(/^[\w-]{8,}$/);
    const heading = page.getByRole('heading', { level: 2, name: 'Lượt nhập tệp so-tiem-cu.csv' });
    await visible(heading);
    await expect.poll(() => isFocused(heading)).toBe(true);
    expect(await untilDone(page)).toBe('Đã xong: đã nhập 3 dòng, từ chối 3 dòng.');
    const bar = page.getByRole('progressbar', { name: 'Tiến độ' });
    expect(await bar.evaluate((el) => [(el as HTMLProgressElement).value, (el as HTMLProgressElement).max])).toEqual([
      100, 100,
    ]);
    expect(await bar.getAttribute('aria-valuetext')).toBe('100 %');
    await visible(page.getByText(/^Đã đọc 6 \/ 6 dòng \(100\s%\)$/));
    await visible(page.getByText('Đã xong', { exact: true }));
    // No cancelling an import that has ended.
    expect(await page.getByRole('button', { name: 'Hủy lượt nhập' }).count()).toBe(0);

    // The summary: the API's figures, in Vietnamese.
    const job = (await callApi<ImportJob>(env.server, site, 'GET', `/api/imports/${firstId}`)).body;
    expect(job).toMatchObject({
      status: 'done',
      rowsRead: 6,
      imported: 3,
      rejected: 3,
      matchedPeople: 1,
      newPeople: 2,
    });
    expect(await summaryOf(page)).toEqual({
      rowsRead: 6,
      imported: 3,
      matchedPeople: 1,
      newPeople: 2,
      duplicatesFlagged: job.duplicatesFlagged,
      skippedAlreadyImported: 0,
      rejected: 3,
    });
    // The rejections by reason, labelled with the error catalogue's Vietnamese messages.
    const reasons = page.getByRole('table', { name: 'Lý do từ chối' });
    await visible(reasons);
    for (const b of bad) {
      const row = reasons.locator(`tbody tr[data-reason="${b.code}"]`);
      expect(Number(await row.locator('td').nth(1).textContent()), b.code).toBeGreaterThanOrEqual(1);
    }
    // Each with the column at fault, as the rejected rows' file writes it.
    expect(await reasons.locator('tr[data-reason="unknown_lot"] td').first().textContent()).toBe(
      `Số lô: ${ERROR_CATALOGUE.unknown_lot.vi}`,
    );
    expect(await reasons.locator('tr[data-reason="import_value_required"] td').first().textContent()).toBe(
      'Họ và tên: Chưa có họ và tên.',
    );
    await saveScreenshot(page, 'imports-summary-320');
    await expectAccessible(page, 'summary');

    // The rejected rows, downloaded through the page: the original columns, the row, the reasons in Vietnamese.
    const [rejectedDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải các dòng bị từ chối (XLSX)' }).click(),
    ]);
    expect(rejectedDownload.suggestedFilename()).toBe(`dong-bi-tu-choi-${firstId}.xlsx`);
    const rejectedBook = new ExcelJS.Workbook();
    await rejectedBook.xlsx.readFile(await rejectedDownload.path());
    const sheet = rejectedBook.worksheets[0]!;
    const [header, ...rejectedRows] = rowsOf(sheet);
    expect(header).toEqual([...CONTRACT_HEADER.split(','), 'Dòng trong tệp gốc', 'Lý do bị từ chối']);
    expect(rejectedRows).toHaveLength(bad.length);
    bad.forEach((b, i) => {
      const r = rejectedRows[i]!;
      expect(r.slice(0, 10), b.code).toEqual(b.row);
      expect(Number(r[10]), b.code).toBe(good.length + i + 2);
      expect(r[11], b.code).toMatch(b.words);
    });

    // The clerk fixes the rejected rows in that file and checks it first (a dry run: nothing written).
    bad.forEach((b, i) => {
      sheet.getRow(i + 2).getCell(b.column + 1).value = b.fixed;
    });
    const fixedFile = Buffer.from(await rejectedBook.xlsx.writeBuffer());
    const xlsx = {
      name: 'dong-bi-tu-choi-da-sua.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: fixedFile,
    };
    await another(page);
    const dryId = await upload(page, xlsx, { dryRun: true });
    expect(await untilDone(page)).toBe('Đã chạy thử xong: 3 dòng sẽ được nhập, 0 dòng bị từ chối.');
    await visible(page.getByText('Chạy thử', { exact: true }));
    expect(await summaryOf(page, true)).toMatchObject({ imported: 3, newPeople: 3, rejected: 0 });
    expect((await callApi<ImportJob>(env.server, site, 'GET', `/api/imports/${dryId}`)).body.dryRun).toBe(true);

    // For real: every fixed row imported, none rejected, no rejected rows to download.
    await another(page);
    await upload(page, xlsx);
    expect(await untilDone(page)).toBe('Đã xong: đã nhập 3 dòng, từ chối 0 dòng.');
    expect(await summaryOf(page)).toMatchObject({ rowsRead: 3, imported: 3, newPeople: 3, rejected: 0 });
    await visible(page.getByText('Không có dòng nào bị từ chối.'));
    expect(await page.getByRole('link', { name: 'Tải các dòng bị từ chối (XLSX)' }).count()).toBe(0);

    // The first file again: nothing new — its good rows already imported, no one created.
    await another(page);
    const againId = await upload(page, { name: 'so-tiem-cu.csv', mimeType: 'text/csv', buffer: firstFile });
    expect(await untilDone(page)).toMatch(/^Đã xong: đã nhập 0 dòng/);
    const again = await summaryOf(page);
    expect(again).toMatchObject({ rowsRead: 6, imported: 0, newPeople: 0 });
    expect(again.skippedAlreadyImported).toBeGreaterThanOrEqual(good.length);
    expect(again.skippedAlreadyImported + again.rejected).toBe(6);

    // A reload shows the same job (its id is in the address).
    await page.reload();
    await visible(page.getByRole('heading', { level: 2, name: 'Lượt nhập tệp so-tiem-cu.csv' }));
    expect(jobIdOfPage(page)).toBe(againId);
    expect(await summaryOf(page)).toEqual(again);
    expect(pageErrors).toEqual([]);
  });

  describe('an import waiting for the runner (its interval 0: the job stays queued)', () => {
    let idle: TestServer;
    beforeAll(async () => {
      idle = await startServer({ env: { IMPORTS_INTERVAL_MS: '0' } });
    });
    afterAll(async () => {
      await idle?.stop();
    });

    it('a province administrator chooses the facility, reads the server’s refusal, and cancels a waiting import after a reload', async () => {
      const opened = await signedIn(env.browser, idle, demoUser('dongthap.admin'), pageErrors);
      context = opened.context;
      const { page } = opened;
      await page.goto(IMPORTS);
      const facility = page.getByRole('combobox', { name: 'Cơ sở tiêm thực hiện nhập' });
      await visible(facility);
      // The facilities of Đồng Tháp only.
      await expect
        .poll(() =>
          facility
            .locator('option')
            .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean)),
        )
        .toEqual(['DT-SD-01', 'DT-CL-01']);

      // Nothing chosen: said beside each field, the focus on the first.
      await page.getByRole('button', { name: 'Tải lên và nhập' }).click();
      const fileInput = page.getByLabel('Tệp dữ liệu (CSV hoặc XLSX)');
      await visible(page.getByText('Chọn tệp CSV hoặc XLSX cần nhập.'));
      await visible(page.getByText('Chọn cơ sở tiêm thực hiện nhập.'));
      await expect.poll(() => isFocused(fileInput)).toBe(true);
      expect(await fileInput.getAttribute('aria-invalid')).toBe('true');

      // An old Excel file: the server's message (the catalogue's, in Vietnamese) beside the file field.
      await facility.selectOption(FACILITY_ID);
      await fileInput.setInputFiles({
        name: 'so-cu.xls',
        mimeType: 'application/vnd.ms-excel',
        buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      });
      await page.getByRole('button', { name: 'Tải lên và nhập' }).click();
      await visible(page.getByText(ERROR_CATALOGUE.import_file_type_unsupported.vi));
      await expect.poll(() => isFocused(fileInput)).toBe(true);
      await saveScreenshot(page, 'imports-refused-320');
      expect(new URL(page.url()).searchParams.has('id')).toBe(false);

      // A file taken: the job waits (no runner here); a reload shows it again, cancelled by the button.
      const id = await upload(page, {
        name: 'cho-xu-ly.csv',
        mimeType: 'text/csv',
        buffer: csvOf([rowOf(citizens[7]!)]),
      });
      const live = page.locator('.imports-live[role="status"]');
      await expect.poll(() => live.textContent()).toBe('Đang chờ bắt đầu…');
      await page.reload();
      await visible(page.getByRole('heading', { level: 2, name: 'Lượt nhập tệp cho-xu-ly.csv' }));
      expect(jobIdOfPage(page)).toBe(id);
      await expect.poll(() => live.textContent()).toBe('Đang chờ bắt đầu…');
      await visible(page.getByText('Đang chờ', { exact: true }));
      await saveScreenshot(page, 'imports-waiting-320');
      await expectAccessible(page, 'waiting');

      // Back on the form, the import is found again among the recent ones, and opened from there by keyboard.
      await another(page);
      const entry = page.getByRole('list', { name: 'Các lượt nhập gần đây' }).locator(`[data-import="${id}"]`);
      await visible(entry);
      await visible(entry.getByText('Đang chờ', { exact: true }));
      expect(await entry.textContent()).toContain('dongthap.admin');
      await expectAccessible(page, 'recent imports');
      await saveScreenshot(page, 'imports-recent-320');
      await entry.getByRole('link', { name: 'cho-xu-ly.csv' }).focus();
      await page.keyboard.press('Enter');
      await visible(page.getByRole('heading', { level: 2, name: 'Lượt nhập tệp cho-xu-ly.csv' }));
      expect(jobIdOfPage(page)).toBe(id);
      const cancel = page.getByRole('button', { name: 'Hủy lượt nhập' });
      await cancel.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => live.textContent()).toBe('Đã hủy lượt nhập.');
      await visible(page.getByText('Đã hủy', { exact: true }));
      expect(await cancel.count()).toBe(0);
      const admin = await callApi<{ token: string }>(idle, null, 'POST', '/api/auth/login', demoUser('dongthap.admin'));
      const job = await callApi<ImportJob>(idle, admin.body.token, 'GET', `/api/imports/${id}`);
      expect(job.body).toMatchObject({ status: 'cancelled', rowsRead: 0, imported: 0 });
      expect(pageErrors).toEqual([]);
    });
  });
});
