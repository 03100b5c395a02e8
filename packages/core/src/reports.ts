import type { Localized } from './i18n.js';

/**
 * The 48-hour rule for citizens' reports (letters of Nov 2021: "xử lý phản ánh của người dân
 * chậm nhất sau 48 giờ sau khi nhận được phản ánh") and the campaign arithmetic. Pure: the clock
 * is always passed in.
 */
export const REPORT_SLA_HOURS = 48;
export const REPORT_SLA_MS = REPORT_SLA_HOURS * 3_600_000;

/** Where a report is: received, taken by a handler, or closed with an outcome. */
export const REPORT_STATUSES = ['received', 'in_progress', 'resolved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** The unit a report is assigned to: a facility, or a commune, district or province. */
export const REPORT_UNIT_LEVELS = ['facility', 'commune', 'district', 'province'] as const;
export type ReportUnitLevel = (typeof REPORT_UNIT_LEVELS)[number];

export const REPORT_CATEGORIES = ['missing_dose', 'wrong_dose', 'wrong_personal_info', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REPORT_CATEGORY_LABELS: Record<ReportCategory, Localized> = {
  missing_dose: { vi: 'Thiếu mũi tiêm', en: 'Missing dose' },
  wrong_dose: { vi: 'Sai thông tin mũi tiêm', en: 'Wrong dose details' },
  wrong_personal_info: { vi: 'Sai thông tin cá nhân', en: 'Wrong personal details' },
  other: { vi: 'Khác', en: 'Other' },
};

export const REPORT_OUTCOMES = ['corrected', 'rejected', 'duplicate'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** Reasons a report may be rejected with (SPEC: Report handling). */
export const REJECTION_REASONS = ['evidence_incomplete', 'details_mismatch', 'photo_unusable', 'other'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const REJECTION_REASON_LABELS: Record<RejectionReason, Localized> = {
  evidence_incomplete: {
    vi: 'Ảnh minh chứng không thể hiện ngày tiêm, mũi tiêm hoặc loại vắc xin',
    en: 'The evidence shows no date, dose or vaccine',
  },
  details_mismatch: {
    vi: 'Họ tên, ngày sinh hoặc loại vắc xin không khớp',
    en: 'Name, date of birth or vaccine do not match',
  },
  photo_unusable: { vi: 'Ảnh bị mờ, bị cắt hoặc bị chỉnh sửa', en: 'The photo is blurred, cropped or edited' },
  other: { vi: 'Lý do khác', en: 'Other reason' },
};

/**
 * The earliest day a reported dose can have been given: no COVID-19 vaccine was given in Vietnam
 * before 2021 (the first approval is of February 2021, core's VACCINES).
 */
export const REPORT_DOSE_EARLIEST = '2021-01-01';

/**
 * Why the day a citizen says a dose was given (`YYYY-MM-DD`) cannot be, or null when it can: after
 * `today` (the calendar day in Vietnam, `vietnamDay`), or before {@link REPORT_DOSE_EARLIEST}.
 */
export function reportDoseDateProblem(
  date: string,
  today: string,
): 'report_dose_date_future' | 'report_dose_date_too_early' | null {
  if (date > today) return 'report_dose_date_future';
  if (date < REPORT_DOSE_EARLIEST) return 'report_dose_date_too_early';
  return null;
}

/** The due time of a report received at `receivedAt`. */
export function reportDueAt(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + REPORT_SLA_MS);
}

/**
 * Overdue: not resolved and the due time has passed (47:59 is not overdue; 48:00:00 is not;
 * 48:00:00.001 is). A report is resolved exactly when it has a resolution time (the server sets
 * `status = 'resolved'` and `resolved_at` together, and its SQL filter `overdueFilter` says the same).
 */
export function isOverdue(report: { dueAt: Date; resolvedAt: Date | null }, now: Date): boolean {
  return report.resolvedAt === null && now.getTime() > report.dueAt.getTime();
}

/** Urgency for the queue's colours: plenty of time, under 24 h, under 8 h, overdue. */
export const URGENCIES = ['ok', 'soon', 'urgent', 'overdue'] as const;
export type Urgency = (typeof URGENCIES)[number];

export function urgency(dueAt: Date, now: Date): Urgency {
  const left = dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  if (left < 8 * 3_600_000) return 'urgent';
  if (left < 24 * 3_600_000) return 'soon';
  return 'ok';
}

/** Resolved within 48 hours of receipt. */
export function resolvedOnTime(r: { dueAt: Date; resolvedAt: Date | null }): boolean {
  return r.resolvedAt !== null && r.resolvedAt.getTime() <= r.dueAt.getTime();
}

/**
 * How many open reports will miss the campaign deadline at the current pace: the resolution rate
 * so far (resolved ÷ hours since the window opened) times the hours left, against the open count.
 */
export function projectedMisses(input: {
  open: number;
  resolved: number;
  windowStart: Date;
  now: Date;
  deadline: Date;
}): number {
  const hoursSoFar = Math.max((input.now.getTime() - input.windowStart.getTime()) / 3_600_000, 1 / 60);
  const hoursLeft = Math.max((input.deadline.getTime() - input.now.getTime()) / 3_600_000, 0);
  const rate = input.resolved / hoursSoFar;
  return Math.max(0, Math.ceil(input.open - rate * hoursLeft));
}

/**
 * The reason recorded for a resolution: a rejection without a stated reason is recorded as
 * `other` (its note says why); other outcomes have none.
 */
export function rejectionReasonOf(body: {
  readonly outcome: string;
  readonly reason?: RejectionReason | null | undefined;
}): RejectionReason | null {
  return body.outcome === 'rejected' ? (body.reason ?? 'other') : null;
}
