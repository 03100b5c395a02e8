import { describe, expect, it } from 'vitest';
import { nextDoseDue } from './next-dose.js';

const PFIZER = 'EU/1/20/1528';
const AZ = 'EU/1/21/1529';
const JANSSEN = 'EU/1/20/1525';
const dose = (id: string, administeredOn: string, vaccineCode = PFIZER, declaredKind: 'additional' | null = null) => ({
  id,
  vaccineCode,
  administeredOn,
  declaredKind,
});
const adult = '1980-03-15';

describe('nextDoseDue (the e-health book’s next dose, from the dose rules)', () => {
  it('no dose: dose 1 now; a child under 5: not yet, from the 5th birthday', () => {
    expect(nextDoseDue({ dateOfBirth: adult, history: [], today: '2021-11-20' })).toMatchObject({
      due: true,
      doseNumber: 1,
      doseKind: 'primary',
      from: '2021-11-20',
    });
    expect(nextDoseDue({ dateOfBirth: '2019-05-01', history: [], today: '2021-11-20' })).toMatchObject({
      due: false,
      reason: 'too_young',
      from: '2024-05-01',
    });
  });

  it('primary series open: the next primary dose after the vaccine’s interval (the recommended one when longer)', () => {
    expect(nextDoseDue({ dateOfBirth: adult, history: [dose('a', '2021-10-01')], today: '2021-10-05' })).toMatchObject({
      due: true,
      doseNumber: 2,
      doseKind: 'primary',
      from: '2021-10-22',
      vaccineCode: PFIZER,
    });
    // AstraZeneca: 56 days recommended (28 minimum).
    expect(
      nextDoseDue({ dateOfBirth: adult, history: [dose('a', '2021-07-01', AZ)], today: '2021-07-02' }),
    ).toMatchObject({ doseNumber: 2, from: '2021-08-26' });
  });

  it('series complete: the first booster 3 months after the last dose; a single-dose vaccine completes at once', () => {
    const two = [dose('a', '2021-08-01'), dose('b', '2021-08-29')];
    expect(nextDoseDue({ dateOfBirth: adult, history: two, today: '2021-11-20' })).toMatchObject({
      due: true,
      doseNumber: 3,
      doseKind: 'booster',
      from: '2021-11-29',
    });
    expect(
      nextDoseDue({ dateOfBirth: adult, history: [dose('j', '2021-09-01', JANSSEN)], today: '2021-10-01' }),
    ).toMatchObject({ doseKind: 'booster', doseNumber: 2, from: '2021-12-01' });
    // An additional dose counts in the history: the booster follows it.
    const withAdditional = [...two, dose('c', '2021-10-01', PFIZER, 'additional')];
    expect(nextDoseDue({ dateOfBirth: adult, history: withAdditional, today: '2021-11-20' })).toMatchObject({
      doseKind: 'booster',
      doseNumber: 4,
      from: '2022-01-01',
    });
  });

  it('one booster: a second 4 months later for people 50 and over; none for younger people', () => {
    const three = [dose('a', '2021-08-01'), dose('b', '2021-08-29'), dose('c', '2021-12-01')];
    expect(nextDoseDue({ dateOfBirth: '1960-01-01', history: three, today: '2022-01-10' })).toMatchObject({
      due: true,
      doseNumber: 4,
      doseKind: 'booster',
      from: '2022-04-01',
    });
    expect(nextDoseDue({ dateOfBirth: adult, history: three, today: '2022-01-10' })).toMatchObject({
      due: false,
      reason: 'complete',
    });
    // Turning 50 after the 4 months: due from the birthday.
    expect(nextDoseDue({ dateOfBirth: '1972-06-10', history: three, today: '2022-01-10' })).toMatchObject({
      due: true,
      from: '2022-06-10',
    });
  });

  it('two boosters: nothing further; the history’s order does not matter', () => {
    const four = [dose('d', '2022-04-01'), dose('b', '2021-08-29'), dose('c', '2021-12-01'), dose('a', '2021-08-01')];
    expect(nextDoseDue({ dateOfBirth: '1950-01-01', history: four, today: '2022-06-01' })).toMatchObject({
      due: false,
      reason: 'complete',
      from: null,
    });
  });
});
