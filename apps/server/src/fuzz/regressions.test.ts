import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, screenedVisit } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

/** Failures the fuzz suite (fuzz.test.ts) found, each pinned by the request that found it. */

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

async function vaccinated(as = 'caolanh.tiem', facilityId = 'DT-CL-01') {
  const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }), as);
  const session = await t.call('POST', '/api/sessions', {
    as,
    body: { facilityId, sessionDate: '2021-11-20', lotNumbers: ['FF2587'] },
  });
  expect(session.status).toBe(201);
  const visitId = await screenedVisit(t, session.body.id, person.id, { as, id: randomUUID(), method: 'cccd_qr' });
  const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
    as,
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' },
  });
  expect(dose.status).toBe(201);
  return { person, visitId };
}

describe('adverse events', () => {
  // FUZZ_SEED=7: POST /api/adverse-events {"personId":"…","visitId":"𝢀⌦㉁",…} → 500 (foreign key).
  it('a visit id that names no visit → 404 naming visitId, nothing recorded', async () => {
    const { person } = await vaccinated();
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('adverse_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('person_id', '=', person.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const visitId of ['𝢀⌦㉁', randomUUID(), '0']) {
      const res = await t.call('POST', '/api/adverse-events', {
        as: 'caolanh.tiem',
        body: { personId: person.id, visitId, symptoms: ['Sốt'], severity: 'mild', actionTaken: 'Theo dõi' },
      });
      expect(res.status, visitId).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', field: 'visitId' });
    }
    expect(await count()).toBe(0);
  });

  it('another person’s visit → 404; the person’s own visit is recorded with it', async () => {
    const a = await vaccinated();
    const b = await vaccinated();
    const body = { personId: a.person.id, symptoms: ['Sốt'], severity: 'mild', actionTaken: 'Theo dõi' };
    const other = await t.call('POST', '/api/adverse-events', {
      as: 'caolanh.tiem',
      body: { ...body, visitId: b.visitId },
    });
    expect(other.status).toBe(404);
    const own = await t.call('POST', '/api/adverse-events', {
      as: 'caolanh.tiem',
      body: { ...body, visitId: a.visitId },
    });
    expect(own.status).toBe(201);
    const row = await t.db
      .selectFrom('adverse_events')
      .selectAll()
      .where('id', '=', own.body.id)
      .executeTakeFirstOrThrow();
    expect(row.visit_id).toBe(a.visitId);
  });
});
