import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import { DEMO_PASSWORD, registerOnPortal, signInThroughPage, useServerAndBrowser, vnDate } from './helpers';

/**
 * Đăng ký tiêm → check-in: a citizen registers on the portal (OTP), gets a QR; at the site the
 * desk scans it into the session board's check-in box and the registrant joins the queue. And the
 * other QR a citizen brings: the certificate QR their e-health book shows.
 */
describe('a registrant checked in at the site by the registration QR (browser)', () => {
  const env = useServerAndBrowser();

  /** A session at Cao Lãnh today, opened by its site staff through the API. */
  async function openSession(site: string, name?: string): Promise<{ id: string }> {
    const session = await env.json<{ id: string }>('/api/sessions', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ facilityId: 'DT-CL-01', sessionDate: vnDate(), name, lotNumbers: ['FF2587'] }),
    });
    expect(session.status).toBe(201);
    return session.body;
  }

  /** The session board in a new browser context, signed in as the site staff, and its check-in box. */
  async function openBoard(sessionId: string) {
    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    await signInThroughPage(page, 'caolanh.tiem');
    await page.goto(`/quan-tri/buoi-tiem/${sessionId}`);
    const box = page.getByLabel('Tìm người đến tiêm: số CCCD/CMND, số điện thoại hoặc họ tên');
    await box.waitFor();
    return { context, page, box };
  }

  it('scanning TCDK:… into the check-in box adds the registrant to the waiting column', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[9]!;
    const { start, confirmed } = await registerOnPortal(env.server, c, { districtCode: '866' });
    expect(start.status).toBe(202);
    expect(confirmed.body.qr).toMatch(/^TCDK:DK-/);

    const site = await env.token('caolanh.tiem', DEMO_PASSWORD);
    const session = await openSession(site);

    const { context, page, box } = await openBoard(session.id);
    // A USB scanner types the QR text and Enter.
    await box.fill(confirmed.body.qr);
    await box.press('Enter');
    // The notice shows on the board and is read out by the screen-reader announcer too.
    await page
      .locator('.check-in__notice')
      .getByText(/Đã tiếp nhận người đăng ký qua mã QR — số thứ tự 1/)
      .waitFor();
    await page.getByText(c.fullName).first().waitFor();

    const board = await env.json<{ visits: { checkInMethod: string; person: { fullName: string } }[] }>(
      `/api/sessions/${session.id}`,
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

  it('scanning the e-health book’s certificate QR (HC1:…) checks its holder in; an altered one is refused', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[11]!;
    const site = await env.token('caolanh.tiem', DEMO_PASSWORD);
    const person = await env.json<{ id: string }>('/api/people', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ ...personBodyOf(c), districtCode: '866' }),
    });
    expect(person.status).toBe(201);
    const dose = await env.json(`/api/people/${person.body.id}/doses`, {
      method: 'POST',
      token: site,
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({
        vaccineCode: 'EU/1/20/1528',
        lotNumber: 'FF2587',
        administeredOn: '2021-10-01',
        facilityId: 'DT-CL-01',
      }),
    });
    expect(dose.status).toBe(201);
    const cert = await env.json<{ qr: string }>(`/api/people/${person.body.id}/certificate`, { token: site });
    expect(cert.body.qr).toMatch(/^HC1:/);
    const session = await openSession(site, 'Buổi chiều');

    const { context, page, box } = await openBoard(session.id);
    const altered = cert.body.qr.slice(0, 60) + (cert.body.qr[60] === 'A' ? 'B' : 'A') + cert.body.qr.slice(61);
    await box.fill(altered);
    await box.press('Enter');
    await page.getByText('Không tiếp nhận được theo mã QR Sổ sức khỏe điện tử').waitFor();
    await page.getByText(/không phải chứng nhận tiêm chủng do Nền tảng cấp/).waitFor();

    await box.fill(cert.body.qr);
    await box.press('Enter');
    await page
      .locator('.check-in__notice')
      .getByText(/Đã tiếp nhận theo mã QR Sổ sức khỏe điện tử — số thứ tự 1/)
      .waitFor();
    const board = await env.json<{ visits: { checkInMethod: string; personId: string }[] }>(
      `/api/sessions/${session.id}`,
      {
        token: site,
      },
    );
    expect(board.body.visits).toEqual([
      expect.objectContaining({ checkInMethod: 'health_book_qr', personId: person.body.id }),
    ]);
    await context.close();
  });
});
