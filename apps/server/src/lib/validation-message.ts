import { type Lang, type Localized, SCHEMA_MESSAGES } from '@tiemchung/core';
import { AppError } from './errors.js';

/**
 * The message of a request's validation failure (400 `validation_failed`), in both languages, from
 * the schema's issue: its code and parameters (zod 4's `too_big` with `origin` and `maximum`,
 * `invalid_type` with `expected`…), written here in Vietnamese and English — not zod's own text,
 * which is English (and its `vi` locale leaves the types in English: "mong đợi string"). Both
 * languages are made at once from the issue, so the request's language picks one when the body is
 * sent: nothing global (zod's `z.config`) changes per request.
 */

/** A schema's issue: zod's (code, message, its parameters), or fastify-type-provider-zod's (keyword, message, params). */
export interface IssueLike {
  readonly code: string;
  readonly message?: string | undefined;
  readonly [param: string]: unknown;
}

/** The Vietnamese of the messages the API's schemas give their own checks, by their English (core's SCHEMA_MESSAGES). */
const SCHEMA_MESSAGES_VI: ReadonlyMap<string, string> = new Map(
  Object.values(SCHEMA_MESSAGES).map((m) => [m.en, m.vi]),
);

const both = (vi: string, en: string): Localized => ({ vi, en });

function num(value: unknown, lang: Lang): string {
  const n = typeof value === 'string' ? Number(value.replace(/n$/, '')) : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: 20 });
}

const day = (value: unknown) => {
  const d = new Date(typeof value === 'number' || typeof value === 'string' ? value : Number.NaN);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().slice(0, 10);
};

/** A value the schema takes (an enum's option, a literal), as written in JSON. */
function shown(values: readonly unknown[]): string {
  const listed = values.slice(0, 30).map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
  return values.length > 30 ? `${listed.join(', ')}, …` : listed.join(', ');
}

/** The JSON types zod names (`expected`, and `received` in its English message). */
const TYPES: Record<string, Localized> = {
  string: both('chuỗi ký tự', 'a string'),
  number: both('số', 'a number'),
  int: both('số nguyên', 'an integer'),
  bigint: both('số nguyên', 'an integer'),
  boolean: both('true hoặc false', 'true or false'),
  object: both('đối tượng JSON', 'an object'),
  array: both('danh sách (mảng JSON)', 'an array'),
  date: both('ngày', 'a date'),
  null: both('null', 'null'),
  file: both('tệp', 'a file'),
  nan: both('giá trị không phải số (NaN)', 'not a number (NaN)'),
};
const typeName = (t: unknown): Localized => TYPES[String(t).toLowerCase()] ?? both(String(t), String(t));

/** String formats (`invalid_format`'s `format`): what was expected. */
const FORMATS: Record<string, Localized> = {
  email: both('địa chỉ email', 'email address'),
  url: both('địa chỉ URL', 'URL'),
  uuid: both('UUID', 'UUID'),
  guid: both('GUID', 'GUID'),
  datetime: both('ngày giờ ISO 8601 (ví dụ 2021-09-15T08:30:00Z)', 'ISO 8601 date-time (e.g. 2021-09-15T08:30:00Z)'),
  date: both('ngày dạng YYYY-MM-DD', 'date YYYY-MM-DD'),
  time: both('giờ dạng HH:MM:SS', 'time HH:MM:SS'),
  duration: both('khoảng thời gian ISO 8601', 'ISO 8601 duration'),
  ipv4: both('địa chỉ IPv4', 'IPv4 address'),
  ipv6: both('địa chỉ IPv6', 'IPv6 address'),
  base64: both('chuỗi base64', 'base64 string'),
  base64url: both('chuỗi base64url', 'base64url string'),
  e164: both('số điện thoại dạng E.164', 'E.164 phone number'),
  jwt: both('JWT', 'JWT'),
};

/** What zod's English message says was received (`…, received null`), when it says it. */
function receivedOf(issue: IssueLike): string | undefined {
  if (typeof issue.received === 'string') return issue.received;
  return /\breceived (\w+)/.exec(issue.message ?? '')?.[1];
}

/** Sizes: a string's characters, a list's items, a file's bytes (`en` plural; `one` singular). */
const UNITS: Record<string, Localized & { one: string }> = {
  string: { vi: 'ký tự', en: 'characters', one: 'character' },
  array: { vi: 'phần tử', en: 'items', one: 'item' },
  set: { vi: 'phần tử', en: 'items', one: 'item' },
  map: { vi: 'phần tử', en: 'items', one: 'item' },
  file: { vi: 'byte', en: 'bytes', one: 'byte' },
};
/** The unit in both languages for a size of `n`. */
const unitFor = (unit: Localized & { one: string }, n: unknown): Localized =>
  both(unit.vi, Number(n) === 1 ? unit.one : unit.en);

function tooBig(issue: IssueLike): Localized {
  const n = (lang: Lang) => num(issue.maximum, lang);
  const units = UNITS[String(issue.origin)];
  if (units) {
    const unit = unitFor(units, issue.maximum);
    if (issue.exact) return exactSize(issue.maximum, unit);
    return issue.inclusive === false
      ? both(`phải ít hơn ${n('vi')} ${unit.vi}`, `must have fewer than ${n('en')} ${unit.en}`)
      : both(`tối đa ${n('vi')} ${unit.vi}`, `at most ${n('en')} ${unit.en}`);
  }
  if (issue.origin === 'date') {
    const d = day(issue.maximum);
    return issue.inclusive === false
      ? both(`phải trước ngày ${d}`, `must be before ${d}`)
      : both(`không được sau ngày ${d}`, `must not be after ${d}`);
  }
  return issue.inclusive === false
    ? both(`phải nhỏ hơn ${n('vi')}`, `must be less than ${n('en')}`)
    : both(`không được lớn hơn ${n('vi')}`, `must be at most ${n('en')}`);
}

function tooSmall(issue: IssueLike): Localized {
  const n = (lang: Lang) => num(issue.minimum, lang);
  const units = UNITS[String(issue.origin)];
  const atLeastOne = Number(issue.minimum) === 1 && issue.inclusive !== false;
  if (units) {
    const unit = unitFor(units, issue.minimum);
    if (issue.exact) return exactSize(issue.minimum, unit);
    if (atLeastOne && issue.origin === 'string') return both('không được để trống', 'must not be empty');
    if (atLeastOne && issue.origin === 'file') return both('tệp không được rỗng', 'the file must not be empty');
    if (atLeastOne) return both('cần ít nhất một phần tử', 'must have at least one item');
    return issue.inclusive === false
      ? both(`phải nhiều hơn ${n('vi')} ${unit.vi}`, `must have more than ${n('en')} ${unit.en}`)
      : both(`ít nhất ${n('vi')} ${unit.vi}`, `at least ${n('en')} ${unit.en}`);
  }
  if (issue.origin === 'date') {
    const d = day(issue.minimum);
    return issue.inclusive === false
      ? both(`phải sau ngày ${d}`, `must be after ${d}`)
      : both(`không được trước ngày ${d}`, `must not be before ${d}`);
  }
  return issue.inclusive === false
    ? both(`phải lớn hơn ${n('vi')}`, `must be greater than ${n('en')}`)
    : both(`không được nhỏ hơn ${n('vi')}`, `must be at least ${n('en')}`);
}

function exactSize(size: unknown, unit: Localized): Localized {
  return both(`phải có đúng ${num(size, 'vi')} ${unit.vi}`, `must have exactly ${num(size, 'en')} ${unit.en}`);
}

function invalidType(issue: IssueLike): Localized {
  const expected = typeName(issue.expected);
  const raw = receivedOf(issue);
  // "expected an integer, received a number" says nothing more than "expected an integer".
  const received = raw && raw !== 'NaN' && !(raw === 'number' && issue.expected === 'int') ? typeName(raw) : undefined;
  return received
    ? both(`cần ${expected.vi}, nhận được ${received.vi}`, `expected ${expected.en}, received ${received.en}`)
    : both(`cần ${expected.vi}`, `expected ${expected.en}`);
}

function invalidValue(issue: IssueLike): Localized {
  const values = Array.isArray(issue.values) ? issue.values : [];
  if (issue.expected === 'stringbool') return both('cần true hoặc false', 'expected true or false');
  if (values.length === 1) return both(`phải là ${shown(values)}`, `must be ${shown(values)}`);
  return both(`phải là một trong các giá trị ${shown(values)}`, `must be one of ${shown(values)}`);
}

function invalidFormat(issue: IssueLike): Localized {
  const q = (v: unknown) => JSON.stringify(String(v));
  switch (issue.format) {
    case 'starts_with':
      return both(`phải bắt đầu bằng ${q(issue.prefix)}`, `must start with ${q(issue.prefix)}`);
    case 'ends_with':
      return both(`phải kết thúc bằng ${q(issue.suffix)}`, `must end with ${q(issue.suffix)}`);
    case 'includes':
      return both(`phải chứa ${q(issue.includes)}`, `must contain ${q(issue.includes)}`);
    case 'regex':
      return both('không đúng định dạng', 'does not have the expected format');
  }
  const name = FORMATS[String(issue.format)] ?? both(String(issue.format), String(issue.format));
  return both(`không phải ${name.vi} hợp lệ`, `not a valid ${name.en}`);
}

/** The detail of an issue (after "Invalid value for {field}: "), or undefined when there is none to give. */
function detailOf(issue: IssueLike): Localized | undefined {
  const given = issue.message && SCHEMA_MESSAGES_VI.get(issue.message);
  if (given) return both(given, issue.message!);
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_big':
      return tooBig(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'invalid_value':
      return invalidValue(issue);
    case 'invalid_format':
      return invalidFormat(issue);
    case 'not_multiple_of':
      return both(
        `phải là bội số của ${num(issue.divisor, 'vi')}`,
        `must be a multiple of ${num(issue.divisor, 'en')}`,
      );
    case 'unrecognized_keys': {
      const keys = Array.isArray(issue.keys) ? issue.keys : [];
      return both(
        `có trường không được chấp nhận: ${shown(keys)}`,
        `unrecognized field${keys.length === 1 ? '' : 's'}: ${shown(keys)}`,
      );
    }
    case 'invalid_union':
      return Array.isArray(issue.options) && issue.options.length
        ? invalidValue({ code: 'invalid_value', values: issue.options })
        : both('không khớp với dạng dữ liệu nào được chấp nhận', 'does not match any accepted form');
    case 'invalid_key':
      return both('có khóa không hợp lệ', 'has an invalid key');
    case 'invalid_element':
      return both('có phần tử không hợp lệ', 'has an invalid element');
    default:
      return undefined;
  }
}

/** Whether the issue is a required field left out (zod: `invalid_type`, received undefined). */
export function isMissing(issue: IssueLike): boolean {
  return issue.code === 'invalid_type' && receivedOf(issue) === 'undefined';
}

/**
 * The message of a validation failure at `field` (a path like `dose.administeredOn`, or none for
 * the body as a whole), in Vietnamese and English, from the schema's issue.
 */
export function validationMessage(issue: IssueLike | undefined, field: string | undefined): Localized {
  if (issue && isMissing(issue))
    return both(`Thiếu trường bắt buộc: ${field ?? ''}`.trim(), `Missing required field: ${field ?? ''}`.trim());
  const at = field ? both(` ở trường ${field}`, ` for ${field}`) : both('', '');
  const detail = issue ? detailOf(issue) : undefined;
  if (detail) return both(`Giá trị không hợp lệ${at.vi}: ${detail.vi}`, `Invalid value${at.en}: ${detail.en}`);
  // A schema's own message not listed: English as written, Vietnamese without it.
  const own = issue?.message?.trim();
  return both(`Giá trị không hợp lệ${at.vi}.`, own ? `Invalid value${at.en}: ${own}` : `Invalid value${at.en}.`);
}

/**
 * A schema's refusal of input a handler parsed itself (a multipart form's fields): 400
 * `validation_failed` naming the first issue's field, with its message.
 */
export function validationError(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[],
): AppError {
  const first = issues[0];
  const field = first?.path.map(String).join('.') || undefined;
  const issue = first ? ({ ...first } as IssueLike) : undefined;
  return AppError.rule({ code: 'validation_failed', field, message: validationMessage(issue, field) });
}
