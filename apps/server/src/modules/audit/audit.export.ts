import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { AUDIT_ENTITY_TYPES, auditActionLabel, ROLE_LABELS, type Role } from '@tiemchung/core';
import type { AuditLogRow } from '../../db/schema.js';
import ExcelJS from '../../lib/exceljs.js';

/**
 * The audit log's exports (CSV and XLSX), streamed: rows are written as the pages of the log are
 * read (audit.read.ts `auditEntries`), so neither the server nor the client holds the whole export.
 * Vietnamese headers; the action and the kind of record in words, with their codes.
 */

const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));
const list = (v: unknown): string => (Array.isArray(v) ? v.join(' ') : '');

export const AUDIT_EXPORT_COLUMNS: readonly { header: string; width: number; value: (r: AuditLogRow) => string }[] = [
  { header: 'Số thứ tự', width: 12, value: (r) => String(r.id) },
  { header: 'Thời điểm (UTC)', width: 26, value: (r) => r.at.toISOString() },
  { header: 'Người thực hiện', width: 22, value: (r) => r.actor_username ?? '' },
  {
    header: 'Vai trò',
    width: 22,
    value: (r) => (r.actor_role ? (ROLE_LABELS[r.actor_role as Role]?.vi ?? r.actor_role) : ''),
  },
  { header: 'Hành động', width: 34, value: (r) => auditActionLabel(r.action, 'vi') },
  { header: 'Mã hành động', width: 24, value: (r) => r.action },
  { header: 'Loại hồ sơ', width: 22, value: (r) => AUDIT_ENTITY_TYPES[r.entity_type]?.vi ?? r.entity_type },
  { header: 'Mã hồ sơ', width: 38, value: (r) => r.entity_id },
  { header: 'Lý do', width: 30, value: (r) => r.reason ?? '' },
  { header: 'Trước khi thay đổi', width: 40, value: (r) => json(r.before) },
  { header: 'Sau khi thay đổi', width: 40, value: (r) => json(r.after) },
  { header: 'Đơn vị liên quan', width: 30, value: (r) => list(r.unit_codes) },
  { header: 'Người được tiêm liên quan', width: 38, value: (r) => list(r.person_ids) },
  { header: 'Mã yêu cầu', width: 20, value: (r) => r.request_id ?? '' },
  { header: 'Địa chỉ IP', width: 16, value: (r) => r.ip ?? '' },
];

function csvCell(v: string): string {
  // Quote every cell; a leading = + - @ would run as a formula in a spreadsheet: prefix with '.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** UTF-8 CSV with a BOM (Excel opens Vietnamese correctly), one line per entry as they come. */
export function auditCsvStream(rows: AsyncIterable<AuditLogRow>): Readable {
  async function* lines() {
    yield `\uFEFF${csvLine(AUDIT_EXPORT_COLUMNS.map((c) => c.header))}`;
    let chunk = '';
    for await (const r of rows) {
      chunk += csvLine(AUDIT_EXPORT_COLUMNS.map((c) => c.value(r)));
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(lines(), { objectMode: false });
}

/**
 * An XLSX workbook written row by row to the returned stream (ExcelJS's streaming writer: each row
 * is committed and leaves memory); waits for the client whenever the stream is full.
 */
export function auditXlsxStream(rows: AsyncIterable<AuditLogRow>): Readable {
  const out = new PassThrough();
  const write = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    wb.creator = 'Tiêm chủng';
    const ws = wb.addWorksheet('Nhật ký truy cập', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = AUDIT_EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    let n = 0;
    for await (const r of rows) {
      ws.addRow(AUDIT_EXPORT_COLUMNS.map((c) => c.value(r))).commit();
      if (++n % 500 === 0 && out.writableNeedDrain) {
        // The client reads slower than the log is read: wait for it (or stop if it went away).
        await Promise.race([once(out, 'drain'), once(out, 'close')]);
        if (out.destroyed) return;
      }
    }
    ws.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
