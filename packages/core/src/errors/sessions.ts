import type { ErrorEntry } from './entry.js';

/** Vaccination sessions and their visits: check-in, screening, dose, observation, closing. */
export const SESSION_ERRORS = {
  session_closed: { status: 409, vi: 'Buổi tiêm đã kết thúc.', en: 'The session is closed.' },
  session_lot_unknown: {
    status: 400,
    vi: 'Không có lô vắc xin số "{lotNumber}".',
    en: 'No lot has the number "{lotNumber}".',
  },
  /** `suggestion`: the checklist's suggested outcome, in each language. */
  screening_reason_required: {
    status: 400,
    vi: 'Phiếu sàng lọc gợi ý "{suggestion}": cần ghi lý do khi kết luận khác.',
    en: 'The checklist suggests "{suggestion}": give a reason for another outcome.',
  },
  postpone_reason_required: {
    status: 400,
    vi: 'Cần ghi lý do hoãn tiêm hoặc chuyển tuyến.',
    en: 'Give the reason to postpone or refer.',
  },
  already_vaccinated: {
    status: 409,
    vi: 'Người này đã được tiêm trong lượt này.',
    en: 'This visit already has a dose.',
  },
  not_screened: {
    status: 422,
    vi: 'Người này chưa được khám sàng lọc đủ điều kiện tiêm.',
    en: 'This person has not been screened as eligible.',
  },
  visit_not_observing: {
    status: 409,
    vi: 'Lượt này chưa tiêm nên chưa thể hoàn thành.',
    en: 'This visit has no dose yet.',
  },
  /** `lots`: the lot numbers without their vials opened, comma-separated. */
  vials_missing: {
    status: 400,
    vi: 'Cần nhập số lọ đã mở của lô {lots}.',
    en: 'Give the vials opened for lot {lots}.',
  },
} as const satisfies Record<string, ErrorEntry>;
