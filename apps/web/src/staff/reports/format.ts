import {
  provinceByCode,
  REJECTION_REASON_LABELS,
  REPORT_CATEGORY_LABELS,
  type RejectionReason,
  type ReportCategory,
  type Urgency,
  urgency,
  vaccineDisplayName,
} from '@tiemchung/core';
import { localized } from '../reception/format';
import type { AssignedUnit, Facility, Report, Vaccine } from './api';
import type { ReportsT } from './i18n';

export { formatDate, formatDateTime, genderLabel, localized, todayIso } from '../reception/format';
export { answeredOnTime, formatDuration, normalizeTrackingCode } from './logic';

/** The live urgency of an open report (the server's `urgency` is as of when it answered). */
export function liveUrgency(report: Pick<Report, 'dueAt'>, now: number): Urgency {
  return urgency(new Date(report.dueAt), new Date(now));
}

export function categoryLabel(category: string): string {
  const label = REPORT_CATEGORY_LABELS[category as ReportCategory];
  return label ? localized(label) : category;
}

export function rejectionLabel(reason: string | null | undefined): string {
  if (!reason) return '';
  const label = REJECTION_REASON_LABELS[reason as RejectionReason];
  return label ? localized(label) : reason;
}

/** "Pfizer (Comirnaty)" for a code, else the code itself. */
export function vaccineLabel(vaccines: readonly Vaccine[] | undefined, code: string | null | undefined): string {
  if (!code) return '';
  const vaccine = vaccines?.find((v) => v.code === code);
  if (!vaccine) return code;
  return vaccineDisplayName(vaccine);
}

export function facilityLabel(facilities: readonly Facility[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return facilities?.find((f) => f.id === id)?.name ?? id;
}

export function provinceLabel(code: string | null | undefined): string {
  if (!code) return '';
  return provinceByCode(code)?.shortName ?? code;
}

/** "Cơ sở: Trạm Y tế Phường 1, TP Cao Lãnh", "Quận/huyện: Thành phố Cao Lãnh", … */
export function unitLabel(
  t: ReportsT,
  unit: AssignedUnit,
  names: { facilities?: readonly Facility[] | undefined; units?: ReadonlyMap<string, { name: string } | null> },
): string {
  let name: string;
  if (unit.level === 'facility') name = facilityLabel(names.facilities, unit.code);
  else if (unit.level === 'province') name = provinceLabel(unit.code);
  else name = names.units?.get(unit.code)?.name ?? unit.code;
  return `${t(`unitLevel.${unit.level}`)}: ${name}`;
}

/** A campaign's unit: a district (3 digits) or a province (2 digits), by name. */
export function campaignUnitLabel(code: string, units: ReadonlyMap<string, { name: string } | null>): string {
  if (code.length === 2) return provinceLabel(code);
  return units.get(code)?.name ?? code;
}

/** A percentage, `87 %` (Vietnamese) / `87%` (English). */
export function formatPercent(value: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', {
    style: 'percent',
    maximumFractionDigits: 0,
  }).format(value);
}

/** Whether a key event comes from a place where the user types (shortcuts stay out of the way). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
