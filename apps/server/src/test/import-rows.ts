/**
 * Rows of the bulk import's template for tests: a person's dose as a clerk types it in the
 * contract's ten columns (written out here, not taken from core, so that a change of core's header
 * fails the tests), and CSV made of them.
 */

/** The contract's header row (`GET /api/imports/template.csv`), its ten columns. */
export const CONTRACT_HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm';
export const CONTRACT_COLUMNS: readonly string[] = CONTRACT_HEADER.split(',');

/** The demo site of Cao Lãnh (Đồng Tháp, 87), and a vaccine and lot every demo site holds. */
export const DT_SITE = 'DT-CL-01';
export const PFIZER = 'EU/1/20/1528';
export const PFIZER_LOT = 'FF2587';

/** dd/MM/yyyy of an ISO date. */
export const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A person as a row names them (a registration body or a synthetic person). */
export interface RowPerson {
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
  readonly idNumber?: string | null;
  readonly phone?: string | null;
  readonly provinceCode: string;
}

/** The dose of a row: Pfizer's lot at the Cao Lãnh site unless told otherwise. */
export interface RowDose {
  readonly on: string;
  readonly vaccine?: string;
  readonly lot?: string;
  readonly facility?: string;
}

/** Cells written as given instead of the person's (a broken value, an empty one). */
export interface RowCells {
  readonly fullName?: string;
  readonly dateOfBirth?: string;
  readonly gender?: string;
  readonly idNumber?: string;
  readonly province?: string;
}

/** A row of the template for a person's dose: the contract's ten columns. */
export function templateRow(p: RowPerson, dose: RowDose, o: RowCells = {}): string[] {
  return [
    o.fullName ?? p.fullName,
    o.dateOfBirth ?? vn(p.dateOfBirth),
    o.gender ?? (p.gender === 'male' ? 'Nam' : 'Nữ'),
    o.idNumber ?? p.idNumber ?? '',
    p.phone ?? '',
    o.province ?? p.provinceCode,
    dose.vaccine ?? PFIZER,
    dose.lot ?? PFIZER_LOT,
    vn(dose.on),
    dose.facility ?? DT_SITE,
  ];
}

/** A CSV cell, quoted when it holds a separator, a quote or a line end. */
export const csvCell = (c: string) => (/[",;\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);

/** A CSV line of cells. */
export const csvLine = (cells: readonly string[], sep: ',' | ';' = ',') => cells.map(csvCell).join(sep);
