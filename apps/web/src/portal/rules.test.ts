import { describe, expect, it } from 'vitest';
import {
  checkOtp,
  EMPTY_PERSON,
  isCccd,
  isTrackingCode,
  optionalDate,
  provinceOptions,
  tidyTrackingCode,
  validatePerson,
} from './rules';

const TODAY = '2021-11-24';
const BINH = {
  fullName: '  nguyễn   văn bình ',
  dateOfBirth: '10101998',
  gender: 'male' as const,
  phone: '0929 281 943',
  idNumber: '087098461221',
};

describe('validatePerson', () => {
  it('answers the request body with the values as the server keeps them', () => {
    const { errors, body } = validatePerson(BINH, { idRequired: true }, TODAY);
    expect(errors).toEqual({});
    expect(body).toEqual({
      fullName: 'Nguyễn Văn Bình',
      dateOfBirth: '1998-10-10',
      gender: 'male',
      phone: '0929281943',
      idNumber: '087098461221',
    });
  });

  it('flags every missing field, the ID number only when it is required', () => {
    expect(Object.keys(validatePerson(EMPTY_PERSON, { idRequired: false }, TODAY).errors).sort()).toEqual([
      'dateOfBirth',
      'fullName',
      'gender',
      'phone',
    ]);
    const required = validatePerson(EMPTY_PERSON, { idRequired: true }, TODAY);
    expect(required.errors.idNumber).toEqual({ key: 'errors.idNumberRequired' });
    expect(required.body).toBeNull();
  });

  it('checks the date of birth: real, not in the future, from 1900', () => {
    const dob = (dateOfBirth: string) => validatePerson({ ...BINH, dateOfBirth }, { idRequired: false }, TODAY);
    expect(dob('31/02/1998').errors.dateOfBirth).toEqual({ key: 'errors.dateOfBirthInvalid' });
    expect(dob('25/11/2021').errors.dateOfBirth).toEqual({ key: 'errors.dateOfBirthFuture' });
    expect(dob('01/01/1899').errors.dateOfBirth).toEqual({ key: 'errors.dateOfBirthTooEarly' });
    expect(dob('1998-10-10').body?.dateOfBirth).toBe('1998-10-10');
  });

  it('checks a CCCD against the sex and date of birth with the core rules (bilingual message)', () => {
    const wrongSex = validatePerson({ ...BINH, gender: 'female' }, { idRequired: false }, TODAY);
    expect(wrongSex.errors.idNumber).toMatchObject({ localized: { vi: expect.any(String), en: expect.any(String) } });
    const landline = validatePerson({ ...BINH, phone: '02773851234' }, { idRequired: false }, TODAY);
    expect(landline.errors.phone).toMatchObject({ localized: { vi: expect.stringContaining('cố định') } });
  });
});

describe('small rules', () => {
  it('tells a 12-digit CCCD', () => {
    expect(isCccd('087 098 461 221')).toBe(true);
    expect(isCccd('341234567')).toBe(false);
  });

  it('accepts an empty optional date, and checks one that is given', () => {
    const bounds = {
      min: '2021-01-01',
      max: TODAY,
      tooEarly: 'errors.doseDateTooEarly',
      tooLate: 'errors.doseDateFuture',
    } as const;
    expect(optionalDate('', bounds)).toEqual({});
    expect(optionalDate('29102021', bounds)).toEqual({ iso: '2021-10-29' });
    expect(optionalDate('29/10/2020', bounds).error).toEqual({ key: 'errors.doseDateTooEarly' });
    expect(optionalDate('29/12/2021', bounds).error).toEqual({ key: 'errors.doseDateFuture' });
    expect(optionalDate('hôm qua', bounds).error).toEqual({ key: 'errors.dateInvalid' });
  });

  it('tidies tracking codes as people copy them', () => {
    expect(tidyTrackingCode(' pa-7kq2mx9d ')).toBe('PA-7KQ2MX9D');
    expect(tidyTrackingCode('PA7KQ2MX9D')).toBe('PA-7KQ2MX9D');
    expect(isTrackingCode('PA-7KQ2MX9D')).toBe(true);
    expect(isTrackingCode('DK-7KQ2MX9D')).toBe(false);
  });

  it('wants six digits for an OTP', () => {
    expect(checkOtp(' 123 456 ')).toEqual({ otp: '123456' });
    expect(checkOtp('').error).toEqual({ key: 'errors.otpRequired' });
    expect(checkOtp('12345a').error).toEqual({ key: 'errors.otpFormat' });
  });

  it('lists the 63 provinces in Vietnamese alphabetical order', () => {
    const options = provinceOptions();
    expect(options).toHaveLength(63);
    expect(options.find((o) => o.value === '87')?.label).toBe('Đồng Tháp');
    const labels = options.map((o) => o.label);
    expect([...labels].sort((a, b) => a.localeCompare(b, 'vi'))).toEqual(labels);
  });
});
