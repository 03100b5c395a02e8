import { describe, expect, it } from 'vitest';
import { doseOrigin, newestFirst, vaccineName } from './history';

describe('a person’s dose history', () => {
  it('says how each dose was recorded', () => {
    expect(doseOrigin({ source: 'site', retroactive: false })).toBe('session');
    expect(doseOrigin({ source: 'api', retroactive: false })).toBe('manual');
    expect(doseOrigin({ source: 'api', retroactive: true })).toBe('retroactive');
    expect(doseOrigin({ source: 'report_resolution', retroactive: true })).toBe('report');
    expect(doseOrigin({ source: 'import', retroactive: false })).toBe('import');
  });

  it('names the vaccine as core does, or shows the code of one it does not know', () => {
    expect(vaccineName('EU/1/20/1528')).toBe('Pfizer (Comirnaty)');
    expect(vaccineName('XYZ-1')).toBe('XYZ-1');
  });

  it('lists the newest dose first', () => {
    const doses = [
      { administeredOn: '2021-08-01', doseNumber: 1 },
      { administeredOn: '2021-11-20', doseNumber: 3 },
      { administeredOn: '2021-09-01', doseNumber: 2 },
    ];
    expect(newestFirst(doses).map((d) => d.doseNumber)).toEqual([3, 2, 1]);
  });
});
