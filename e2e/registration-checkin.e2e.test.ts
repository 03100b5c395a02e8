import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import {
  apiJson,
  apiToken,
  assertWebBuilt,
  launchBrowser,
  registerOnPortal,
  signInThroughPage,
  startServer,
  type TestServer,
  vnDate,
} from './helpers';

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

  const json = <T>(path: string, init?: RequestInit & { token?: string }) => apiJson<T>(server, path, init);

  const token = (username: string, password?: string) => apiToken(server, username, password);

  it('scanning TCDK:… into the check-in box adds the registrant to the waiting column', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[9]!;
    const { start, confirmed } = await registerOnPortal(server, c, { districtCode: '866' });
    expect(start.status).toBe(202);
    expect(confirmed.body.qr).toMatch(/^TCDK:DK-/);

    const site = await token('caolanh.tiem', 'TiemChung@2021');
    const session = await json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ facilityId: 'DT-CL-01', sessionDate: vnDate(), lotNumbers: ['FF2587'] }),
    });
    expect(session.status).toBe(201);

    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await signInThroughPage(page, 'caolanh.tiem');
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
