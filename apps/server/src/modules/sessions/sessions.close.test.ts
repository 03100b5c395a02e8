import { SCREENING_QUESTIONS } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

let now = new Date('2021-11-20T01:30:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';
const allNo = () => Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
const STAFF = 'caolanh.tiem';

async function openSession(sessionDate = '2021-11-20', as = STAFF, facilityId = 'DT-CL-01') {
  const res = await t.call('POST', '/api/sessions', {
    as,
    body: { facilityId, sessionDate, lotNumbers: ['FF2587'] },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

/** A visit of a new person brought to `stage`: waiting, screened (eligible) or vaccinated (in observation). */
async function visitAt(sessionId: string, stage: 'waiting' | 'screened' | 'vaccinated', as = STAFF) {
  const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
  const visit = await t.call('POST', `/api/sessions/${sessionId}/visits`, { as, body: { personId: person.id } });
  expect(visit.status).toBe(201);
  if (stage !== 'waiting') {
    const s = await t.call('POST', `/api/visits/${visit.body.id}/screening`, {
      as,
      body: { answers: allNo(), outcome: 'vaccinate' },
    });
    expect(s.status).toBe(200);
  }
  let doseId: string | null = null;
  if (stage === 'vaccinated') {
    const d = await t.call('POST', `/api/visits/${visit.body.id}/dose`, {
      as,
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(d.status).toBe(201);
    doseId = d.body.dose.id;
  }
  return { person, visit: visit.body as { id: string; queueNumber: number }, doseId };
}

const board = async (sessionId: string, as = STAFF) => (await t.call('GET', `/api/sessions/${sessionId}`, { as })).body;
const close = (sessionId: string, body: unknown, as = STAFF) =>
  t.call('POST', `/api/sessions/${sessionId}/close`, { as, body });

describe('closing a session with people not done', () => {
  it('refuses while anyone is waiting, in screening or in observation, and lists them; nothing changes', async () => {
    const session = await openSession();
    const waiting = await visitAt(session.id, 'waiting');
    const screened = await visitAt(session.id, 'screened');
    const observing = await visitAt(session.id, 'vaccinated');

    const refused = await close(session.id, { lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'session_visits_unresolved', field: 'visits' });
    expect(refused.body.error.message).toContain('Còn 3 người chưa xong lượt tiêm');
    expect(refused.body.visits).toEqual([
      { id: waiting.visit.id, personId: waiting.person.id, queueNumber: 1, status: 'waiting' },
      { id: screened.visit.id, personId: screened.person.id, queueNumber: 2, status: 'screening' },
      { id: observing.visit.id, personId: observing.person.id, queueNumber: 3, status: 'observing' },
    ]);
    // Two of three given an outcome: still refused, and the outcome given is not kept either.
    const partly = await close(session.id, {
      lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }],
      visits: [{ visitId: waiting.visit.id, outcome: 'left', reason: 'Không chờ được' }],
    });
    expect(partly.status).toBe(409);
    expect(partly.body.visits.map((v: { id: string }) => v.id)).toEqual([screened.visit.id, observing.visit.id]);
    const after = await board(session.id);
    expect(after.session.status).toBe('open');
    expect(after.visits.map((v: { status: string }) => v.status)).toEqual(['waiting', 'screening', 'observing']);
    expect(await listAudit(t.db, 'visit', waiting.visit.id)).not.toContainEqual(
      expect.objectContaining({ action: 'visit.left' }),
    );
  });

  it('hands people over to another open session of the facility, or records that they left — in one unit of work, audited', async () => {
    const session = await openSession();
    const sameDay = await openSession();
    const nextDay = await openSession('2021-11-21');
    const waiting = await visitAt(session.id, 'waiting');
    const screened = await visitAt(session.id, 'screened');
    const screenedNextDay = await visitAt(session.id, 'screened');
    const observing = await visitAt(session.id, 'vaccinated');
    const left = await visitAt(session.id, 'vaccinated');
    // Already checked in at the next day's session: the handover joins that visit.
    const twice = await visitAt(session.id, 'waiting');
    const there = await t.call('POST', `/api/sessions/${nextDay.id}/visits`, {
      as: STAFF,
      body: { personId: twice.person.id },
    });
    expect(there.status).toBe(201);

    const closed = await close(session.id, {
      lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }],
      visits: [
        { visitId: waiting.visit.id, outcome: 'handover', sessionId: nextDay.id },
        { visitId: screened.visit.id, outcome: 'handover', sessionId: sameDay.id },
        { visitId: screenedNextDay.visit.id, outcome: 'handover', sessionId: nextDay.id },
        { visitId: observing.visit.id, outcome: 'handover', sessionId: sameDay.id },
        { visitId: left.visit.id, outcome: 'left', reason: 'Về trước khi hết 30 phút theo dõi, đã dặn dò' },
        { visitId: twice.visit.id, outcome: 'handover', sessionId: nextDay.id },
      ],
    });
    expect(closed.status).toBe(200);
    expect(closed.body.session.status).toBe('closed');
    const resolved = Object.fromEntries(
      (closed.body.visits as { visitId: string }[]).map((v) => [v.visitId, v as Record<string, unknown>]),
    );
    expect(resolved[left.visit.id]).toMatchObject({ outcome: 'left', sessionId: null, toVisitId: null });
    expect(resolved[twice.visit.id]).toMatchObject({
      outcome: 'handover',
      sessionId: nextDay.id,
      toVisitId: there.body.id,
    });

    // The closed session: nobody left as waiting, screening or observing.
    const old = await board(session.id);
    const byId = new Map(old.visits.map((v: { id: string }) => [v.id, v]));
    expect(byId.get(waiting.visit.id)).toMatchObject({ status: 'handed_over', handedOverTo: nextDay.id });
    expect(byId.get(observing.visit.id)).toMatchObject({ status: 'handed_over', handedOverTo: sameDay.id });
    expect(byId.get(left.visit.id)).toMatchObject({
      status: 'left',
      leftReason: 'Về trước khi hết 30 phút theo dõi, đã dặn dò',
      doneAt: now.toISOString(),
    });
    expect(old.tally).toMatchObject({ checkedIn: 6, handedOver: 5, left: 1, waiting: 0, screened: 0, observing: 0 });

    // The same day: the screening holds, the observation goes on with its dose and its clock.
    const same = await board(sameDay.id);
    const onSame = (personId: string) => same.visits.find((v: { personId: string }) => v.personId === personId);
    expect(onSame(screened.person.id)).toMatchObject({
      status: 'screening',
      screeningOutcome: 'vaccinate',
      handedOverFrom: session.id,
      queueNumber: 1,
    });
    expect(onSame(observing.person.id)).toMatchObject({
      status: 'observing',
      doseId: observing.doseId,
      observationUntil: new Date(now.getTime() + 30 * 60_000).toISOString(),
      handedOverFrom: session.id,
      queueNumber: 2,
    });
    // The next day: screened again there.
    const next = await board(nextDay.id);
    const onNext = (personId: string) => next.visits.filter((v: { personId: string }) => v.personId === personId);
    expect(onNext(waiting.person.id)).toEqual([
      expect.objectContaining({ status: 'waiting', handedOverFrom: session.id }),
    ]);
    expect(onNext(screenedNextDay.person.id)).toEqual([
      expect.objectContaining({ status: 'waiting', screeningOutcome: null, handedOverFrom: session.id }),
    ]);
    expect(onNext(twice.person.id)).toEqual([expect.objectContaining({ id: there.body.id, handedOverFrom: null })]);
    // The session continues them: the person in observation is completed there.
    now = new Date(now.getTime() + 31 * 60_000);
    const completed = await t.call('POST', `/api/visits/${onSame(observing.person.id).id}/complete`, { as: STAFF });
    expect(completed.status).toBe(200);

    const handover = await listAudit(t.db, 'visit', waiting.visit.id);
    expect(handover).toContainEqual(
      expect.objectContaining({
        action: 'visit.handover',
        actor_username: STAFF,
        after: expect.objectContaining({ toSessionId: nextDay.id, toVisitId: onNext(waiting.person.id)[0].id }),
      }),
    );
    expect(await listAudit(t.db, 'visit', left.visit.id)).toContainEqual(
      expect.objectContaining({ action: 'visit.left', reason: 'Về trước khi hết 30 phút theo dõi, đã dặn dò' }),
    );
    expect(await listAudit(t.db, 'session', session.id)).toContainEqual(
      expect.objectContaining({
        action: 'session.close',
        after: expect.objectContaining({
          visits: expect.arrayContaining([expect.objectContaining({ outcome: 'left' })]),
        }),
      }),
    );
  });

  it('ends an observation whose 30 minutes are over as done; not one still running', async () => {
    const session = await openSession();
    const observing = await visitAt(session.id, 'vaccinated');
    const early = await close(session.id, {
      lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }],
      visits: [{ visitId: observing.visit.id, outcome: 'done' }],
    });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'session_visit_outcome_invalid', field: 'visits.0' });
    expect(early.body.error.message).toBe(`Không thể xử lý lượt số ${observing.visit.queueNumber} theo cách đã chọn.`);

    now = new Date(now.getTime() + 30 * 60_000);
    const closed = await close(session.id, {
      lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }],
      visits: [{ visitId: observing.visit.id, outcome: 'done' }],
    });
    expect(closed.status).toBe(200);
    expect((await board(session.id)).visits[0]).toMatchObject({ status: 'done', doneAt: now.toISOString() });
  });

  it('refuses a handover to the session itself, a closed one or another facility’s, and an outcome for a visit elsewhere', async () => {
    const session = await openSession('2021-11-20', 'dongthap.admin');
    const waiting = await visitAt(session.id, 'waiting', 'dongthap.admin');
    const closedOne = await openSession('2021-11-20', 'dongthap.admin');
    expect((await close(closedOne.id, { lots: [] }, 'dongthap.admin')).status).toBe(200);
    const saDec = await openSession('2021-11-20', 'dongthap.admin', 'DT-SD-01');
    for (const sessionId of [session.id, closedOne.id, saDec.id, 'no-such-session']) {
      const res = await close(
        session.id,
        { lots: [], visits: [{ visitId: waiting.visit.id, outcome: 'handover', sessionId }] },
        'dongthap.admin',
      );
      expect(res.status, sessionId).toBe(409);
      expect(res.body.error.code, sessionId).toBe('handover_session_invalid');
    }
    const elsewhere = await visitAt(saDec.id, 'waiting', 'dongthap.admin');
    const foreign = await close(
      session.id,
      {
        lots: [],
        visits: [
          { visitId: waiting.visit.id, outcome: 'left', reason: 'Không chờ được' },
          { visitId: elsewhere.visit.id, outcome: 'left', reason: 'Không chờ được' },
        ],
      },
      'dongthap.admin',
    );
    expect(foreign.status).toBe(409);
    expect(foreign.body.error).toMatchObject({ code: 'session_visit_outcome_invalid', field: 'visits.1.visitId' });
    // A person who left needs the reason.
    const noReason = await close(
      session.id,
      { lots: [], visits: [{ visitId: waiting.visit.id, outcome: 'left', reason: '' }] },
      'dongthap.admin',
    );
    expect(noReason.status).toBe(400);
    expect((await board(session.id, 'dongthap.admin')).visits[0].status).toBe('waiting');
  });

  it('a Hà Nội site cannot close a Đồng Tháp session, nor hand people over to one', async () => {
    const session = await openSession();
    await visitAt(session.id, 'waiting');
    expect((await close(session.id, { lots: [] }, 'hanoi.tiem')).status).toBe(404);
    const hanoi = await t.call('POST', '/api/sessions', {
      as: 'hanoi.tiem',
      body: { facilityId: 'HN-BD-01', sessionDate: '2021-11-20' },
    });
    expect(hanoi.status).toBe(201);
    const hanoiVisit = await t.call('POST', `/api/sessions/${hanoi.body.id}/visits`, {
      as: 'hanoi.tiem',
      body: { personId: (await createPersonVia(t, buildPersonIn('01'), 'hanoi.tiem')).id },
    });
    const res = await close(
      hanoi.body.id,
      { lots: [], visits: [{ visitId: hanoiVisit.body.id, outcome: 'handover', sessionId: session.id }] },
      'hanoi.tiem',
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('handover_session_invalid');
  });
});

/** A lot received by Đồng Tháp and `doses` of it allocated to DT-CL-01. */
async function lotAtCaoLanh(vaccineCode: string, lotNumber: string, doses: number) {
  const lot = await t.call('POST', '/api/lots', {
    as: 'dongthap.admin',
    body: { vaccineCode, lotNumber, expiresOn: '2022-12-31', doses: 100, receivedOn: '2021-09-01' },
  });
  expect(lot.status).toBe(201);
  const moved = await t.call('POST', `/api/lots/${lot.body.id}/allocations`, {
    as: 'dongthap.admin',
    body: { doses, toFacilityId: 'DT-CL-01', movedOn: '2021-09-02' },
  });
  expect(moved.status).toBe(204);
  return lot.body as { id: string };
}

describe('the vials counted at closing', () => {
  it('cannot hold more doses than the facility has of the lot: 422 vials_exceed_stock, the session stays open; as many as it has is accepted', async () => {
    // 18 doses of Comirnaty (6 a vial): 3 vials.
    await lotAtCaoLanh(PFIZER, 'NEG18', 18);
    const session = await openSession();
    for (const vialsOpened of [5000, 4]) {
      const over = await close(session.id, { lots: [{ lotNumber: 'NEG18', vialsOpened }] });
      expect(over.status, String(vialsOpened)).toBe(422);
      expect(over.body.error).toMatchObject({ code: 'vials_exceed_stock', field: 'lots.0.vialsOpened' });
      expect(over.body.error.message).toBe('Số lọ đã mở của lô NEG18 vượt quá số liều cơ sở đang có (18 liều).');
    }
    expect((await board(session.id)).session.status).toBe('open');

    const closed = await close(session.id, { lots: [{ lotNumber: 'NEG18', vialsOpened: 3 }] });
    expect(closed.status).toBe(200);
    expect(closed.body.lots).toContainEqual(expect.objectContaining({ lotNumber: 'NEG18', dosesUsed: 18 }));
    const stock = await t.call('GET', '/api/stock', { as: 'caolanh.admin' });
    const facility = stock.body.items.find((i: { holder: string }) => i.holder === 'F:DT-CL-01');
    expect(facility.lots.find((l: { lotNumber: string }) => l.lotNumber === 'NEG18')).toMatchObject({
      dosesReceived: 18,
      dosesUsed: 18,
      dosesRemaining: 0,
    });
    // The stock is spent: the next session cannot open one more vial of it.
    const next = await openSession();
    const more = await close(next.id, { lots: [{ lotNumber: 'NEG18', vialsOpened: 1 }] });
    expect(more.status).toBe(422);
    expect(more.body.error.code).toBe('vials_exceed_stock');
  });

  it('two sessions closing at the same moment cannot both spend the last doses: one is taken, the other 422', async () => {
    await lotAtCaoLanh(PFIZER, 'RACE12', 12);
    const [a, b] = [await openSession(), await openSession()];
    const answers = await Promise.all(
      [a, b].map((s) => close(s.id, { lots: [{ lotNumber: 'RACE12', vialsOpened: 2 }] })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(answers.find((r) => r.status === 422)!.body.error.code).toBe('vials_exceed_stock');
  });
});

describe('one lot number for lots of two vaccines', () => {
  it('the session takes each lot, the dose its vaccine’s lot, and the close names the vaccine (else 422 session_lot_ambiguous)', async () => {
    const ASTRA = 'EU/1/21/1529';
    const pfizerLot = await lotAtCaoLanh(PFIZER, 'DUP100', 50);
    const astraLot = await lotAtCaoLanh(ASTRA, 'DUP100', 50);
    const opened = await t.call('POST', '/api/sessions', {
      as: STAFF,
      body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-20', lotNumbers: ['DUP100'] },
    });
    expect(opened.status).toBe(201);
    const sessionId = opened.body.id as string;
    const visit = await visitAt(sessionId, 'screened');
    const dose = await t.call('POST', `/api/visits/${visit.visit.id}/dose`, {
      as: STAFF,
      body: { vaccineCode: ASTRA, lotNumber: 'DUP100' },
    });
    expect(dose.status).toBe(201);
    expect(dose.body.dose).toMatchObject({ vaccineCode: ASTRA, lotNumber: 'DUP100' });
    const lots = (await board(sessionId)).lots as { lotNumber: string; vaccineCode: string }[];
    expect(
      lots
        .filter((l) => l.lotNumber === 'DUP100')
        .map((l) => l.vaccineCode)
        .sort(),
    ).toEqual([PFIZER, ASTRA].sort());

    const left = [{ visitId: visit.visit.id, outcome: 'left', reason: 'Về sớm, đã dặn dò' }];
    const ambiguous = await close(sessionId, { lots: [{ lotNumber: 'DUP100', vialsOpened: 1 }], visits: left });
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error).toMatchObject({ code: 'session_lot_ambiguous', field: 'lots.0.vaccineCode' });
    expect((await board(sessionId)).session.status).toBe('open');

    const closed = await close(sessionId, {
      lots: [{ lotNumber: 'DUP100', vaccineCode: ASTRA, vialsOpened: 1 }],
      visits: left,
    });
    expect(closed.status).toBe(200);
    const byVaccine = Object.fromEntries(
      (closed.body.lots as { vaccineCode: string; lotNumber: string }[])
        .filter((l) => l.lotNumber === 'DUP100')
        .map((l) => [l.vaccineCode, l]),
    );
    // AstraZeneca: 10 doses a vial, 1 recorded; Comirnaty: nothing opened, nothing recorded.
    expect(byVaccine[ASTRA]).toMatchObject({ vialsOpened: 1, dosesUsed: 10, dosesRecorded: 1, possibleUnrecorded: 9 });
    expect(byVaccine[PFIZER]).toMatchObject({ vialsOpened: 0, dosesUsed: 0, dosesRecorded: 0 });
    const rec = await t.call('GET', '/api/lots/reconciliation', { as: 'caolanh.admin' });
    const recOf = (id: string) => rec.body.items.find((r: { lotId: string }) => r.lotId === id);
    expect(recOf(astraLot.id)).toMatchObject({ dosesUsed: 10, dosesRecorded: 1 });
    expect(recOf(pfizerLot.id)).toBeUndefined();
  });
});
