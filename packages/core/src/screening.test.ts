import { describe, expect, it } from 'vitest';
import { vitalsSchema } from './schemas/screening.js';
import {
  OBSERVATION_MINUTES,
  OBSERVATION_MS,
  SCREENING_QUESTIONS,
  type ScreeningAnswer,
  suggestScreeningOutcome,
  VITAL_LIMITS,
  type VitalSign,
} from './screening.js';

const allNo = (): Record<string, ScreeningAnswer> => Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));

describe('screening suggestion', () => {
  it('all "no" and normal vital signs → vaccinate', () => {
    expect(
      suggestScreeningOutcome(allNo(), { temperature: 36.8, pulse: 80, systolic: 120, diastolic: 80, spo2: 98 }),
    ).toMatchObject({ outcome: 'vaccinate', reasons: [], contraindicated: false });
  });

  it('anaphylaxis to a previous COVID-19 dose → contraindicated, referred', () => {
    expect(suggestScreeningOutcome({ ...allNo(), anaphylaxis_previous_covid_dose: 'yes' })).toMatchObject({
      outcome: 'refer',
      contraindicated: true,
    });
  });

  it('acute illness or fever of 37.5 °C → postpone; 37.4 °C does not', () => {
    expect(suggestScreeningOutcome({ ...allNo(), acute_illness: 'yes' }).outcome).toBe('postpone');
    expect(suggestScreeningOutcome(allNo(), { temperature: 37.5 }).outcome).toBe('postpone');
    expect(suggestScreeningOutcome(allNo(), { temperature: 37.4 }).outcome).toBe('vaccinate');
  });

  it('SpO₂ below 94 % → postpone; 94 % does not', () => {
    expect(suggestScreeningOutcome(allNo(), { spo2: 93 }).outcome).toBe('postpone');
    expect(suggestScreeningOutcome(allNo(), { spo2: 94 }).outcome).toBe('vaccinate');
  });

  it('a refer item beats a postpone item; an unsure answer needs the doctor', () => {
    expect(suggestScreeningOutcome({ ...allNo(), acute_illness: 'yes', immunodeficiency: 'yes' }).outcome).toBe(
      'refer',
    );
    const unsure = suggestScreeningOutcome({ ...allNo(), coagulation: 'unsure' });
    expect(unsure.outcome).toBe('refer');
    expect(unsure.reasons[0]?.vi).toMatch(/^Chưa rõ/);
  });

  it('caution items still vaccinate, listed for the observation', () => {
    const s = suggestScreeningOutcome({ ...allNo(), age_65: 'yes', allergy_other: 'yes' });
    expect(s.outcome).toBe('vaccinate');
    expect(s.cautions).toHaveLength(2);
  });
});

describe('vital-sign limits', () => {
  const signs = Object.keys(VITAL_LIMITS) as VitalSign[];

  it('the API schema accepts each sign from its minimum to its maximum, and nothing outside', () => {
    expect(signs.sort()).toEqual(['diastolic', 'pulse', 'spo2', 'systolic', 'temperature']);
    for (const sign of signs) {
      const { min, max } = VITAL_LIMITS[sign];
      expect(vitalsSchema.safeParse({ [sign]: min }).success, `${sign} ${min}`).toBe(true);
      expect(vitalsSchema.safeParse({ [sign]: max }).success, `${sign} ${max}`).toBe(true);
      expect(vitalsSchema.safeParse({ [sign]: min - 1 }).success, `${sign} ${min - 1}`).toBe(false);
      expect(vitalsSchema.safeParse({ [sign]: max + 1 }).success, `${sign} ${max + 1}`).toBe(false);
    }
  });

  it('only the temperature has decimals', () => {
    expect(vitalsSchema.safeParse({ temperature: 36.8 }).success).toBe(true);
    for (const sign of signs.filter((s) => VITAL_LIMITS[s].integer)) {
      expect(vitalsSchema.safeParse({ [sign]: VITAL_LIMITS[sign].min + 0.5 }).success, sign).toBe(false);
    }
    expect(VITAL_LIMITS.temperature.integer).toBe(false);
  });

  it('the suggestion thresholds lie within the limits', () => {
    expect(VITAL_LIMITS.temperature.max).toBeGreaterThan(37.5);
    expect(VITAL_LIMITS.spo2.min).toBeLessThan(94);
    expect(VITAL_LIMITS.systolic.max).toBeGreaterThanOrEqual(180);
    expect(VITAL_LIMITS.diastolic.max).toBeGreaterThanOrEqual(110);
    expect(VITAL_LIMITS.pulse.max).toBeGreaterThan(120);
  });
});

describe('observation', () => {
  it('lasts 30 minutes', () => {
    expect(OBSERVATION_MINUTES).toBe(30);
    expect(OBSERVATION_MS).toBe(30 * 60_000);
  });
});
