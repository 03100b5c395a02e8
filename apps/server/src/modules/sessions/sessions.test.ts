import { randomUUID } from 'node:crypto';
import { SCREENING_QUESTIONS } from '@tiemchung/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, screenedVisit } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

let now = new Date('2021-11-20T01:30:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';
const allNo = () => Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));

async function openSession(as = 'caolanh.tiem') {
  const res = await t.call('POST', '/api/sessions', {
    as,
    body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-20', name: 'Buổi sáng', lotNumbers: ['FF2587'] },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('a whole visit at the site', () => {
  it('check-in → screening → dose → 30-minute observation → done, with the day’s tally', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = randomUUID();
    const checkIn = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { id: visitId, personId: person.id, method: 'cccd_qr' },
    });
    expect(checkIn.status).toBe(201);
    expect(checkIn.body).toMatchObject({ id: visitId, queueNumber: 1, status: 'waiting' });
    // Offline re-sync of the same check-in: same visit, nothing new.
    const again = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { id: visitId, personId: person.id, method: 'cccd_qr' },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(visitId);

    const screening = await t.call('POST', `/api/visits/${visitId}/screening`, {
      as: 'caolanh.tiem',
      body: {
        answers: allNo(),
        vitals: { temperature: 36.7, pulse: 82, systolic: 120, diastolic: 75, spo2: 98 },
        outcome: 'vaccinate',
      },
    });
    expect(screening.status).toBe(200);
    expect(screening.body).toMatchObject({
      suggestion: 'vaccinate',
      visit: { status: 'screening', screeningOutcome: 'vaccinate' },
    });

    const key = randomUUID();
    const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': key },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(dose.status).toBe(201);
    expect(dose.body.dose).toMatchObject({
      doseNumber: 1,
      administeredOn: '2021-11-20',
      facilityId: 'DT-CL-01',
      sessionId: session.id,
      source: 'site',
    });
    expect(dose.body.visit.status).toBe('observing');
    expect(Date.parse(dose.body.visit.observationUntil) - now.getTime()).toBe(30 * 60_000);
    // A double click: the same dose.
    const twice = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': key },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(twice.status).toBe(200);
    expect(twice.body.dose.id).toBe(dose.body.dose.id);

    now = new Date(now.getTime() + 31 * 60_000);
    const done = await t.call('POST', `/api/visits/${visitId}/complete`, { as: 'caolanh.tiem' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');

    const board = await t.call('GET', `/api/sessions/${session.id}`, { as: 'caolanh.tiem' });
    expect(board.body.tally).toMatchObject({ checkedIn: 1, done: 1, vaccinated: 1, byVaccine: { [PFIZER]: 1 } });
    expect(board.body.visits[0].person.fullName).toBe(person.fullName);
  });

  it('the dose and the visit’s observation commit together: when the visit cannot be updated, no dose is left', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id, { method: 'cccd_qr', vitals: { temperature: 36.6 } });
    // The visit's last step fails (a trigger refuses it for this one visit).
    await sql`
      create function tc_test_visit_fault() returns trigger language plpgsql as $$
      begin
        if new.id = ${sql.lit(visitId)} and new.dose_id is not null then raise exception 'injected failure (test)'; end if;
        return new;
      end;
      $$;
      create trigger tc_test_visit_fault before update on visits for each row execute function tc_test_visit_fault();
    `.execute(t.db);
    try {
      const failed = await t.call('POST', `/api/visits/${visitId}/dose`, {
        as: 'caolanh.tiem',
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
      });
      expect(failed.status).toBe(500);
      const doses = await t.db.selectFrom('doses').select('id').where('person_id', '=', person.id).execute();
      expect(doses).toEqual([]);
    } finally {
      await sql`drop trigger tc_test_visit_fault on visits; drop function tc_test_visit_fault();`.execute(t.db);
    }
    // The retry records it once.
    const retried = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(retried.status).toBe(201);
    expect(retried.body.visit).toMatchObject({ status: 'observing', doseId: retried.body.dose.id });
  });

  it('taps on "vaccinated" sent at the same moment, with or without a key, record one dose', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id, { method: 'cccd_qr', vitals: { temperature: 36.6 } });
    const taps = await Promise.all(
      [randomUUID(), randomUUID(), undefined, undefined].map((key) =>
        t.call('POST', `/api/visits/${visitId}/dose`, {
          as: 'caolanh.tiem',
          headers: key ? { 'idempotency-key': key } : {},
          body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
        }),
      ),
    );
    expect(taps.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(taps.map((r) => r.body.dose.id)).size).toBe(1);
    const doses = await t.db.selectFrom('doses').select('id').where('person_id', '=', person.id).execute();
    expect(doses).toHaveLength(1);
  });

  it('a visit’s dose asked for again with other content is refused, never answered with the first dose', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id);
    const dose = (body: object, key?: string) =>
      t.call('POST', `/api/visits/${visitId}/dose`, {
        as: 'caolanh.tiem',
        headers: key ? { 'idempotency-key': key } : {},
        body,
      });
    const pfizer = { vaccineCode: PFIZER, lotNumber: 'FF2587' };
    const astra = { vaccineCode: 'EU/1/21/1529', lotNumber: 'ABV5811' };
    const key = randomUUID();
    const first = await dose(pfizer, key);
    expect(first.status).toBe(201);
    // The same key, another vaccine and lot (docs/api.md, "Recording a dose safely").
    const reused = await dose(astra, key);
    expect(reused.status, JSON.stringify(reused.body)).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // The same key, another lot only.
    expect((await dose({ ...pfizer, lotNumber: 'FF2588' }, key)).body.error?.code).toBe('idempotency_key_reused');
    // A new key, or none, with other content: the visit already has its dose.
    for (const k of [randomUUID(), undefined]) {
      const second = await dose(astra, k);
      expect(second.status, JSON.stringify(second.body)).toBe(409);
      expect(second.body.error.code).toBe('already_vaccinated');
    }
    // A key another dose was recorded with: 422, as on POST /api/people/{id}/doses.
    const other = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const otherKey = randomUUID();
    const elsewhere = await t.call('POST', `/api/people/${other.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': otherKey },
      body: { ...pfizer, administeredOn: '2021-11-20', facilityId: 'DT-CL-01' },
    });
    expect(elsewhere.status).toBe(201);
    expect((await dose(pfizer, otherKey)).body.error?.code).toBe('idempotency_key_reused');
    // The same content again, with the key, a new key or none: the dose (a retry, a second tap).
    for (const k of [key, randomUUID(), undefined]) {
      const again = await dose(pfizer, k);
      expect(again.status).toBe(200);
      expect(again.body.dose).toMatchObject({ id: first.body.dose.id, vaccineCode: PFIZER, lotNumber: 'FF2587' });
    }
    const doses = await t.db
      .selectFrom('doses')
      .select(['vaccine_code', 'lot_number'])
      .where('person_id', '=', person.id)
      .execute();
    expect(doses).toEqual([{ vaccine_code: PFIZER, lot_number: 'FF2587' }]);
  });

  it('postponing or going against the checklist needs a reason', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const ci = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { personId: person.id },
    });
    expect(ci.status, JSON.stringify(ci.body)).toBe(201);
    const visit = ci.body;
    const fever = { answers: allNo(), vitals: { temperature: 38.2 } };
    const noReason = await t.call('POST', `/api/visits/${visit.id}/screening`, {
      as: 'caolanh.tiem',
      body: { ...fever, outcome: 'vaccinate' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ code: 'screening_reason_required', field: 'reason' });
    const postponed = await t.call('POST', `/api/visits/${visit.id}/screening`, {
      as: 'caolanh.tiem',
      body: { ...fever, outcome: 'postpone', reason: 'Sốt 38,2 °C' },
    });
    expect(postponed.status).toBe(200);
    expect(postponed.body.visit.status).toBe('postponed');
    const dose = await t.call('POST', `/api/visits/${visit.id}/dose`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(dose.status).toBe(422);
    expect(dose.body.error.code).toBe('not_screened');
  });

  it('a serious adverse event is flagged to the district at once', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id);
    const dose = (
      await t.call('POST', `/api/visits/${visitId}/dose`, {
        as: 'caolanh.tiem',
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
      })
    ).body.dose;
    const aefi = await t.call('POST', '/api/adverse-events', {
      as: 'caolanh.tiem',
      body: {
        personId: person.id,
        doseId: dose.id,
        visitId,
        symptoms: ['Khó thở', 'Tụt huyết áp'],
        severity: 'serious',
        actionTaken: 'Xử trí phản vệ theo phác đồ, chuyển viện',
      },
    });
    expect(aefi.status).toBe(201);
    const district = await t.call('GET', '/api/notifications', { as: 'caolanh.admin' });
    expect(district.body.items[0]).toMatchObject({ kind: 'aefi_serious', districtCode: '866', facilityId: 'DT-CL-01' });
    expect(district.body.items[0].body).toMatchObject({ personId: person.id, doseId: dose.id, lotNumber: 'FF2587' });
    expect((await t.call('GET', '/api/notifications', { as: 'hanoi.admin' })).body.items).toHaveLength(0);
  });
});

describe('check-in with the client’s visit id (offline sync)', () => {
  it('an id names one visit: sent again for the same person it is that visit; for another person, 409 conflict', async () => {
    const session = await openSession();
    const a = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const b = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visits = `/api/sessions/${session.id}/visits`;
    const id = randomUUID();
    const first = await t.call('POST', visits, { as: 'caolanh.tiem', body: { id, personId: a.id } });
    expect(first.status).toBe(201);
    const replay = await t.call('POST', visits, { as: 'caolanh.tiem', body: { id, personId: a.id } });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id, personId: a.id });

    const collision = await t.call('POST', visits, { as: 'caolanh.tiem', body: { id, personId: b.id } });
    expect(collision.status, JSON.stringify(collision.body)).toBe(409);
    expect(collision.body.error).toMatchObject({ code: 'conflict', field: 'id' });
    // Even when the other person is on the board already, under another id.
    const own = await t.call('POST', visits, { as: 'caolanh.tiem', body: { personId: b.id } });
    expect(own.status).toBe(201);
    const again = await t.call('POST', visits, { as: 'caolanh.tiem', body: { id, personId: b.id } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'id' });

    const board = await t.call('GET', `/api/sessions/${session.id}`, { as: 'caolanh.tiem' });
    expect(board.body.visits.map((v: { id: string; personId: string }) => [v.id, v.personId])).toEqual([
      [id, a.id],
      [own.body.id, b.id],
    ]);
  });
});

describe('the day of a session', () => {
  it('from the first vaccine approval to a year ahead: past days are allowed, 9999-12-31 is 400 naming sessionDate', async () => {
    const open = (sessionDate: string) =>
      t.call('POST', '/api/sessions', { as: 'caolanh.tiem', body: { facilityId: 'DT-CL-01', sessionDate } });
    // The test's clock: 20 Nov 2021 in Vietnam.
    for (const sessionDate of ['2021-02-01', '2021-06-15', '2022-11-20']) {
      expect((await open(sessionDate)).status, sessionDate).toBe(201);
    }
    for (const sessionDate of ['9999-12-31', '2022-11-21', '2021-01-31', '1990-01-01']) {
      const res = await open(sessionDate);
      expect(res.status, sessionDate).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'session_date_out_of_range',
        field: 'sessionDate',
        message: 'Ngày buổi tiêm phải trong khoảng từ 01/02/2021 đến 20/11/2022.',
      });
    }
    const none = await t.db
      .selectFrom('vaccination_sessions')
      .select('id')
      .where('session_date', '=', '9999-12-31')
      .execute();
    expect(none).toEqual([]);
  });
});

describe('check-in by the QR of the e-health book (the person’s certificate)', () => {
  it('the certificate QR finds its holder: checked in with method health_book_qr; altered or foreign QRs are refused', async () => {
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const dose = await t.call('POST', `/api/people/${person.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-20', facilityId: 'DT-CL-01' },
    });
    expect(dose.status).toBe(201);
    const cert = await t.call('GET', `/api/people/${person.id}/certificate`, { as: 'caolanh.tiem' });
    expect(cert.body.qr).toMatch(/^HC1:/);
    const session = await openSession();
    const visits = `/api/sessions/${session.id}/visits`;

    const tampered = cert.body.qr.slice(0, 60) + (cert.body.qr[60] === 'A' ? 'B' : 'A') + cert.body.qr.slice(61);
    const refused = await t.call('POST', visits, { as: 'caolanh.tiem', body: { healthBookQr: tampered } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('health_book_qr_invalid');
    expect(refused.body.error.message).toMatch(/không phải chứng nhận tiêm chủng do Nền tảng cấp/);

    const res = await t.call('POST', visits, { as: 'caolanh.tiem', body: { healthBookQr: cert.body.qr } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: person.id, checkInMethod: 'health_book_qr', status: 'waiting' });
    // Scanned again: the same visit.
    const again = await t.call('POST', visits, { as: 'caolanh.tiem', body: { healthBookQr: cert.body.qr } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);

    // Not an HC1, or a QR and a person id at once: 400.
    for (const body of [{ healthBookQr: 'TCDK:DK-ABCDEFGH' }, { healthBookQr: cert.body.qr, personId: person.id }]) {
      expect((await t.call('POST', visits, { as: 'caolanh.tiem', body })).status).toBe(400);
    }
  });
});

describe('a dose recorded offline', () => {
  it('keeps the observation clock of when it was given', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id);
    const givenAt = new Date(now.getTime() - 20 * 60_000);
    const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', givenAt: givenAt.toISOString() },
    });
    expect(dose.status).toBe(201);
    expect(Date.parse(dose.body.visit.observationUntil)).toBe(givenAt.getTime() + 30 * 60_000);
  });
});

describe('closing a session', () => {
  it('compares doses used (vials × doses per vial) with doses recorded, per lot', async () => {
    const session = await openSession();
    for (let i = 0; i < 4; i++) {
      const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
      const visitId = await screenedVisit(t, session.id, person.id);
      expect(
        (
          await t.call('POST', `/api/visits/${visitId}/dose`, {
            as: 'caolanh.tiem',
            body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
          })
        ).status,
      ).toBe(201);
    }
    // The four are still in observation: the close lists them (sessions.close.test.ts: what else).
    const unresolved = await t.call('POST', `/api/sessions/${session.id}/close`, {
      as: 'caolanh.tiem',
      body: { lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }] },
    });
    expect(unresolved.status).toBe(409);
    expect(unresolved.body.error.code).toBe('session_visits_unresolved');
    expect(unresolved.body.visits).toHaveLength(4);
    now = new Date(now.getTime() + 31 * 60_000);
    const board = await t.call('GET', `/api/sessions/${session.id}`, { as: 'caolanh.tiem' });
    const observed = board.body.visits.map((v: { id: string }) => ({ visitId: v.id, outcome: 'done' }));

    const noVials = await t.call('POST', `/api/sessions/${session.id}/close`, {
      as: 'caolanh.tiem',
      body: { lots: [], visits: observed },
    });
    expect(noVials.status).toBe(400);
    expect(noVials.body.error.code).toBe('vials_missing');

    const closed = await t.call('POST', `/api/sessions/${session.id}/close`, {
      as: 'caolanh.tiem',
      body: { lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }], visits: observed },
    });
    expect(closed.status).toBe(200);
    // Pfizer: 6 doses per vial; 4 recorded → 2 possible unrecorded doses.
    expect(closed.body.lots).toEqual([
      {
        lotNumber: 'FF2587',
        vaccineCode: PFIZER,
        vialsOpened: 1,
        dosesPerVial: 6,
        dosesUsed: 6,
        dosesRecorded: 4,
        possibleUnrecorded: 2,
      },
    ]);
    const late = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { personId: (await createPersonVia(t, buildPersonIn('87'))).id },
    });
    expect(late.status).toBe(409);

    const stock = await t.call('GET', '/api/lots?facilityId=DT-CL-01', { as: 'caolanh.tiem' });
    const pf = stock.body.items.find((l: any) => l.lotNumber === 'FF2587');
    expect(pf.dosesUsed).toBeGreaterThanOrEqual(6);
    const rec = await t.call('GET', '/api/lots/reconciliation', { as: 'caolanh.admin' });
    expect(rec.body.items.find((r: any) => r.lotNumber === 'FF2587')).toMatchObject({
      possibleUnrecorded: expect.any(Number),
    });
  });
});

describe('scope', () => {
  it('a Hà Nội site cannot see or work a Đồng Tháp session', async () => {
    const session = await openSession();
    expect((await t.call('GET', `/api/sessions/${session.id}`, { as: 'hanoi.tiem' })).status).toBe(404);
    const person = await createPersonVia(t, buildPersonIn('87'));
    expect(
      (await t.call('POST', `/api/sessions/${session.id}/visits`, { as: 'hanoi.tiem', body: { personId: person.id } }))
        .status,
    ).toBe(404);
    expect(
      (
        await t.call('POST', '/api/sessions', {
          as: 'hanoi.tiem',
          body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-20' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('the screening asks what applies to the person (core screeningPlan)', () => {
  /** A citizen of TP Cao Lãnh the registry knows, matching `pick` (sex, age). */
  const citizenWhere = (pick: (p: { gender: string; dateOfBirth: string }) => boolean) => {
    for (let i = 0; i < 5000; i++) {
      const body = buildPersonIn('87', { districtCode: '866' });
      if (pick(body)) return body;
    }
    throw new Error('no such citizen in the registry simulator');
  };
  const visitOf = async (pick: (p: { gender: string; dateOfBirth: string }) => boolean) => {
    const session = await openSession();
    const person = await createPersonVia(t, citizenWhere(pick));
    const visit = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { personId: person.id },
    });
    return visit.body.id as string;
  };
  const asked = (...notAsked: string[]) =>
    Object.fromEntries(SCREENING_QUESTIONS.filter((q) => !notAsked.includes(q.id)).map((q) => [q.id, 'no']));
  const stored = async (visitId: string) =>
    (await t.db.selectFrom('visits').select('screening').where('id', '=', visitId).executeTakeFirstOrThrow())
      .screening as { answers: Record<string, string>; notAsked: Record<string, string> };

  it('a man is not asked about pregnancy, nor anyone their age: recorded from the record', async () => {
    const visitId = await visitOf((p) => p.gender === 'male' && p.dateOfBirth > '1960-01-01');
    const res = await t.call('POST', `/api/visits/${visitId}/screening`, {
      as: 'caolanh.tiem',
      body: { answers: asked('pregnant', 'age_65'), outcome: 'vaccinate' },
    });
    expect(res.status).toBe(200);
    expect(res.body.suggestion).toBe('vaccinate');
    expect(await stored(visitId)).toMatchObject({
      answers: { pregnant: 'no', age_65: 'no' },
      notAsked: { pregnant: 'not_applicable', age_65: 'from_record' },
    });
  });

  it('a woman is asked about pregnancy: without the answer, 400 screening_unanswered', async () => {
    const visitId = await visitOf((p) => p.gender === 'female');
    const res = await t.call('POST', `/api/visits/${visitId}/screening`, {
      as: 'caolanh.tiem',
      body: { answers: asked('pregnant', 'age_65'), outcome: 'vaccinate' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'screening_unanswered', field: 'answers', message: 'Còn 1 câu hỏi sàng lọc chưa trả lời.' },
      questions: ['pregnant'],
    });
    const answered = await t.call('POST', `/api/visits/${visitId}/screening`, {
      as: 'caolanh.tiem',
      body: { answers: asked('age_65'), outcome: 'vaccinate' },
    });
    expect(answered.status).toBe(200);
  });

  it('a pregnancy "yes" on a man’s record is refused, never dropped; the record’s age wins over an answer', async () => {
    const man = await visitOf((p) => p.gender === 'male');
    const conflict = await t.call('POST', `/api/visits/${man}/screening`, {
      as: 'caolanh.tiem',
      body: { answers: { ...allNo(), pregnant: 'yes' }, outcome: 'refer', reason: 'Đang mang thai' },
    });
    expect(conflict.status).toBe(422);
    expect(conflict.body.error).toMatchObject({ code: 'screening_answer_conflicts', field: 'answers.pregnant' });
    expect(conflict.body.error.message).toContain('Đang mang thai');

    // 65 or older on the session's day (20 Nov 2021): the caution comes from the record, even when
    // an older client answered "no" to the age question.
    const older = await visitOf((p) => p.dateOfBirth <= '1956-11-20');
    const res = await t.call('POST', `/api/visits/${older}/screening`, {
      as: 'caolanh.tiem',
      body: { answers: allNo(), outcome: 'vaccinate' },
    });
    expect(res.status).toBe(200);
    expect((await stored(older)).answers.age_65).toBe('yes');
  });
});

describe('after the dose (offline replays, observation)', () => {
  it('the identical screening sent again after the dose answers 200 with the visit as it is; another screening is 409 already_vaccinated', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const vitals = { temperature: 36.7, pulse: 82, systolic: 120, diastolic: 75, spo2: 98 };
    const visitId = await screenedVisit(t, session.id, person.id, { vitals });
    const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(dose.status).toBe(201);
    const screening = (body: unknown) =>
      t.call('POST', `/api/visits/${visitId}/screening`, { as: 'caolanh.tiem', body });

    // The same body, its keys in another order: the doctor's queue re-sending what it sent.
    const replay = await screening({ outcome: 'vaccinate', vitals: { ...vitals }, answers: allNo() });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ suggestion: 'vaccinate', visit: dose.body.visit });

    for (const other of [
      { answers: allNo(), vitals: { ...vitals, temperature: 37 }, outcome: 'vaccinate' },
      { answers: allNo(), vitals, outcome: 'postpone', reason: 'Sốt nhẹ' },
      { answers: allNo(), outcome: 'vaccinate' },
    ]) {
      const res = await screening(other);
      expect(res.status, JSON.stringify(other)).toBe(409);
      expect(res.body.error.code).toBe('already_vaccinated');
    }
    const board = await t.call('GET', `/api/sessions/${session.id}`, { as: 'caolanh.tiem' });
    expect(board.body.visits.find((v: { id: string }) => v.id === visitId)).toMatchObject({
      status: 'observing',
      screeningOutcome: 'vaccinate',
    });
  });

  it('"complete" before the 30 minutes are over is the desk’s confirmed decision: taken, and the audit entry says so', async () => {
    const session = await openSession();
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = await screenedVisit(t, session.id, person.id);
    const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(dose.status).toBe(201);
    const observationUntil = new Date(now.getTime() + 30 * 60_000).toISOString();
    now = new Date(now.getTime() + 29 * 60_000);
    const early = await t.call('POST', `/api/visits/${visitId}/complete`, { as: 'caolanh.tiem' });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: 'done', doneAt: now.toISOString() });
    const entry = (await listAudit(t.db, 'visit', visitId)).find((a) => a.action === 'visit.done');
    expect(entry?.after).toMatchObject({ beforeObservationEnd: true });
    expect(new Date((entry!.after as { observationUntil: string }).observationUntil).toISOString()).toBe(
      observationUntil,
    );
  });
});
