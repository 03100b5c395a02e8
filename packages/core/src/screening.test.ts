import { describe, expect, it } from 'vitest';
import { screeningBodySchema, vitalsSchema } from './schemas/screening.js';
import {
  askedQuestions,
  completeScreeningAnswers,
  OBSERVATION_MINUTES,
  OBSERVATION_MS,
  SCREENING_QUESTIONS,
  type ScreeningAnswer,
  screeningPlan,
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

describe('which questions apply (screeningPlan)', () => {
  const modeOf = (plan: ReturnType<typeof screeningPlan>, id: string) => plan.find((p) => p.question.id === id);

  it('does not ask a man about pregnancy: ruled out, recorded as "no"', () => {
    const plan = screeningPlan({ gender: 'male', dateOfBirth: '1980-05-01' }, '2026-12-02');
    expect(modeOf(plan, 'pregnant')).toMatchObject({ mode: 'not_applicable', answer: 'no' });
    expect(askedQuestions(plan).map((q) => q.id)).not.toContain('pregnant');
    const woman = screeningPlan({ gender: 'female', dateOfBirth: '1980-05-01' }, '2026-12-02');
    expect(modeOf(woman, 'pregnant')?.mode).toBe('ask');
  });

  it('answers the age question from a known date of birth, on the day of the screening', () => {
    const on = '2026-12-02';
    expect(modeOf(screeningPlan({ gender: 'female', dateOfBirth: '1961-12-02' }, on), 'age_65')).toMatchObject({
      mode: 'from_record',
      answer: 'yes',
      note: { vi: '65 tuổi (ngày sinh 02/12/1961 trong hồ sơ)' },
    });
    // One day short of 65.
    expect(modeOf(screeningPlan({ gender: 'female', dateOfBirth: '1961-12-03' }, on), 'age_65')).toMatchObject({
      mode: 'from_record',
      answer: 'no',
    });
    // Unknown (or unreadable, or after the day) date of birth: asked.
    for (const dateOfBirth of [null, '', '1961', '2030-01-01'])
      expect(modeOf(screeningPlan({ gender: 'female', dateOfBirth }, on), 'age_65')?.mode, String(dateOfBirth)).toBe(
        'ask',
      );
  });

  it('asks every other question, in checklist order', () => {
    const plan = screeningPlan({ gender: 'male', dateOfBirth: '1990-01-01' }, '2026-12-02');
    expect(plan.map((p) => p.question.id)).toEqual(SCREENING_QUESTIONS.map((q) => q.id));
    expect(askedQuestions(plan).map((q) => q.id)).toEqual(
      SCREENING_QUESTIONS.map((q) => q.id).filter((id) => id !== 'pregnant' && id !== 'age_65'),
    );
  });

  it('completes the answers: the questions asked from the body, the others from the plan', () => {
    const plan = screeningPlan({ gender: 'male', dateOfBirth: '1950-01-01' }, '2026-12-02');
    const asked = Object.fromEntries(askedQuestions(plan).map((q) => [q.id, 'no' as const]));
    const done = completeScreeningAnswers(plan, asked);
    expect(done.missing).toEqual([]);
    expect(done.conflicts).toEqual([]);
    expect(done.answers).toMatchObject({ pregnant: 'no', age_65: 'yes' });
    expect(Object.keys(done.answers).sort()).toEqual(SCREENING_QUESTIONS.map((q) => q.id).sort());
    // The age from the record feeds the suggestion's cautions.
    expect(suggestScreeningOutcome(done.answers).cautions.map((c) => c.en)).toContain('Aged 65 or older');

    const { acute_illness: _, ...withoutOne } = asked;
    expect(completeScreeningAnswers(plan, withoutOne).missing).toEqual(['acute_illness']);
    // A client that still sends every answer: "no" to pregnancy is consistent, the record's age wins.
    expect(completeScreeningAnswers(plan, { ...asked, pregnant: 'no', age_65: 'no' })).toMatchObject({
      conflicts: [],
      answers: { age_65: 'yes' },
    });
    // A pregnancy "yes" (or "unsure") on a man's record is never dropped silently.
    expect(completeScreeningAnswers(plan, { ...asked, pregnant: 'yes' }).conflicts).toEqual(['pregnant']);
    expect(completeScreeningAnswers(plan, { ...asked, pregnant: 'unsure' }).conflicts).toEqual(['pregnant']);
  });

  it('the body may leave out what does not apply (the server checks the rest against the plan)', () => {
    const asked = Object.fromEntries(SCREENING_QUESTIONS.slice(0, 11).map((q) => [q.id, 'no']));
    expect(screeningBodySchema.safeParse({ answers: asked, outcome: 'vaccinate' }).success).toBe(true);
    expect(screeningBodySchema.safeParse({ answers: {}, outcome: 'vaccinate' }).success).toBe(false);
  });
});
