/**
 * Vietnamese mobile phone numbers. People write them in many ways — `0912 345 678`,
 * `0912.345.678`, `+84912345678`, `84912345678`, `(+84) 912-345-678`, `0084 912 345 678` — and
 * the platform stores one form: the 10-digit national form `0` + 9 digits (`0912345678`).
 *
 * Only mobile numbers are accepted (they receive the SMS reminders and certificates). The valid
 * prefixes are those of the 10-digit plan in force since the 2018 renumbering (11-digit `01xx`
 * numbers moved to `03x/05x/07x/08x`): see {@link VN_MOBILE_PREFIXES}. Landlines (`02x`) and
 * unassigned ranges are rejected. All violations are reported on the field `phone`.
 */
import { fail, ok, type RuleResult } from './result.js';

/** The field every phone violation is reported on. */
export const PHONE_FIELD = 'phone';

/**
 * The three-digit prefixes of Vietnamese mobile numbers in use (10-digit plan), by the carrier
 * the range was assigned to; a number may since have been ported to another carrier, so this is
 * no way to tell a subscriber's carrier. `095` (S-Fone, closed in 2012) and `080` are not mobile.
 */
export const VN_MOBILE_PREFIXES_BY_CARRIER: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Viettel: ['032', '033', '034', '035', '036', '037', '038', '039', '086', '096', '097', '098'],
  VinaPhone: ['081', '082', '083', '084', '085', '088', '091', '094'],
  MobiFone: ['070', '076', '077', '078', '079', '089', '090', '093'],
  Vietnamobile: ['052', '056', '058', '092'],
  Gmobile: ['059', '099'],
  'Mobicast (Reddi)': ['055'],
  'Indochina Telecom (iTel)': ['087'],
});

/** Every mobile prefix in use, e.g. `091`, sorted. */
export const VN_MOBILE_PREFIXES: readonly string[] = Object.freeze(
  Object.values(VN_MOBILE_PREFIXES_BY_CARRIER).flat().sort(),
);

const PREFIX_SET = new Set(VN_MOBILE_PREFIXES.map((p) => p.slice(1)));

/**
 * The 2018 conversion of 11-digit mobile prefixes to 10-digit ones (old `01xx` → new `0xx`),
 * used to tell people still writing an old number what it became.
 */
export const OLD_MOBILE_PREFIX_MAP: Readonly<Record<string, string>> = Object.freeze({
  // Viettel
  '0162': '032',
  '0163': '033',
  '0164': '034',
  '0165': '035',
  '0166': '036',
  '0167': '037',
  '0168': '038',
  '0169': '039',
  // MobiFone
  '0120': '070',
  '0121': '079',
  '0122': '077',
  '0126': '076',
  '0128': '078',
  // VinaPhone
  '0123': '083',
  '0124': '084',
  '0125': '085',
  '0127': '081',
  '0129': '082',
  // Vietnamobile
  '0186': '056',
  '0188': '058',
  // Gmobile
  '0199': '059',
});

const ALLOWED_RE = /^[\d\s.\-()+]+$/;
const SEPARATORS_RE = /[\s.\-()]+/g;
const EXAMPLE = '0912 345 678';

/** The national significant number (without trunk `0` or country code), or a violation. */
function nationalNumber(raw: string): RuleResult<string> {
  // NFKC turns full-width digits and plus signs (some IMEs) and no-break spaces into ASCII.
  const s = raw.normalize('NFKC').trim();
  if (s === '') {
    return fail(
      'phone_required',
      PHONE_FIELD,
      'Vui lòng nhập số điện thoại di động.',
      'Please enter a mobile phone number.',
    );
  }
  const compact = s.replace(SEPARATORS_RE, '');
  if (!ALLOWED_RE.test(s) || compact.lastIndexOf('+') > 0 || compact === '+') {
    return fail(
      'phone_invalid_characters',
      PHONE_FIELD,
      `Số điện thoại chỉ gồm chữ số, có thể kèm +84, dấu cách, dấu chấm, gạch ngang hoặc ngoặc (ví dụ ${EXAMPLE}).`,
      `A phone number contains digits, optionally +84, spaces, dots, hyphens or brackets (e.g. ${EXAMPLE}).`,
    );
  }
  let nsn: string;
  let international = true;
  if (compact.startsWith('+84')) nsn = compact.slice(3);
  else if (compact.startsWith('0084')) nsn = compact.slice(4);
  // `00` is the international call prefix only when followed by a full foreign number.
  else if (compact.startsWith('+') || (compact.startsWith('00') && compact.length > 10)) {
    return fail(
      'phone_not_vietnamese',
      PHONE_FIELD,
      'Chỉ chấp nhận số điện thoại di động Việt Nam (mã quốc gia +84).',
      'Only Vietnamese mobile numbers (country code +84) are accepted.',
    );
  } else if (compact.startsWith('84') && compact.length >= 11) nsn = compact.slice(2);
  else {
    international = false;
    // Trunk prefix `0`; a 9-digit number typed without it is taken as is.
    nsn = compact.startsWith('0') ? compact.slice(1) : compact;
  }
  // "+84 0912 345 678": the trunk 0 kept after the country code.
  if (international && nsn.startsWith('0')) nsn = nsn.slice(1);
  return ok(nsn);
}

/**
 * Normalises a Vietnamese mobile number written in any common way to `0` + 9 digits, e.g.
 * `(+84) 912-345-678` → `0912345678`. Rejects other characters, foreign country codes, old
 * 11-digit numbers (saying what they became), landlines, wrong lengths and unknown prefixes.
 */
export function normalizePhone(raw: string): RuleResult<string> {
  const r = nationalNumber(raw);
  if (!r.ok) return r;
  const nsn = r.value;
  if (nsn.startsWith('1') && nsn.length === 10) {
    const old = `0${nsn.slice(0, 3)}`;
    const next = OLD_MOBILE_PREFIX_MAP[old];
    const converted = next === undefined ? null : `${next}${nsn.slice(3)}`;
    return fail(
      'phone_old_11_digit',
      PHONE_FIELD,
      `Số di động 11 chữ số (đầu ${old}) đã được chuyển sang 10 chữ số từ năm 2018${converted ? `; số mới là ${converted}` : ''}.`,
      `11-digit mobile numbers (prefix ${old}) were converted to 10 digits in 2018${converted ? `; the new number is ${converted}` : ''}.`,
    );
  }
  if (nsn.startsWith('2')) {
    return fail(
      'phone_landline',
      PHONE_FIELD,
      'Đây là số điện thoại cố định; vui lòng nhập số di động để nhận tin nhắn.',
      'This is a landline number; please enter a mobile number to receive text messages.',
    );
  }
  if (nsn.length !== 9) {
    return fail(
      'phone_wrong_length',
      PHONE_FIELD,
      `Số điện thoại di động có 10 chữ số, bắt đầu bằng 0 (ví dụ ${EXAMPLE}).`,
      `A mobile number has 10 digits starting with 0 (e.g. ${EXAMPLE}).`,
    );
  }
  if (!PREFIX_SET.has(nsn.slice(0, 2))) {
    return fail(
      'phone_prefix_unknown',
      PHONE_FIELD,
      `Đầu số 0${nsn.slice(0, 2)} không phải đầu số di động Việt Nam.`,
      `0${nsn.slice(0, 2)} is not a Vietnamese mobile prefix.`,
    );
  }
  return ok(`0${nsn}`);
}

/** True when `raw` is a Vietnamese mobile number in any writing normalizePhone accepts. */
export function isVietnameseMobile(raw: string): boolean {
  return normalizePhone(raw).ok;
}

function mustNormalize(phone: string): string {
  const r = normalizePhone(phone);
  if (!r.ok) throw new RangeError(`Not a Vietnamese mobile number: ${r.error.code}`);
  return r.value;
}

/**
 * The E.164 form used by SMS gateways, e.g. `0912345678` → `+84912345678`. Accepts any writing
 * normalizePhone accepts; throws RangeError for anything else (validate first).
 */
export function toE164(phone: string): string {
  return `+84${mustNormalize(phone).slice(1)}`;
}

/** The grouped display form `0912 345 678`; throws RangeError like toE164. */
export function formatPhone(phone: string): string {
  const n = mustNormalize(phone);
  return `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`;
}

/**
 * Hides the middle of a phone number for logs and screens: `0912345678` → `091****678` (any
 * accepted writing is normalised first). Never throws: other input keeps only its first and last
 * three characters when it has at least 7, and is fully starred otherwise.
 */
export function maskPhone(phone: string): string {
  const r = normalizePhone(phone);
  if (r.ok) return `${r.value.slice(0, 3)}****${r.value.slice(7)}`;
  const chars = [...phone.trim()];
  if (chars.length < 7) return '*'.repeat(chars.length);
  return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 6)}${chars.slice(-3).join('')}`;
}
