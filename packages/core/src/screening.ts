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
