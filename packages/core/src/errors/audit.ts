import type { ErrorEntry } from './entry.js';

/** Reading the audit log. */
export const AUDIT_ERRORS = {
  audit_range_invalid: {
    status: 400,
    vi: 'Thời điểm bắt đầu phải trước thời điểm kết thúc.',
    en: 'The start must be before the end.',
  },
} as const satisfies Record<string, ErrorEntry>;
