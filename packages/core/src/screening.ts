import { ageOn } from './doses/calendar.js';
import type { Localized } from './i18n.js';

/**
 * The pre-vaccination screening checklist for COVID-19 vaccines (Phiếu sàng lọc trước tiêm chủng
 * vắc xin phòng COVID-19, Ministry of Health decision 3802/QĐ-BYT of 10 Aug 2021, for adults),
 * and the outcome it suggests. The screening doctor decides; the suggestion only guides.
 */
export type ScreeningEffect = 'contraindication' | 'postpone' | 'refer' | 'caution';

export interface ScreeningQuestion {
  readonly id: string;
  readonly text: Localized;
  /** What a "yes" means. */
  readonly effect: ScreeningEffect;
}

export const SCREENING_QUESTIONS: readonly ScreeningQuestion[] = [
  {
    id: 'anaphylaxis_previous_covid_dose',
    text: {
      vi: 'Tiền sử phản vệ với vắc xin phòng COVID-19 lần trước hoặc các thành phần của vắc xin',
      en: 'Anaphylaxis to a previous COVID-19 vaccine dose or its components',
    },
    effect: 'contraindication',
  },
  {
    id: 'anaphylaxis_other',
    text: {
      vi: 'Tiền sử phản vệ từ độ 2 trở lên với các dị nguyên khác',
      en: 'Anaphylaxis (grade 2 or more) to other allergens',
    },
    effect: 'refer',
  },
  {
    id: 'covid_6_months',
    text: { vi: 'Đang mắc hoặc đã mắc COVID-19 trong vòng 6 tháng', en: 'COVID-19 now or within the last 6 months' },
    effect: 'postpone',
  },
  {
    id: 'other_vaccine_14_days',
    text: { vi: 'Tiêm vắc xin khác trong vòng 14 ngày qua', en: 'Another vaccine within the last 14 days' },
    effect: 'postpone',
  },
  {
    id: 'immunodeficiency',
    text: {
      vi: 'Suy giảm miễn dịch nặng, ung thư giai đoạn cuối, cắt lách, xơ gan mất bù',
      en: 'Severe immunodeficiency, end-stage cancer, splenectomy, decompensated cirrhosis',
    },
    effect: 'refer',
  },
  {
    id: 'immunosuppressants',
    text: {
      vi: 'Đang dùng thuốc ức chế miễn dịch, corticoid liều cao (tương đương prednisolon ≥ 2 mg/kg/ngày trong ≥ 7 ngày) hoặc điều trị hoá trị, xạ trị',
      en: 'On immunosuppressants, high-dose corticosteroids, chemotherapy or radiotherapy',
    },
    effect: 'postpone',
  },
  { id: 'acute_illness', text: { vi: 'Đang mắc bệnh cấp tính', en: 'Acute illness now' }, effect: 'postpone' },
  {
    id: 'chronic_progressing',
    text: { vi: 'Bệnh mạn tính đang tiến triển', en: 'Chronic disease that is progressing' },
    effect: 'refer',
  },
  {
    id: 'chronic_stable',
    text: { vi: 'Bệnh mạn tính đã điều trị ổn định', en: 'Chronic disease, treated and stable' },
    effect: 'caution',
  },
  {
    id: 'allergy_other',
    text: { vi: 'Tiền sử dị ứng với bất kỳ dị nguyên nào', en: 'Allergy to any allergen' },
    effect: 'caution',
  },
  {
    id: 'coagulation',
    text: {
      vi: 'Rối loạn đông máu, cầm máu hoặc đang dùng thuốc chống đông',
      en: 'Bleeding disorder or anticoagulants',
    },
    effect: 'caution',
  },
  { id: 'pregnant', text: { vi: 'Đang mang thai', en: 'Pregnant' }, effect: 'refer' },
  { id: 'age_65', text: { vi: 'Từ 65 tuổi trở lên', en: 'Aged 65 or older' }, effect: 'caution' },
] as const;

export const SCREENING_ANSWERS = ['yes', 'no', 'unsure'] as const;
export type ScreeningAnswer = (typeof SCREENING_ANSWERS)[number];

/** The age from which the checklist's age question is answered "yes". */
export const SCREENING_AGE_QUESTION_YEARS = 65;

/** What the screening knows of the person from their record. */
export interface ScreeningSubject {
  readonly gender: string;
  /** `YYYY-MM-DD`, or null / empty when the record has none. */
  readonly dateOfBirth: string | null;
}

/**
 * How one question of the checklist is handled for a person:
 * - `ask`: the screening doctor asks it;
 * - `not_applicable`: it cannot apply (pregnancy for a man) — not asked, recorded as "no";
 * - `from_record`: the record answers it (the age question from the date of birth) — shown with
 *   the record's answer, not asked.
 */
export type ScreeningQuestionMode = 'ask' | 'not_applicable' | 'from_record';

export interface PlannedScreeningQuestion {
  readonly question: ScreeningQuestion;
  readonly mode: ScreeningQuestionMode;
  /** The answer recorded without asking (`not_applicable`, `from_record`). */
  readonly answer?: ScreeningAnswer;
  /** Why, to show beside the question ("Nam", "52 tuổi theo ngày sinh 03/04/1974"). */
  readonly note?: Localized;
}

/**
 * Which questions of the checklist apply to this person on the day of the screening (`on`,
 * `YYYY-MM-DD`), and which the record already answers. The one rule for the screening form and for
 * the server's check of a screening: pregnancy is not asked of a man; the age question is answered
 * from a known date of birth. Every other question is asked.
 */
export function screeningPlan(subject: ScreeningSubject, on: string): PlannedScreeningQuestion[] {
  const dob = subject.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(subject.dateOfBirth) ? subject.dateOfBirth : null;
  const age = dob && dob <= on ? ageOn(dob, on) : null;
  return SCREENING_QUESTIONS.map((question): PlannedScreeningQuestion => {
    if (question.id === 'pregnant' && subject.gender === 'male') {
      return { question, mode: 'not_applicable', answer: 'no', note: { vi: 'Nam giới', en: 'Male' } };
    }
    if (question.id === 'age_65' && age !== null) {
      const born = `${dob!.slice(8, 10)}/${dob!.slice(5, 7)}/${dob!.slice(0, 4)}`;
      return {
        question,
        mode: 'from_record',
        answer: age >= SCREENING_AGE_QUESTION_YEARS ? 'yes' : 'no',
        note: { vi: `${age} tuổi (ngày sinh ${born} trong hồ sơ)`, en: `Aged ${age} (born ${born}, from the record)` },
      };
    }
    return { question, mode: 'ask' };
  });
}

/** The questions of a plan the doctor asks, in checklist order. */
export function askedQuestions(plan: readonly PlannedScreeningQuestion[]): ScreeningQuestion[] {
  return plan.filter((p) => p.mode === 'ask').map((p) => p.question);
}

/**
 * The whole checklist from the answers given and the plan: the questions asked take the answers
 * given, the others the plan's — the record's answer wins over one given (a client that still asks
 * the age question of everyone). `missing`: questions asked without an answer; `conflicts`: a
 * question that cannot apply answered other than "no" (pregnancy "yes" on a man's record: the
 * record is wrong, or the answer is; never dropped silently). Answers to unknown questions are
 * ignored.
 */
export function completeScreeningAnswers(
  plan: readonly PlannedScreeningQuestion[],
  given: Readonly<Record<string, ScreeningAnswer | '' | undefined>>,
): { answers: Record<string, ScreeningAnswer>; missing: string[]; conflicts: string[] } {
  const answers: Record<string, ScreeningAnswer> = {};
  const missing: string[] = [];
  const conflicts: string[] = [];
  for (const p of plan) {
    const a = given[p.question.id] || undefined;
    if (p.mode === 'ask') {
      if (a) answers[p.question.id] = a;
      else missing.push(p.question.id);
      continue;
    }
    answers[p.question.id] = p.answer!;
    if (p.mode === 'not_applicable' && a !== undefined && a !== p.answer) conflicts.push(p.question.id);
  }
  return { answers, missing, conflicts };
}

/** Vital signs taken at screening (within VITAL_LIMITS). */
export interface Vitals {
  temperature?: number;
  pulse?: number;
  systolic?: number;
  diastolic?: number;
  spo2?: number;
}

export type VitalSign = keyof Vitals;

/**
 * The values a vital sign may take (a reading outside is a typing error, refused by the API's
 * `vitalsSchema` and flagged by the screening form): °C, beats/min, mmHg, %; only the temperature
 * has decimals.
 */
export const VITAL_LIMITS: {
  readonly [V in VitalSign]: { readonly min: number; readonly max: number; readonly integer: boolean };
} = {
  temperature: { min: 30, max: 45, integer: false },
  pulse: { min: 20, max: 250, integer: true },
  systolic: { min: 50, max: 300, integer: true },
  diastolic: { min: 20, max: 200, integer: true },
  spo2: { min: 50, max: 100, integer: true },
};

export const SCREENING_OUTCOMES = ['vaccinate', 'postpone', 'refer'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

export interface ScreeningSuggestion {
  readonly outcome: ScreeningOutcome;
  /** Contraindicated: not this vaccine type again (recorded as a referral with this reason). */
  readonly contraindicated: boolean;
  readonly reasons: readonly Localized[];
  /** Items to watch during the 30-minute observation. */
  readonly cautions: readonly Localized[];
}

/**
 * The outcome the checklist and vital signs suggest: contraindication or a "refer" item → refer
 * (vaccinate in hospital); a "postpone" item, fever ≥ 37.5 °C, SpO₂ < 94 %, blood pressure ≥ 180/110
 * or a pulse over 120 → postpone; an "unsure" answer → the doctor must examine (refer unless they
 * decide otherwise); otherwise vaccinate, with cautions for the observation.
 */
export function suggestScreeningOutcome(
  answers: Readonly<Record<string, ScreeningAnswer>>,
  vitals: Vitals = {},
): ScreeningSuggestion {
  const reasons: Localized[] = [];
  const cautions: Localized[] = [];
  let contraindicated = false;
  let refer = false;
  let postpone = false;
  for (const q of SCREENING_QUESTIONS) {
    const a = answers[q.id];
    if (a === 'yes') {
      if (q.effect === 'contraindication') contraindicated = true;
      if (q.effect === 'refer' || q.effect === 'contraindication') refer = true;
      if (q.effect === 'postpone') postpone = true;
      (q.effect === 'caution' ? cautions : reasons).push(q.text);
    } else if (a === 'unsure') {
      refer = true;
      reasons.push({ vi: `Chưa rõ: ${q.text.vi}`, en: `Unsure: ${q.text.en}` });
    }
  }
  if (vitals.temperature !== undefined && vitals.temperature >= 37.5) {
    postpone = true;
    reasons.push({ vi: `Sốt ${vitals.temperature} °C`, en: `Fever ${vitals.temperature} °C` });
  }
  if (vitals.spo2 !== undefined && vitals.spo2 < 94) {
    postpone = true;
    reasons.push({ vi: `SpO₂ ${vitals.spo2}% (dưới 94%)`, en: `SpO₂ ${vitals.spo2}% (below 94%)` });
  }
  if ((vitals.systolic ?? 0) >= 180 || (vitals.diastolic ?? 0) >= 110) {
    postpone = true;
    reasons.push({
      vi: `Huyết áp ${vitals.systolic ?? '?'}/${vitals.diastolic ?? '?'} mmHg`,
      en: `Blood pressure ${vitals.systolic ?? '?'}/${vitals.diastolic ?? '?'} mmHg`,
    });
  }
  if (vitals.pulse !== undefined && vitals.pulse > 120) {
    postpone = true;
    reasons.push({ vi: `Mạch ${vitals.pulse} lần/phút`, en: `Pulse ${vitals.pulse}/min` });
  }
  const outcome: ScreeningOutcome = refer ? 'refer' : postpone ? 'postpone' : 'vaccinate';
  return { outcome, contraindicated, reasons, cautions };
}

/** Minutes of observation after a dose. */
export const OBSERVATION_MINUTES = 30;
export const OBSERVATION_MS = OBSERVATION_MINUTES * 60_000;

/**
 * Is a dose's observation over at `now` (its `observationUntil`, an instant)? Until then the visit
 * can be neither completed (`POST /api/visits/{id}/complete`) nor closed as done at the session's
 * close: 409 `session_visit_outcome_invalid`. No observation clock: not over.
 */
export function isObservationOver(observationUntil: Date | string | null | undefined, now: Date | number): boolean {
  if (!observationUntil) return false;
  const until = typeof observationUntil === 'string' ? Date.parse(observationUntil) : observationUntil.getTime();
  return !Number.isNaN(until) && until <= (typeof now === 'number' ? now : now.getTime());
}
