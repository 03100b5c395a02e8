import {
  type Localized,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  PROVINCES_2021,
  validateIdNumber,
} from '@tiemchung/core';
import type { Gender, PersonBody } from './api';
import { parseFormDate, todayIso } from './format';
import type { PortalKey } from './i18n';

/**
 * The portal's form rules, free of React and i18next (unit-tested in node): the same checks as
 * the server, from @tiemchung/core, answering messages as keys or bilingual texts.
 */

/**
 * A message shown under a field or in an alert: a key of the portal's strings, a bilingual
 * message of the core rules, or a text the server already wrote in the interface language. Kept
 * in this form (not as a string) so that switching the language re-renders it.
 */
export type Message =
  | { key: PortalKey; values?: Record<string, unknown> }
  | { localized: Localized }
  | { text: string };

/** What the person fields hold: the text of every field as typed. */
export interface PersonValues {
  fullName: string;
  dateOfBirth: string;
  gender: '' | Gender;
  phone: string;
  idNumber: string;
}

export type PersonField = keyof PersonValues;

export const PERSON_FIELDS: readonly PersonField[] = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'phone'];

export const EMPTY_PERSON: PersonValues = { fullName: '', dateOfBirth: '', gender: '', phone: '', idNumber: '' };

export type Errors<F extends string> = Partial<Record<F, Message>>;

export interface PersonRules {
  /** The ID number must be given (registration); otherwise it is checked only when typed. */
  idRequired: boolean;
}

/**
 * Checks the person fields with the same rules as the server (@tiemchung/core): name, a real date
 * of birth not in the future, sex, mobile phone, and the CCCD/CMND number (a CCCD also against
 * the date of birth and sex). Answers the errors, and the request part when there is none.
 */
export function validatePerson(
  values: PersonValues,
  rules: PersonRules,
  today = todayIso(),
): { errors: Errors<PersonField>; body: PersonBody | null } {
  const errors: Errors<PersonField> = {};

  const name = normalizeName(values.fullName);
  if (!name.ok) errors.fullName = { localized: name.error.message };

  let dateOfBirth: string | null = null;
  if (!values.dateOfBirth.trim()) errors.dateOfBirth = { key: 'errors.dateOfBirthRequired' };
  else {
    dateOfBirth = parseFormDate(values.dateOfBirth);
    if (!dateOfBirth) errors.dateOfBirth = { key: 'errors.dateOfBirthInvalid' };
    else if (dateOfBirth > today) errors.dateOfBirth = { key: 'errors.dateOfBirthFuture' };
    else if (dateOfBirth < '1900-01-01') errors.dateOfBirth = { key: 'errors.dateOfBirthTooEarly' };
    if (errors.dateOfBirth) dateOfBirth = null;
  }

  const gender = values.gender || null;
  if (!gender) errors.gender = { key: 'errors.genderRequired' };

  let idNumber: string | undefined;
  if (!values.idNumber.trim()) {
    if (rules.idRequired) errors.idNumber = { key: 'errors.idNumberRequired' };
  } else {
    const raw = normalizeIdNumber(values.idNumber);
    const id = validateIdNumber(raw.length === 9 ? 'cmnd' : 'cccd', raw, {
      ...(dateOfBirth ? { dateOfBirth } : {}),
      ...(gender ? { gender } : {}),
      today,
    });
    if (id.ok) idNumber = id.value.idNumber;
    else errors.idNumber = { localized: id.error.message };
  }

  const phone = normalizePhone(values.phone);
  if (!phone.ok) errors.phone = { localized: phone.error.message };

  if (!name.ok || !dateOfBirth || !gender || !phone.ok || Object.keys(errors).length > 0) {
    return { errors, body: null };
  }
  return { errors: {}, body: { fullName: name.value, dateOfBirth, gender, phone: phone.value, idNumber } };
}

/** Is this a 12-digit CCCD (the report then finds its province by itself)? */
export function isCccd(raw: string): boolean {
  return /^\d{12}$/.test(normalizeIdNumber(raw));
}

/** A date field that may be empty: `{iso}` when valid (or empty), else the error. */
export function optionalDate(
  text: string,
  bounds: { min?: string; max?: string; tooEarly?: PortalKey; tooLate?: PortalKey },
): { iso?: string; error?: Message } {
  if (!text.trim()) return {};
  const iso = parseFormDate(text);
  if (!iso) return { error: { key: 'errors.dateInvalid' } };
  if (bounds.min && iso < bounds.min && bounds.tooEarly) return { error: { key: bounds.tooEarly } };
  if (bounds.max && iso > bounds.max && bounds.tooLate) return { error: { key: bounds.tooLate } };
  return { iso };
}

/** `pa 7kq2mx9d`, `PA7KQ2MX9D` → `PA-7KQ2MX9D` (what people copy from the SMS, tidied). */
export function tidyTrackingCode(text: string): string {
  const s = text.toUpperCase().replace(/[\s-]+/g, '');
  return s.startsWith('PA') && s.length > 2 ? `PA-${s.slice(2)}` : s;
}

/** A tracking code as the server makes them (`PA-` and letters/digits; the server allows up to 20 characters). */
export function isTrackingCode(code: string): boolean {
  return /^PA-[0-9A-Z]{4,17}$/.test(code);
}

/** A 6-digit one-time code, or the error. */
export function checkOtp(text: string): { otp?: string; error?: Message } {
  const otp = text.replace(/\s+/g, '');
  if (!otp) return { error: { key: 'errors.otpRequired' } };
  if (!/^\d{6}$/.test(otp)) return { error: { key: 'errors.otpFormat' } };
  return { otp };
}

/** The 63 provinces for a select, in Vietnamese alphabetical order. */
export function provinceOptions(): { value: string; label: string }[] {
  return PROVINCES_2021.map((p) => ({ value: p.code, label: p.shortName })).sort((a, b) =>
    a.label.localeCompare(b.label, 'vi'),
  );
}
