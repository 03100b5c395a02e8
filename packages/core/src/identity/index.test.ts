import { describe, expect, it } from 'vitest';
import type { RuleResult } from './index.js';
import * as identity from './index.js';

/** One failing input per error code of the identity rules. */
const FAILURES: ReadonlyArray<readonly [string, RuleResult<unknown>]> = [
  ['id_number_required', identity.validateCccd('')],
  ['id_number_not_digits', identity.validateCccd('08709500123A')],
  ['id_number_wrong_length', identity.validateCccd('0870950012')],
  ['id_number_province_unknown', identity.validateCccd('003095001234')],
  ['id_number_century_mismatch', identity.validateCccd('087295001234', { dateOfBirth: '1995-01-01' })],
  ['id_number_birth_year_mismatch', identity.validateCccd('087095001234', { dateOfBirth: '1996-01-01' })],
  ['id_number_sex_mismatch', identity.validateCccd('087095001234', { gender: 'female' })],
  ['id_number_birth_year_in_future', identity.validateCccd('087225001234', { today: '2021-01-01' })],
  ['id_number_passport_characters', identity.validatePassport('Ă1234567')],
  ['id_number_passport_length', identity.validatePassport('A1')],
  ['id_number_passport_no_digit', identity.validatePassport('ABCDEFGH')],
  ['id_type_unknown', identity.validateIdNumber('other' as identity.IdType, '1')],
  ['phone_required', identity.normalizePhone('')],
  ['phone_invalid_characters', identity.normalizePhone('09x')],
  ['phone_not_vietnamese', identity.normalizePhone('+33 6 12 34 56 78')],
  ['phone_old_11_digit', identity.normalizePhone('01662345678')],
  ['phone_landline', identity.normalizePhone('024 3826 1234')],
  ['phone_wrong_length', identity.normalizePhone('091234')],
  ['phone_prefix_unknown', identity.normalizePhone('0951234567')],
  ['name_required', identity.normalizeName('')],
  ['name_contains_digits', identity.normalizeName('An 2')],
  ['name_invalid_characters', identity.normalizeName('An!')],
  ['name_no_letters', identity.normalizeName('--')],
  ['name_too_long', identity.normalizeName('a'.repeat(101))],
  ['qr_empty', identity.parseCccdQr('')],
  ['qr_field_count', identity.parseCccdQr('a|b')],
  ['qr_old_id_number_invalid', identity.parseCccdQr('087095001234|1|An|15031995|Nam|Đồng Tháp|20042021')],
  ['qr_date_of_birth_invalid', identity.parseCccdQr('087095001234||An|32031995|Nam|Đồng Tháp|20042021')],
  ['qr_gender_invalid', identity.parseCccdQr('087095001234||An|15031995|X|Đồng Tháp|20042021')],
  ['qr_address_missing', identity.parseCccdQr('087095001234||An|15031995|Nam||20042021')],
  ['qr_issue_date_invalid', identity.parseCccdQr('087095001234||An|15031995|Nam|Đồng Tháp|2004202')],
  ['qr_issue_date_before_birth', identity.parseCccdQr('087095001234||An|15031995|Nam|Đồng Tháp|20041990')],
  [
    'qr_date_of_birth_in_future',
    identity.parseCccdQr('087321001234||An|15032021|Nữ|Đồng Tháp|20042021', {
      today: '2021-01-01',
    }),
  ],
  [
    'qr_issue_date_in_future',
    identity.parseCccdQr('087095001234||An|15031995|Nam|Đồng Tháp|20042021', {
      today: '2021-01-01',
    }),
  ],
];

describe('Every identity rule explains itself in Vietnamese and English', () => {
  it.each(FAILURES)('%s has a snake_case code and a message in both languages', (code, result) => {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
    const { vi, en } = result.error.message;
    expect(vi).toBe(vi.normalize('NFC'));
    expect(vi).not.toBe(en);
    expect(vi).toMatch(/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i);
    expect(en).toMatch(/^[\x20-\x7e–→Nữ]+$/);
    expect(vi.endsWith('.')).toBe(true);
    expect(en.endsWith('.')).toBe(true);
  });
});

describe('The identity module is one import', () => {
  it.each([
    'ok',
    'fail',
    'parseIsoDate',
    'parseVnDate',
    'formatIsoDate',
    'normalizeIdNumber',
    'validateCccd',
    'decodeCccd',
    'validateCmnd',
    'validatePassport',
    'validateIdNumber',
    'inferIdType',
    'normalizePhone',
    'toE164',
    'maskPhone',
    'normalizeName',
    'nameSearchKey',
    'splitVietnameseName',
    'parseCccdQr',
  ])('exports %s', (name) => {
    expect(typeof (identity as Record<string, unknown>)[name]).toBe('function');
  });
});
