import {
  completeScreeningAnswers,
  type PlannedScreeningQuestion,
  type ScreeningAnswer,
  type ScreeningOutcome,
  screeningPlan,
  suggestScreeningOutcome,
  VITAL_LIMITS,
  type Vitals,
} from '@tiemchung/core';

/** The vital signs of the screening form, as typed. */
export interface VitalsText {
  temperature: string;
  pulse: string;
  systolic: string;
  diastolic: string;
  spo2: string;
}

export type VitalField = keyof VitalsText;

export const VITAL_FIELDS: readonly VitalField[] = ['temperature', 'pulse', 'systolic', 'diastolic', 'spo2'];

/** The limits the server's vitalsSchema applies (core's VITAL_LIMITS); only the temperature has decimals. */
export { VITAL_LIMITS };

export const EMPTY_VITALS: VitalsText = { temperature: '', pulse: '', systolic: '', diastolic: '', spo2: '' };

/**
 * The vital signs typed (empty fields left out; "36,8" as well as "36.8"), and the fields that
 * are not numbers within the limits.
 */
export function parseVitals(text: VitalsText): { vitals: Vitals; invalid: VitalField[] } {
  const vitals: Vitals = {};
  const invalid: VitalField[] = [];
  for (const field of VITAL_FIELDS) {
    const raw = text[field].trim().replace(',', '.');
    if (!raw) continue;
    const limits = VITAL_LIMITS[field];
    const value = Number(raw);
    if (
      !/^\d+(\.\d+)?$/.test(raw) ||
      !Number.isFinite(value) ||
      value < limits.min ||
      value > limits.max ||
      (limits.integer && !Number.isInteger(value))
    ) {
      invalid.push(field);
      continue;
    }
    vitals[field] = value;
  }
  return { vitals, invalid };
}

export type Answers = Record<string, ScreeningAnswer | ''>;

/** The checklist as it applies to the visit's person on the session's day (core's rule, as the server checks it). */
export type Plan = readonly PlannedScreeningQuestion[];

/** Who the screening is for, as the board knows them (nobody known: every question is asked). */
export function planFor(person: { gender: string; dateOfBirth: string } | undefined, sessionDate: string): Plan {
  return screeningPlan({ gender: person?.gender ?? '', dateOfBirth: person?.dateOfBirth ?? null }, sessionDate);
}

/** The questions of the plan the doctor asks, each unanswered; `prefill` (a refused screening) fills them again. */
export function emptyAnswers(plan: Plan, prefill: Readonly<Record<string, ScreeningAnswer>> = {}): Answers {
  return Object.fromEntries(
    plan.filter((p) => p.mode === 'ask').map((p) => [p.question.id, prefill[p.question.id] ?? '']),
  ) as Answers;
}

/** Questions asked and not answered yet, in checklist order. */
export function unanswered(answers: Answers, plan: Plan): string[] {
  return plan.filter((p) => p.mode === 'ask' && !answers[p.question.id]).map((p) => p.question.id);
}

/** The answers given so far: what the body sends (the server fills in the questions not asked). */
export function givenAnswers(answers: Answers): Record<string, ScreeningAnswer> {
  return Object.fromEntries(Object.entries(answers).filter(([, a]) => a !== '')) as Record<string, ScreeningAnswer>;
}

/**
 * The checklist's suggestion from what is filled in so far and what the record answers (the age
 * question), invalid vital signs ignored.
 */
export function liveSuggestion(answers: Answers, vitals: VitalsText, plan: Plan) {
  const given = givenAnswers(answers);
  const known = completeScreeningAnswers(plan, given).answers;
  return suggestScreeningOutcome(known, parseVitals(vitals).vitals);
}

/** A reason is needed to postpone or refer, and to decide otherwise than the checklist suggests. */
export function reasonRequired(outcome: ScreeningOutcome, suggested: ScreeningOutcome): boolean {
  return outcome !== 'vaccinate' || outcome !== suggested;
}

/** Vital signs as the form shows them again (editing a refused screening). */
export function vitalsText(vitals: Vitals | undefined): VitalsText {
  const text = { ...EMPTY_VITALS };
  for (const field of VITAL_FIELDS) {
    const value = vitals?.[field];
    if (value !== undefined) text[field] = String(value);
  }
  return text;
}
