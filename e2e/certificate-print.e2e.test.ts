import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { DEMO_PASSWORD, demoUser, useServerAndBrowser } from './helpers';

/**
 * "100 % of certificates printed from the platform": at the desk, the person's card shows the
 * certificate status and prints it as PDF (A4 or card); the session board prints the whole session.
 */
describe('printing certificates at the desk (browser)', () => {
  const env = useServerAndBrowser();

  it('the person card prints the certificate from platform data', async () => {
    const citizen = simulatorCitizens().filter((c) => c.provinceCode === '87')[5]!;
    const login = await fetch(`${env.server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(demoUser('caolanh.tiem')),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const person = (await (
      await fetch(`${env.server.baseUrl}/api/people`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...citizen, districtCode: '866' }),
      })
    ).json()) as { id: string };
    for (const administeredOn of ['2021-10-01', '2021-10-29']) {
      const r = await fetch(`${env.server.baseUrl}/api/people/${person.id}/doses`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          vaccineCode: 'EU/1/20/1528',
          lotNumber: 'FF2587',
          administeredOn,
          facilityId: 'DT-CL-01',
        }),
      });
      expect(r.status).toBe(201);
    }

    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('caolanh.tiem');
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL('**/quan-tri**');
    await page.goto(`/quan-tri/tiep-don/nguoi/${person.id}`);
    const panel = page.getByRole('region', { name: 'Chứng nhận tiêm chủng' });
    await panel.waitFor();
    await expect.poll(() => panel.textContent()).toMatch(/đủ liều cơ bản/i);
    const a4 = page.getByRole('link', { name: 'In chứng nhận (A4)' });
    const href = await a4.getAttribute('href');
    expect(href).toBe(`/api/people/${person.id}/certificate.pdf?layout=a4`);
    // The link works with the page's own session cookie.
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.getByRole('link', { name: 'In thẻ chứng nhận' }).getAttribute('href')).toContain('layout=card');
    await context.close();
  });
});
