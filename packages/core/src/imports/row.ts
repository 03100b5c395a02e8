/**
 * One row of an import file, read and checked on its own: every cell cleaned by the rules staff
 * entry uses (name, phone, ID number with its cross-checks against date of birth and sex), the
 * vaccine and province looked up in core's lists, the dates checked against each other and today.
 * Every problem of the row is listed at once, so a clerk fixes a row in one pass.
 *
 * What needs the database is left to the caller, which runs core's `checkDose` with the person's
 * doses and the lot for each row that passes here: the lot (exists, is of this vaccine, not
 * expired), the facility, the district and commune, the person's history (same day, intervals,
 * mixing, dose number and kind), the age range of the vaccine.
 */
import type { DoseKind } from '../doses/rules.js';
import { parseIsoDate } from '../identity/dates.js';
import type { IdCheckContext } from '../identity/id-number.js';
import { nameSearchKey } from '../identity/name.js';
import { IDENTITY_RULE_FROM } from '../people.js';
import { isProvinceCode } from '../provinces.js';
import { vaccineByCode } from '../vaccines.js';
import {
  type CellResult,
  isEmptyCell,
  parseDoseKind,
  parseDoseNumber,
  parseGender,
  parseImportDate,
  parseImportIdNumber,
  parseImportName,
  parseImportPhone,
  parseTextCell,
  parseUnitCode,
  resolveVaccineCode,
} from './cells.js';
import { type ImportCells, type ImportColumnKey, importColumn, importColumnName } from './columns.js';
import { catalogueMessage, type ImportRejection } from './reasons.js';

/** What a row is checked against. */
export interface ImportContext {
  /** Today's date where the import runs, `YYYY-MM-DD`: no date of birth or dose may be later. */
  readonly today: string;
}

/** A row that can be imported, its cells cleaned. */
export interface ImportRow {
  /** Normalised (NFC, spacing, capitals): `Nguyễn Văn An`. */
  readonly fullName: string;
  /** `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
  /** The document type of `idNumber`; null without one. */
  readonly idType: 'cccd' | 'cmnd' | null;
  /** 12 or 9 digits; null: a legacy record without an ID number. */
  readonly idNumber: string | null;
  /** `0` + 9 digits; null when the file has none. */
  readonly phone: string | null;
  /** A 2021 province code, two digits. */
  readonly provinceCode: string;
  /** The catalogue's code (`EU/1/21/1529`), even when the file named the vaccine otherwise. */
  readonly vaccineCode: string;
  readonly lotNumber: string;
  /** `YYYY-MM-DD`. */
  readonly administeredOn: string;
  readonly facilityId: string;
  /** Three digits, when the file gives one (its existence is the caller's to check). */
  readonly districtCode?: string;
  /** Five digits, when the file gives one (its existence is the caller's to check). */
  readonly communeCode?: string;
  /** 1–9, when the file gives one. */
  readonly doseNumber?: number;
  /** When the file gives one. */
  readonly doseKind?: DoseKind;
  /** A dose before 1 Nov 2021 (core's `IDENTITY_RULE_FROM`): a retroactive entry, recorded without a verified identity. */
  readonly retroactive: boolean;
  /** Flags of the identity rules worth recording (`foreign_birth_registration`). */
  readonly flags?: readonly string[];
}

/** A row read: the row to import, or every reason it cannot be. */
export type ImportRowResult =
  | { readonly ok: true; readonly row: ImportRow }
  | { readonly ok: false; readonly reasons: readonly ImportRejection[] };

/** The longest lot number and facility id taken (as staff entry: `recordDoseBodySchema`). */
export const IMPORT_MAX_CODE_LENGTH = 40;

/** The earliest date of birth taken, as for people registered by staff (`date_of_birth_too_early`). */
const MIN_DATE_OF_BIRTH = '1900-01-01';

/**
 * Reads and checks one row (its cells by column: {@link cellsByColumn}). Answers the cleaned row,
 * or every problem found: each required cell that is empty, each cell that cannot be read, a
 * date of birth in the future or before 1900, a dose in the future, before the date of birth or
 * before its vaccine was approved, a vaccine or province not in core's lists, an ID number whose
 * digits disagree with the row's date of birth or sex. Throws RangeError when `ctx.today` is not
 * a real `YYYY-MM-DD` (a caller's bug).
 */
export function parseImportRow(cells: ImportCells, ctx: ImportContext): ImportRowResult {
  if (!parseIsoDate(ctx.today)) throw new RangeError(`ctx.today must be a real date YYYY-MM-DD, got "${ctx.today}"`);
  const today = ctx.today;
  const reasons: ImportRejection[] = [];

  /** The cell's value read by `read`, or undefined with its reason noted (an empty required cell: `import_value_required`). */
  function take<T>(column: ImportColumnKey, read: (v: unknown) => CellResult<T>): T | undefined {
    const value = cells[column];
    if (importColumn(column).required && isEmptyCell(value)) {
      reasons.push({
        code: 'import_value_required',
        column,
        message: catalogueMessage('import_value_required', { column: importColumnName(column) }),
      });
      return undefined;
    }
    const r = read(value);
    if (r.ok) return r.value;
    reasons.push({ code: r.code, column, message: r.message });
    return undefined;
  }
  const reject = (column: ImportColumnKey, code: ImportRejection['code'], message: ImportRejection['message']) =>
    reasons.push({ code, column, message });

  const fullName = take('fullName', parseImportName);

  const dateOfBirth = take('dateOfBirth', parseImportDate);
  let birthOk = dateOfBirth !== undefined;
  if (dateOfBirth !== undefined && dateOfBirth > today) {
    reject('dateOfBirth', 'date_of_birth_in_future', catalogueMessage('date_of_birth_in_future', {}));
    birthOk = false;
  } else if (dateOfBirth !== undefined && dateOfBirth < MIN_DATE_OF_BIRTH) {
    reject('dateOfBirth', 'date_of_birth_too_early', catalogueMessage('date_of_birth_too_early', {}));
    birthOk = false;
  }

  const gender = take('gender', parseGender);

  // The ID number is cross-checked with what the row says of the person, where it says it well.
  const idContext: IdCheckContext = { today, ...(birthOk ? { dateOfBirth } : {}), ...(gender ? { gender } : {}) };
  let flags: readonly string[] | undefined;
  const id = take('idNumber', (v) => {
    const r = parseImportIdNumber(v, idContext);
    if (r.ok && r.flags) flags = r.flags;
    return r;
  });

  const phone = take('phone', parseImportPhone);

  const provinceCode = take('provinceCode', (v) => parseUnitCode(v, 2));
  if (provinceCode !== undefined && !isProvinceCode(provinceCode)) {
    reject(
      'provinceCode',
      'import_province_unknown',
      catalogueMessage('import_province_unknown', { value: provinceCode }),
    );
  }

  const vaccineCode = take('vaccineCode', (v): CellResult<string> => {
    const code = resolveVaccineCode(v);
    return code === null
      ? { ok: false, code: 'unknown_vaccine', message: catalogueMessage('unknown_vaccine', {}) }
      : { ok: true, value: code };
  });
  const lotNumber = take('lotNumber', (v) => parseTextCell(v, IMPORT_MAX_CODE_LENGTH));
  const administeredOn = take('administeredOn', parseImportDate);
  const facilityId = take('facilityId', (v) => parseTextCell(v, IMPORT_MAX_CODE_LENGTH));

  if (administeredOn !== undefined) {
    // The data rules of checkDose a row can be held to alone (same codes); the caller runs
    // checkDose itself for those needing the person's doses and the lot.
    if (administeredOn > today) {
      reject('administeredOn', 'date_in_future', catalogueMessage('date_in_future', {}));
    }
    if (birthOk && dateOfBirth !== undefined && administeredOn < dateOfBirth) {
      reject('administeredOn', 'date_before_birth', catalogueMessage('date_before_birth', {}));
    }
    const vaccine = vaccineCode === undefined ? undefined : vaccineByCode(vaccineCode);
    if (vaccine && administeredOn < vaccine.approvedOn) {
      reject('administeredOn', 'date_before_approval', catalogueMessage('date_before_approval', {}));
    }
  }

  const districtCode = isEmptyCell(cells.districtCode) ? null : take('districtCode', (v) => parseUnitCode(v, 3));
  const communeCode = isEmptyCell(cells.communeCode) ? null : take('communeCode', (v) => parseUnitCode(v, 5));
  const doseNumber = take('doseNumber', parseDoseNumber);
  const doseKind = take('doseKind', parseDoseKind);

  if (reasons.length > 0) return { ok: false, reasons };
  // Every required cell was read (else a reason was noted above).
  const row: ImportRow = {
    fullName: fullName!,
    dateOfBirth: dateOfBirth!,
    gender: gender!,
    idType: id?.idType ?? null,
    idNumber: id?.idNumber ?? null,
    phone: phone ?? null,
    provinceCode: provinceCode!,
    vaccineCode: vaccineCode!,
    lotNumber: lotNumber!,
    administeredOn: administeredOn!,
    facilityId: facilityId!,
    ...(districtCode ? { districtCode } : {}),
    ...(communeCode ? { communeCode } : {}),
    ...(doseNumber ? { doseNumber } : {}),
    ...(doseKind ? { doseKind } : {}),
    retroactive: administeredOn! < IDENTITY_RULE_FROM,
    ...(flags ? { flags } : {}),
  };
  return { ok: true, row };
}

/**
 * Who a row is about, as a stable key: `id:<ID number>` when the row has one; otherwise
 * `legacy:<name>|<date of birth>|<phone>` with the normalised name as stored (diacritics kept:
 * "Lê" and "Lệ" are different people, and a key that merged them would skip a dose as already
 * imported). The same person written differently (case, spacing, NFD) has the same key.
 */
export function importPersonKey(row: Pick<ImportRow, 'idNumber' | 'fullName' | 'dateOfBirth' | 'phone'>): string {
  return row.idNumber !== null ? `id:${row.idNumber}` : `legacy:${row.fullName}|${row.dateOfBirth}|${row.phone ?? ''}`;
}

/**
 * The stable identity of a dose row: the person, the day and the vaccine — never the file's name
 * nor the row's position, so the same file imported again, or another file with overlapping rows,
 * names the same doses and adds nothing. `personKey` defaults to {@link importPersonKey}; a caller
 * keying doses by the stored person passes that person's key instead.
 */
export function importRowKey(
  row: Pick<ImportRow, 'idNumber' | 'fullName' | 'dateOfBirth' | 'phone' | 'administeredOn' | 'vaccineCode'>,
  personKey: string = importPersonKey(row),
): string {
  return `${personKey}|${row.administeredOn}|${row.vaccineCode}`;
}

/**
 * The key a row's person is flagged as a possible duplicate by: the name's search key (no
 * diacritics, lower case: core's `nameSearchKey`), the date of birth and the phone. Null without a
 * phone (name and date of birth alone are not enough to flag).
 */
export function duplicateCandidateKey(row: Pick<ImportRow, 'fullName' | 'dateOfBirth' | 'phone'>): string | null {
  return row.phone === null ? null : `${nameSearchKey(row.fullName)}|${row.dateOfBirth}|${row.phone}`;
}
