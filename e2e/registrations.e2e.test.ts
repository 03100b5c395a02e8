import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { registerOnPortal, signInThroughPage, useServerAndBrowser, vnDate } from './helpers';

/**
 * "Đăng ký tiêm" in the staff app: the province assigns a portal registration to a vaccination
 * site; the site invites the registrant by SMS for a date.
 */
describe('registrations: the province assigns, the site invites (browser)', () => {
  const env = useServerAndBrowser();

  async function signIn(username: string): Promise<Page> {
    const page = await (await env.browser.newContext({ baseURL: env.server.baseUrl })).newPage();
    await signInThroughPage(page, username);
    return page;
  }

  it('a registrant goes from "Chờ phân bổ" to assigned to Trạm Y tế Phường 1, then invited by SMS', async () => {
    const c = simulatorCitizens().filter((x) => x.provinceCode === '87')[11]!;
    const preferred = vnDate(5);
    const { start, confirmed, outbox } = await registerOnPortal(env.server, c, {
      priorityGroup: 'teacher',
      districtCode: '866',
      preferredDate: preferred,
    });
    expect(start.status).toBe(202);
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
    const { confirmed } = await registerOnPortal(env.server, c);
    const province = await env.token('dongthap.admin');
    const site = await env.token('caolanh.tiem');
    const reg = (
      await env.json<{ items: { id: string; code: string }[] }>('/api/registrations', { token: province })
    ).body.items.find((r) => r.code === confirmed.body.code)!;
    await env.json(`/api/registrations/${reg.id}/assign`, {
      method: 'POST',
      token: province,
      body: JSON.stringify({ facilityId: 'DT-CL-01' }),
    });
    const today = vnDate(0);
    const invited = await env.json(`/api/registrations/${reg.id}/invite`, {
      method: 'POST',
      token: site,
      body: JSON.stringify({ date: today }),
    });
    expect(invited.status).toBe(200);
    const session = await env.json<{ id: string }>('/api/sessions', {
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
    const board = await env.json<{ visits: { checkInMethod: string; person: { fullName: string } }[] }>(
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
