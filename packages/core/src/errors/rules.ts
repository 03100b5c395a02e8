import type { DoseRuleCode } from '../doses/codes.js';
import type { IdentityRuleCode } from '../identity/codes.js';
import type { ErrorEntry } from './entry.js';

/**
 * The core rules' violation codes. A violation is answered with its rule's own message (naming the
 * digit, the date or the lot at fault); these generic messages say what each code means, for a
 * reader of the catalogue and for a client that shows a code without its message.
 */

/** The identity rules (ID numbers, names, phones, CCCD QR codes): the input is refused, 400. */
export const IDENTITY_RULE_ERRORS = {
  id_number_required: {
    status: 400,
    vi: 'Bắt buộc nhập số CCCD, CMND hoặc mã định danh cá nhân (hộ chiếu với người nước ngoài).',
    en: 'The CCCD / CMND / personal identification number is required (passport for foreign nationals).',
  },
  id_number_not_digits: {
    status: 400,
    vi: 'Số CCCD, CMND chỉ gồm chữ số (0–9).',
    en: 'A CCCD or CMND number contains digits only (0–9).',
  },
  id_number_wrong_length: {
    status: 400,
    vi: 'Số CCCD phải có 12 chữ số, số CMND có 9 chữ số.',
    en: 'A CCCD number has 12 digits, a CMND number 9.',
  },
  id_number_province_unknown: {
    status: 400,
    vi: 'Ba chữ số đầu của số CCCD không phải mã tỉnh, thành phố nào.',
    en: 'The first three digits of the CCCD number are not the code of any province or city.',
  },
  id_number_century_mismatch: {
    status: 400,
    vi: 'Chữ số thứ tư của số CCCD không khớp với năm sinh.',
    en: 'The fourth digit of the CCCD number does not match the birth year.',
  },
  id_number_birth_year_mismatch: {
    status: 400,
    vi: 'Chữ số thứ năm và thứ sáu của số CCCD phải là hai số cuối của năm sinh.',
    en: 'The fifth and sixth digits of the CCCD number must be the last two digits of the birth year.',
  },
  id_number_birth_year_in_future: {
    status: 400,
    vi: 'Số CCCD cho biết một năm sinh trong tương lai.',
    en: 'The CCCD number gives a birth year in the future.',
  },
  id_number_sex_mismatch: {
    status: 400,
    vi: 'Chữ số thứ tư của số CCCD không khớp với giới tính đã khai.',
    en: 'The fourth digit of the CCCD number does not match the declared sex.',
  },
  id_number_passport_characters: {
    status: 400,
    vi: 'Số hộ chiếu chỉ gồm chữ cái Latinh không dấu (A–Z) và chữ số (0–9).',
    en: 'A passport number contains only unaccented Latin letters (A–Z) and digits (0–9).',
  },
  id_number_passport_length: {
    status: 400,
    vi: 'Số hộ chiếu phải có từ 6 đến 9 ký tự.',
    en: 'A passport number has 6 to 9 characters.',
  },
  id_number_passport_no_digit: {
    status: 400,
    vi: 'Số hộ chiếu phải có ít nhất một chữ số.',
    en: 'A passport number contains at least one digit.',
  },
  id_type_unknown: {
    status: 400,
    vi: 'Loại giấy tờ phải là CCCD, CMND hoặc hộ chiếu.',
    en: 'The document type must be CCCD, CMND or passport.',
  },
  name_required: { status: 400, vi: 'Vui lòng nhập họ và tên.', en: 'Please enter the full name.' },
  name_contains_digits: {
    status: 400,
    vi: 'Họ và tên không được chứa chữ số.',
    en: 'A name cannot contain digits.',
  },
  name_invalid_characters: {
    status: 400,
    vi: "Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy ('), gạch ngang (-) và dấu chấm (.).",
    en: "A name contains only letters, spaces, apostrophes ('), hyphens (-) and dots (.).",
  },
  name_no_letters: { status: 400, vi: 'Họ và tên phải có chữ cái.', en: 'A name must contain letters.' },
  name_too_long: { status: 400, vi: 'Họ và tên quá dài.', en: 'The name is too long.' },
  phone_required: {
    status: 400,
    vi: 'Bắt buộc nhập số điện thoại.',
    en: 'The phone number is required.',
  },
  phone_invalid_characters: {
    status: 400,
    vi: 'Số điện thoại chỉ gồm chữ số, có thể kèm +84, dấu cách, dấu chấm, gạch ngang hoặc ngoặc.',
    en: 'A phone number contains digits, optionally +84, spaces, dots, hyphens or brackets.',
  },
  phone_not_vietnamese: {
    status: 400,
    vi: 'Chỉ chấp nhận số điện thoại di động Việt Nam (mã quốc gia +84).',
    en: 'Only Vietnamese mobile numbers (country code +84) are accepted.',
  },
  phone_old_11_digit: {
    status: 400,
    vi: 'Số di động 11 chữ số đã được chuyển sang 10 chữ số từ năm 2018.',
    en: '11-digit mobile numbers were converted to 10 digits in 2018.',
  },
  phone_landline: {
    status: 400,
    vi: 'Đây là số điện thoại cố định; vui lòng nhập số di động để nhận tin nhắn.',
    en: 'This is a landline number; please enter a mobile number to receive text messages.',
  },
  phone_wrong_length: {
    status: 400,
    vi: 'Số điện thoại di động có 10 chữ số, bắt đầu bằng 0.',
    en: 'A mobile number has 10 digits starting with 0.',
  },
  phone_prefix_unknown: {
    status: 400,
    vi: 'Đầu số này không phải đầu số di động Việt Nam.',
    en: 'This is not a Vietnamese mobile prefix.',
  },
  qr_empty: { status: 400, vi: 'Mã QR không có nội dung.', en: 'The QR code is empty.' },
  qr_field_count: {
    status: 400,
    vi: 'Mã QR này không phải mã QR trên thẻ CCCD.',
    en: 'This is not a CCCD card QR code.',
  },
  qr_old_id_number_invalid: {
    status: 400,
    vi: 'Mã QR: số CMND cũ phải có 9 hoặc 12 chữ số.',
    en: 'QR code: the old CMND number must have 9 or 12 digits.',
  },
  qr_date_of_birth_invalid: {
    status: 400,
    vi: 'Mã QR: ngày sinh không phải ngày hợp lệ.',
    en: 'QR code: the date of birth is not a valid date.',
  },
  qr_gender_invalid: {
    status: 400,
    vi: 'Mã QR: giới tính phải là "Nam" hoặc "Nữ".',
    en: 'QR code: the sex must be "Nam" (male) or "Nữ" (female).',
  },
  qr_address_missing: {
    status: 400,
    vi: 'Mã QR: thiếu địa chỉ thường trú.',
    en: 'QR code: the permanent address is missing.',
  },
  qr_issue_date_invalid: {
    status: 400,
    vi: 'Mã QR: ngày cấp không phải ngày hợp lệ.',
    en: 'QR code: the issue date is not a valid date.',
  },
  qr_issue_date_before_birth: {
    status: 400,
    vi: 'Mã QR: ngày cấp thẻ trước ngày sinh.',
    en: 'QR code: the card was issued before the date of birth.',
  },
  qr_date_of_birth_in_future: {
    status: 400,
    vi: 'Mã QR: ngày sinh ở trong tương lai.',
    en: 'QR code: the date of birth is in the future.',
  },
  qr_issue_date_in_future: {
    status: 400,
    vi: 'Mã QR: ngày cấp ở trong tương lai.',
    en: 'QR code: the issue date is in the future.',
  },
} as const satisfies Record<IdentityRuleCode, ErrorEntry>;

/** The dose rules: the dose cannot be recorded as given, 422 (with every violation listed). */
export const DOSE_RULE_ERRORS = {
  unknown_vaccine: {
    status: 422,
    vi: 'Không có vắc xin với mã này trong danh mục.',
    en: 'No vaccine has this code.',
  },
  date_in_future: { status: 422, vi: 'Ngày tiêm ở tương lai.', en: 'The date of the dose is in the future.' },
  date_before_approval: {
    status: 422,
    vi: 'Ngày tiêm trước ngày vắc xin được phê duyệt tại Việt Nam.',
    en: 'The date is before the vaccine was approved in Vietnam.',
  },
  date_before_birth: { status: 422, vi: 'Ngày tiêm trước ngày sinh.', en: 'The date is before the date of birth.' },
  unknown_lot: {
    status: 422,
    vi: 'Không có lô vắc xin với số này.',
    en: 'No vaccine lot has this number.',
  },
  lot_vaccine_mismatch: {
    status: 422,
    vi: 'Lô này không phải của vắc xin đã chọn.',
    en: 'This lot is not of the chosen vaccine.',
  },
  lot_expired: {
    status: 422,
    vi: 'Lô vắc xin đã hết hạn vào ngày tiêm.',
    en: 'The lot had expired on the date of the dose.',
  },
  dose_same_day: {
    status: 422,
    vi: 'Người này đã có một mũi tiêm trong cùng ngày.',
    en: 'This person already has a dose on that day.',
  },
  age_not_eligible: {
    status: 422,
    vi: 'Người này không ở trong độ tuổi được dùng vắc xin này.',
    en: 'This person is outside the vaccine’s age range.',
  },
  primary_series_incomplete: {
    status: 422,
    vi: 'Người này chưa tiêm đủ các mũi cơ bản: mũi này là mũi cơ bản.',
    en: 'The primary series is not complete: this is a primary dose.',
  },
  primary_series_complete: {
    status: 422,
    vi: 'Người này đã tiêm đủ các mũi cơ bản: mũi này là mũi bổ sung hoặc nhắc lại.',
    en: 'The primary series is already complete: this dose is an additional or booster dose.',
  },
  interval_too_short: {
    status: 422,
    vi: 'Mũi này cách mũi trước chưa đủ khoảng thời gian tối thiểu.',
    en: 'This dose is closer to the previous one than the minimum interval.',
  },
  mixing_not_allowed: {
    status: 422,
    vi: 'Không được tiêm trộn hai loại vắc xin này trong các mũi cơ bản.',
    en: 'These two vaccines may not be mixed in the primary series.',
  },
  booster_product_not_allowed: {
    status: 422,
    vi: 'Mũi bổ sung hoặc nhắc lại dùng vắc xin mRNA hoặc cùng loại với mũi cơ bản.',
    en: 'An additional or booster dose uses an mRNA vaccine or the primary series’ product.',
  },
  next_dose_interval_short: {
    status: 422,
    vi: 'Mũi đã ghi sau mũi này cách nó chưa đủ khoảng thời gian tối thiểu.',
    en: 'The dose recorded after this one is closer to it than the minimum interval.',
  },
} as const satisfies Record<DoseRuleCode, ErrorEntry>;

/** The identity rule of 1 Nov 2021 (core/people.ts identityGate): no new dose without a verified identity. */
export const IDENTITY_GATE_ERRORS = {
  identity_not_verified: {
    status: 422,
    vi: 'Thông tin định danh của người này chưa được xác thực. Từ ngày 01/11/2021, phải xác thực định danh trước khi tiêm.',
    en: 'This person’s identity is not verified. From 1 Nov 2021 identity must be verified before a dose.',
  },
} as const satisfies Record<'identity_not_verified', ErrorEntry>;
