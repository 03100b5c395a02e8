import { IMPORT_CANCELLABLE_STATUSES, type ImportJob, type ImportStatus, rejectionSummaryLabel } from '@tiemchung/core';
import type { SessionUser } from '../../auth/types';
import type { Language } from '../../i18n';

/**
 * The import screen's pure logic (unit-tested): which job the address names, the facilities the
 * caller may import for, the progress and its words (rows per second, time left), and the
 * rejections' labels — the error catalogue's own messages, never a second copy of them.
 */

/** The locale numbers are written in: Vietnamese `1.234,5`, English `1,234.5`. */
const localeOf = (lang: Language) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

/** A job that will not change any more. */
export function isFinal(status: ImportStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

/** A job the user may still cancel (waiting or running). */
export function isCancellable(status: ImportStatus): boolean {
  return IMPORT_CANCELLABLE_STATUSES.includes(status);
}

/** The job's id from the address (`?id=…`), when it looks like one; null otherwise. */
export function jobIdOf(search: URLSearchParams): string | null {
  const id = search.get('id')?.trim() ?? '';
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/**
 * How far the job is, 0–100 (whole percent, never 100 before the end): rows read over the file's
 * rows; null while the total is unknown (then the bar is indeterminate). A job done is 100.
 */
export function progressPercent(job: Pick<ImportJob, 'status' | 'rowsRead' | 'totalRows'>): number | null {
  if (job.status === 'done') return 100;
  const total = job.totalRows;
  if (total === null || total <= 0) return null;
  const percent = Math.floor((job.rowsRead * 100) / total);
  return Math.min(job.status === 'running' || job.status === 'queued' ? 99 : 100, Math.max(0, percent));
}

/** A count with its thousands grouped (`12.345`). */
export function formatCount(n: number, lang: Language): string {
  return n.toLocaleString(localeOf(lang));
}

/** Rows per second: whole above 10 (`1.235`), one decimal below (`2,5`). */
export function formatRate(rowsPerSecond: number, lang: Language): string {
  const r = Math.max(0, rowsPerSecond);
  return r.toLocaleString(localeOf(lang), { maximumFractionDigits: r < 10 ? 1 : 0 });
}

/**
 * A duration in words, to the precision a person needs: `45 giây`, `2 phút 5 giây`, `12 phút`,
 * `1 giờ 5 phút` (English: `2 minutes 5 seconds`). At least one second.
 */
export function formatDuration(seconds: number, lang: Language): string {
  const unit = (value: number, u: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(localeOf(lang), { style: 'unit', unit: u, unitDisplay: 'long' }).format(value);
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return unit(s, 'second');
  if (s < 600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest === 0 ? unit(m, 'minute') : `${unit(m, 'minute')} ${unit(rest, 'second')}`;
  }
  if (s < 3_600) return unit(Math.round(s / 60), 'minute');
  const h = Math.floor(s / 3_600);
  const m = Math.round((s % 3_600) / 60);
  if (m === 60) return unit(h + 1, 'hour');
  return m === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m, 'minute')}`;
}

/** What a rejection code means, in `lang`, with the column at fault when known (core's rejectionSummaryLabel). */
export function reasonLabel(code: string, lang: Language, column?: string): string {
  return rejectionSummaryLabel(code, lang, column);
}

/**
 * The rejections of a job, most frequent first (then by code and column), each with its label:
 * by reason and column when the server counts them so (`rejectedByColumn`), else by reason.
 */
export function reasonsOf(
  byReason: Readonly<Record<string, number>>,
  lang: Language,
  byColumn?: Readonly<Record<string, Readonly<Record<string, number>>>>,
): { code: string; column?: string; label: string; count: number }[] {
  const rows =
    byColumn && Object.keys(byColumn).length > 0
      ? Object.entries(byColumn).flatMap(([code, columns]) =>
          Object.entries(columns).map(([column, count]) => ({ code, column, count })),
        )
      : Object.entries(byReason).map(([code, count]) => ({ code, column: undefined, count }));
  return rows
    .filter((r) => r.count > 0)
    .map((r) => ({ ...r, label: reasonLabel(r.code, lang, r.column) }))
    .sort(
      (a, b) => b.count - a.count || a.code.localeCompare(b.code) || (a.column ?? '').localeCompare(b.column ?? ''),
    );
}

/** Which facilities to ask for: those of the caller's province or district; all for the nation or a site. */
export type FacilityQuery = { provinceCode: string } | { districtCode: string } | Record<string, never>;

export function facilityQueryOf(user: Pick<SessionUser, 'unitCode' | 'facilityId'>): FacilityQuery {
  const unit = user.unitCode;
  if (user.facilityId || !unit) return {};
  if (unit.length === 2) return { provinceCode: unit };
  if (unit.length === 3) return { districtCode: unit };
  return {};
}

interface FacilityLike {
  id: string;
  name: string;
  provinceCode: string;
  districtCode: string | null;
  communeCode: string | null;
}

/**
 * The facilities the caller may import for, by name: a site's own; the facilities of the caller's
 * unit (province, district, commune); every one for the nation. The server checks the same.
 */
export function facilitiesInScope<F extends FacilityLike>(
  user: Pick<SessionUser, 'unitCode' | 'facilityId'>,
  facilities: readonly F[],
): F[] {
  const unit = user.unitCode;
  const mine = facilities.filter((f) => {
    if (user.facilityId) return f.id === user.facilityId;
    if (!unit) return true;
    if (unit.length === 2) return f.provinceCode === unit;
    if (unit.length === 3) return f.districtCode === unit;
    return f.communeCode === unit;
  });
  return mine.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** The file types the form takes (what the server reads). */
export const IMPORT_ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
