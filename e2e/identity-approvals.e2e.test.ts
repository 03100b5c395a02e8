import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SCREENING_QUESTIONS } from '@tiemchung/core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { otherCccd } from '../apps/server/src/test/factories.ts';
import { DEMO_PASSWORD, FACILITY_ID, PFIZER_LOT, useServerAndBrowser, vnDate } from './helpers';

/**
 * Identity approvals (issue 14, point 2), in the browser against the built server: a person the
 * population registry does not confirm is checked in at a session; the dose is refused; the desk
 * sends the person for approval with a reason; the district administrator (caolanh.admin) approves
 * in the work list; the desk — without reloading — sees the approval and records the dose; the
 * person's audit trail names the reason, the requester and the approver. And a refusal, with its
 * reason, shown at the desk.
 */
const env = useServerAndBrowser();
const contexts: BrowserContext[] = [];
/** Set to a directory to save screenshots of the screens. */
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR;

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}
const pageErrors: Error[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Adults of TP Cao Lãnh's province whom the simulator knows — given an ID number it does not know. */
const citizens = simulatorCitizens().filter(
  (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
);

async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

async function signedIn(username: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await env.browser.newContext({ viewport, baseURL: env.server.baseUrl });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/quan-tri');
  return page;
}

/** Registers the n-th citizen with an ID number the registry does not know: identity not_found. */
async function unconfirmedPerson(n: number, token: string) {
  const c = citizens[n]!;
  const created = await env.json<{ id: string; fullName: string; verification: { status: string } }>('/api/people', {
    method: 'POST',
    token,
    body: JSON.stringify({
      fullName: c.fullName,
      dateOfBirth: c.dateOfBirth,
      gender: c.gender,
      idNumber: otherCccd(c.idNumber),
      phone: c.phone,
      provinceCode: '87',
      districtCode: '866',
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.verification.status).toBe('not_found');
  return created.body;
}

describe('identity approvals — Phê duyệt định danh (browser)', () => {
  it('blocked dose → the desk asks → the district approves in the work list → the desk records the dose; the audit trail names reason, requester and approver', async () => {
    const desk = await env.token('caolanh.tiem');
    const person = await unconfirmedPerson(0, desk);
    // A session of today at the site, the person checked in and screened (as other desks would).
    const session = await env.json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: desk,
      body: JSON.stringify({ facilityId: FACILITY_ID, sessionDate: vnDate(), lotNumbers: [PFIZER_LOT] }),
    });
    expect(session.status).toBe(201);
    const visit = await env.json<{ id: string }>(`/api/sessions/${session.body.id}/visits`, {
      method: 'POST',
      token: desk,
      body: JSON.stringify({ id: crypto.randomUUID(), personId: person.id, method: 'search' }),
    });
    expect(visit.status).toBe(201);
    const allNo = Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
    const screened = await env.json(`/api/visits/${visit.body.id}/screening`, {
      method: 'POST',
      token: desk,
      body: JSON.stringify({ answers: allNo, outcome: 'vaccinate' }),
    });
    expect(screened.status).toBe(200);

    // The nurse opens the dose step: the identity blocks it — why, and the approval path.
    const nurse = await signedIn('caolanh.tiem');
    await nurse.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
    const column = nurse.getByRole('region', { name: /^Chờ tiêm/ });
    await (await visible(column.getByRole('link', { name: person.fullName }))).click();
    const step = await visible(nurse.getByRole('dialog', { name: /Tiêm vắc xin/ }));
    const panel = step.getByRole('region', { name: 'Phê duyệt định danh' });
    await visible(panel.getByText(/Định danh của người này chưa được xác nhận: Không có trong CSDL dân cư/));
    // Recording the dose anyway is refused by the server.
    await step.getByRole('button', { name: 'Ghi nhận mũi tiêm', exact: true }).click();
    await visible(step.getByRole('alert').filter({ hasText: 'phải xác thực định danh trước khi tiêm' }));

    // Sent for approval: a reason is required.
    await panel.getByRole('button', { name: 'Gửi cấp trên phê duyệt' }).click();
    await visible(panel.getByText('Nhập lý do (ít nhất 5 ký tự).'));
    const reason = 'Đã đối chiếu CCCD gắn chip tại bàn, ảnh khớp người đến tiêm';
    await panel.getByLabel('Lý do đề nghị phê duyệt').fill(reason);
    await panel.getByRole('button', { name: 'Gửi cấp trên phê duyệt' }).click();
    await visible(panel.getByText('Đang chờ cấp trên phê duyệt'));
    await visible(panel.getByText(`Lý do: ${reason}`, { exact: false }));
    // The form is gone: the focus is on the request's state (keyboard users go on from there).
    await expect
      .poll(() => panel.locator('[aria-live="polite"]').evaluate((el) => el.contains(document.activeElement)))
      .toBe(true);
    await screenshot(nurse, 'approval-desk-pending-1280', false);

    // The district administrator's work list: the request, with the registry's answer, who and why.
    const supervisor = await signedIn('caolanh.admin');
    await (
      await visible(
        supervisor
          .getByRole('navigation', { name: 'Chức năng quản trị' })
          .getByRole('link', { name: 'Phê duyệt định danh' }),
      )
    ).click();
    await supervisor.waitForURL((url) => url.pathname === '/quan-tri/phe-duyet');
    const card = await visible(supervisor.getByRole('article', { name: person.fullName }));
    await visible(card.getByText('Không có trong CSDL dân cư'));
    await visible(card.getByText(reason));
    await visible(card.getByText(/Nguyễn Thị Hồng.*\(caolanh\.tiem\)/));
    await visible(card.getByText('Trạm Y tế Phường 1, TP Cao Lãnh'));
    await screenshot(supervisor, 'approval-worklist-1280');
    const decision = 'Đã xác minh với công an phường: đúng người';
    await card.getByLabel('Lý do quyết định').fill(decision);
    await card.getByRole('button', { name: 'Phê duyệt', exact: true }).click();
    const done = await visible(supervisor.getByText(`Đã phê duyệt định danh của ${person.fullName}`, { exact: false }));
    await expect.poll(() => done.evaluate((el) => el.closest('[tabindex="-1"]') === document.activeElement)).toBe(true);

    // The desk sees it without reloading, and records the dose normally.
    await visible(panel.getByText('Cấp trên đã phê duyệt'), 30_000);
    await visible(panel.getByText('Có thể ghi nhận mũi tiêm như bình thường.'));
    await screenshot(nurse, 'approval-desk-approved-1280', false);
    await step.getByRole('button', { name: 'Ghi nhận mũi tiêm', exact: true }).click();
    await step.waitFor({ state: 'detached' });
    await visible(nurse.getByRole('region', { name: /^Đang theo dõi/ }).getByRole('link', { name: person.fullName }));
    const doses = await env.json<{ items: { sessionId: string }[] }>(`/api/people/${person.id}/doses`, { token: desk });
    expect(doses.body.items).toEqual([expect.objectContaining({ sessionId: session.body.id })]);

    // The person's audit trail: the reason, the requester and the approver.
    const admin = await env.token('caolanh.admin');
    const trail = await env.json<{ items: { action: string; actor: string; reason: string | null; after: any }[] }>(
      `/api/people/${person.id}/audit`,
      { token: admin },
    );
    expect(trail.status).toBe(200);
    expect(trail.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'identity_approval.request', actor: 'caolanh.tiem', reason }),
        expect.objectContaining({
          action: 'person.identity_override',
          actor: 'caolanh.admin',
          reason: decision,
          after: expect.objectContaining({
            requestedBy: 'caolanh.tiem',
            requestReason: reason,
            approvedBy: 'caolanh.admin',
          }),
        }),
        expect.objectContaining({ action: 'identity_approval.approve', actor: 'caolanh.admin', reason: decision }),
      ]),
    );
    expect(pageErrors).toEqual([]);
  });

  it('a refusal shows at the desk with its reason (reception person page, 320 px wide)', async () => {
    const desk = await env.token('caolanh.tiem');
    const person = await unconfirmedPerson(1, desk);
    const page = await signedIn('caolanh.tiem', { width: 320, height: 800 });
    await page.goto(`/quan-tri/tiep-don/nguoi/${person.id}`);
    const panel = await visible(page.getByRole('region', { name: 'Phê duyệt định danh' }));
    await panel.getByLabel('Lý do đề nghị phê duyệt').fill('Người dân có giấy xác nhận cư trú của công an');
    await panel.getByRole('button', { name: 'Gửi cấp trên phê duyệt' }).click();
    await visible(panel.getByText('Đang chờ cấp trên phê duyệt'));
    // No horizontal scrolling at 320 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    const supervisor = await signedIn('caolanh.admin');
    await supervisor.goto('/quan-tri/phe-duyet?status=pending');
    const card = await visible(supervisor.getByRole('article', { name: person.fullName }));
    const why = 'Năm sinh khác với CCCD: sửa thông tin cá nhân trước';
    // A reason is required to refuse too.
    await card.getByRole('button', { name: 'Từ chối', exact: true }).click();
    await visible(card.getByText('Nhập lý do (ít nhất 5 ký tự).'));
    await card.getByLabel('Lý do quyết định').fill(why);
    await card.getByRole('button', { name: 'Từ chối', exact: true }).click();
    await visible(supervisor.getByText(`Đã từ chối đề nghị về ${person.fullName}`, { exact: false }));

    await visible(panel.getByText(`Cấp trên từ chối: ${why}`), 30_000);
    // The desk may send a new request (after correcting the details, say).
    await visible(panel.getByRole('button', { name: 'Gửi cấp trên phê duyệt' }));
    await screenshot(page, 'approval-person-refused-320');
    // The record still blocks a vaccine passport: it is listed for the district, with why.
    await supervisor.getByRole('link', { name: 'Hồ sơ chặn hộ chiếu vắc xin' }).click();
    const blocked = await visible(supervisor.getByRole('list', { name: 'Hồ sơ bị chặn' }));
    const record = blocked.getByRole('listitem').filter({ hasText: person.fullName });
    await visible(record.getByText('Không có trong CSDL dân cư'));
    await visible(record.getByText(`Cấp trên đã từ chối: ${why}`));
    await screenshot(supervisor, 'approval-blocked-1280');
    expect(pageErrors).toEqual([]);
  });
});
