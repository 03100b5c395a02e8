import { describe, expect, it } from 'vitest';
import { adverseEventDoseProblem } from './adverse-events.js';

describe('an adverse event follows its dose', () => {
  it('not on a day (in Vietnam) before the dose: aefi_before_dose', () => {
    expect(adverseEventDoseProblem(new Date('2021-11-09T16:30:00Z'), '2021-11-10')).toBe('aefi_before_dose');
    expect(adverseEventDoseProblem(new Date('2021-01-01T00:00:00Z'), '2021-11-10')).toBe('aefi_before_dose');
  });

  it('the day of the dose (in Vietnam, whatever the hour) or later is taken', () => {
    expect(adverseEventDoseProblem(new Date('2021-11-09T17:30:00Z'), '2021-11-10')).toBeNull();
    expect(adverseEventDoseProblem(new Date('2021-11-10T16:59:00Z'), '2021-11-10')).toBeNull();
    expect(adverseEventDoseProblem(new Date('2021-11-12T08:00:00Z'), '2021-11-10')).toBeNull();
  });
});
