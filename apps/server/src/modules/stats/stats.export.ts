import type {
  CoverageFigures,
  ReportFigures,
  StatsCoverage,
  StatsDoses,
  StatsReports,
  StatsUnitRef,
  StatsUnits,
} from '@tiemchung/core';
import { type ExportColumn, type ExportTable, fileNamePart } from '../../lib/table-export.js';
import { doseNumberLabel, LEVEL_LABELS } from './stats.api.labels.js';

/**
 * The breakdowns as files (`format=csv|xlsx`): the rows of the JSON answer, one line each, with
 * Vietnamese headers; the file is named `thong-ke-<breakdown>-<unit>.<ext>`.
 */

/** The dose numbers the rows name, in order (a column each). */
function doseNumbersOf(rows: readonly { byDoseNumber?: Record<string, number> | undefined }[]): string[] {
  const all = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.byDoseNumber ?? {})) all.add(k);
  return [...all].sort((a, b) => Number(a) - Number(b));
}

function doseNumberColumns<R extends { byDoseNumber?: Record<string, number> | undefined }>(
  rows: readonly R[],
): ExportColumn<R>[] {
  return doseNumbersOf(rows).map((k) => ({
    header: doseNumberLabel(k),
    value: (r: R) => r.byDoseNumber?.[k] ?? 0,
  }));
}

function coverageColumns<R>(of: (r: R) => CoverageFigures | null): ExportColumn<R>[] {
  const v = (f: (c: CoverageFigures) => number | null) => (r: R) => {
    const c = of(r);
    return c ? f(c) : null;
  };
  return [
    { header: 'Số người', value: v((c) => c.people) },
    { header: 'Chưa tiêm', value: v((c) => c.byStatus.none) },
    { header: 'Chưa đủ liều cơ bản', value: v((c) => c.byStatus.partial) },
    { header: 'Đủ liều cơ bản', value: v((c) => c.byStatus.complete) },
    { header: 'Đã tiêm mũi nhắc', value: v((c) => c.byStatus.booster) },
    { header: 'Dân số', value: v((c) => c.population) },
    { header: 'Tỷ lệ tiêm ít nhất 1 mũi (%)', value: v((c) => c.atLeastOnePercent) },
    { header: 'Tỷ lệ đủ liều cơ bản (%)', value: v((c) => c.completePercent) },
    { header: 'Tỷ lệ tiêm mũi nhắc (%)', value: v((c) => c.boosterPercent) },
  ];
}

function reportColumns<R extends ReportFigures>(): ExportColumn<R>[] {
  return [
    { header: 'Đã nhận', value: (r) => r.received },
    { header: 'Đã xử lý', value: (r) => r.resolved },
    { header: 'Xử lý đúng hạn', value: (r) => r.resolvedOnTime },
    { header: 'Đang mở', value: (r) => r.open },
    { header: 'Quá hạn', value: (r) => r.overdue },
    { header: 'Tỷ lệ đúng hạn (%)', value: (r) => r.onTimePercent },
    { header: 'Trung vị thời gian xử lý (giờ)', value: (r) => r.medianHoursToResolve },
  ];
}

const unitColumns = <R extends { level: string; code: string; name: string }>(): ExportColumn<R>[] => [
  { header: 'Cấp', value: (r) => LEVEL_LABELS[r.level as keyof typeof LEVEL_LABELS] ?? r.level },
  { header: 'Mã', value: (r) => r.code },
  { header: 'Tên', width: 36, value: (r) => r.name },
];

export function unitsTable(body: StatsUnits): ExportTable<StatsUnits['rows'][number]> {
  return {
    sheet: 'Đơn vị',
    columns: [
      ...unitColumns(),
      { header: 'Số mũi tiêm', value: (r) => r.doses },
      ...doseNumberColumns(body.rows),
      ...coverageColumns((r: StatsUnits['rows'][number]) => r.coverage),
    ],
    rows: body.rows,
  };
}

export function dosesTable(body: StatsDoses): ExportTable<StatsDoses['rows'][number]> {
  return {
    sheet: 'Mũi tiêm',
    columns: [
      { header: 'Mã', value: (r) => r.key },
      { header: 'Nội dung', width: 30, value: (r) => r.label },
      { header: 'Số mũi tiêm', value: (r) => r.doses },
      ...doseNumberColumns(body.rows),
    ],
    rows: body.rows,
  };
}

export function coverageTable(body: StatsCoverage): ExportTable<StatsCoverage['rows'][number]> {
  return {
    sheet: 'Độ bao phủ',
    columns: [
      { header: 'Mã', value: (r) => r.key },
      { header: 'Nội dung', width: 30, value: (r) => r.label },
      ...coverageColumns((r: StatsCoverage['rows'][number]) => r),
    ],
    rows: body.rows,
  };
}

export function reportsTable(body: StatsReports): ExportTable<StatsReports['rows'][number]> {
  return { sheet: 'Phản ánh', columns: [...unitColumns(), ...reportColumns()], rows: body.rows };
}

/** `thong-ke-<what>-<unit>`: the unit's code, or `toan-quoc`. */
export function statsFileName(what: string, unit: Pick<StatsUnitRef, 'code'>): string {
  return `thong-ke-${fileNamePart(what)}-${unit.code ? fileNamePart(unit.code) : 'toan-quoc'}`;
}
