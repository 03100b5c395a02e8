/**
 * The QR code printed on chip CCCD cards (since 2021), read by a camera or a USB scanner at the
 * vaccination desk to fill in a person's details without typing:
 *
 *     ID|old CMND|full name|ddMMyyyy|Nam/Nữ|address|issue date ddMMyyyy
 *     087095001234|341234567|Nguyễn Văn An|15031995|Nam|Phường 1, Thành phố Cao Lãnh, Đồng Tháp|20042021
 *
 * The old CMND part is empty when the holder had none (or had a 12-digit card whose number was
 * kept). Surrounding whitespace and the newline many USB scanners append are ignored, as are
 * empty fields after the seventh (a trailing `|`). Every violation is reported on the field `qr`;
 * a failure of an embedded rule keeps that rule's code (e.g. `id_number_sex_mismatch`,
 * `name_contains_digits`) with the message prefixed by "Mã QR: " / "QR code: ".
 */
import type { IdentityRuleCode } from './codes.js';
import { type CalendarDate, compareDates, formatIsoDate, parseIsoDate, parseVnDate } from './dates.js';
import { type Sex, validateCccd } from './id-number.js';
import { normalizeName } from './name.js';
import { fail, ok, type RuleResult, type RuleViolation } from './result.js';

/** The field every QR violation is reported on. */
export const QR_FIELD = 'qr';

/** The person's details read from a CCCD QR code, normalised. */
export interface CccdQrData {
  /** The 12-digit CCCD number. */
  idNumber: string;
  /** The 9- or 12-digit old CMND number, or null when the card shows none. */
  oldIdNumber: string | null;
  /** Full name, normalised like normalizeName ("Nguyễn Văn An"). */
  fullName: string;
  /** Date of birth, `YYYY-MM-DD`. */
  dateOfBirth: string;
  /** Sex printed on the card. */
  gender: Sex;
  /** Permanent address as printed (NFC, single spaces). */
  address: string;
  /** Date the card was issued, `YYYY-MM-DD`. */
  issuedOn: string;
}

/** Options for parseCccdQr. */
export interface CccdQrOptions {
  /** Today's date, `YYYY-MM-DD`; when given, dates of birth and issue dates after it are rejected. */
  today?: string;
}

const FIELD_COUNT = 7;

function qrFail<T>(code: IdentityRuleCode, vi: string, en: string): RuleResult<T> {
  return fail(code, QR_FIELD, vi, en);
}

function embedded<T>(error: RuleViolation): RuleResult<T> {
  return qrFail(error.code, `Mã QR: ${error.message.vi}`, `QR code: ${error.message.en}`);
}

function parseGender(text: string): Sex | null {
  const g = text.normalize('NFC').toLowerCase();
  if (g === 'nam') return 'male';
  if (g === 'nữ') return 'female';
  return null;
}

function parseQrDate(text: string): CalendarDate | null {
  return /^\d{8}$/.test(text) ? parseVnDate(text) : null;
}

/**
 * Parses the text of a chip-CCCD QR code into the holder's details, checking every part: field
 * count, CCCD number (also against the printed date of birth and sex), old CMND number, name,
 * real calendar dates (not 31022000), `Nam`/`Nữ` (NFC or NFD, any case), a non-empty address,
 * an issue date not before birth and, when `today` is given, no date in the future.
 * Throws RangeError when `options.today` is not a real `YYYY-MM-DD`.
 */
export function parseCccdQr(raw: string, options: CccdQrOptions = {}): RuleResult<CccdQrData> {
  let today: CalendarDate | null = null;
  if (options.today !== undefined) {
    today = parseIsoDate(options.today);
    if (!today) throw new RangeError(`today must be a real date YYYY-MM-DD, got "${options.today}"`);
  }

  const text = raw
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .trim();
  if (text === '') {
    return qrFail('qr_empty', 'Mã QR không có nội dung.', 'The QR code is empty.');
  }
  const parts = text.split('|').map((p) => p.trim());
  while (parts.length > FIELD_COUNT && parts[parts.length - 1] === '') parts.pop();
  const [idRaw, oldRaw, nameRaw, dobRaw, genderRaw, addressRaw, issuedRaw] = parts;
  if (
    parts.length !== FIELD_COUNT ||
    idRaw === undefined ||
    oldRaw === undefined ||
    nameRaw === undefined ||
    dobRaw === undefined ||
    genderRaw === undefined ||
    addressRaw === undefined ||
    issuedRaw === undefined
  ) {
    return qrFail(
      'qr_field_count',
      `Mã QR không phải mã QR trên thẻ CCCD: cần ${FIELD_COUNT} phần ngăn cách bởi dấu |, đọc được ${parts.length}.`,
      `This is not a CCCD card QR code: it needs ${FIELD_COUNT} parts separated by |, found ${parts.length}.`,
    );
  }

  const id = validateCccd(idRaw);
  if (!id.ok) return embedded(id.error);

  let oldIdNumber: string | null = null;
  if (oldRaw !== '') {
    if (!/^(\d{9}|\d{12})$/.test(oldRaw)) {
      return qrFail(
        'qr_old_id_number_invalid',
        `Mã QR: số CMND cũ (${oldRaw}) phải có 9 hoặc 12 chữ số.`,
        `QR code: the old CMND number (${oldRaw}) must have 9 or 12 digits.`,
      );
    }
    oldIdNumber = oldRaw;
  }

  const name = normalizeName(nameRaw);
  if (!name.ok) return embedded(name.error);

  const dob = parseQrDate(dobRaw);
  if (!dob) {
    return qrFail(
      'qr_date_of_birth_invalid',
      `Mã QR: ngày sinh (${dobRaw}) không phải ngày hợp lệ (dạng ddMMyyyy).`,
      `QR code: the date of birth (${dobRaw}) is not a valid ddMMyyyy date.`,
    );
  }

  const gender = parseGender(genderRaw);
  if (!gender) {
    return qrFail(
      'qr_gender_invalid',
      `Mã QR: giới tính (${genderRaw}) phải là "Nam" hoặc "Nữ".`,
      `QR code: the sex (${genderRaw}) must be "Nam" (male) or "Nữ" (female).`,
    );
  }

  const address = addressRaw.replace(/\s+/gu, ' ');
  if (address === '') {
    return qrFail(
      'qr_address_missing',
      'Mã QR: thiếu địa chỉ thường trú.',
      'QR code: the permanent address is missing.',
    );
  }

  const issued = parseQrDate(issuedRaw);
  if (!issued) {
    return qrFail(
      'qr_issue_date_invalid',
      `Mã QR: ngày cấp (${issuedRaw}) không phải ngày hợp lệ (dạng ddMMyyyy).`,
      `QR code: the issue date (${issuedRaw}) is not a valid ddMMyyyy date.`,
    );
  }
  if (compareDates(issued, dob) < 0) {
    return qrFail(
      'qr_issue_date_before_birth',
      'Mã QR: ngày cấp thẻ trước ngày sinh.',
      'QR code: the card was issued before the date of birth.',
    );
  }
  if (today && compareDates(dob, today) > 0) {
    return qrFail(
      'qr_date_of_birth_in_future',
      'Mã QR: ngày sinh ở trong tương lai.',
      'QR code: the date of birth is in the future.',
    );
  }
  if (today && compareDates(issued, today) > 0) {
    return qrFail(
      'qr_issue_date_in_future',
      'Mã QR: ngày cấp ở trong tương lai.',
      'QR code: the issue date is in the future.',
    );
  }

  const dateOfBirth = formatIsoDate(dob);
  const checked = validateCccd(id.value.idNumber, { dateOfBirth, gender, today: options.today });
  if (!checked.ok) return embedded(checked.error);

  return ok(
    {
      idNumber: id.value.idNumber,
      oldIdNumber,
      fullName: name.value,
      dateOfBirth,
      gender,
      address,
      issuedOn: formatIsoDate(issued),
    },
    checked.flags,
  );
}
