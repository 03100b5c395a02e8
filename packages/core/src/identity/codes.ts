/**
 * Every violation code an identity rule can answer (ID numbers, names, phones, CCCD QR codes). A
 * rule names its code from this list (`fail` takes nothing else), and each code has its entry in
 * the error catalogue (status 400 and a generic message; the rule's own message, naming what it
 * found, is what is answered).
 */
export const IDENTITY_RULE_CODES = [
  // ID numbers (id-number.ts)
  'id_number_required',
  'id_number_not_digits',
  'id_number_wrong_length',
  'id_number_province_unknown',
  'id_number_century_mismatch',
  'id_number_birth_year_mismatch',
  'id_number_birth_year_in_future',
  'id_number_sex_mismatch',
  'id_number_passport_characters',
  'id_number_passport_length',
  'id_number_passport_no_digit',
  'id_type_unknown',
  // Names (name.ts)
  'name_required',
  'name_contains_digits',
  'name_invalid_characters',
  'name_no_letters',
  'name_too_long',
  // Phones (phone.ts)
  'phone_required',
  'phone_invalid_characters',
  'phone_not_vietnamese',
  'phone_old_11_digit',
  'phone_landline',
  'phone_wrong_length',
  'phone_prefix_unknown',
  // CCCD QR codes (cccd-qr.ts; an embedded rule's failure keeps that rule's code)
  'qr_empty',
  'qr_field_count',
  'qr_old_id_number_invalid',
  'qr_date_of_birth_invalid',
  'qr_gender_invalid',
  'qr_address_missing',
  'qr_issue_date_invalid',
  'qr_issue_date_before_birth',
  'qr_date_of_birth_in_future',
  'qr_issue_date_in_future',
] as const;
export type IdentityRuleCode = (typeof IDENTITY_RULE_CODES)[number];
