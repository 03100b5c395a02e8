import { addDays } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

const record = (personId: string, occurredAt?: string) =>
  t.call('POST', '/api/adverse-events', {
    as: 'caolanh.tiem',
    body: {
      personId,
      ...(occurredAt ? { occurredAt } : {}),
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
});
