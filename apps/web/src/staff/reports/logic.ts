import { REPORT_CATEGORIES, type ReportCategory, resolvedOnTime } from '@tiemchung/core';
import type { Report, ReportFilters, ReportStatus } from './api';

/**
 * The report area's framework-free rules (unit-tested): the countdown's text, tracking codes, the
 * queue's filters in the address bar, and the per-unit counts.
 */

const STATUSES: readonly ReportStatus[] = ['received', 'in_progress', 'resolved'];

/** `hh:mm:ss` with at least two digits of hours (`47:59:59`, `03:05:09`, `120:00:00`). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1_000));
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** Whether a closed report was answered within its 48 hours (core's resolvedOnTime). */
export function answeredOnTime(report: Pick<Report, 'dueAt' | 'resolvedAt'>): boolean {
  return resolvedOnTime({
    dueAt: new Date(report.dueAt),
    resolvedAt: report.resolvedAt === null ? null : new Date(report.resolvedAt),
  });
}

/** Normalises a typed tracking code: `pa-7kq2 mx9d`, `PA7KQ2MX9D` → `PA-7KQ2MX9D`. */
export function normalizeTrackingCode(text: string): string {
  const compact = text.trim().toUpperCase().replace(/\s+/g, '');
  if (/^PA[A-Z0-9]{8}$/.test(compact)) return `PA-${compact.slice(2)}`;
  return compact;
}

export function isStatus(value: string | null): value is ReportStatus {
  return value !== null && (STATUSES as readonly string[]).includes(value);
}

export function isCategory(value: string | null): value is ReportCategory {
  return value !== null && (REPORT_CATEGORIES as readonly string[]).includes(value);
}

/** The queue's filters from the address bar (so that "back" from a report and shared links keep them). */
export function filtersFrom(params: URLSearchParams): ReportFilters {
  const status = params.get('status');
  const category = params.get('category');
  const code = params.get('code');
  return {
    view: params.get('view') === 'queue' ? 'queue' : 'all',
    status: isStatus(status) ? status : undefined,
    category: isCategory(category) ? category : undefined,
    overdue: params.get('overdue') === '1' || undefined,
    trackingCode: code ? normalizeTrackingCode(code) || undefined : undefined,
  };
}

/** The address-bar form of the filters (the default view, `all`, is left out). */
export function paramsFrom(filters: ReportFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.view === 'queue') params.set('view', 'queue');
  if (filters.status) params.set('status', filters.status);
  if (filters.category) params.set('category', filters.category);
  if (filters.overdue) params.set('overdue', '1');
  if (filters.trackingCode) params.set('code', filters.trackingCode);
  return params;
}

export interface UnitCount {
  key: string;
  unit: Report['assignedUnit'];
  open: number;
  overdue: number;
}

/** Open and overdue reports per assigned unit, the most overdue first (resolved ones left out). */
export function countByUnit(reports: readonly Pick<Report, 'status' | 'overdue' | 'assignedUnit'>[]): UnitCount[] {
  const byUnit = new Map<string, UnitCount>();
  for (const r of reports) {
    if (r.status === 'resolved') continue;
    const key = `${r.assignedUnit.level}:${r.assignedUnit.code}`;
    const row = byUnit.get(key) ?? { key, unit: r.assignedUnit, open: 0, overdue: 0 };
    row.open += 1;
    if (r.overdue) row.overdue += 1;
    byUnit.set(key, row);
  }
  return [...byUnit.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.key.localeCompare(b.key));
}
