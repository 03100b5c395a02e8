import { describe, expect, it } from 'vitest';
import { ageOn, daysBefore, mmss, vaccineLabel, vaccineShortName } from './format';

describe('session formats', () => {
  it('shows the observation countdown as mm:ss, never below zero', () => {
    expect(mmss(30 * 60_000)).toBe('30:00');
    expect(mmss(29 * 60_000 + 41_200)).toBe('29:42');
    expect(mmss(999)).toBe('00:01');
    expect(mmss(-5_000)).toBe('00:00');
  });

  it('names vaccines the way the desk does', () => {
    expect(vaccineLabel('EU/1/20/1528')).toBe('Pfizer (Comirnaty)');
    expect(vaccineLabel('BBIBP-CorV')).toBe('BBIBP-CorV (Vero Cell)');
    expect(vaccineLabel('Hayat-Vax')).toBe('Hayat-Vax');
    expect(vaccineShortName('EU/1/21/1529')).toBe('AstraZeneca');
    expect(vaccineLabel('unknown')).toBe('unknown');
  });

  it('counts whole years of age and days back', () => {
    expect(ageOn('1998-10-10', '2021-10-09')).toBe(22);
    expect(ageOn('1998-10-10', '2021-10-10')).toBe(23);
    expect(ageOn('1998-10-10T00:00:00Z', '2021-10-10')).toBe(23);
    expect(ageOn('2021-10-11', '2021-10-10')).toBeNull();
    expect(ageOn('', '2021-10-10')).toBeNull();
    expect(daysBefore('2021-03-01', 30)).toBe('2021-01-30');
  });
});
