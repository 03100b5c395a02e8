import { describe, expect, it } from 'vitest';
import { SCREENING_QUESTIONS, type ScreeningAnswer, suggestScreeningOutcome } from './screening.js';

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
