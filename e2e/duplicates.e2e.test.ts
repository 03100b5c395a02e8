import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { signInThroughPage, useServerAndBrowser } from './helpers';

/**
 * "Hồ sơ trùng": a person registered twice — once with the old CMND, once with the CCCD, a dose on
 * each — is listed for review; the province keeps the CCCD record and merges the other into it.
 */
describe('duplicate records reviewed and merged (browser)', () => {
  const env = useServerAndBrowser();

  it('keeps the CCCD record, moves the CMND record’s dose to it, and the old id resolves to it', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[13]!;
    const site = await env.token('caolanh.tiem');
    const person = {
      fullName: c.fullName,
      dateOfBirth: c.dateOfBirth,
      gender: c.gender,
      phone: c.phone,
      provinceCode: '87',
    };
    const cccd = await env.json<{ id: string }>('/api/people', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ ...person, idNumber: c.idNumber }),
    });
    expect(cccd.status).toBe(201);
    const cmnd = await env.json<{ id: string }>('/api/people', {
      method: 'POST',
      token: site,
      body: JSON.stringify({ ...person, idNumber: `34${c.idNumber.slice(5)}`, idType: 'cmnd' }),
    });
    expect(cmnd.status).toBe(201);
    // A dose on each record, as two sites recorded them in 2021 (retroactive entries).
    for (const [id, on, lot, vaccineCode] of [
      [cccd.body.id, '2021-09-01', 'ABV5811', 'EU/1/21/1529'],
      [cmnd.body.id, '2021-10-01', 'FF2587', 'EU/1/20/1528'],
    ] as const) {
      const dose = await env.json(`/api/people/${id}/doses`, {
        method: 'POST',
        token: site,
        headers: { 'idempotency-key': crypto.randomUUID() } as never,
        body: JSON.stringify({ vaccineCode, lotNumber: lot, administeredOn: on, facilityId: 'DT-CL-01' }),
      });
      expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    }

    const context = await env.browser.newContext({ baseURL: env.server.baseUrl });
    const page = await context.newPage();
    await signInThroughPage(page, 'dongthap.admin');
    await page.getByRole('link', { name: 'Hồ sơ trùng' }).click();
    await page.getByRole('heading', { name: 'Hồ sơ trùng', level: 1 }).waitFor();

    const card = page.getByRole('article', { name: `${c.fullName} — ${c.fullName}` });
    await card.waitFor();
    expect(await card.getByText('Một số CMND và một số CCCD của cùng một người').isVisible()).toBe(true);
    // Which side is the CCCD record (the server lists the pair in its own order).
    const admin = await env.token('dongthap.admin');
    const pair = (
      await env.json<{ items: { a: { id: string }; b: { id: string } }[] }>('/api/people/duplicates', { token: admin })
    ).body.items.find((x) => [x.a.id, x.b.id].includes(cccd.body.id))!;
    const [keep, other] = pair.a.id === cccd.body.id ? ['A', 'B'] : ['B', 'A'];
    await card
      .getByRole('region', { name: `Hồ sơ ${keep}: ${c.fullName}` })
      .getByText(c.idNumber)
      .waitFor();
    await card
      .getByRole('region', { name: `Hồ sơ ${other}: ${c.fullName}` })
      .getByText(`34${c.idNumber.slice(5)}`)
      .waitFor();
    const keepButton = card.getByRole('button', { name: `Giữ hồ sơ ${keep}, gộp ${other} vào` });
    // A merge needs a reason.
    await keepButton.click();
    await card.getByText('Nhập lý do (ít nhất 3 ký tự).').waitFor();
    await card.getByLabel('Lý do').fill('Số CMND cũ ghi trên thẻ CCCD');
    await keepButton.click();
    await page
      .getByText(`Đã gộp hồ sơ ${c.fullName} vào hồ sơ ${c.fullName} (1 mũi tiêm, 0 phản ánh được chuyển).`)
      .waitFor();
    await card.waitFor({ state: 'detached' });
    await context.close();

    const viaOld = await env.json<{ id: string }>(`/api/people/${cmnd.body.id}`, { token: admin });
    expect(viaOld.body.id).toBe(cccd.body.id);
    const doses = await env.json<{ items: { administeredOn: string; doseNumber: number }[] }>(
      `/api/people/${cccd.body.id}/doses`,
      { token: admin },
    );
    expect(doses.body.items.map((d) => [d.administeredOn, d.doseNumber])).toEqual([
      ['2021-09-01', 1],
      ['2021-10-01', 2],
    ]);
  });
});
