import { SCREENING_QUESTIONS } from '@tiemchung/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { assertWebBuilt, launchBrowser, startServer, TEST_ADMIN_PASSWORD, type TestServer } from './helpers';

/** A date some days ahead in Vietnam, YYYY-MM-DD. */
function daysAhead(days: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * "Đăng ký tiêm" in the staff app: the province assigns a portal registration to a vaccination
 * site; the site invites the registrant by SMS for a date.
 */
describe('registrations: the province assigns, the site invites (browser)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function json<T>(
    path: string,
    init: RequestInit & { token?: string } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill('TiemChung@2021');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL('**/quan-tri**');
    return page;
  }

  it('a registrant goes from "Chờ phân bổ" to assigned to Trạm Y tế Phường 1, then invited by SMS', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[11]!;
    const preferred = daysAhead(5);
    const start = await json<{ registrationId: string }>('/api/portal/registrations', {
      method: 'POST',
      body: JSON.stringify({
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        phone: c.phone,
        idNumber: c.idNumber,
        priorityGroup: 'teacher',
        provinceCode: '87',
        districtCode: '866',
        nationality: 'VN',
        preferredDate: preferred,
        checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
        consent: true,
      }),
    });
    expect(start.status).toBe(202);
    const admin = (
      await json<{ token: string }>('/api/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      })
    ).body.token;
    const outbox = async () =>
      (await json<{ items: { text: string }[] }>(`/api/admin/sms-outbox?to=${c.phone}`, { token: admin })).body.items;
    const otp = /\b(\d{6})\b/.exec((await outbox())[0]!.text)![1]!;
    const confirmed = await json(`/api/portal/registrations/${start.body.registrationId}/verify`, {
      method: 'POST',
      body: JSON.stringify({ otp }),
    });
    expect(confirmed.status).toBe(200);

    // The province: the registration waits for assignment; assign it to the site.
    const province = await signIn('dongthap.admin');
    await province.getByRole('link', { name: 'Đăng ký tiêm' }).click();
    await province.getByRole('heading', { name: 'Đăng ký tiêm', level: 1 }).waitFor();
    const card = province.getByRole('article', { name: c.fullName });
    await card.waitFor();
    expect(await card.getByText('Chờ phân bổ').isVisible()).toBe(true);
    expect(await card.getByText('Giáo viên, người làm việc tại cơ sở giáo dục').isVisible()).toBe(true);
    await card.getByLabel('Cơ sở tiêm').selectOption({ label: 'Trạm Y tế Phường 1, TP Cao Lãnh' });
    await card.getByRole('button', { name: 'Phân bổ' }).click();
    await province.getByText(`Đã phân bổ ${c.fullName} về Trạm Y tế Phường 1, TP Cao Lãnh.`).waitFor();
    // Gone from "Chờ phân bổ"; listed under "Đã phân bổ".
    await card.waitFor({ state: 'detached' });
    await province.context().close();

    // The site: it sees the registration assigned to it, and invites for the preferred date.
    const site = await signIn('caolanh.tiem');
    await site.goto('/quan-tri/dang-ky');
    await site.getByLabel('Trạng thái').selectOption({ label: 'Đã phân bổ' });
    const mine = site.getByRole('article', { name: c.fullName });
    await mine.waitFor();
    expect(await mine.getByLabel('Ngày mời tiêm').inputValue()).toBe(preferred);
    await mine.getByRole('button', { name: 'Nhắn tin mời tiêm' }).click();
    const shown = `${preferred.slice(8, 10)}/${preferred.slice(5, 7)}/${preferred.slice(0, 4)}`;
    await site.getByText(`Đã nhắn tin mời ${c.fullName} đến tiêm ngày ${shown}.`).waitFor();
    await site.context().close();

    const invitation = (await outbox()).find((m) => m.text.startsWith('Moi ban den tiem'));
    expect(invitation?.text).toContain(shown);
    expect(invitation?.text).toContain('Tram Y te Phuong 1');
  });

  it('the session board lists those invited for today; one click checks a registrant in', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[12]!;
    const start = await json<{ registrationId: string }>('/api/portal/registrations', {
      method: 'POST',
      body: JSON.stringify({
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        phone: c.phone,
        idNumber: c.idNumber,
        priorityGroup: 'other',
        provinceCode: '87',
        nationality: 'VN',
        checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
        consent: true,
      }),
    });
    const login = async (username: string, password: string) =>
      (
        await json<{ token: string }>('/api/auth/login', {
          method: 'POST',
          body: JSON.stringify({ username, password }),
        })
      ).body.token;
    const admin = await login('admin', TEST_ADMIN_PASSWORD);
    const sms = await json<{ items: { text: string }[] }>(`/api/admin/sms-outbox?to=${c.phone}`, { token: admin });
    const otp = /\b(\d{6})\b/.exec(sms.body.items[0]!.text)![1]!;
    const confirmed = await json<{ code: string }>(`/api/portal/registrations/${start.body.registrationId}/verify`, {
      method: 'POST',
      body: JSON.stringify({ otp }),
    });
    const province = await login('dongthap.admin', 'TiemChung@2021');
    const site = await login('caolanh.tiem', 'TiemChung@2021');
    const reg = (
      await json<{ items: { id: string; code: string }[] }>('/api/registrations', { token: province })
    ).body.items.find((r) => r.code === confirmed.body.code)!;
    await json(`/api/registrations/${reg.id}/assign`, {
      method: 'POST',
      token: province,
      body: JSON.stringify({ facilityId: 'DT-CL-01' }),
    });
    const today = daysAhead(0);
    const invited = await json(`/api/registrations/${reg.id}/invite`, {
      method: 'POST',
      token: site,
      body: JSON.stringify({ date: today }),
    });
    expect(invited.status).toBe(200);
    const session = await json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ facilityId: 'DT-CL-01', sessionDate: today, lotNumbers: ['FF2587'] }),
    });
    expect(session.status).toBe(201);

    const page = await signIn('caolanh.tiem');
    await page.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
    const list = page.getByRole('region', { name: /^Được mời hôm nay/ });
    await list.waitFor();
    await list.getByRole('button', { name: `Tiếp nhận ${c.fullName}` }).click();
    // Checked in: gone from the invited list (the list hides when empty), on the board.
    await list.waitFor({ state: 'detached' });
    const board = await json<{ visits: { checkInMethod: string; person: { fullName: string } }[] }>(
      `/api/sessions/${session.body.id}`,
      { token: site },
    );
    expect(board.body.visits).toEqual([
      expect.objectContaining({ checkInMethod: 'list', person: expect.objectContaining({ fullName: c.fullName }) }),
    ]);
    await page.getByText(c.fullName).first().waitFor();
    await page.context().close();
  });
});
