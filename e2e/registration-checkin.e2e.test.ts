import { SCREENING_QUESTIONS } from '@tiemchung/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { assertWebBuilt, launchBrowser, startServer, TEST_ADMIN_PASSWORD, type TestServer } from './helpers';

/** Today in Vietnam (the site's day). */
function todayIso(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Đăng ký tiêm → check-in: a citizen registers on the portal (OTP), gets a QR; at the site the
 * desk scans it into the session board's check-in box and the registrant joins the queue.
 */
describe('a registrant checked in at the site by the registration QR (browser)', () => {
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
  async function token(username: string, password: string): Promise<string> {
    return (
      await json<{ token: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) })
    ).body.token;
  }

  it('scanning TCDK:… into the check-in box adds the registrant to the waiting column', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[9]!;
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
        districtCode: '866',
        nationality: 'VN',
        checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
        consent: true,
      }),
    });
    expect(start.status).toBe(202);
    const admin = await token('admin', TEST_ADMIN_PASSWORD);
    const outbox = await json<{ items: { text: string }[] }>(`/api/admin/sms-outbox?to=${c.phone}`, { token: admin });
    const otp = /\b(\d{6})\b/.exec(outbox.body.items[0]!.text)![1]!;
    const confirmed = await json<{ qr: string }>(`/api/portal/registrations/${start.body.registrationId}/verify`, {
      method: 'POST',
      body: JSON.stringify({ otp }),
    });
    expect(confirmed.body.qr).toMatch(/^TCDK:DK-/);

    const site = await token('caolanh.tiem', 'TiemChung@2021');
    const session = await json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ facilityId: 'DT-CL-01', sessionDate: todayIso(), lotNumbers: ['FF2587'] }),
    });
    expect(session.status).toBe(201);

    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('caolanh.tiem');
    await page.getByLabel('Mật khẩu').fill('TiemChung@2021');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL('**/quan-tri**');
    await page.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
    const box = page.getByLabel('Tìm người đến tiêm: số CCCD/CMND, số điện thoại hoặc họ tên');
    await box.waitFor();
    // A USB scanner types the QR text and Enter.
    await box.fill(confirmed.body.qr);
    await box.press('Enter');
    // The notice shows on the board and is read out by the screen-reader announcer too.
    await page
      .locator('.check-in__notice')
      .getByText(/Đã tiếp nhận người đăng ký qua mã QR — số thứ tự 1/)
      .waitFor();
    await page.getByText(c.fullName).first().waitFor();

    const board = await json<{ visits: { checkInMethod: string; person: { fullName: string } }[] }>(
      `/api/sessions/${session.body.id}`,
      { token: site },
    );
    expect(board.body.visits).toEqual([
      expect.objectContaining({
        checkInMethod: 'registration_qr',
        person: expect.objectContaining({ fullName: c.fullName }),
      }),
    ]);
    await context.close();
  });
});
