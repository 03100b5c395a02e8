import {
  type CreatePersonBody,
  formatIsoDate,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  parseIsoDate,
  parseVnDate,
  validateIdNumber,
} from '@tiemchung/core';
import { formatDate, type Message, todayIso } from './format';

/** What the person form holds: the text of every field as typed. */
export interface PersonFormValues {
  fullName: string;
  /** As typed: `dd/MM/yyyy`, `ddMMyyyy` (also `YYYY-MM-DD`). */
  dateOfBirth: string;
  gender: '' | 'male' | 'female';
  idNumber: string;
  phone: string;
  provinceCode: string;
  districtCode: string;
  communeCode: string;
  address: string;
  oldIdNumber: string;
  ethnicity: string;
  occupation: string;
  healthInsuranceNumber: string;
}

export type PersonField = keyof PersonFormValues;

/** The order of the fields on the page (the first invalid one gets the focus). */
export const PERSON_FIELDS: readonly PersonField[] = [
  'fullName',
  'dateOfBirth',
  'gender',
  'idNumber',
  'phone',
  'provinceCode',
  'districtCode',
  'communeCode',
  'address',
  'oldIdNumber',
  'ethnicity',
  'occupation',
  'healthInsuranceNumber',
];

export function isPersonField(field: string | undefined): field is PersonField {
  return field !== undefined && (PERSON_FIELDS as readonly string[]).includes(field);
}

export const EMPTY_PERSON_FORM: PersonFormValues = {
  fullName: '',
  dateOfBirth: '',
  gender: '',
  idNumber: '',
  phone: '',
  provinceCode: '',
  districtCode: '',
  communeCode: '',
  address: '',
  oldIdNumber: '',
  ethnicity: '',
  occupation: '',
  healthInsuranceNumber: '',
};

export type FieldErrors = Partial<Record<PersonField | 'reason', Message>>;

/** Maximum lengths of the free-text fields (the server's limits). */
const MAX_LENGTH: Partial<Record<PersonField, number>> = {
  address: 300,
  ethnicity: 60,
  occupation: 120,
  healthInsuranceNumber: 20,
};

/** The date typed in the form as `YYYY-MM-DD`, or null when it is not a real date. */
export function parseFormDate(text: string): string | null {
  const s = text.trim();
  const date = parseVnDate(s) ?? parseIsoDate(s);
  return date ? formatIsoDate(date) : null;
}

/** `15031995` → `15/03/1995` once the date is complete and real; other text unchanged. */
export function tidyFormDate(text: string): string {
  const iso = parseFormDate(text);
  return iso ? formatDate(iso) : text;
}

/** The document type a number is checked as, like the server: 9 digits CMND, otherwise CCCD. */
export function idTypeOf(raw: string): 'cccd' | 'cmnd' {
  return normalizeIdNumber(raw).length === 9 ? 'cmnd' : 'cccd';
}

export interface ValidationOptions {
  /** Today, `YYYY-MM-DD` (default: the local date). */
  today?: string;
  /** The person is a foreign national registered with a passport: check the number as one. */
  passport?: boolean;
}

export interface ValidationResult {
  errors: FieldErrors;
  /** The request body when there is no error. */
  body: CreatePersonBody | null;
}

/**
 * Checks the form with the same rules as the server (@tiemchung/core): name, real date of birth
 * not in the future, sex, CCCD/CMND number (a CCCD also against date of birth and sex), mobile
 * phone, province; optional fields only for length and, for the old CMND, format.
 */
export function validatePersonForm(values: PersonFormValues, options: ValidationOptions = {}): ValidationResult {
  const today = options.today ?? todayIso();
  const errors: FieldErrors = {};

  const name = normalizeName(values.fullName);
  if (!name.ok) errors.fullName = { localized: name.error.message };

  let dateOfBirth: string | null = null;
  if (!values.dateOfBirth.trim()) errors.dateOfBirth = { key: 'reception.errors.dateOfBirthRequired' };
  else {
    dateOfBirth = parseFormDate(values.dateOfBirth);
    if (!dateOfBirth) errors.dateOfBirth = { key: 'reception.errors.dateOfBirthInvalid' };
    else if (dateOfBirth > today) errors.dateOfBirth = { key: 'reception.errors.dateOfBirthFuture' };
    else if (dateOfBirth < '1900-01-01') errors.dateOfBirth = { key: 'reception.errors.dateOfBirthTooEarly' };
    if (errors.dateOfBirth) dateOfBirth = null;
  }

  const gender = values.gender || null;
  if (!gender) errors.gender = { key: 'reception.errors.genderRequired' };

  let idNumber: string | null = null;
  if (!values.idNumber.trim()) errors.idNumber = { key: 'reception.errors.idNumberRequired' };
  else {
    const idType = options.passport ? 'passport' : idTypeOf(values.idNumber);
    const id = validateIdNumber(idType, values.idNumber, {
      ...(dateOfBirth ? { dateOfBirth } : {}),
      ...(gender ? { gender } : {}),
      today,
    });
    if (id.ok) idNumber = id.value.idNumber;
    else errors.idNumber = { localized: id.error.message };
  }

  const phone = normalizePhone(values.phone);
  if (!phone.ok) errors.phone = { localized: phone.error.message };

  if (!values.provinceCode) errors.provinceCode = { key: 'reception.errors.provinceRequired' };

  let oldIdNumber: string | null = null;
  if (values.oldIdNumber.trim()) {
    const old = validateIdNumber(idTypeOf(values.oldIdNumber), values.oldIdNumber);
    if (old.ok) oldIdNumber = old.value.idNumber;
    else errors.oldIdNumber = { localized: old.error.message };
  }

  for (const [field, max] of Object.entries(MAX_LENGTH) as [PersonField, number][]) {
    if (values[field].trim().length > max) errors[field] = { key: 'reception.errors.tooLong' };
  }

  if (Object.keys(errors).length > 0 || !name.ok || !dateOfBirth || !gender || !idNumber || !phone.ok) {
    return { errors, body: null };
  }
  const optional = (text: string) => text.trim() || undefined;
  const body: CreatePersonBody = {
    fullName: name.value,
    dateOfBirth,
    gender,
    idNumber,
    phone: phone.value,
    provinceCode: values.provinceCode,
    districtCode: values.districtCode || undefined,
    communeCode: values.communeCode || undefined,
    address: optional(values.address),
    oldIdNumber: oldIdNumber ?? undefined,
    ethnicity: optional(values.ethnicity),
    occupation: optional(values.occupation),
    healthInsuranceNumber: optional(values.healthInsuranceNumber)?.replace(/\s+/g, '').toUpperCase(),
  };
  return { errors: {}, body };
}

/** The one field's error (to re-check a field when it is left). */
export function validateField(
  values: PersonFormValues,
  field: PersonField,
  options: ValidationOptions = {},
): Message | undefined {
  return validatePersonForm(values, options).errors[field];
}

/**
 * The details to look for likely existing records with: needs a valid name and date of birth;
 * phone, ID number and sex are added when they are valid.
 */
export function duplicateCheckParams(values: PersonFormValues) {
  const name = normalizeName(values.fullName);
  const dateOfBirth = parseFormDate(values.dateOfBirth);
  if (!name.ok || !dateOfBirth) return null;
  const phone = normalizePhone(values.phone);
  const id = values.idNumber.trim() ? validateIdNumber(idTypeOf(values.idNumber), values.idNumber) : null;
  return {
    fullName: name.value,
    dateOfBirth,
    phone: phone.ok ? phone.value : undefined,
    idNumber: id?.ok ? id.value.idNumber : undefined,
  };
}
