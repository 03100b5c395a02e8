import { IMPORT_COLUMNS, templateGuideRows, templateHeaderRow } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import ExcelJS from '../../lib/exceljs.js';
import { listFacilitiesFor } from '../facilities/facilities.service.js';

/** The names of the XLSX template's sheets: the rows to fill, and the guide. */
export const TEMPLATE_SHEET = 'Mẫu nhập';
export const GUIDE_SHEET = 'Hướng dẫn';

/**
 * Columns Excel must keep as text: an ID number or a phone typed as a number loses its leading
 * zero (087… becomes 87…), and a 12-digit one turns into 8.7E+10.
 */
const TEXT_COLUMNS = new Set(['idNumber', 'phone', 'provinceCode', 'facilityId', 'lotNumber']);

/**
 * The XLSX template for the caller (issue 16): the first sheet has the contract's columns with
 * their Vietnamese headers (ID number, phone and codes formatted as text); the second, "Hướng
 * dẫn", explains each column and lists the vaccine codes and the active facilities of the
 * caller's units — the ids to write in `Mã cơ sở tiêm`.
 */
export async function templateXlsx(db: Executor, actor: Actor): Promise<Buffer> {
  const facilities = await listFacilitiesFor(db, actor, { status: 'active' });
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiêm chủng';
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = templateHeaderRow().map((header, i) => ({
    header,
    width: Math.max(14, header.length + 4),
    style: TEXT_COLUMNS.has(IMPORT_COLUMNS[i]!.key) ? { numFmt: '@' } : {},
  }));
  ws.getRow(1).font = { bold: true };

  const guide = wb.addWorksheet(GUIDE_SHEET);
  guide.columns = [{ width: 22 }, { width: 40 }, { width: 80 }, { width: 20 }];
  for (const row of templateGuideRows(facilities.map((f) => ({ id: f.id, name: f.name })))) {
    const added = guide.addRow(row);
    // The heading of each section (the first row, and the row after each blank one) in bold.
    if (added.number === 1 || (row.length > 0 && guide.getRow(added.number - 1).cellCount === 0)) {
      added.font = { bold: true };
    }
  }
  guide.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
