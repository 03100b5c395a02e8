import type { Localized } from '../i18n.js';

/**
 * The messages of the checks the API's schemas write themselves (a pattern, a refinement), in both
 * languages. zod 4 carries one text per check, so a schema gives it the English
 * ({@link schemaMessage}) and the server's validation answer finds the Vietnamese here by it
 * (apps/server/src/lib/validation-message.ts): both written once, here, beside each other.
 */
export const SCHEMA_MESSAGES = {
  provinceCode: { en: 'a two-digit province code', vi: 'cần mã tỉnh gồm 2 chữ số' },
  onePeopleSearch: {
    en: 'give exactly one of idNumber, phone, q',
    vi: 'cần đúng một trong các trường idNumber, phone, q',
  },
  oneCheckIn: {
    en: 'give one of personId, registrationQr, healthBookQr, checkInQr',
    vi: 'cần một trong các trường personId, registrationQr, healthBookQr, checkInQr',
  },
  username: {
    en: '3–64 characters: letters a–z, digits, dot, hyphen, underscore',
    vi: 'cần 3–64 ký tự: chữ thường a–z không dấu, chữ số, dấu chấm, dấu gạch ngang, dấu gạch dưới',
  },
  unitCode: { en: 'a 2-, 3- or 5-digit unit code', vi: 'cần mã đơn vị gồm 2, 3 hoặc 5 chữ số' },
  nothingToChange: { en: 'nothing to change', vi: 'không có thông tin nào cần thay đổi' },
  countryCode: {
    en: 'a two-letter country code (ISO 3166-1)',
    vi: 'cần mã quốc gia gồm 2 chữ cái in hoa (ISO 3166-1)',
  },
  nationality: {
    en: 'an assigned ISO 3166-1 country code, two capital letters (e.g. VN, FR, GB)',
    vi: 'cần mã quốc gia ISO 3166-1 đã được ấn định, gồm 2 chữ cái in hoa (ví dụ VN, FR, GB)',
  },
  isoDate: { en: 'expected a date YYYY-MM-DD', vi: 'cần một ngày có thật, dạng YYYY-MM-DD' },
  isoDateTime: {
    en: 'expected a real instant YYYY-MM-DDThh:mm:ss with Z or an offset',
    vi: 'cần một thời điểm có thật, dạng YYYY-MM-DDThh:mm:ss kèm Z hoặc múi giờ',
  },
  provincesFileWhole: {
    en: 'not taken: this file has every province (daily.csv or daily.json take a province)',
    vi: 'không dùng được: tệp này có mọi tỉnh, thành phố (tệp daily.csv, daily.json mới lọc theo tỉnh)',
  },
  checklistEmpty: { en: 'the checklist has no answer', vi: 'bảng kiểm chưa có câu trả lời nào' },
  idempotencyKey: {
    en: '1–200 visible ASCII characters',
    vi: 'cần 1–200 ký tự ASCII nhìn thấy được (không dấu, không khoảng trắng)',
  },
  fhirId: { en: 'a FHIR id: 1–64 letters, digits, - and .', vi: 'cần mã FHIR: 1–64 chữ cái, chữ số, dấu - và dấu .' },
} as const satisfies Record<string, Localized>;
export type SchemaMessage = keyof typeof SCHEMA_MESSAGES;

/** A check's message as zod takes it (`.regex(re, schemaMessage('provinceCode'))`): the English. */
export function schemaMessage(key: SchemaMessage): { message: string } {
  return { message: SCHEMA_MESSAGES[key].en };
}
