import type { Localized } from '../i18n.js';
import { vaccineByCode } from '../vaccines.js';
import { addDays, addMonths, ageOn, vnDate } from './calendar.js';
import { type DoseKind, type PastDose, sequenceDoses } from './rules.js';

/**
 * Whether and from when a person is due their next dose — the e-health book's "mũi tiếp theo" and
 * its reminder — from the same rules `checkDose` applies at the desk, so the book never promises a
 * date the site would refuse:
 * - no dose: the first primary dose, from today (from the 5th birthday for a child: the youngest
 *   age any vaccine in the catalogue was approved for in Vietnam, 2022);
 * - primary series open: the next primary dose, the series' vaccine's minimum interval after the
 *   last (`minIntervalDays`; its recommended interval when the guidance gives a longer one);
 * - series complete: the first booster 3 months after the last primary dose;
 * - one booster: the second booster 4 months after it, for people 50 and over (the Ministry's
 *   2022 guidance offered it to them and to groups the platform does not know here);
 * - otherwise nothing further is due.
 * An additional dose (for the immunocompromised) is the clinician's decision: never "due" here,
 * but it counts in the history like every dose.
 */
export type NextDose =
  | {
      readonly due: true;
      readonly doseNumber: number;
      readonly doseKind: DoseKind;
      /** The earliest date the dose may be given (may be today or past: due now). */
      readonly from: string;
      /** The vaccine of the series, for a primary dose (the same product or an allowed mix). */
      readonly vaccineCode: string | null;
      readonly message: Localized;
    }
  | {
      readonly due: false;
      readonly reason: 'complete' | 'too_young';
      readonly from: string | null;
      readonly message: Localized;
    };

/** The youngest age (whole years) any COVID-19 vaccine was given at in Vietnam. */
export const YOUNGEST_VACCINATION_AGE = 5;
/** The age from which a second booster is offered. */
export const SECOND_BOOSTER_AGE = 50;

export function nextDoseDue(input: {
  readonly dateOfBirth: string;
  readonly history: readonly PastDose[];
  readonly today: string;
}): NextDose {
  const { dateOfBirth, today } = input;
  const sequence = sequenceDoses(input.history);
  const last = sequence.at(-1);
  if (!last) {
    const fifth = addMonths(dateOfBirth, 12 * YOUNGEST_VACCINATION_AGE);
    if (ageOn(dateOfBirth, today) < YOUNGEST_VACCINATION_AGE) {
      return {
        due: false,
        reason: 'too_young',
        from: fifth,
        message: {
          vi: `Chưa đến tuổi tiêm: vắc xin COVID-19 dùng cho trẻ từ ${YOUNGEST_VACCINATION_AGE} tuổi (từ ngày ${vnDate(fifth)}).`,
          en: `Not yet old enough: COVID-19 vaccines are for children from age ${YOUNGEST_VACCINATION_AGE} (from ${fifth}).`,
        },
      };
    }
    return {
      due: true,
      doseNumber: 1,
      doseKind: 'primary',
      from: today,
      vaccineCode: null,
      message: { vi: 'Chưa tiêm mũi nào: có thể tiêm mũi 1 ngay.', en: 'No dose yet: dose 1 can be given now.' },
    };
  }
  const primaries = sequence.filter((d) => d.doseKind === 'primary');
  const first = vaccineByCode(sequence[0]!.vaccineCode);
  const seriesLength = first?.primaryDoses ?? 2;
  if (primaries.length < seriesLength) {
    const lastPrimary = primaries.at(-1)!;
    const vaccine = vaccineByCode(lastPrimary.vaccineCode);
    const days = Math.max(vaccine?.recommendedIntervalDays ?? 0, vaccine?.minIntervalDays ?? 0);
    const from = addDays(lastPrimary.administeredOn, days);
    const n = sequence.length + 1;
    return {
      due: true,
      doseNumber: n,
      doseKind: 'primary',
      from,
      vaccineCode: lastPrimary.vaccineCode,
      message: {
        vi: `Mũi ${n} (mũi cơ bản) từ ngày ${vnDate(from)}: ${days} ngày sau mũi ${vaccine?.localName ?? lastPrimary.vaccineCode} ngày ${vnDate(lastPrimary.administeredOn)}.`,
        en: `Dose ${n} (primary series) from ${from}: ${days} days after the ${vaccine?.name ?? lastPrimary.vaccineCode} dose of ${lastPrimary.administeredOn}.`,
      },
    };
  }
  const boosters = sequence.filter((d) => d.doseKind === 'booster');
  if (boosters.length === 0) {
    const from = addMonths(last.administeredOn, 3);
    return {
      due: true,
      doseNumber: sequence.length + 1,
      doseKind: 'booster',
      from,
      vaccineCode: null,
      message: {
        vi: `Mũi nhắc lại thứ nhất từ ngày ${vnDate(from)}: 3 tháng sau mũi gần nhất (${vnDate(last.administeredOn)}).`,
        en: `First booster from ${from}: 3 months after the latest dose (${last.administeredOn}).`,
      },
    };
  }
  if (boosters.length === 1) {
    const from = addMonths(boosters[0]!.administeredOn, 4);
    const fiftieth = addMonths(dateOfBirth, 12 * SECOND_BOOSTER_AGE);
    const earliest = from > fiftieth ? from : fiftieth;
    if (ageOn(dateOfBirth, earliest) >= SECOND_BOOSTER_AGE && fiftieth <= addMonths(today, 12)) {
      return {
        due: true,
        doseNumber: sequence.length + 1,
        doseKind: 'booster',
        from: earliest,
        vaccineCode: null,
        message: {
          vi: `Mũi nhắc lại thứ hai (người từ ${SECOND_BOOSTER_AGE} tuổi) từ ngày ${vnDate(earliest)}: 4 tháng sau mũi nhắc lại thứ nhất.`,
          en: `Second booster (people ${SECOND_BOOSTER_AGE} and over) from ${earliest}: 4 months after the first booster.`,
        },
      };
    }
  }
  return {
    due: false,
    reason: 'complete',
    from: null,
    message: {
      vi: 'Đã tiêm đủ các mũi theo hướng dẫn hiện hành; không có mũi nào đến hạn.',
      en: 'All doses of the current guidance are done; no dose is due.',
    },
  };
}
