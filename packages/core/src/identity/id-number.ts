/**
 * Identity document numbers a person may register with:
 *
 * - **CCCD / personal identification number** (số định danh cá nhân, 12 digits, Thông tư
 *   59/2021/TT-BCA): `PPP C YY NNNNNN` where
 *   - `PPP` (digits 1–3) is `0` + the 2021 code of the province where the birth was registered
 *     (001 Hà Nội, 079 TP Hồ Chí Minh, 087 Đồng Tháp…). A first digit other than `0` means the
 *     three digits are the code of the country where the birth was registered abroad; such
 *     numbers are accepted with the flag `foreign_birth_registration`. (A `0xx` that is not a
 *     2021 province code is rejected: `000`, `003`, `099`…);
 *   - `C` (digit 4) encodes century and sex: 0/1 = born 1900–1999 male/female, 2/3 = 2000–2099,
 *     4/5 = 2100–2199, 6/7 = 2200–2299, 8/9 = 2300–2399 (even = male, odd = female);
 *   - `YY` (digits 5–6) are the last two digits of the birth year;
 *   - `NNNNNN` (digits 7–12) are free.
 * - **CMND** (chứng minh nhân dân, the old identity card): exactly 9 digits, nothing encoded.
 * - **Passport** of a foreign national: see {@link validatePassport}.
 *
 * All violations are reported on the field `idNumber` (or `idType` for an unknown type).
 */
import { isProvinceCode, provinceByCode } from '../provinces.js';
import { parseIsoDate } from './dates.js';
import { fail, ok, type RuleResult } from './result.js';

/** Sex as encoded in a CCCD number and as declared by the person. */
export type Sex = 'male' | 'female';

/** The kinds of identity document a person can be registered with. */
export type IdType = 'cccd' | 'cmnd' | 'passport';

/** The field every identity-number violation is reported on. */
export const ID_NUMBER_FIELD = 'idNumber';

/** Flag set on a CCCD whose first three digits are a country code (birth registered abroad). */
export const FOREIGN_BIRTH_REGISTRATION_FLAG = 'foreign_birth_registration';

/** Facts a CCCD number is cross-checked against; every member is optional. */
export interface IdCheckContext {
  /** Declared date of birth, `YYYY-MM-DD` (must be a real date: validate it first). */
  dateOfBirth?: string;
  /** Declared sex. */
  gender?: Sex;
  /** Today's date, `YYYY-MM-DD`; when given, a birth year after this year is rejected. */
  today?: string;
}

/** What a 12-digit CCCD number says about its holder. */
export interface CccdInfo {
  /** The 12 digits, separators removed. */
  idNumber: string;
  /** Digits 1–3 as printed, e.g. `087`. */
  placeCode: string;
  /** Two-digit 2021 province code of the birth registration, e.g. `87`; null when abroad. */
  provinceCode: string | null;
  /** Short name of that province, e.g. `Đồng Tháp`; null when abroad. */
  provinceName: string | null;
  /** Three-digit country code when the birth was registered abroad; null otherwise. */
  countryCode: string | null;
  /** Digit 4, 0–9. */
  centuryDigit: number;
  /** Sex encoded by digit 4 (even = male, odd = female). */
  sex: Sex;
  /** First year of the birth century encoded by digit 4, e.g. 1900. */
  centuryStart: number;
  /** The birth years digit 4 allows, e.g. `{ from: 1900, to: 1999 }`. */
  birthYearRange: { from: number; to: number };
  /** Digits 5–6, e.g. `95`. */
  yearTwoDigits: string;
  /** The full birth year the number encodes, e.g. 1995. */
  birthYear: number;
  /** Digits 7–12, the free part. */
  serial: string;
}

/** A successfully validated identity number of any type. */
export type ValidatedId =
  | { idType: 'cccd'; idNumber: string; cccd: CccdInfo }
  | { idType: 'cmnd'; idNumber: string }
  | { idType: 'passport'; idNumber: string };

/** The first birth year a CCCD century digit can encode (digit 0/1). */
export const CCCD_MIN_BIRTH_YEAR = 1900;
/** The last birth year a CCCD century digit can encode (digit 8/9). */
export const CCCD_MAX_BIRTH_YEAR = 2399;

const SEPARATORS_RE = /[\s.-]+/g;

/**
 * Removes the spaces (any Unicode whitespace), dots and hyphens people type inside identity
 * numbers (`087 095 001 234`, `087.095.001.234`) and upper-cases ASCII letters (passports).
 * Does not validate.
 */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(SEPARATORS_RE, '').replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/**
 * The CCCD fourth digit for someone of `sex` born in `birthYear` (1900–2399), e.g. 0 for a man
 * born in 1995, 3 for a woman born in 2001. Throws RangeError outside 1900–2399.
 */
export function cccdCenturySexDigit(birthYear: number, sex: Sex): number {
  if (!Number.isInteger(birthYear) || birthYear < CCCD_MIN_BIRTH_YEAR || birthYear > CCCD_MAX_BIRTH_YEAR) {
    throw new RangeError(`A CCCD number encodes birth years 1900–2399, not ${birthYear}`);
  }
  return Math.floor((birthYear - CCCD_MIN_BIRTH_YEAR) / 100) * 2 + (sex === 'female' ? 1 : 0);
}

const vnSex = (s: Sex): string => (s === 'male' ? 'nam' : 'nữ');
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function required<T>(label: { vi: string; en: string }): RuleResult<T> {
  return fail('id_number_required', ID_NUMBER_FIELD, `Vui lòng nhập ${label.vi}.`, `Please enter the ${label.en}.`);
}

function digitsOnly<T>(n: string, length: number, label: { vi: string; en: string }): RuleResult<T> | null {
  if (n === '') return required(label);
  if (!/^\d+$/.test(n)) {
    return fail(
      'id_number_not_digits',
      ID_NUMBER_FIELD,
      `${cap(label.vi)} chỉ gồm chữ số (0–9).`,
      `A ${label.en} contains digits only (0–9).`,
    );
  }
  if (n.length !== length) {
    return fail(
      'id_number_wrong_length',
      ID_NUMBER_FIELD,
      `${cap(label.vi)} phải có đúng ${length} chữ số (đã nhập ${n.length}).`,
      `A ${label.en} has exactly ${length} digits (got ${n.length}).`,
    );
  }
  return null;
}

const CCCD_LABEL = {
  vi: 'số CCCD (số định danh cá nhân)',
  en: 'CCCD number (personal identification number)',
};
const CMND_LABEL = { vi: 'số CMND', en: 'CMND number (old identity card)' };

/** Structural decoding shared by decodeCccd and validateCccd: format and place code only. */
function decodeStructure(raw: string): RuleResult<CccdInfo> {
  const n = normalizeIdNumber(raw);
  const bad = digitsOnly<CccdInfo>(n, 12, CCCD_LABEL);
  if (bad) return bad;
  const placeCode = n.slice(0, 3);
  const foreign = !placeCode.startsWith('0');
  const provinceCode = foreign ? null : placeCode.slice(1);
  if (provinceCode !== null && !isProvinceCode(provinceCode)) {
    return fail(
      'id_number_province_unknown',
      ID_NUMBER_FIELD,
      `Ba chữ số đầu (${placeCode}) không phải mã tỉnh, thành phố nào.`,
      `The first three digits (${placeCode}) are not the code of any province or city.`,
    );
  }
  const centuryDigit = Number(n.charAt(3));
  const centuryStart = CCCD_MIN_BIRTH_YEAR + Math.floor(centuryDigit / 2) * 100;
  const yearTwoDigits = n.slice(4, 6);
  const info: CccdInfo = {
    idNumber: n,
    placeCode,
    provinceCode,
    provinceName: provinceCode === null ? null : (provinceByCode(provinceCode)?.shortName ?? null),
    countryCode: foreign ? placeCode : null,
    centuryDigit,
    sex: centuryDigit % 2 === 0 ? 'male' : 'female',
    centuryStart,
    birthYearRange: { from: centuryStart, to: centuryStart + 99 },
    yearTwoDigits,
    birthYear: centuryStart + Number(yearTwoDigits),
    serial: n.slice(6),
  };
  return ok(info, foreign ? [FOREIGN_BIRTH_REGISTRATION_FLAG] : undefined);
}

/**
 * The parts of a 12-digit CCCD number for display (separators allowed), or null when it is not
 * 12 digits or its first three digits are `0` + an unknown province code. Does no cross-checks.
 */
export function decodeCccd(idNumber: string): CccdInfo | null {
  const r = decodeStructure(idNumber);
  return r.ok ? r.value : null;
}

function isoYear(value: string, what: string): number {
  const d = parseIsoDate(value);
  if (!d) throw new RangeError(`${what} must be a real date YYYY-MM-DD, got "${value}"`);
  return d.year;
}

/**
 * Validates a 12-digit CCCD / personal identification number (separators allowed) and, when
 * the context gives them, cross-checks it with the declared date of birth and sex and with today.
 * Answers the decoded number, flagged `foreign_birth_registration` when digits 1–3 are a country
 * code. Throws RangeError when `ctx.dateOfBirth` or `ctx.today` is not a real `YYYY-MM-DD`
 * (a caller's bug: validate those fields first).
 */
export function validateCccd(idNumber: string, ctx: IdCheckContext = {}): RuleResult<CccdInfo> {
  const decoded = decodeStructure(idNumber);
  if (!decoded.ok) return decoded;
  const info = decoded.value;
  const d = info.centuryDigit;

  if (ctx.dateOfBirth !== undefined) {
    const year = isoYear(ctx.dateOfBirth, 'dateOfBirth');
    const { from, to } = info.birthYearRange;
    if (year < from || year > to) {
      return fail(
        'id_number_century_mismatch',
        ID_NUMBER_FIELD,
        `Chữ số thứ tư (${d}) cho biết năm sinh trong khoảng ${from}–${to}, không khớp với năm sinh ${year}.`,
        `The fourth digit (${d}) means born in ${from}–${to}, which does not match the birth year ${year}.`,
      );
    }
    const expected = String(year % 100).padStart(2, '0');
    if (expected !== info.yearTwoDigits) {
      return fail(
        'id_number_birth_year_mismatch',
        ID_NUMBER_FIELD,
        `Chữ số thứ năm và thứ sáu (${info.yearTwoDigits}) phải là hai số cuối của năm sinh ${year} (${expected}).`,
        `The fifth and sixth digits (${info.yearTwoDigits}) must be the last two digits of the birth year ${year} (${expected}).`,
      );
    }
  }

  if (ctx.today !== undefined) {
    const thisYear = isoYear(ctx.today, 'today');
    if (info.birthYear > thisYear) {
      return fail(
        'id_number_birth_year_in_future',
        ID_NUMBER_FIELD,
        `Chữ số thứ tư đến thứ sáu (${d}${info.yearTwoDigits}) cho biết năm sinh ${info.birthYear}, là một năm trong tương lai.`,
        `The fourth to sixth digits (${d}${info.yearTwoDigits}) mean birth year ${info.birthYear}, which is in the future.`,
      );
    }
  }

  if (ctx.gender !== undefined && ctx.gender !== info.sex) {
    return fail(
      'id_number_sex_mismatch',
      ID_NUMBER_FIELD,
      `Chữ số thứ tư (${d}) cho biết giới tính ${vnSex(info.sex)}, không khớp với giới tính đã khai (${vnSex(ctx.gender)}).`,
      `The fourth digit (${d}) means ${info.sex}, which does not match the declared sex (${ctx.gender}).`,
    );
  }

  return decoded;
}

/** Validates a 9-digit CMND number (separators allowed): digits only, exactly 9; answers the 9 digits. */
export function validateCmnd(raw: string): RuleResult<string> {
  const n = normalizeIdNumber(raw);
  return digitsOnly<string>(n, 9, CMND_LABEL) ?? ok(n);
}

const PASSPORT_LETTERS_DIGITS_RE = /^[A-Z]{1,2}\d{6,8}$/;
const PASSPORT_GENERAL_RE = /^[A-Z0-9]{6,9}$/;

/**
 * Validates a passport number (typically of a foreign national). After removing spaces, dots and
 * hyphens and upper-casing, it is accepted when it is
 * - 1–2 letters followed by 6–8 digits (Vietnam C1234567, China E12345678, Japan TK1234567), or
 * - 6–9 unaccented Latin letters and digits with at least one digit (the 9-character document
 *   number of ICAO 9303 machine-readable passports: USA 123456789, Germany C01X00T47).
 * Answers the normalised number.
 */
export function validatePassport(raw: string): RuleResult<string> {
  const n = normalizeIdNumber(raw);
  if (n === '') return required({ vi: 'số hộ chiếu', en: 'passport number' });
  if (!/^[A-Z0-9]+$/.test(n)) {
    return fail(
      'id_number_passport_characters',
      ID_NUMBER_FIELD,
      'Số hộ chiếu chỉ gồm chữ cái Latinh không dấu (A–Z) và chữ số (0–9).',
      'A passport number contains only unaccented Latin letters (A–Z) and digits (0–9).',
    );
  }
  if (PASSPORT_LETTERS_DIGITS_RE.test(n)) return ok(n);
  if (!PASSPORT_GENERAL_RE.test(n)) {
    return fail(
      'id_number_passport_length',
      ID_NUMBER_FIELD,
      `Số hộ chiếu phải có từ 6 đến 9 ký tự (đã nhập ${n.length}).`,
      `A passport number has 6 to 9 characters (got ${n.length}).`,
    );
  }
  if (!/\d/.test(n)) {
    return fail(
      'id_number_passport_no_digit',
      ID_NUMBER_FIELD,
      'Số hộ chiếu phải có ít nhất một chữ số.',
      'A passport number contains at least one digit.',
    );
  }
  return ok(n);
}

/**
 * Validates an identity number of the given type, the CCCD one against `ctx`; answers the type,
 * the normalised number and, for a CCCD, its decoded parts. Flags of the CCCD check are kept.
 */
export function validateIdNumber(idType: IdType, raw: string, ctx: IdCheckContext = {}): RuleResult<ValidatedId> {
  switch (idType) {
    case 'cccd': {
      const r = validateCccd(raw, ctx);
      if (!r.ok) return r;
      return ok({ idType, idNumber: r.value.idNumber, cccd: r.value }, r.flags);
    }
    case 'cmnd': {
      const r = validateCmnd(raw);
      return r.ok ? ok({ idType, idNumber: r.value }) : r;
    }
    case 'passport': {
      const r = validatePassport(raw);
      return r.ok ? ok({ idType, idNumber: r.value }) : r;
    }
    default:
      return fail(
        'id_type_unknown',
        'idType',
        'Loại giấy tờ phải là CCCD, CMND hoặc hộ chiếu.',
        'The document type must be CCCD, CMND or passport.',
      );
  }
}

/**
 * Guesses the document type from what was typed (separators ignored): 12 digits → `cccd`,
 * 9 digits → `cmnd`, other letters-and-digits → `passport`; null for empty or other characters.
 * A guess only: the number still has to be validated.
 */
export function inferIdType(raw: string): IdType | null {
  const n = normalizeIdNumber(raw);
  if (/^\d{12}$/.test(n)) return 'cccd';
  if (/^\d{9}$/.test(n)) return 'cmnd';
  if (/^[A-Z0-9]+$/.test(n)) return 'passport';
  return null;
}
