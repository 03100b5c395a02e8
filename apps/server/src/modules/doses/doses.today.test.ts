import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

/**
 * "Today" is Vietnam's day (UTC+7): at 01:30 on 3 December in Vietnam — still 2 December in UTC —
 * a dose of 3 December is a dose of today, not one in the future; a dose of 4 December is.
 */
const t = await useTestApp({ deps: { clock: () => new Date('2021-12-02T18:30:00Z') } });

describe('the day of a dose', () => {
  it("is Vietnam's calendar day, not UTC's", async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const dose = (administeredOn: string) =>
      t.call('POST', `/api/people/${p.id}/doses`, {
        as: 'caolanh.tiem',
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
    const future = await dose('2021-12-04');
    expect(future.status).toBe(422);
    expect(future.body.error.code).toBe('date_in_future');
    const today = await dose('2021-12-03');
    expect(today.status, JSON.stringify(today.body)).toBe(201);
  });
});
