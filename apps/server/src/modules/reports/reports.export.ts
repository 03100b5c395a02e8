import { isOverdue, REJECTION_REASON_LABELS, REPORT_CATEGORY_LABELS, type RejectionReason } from '@tiemchung/core';
import type { ReportRow } from '../../db/schema.js';
import ExcelJS from '../../lib/exceljs.js';

/** Columns of the report exports (CSV and XLSX), Vietnamese headers. */
const COLUMNS: { header: string; value: (r: ReportRow, now: Date) => string }[] = [
  { header: 'Mã phản ánh', value: (r) => r.tracking_code },
  { header: 'Loại', value: (r) => REPORT_CATEGORY_LABELS[r.category].vi },
  {
    header: 'Trạng thái',
    value: (r) => ({ received: 'Mới nhận', in_progress: 'Đang xử lý', resolved: 'Đã xử lý' })[r.status],
  },
  { header: 'Họ và tên', value: (r) => r.full_name },
  { header: 'Ngày sinh', value: (r) => r.date_of_birth },
  { header: 'Số điện thoại', value: (r) => r.phone },
  { header: 'Đơn vị xử lý', value: (r) => `${r.assigned_level}:${r.assigned_code}` },
  { header: 'Thời điểm nhận', value: (r) => r.received_at.toISOString() },
  { header: 'Hạn xử lý', value: (r) => r.due_at.toISOString() },
  {
    header: 'Quá hạn',
    value: (r, now) => (isOverdue({ dueAt: r.due_at, resolvedAt: r.resolved_at }, now) ? 'Có' : 'Không'),
  },
  { header: 'Thời điểm xử lý xong', value: (r) => r.resolved_at?.toISOString() ?? '' },
  {
    header: 'Kết quả',
    value: (r) =>
      r.outcome ? { corrected: 'Đã điều chỉnh', rejected: 'Từ chối', duplicate: 'Trùng lặp' }[r.outcome] : '',
  },
  {
    header: 'Lý do từ chối',
    value: (r) =>
      r.outcome_reason ? (REJECTION_REASON_LABELS[r.outcome_reason as RejectionReason]?.vi ?? r.outcome_reason) : '',
  },
  { header: 'Người xử lý', value: (r) => r.resolved_by ?? r.handler ?? '' },
];

function csvCell(v: string): string {
  // Quote every cell; a leading = + - @ would run as a formula in a spreadsheet: prefix with '.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** UTF-8 CSV with a BOM (Excel opens Vietnamese correctly). */
export function reportsCsv(rows: ReportRow[], now: Date): string {
  const lines = [COLUMNS.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(c.value(r, now))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function reportsXlsx(rows: ReportRow[], now: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiêm chủng';
  const ws = wb.addWorksheet('Phản ánh');
  ws.columns = COLUMNS.map((c) => ({ header: c.header, width: Math.max(14, c.header.length + 4) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(COLUMNS.map((c) => c.value(r, now)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
