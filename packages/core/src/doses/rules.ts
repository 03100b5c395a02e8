import type { Localized } from '../i18n.js';
import { type Vaccine, vaccineByCode } from '../vaccines.js';
import { addMonths, ageOn, daysBetween, vnDate } from './calendar.js';
import type { DoseRuleCode } from './codes.js';

/**
 * The dose rules of the Ministry of Health's guidance, pure: what a dose is (primary 1/2/3,
 * additional, booster), what number it has, and whether it may be recorded. Mixing rules from
 * letters 6030/BYT-DP (27 Jul 2021) and 7548/BYT-DP (10 Sep 2021); additional dose ≥ 28 days and
 * booster ≥ 3 months after the primary series (guidance of Nov 2021 / Feb 2022); second booster
 * ≥ 4 months after the first (2022).
 */
export const DOSE_KINDS = ['primary', 'additional', 'booster'] as const;
export type DoseKind = (typeof DOSE_KINDS)[number];

/** A dose already on record. */
export interface PastDose {
  readonly id: string;
  readonly vaccineCode: string;
  readonly administeredOn: string;
  /** What the site said it was, when it said (only `additional` changes the derived kind). */
  readonly declaredKind?: DoseKind | null;
}

/** A dose in the person's history with its derived number and kind. */
export interface SequencedDose extends PastDose {
  /** 1, 2, 3… in date order over all doses. */
  readonly doseNumber: number;
  readonly doseKind: DoseKind;
  /** 1…n within the primary series; null for additional and booster doses. */
  readonly primaryNumber: number | null;
}

const PFIZER = 'EU/1/20/1528';
const MODERNA = 'EU/1/20/1507';
const ASTRAZENECA = 'EU/1/21/1529';

/** Hayat-Vax is the same product as Vero Cell (BBIBP-CorV made under licence). */
function productGroup(code: string): string {
  return code === 'Hayat-Vax' ? 'BBIBP-CorV' : code;
}

export function isMrna(code: string): boolean {
  return vaccineByCode(code)?.platform === 'mrna';
}

/**
 * May `next` follow `prev` within the primary series? The same product always; AstraZeneca then
 * Pfizer or Moderna; Pfizer and Moderna in place of each other. Vero Cell and Sputnik V (and every
 * other product) only with the same product.
 */
export function primaryMixAllowed(prev: string, next: string): boolean {
  if (productGroup(prev) === productGroup(next)) return true;
  if (prev === ASTRAZENECA && (next === PFIZER || next === MODERNA)) return true;
  if ((prev === PFIZER || prev === MODERNA) && (next === PFIZER || next === MODERNA)) return true;
  return false;
}

/** Doses in the primary series, set by the vaccine that opened it. */
export function primarySeriesLength(firstVaccineCode: string | undefined): number {
  return (firstVaccineCode ? vaccineByCode(firstVaccineCode)?.primaryDoses : undefined) ?? 2;
}

function byDate(a: PastDose, b: PastDose): number {
  return a.administeredOn < b.administeredOn
    ? -1
    : a.administeredOn > b.administeredOn
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;
}

/**
 * Orders a person's doses by date and gives each its number and kind: primary until the series is
 * complete (its length set by the first vaccine), then booster, or additional where the site said
 * so. Recomputed from the whole history, so a retroactive entry or a merge renumbers correctly.
 */
export function sequenceDoses(doses: readonly PastDose[]): SequencedDose[] {
  const sorted = [...doses].sort(byDate);
  const required = primarySeriesLength(sorted[0]?.vaccineCode);
  return sorted.map((d, i) => {
    const doseKind = kindOfDose(i + 1, required, d.declaredKind);
    return { ...d, doseNumber: i + 1, doseKind, primaryNumber: doseKind === 'primary' ? i + 1 : null };
  });
}

/**
 * The kind of the n-th dose of a history (1-based, date order): the first `seriesLength` doses are
 * the primary series; after it a dose is a booster unless the site declared it additional.
 */
function kindOfDose(doseNumber: number, seriesLength: number, declaredKind: DoseKind | null | undefined): DoseKind {
  if (doseNumber <= seriesLength) return 'primary';
  return declaredKind === 'additional' ? 'additional' : 'booster';
}

/**
 * The last dose of {@link sequenceDoses} — its number and kind — and the primary series length,
 * without building the sequence: what a certificate needs (its `dn`/`sd` name the latest dose),
 * for millions of certificates. Doses on the same day keep their given order.
 */
export function latestDose<D extends Omit<PastDose, 'id'>>(
  doses: readonly D[],
): { dose: D; doseNumber: number; doseKind: DoseKind; seriesLength: number } | null {
  if (doses.length === 0) return null;
  let first = 0;
  let last = 0;
  for (let i = 1; i < doses.length; i++) {
    const on = doses[i]!.administeredOn;
    if (on < doses[first]!.administeredOn) first = i;
    if (on >= doses[last]!.administeredOn) last = i;
  }
  const dose = doses[last]!;
  const seriesLength = primarySeriesLength(doses[first]!.vaccineCode);
  const doseNumber = doses.length;
  return { dose, doseNumber, doseKind: kindOfDose(doseNumber, seriesLength, dose.declaredKind), seriesLength };
}

export interface DoseViolation {
  readonly code: DoseRuleCode;
  readonly field: string;
  readonly message: Localized;
  /** A supervisor may record the dose anyway, with a reason (clinical rules); data rules cannot be overridden. */
  readonly overridable: boolean;
}

export interface DoseCheckInput {
  readonly person: { readonly dateOfBirth: string };
  /** The person's doses already on record (any order). */
  readonly history: readonly PastDose[];
  readonly dose: {
    readonly vaccineCode: string;
    readonly lotNumber: string;
    readonly administeredOn: string;
    readonly declaredKind?: DoseKind | null;
  };
  /** The lot named by the dose, or null when no lot has that number. */
  readonly lot: { readonly lotNumber: string; readonly vaccineCode: string; readonly expiresOn: string } | null;
  /** Today's date where the dose is recorded. */
  readonly today: string;
}

export type DoseCheck =
  | {
      readonly ok: true;
      readonly doseNumber: number;
      readonly doseKind: DoseKind;
      readonly warnings: readonly DoseViolation[];
    }
  | { readonly ok: false; readonly violations: readonly DoseViolation[] };

function v(code: DoseRuleCode, field: string, overridable: boolean, vi: string, en: string): DoseViolation {
  return { code, field, overridable, message: { vi, en } };
}

const KIND_VI: Record<DoseKind, string> = { primary: 'mũi cơ bản', additional: 'mũi bổ sung', booster: 'mũi nhắc lại' };

function vaccineName(code: string): string {
  return vaccineByCode(code)?.localName ?? code;
}

/** Is a dose on `administeredOn` dated before the person was born (`date_before_birth`)? */
export function isBeforeBirth(administeredOn: string, dateOfBirth: string): boolean {
  return administeredOn < dateOfBirth;
}

/**
 * A date of birth corrected on a record that has doses: refused while one of its counted doses is
 * dated before it — the `date_before_birth` rule a dose is checked against when it is recorded
 * ({@link checkDose}), seen from the date of birth (a certificate would carry a dose before birth,
 * which a verifier rejects). Null when no dose precedes it.
 */
export function birthDateAfterDoses(dateOfBirth: string, doseDates: readonly string[]): DoseViolation | null {
  const before = doseDates.filter((on) => isBeforeBirth(on, dateOfBirth)).sort();
  const first = before[0];
  if (first === undefined) return null;
  return v(
    'date_before_birth',
    'dateOfBirth',
    false,
    `Ngày sinh ${vnDate(dateOfBirth)} sau ngày tiêm ${vnDate(first)} của một mũi đã ghi nhận. Kiểm tra lại ngày sinh hoặc ngày tiêm.`,
    `The date of birth ${dateOfBirth} is after a dose recorded on ${first}. Check the date of birth or the date of the dose.`,
  );
}

/**
 * Checks a dose against the rules and derives its number and kind. Returns every violation found
 * (so the nurse sees all at once), each marked overridable or not, or the derived dose.
 */
export function checkDose(input: DoseCheckInput): DoseCheck {
  const { dose, today } = input;
  const violations: DoseViolation[] = [];
  const warnings: DoseViolation[] = [];
  const vaccine: Vaccine | undefined = vaccineByCode(dose.vaccineCode);
  if (!vaccine) {
    return {
      ok: false,
      violations: [
        v(
          'unknown_vaccine',
          'vaccineCode',
          false,
          `Không có vắc xin mã "${dose.vaccineCode}" trong danh mục.`,
          `No vaccine has the code "${dose.vaccineCode}".`,
        ),
      ],
    };
  }
  const on = dose.administeredOn;
  if (on > today) {
    violations.push(
      v(
        'date_in_future',
        'administeredOn',
        false,
        `Ngày tiêm ${vnDate(on)} ở tương lai.`,
        `The date ${on} is in the future.`,
      ),
    );
  }
  if (on < vaccine.approvedOn) {
    violations.push(
      v(
        'date_before_approval',
        'administeredOn',
        false,
        `Ngày tiêm ${vnDate(on)} trước ngày vắc xin ${vaccine.localName} được phê duyệt tại Việt Nam (${vnDate(vaccine.approvedOn)}).`,
        `${on} is before ${vaccine.name} was approved in Vietnam (${vaccine.approvedOn}).`,
      ),
    );
  }
  if (isBeforeBirth(on, input.person.dateOfBirth)) {
    violations.push(
      v(
        'date_before_birth',
        'administeredOn',
        false,
        'Ngày tiêm trước ngày sinh.',
        'The date is before the date of birth.',
      ),
    );
  }
  if (!input.lot) {
    violations.push(
      v(
        'unknown_lot',
        'lotNumber',
        false,
        `Không có lô vắc xin số "${dose.lotNumber}".`,
        `No vaccine lot has the number "${dose.lotNumber}".`,
      ),
    );
  } else {
    if (input.lot.vaccineCode !== vaccine.code) {
      violations.push(
        v(
          'lot_vaccine_mismatch',
          'lotNumber',
          false,
          `Lô ${input.lot.lotNumber} là vắc xin ${vaccineName(input.lot.vaccineCode)}, không phải ${vaccine.localName}.`,
          `Lot ${input.lot.lotNumber} is ${vaccineName(input.lot.vaccineCode)}, not ${vaccine.name}.`,
        ),
      );
    } else if (on > input.lot.expiresOn) {
      violations.push(
        v(
          'lot_expired',
          'lotNumber',
          true,
          `Lô ${input.lot.lotNumber} đã hết hạn ngày ${vnDate(input.lot.expiresOn)}.`,
          `Lot ${input.lot.lotNumber} expired on ${input.lot.expiresOn}.`,
        ),
      );
    }
  }
  if (input.history.some((d) => d.administeredOn === on)) {
    violations.push(
      v(
        'dose_same_day',
        'administeredOn',
        false,
        `Người này đã có một mũi tiêm ngày ${vnDate(on)}.`,
        `This person already has a dose on ${on}.`,
      ),
    );
  }
  if (vaccine.ageRange) {
    const age = ageOn(input.person.dateOfBirth, on);
    if (age < vaccine.ageRange.min || age > vaccine.ageRange.max) {
      violations.push(
        v(
          'age_not_eligible',
          'vaccineCode',
          true,
          `Vắc xin ${vaccine.localName} dùng cho người từ ${vaccine.ageRange.min} đến ${vaccine.ageRange.max} tuổi; người này ${age} tuổi.`,
          `${vaccine.name} is for ages ${vaccine.ageRange.min}–${vaccine.ageRange.max}; this person is ${age}.`,
        ),
      );
    }
  }

  // Place the new dose in the history and derive what it is.
  const NEW_ID = '\uffff-new';
  const sequence = sequenceDoses([
    ...input.history,
    { id: NEW_ID, vaccineCode: vaccine.code, administeredOn: on, declaredKind: dose.declaredKind ?? null },
  ]);
  const index = sequence.findIndex((d) => d.id === NEW_ID);
  const self = sequence[index]!;
  const prev = index > 0 ? sequence[index - 1] : undefined;
  const next = sequence[index + 1];

  if (dose.declaredKind && dose.declaredKind !== self.doseKind) {
    if (self.doseKind === 'primary') {
      violations.push(
        v(
          'primary_series_incomplete',
          'doseKind',
          false,
          `Người này chưa tiêm đủ mũi cơ bản: đây là mũi cơ bản thứ ${self.primaryNumber}, không phải ${KIND_VI[dose.declaredKind]}.`,
          `The primary series is not complete: this is primary dose ${self.primaryNumber}, not a${dose.declaredKind === 'additional' ? 'n' : ''} ${dose.declaredKind} dose.`,
        ),
      );
    } else if (dose.declaredKind === 'primary') {
      violations.push(
        v(
          'primary_series_complete',
          'doseKind',
          false,
          'Người này đã tiêm đủ mũi cơ bản: mũi này là mũi bổ sung hoặc nhắc lại.',
          'The primary series is already complete: this dose is an additional or booster dose.',
        ),
      );
    }
  }

  if (self.doseKind === 'primary' && prev && prev.doseKind === 'primary') {
    const min = vaccineByCode(prev.vaccineCode)?.minIntervalDays ?? 0;
    const days = daysBetween(prev.administeredOn, on);
    if (days < min) {
      violations.push(
        v(
          'interval_too_short',
          'administeredOn',
          true,
          `Mũi ${self.primaryNumber} phải cách mũi trước (${vaccineName(prev.vaccineCode)}, ${vnDate(prev.administeredOn)}) ít nhất ${min} ngày; mới được ${days} ngày.`,
          `Primary dose ${self.primaryNumber} must be at least ${min} days after the previous one (${prev.administeredOn}); it is ${days} days.`,
        ),
      );
    }
    if (!primaryMixAllowed(prev.vaccineCode, vaccine.code)) {
      violations.push(
        v(
          'mixing_not_allowed',
          'vaccineCode',
          true,
          `Không được tiêm trộn ${vaccineName(prev.vaccineCode)} với ${vaccine.localName} trong các mũi cơ bản (theo hướng dẫn của Bộ Y tế, ${vaccineName(prev.vaccineCode)} chỉ được tiêm tiếp bằng ${allowedAfter(prev.vaccineCode)}).`,
          `${vaccineName(prev.vaccineCode)} may not be followed by ${vaccine.name} in the primary series (allowed: ${allowedAfter(prev.vaccineCode)}).`,
        ),
      );
    }
  }

  if (self.doseKind !== 'primary') {
    const primaries = sequence.slice(0, index).filter((d) => d.doseKind === 'primary');
    const lastPrimary = primaries.at(-1)!;
    if (self.doseKind === 'additional') {
      const days = daysBetween(lastPrimary.administeredOn, on);
      if (days < 28) {
        violations.push(
          v(
            'interval_too_short',
            'administeredOn',
            true,
            `Mũi bổ sung phải cách mũi cơ bản cuối (${vnDate(lastPrimary.administeredOn)}) ít nhất 28 ngày; mới được ${days} ngày.`,
            `An additional dose must be at least 28 days after the primary series (${lastPrimary.administeredOn}); it is ${days} days.`,
          ),
        );
      }
    } else {
      const earlierBoosters = sequence.slice(0, index).filter((d) => d.doseKind === 'booster');
      const anchor = earlierBoosters.at(-1) ?? sequence.slice(0, index).at(-1)!;
      const months = earlierBoosters.length ? 4 : 3;
      const earliest = addMonths(anchor.administeredOn, months);
      if (on < earliest) {
        violations.push(
          v(
            'interval_too_short',
            'administeredOn',
            true,
            `Mũi nhắc lại phải cách mũi trước (${vnDate(anchor.administeredOn)}) ít nhất ${months} tháng, tức từ ngày ${vnDate(earliest)}.`,
            `A booster must be at least ${months} months after the previous dose (${anchor.administeredOn}), i.e. from ${earliest}.`,
          ),
        );
      }
    }
    const primaryGroups = new Set(primaries.map((d) => productGroup(d.vaccineCode)));
    if (!isMrna(vaccine.code) && !primaryGroups.has(productGroup(vaccine.code))) {
      violations.push(
        v(
          'booster_product_not_allowed',
          'vaccineCode',
          true,
          `${self.doseKind === 'additional' ? 'Mũi bổ sung' : 'Mũi nhắc lại'} dùng vắc xin mRNA (Pfizer, Moderna) hoặc cùng loại với mũi cơ bản; ${vaccine.localName} không phù hợp.`,
          `${self.doseKind === 'additional' ? 'An additional dose' : 'A booster'} uses an mRNA vaccine or the primary series' product; ${vaccine.name} is not allowed.`,
        ),
      );
    }
  }

  // A retroactive entry before doses already recorded: their intervals may now look short. The
  // later doses happened; flag for review rather than refuse.
  if (next && next.doseKind === 'primary' && self.doseKind === 'primary') {
    const min = vaccine.minIntervalDays ?? 0;
    const days = daysBetween(on, next.administeredOn);
    if (days < min) {
      warnings.push(
        v(
          'next_dose_interval_short',
          'administeredOn',
          true,
          `Mũi đã ghi ngày ${vnDate(next.administeredOn)} chỉ cách mũi này ${days} ngày (tối thiểu ${min}).`,
          `The dose recorded on ${next.administeredOn} is only ${days} days after this one (minimum ${min}).`,
        ),
      );
    }
  }

  if (violations.length) return { ok: false, violations };
  return { ok: true, doseNumber: self.doseNumber, doseKind: self.doseKind, warnings };
}

function allowedAfter(code: string): string {
  const names = [
    'EU/1/21/1529',
    'Sputnik-V',
    'BBIBP-CorV',
    'EU/1/20/1528',
    'EU/1/20/1507',
    'EU/1/20/1525',
    'Hayat-Vax',
    'Abdala',
  ]
    .filter((c) => primaryMixAllowed(code, c))
    .map(vaccineName);
  return names.join(', ');
}

/**
 * The rules that read the doses before a dose — its kind against what the site declared, the
 * interval, the products mixed — so a change of the history under doses already recorded (a merge
 * of two records of one person) can break them. The others (lot, dates, age, the same day) read
 * only the dose itself, were checked when it was recorded, and a merge does not change them.
 */
export const HISTORY_RULE_CODES = [
  'primary_series_incomplete',
  'primary_series_complete',
  'interval_too_short',
  'mixing_not_allowed',
  'booster_product_not_allowed',
] as const satisfies readonly DoseRuleCode[];

/** A dose of a history that breaks a rule against the doses before it. */
export interface HistoryViolation {
  readonly dose: SequencedDose;
  readonly violations: readonly DoseViolation[];
}

/**
 * Checks a whole history in date order as the desk would have recorded it — each dose through
 * {@link checkDose} against the doses before it — and returns the doses that break one of the
 * {@link HISTORY_RULE_CODES}, with the violations (overridable or not: the doses were given, so a
 * person reviews them rather than anything being refused). Empty when the history keeps the rules.
 */
export function historyViolations(
  person: { readonly dateOfBirth: string },
  doses: readonly PastDose[],
): HistoryViolation[] {
  const sequence = sequenceDoses(doses);
  const out: HistoryViolation[] = [];
  sequence.forEach((dose, i) => {
    const check = checkDose({
      person,
      history: sequence.slice(0, i),
      dose: {
        vaccineCode: dose.vaccineCode,
        lotNumber: '',
        administeredOn: dose.administeredOn,
        declaredKind: dose.declaredKind ?? null,
      },
      lot: null,
      today: dose.administeredOn,
    });
    const violations = check.ok
      ? []
      : check.violations.filter((x) => (HISTORY_RULE_CODES as readonly string[]).includes(x.code));
    if (violations.length) out.push({ dose, violations });
  });
  return out;
}

/** True when every violation may be overridden by a supervisor. */
export function allOverridable(violations: readonly DoseViolation[]): boolean {
  return violations.every((x) => x.overridable);
}
