import { describe, expect, it } from 'vitest';
import { ageOn, vietnamDay } from './calendar.js';

describe('age in whole years', () => {
  it('a year more on the birthday, not the day before', () => {
    expect(ageOn('1998-10-10', '2021-10-09')).toBe(22);
    expect(ageOn('1998-10-10', '2021-10-10')).toBe(23);
    expect(ageOn('1998-10-10', '2021-12-31')).toBe(23);
    expect(ageOn('1998-10-10', '2022-01-01')).toBe(23);
  });

  it('born on 29 February: a year older on 1 March of common years', () => {
    expect(ageOn('2000-02-29', '2021-02-28')).toBe(20);
    expect(ageOn('2000-02-29', '2021-03-01')).toBe(21);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });

  it('0 in the first year; negative before birth', () => {
    expect(ageOn('2021-06-01', '2021-06-01')).toBe(0);
    expect(ageOn('2021-06-01', '2022-05-31')).toBe(0);
    expect(ageOn('2021-06-01', '2021-05-31')).toBe(-1);
  });
});

describe('vietnamDay', () => {
  it('is the day in UTC+7: the next day from 17:00 UTC, the same day before', () => {
    expect(vietnamDay(new Date('2021-12-02T16:59:59Z'))).toBe('2021-12-02');
    expect(vietnamDay(new Date('2021-12-02T17:00:00Z'))).toBe('2021-12-03');
    expect(vietnamDay(new Date('2021-12-31T18:00:00Z'))).toBe('2022-01-01');
  });
});
