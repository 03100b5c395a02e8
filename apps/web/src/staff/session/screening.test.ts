import { VITAL_LIMITS, vitalsSchema } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_VITALS,
  emptyAnswers,
  givenAnswers,
  liveSuggestion,
  parseVitals,
  planFor,
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
    const plan = planFor({ gender: 'female', dateOfBirth: '1980-03-04' }, '2021-11-20');
    const answers = Object.fromEntries(Object.keys(emptyAnswers(plan)).map((id) => [id, 'no' as const]));
    expect(unanswered(answers, plan)).toEqual([]);
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '36,6' }, plan).outcome).toBe('vaccinate');
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '38' }, plan).outcome).toBe('postpone');
    expect(liveSuggestion(answers, { ...EMPTY_VITALS, temperature: '380' }, plan).outcome).toBe('vaccinate');
    expect(liveSuggestion({ ...answers, pregnant: 'yes' }, EMPTY_VITALS, plan).outcome).toBe('refer');
    // A woman of 41: everything is asked but the age, which the record answers.
    expect(unanswered(emptyAnswers(plan), plan)).toHaveLength(12);
    expect(unanswered(emptyAnswers(plan), plan)).not.toContain('age_65');
  });

  it('asks a man nothing about pregnancy; the age from the record feeds the suggestion', () => {
    const man = planFor({ gender: 'male', dateOfBirth: '1950-03-04' }, '2021-11-20');
    const asked = Object.keys(emptyAnswers(man));
    expect(asked).toHaveLength(11);
    expect(asked).not.toContain('pregnant');
    expect(asked).not.toContain('age_65');
    const answers = Object.fromEntries(asked.map((id) => [id, 'no' as const]));
    // 71 on the day: the age caution, with nothing typed for it.
    expect(liveSuggestion(answers, EMPTY_VITALS, man).cautions.map((c) => c.vi)).toEqual(['Từ 65 tuổi trở lên']);
    // The body carries the questions asked only.
    expect(Object.keys(givenAnswers(answers)).sort()).toEqual([...asked].sort());
    // A refused screening edited again: its answers come back, those not asked are dropped.
    expect(emptyAnswers(man, { acute_illness: 'yes', pregnant: 'no' })).toMatchObject({ acute_illness: 'yes' });
    expect(emptyAnswers(man, { pregnant: 'no' })).not.toHaveProperty('pregnant');
    // Nobody known (the board has no person): every question is asked.
    expect(Object.keys(emptyAnswers(planFor(undefined, '2021-11-20')))).toHaveLength(13);
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
