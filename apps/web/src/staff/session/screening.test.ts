import { VITAL_LIMITS, vitalsSchema } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_VITALS,
  emptyAnswers,
  liveSuggestion,
  parseVitals,
  reasonRequired,
  unanswered,
  VITAL_FIELDS,
} from './screening';

describe('screening form helpers', () => {
  it('reads vital signs typed with a comma or a point, and flags values out of range', () => {
    expect(parseVitals({ ...EMPTY_VITALS, temperature: '36,6', pulse: '80', spo2: '98' })).toEqual({
      vitals: { temperature: 36.6, pulse: 80, spo2: 98 },
      invalid: [],
    });
    expect(
      parseVitals({ temperature: '366', pulse: '80.5', systolic: 'abc', diastolic: '', spo2: '101' }).invalid,
    ).toEqual(['temperature', 'pulse', 'systolic', 'spo2']);
  });

  it('suggests from what is filled in so far (the core rule), ignoring invalid vital signs', () => {
    const answers = Object.fromEntries(Object.keys(emptyAnswers()).map((id) => [id, 'no' as const]));
    expect(unanswered(answers)).toEqual([]);
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '36,6' }).outcome).toBe('vaccinate');
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '38' }).outcome).toBe('postpone');
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '380' }).outcome).toBe('vaccinate');
    expect(liveSuggestion({ ...answers, pregnant: 'yes' }, EMPTY_VITALS).outcome).toBe('refer');
    expect(unanswered(emptyAnswers())).toHaveLength(13);
  });

  it('asks for a reason to postpone, refer, or decide against the suggestion', () => {
    expect(reasonRequired('vaccinate', 'vaccinate')).toBe(false);
    expect(reasonRequired('vaccinate', 'postpone')).toBe(true);
    expect(reasonRequired('postpone', 'postpone')).toBe(true);
    expect(reasonRequired('refer', 'vaccinate')).toBe(true);
  });
});

describe('the form and the API agree on vital signs', () => {
  it('each limit of the core rules is accepted by both; one beyond it by neither', () => {
    for (const field of VITAL_FIELDS) {
      const { min, max } = VITAL_LIMITS[field];
      for (const value of [min, max]) {
        const parsed = parseVitals({ ...EMPTY_VITALS, [field]: String(value) });
        expect(parsed.invalid, `${field} ${value}`).toEqual([]);
        expect(vitalsSchema.safeParse(parsed.vitals).success, `${field} ${value}`).toBe(true);
      }
      for (const value of [min - 1, max + 1]) {
        expect(parseVitals({ ...EMPTY_VITALS, [field]: String(value) }).invalid, `${field} ${value}`).toEqual([field]);
        expect(vitalsSchema.safeParse({ [field]: value }).success, `${field} ${value}`).toBe(false);
      }
    }
  });
});
