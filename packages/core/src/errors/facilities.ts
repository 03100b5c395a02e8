import type { ErrorEntry } from './entry.js';

/** Facility administration: creating, editing, deactivating vaccination facilities. */
export const FACILITY_ERRORS = {
  /** A session opened (or any new work started) at a facility that has been deactivated. */
  facility_inactive: {
    status: 409,
    vi: 'Cơ sở tiêm "{name}" đã ngừng hoạt động.',
    en: 'The vaccination facility "{name}" has been deactivated.',
  },
  facility_already_inactive: {
    status: 409,
    vi: 'Cơ sở tiêm này đã ngừng hoạt động từ trước.',
    en: 'This vaccination facility is already deactivated.',
  },
  facility_already_active: {
    status: 409,
    vi: 'Cơ sở tiêm này đang hoạt động.',
    en: 'This vaccination facility is already active.',
  },
} as const satisfies Record<string, ErrorEntry>;
