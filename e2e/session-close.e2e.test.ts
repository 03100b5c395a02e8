import { askedQuestions, SCREENING_QUESTIONS, screeningPlan } from '@tiemchung/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.ts';
import { personBodyOf } from '../apps/server/src/test/factories.ts';
import {
  apiToken,
  assertWebBuilt,
  callApi,
  FACILITY_ID,
  isFocused,
  launchBrowser,
  openStaffPage,
  PFIZER,
  PFIZER_LOT,
  SITE_STAFF,
  saveScreenshot,
  startServer,
  type TestServer,
  todayIso,
  visible,
} from './helpers';

type Citizen = ReturnType<typeof simulatorCitizens>[number];

describe('closing a session and screening what applies (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let token = '';
  const pageErrors: Error[] = [];
  // Adults the registry simulator knows in Đồng Tháp, under 65 (their identity verifies).
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1965-01-01',
  );
  const men = citizens.filter((c) => c.gender === 'male');
  const women = citizens.filter((c) => c.gender === 'female');

  beforeAll(async () => {
    assertWebBuilt();
    expect(men.length).toBeGreaterThan(2);
    expect(women.length).toBeGreaterThan(1);
    server = await startServer();
    browser = await launchBrowser();
    token = await apiToken(server, SITE_STAFF.username, SITE_STAFF.password);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return callApi<T>(server, token, method, path, body);
  }

  async function register(c: Citizen): Promise<string> {
    const { status, body } = await api<{ id: string }>('POST', '/api/people', {
      ...personBodyOf(c),
      districtCode: '866',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    return body.id;
  }

  async function openSession(): Promise<string> {
    const { status, body } = await api<{ id: string }>('POST', '/api/sessions', {
      facilityId: FACILITY_ID,
      sessionDate: todayIso(),
      lotNumbers: [PFIZER_LOT],
    });
    expect(status).toBe(201);
    return body.id;
  }

  async function checkIn(sessionId: string, personId: string): Promise<string> {
    const { status, body } = await api<{ id: string }>('POST', `/api/sessions/${sessionId}/visits`, { personId });
    expect(status).toBe(201);
    return body.id;
  }

  async function signedInPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const opened = await openStaffPage(browser, server, SITE_STAFF, pageErrors, viewport);
    context = opened.context;
    return opened.page;
  }

  it('closing a session with a person in observation asks what to do with each person not done', async () => {
    const sessionId = await openSession();
    const [observed, waiting] = [men[0]!, women[0]!];
    const observedId = await register(observed);
    const waitingId = await register(waiting);
    const observedVisit = await checkIn(sessionId, observedId);
    const waitingVisit = await checkIn(sessionId, waitingId);
    const asked = (c: Citizen) =>
      Object.fromEntries(
        askedQuestions(screeningPlan({ gender: c.gender, dateOfBirth: c.dateOfBirth }, todayIso())).map((q) => [
          q.id,
          'no',
        ]),
      );
    expect(
      (await api('POST', `/api/visits/${observedVisit}/screening`, { answers: asked(observed), outcome: 'vaccinate' }))
        .status,
    ).toBe(200);
    expect(
      (await api('POST', `/api/visits/${observedVisit}/dose`, { vaccineCode: PFIZER, lotNumber: PFIZER_LOT })).status,
    ).toBe(201);

    const page = await signedInPage();
    await page.goto(`/quan-tri/buoi-tiem/${sessionId}/ket-thuc`);
    const section = await visible(page.getByRole('region', { name: 'Người chưa xong lượt tiêm (2)' }));
    const rowOf = (name: string) => section.getByRole('group', { name: new RegExp(name) });
    await visible(rowOf(observed.fullName).getByText(/^Đang theo dõi sau tiêm, còn (29|30):\d\d$/));
    await visible(rowOf(waiting.fullName).getByText('Đang chờ khám sàng lọc'));
    // This facility has no other open session yet: none to hand over to.
    await visible(section.getByText('Cơ sở chưa có buổi tiêm nào khác đang mở để nhận bàn giao.'));

    // Closing without deciding: each person is flagged, the focus goes to the first one.
    await page.getByLabel(`Số lọ đã mở của lô ${PFIZER_LOT}`).fill('1');
    await page.getByRole('button', { name: 'Kết thúc buổi tiêm', exact: true }).click();
    expect(await section.getByText('Chọn cách xử lý cho người này.').count()).toBe(2);
    await expect
      .poll(() => isFocused(rowOf(observed.fullName).getByRole('radio', { name: 'Chuyển sang buổi tiêm khác' })))
      .toBe(true);
    await saveScreenshot(page, 'session-close-unfinished-1280');

    // The person in observation left: the reason is required.
    await rowOf(observed.fullName).getByRole('radio', { name: 'Đã rời đi' }).check();
    await page.getByRole('button', { name: 'Kết thúc buổi tiêm', exact: true }).click();
    await visible(rowOf(observed.fullName).getByText('Ghi lý do rời đi (ít nhất 3 ký tự).'));
    const reason = rowOf(observed.fullName).getByLabel('Lý do rời đi');
    await expect.poll(() => isFocused(reason)).toBe(true);
    await reason.fill('Về trước khi hết giờ theo dõi, đã dặn dò');

    // The one waiting is handed over to the next session, opened from here for tomorrow.
    await rowOf(waiting.fullName).getByRole('radio', { name: 'Chuyển sang buổi tiêm khác' }).check();
    await section.getByRole('button', { name: /^Mở buổi tiêm ngày .* để nhận bàn giao$/ }).click();
    await visible(section.getByRole('status').filter({ hasText: /^Đã mở buổi tiêm ngày/ }));
    const target = rowOf(waiting.fullName).getByLabel('Buổi tiêm nhận bàn giao');
    await expect.poll(async () => (await target.inputValue()) !== '').toBe(true);
    const nextSessionId = await target.inputValue();

    await page.getByRole('button', { name: 'Kết thúc buổi tiêm', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Đối chiếu liều đã dùng và mũi đã ghi nhận' }));
    await visible(page.getByText(`Số 1 — ${observed.fullName}: đã rời đi`));
    await visible(page.getByText(`Số 2 — ${waiting.fullName}: đã chuyển sang buổi tiêm khác`));
    await saveScreenshot(page, 'session-close-done-1280');

    // On the server: closed, nobody stranded.
    const board = await api<{
      session: { status: string };
      visits: { id: string; status: string; leftReason: string }[];
    }>('GET', `/api/sessions/${sessionId}`);
    expect(board.body.session.status).toBe('closed');
    expect(board.body.visits.find((v) => v.id === observedVisit)).toMatchObject({
      status: 'left',
      leftReason: 'Về trước khi hết giờ theo dõi, đã dặn dò',
    });
    expect(board.body.visits.find((v) => v.id === waitingVisit)).toMatchObject({
      status: 'handed_over',
      handedOverTo: nextSessionId,
    });
    const next = await api<{ session: { sessionDate: string }; visits: { personId: string; status: string }[] }>(
      'GET',
      `/api/sessions/${nextSessionId}`,
    );
    expect(next.body.session.sessionDate > todayIso()).toBe(true);
    expect(next.body.visits).toEqual([
      expect.objectContaining({ personId: waitingId, status: 'waiting', handedOverFrom: sessionId }),
    ]);
    // Its board shows where the person came from.
    await page.goto(`/quan-tri/buoi-tiem/${nextSessionId}`);
    await visible(page.getByRole('link', { name: new RegExp(waiting.fullName) }).getByText('Chuyển từ buổi trước'));
    expect(pageErrors).toEqual([]);
  });

  it('the screening of a man does not ask about pregnancy; the age is read from the record; it fits 320 px', async () => {
    const sessionId = await openSession();
    const man = men[1]!;
    const woman = women[1]!;
    const manVisit = await checkIn(sessionId, await register(man));
    const womanVisit = await checkIn(sessionId, await register(woman));

    const page = await signedInPage({ width: 320, height: 740 });
    await page.goto(`/quan-tri/buoi-tiem/${sessionId}/luot/${manVisit}`);
    const dialog = await visible(page.getByRole('dialog', { name: /Khám sàng lọc/ }));
    const groups = dialog.getByRole('radiogroup');
    await visible(groups.first());
    // Eleven questions asked: not the pregnancy, not the age.
    expect(await groups.count()).toBe(SCREENING_QUESTIONS.length - 2);
    expect(await dialog.getByRole('radiogroup', { name: /Đang mang thai/ }).count()).toBe(0);
    await visible(dialog.getByText('Không hỏi vì không áp dụng với người này:'));
    await visible(dialog.getByText(/12\. Đang mang thai\s*— Nam giới/));
    const age = Number(todayIso().slice(0, 4)) - Number(man.dateOfBirth.slice(0, 4));
    await visible(dialog.getByText('Theo hồ sơ: Không'));
    await visible(dialog.getByText(new RegExp(`^(${age}|${age - 1}) tuổi \\(ngày sinh .* trong hồ sơ\\)$`)));
    await visible(dialog.getByText(`Gợi ý tạm (còn ${SCREENING_QUESTIONS.length - 2} câu chưa trả lời)`));

    // The question starts beside its number, from the left; "Có / Không / Không rõ" stay on one line,
    // each button holding its text; nothing scrolls sideways at 320 px.
    const layout = await dialog.evaluate((root) => {
      const rows = [...root.querySelectorAll<HTMLElement>('[role="radiogroup"]')];
      return rows.map((row) => {
        const number = row.querySelector<HTMLElement>('.check-row__number')!.getBoundingClientRect();
        const text = row.querySelector<HTMLElement>('.check-row__text')!.getBoundingClientRect();
        const labels = [...row.querySelectorAll<HTMLElement>('label')];
        return {
          textBeside: Math.abs(text.top - number.top) < 4 && text.left > number.right - 1,
          oneLine: new Set(labels.map((l) => Math.round(l.getBoundingClientRect().top))).size === 1,
          fits: labels.every((l) => l.scrollWidth <= l.clientWidth + 1),
          inside: labels.every((l) => l.getBoundingClientRect().right <= window.innerWidth),
        };
      });
    });
    expect(layout).toHaveLength(SCREENING_QUESTIONS.length - 2);
    for (const row of layout) expect(row).toEqual({ textBeside: true, oneLine: true, fits: true, inside: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await saveScreenshot(page, 'session-screening-man-320', false);

    // Answered (all "Không") and saved: the server takes it as complete.
    await dialog.getByRole('button', { name: 'Chọn «Không» cho các câu chưa trả lời' }).click();
    await dialog.getByRole('button', { name: 'Lưu kết quả khám' }).click();
    await dialog.waitFor({ state: 'detached' });
    const board = await api<{ visits: { id: string; status: string }[] }>('GET', `/api/sessions/${sessionId}`);
    expect(board.body.visits.find((v) => v.id === manVisit)?.status).toBe('screening');

    // A woman is asked about pregnancy.
    await page.goto(`/quan-tri/buoi-tiem/${sessionId}/luot/${womanVisit}`);
    const hers = await visible(page.getByRole('dialog', { name: /Khám sàng lọc/ }));
    await visible(hers.getByRole('radiogroup', { name: /Đang mang thai/ }));
    expect(await hers.getByRole('radiogroup').count()).toBe(SCREENING_QUESTIONS.length - 1);
    expect(pageErrors).toEqual([]);
  });
});
