import { describe, expect, it } from 'vitest';
import type { Report } from './api';
import { answeredOnTime, countByUnit, filtersFrom, formatDuration, normalizeTrackingCode, paramsFrom } from './logic';

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

describe('report queue helpers', () => {
  it('writes the time left as hh:mm:ss, hours beyond 24 included', () => {
    expect(formatDuration(48 * HOUR)).toBe('48:00:00');
    expect(formatDuration(47 * HOUR + 59 * 60 * SECOND + 59 * SECOND + 999)).toBe('47:59:59');
    expect(formatDuration(3 * HOUR + 5 * 60 * SECOND + 9 * SECOND)).toBe('03:05:09');
    expect(formatDuration(120 * HOUR)).toBe('120:00:00');
    expect(formatDuration(-5 * SECOND)).toBe('00:00:00');
  });

  it('reads tracking codes typed in any case, with or without the hyphen', () => {
    expect(normalizeTrackingCode(' pa-7kq2mx9d ')).toBe('PA-7KQ2MX9D');
    expect(normalizeTrackingCode('PA7KQ2MX9D')).toBe('PA-7KQ2MX9D');
    expect(normalizeTrackingCode('pa 7kq2 mx9d')).toBe('PA-7KQ2MX9D');
    expect(normalizeTrackingCode('')).toBe('');
  });

  it('keeps the filters in the address bar and reads back only known values', () => {
    const filters = {
      view: 'queue',
      status: 'in_progress',
      category: 'missing_dose',
      overdue: true,
      trackingCode: 'PA-7KQ2MX9D',
    } as const;
    expect(paramsFrom(filters).toString()).toBe(
      'view=queue&status=in_progress&category=missing_dose&overdue=1&code=PA-7KQ2MX9D',
    );
    expect(filtersFrom(paramsFrom(filters))).toEqual(filters);
    expect(paramsFrom({ view: 'all' }).toString()).toBe('');
    expect(filtersFrom(new URLSearchParams('view=x&status=open&category=nope&overdue=yes&code=pa7kq2mx9d'))).toEqual({
      view: 'all',
      status: undefined,
      category: undefined,
      overdue: undefined,
      trackingCode: 'PA-7KQ2MX9D',
    });
  });

  it('counts open and overdue reports per assigned unit, the most overdue first', () => {
    const r = (code: string, status: Report['status'], overdue: boolean) => ({
      status,
      overdue,
      assignedUnit: { level: code.includes('-') ? ('facility' as const) : ('district' as const), code },
    });
    expect(
      countByUnit([
        r('DT-CL-01', 'received', false),
        r('DT-CL-01', 'in_progress', false),
        r('866', 'received', true),
        r('866', 'resolved', false),
        r('867', 'in_progress', false),
      ]),
    ).toEqual([
      { key: 'district:866', unit: { level: 'district', code: '866' }, open: 1, overdue: 1 },
      { key: 'facility:DT-CL-01', unit: { level: 'facility', code: 'DT-CL-01' }, open: 2, overdue: 0 },
      { key: 'district:867', unit: { level: 'district', code: '867' }, open: 1, overdue: 0 },
    ]);
  });
});

describe('answered on time', () => {
  it('core rule: resolved no later than the due time (to the millisecond)', () => {
    const dueAt = '2021-11-07T08:00:00.000Z';
    expect(answeredOnTime({ dueAt, resolvedAt: '2021-11-07T08:00:00.000Z' })).toBe(true);
    expect(answeredOnTime({ dueAt, resolvedAt: '2021-11-07T08:00:00.001Z' })).toBe(false);
    expect(answeredOnTime({ dueAt, resolvedAt: null })).toBe(false);
  });
});
