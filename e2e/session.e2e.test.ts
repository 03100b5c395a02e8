import { askedQuestions, screeningPlan } from '@tiemchung/core';
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
  withoutDiacritics,
} from './helpers';

const CHECK_IN_LABEL = 'Tìm người đến tiêm: số CCCD/CMND, số điện thoại hoặc họ tên';

/** The ministry's screening checklist: every question answered "no" (core SCREENING_QUESTIONS). */
const QUESTION_IDS = [
  'anaphylaxis_previous_covid_dose',
  'anaphylaxis_other',
  'covid_6_months',
  'other_vaccine_14_days',
  'immunodeficiency',
  'immunosuppressants',
  'acute_illness',
  'chronic_progressing',
  'chronic_stable',
  'allergy_other',
  'coagulation',
  'pregnant',
  'age_65',
];
const ALL_NO = Object.fromEntries(QUESTION_IDS.map((id) => [id, 'no']));

type Citizen = ReturnType<typeof simulatorCitizens>[number];

interface Dose {
  id: string;
  vaccineCode: string;
  lotNumber: string;
  sessionId: string | null;
  administeredOn: string;
}

describe('vaccination session — Buổi tiêm (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let token = '';
  const pageErrors: Error[] = [];
  // Adults the population-registry simulator knows, living in Đồng Tháp (their identity verifies).
  const citizens = simulatorCitizens().filter(
    (c) => c.provinceCode === '87' && c.dateOfBirth < '2003-01-01' && c.dateOfBirth > '1960-01-01',
  );

  beforeAll(async () => {
    assertWebBuilt();
    expect(citizens.length).toBeGreaterThan(3);
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

  /** Calls the API as the site staff (bearer token), as another desk or a test check would. */
  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    return callApi<T>(server, token, method, path, body, headers);
  }

  /** Registers a person through the API so that their identity verifies (registry simulator). */
  async function register(c: Citizen): Promise<string> {
    const { status, body } = await api<{ id: string; verification: { status: string } }>('POST', '/api/people', {
      ...personBodyOf(c),
      districtCode: '866',
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.verification.status).toBe('verified');
    return body.id;
  }

  async function dosesOf(personId: string): Promise<Dose[]> {
    const { status, body } = await api<{ items: Dose[] }>('GET', `/api/people/${personId}/doses`);
    expect(status).toBe(200);
    return body.items;
  }

  async function signedInPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const opened = await openStaffPage(browser, server, SITE_STAFF, pageErrors, viewport);
    context = opened.context;
    return opened.page;
  }

  /** A column of the board ("Chờ khám", "Chờ tiêm", "Đang theo dõi", "Hoàn thành", "Hoãn/Chuyển"). */
  const column = (page: Page, title: string) => page.getByRole('region', { name: new RegExp(`^${title}`) });
  const card = (page: Page, title: string, name: string) => column(page, title).getByRole('link', { name });
  /** The number next to a label of the tally ("Đã tiêm", "Đã tiếp nhận", ...). */
  const stat = (page: Page, label: string) =>
    page
      .getByRole('region', { name: 'Thống kê buổi tiêm' })
      .locator('div', { has: page.getByText(label, { exact: true }) })
      .locator('dd');
  const syncState = (page: Page) => page.locator('[data-sync-state]');
  const pendingCount = (page: Page) => page.locator('[data-pending]');

  it('runs a whole visit: open the session, check in, screen, vaccinate, observe, complete, close', async () => {
    const person = citizens[0]!;
    const personId = await register(person);
    const page = await signedInPage();

    // The area is in the site staff's navigation.
    await (
      await visible(
        page.getByRole('navigation', { name: 'Chức năng quản trị' }).getByRole('link', { name: 'Buổi tiêm' }),
      )
    ).click();
    await page.waitForURL((url) => url.pathname === '/quan-tri/buoi-tiem');
    await visible(page.getByRole('heading', { level: 1, name: 'Buổi tiêm' }));
    await visible(page.getByText('Trạm Y tế Phường 1, TP Cao Lãnh', { exact: true }));
    await saveScreenshot(page, 'session-list-1280');

    // Open today's session with the Pfizer lot on hand.
    await page.getByRole('button', { name: 'Mở buổi tiêm', exact: true }).click();
    await visible(page.getByText('Chọn ít nhất một lô vắc xin.'));
    await page.getByRole('checkbox', { name: new RegExp(`Lô ${PFIZER_LOT}`) }).check();
    await page.getByRole('button', { name: 'Mở buổi tiêm', exact: true }).click();
    await page.waitForURL((url) => /^\/quan-tri\/buoi-tiem\/[^/]+$/.test(url.pathname));
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    await visible(page.getByRole('heading', { level: 1, name: /Buổi tiêm ngày/ }));
    await visible(syncState(page).filter({ hasText: 'Trực tuyến' }));

    // Check-in, keyboard first: the search has the focus; a name typed without diacritics, ↓, Enter.
    const search = page.getByLabel(CHECK_IN_LABEL, { exact: true });
    await expect.poll(() => isFocused(search)).toBe(true);
    await page.keyboard.type(withoutDiacritics(person.fullName));
    const result = page.getByRole('button', { name: new RegExp(person.fullName) });
    await visible(result);
    await search.press('ArrowDown');
    await expect.poll(() => isFocused(result.first())).toBe(true);
    await page.keyboard.press('Enter');
    await visible(page.getByText(`Đã tiếp nhận ${person.fullName}, số thứ tự 1.`).first());
    await expect.poll(() => isFocused(search)).toBe(true);
    await visible(card(page, 'Chờ khám', person.fullName));

    // Screening: the checklist (all "Không"), normal vital signs, the live suggestion.
    await card(page, 'Chờ khám', person.fullName).click();
    const screening = await visible(page.getByRole('dialog', { name: /Khám sàng lọc/ }));
    // The questions that apply to this person (core's screeningPlan: no pregnancy question for a
    // man, the age from the record).
    const asked = askedQuestions(screeningPlan(person, todayIso())).length;
    expect(asked).toBeLessThan(13);
    await visible(screening.getByText(`Gợi ý tạm (còn ${asked} câu chưa trả lời)`));
    // The doctor starts at the first question of the checklist.
    await expect.poll(() => isFocused(screening.getByRole('radio', { name: 'Có', exact: true }).first())).toBe(true);
    await screening.getByRole('button', { name: 'Chọn «Không» cho các câu chưa trả lời' }).click();
    expect(await screening.getByRole('radio', { name: 'Không', exact: true, checked: true }).count()).toBe(asked);
    // The focus went on to the vital signs: typed with Tab between them, Enter saves.
    await expect.poll(() => isFocused(screening.getByLabel('Nhiệt độ (°C)'))).toBe(true);
    await page.keyboard.type('36,6');
    for (const value of ['80', '120', '75', '98']) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(value);
    }
    await visible(screening.getByRole('heading', { name: 'Gợi ý theo phiếu sàng lọc' }));
    await visible(screening.getByRole('status').filter({ hasText: 'Đủ điều kiện tiêm' }));
    expect(await screening.getByRole('radio', { name: 'Đủ điều kiện tiêm' }).isChecked()).toBe(true);
    // A fever changes the suggestion at once; back to normal.
    await screening.getByLabel('Nhiệt độ (°C)').fill('38,2');
    await visible(screening.getByRole('status').filter({ hasText: 'Tạm hoãn tiêm' }));
    await screening.getByLabel('Nhiệt độ (°C)').fill('36,6');
    await visible(screening.getByRole('status').filter({ hasText: 'Đủ điều kiện tiêm' }));
    await saveScreenshot(page, 'session-screening-1280', false);
    await screening.getByLabel('SpO₂ (%)').press('Enter');
    await screening.waitFor({ state: 'detached' });
    await visible(card(page, 'Chờ tiêm', person.fullName));

    // Vaccination: the session's only lot is chosen and focused; the history is shown; Enter records.
    await card(page, 'Chờ tiêm', person.fullName).click();
    const vaccination = await visible(page.getByRole('dialog', { name: /Tiêm vắc xin/ }));
    await visible(vaccination.getByText('Chưa tiêm mũi nào.'));
    const lot = vaccination.getByRole('radio', { name: new RegExp(`Pfizer.*Lô ${PFIZER_LOT}`) });
    expect(await lot.isChecked()).toBe(true);
    await expect.poll(() => isFocused(lot)).toBe(true);
    await visible(vaccination.getByText('Đã xác thực'));
    await saveScreenshot(page, 'session-vaccination-1280', false);
    await page.keyboard.press('Enter');
    await vaccination.waitFor({ state: 'detached' });

    // Observation: a live countdown to the end of the 30 minutes.
    const observed = await visible(card(page, 'Đang theo dõi', person.fullName));
    const timer = observed.locator('[data-timer]');
    const first = (await timer.textContent()) ?? '';
    expect(first).toMatch(/^Còn (29|30):\d\d$/);
    await expect.poll(async () => (await timer.textContent()) ?? '', { timeout: 5_000 }).not.toBe(first);
    expect(await stat(page, 'Đã tiêm').textContent()).toBe('1');
    await saveScreenshot(page, 'session-board-1280');

    await observed.click();
    const observation = await visible(page.getByRole('dialog', { name: /Theo dõi sau tiêm/ }));
    await visible(observation.getByRole('timer').filter({ hasText: /Còn (29|30):\d\d/ }));
    await visible(observation.getByText(`Đã tiêm: Pfizer (Comirnaty) · lô ${PFIZER_LOT}`));
    // A mild reaction is reported.
    await observation.getByRole('button', { name: 'Ghi nhận phản ứng sau tiêm' }).click();
    await observation.getByRole('checkbox', { name: 'Sốt' }).check();
    await observation.getByRole('radio', { name: 'Nhẹ' }).check();
    await observation.getByLabel('Xử trí').fill('Theo dõi thêm, uống hạ sốt.');
    await observation.getByRole('button', { name: 'Gửi báo cáo phản ứng' }).click();
    await visible(observation.getByText('Đã ghi nhận phản ứng sau tiêm.'));
    // Before the 30 minutes are over, "Hoàn thành" asks again.
    await observation.getByRole('button', { name: 'Hoàn thành', exact: true }).click();
    const anyway = observation.getByRole('button', { name: 'Vẫn hoàn thành' });
    await expect.poll(() => isFocused(anyway)).toBe(true);
    await page.keyboard.press('Enter');
    await observation.waitFor({ state: 'detached' });
    await visible(card(page, 'Hoàn thành', person.fullName));

    // The tally, and the record on the server: exactly one dose, of this session.
    expect(await stat(page, 'Đã tiếp nhận').textContent()).toBe('1');
    expect(await stat(page, 'Đã tiêm').textContent()).toBe('1');
    await visible(page.getByText('Theo vắc xin: Pfizer 1'));
    const doses = await dosesOf(personId);
    expect(doses).toHaveLength(1);
    expect(doses[0]).toMatchObject({
      vaccineCode: PFIZER,
      lotNumber: PFIZER_LOT,
      sessionId,
      administeredOn: todayIso(),
    });

    // "/" goes back to the check-in search.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('/');
    await expect.poll(() => isFocused(search)).toBe(true);

    // Close the session: one vial of six doses opened, one dose recorded → 5 possibly unrecorded.
    await page.getByRole('link', { name: 'Kết thúc buổi tiêm' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/ket-thuc'));
    await page.getByRole('button', { name: 'Kết thúc buổi tiêm', exact: true }).click();
    await visible(page.getByText('Nhập số lọ đã mở.'));
    await page.getByLabel(`Số lọ đã mở của lô ${PFIZER_LOT}`).fill('1');
    await page.getByRole('button', { name: 'Kết thúc buổi tiêm' }).click();
    await visible(page.getByRole('heading', { name: 'Đối chiếu liều đã dùng và mũi đã ghi nhận' }));
    const row = page.getByRole('row', { name: new RegExp(PFIZER_LOT) });
    await visible(row.getByText('5 liều có thể chưa ghi nhận'));
    expect(await row.getAttribute('class')).toContain('usage-table__gap');
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      'Pfizer (Comirnaty)',
      '1',
      '6',
      '6',
      '1',
      '5 liều có thể chưa ghi nhận',
    ]);
    await saveScreenshot(page, 'session-close-1280');
    const board = await api<{ session: { status: string } }>('GET', `/api/sessions/${sessionId}`);
    expect(board.body.session.status).toBe('closed');
    expect(pageErrors).toEqual([]);
  });

  it('records doses offline, keeps them through a reload and sends each exactly once', async () => {
    const [b, c] = [citizens[1]!, citizens[2]!];
    const people = [
      { citizen: b, id: await register(b) },
      { citizen: c, id: await register(c) },
    ];
    // Another desk opened the session and checked both in; the doctor screened them (online).
    const session = await api<{ id: string }>('POST', '/api/sessions', {
      facilityId: FACILITY_ID,
      sessionDate: todayIso(),
      name: 'Buổi chiều',
      lotNumbers: [PFIZER_LOT],
    });
    expect(session.status).toBe(201);
    const visits: Record<string, string> = {};
    for (const p of people) {
      const visit = await api<{ id: string }>('POST', `/api/sessions/${session.body.id}/visits`, {
        personId: p.id,
        method: 'search',
      });
      expect(visit.status).toBe(201);
      visits[p.id] = visit.body.id;
      const screened = await api('POST', `/api/visits/${visit.body.id}/screening`, {
        answers: ALL_NO,
        vitals: { temperature: 36.5, pulse: 78, systolic: 118, diastolic: 76, spo2: 98 },
        outcome: 'vaccinate',
      });
      expect(screened.status).toBe(200);
    }

    const page = await signedInPage({ width: 360, height: 780 });
    // The first visit installed the service worker (production build), which precached the app;
    // the next page load is served under its control.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await visible(page.getByRole('heading', { level: 1, name: /Buổi chiều/ }));
    for (const p of people) await visible(card(page, 'Chờ tiêm', p.citizen.fullName));

    // The network goes.
    await context!.setOffline(true);
    await visible(syncState(page).filter({ hasText: 'Ngoại tuyến' }));
    for (const p of people) {
      await card(page, 'Chờ tiêm', p.citizen.fullName).click();
      const dialog = await visible(page.getByRole('dialog', { name: /Tiêm vắc xin/ }));
      expect(await dialog.getByRole('radio', { name: new RegExp(`Lô ${PFIZER_LOT}`) }).isChecked()).toBe(true);
      if (p === people[0]) await saveScreenshot(page, 'session-vaccination-offline-360', false);
      await dialog.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
      await dialog.waitFor({ state: 'detached' });
      const queued = await visible(card(page, 'Đang theo dõi', p.citizen.fullName));
      await visible(queued.getByText('Chờ đồng bộ'));
      await visible(queued.locator('[data-timer]').filter({ hasText: /Còn (29|30):\d\d/ }));
    }
    await visible(pendingCount(page).filter({ hasText: '2 mục chờ đồng bộ' }));
    expect(await stat(page, 'Đã tiêm').textContent()).toBe('2');
    // "Đồng bộ ngay" without network: nothing is lost.
    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await page.waitForTimeout(500);
    await visible(pendingCount(page).filter({ hasText: '2 mục chờ đồng bộ' }));
    await saveScreenshot(page, 'session-offline-360');

    // A reload without network: the app comes from the service worker, the board from IndexedDB.
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: /Buổi chiều/ }));
    await visible(page.getByText('Ngoại tuyến: đang xem bảng lưu trên máy', { exact: false }));
    await visible(syncState(page).filter({ hasText: 'Ngoại tuyến' }));
    await visible(pendingCount(page).filter({ hasText: '2 mục chờ đồng bộ' }));
    for (const p of people) {
      await visible(card(page, 'Đang theo dõi', p.citizen.fullName).getByText('Chờ đồng bộ'));
    }
    await saveScreenshot(page, 'session-offline-reloaded-360');

    // The queued doses, each with the Idempotency-Key made when the nurse submitted.
    const queued = await page.evaluate(
      () =>
        new Promise<{ visitId: string; idempotencyKey: string; body: unknown }[]>((resolve, reject) => {
          const open = indexedDB.open('tiemchung-site');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction('queue').objectStore('queue').getAll();
            request.onerror = () => reject(request.error);
            request.onsuccess = () =>
              resolve(
                (request.result as { kind: string; visitId: string; idempotencyKey: string; body: unknown }[])
                  .filter((item) => item.kind === 'dose')
                  .map(({ visitId, idempotencyKey, body }) => ({ visitId, idempotencyKey, body })),
              );
          };
        }),
    );
    expect(queued.map((q) => q.visitId).sort()).toEqual(Object.values(visits).sort());
    for (const q of queued) expect(q.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    for (const p of people) expect(await dosesOf(p.id)).toHaveLength(0);
    // The observation runs from when the dose was recorded here, not from when the server gets it.
    const secondsLeft = async (name: string) => {
      const text = (await card(page, 'Đang theo dõi', name).locator('[data-timer]').textContent()) ?? '';
      const [, mm, ss] = /(\d\d):(\d\d)/.exec(text) ?? [];
      return Number(mm) * 60 + Number(ss);
    };
    const leftBeforeSync = await secondsLeft(people[0]!.citizen.fullName);

    // The network comes back: sent at once ("online" event); "Đồng bộ ngay" pressed again and
    // again meanwhile must not send anything twice.
    await context!.setOffline(false);
    const syncNow = page.getByRole('button', { name: 'Đồng bộ ngay' });
    for (let i = 0; i < 4; i += 1) await syncNow.click();
    await visible(pendingCount(page).filter({ hasText: 'Đã đồng bộ hết' }), 30_000);
    await visible(syncState(page).filter({ hasText: 'Trực tuyến' }));
    for (const p of people) {
      const observed = await visible(card(page, 'Đang theo dõi', p.citizen.fullName));
      await expect.poll(() => observed.getByText('Chờ đồng bộ').count()).toBe(0);
    }
    await expect.poll(async () => stat(page, 'Đã tiêm').textContent()).toBe('2');
    await expect.poll(() => secondsLeft(people[0]!.citizen.fullName)).toBeLessThanOrEqual(leftBeforeSync);

    // Exactly one dose each, dated the session's day.
    for (const p of people) {
      const doses = await dosesOf(p.id);
      expect(doses).toHaveLength(1);
      expect(doses[0]).toMatchObject({ vaccineCode: PFIZER, lotNumber: PFIZER_LOT, sessionId: session.body.id });
    }
    // Sending a queued request again (a lost answer, a second tab) gives the same dose, not another.
    for (const q of queued) {
      const again = await api<{ dose: Dose }>('POST', `/api/visits/${q.visitId}/dose`, q.body, {
        'Idempotency-Key': q.idempotencyKey,
      });
      expect(again.status).toBe(200);
    }
    for (const p of people) expect(await dosesOf(p.id)).toHaveLength(1);
    // A further sync run has nothing left to send.
    await syncNow.click();
    await page.waitForTimeout(500);
    for (const p of people) expect(await dosesOf(p.id)).toHaveLength(1);
    await saveScreenshot(page, 'session-synced-360');
    expect(pageErrors).toEqual([]);
  });

  it('checks in offline a person seen before, never doubles a dose whose answer was lost, lists refusals', async () => {
    const known = citizens[3]!;
    const knownId = await register(known);
    // Someone whose identity the population registry does not confirm: no dose after 1 Nov 2021.
    const unverified = await api<{ id: string; verification: { status: string } }>('POST', '/api/people', {
      fullName: 'Trần Văn Kiểm',
      dateOfBirth: '1990-05-05',
      gender: 'male',
      idNumber: '087090123456',
      phone: '0912345670',
      provinceCode: '87',
      districtCode: '866',
    });
    expect(unverified.status).toBe(201);
    expect(unverified.body.verification.status).not.toBe('verified');
    const session = await api<{ id: string }>('POST', '/api/sessions', {
      facilityId: FACILITY_ID,
      sessionDate: todayIso(),
      name: 'Buổi tối',
      lotNumbers: [PFIZER_LOT],
    });
    expect(session.status).toBe(201);

    const page = await signedInPage();
    await page.goto(`/quan-tri/buoi-tiem/${session.body.id}`);
    await visible(page.getByRole('heading', { level: 1, name: /Buổi tối/ }));
    const search = page.getByLabel(CHECK_IN_LABEL, { exact: true });
    await expect.poll(() => isFocused(search)).toBe(true);

    // Looked up once online: the device remembers the person.
    await search.fill(known.fullName);
    await visible(page.getByRole('button', { name: new RegExp(known.fullName) }));
    await search.fill('');

    // Offline: found among the people saved here, checked in with a visit id made here.
    await context!.setOffline(true);
    await search.fill(withoutDiacritics(known.fullName));
    await visible(page.getByText('Ngoại tuyến: kết quả tìm trong', { exact: false }));
    await page.getByRole('button', { name: new RegExp(known.fullName) }).click();
    await visible(page.getByText(`Đã tiếp nhận ${known.fullName} trên máy`, { exact: false }).first());
    await visible(card(page, 'Chờ khám', known.fullName).getByText('Chờ đồng bộ'));
    await visible(pendingCount(page).filter({ hasText: '1 mục chờ đồng bộ' }));
    // Someone never seen on this device needs the network.
    await search.fill('Trần Văn Kiểm');
    await visible(page.getByText('Người chưa từng được tra cứu trên máy này cần có mạng', { exact: false }));

    await context!.setOffline(false);
    await visible(pendingCount(page).filter({ hasText: 'Đã đồng bộ hết' }), 30_000);
    await expect.poll(() => card(page, 'Chờ khám', known.fullName).getByText('Chờ đồng bộ').count()).toBe(0);
    const board = await api<{ visits: { personId: string; id: string }[] }>('GET', `/api/sessions/${session.body.id}`);
    const knownVisits = board.body.visits.filter((v) => v.personId === knownId);
    expect(knownVisits).toHaveLength(1);

    // A dose whose answer is lost on the way back (the server did record it): the device sends it
    // again with the same Idempotency-Key and the server answers with that dose — never a second.
    await api('POST', `/api/visits/${knownVisits[0]!.id}/screening`, {
      answers: ALL_NO,
      vitals: {},
      outcome: 'vaccinate',
    });
    await visible(card(page, 'Chờ tiêm', known.fullName), 20_000);
    const doseKeys: string[] = [];
    await context!.route('**/api/visits/*/dose', async (route) => {
      doseKeys.push((await route.request().headerValue('idempotency-key')) ?? '');
      if (doseKeys.length === 1) {
        const response = await route.fetch();
        expect(response.status()).toBe(201);
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await card(page, 'Chờ tiêm', known.fullName).click();
    const lostDialog = await visible(page.getByRole('dialog', { name: /Tiêm vắc xin/ }));
    await lostDialog.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    await lostDialog.waitFor({ state: 'detached' });
    await visible(pendingCount(page).filter({ hasText: 'Đã đồng bộ hết' }), 30_000);
    expect(doseKeys).toHaveLength(2);
    expect(doseKeys[1]).toBe(doseKeys[0]);
    expect(await dosesOf(knownId)).toHaveLength(1);
    await context!.unroute('**/api/visits/*/dose');

    // The unverified person, checked in and screened at another desk; the dose is refused (422):
    // the form shows the server's message, the sync list keeps it until someone discards it.
    const visit = await api<{ id: string }>('POST', `/api/sessions/${session.body.id}/visits`, {
      personId: unverified.body.id,
      method: 'search',
    });
    await api('POST', `/api/visits/${visit.body.id}/screening`, { answers: ALL_NO, vitals: {}, outcome: 'vaccinate' });
    await page.keyboard.press('Alt+S');
    await visible(card(page, 'Chờ tiêm', 'Trần Văn Kiểm'), 4_000);
    await card(page, 'Chờ tiêm', 'Trần Văn Kiểm').click();
    const dialog = await visible(page.getByRole('dialog', { name: /Tiêm vắc xin/ }));
    await dialog.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    const refusal = await visible(dialog.getByRole('alert').filter({ hasText: 'Máy chủ không ghi nhận' }));
    await visible(refusal.getByText('phải xác thực định danh trước khi tiêm', { exact: false }));
    await expect.poll(() => isFocused(refusal)).toBe(true);
    await saveScreenshot(page, 'session-refused-1280', false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const refused = await visible(page.getByRole('alert').filter({ hasText: 'Máy chủ không ghi nhận 1 mục' }));
    await visible(refused.getByText('phải xác thực định danh trước khi tiêm', { exact: false }));
    await visible(card(page, 'Chờ tiêm', 'Trần Văn Kiểm').getByText('Bị từ chối'));
    await refused.getByRole('button', { name: 'Bỏ: Mũi tiêm — Trần Văn Kiểm' }).click();
    const confirm = refused.getByRole('button', { name: 'Bỏ hẳn' });
    await expect.poll(() => isFocused(confirm)).toBe(true);
    await confirm.click();
    await refused.waitFor({ state: 'detached' });
    await expect.poll(() => card(page, 'Chờ tiêm', 'Trần Văn Kiểm').getByText('Bị từ chối').count()).toBe(0);
    expect(await dosesOf(unverified.body.id)).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });
});
