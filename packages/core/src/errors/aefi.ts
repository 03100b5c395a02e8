import type { ErrorEntry } from './entry.js';

/** Adverse events after immunisation, recorded at the desk (aefi module). */
export const AEFI_ERRORS = {
  aefi_in_future: {
    status: 400,
    vi: 'Thời điểm xảy ra phản ứng sau tiêm ở tương lai.',
    en: 'The adverse event is dated in the future.',
  },
  aefi_before_birth: {
    status: 400,
    vi: 'Thời điểm xảy ra phản ứng sau tiêm trước ngày sinh của người này.',
    en: "The adverse event is dated before the person's date of birth.",
  },
  aefi_before_dose: {
    status: 422,
    vi: 'Ngày khởi phát phản ứng không thể trước ngày tiêm mũi vắc xin liên quan ({administeredOn}).',
    en: 'The adverse event cannot start before the day of the dose it follows ({administeredOn}).',
  },
} as const satisfies Record<string, ErrorEntry>;
