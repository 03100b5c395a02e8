import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';

/**
 * Dates at the edges of the calendar, as an outside probe sent them (2026-12-03): year 0 (there is
 * none; PostgreSQL refuses it) passed core's date schemas and failed the query, 500 on fifteen
 * routes — one of them public — and the audit CSV export answered 200 and then cut the
 * connection. Refused at the edge now, with the field named; year 1 and year 9999 go on to the
 * routes' own rules, never to a 5xx.
 */
const t = await useTestApp();

const Y0 = '0000-01-01';
const Y0T = '0000-01-01T00:00:00Z';
const ID = '019ae000-0000-7000-8000-000000000000';

const CASES: [as: string | undefined, method: 'GET' | 'POST', url: string, body: object | undefined, field: string][] =
  [
    ['admin', 'GET', `/api/audit?from=${Y0T}`, undefined, 'from'],
    ['admin', 'GET', `/api/audit/export.csv?to=${Y0T}`, undefined, 'to'],
    ['admin', 'GET', `/api/sessions?from=${Y0}`, undefined, 'from'],
    ['admin', 'GET', `/api/stats/units?to=${Y0}`, undefined, 'to'],
    ['admin', 'GET', `/api/stats/doses?by=day&from=${Y0}`, undefined, 'from'],
    ['admin', 'GET', `/api/stats/daily-report.xlsx?date=${Y0}`, undefined, 'date'],
    ['admin', 'GET', `/api/registrations?invitedFor=${Y0}`, undefined, 'invitedFor'],
    ['admin', 'GET', `/api/reports?receivedFrom=${Y0T}`, undefined, 'receivedFrom'],
    [
      'caolanh.tiem',
      'GET',
      `/api/people/duplicate-check?fullName=Nguy%E1%BB%85n%20V%C4%83n%20An&gender=male&dateOfBirth=${Y0}`,
      undefined,
      'dateOfBirth',
    ],
    ['caolanh.tiem', 'POST', '/api/sessions', { facilityId: 'DT-CL-01', sessionDate: Y0 }, 'sessionDate'],
    [
      'dongthap.admin',
      'POST',
      `/api/lots/${ID}/allocations`,
      { doses: 1, toFacilityId: 'DT-CL-01', movedOn: Y0 },
      'movedOn',
    ],
    [
      'caolanh.tiem',
      'POST',
      '/api/adverse-events',
      { personId: ID, occurredAt: Y0T, symptoms: ['sốt'], severity: 'mild', actionTaken: 'theo dõi' },
      'occurredAt',
    ],
    [
      undefined,
      'POST',
      '/api/portal/reports',
      {
        category: 'other',
        fullName: 'Nguyễn Văn An',
        dateOfBirth: Y0,
        gender: 'male',
        phone: '0912345678',
        description: 'kiểm tra',
        provinceCode: '87',
      },
      'dateOfBirth',
    ],
  ];

describe('a date in year 0', () => {
  for (const [as, method, url, body, field] of CASES) {
    it(`${method} ${url.split('?')[0]} (${field}): 400 validation_failed, the field named`, async () => {
      const res = await t.call(method, url, { ...(as ? { as } : {}), ...(body ? { body } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', field });
    });
  }
});

describe('an instant whose offset moves it out of years 1 to 9999 in UTC', () => {
  // Found by the fuzz suite once its dates reached the calendar's edges: 500.
  for (const at of ['0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-12:00']) {
    it(at, async () => {
      for (const url of [
        `/api/reports?receivedTo=${encodeURIComponent(at)}`,
        `/api/audit?from=${encodeURIComponent(at)}`,
      ]) {
        const res = await t.call('GET', url, { as: 'admin' });
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  }
});

describe('year 1 and year 9999: the routes’ own answers, never a 5xx', () => {
  for (const date of ['0001-01-01', '9999-12-31']) {
    it(date, async () => {
      for (const url of [
        `/api/audit?from=${date}T00:00:00Z`,
        `/api/sessions?from=${date}`,
        `/api/stats/doses?by=day&from=${date}`,
        `/api/registrations?invitedFor=${date}`,
        `/api/reports?receivedTo=${date}T00:00:00Z`,
      ]) {
        const res = await t.call('GET', url, { as: 'admin' });
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }
    });
  }
});
