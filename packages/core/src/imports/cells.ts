/**
 * The cells of an import row, read the way real spreadsheets hold them: a CSV gives text, an XLSX
 * reader gives text, numbers (Excel date serials, phone and ID numbers that lost their leading
 * zero), booleans or JS Dates. Each reader answers the cleaned value or a reason code with its
 * message; the identity rules of staff entry (name, phone, ID number) are core's own
 * (identity/), reused as they are.
 */
import { DOSE_KINDS, type DoseKind } from '../doses/rules.js';
import type { Localized } from '../i18n.js';
import { type CalendarDate, formatIsoDate, formatVnDate, isValidCalendarDate, parseVnDate } from '../identity/dates.js';
import { type IdCheckContext, normalizeIdNumber, validateIdNumber } from '../identity/id-number.js';
import { nameSearchKey, normalizeName } from '../identity/name.js';
import { normalizePhone } from '../identity/phone.js';
import type { RuleViolation } from '../identity/result.js';
import { VACCINES } from '../vaccines.js';
import { catalogueMessage, type ImportRejectionCode } from './reasons.js';

/** A cell read: its cleaned value, or why it cannot be taken. */
export type CellResult<T> =
  | { readonly ok: true; readonly value: T; readonly flags?: readonly string[] }
  | { readonly ok: false; readonly code: ImportRejectionCode; readonly message: Localized };

function ok<T>(value: T): CellResult<T> {
  return { ok: true, value };
}

function fromRule(error: RuleViolation): CellResult<never> {
  return { ok: false, code: error.code, message: error.message };
}

const EMPTY: CellResult<never> = {
  ok: false,
  code: 'import_value_required',
  message: catalogueMessage('import_value_required', { column: { vi: 'giá trị', en: 'value' } }),
};

/** True for a cell with nothing in it: undefined, null, or text of whitespace only. */
export function isEmptyCell(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** True for a row whose every cell is empty (spreadsheets end with such rows; they are skipped, not rejected). */
export function isBlankRow(cells: readonly unknown[]): boolean {
  return cells.every(isEmptyCell);
}

function utcDay(d: Date): CalendarDate | null {
  if (Number.isNaN(d.getTime())) return null;
  const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  return isValidCalendarDate(date.year, date.month, date.day) ? date : null;
}

/**
 * A cell as text: a string trimmed and in NFC; a number as JS writes it (`912345678`); a Date as its
 * UTC day `dd/MM/yyyy`; a boolean as `true`/`false`; `''` for an empty cell.
 */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.normalize('NFC').trim();
  if (value instanceof Date) {
    const d = utcDay(value);
    return d ? formatVnDate(d) : '';
  }
  return String(value).normalize('NFC').trim();
}

/** What {@link shown} reads of a long text cell: enough for 40 characters however their accents are typed. */
const SHOWN_READ = 200;

/** The cell as shown in a message: its text, cut after 40 characters (of a long cell only the start is read). */
function shown(value: unknown): string {
  const start = typeof value === 'string' ? value.trimStart() : value;
  const long = typeof start === 'string' && start.length > SHOWN_READ;
  const s = cellText(long ? start.slice(0, SHOWN_READ) : start);
  const chars = [...s];
  return long || chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : s;
}

/**
 * The longest text cell read as a date, a sex, a dose number or kind, or looked up as a vaccine
 * (UTF-16 code units, trimmed): far more than any of them takes (`2021-08-20T07:00:00.000+07:00`,
 * `Mũi nhắc lại`, `Pfizer-BioNTech Comirnaty`). A longer cell is refused, or names no vaccine,
 * before its text is normalised and matched: a cell of millions of characters (a CSV row may have
 * a million) took seconds there, overflowed a regular expression's stack, or took time growing
 * with the square of a run of spaces (the time after a date).
 */
export const IMPORT_MAX_CHOICE_LENGTH = 200;

/** A text cell longer than {@link IMPORT_MAX_CHOICE_LENGTH}. */
function tooLongForChoice(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length > IMPORT_MAX_CHOICE_LENGTH &&
    value.trim().length > IMPORT_MAX_CHOICE_LENGTH
  );
}

function invalid(
  code: 'import_date_invalid' | 'import_gender_invalid' | 'import_dose_number_invalid' | 'import_dose_kind_invalid',
  value: unknown,
): CellResult<never> {
  return { ok: false, code, message: catalogueMessage(code, { value: shown(value) }) };
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/** The largest Excel serial: 9999-12-31. */
const EXCEL_MAX_SERIAL = 2_958_465;
const DAY_MS = 86_400_000;

/**
 * The calendar day of an Excel serial number of the 1900 date system (a fraction is the time of
 * day and is dropped): 1 is 1900-01-01. Excel counts a 29 February 1900 that never was (Lotus
 * 1-2-3's leap-year bug), so serial 60 is no day (null) and every serial after it is one day
 * further than its count: 61 is 1900-03-01, 44197 is 2021-01-01. Null below 1 or after 9999.
 */
export function excelSerialToIsoDate(serial: number): string | null {
  if (!Number.isFinite(serial)) return null;
  const whole = Math.floor(serial);
  if (whole < 1 || whole > EXCEL_MAX_SERIAL || whole === 60) return null;
  const base = whole < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(base + whole * DAY_MS).toISOString().slice(0, 10);
}

const ISO_DATE_RE =
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;
/** A time of day after a day-first date, as Excel writes a date-time cell to CSV: `20/08/2021 0:00:00`. */
const TRAILING_TIME_RE = /\s+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:AM|PM|SA|CH))?$/i;
const NUMBER_RE = /^\d+(?:[.,]\d+)?$/;

/** Whole numbers that read as a year rather than as a serial: a year alone is no date. */
function looksLikeYear(n: number): boolean {
  return Number.isInteger(n) && n >= 1900 && n <= 2100;
}

function fromSerial(serial: number, value: unknown): CellResult<string> {
  const iso = looksLikeYear(serial) ? null : excelSerialToIsoDate(serial);
  return iso === null ? invalid('import_date_invalid', value) : ok(iso);
}

/**
 * A date cell as `YYYY-MM-DD`. Text may be day first — `dd/MM/yyyy`, `d/M/yyyy`, `dd-MM-yyyy`,
 * `dd.MM.yyyy`, optionally followed by a time as Excel writes date-times — or ISO `yyyy-MM-dd`,
 * optionally with a time (`2021-08-20T00:00:00Z`: the date as written, no time-zone shift).
 * A number (or numeric text) is an Excel serial ({@link excelSerialToIsoDate}), except a whole
 * number 1900–2100, which is a year typed alone and refused. A JS Date (XLSX readers give
 * those, at midnight UTC) is its UTC calendar day. A day that does not exist (31/02/2021) and
 * two-digit years are refused with `import_date_invalid`.
 */
export function parseImportDate(value: unknown): CellResult<string> {
  if (isEmptyCell(value)) return EMPTY;
  if (value instanceof Date) {
    const d = utcDay(value);
    return d ? ok(formatIsoDate(d)) : invalid('import_date_invalid', value);
  }
  if (typeof value === 'number') return fromSerial(value, value);
  if (typeof value !== 'string' || tooLongForChoice(value)) return invalid('import_date_invalid', value);
  const s = value.normalize('NFKC').trim();
  const iso = ISO_DATE_RE.exec(s);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[3]), Number(iso[4])];
    return isValidCalendarDate(year, month, day)
      ? ok(formatIsoDate({ year, month, day }))
      : invalid('import_date_invalid', value);
  }
  const vn = parseVnDate(s.replace(TRAILING_TIME_RE, ''));
  if (vn) return ok(formatIsoDate(vn));
  if (NUMBER_RE.test(s)) return fromSerial(Number(s.replace(',', '.')), value);
  return invalid('import_date_invalid', value);
}

// ---------------------------------------------------------------------------------------------
// Person
// ---------------------------------------------------------------------------------------------

const GENDERS: Readonly<Record<string, 'male' | 'female'>> = {
  nam: 'male',
  'nam gioi': 'male',
  male: 'male',
  m: 'male',
  nu: 'female',
  'nu gioi': 'female',
  female: 'female',
  f: 'female',
};

/**
 * The sex of a cell: `Nam`/`Nữ` (also `Nu`, `nam giới`) or `Male`/`Female`/`M`/`F`, in any case,
 * spacing and Unicode form.
 */
export function parseGender(value: unknown): CellResult<'male' | 'female'> {
  if (isEmptyCell(value)) return EMPTY;
  if (tooLongForChoice(value)) return invalid('import_gender_invalid', value);
  const key = nameSearchKey(cellText(value))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const sex = GENDERS[key];
  return sex ? ok(sex) : invalid('import_gender_invalid', value);
}

/** A full name, normalised by core's name rule (NFC, spacing, capitals): `nguyễn  văn an` → `Nguyễn Văn An`. */
export function parseImportName(value: unknown): CellResult<string> {
  // A text as it is: the rule composes and trims it itself, after refusing one far too long.
  const r = normalizeName(typeof value === 'string' ? value : cellText(value));
  return r.ok ? ok(r.value) : fromRule(r.error);
}

const SCIENTIFIC_RE = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;

/** A number Excel wrote in scientific notation (`8.70950E+10`): its digits are lost. */
function scientific(value: unknown): CellResult<never> | null {
  if (typeof value !== 'string' || !SCIENTIFIC_RE.test(value.trim())) return null;
  return {
    ok: false,
    code: 'import_number_as_scientific',
    message: catalogueMessage('import_number_as_scientific', { value: shown(value) }),
  };
}

/** A whole number cell as its digits (`912345678`), other cells as text. */
function digitsText(value: unknown): string {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : cellText(value);
}

/**
 * A mobile phone by core's phone rule, in any usual writing (`+84 912 345 678`, `0912.345.678`,
 * `84912345678`, a number that lost its leading 0): `0912345678`. Empty: null (the phone is optional).
 */
export function parseImportPhone(value: unknown): CellResult<string | null> {
  if (isEmptyCell(value)) return ok(null);
  const sci = scientific(value);
  if (sci) return sci;
  const r = normalizePhone(digitsText(value));
  return r.ok ? ok(r.value) : fromRule(r.error);
}

/** An ID number as read from a row. */
export interface ImportIdNumber {
  /** 12 digits: a CCCD / personal identification number; 9 digits: an old CMND. */
  readonly idType: 'cccd' | 'cmnd';
  readonly idNumber: string;
}

/**
 * The `Số CCCD/CMND` cell by core's ID rules: separators removed, 9 digits validated as a CMND,
 * anything else as a CCCD — cross-checked against `ctx` (date of birth, sex, today), as staff
 * entry does. Excel drops leading zeros: 10 or 11 digits get theirs back as a CCCD (one always
 * begins `0` for a birth registered in Vietnam, `00` for provinces 01–09), and an 8-digit number
 * cell as a CMND; the restored number still has to pass every check (province, century, year,
 * sex). When the zeros given back make no CCCD at all (`0870860012` → `000870860012`, no province
 * `000`), no zeros were lost: the number was typed with a wrong number of digits, and the reason
 * says so, naming the number as typed and its digits (`id_number_wrong_length`). Empty: null (the
 * row is a legacy record without an ID number). Flags of the rule (`foreign_birth_registration`)
 * are kept.
 */
export function parseImportIdNumber(value: unknown, ctx: IdCheckContext = {}): CellResult<ImportIdNumber | null> {
  if (isEmptyCell(value)) return ok(null);
  const sci = scientific(value);
  if (sci) return sci;
  const typed = normalizeIdNumber(digitsText(value));
  let n = typed;
  if (/^\d{10,11}$/.test(n)) n = n.padStart(12, '0');
  else if (typeof value === 'number' && /^\d{8}$/.test(n)) n = `0${n}`;
  const idType = /^\d{9}$/.test(n) ? 'cmnd' : 'cccd';
  const r = validateIdNumber(idType, n, ctx);
  // Padded, the number fails the CCCD's own structure (its province): not a number cut by Excel.
  if (!r.ok && n !== typed && r.error.code === 'id_number_province_unknown') {
    return {
      ok: false,
      code: 'id_number_wrong_length',
      message: {
        vi: `Số CCCD/CMND ${shown(value)} có ${typed.length} chữ số: CCCD có 12 chữ số, CMND có 9.`,
        en: `The CCCD/CMND number ${shown(value)} has ${typed.length} digits: a CCCD has 12 digits, a CMND 9.`,
      },
    };
  }
  if (!r.ok) return fromRule(r.error);
  const id: ImportIdNumber = { idType, idNumber: r.value.idNumber };
  return r.flags ? { ok: true, value: id, flags: r.flags } : ok(id);
}

/**
 * An administrative unit's code of `digits` digits (province 2, district 3, commune 5), its
 * leading zeros given back when a spreadsheet dropped them (`1` → `01`). Whether the unit exists
 * is for the caller (the province list is in core, districts and communes in the database).
 */
export function parseUnitCode(value: unknown, digits: 2 | 3 | 5): CellResult<string> {
  if (isEmptyCell(value)) return EMPTY;
  const s = digitsText(value);
  if (!/^\d+$/.test(s) || s.length > digits) {
    return {
      ok: false,
      code: 'import_unit_code_invalid',
      message: catalogueMessage('import_unit_code_invalid', { value: shown(value), digits }),
    };
  }
  return ok(s.padStart(digits, '0'));
}

// ---------------------------------------------------------------------------------------------
// Dose
// ---------------------------------------------------------------------------------------------

/** The highest dose number a file may give. */
export const IMPORT_MAX_DOSE_NUMBER = 9;

/** The dose number 1–9 (`2`, `"2"`, `Mũi 2`); empty: null (derived from the person's doses). */
export function parseDoseNumber(value: unknown): CellResult<number | null> {
  if (isEmptyCell(value)) return ok(null);
  if (tooLongForChoice(value)) return invalid('import_dose_number_invalid', value);
  const s = digitsText(value).replace(/^m[uũ]i\s*/iu, '');
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  return n >= 1 && n <= IMPORT_MAX_DOSE_NUMBER ? ok(n) : invalid('import_dose_number_invalid', value);
}

/** The dose kinds as a file writes them, in Vietnamese (any case, with or without diacritics) or in English. */
export const DOSE_KIND_WORDS: Readonly<Record<DoseKind, Localized>> = Object.freeze({
  primary: { vi: 'Cơ bản', en: 'primary' },
  additional: { vi: 'Bổ sung', en: 'additional' },
  booster: { vi: 'Nhắc lại', en: 'booster' },
});

const KIND_OF_WORD = new Map<string, DoseKind>(
  DOSE_KINDS.flatMap((k) => [
    [nameSearchKey(DOSE_KIND_WORDS[k].vi), k],
    [DOSE_KIND_WORDS[k].en, k],
  ]),
);

/** The dose kind: `Cơ bản` / `Bổ sung` / `Nhắc lại` (or `Mũi nhắc lại`, `primary`…); empty: null (derived). */
export function parseDoseKind(value: unknown): CellResult<DoseKind | null> {
  if (isEmptyCell(value)) return ok(null);
  if (tooLongForChoice(value)) return invalid('import_dose_kind_invalid', value);
  const key = nameSearchKey(cellText(value))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^mui /, '');
  const kind = KIND_OF_WORD.get(key);
  return kind ? ok(kind) : invalid('import_dose_kind_invalid', value);
}

function vaccineKey(s: string): string {
  return nameSearchKey(s).replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Each way a vaccine may be named (its code, product name, local name), compared without case, spaces or punctuation. */
const VACCINE_OF_KEY: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string | null>();
  for (const v of VACCINES) {
    for (const name of [v.code, v.name, v.localName]) {
      const k = vaccineKey(name);
      const taken = m.get(k);
      // A name two vaccines share names neither.
      m.set(k, taken === undefined || taken === v.code ? v.code : null);
    }
  }
  return new Map([...m].filter((e): e is [string, string] => e[1] !== null));
})();

/**
 * The catalogue code of the vaccine a cell names: its code (`EU/1/21/1529`, in any case or
 * spacing), its product name (`Vaxzevria`) or the name staff use (`AstraZeneca`, `Vero Cell`);
 * null when none.
 */
export function resolveVaccineCode(value: unknown): string | null {
  if (tooLongForChoice(value)) return null;
  const s = cellText(value);
  if (s === '') return null;
  return VACCINE_OF_KEY.get(vaccineKey(s)) ?? null;
}

/**
 * A text cell of at most `max` characters (lot number, facility id), trimmed; a number cell as
 * its digits. Empty: null.
 */
export function parseTextCell(value: unknown, max: number): CellResult<string | null> {
  const s = digitsText(value);
  if (s === '') return ok(null);
  // A text of more than twice `max` code units has more than `max` code points: no array made of a long cell.
  if (s.length > 2 * max || [...s].length > max) {
    return { ok: false, code: 'import_value_too_long', message: catalogueMessage('import_value_too_long', { max }) };
  }
  return ok(s);
}
