import { randomUUID } from 'node:crypto';
import { addDays } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

const record = (personId: string, occurredAt?: string, doseId?: string) =>
  t.call('POST', '/api/adverse-events', {
    as: 'caolanh.tiem',
    body: {
      personId,
      ...(occurredAt ? { occurredAt } : {}),
      ...(doseId ? { doseId } : {}),
      symptoms: ['Sốt'],
      severity: 'mild',
      actionTaken: 'Theo dõi tại chỗ',
    },
  });

const eventsOf = async (personId: string) =>
  (await t.db.selectFrom('adverse_events').select('occurred_at').where('person_id', '=', personId).execute()).length;

describe('when an adverse event can have happened', () => {
  it('not after now (a few minutes of clock skew aside): 400 aefi_in_future naming occurredAt', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const far = await record(p.id, '9999-01-01T00:00:00Z');
    expect(far.status).toBe(400);
    expect(far.body.error).toMatchObject({ code: 'aefi_in_future', field: 'occurredAt' });
    const anHourAhead = await record(p.id, new Date(now.getTime() + 3_600_000).toISOString());
    expect(anHourAhead.body.error).toMatchObject({ code: 'aefi_in_future', field: 'occurredAt' });
    expect(await eventsOf(p.id)).toBe(0);
    expect((await record(p.id, new Date(now.getTime() + 60_000).toISOString())).status).toBe(201);
    expect((await record(p.id, '2021-11-20T01:30:00Z')).status).toBe(201);
    expect((await record(p.id)).status).toBe(201);
    expect(await eventsOf(p.id)).toBe(3);
  });

  it('not before the person was born (the day in Vietnam): 400 aefi_before_birth naming occurredAt', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const dob: string = p.dateOfBirth;
    const years = await record(p.id, '1900-01-01T00:00:00Z');
    expect(years.status).toBe(400);
    expect(years.body.error).toMatchObject({ code: 'aefi_before_birth', field: 'occurredAt' });
    // 23:30 the evening before the birth day in Vietnam (16:30 UTC) is before birth ...
    const eve = await record(p.id, `${addDays(dob, -1)}T16:30:00Z`);
    expect(eve.body.error).toMatchObject({ code: 'aefi_before_birth', field: 'occurredAt' });
    expect(await eventsOf(p.id)).toBe(0);
    // ... 00:30 on the birth day in Vietnam (still the day before in UTC) is not.
    expect((await record(p.id, `${addDays(dob, -1)}T17:30:00Z`)).status).toBe(201);
  });

  it('not before the dose it follows (the day in Vietnam): 422 aefi_before_dose naming occurredAt; the day of the dose is taken', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const doseOn = async (administeredOn: string) => {
      const res = await t.call('POST', `/api/people/${p.id}/doses`, {
        as: 'caolanh.tiem',
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const first = await doseOn('2021-10-01');
    const second = await doseOn('2021-11-10');
    // 23:30 on 9 Nov in Vietnam (16:30 UTC) is the day before the second dose ...
    const eve = await record(p.id, '2021-11-09T16:30:00Z', second);
    expect(eve.status).toBe(422);
    expect(eve.body.error).toMatchObject({ code: 'aefi_before_dose', field: 'occurredAt' });
    expect(eve.body.error.message).toContain('2021-11-10');
    // ... and, no dose named, a day before the first dose follows no dose.
    const beforeAny = await record(p.id, '2021-09-30T03:00:00Z');
    expect(beforeAny.status).toBe(422);
    expect(beforeAny.body.error).toMatchObject({ code: 'aefi_before_dose', field: 'occurredAt' });
    expect(await eventsOf(p.id)).toBe(0);
    // 00:30 on 10 Nov in Vietnam (still 9 Nov in UTC), the day of the dose, is taken.
    expect((await record(p.id, '2021-11-09T17:30:00Z', second)).status).toBe(201);
    // No dose named: an event of 5 Oct follows the first dose, not the later second one.
    const early = await record(p.id, '2021-10-05T03:00:00Z');
    expect(early.status).toBe(201);
    const linked = await t.db
      .selectFrom('adverse_events')
      .select('dose_id')
      .where('id', '=', early.body.id)
      .executeTakeFirstOrThrow();
    expect(linked.dose_id).toBe(first);
    expect(await eventsOf(p.id)).toBe(2);
  });
});
