import { atLeast, COVERAGE_STATUSES, type CoverageStatus, coveragePercent, type UnitScheme } from '@tiemchung/core';
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import { type Actor, NO_MATCH } from '../../lib/authz.js';
import ExcelJS from '../../lib/exceljs.js';
import { listUnits, unitMap2025 } from '../units/units.service.js';
import { populationOf } from './stats.population.js';

/**
 * The ministry's daily report (issue 15, deliverable 5): one row per province — 63 in the 2021
 * scheme, 34 in the 2025 scheme — in the caller's scope (the nation: all; a province
 * administrator: its own province, or in the 2025 scheme the new province it is part of), with
 * the doses given that day and the cumulative doses to the end of that day by dose number, people
 * with at least one dose, a complete primary series and a booster (as they are now), the
 * population of the import in use and the coverage it makes, and the reports overdue at the end
 * of that day (now, for today), and a national (or the caller's) total row. Read from the
 * aggregates only.
 */

/** One province's row of the report. */
export interface DailyReportRow {
  readonly code: string;
  readonly name: string;
  /** Doses given on the date, by dose number. */
  readonly day: Record<number, number>;
  readonly dayTotal: number;
  /** Doses given up to the end of the date, by dose number. */
  readonly cumulative: Record<number, number>;
  readonly cumulativeTotal: number;
  readonly atLeastOne: number;
  readonly complete: number;
  readonly booster: number;
  readonly population: number | null;
  readonly overdue: number;
}

export interface DailyReport {
  readonly date: string;
  readonly scheme: UnitScheme;
  /** The dose numbers with a column (1, 2 and 3 always; a later one when any was given). */
  readonly doseNumbers: readonly number[];
  readonly rows: readonly DailyReportRow[];
  readonly total: DailyReportRow;
  /** When the figures were read, and the instant reports are counted overdue at. */
  readonly generatedAt: Date;
  readonly overdueAt: Date;
}

/** The end of a calendar day in Vietnam (UTC+7). */
function endOfVietnamDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00+07:00`) + 24 * 3600_000);
}

/** The province codes of the report in the caller's scope: all of the scheme's, or the caller's own. */
async function provincesInScope(
  db: Executor,
  actor: Actor,
  scheme: UnitScheme,
): Promise<{ codes: string[] | 'all'; names: Map<string, string> }> {
  const names = new Map(
    (await listUnits(db, { scheme, level: 'province' })).map((u) => [u.code, u.name] as [string, string]),
  );
  if (actor.scope.level === 'nation') return { codes: 'all', names };
  const own = actor.scope.level === 'province' ? (actor.scope.provinceCode ?? NO_MATCH) : NO_MATCH;
  if (scheme === '2021') return { codes: [own], names };
  const mapped = (await unitMap2025(db)).province.get(own);
  return { codes: mapped ? [mapped] : [], names };
}

export async function dailyReport(
  db: Executor,
  actor: Actor,
  query: { date: string; scheme: UnitScheme },
  now: Date,
): Promise<DailyReport> {
  const { date, scheme } = query;
  const level = scheme === '2021' ? 'province' : 'province2025';
  const { codes: scope, names } = await provincesInScope(db, actor, scheme);
  const overdueAt = new Date(Math.min(now.getTime(), endOfVietnamDay(date).getTime()));
  const only = scope === 'all' ? null : scope.length ? scope : [NO_MATCH];

  const [doses, people, reports] = await Promise.all([
    db
      .selectFrom('stats_dose_days')
      .select([
        'unit_code',
        'dose_number',
        sql<string>`coalesce(sum(n) filter (where day = ${date}), 0)`.as('day_n'),
        sql<string>`sum(n)`.as('cum_n'),
      ])
      .where('level', '=', level)
      .$if(only !== null, (q) => q.where('unit_code', 'in', only ?? []))
      .where('day', '<=', date)
      .groupBy(['unit_code', 'dose_number'])
      .execute(),
    db
      .selectFrom('stats_unit_people')
      .select(['unit_code', 'status', sql<string>`n`.as('n')])
      .where('level', '=', level)
      .$if(only !== null, (q) => q.where('unit_code', 'in', only ?? []))
      .execute(),
    db
      .selectFrom('stats_report_totals')
      .select(['unit_code', sql<string>`sum(n)`.as('n')])
      .where('level', '=', level)
      .$if(only !== null, (q) => q.where('unit_code', 'in', only ?? []))
      .where('state', '=', 'open')
      .where('due_at', '<', overdueAt)
      .groupBy('unit_code')
      .execute(),
  ]);

  // The rows: the scheme's provinces (or the caller's), and any other code the figures name.
  const codes = new Set<string>(scope === 'all' ? names.keys() : scope);
  if (scope === 'all') for (const r of [...doses, ...people, ...reports]) if (r.unit_code) codes.add(r.unit_code);
  const sorted = [...codes].sort();
  const population = await populationOf(db, level, sorted);

  const doseNumbers = new Set([1, 2, 3]);
  for (const d of doses) if (Number(d.cum_n) !== 0) doseNumbers.add(d.dose_number);
  const rows = sorted.map((code): DailyReportRow => {
    const day: Record<number, number> = {};
    const cumulative: Record<number, number> = {};
    for (const d of doses) {
      if (d.unit_code !== code) continue;
      day[d.dose_number] = (day[d.dose_number] ?? 0) + Number(d.day_n);
      cumulative[d.dose_number] = (cumulative[d.dose_number] ?? 0) + Number(d.cum_n);
    }
    const byStatus = Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as Record<CoverageStatus, number>;
    for (const p of people)
      if (p.unit_code === code && p.status in byStatus) byStatus[p.status as CoverageStatus] += Number(p.n);
    return {
      code,
      name: names.get(code) ?? code,
      day,
      dayTotal: sum(Object.values(day)),
      cumulative,
      cumulativeTotal: sum(Object.values(cumulative)),
      atLeastOne: atLeast(byStatus, 'partial'),
      complete: atLeast(byStatus, 'complete'),
      booster: atLeast(byStatus, 'booster'),
      population: population.get(code)?.total ?? null,
      overdue: sum(reports.filter((r) => r.unit_code === code).map((r) => Number(r.n))),
    };
  });
  return {
    date,
    scheme,
    doseNumbers: [...doseNumbers].sort((a, b) => a - b),
    rows,
    total: totalOf(rows),
    generatedAt: now,
    overdueAt,
  };
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** The total row: the sum of the rows (a population only when some row has one). */
function totalOf(rows: readonly DailyReportRow[]): DailyReportRow {
  const addAll = (pick: (r: DailyReportRow) => Record<number, number>) => {
    const out: Record<number, number> = {};
    for (const r of rows) for (const [k, v] of Object.entries(pick(r))) out[Number(k)] = (out[Number(k)] ?? 0) + v;
    return out;
  };
  const populations = rows.map((r) => r.population).filter((p): p is number => p !== null);
  return {
    code: '',
    name: 'Tổng cộng',
    day: addAll((r) => r.day),
    dayTotal: sum(rows.map((r) => r.dayTotal)),
    cumulative: addAll((r) => r.cumulative),
    cumulativeTotal: sum(rows.map((r) => r.cumulativeTotal)),
    atLeastOne: sum(rows.map((r) => r.atLeastOne)),
    complete: sum(rows.map((r) => r.complete)),
    booster: sum(rows.map((r) => r.booster)),
    population: populations.length ? sum(populations) : null,
    overdue: sum(rows.map((r) => r.overdue)),
  };
}

/** A column of the sheet: its group header (merged over the group), its own header, its value. */
interface ReportColumn {
  readonly group: string;
  readonly header: string;
  readonly width: number;
  readonly format?: string;
  readonly value: (r: DailyReportRow, i: number | null) => string | number | null;
}

const COUNT = '#,##0';
const PERCENT = '0.0';

/** The columns, in order (the dose-number columns follow the report's dose numbers). */
export function dailyReportColumns(doseNumbers: readonly number[]): ReportColumn[] {
  const doseLabel = (n: number) => `Mũi ${n}`;
  return [
    { group: 'STT', header: 'STT', width: 6, value: (_r, i) => (i === null ? '' : i + 1) },
    { group: 'Mã', header: 'Mã', width: 6, value: (r) => r.code },
    { group: 'Tỉnh, thành phố', header: 'Tỉnh, thành phố', width: 26, value: (r) => r.name },
    ...doseNumbers.map((n) => ({
      group: 'Số mũi tiêm trong ngày',
      header: doseLabel(n),
      width: 11,
      format: COUNT,
      value: (r: DailyReportRow) => r.day[n] ?? 0,
    })),
    { group: 'Số mũi tiêm trong ngày', header: 'Tổng', width: 12, format: COUNT, value: (r) => r.dayTotal },
    ...doseNumbers.map((n) => ({
      group: 'Luỹ kế số mũi tiêm đến hết ngày',
      header: doseLabel(n),
      width: 13,
      format: COUNT,
      value: (r: DailyReportRow) => r.cumulative[n] ?? 0,
    })),
    {
      group: 'Luỹ kế số mũi tiêm đến hết ngày',
      header: 'Tổng',
      width: 14,
      format: COUNT,
      value: (r) => r.cumulativeTotal,
    },
    { group: 'Số người được tiêm', header: 'Ít nhất 1 mũi', width: 14, format: COUNT, value: (r) => r.atLeastOne },
    { group: 'Số người được tiêm', header: 'Đủ liều cơ bản', width: 14, format: COUNT, value: (r) => r.complete },
    { group: 'Số người được tiêm', header: 'Mũi nhắc lại', width: 14, format: COUNT, value: (r) => r.booster },
    { group: 'Dân số', header: 'Dân số', width: 14, format: COUNT, value: (r) => r.population },
    {
      group: 'Tỷ lệ bao phủ (%)',
      header: 'Ít nhất 1 mũi',
      width: 12,
      format: PERCENT,
      value: (r) => coveragePercent(r.atLeastOne, r.population),
    },
    {
      group: 'Tỷ lệ bao phủ (%)',
      header: 'Đủ liều cơ bản',
      width: 12,
      format: PERCENT,
      value: (r) => coveragePercent(r.complete, r.population),
    },
    {
      group: 'Tỷ lệ bao phủ (%)',
      header: 'Mũi nhắc lại',
      width: 12,
      format: PERCENT,
      value: (r) => coveragePercent(r.booster, r.population),
    },
    { group: 'Phản ánh quá hạn', header: 'Phản ánh quá hạn', width: 12, format: COUNT, value: (r) => r.overdue },
  ];
}

/** The row of the sheet where the provinces begin (after the title, the notes and two header rows). */
export const DAILY_REPORT_FIRST_ROW = 6;

const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const vnTime = (d: Date) =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(d);

/** The report as an XLSX workbook in Vietnamese: title, date, frozen two-row header, number formats, total row. */
export async function dailyReportXlsx(report: DailyReport): Promise<Buffer> {
  const columns = dailyReportColumns(report.doseNumbers);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Nền tảng quản lý tiêm chủng COVID-19';
  wb.created = report.generatedAt;
  const ws = wb.addWorksheet('Báo cáo ngày', {
    views: [{ state: 'frozen', xSplit: 3, ySplit: DAILY_REPORT_FIRST_ROW - 1 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  const last = columns.length;

  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = `BÁO CÁO NHANH KẾT QUẢ TIÊM VẮC XIN PHÒNG COVID-19 NGÀY ${vnDate(report.date)}`;
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, last);
  ws.getCell(2, 1).value =
    `Danh mục đơn vị hành chính: ${report.scheme === '2021' ? '2021 (63 tỉnh, thành phố)' : '2025 (34 tỉnh, thành phố)'}` +
    ` — số liệu từ Nền tảng, lập lúc ${vnTime(report.generatedAt)}`;
  ws.getCell(2, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(3, 1, 3, last);
  ws.getCell(3, 1).value =
    'Số mũi tiêm tính theo ngày tiêm; số người được tiêm và tỷ lệ bao phủ tính đến thời điểm lập báo cáo; ' +
    `phản ánh quá hạn: chưa xử lý xong và đã quá hạn lúc ${vnTime(report.overdueAt)}.`;
  ws.getCell(3, 1).font = { italic: true, size: 9 };

  // Two header rows: the group (merged across its columns) and the column's own header.
  const groupRow = DAILY_REPORT_FIRST_ROW - 2;
  const headRow = DAILY_REPORT_FIRST_ROW - 1;
  for (let i = 0; i < columns.length; ) {
    const group = columns[i]?.group as string;
    let j = i;
    while (j + 1 < columns.length && columns[j + 1]?.group === group) j++;
    const single = i === j && columns[i]?.header === group;
    if (single) ws.mergeCells(groupRow, i + 1, headRow, i + 1);
    else {
      if (j > i) ws.mergeCells(groupRow, i + 1, groupRow, j + 1);
      for (let k = i; k <= j; k++) ws.getCell(headRow, k + 1).value = columns[k]?.header ?? '';
    }
    ws.getCell(groupRow, i + 1).value = group;
    i = j + 1;
  }
  for (const r of [groupRow, headRow]) {
    const row = ws.getRow(r);
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    for (let c = 1; c <= last; c++)
      row.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  }
  ws.getRow(groupRow).height = 30;

  const put = (r: DailyReportRow, i: number | null) => {
    const row = ws.addRow(columns.map((c) => c.value(r, i) ?? null));
    columns.forEach((c, k) => {
      if (c.format) row.getCell(k + 1).numFmt = c.format;
    });
    return row;
  };
  for (const [i, r] of report.rows.entries()) put(r, i);
  const total = put(report.total, null);
  total.font = { bold: true };
  ws.mergeCells(total.number, 1, total.number, 3);
  total.getCell(1).value = report.total.name;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
