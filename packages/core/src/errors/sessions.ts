import type { ErrorEntry } from './entry.js';

/** Vaccination sessions and their visits: check-in, screening, dose, observation, closing. */
export const SESSION_ERRORS = {
  session_closed: { status: 409, vi: 'Buổi tiêm đã kết thúc.', en: 'The session is closed.' },
  /** `from`, `to`: the first and last day a session may be held on now (core's `sessionDateRange`), in each language. */
  session_date_out_of_range: {
    status: 400,
    vi: 'Ngày buổi tiêm phải trong khoảng từ {from} đến {to}.',
    en: 'The session date must be from {from} to {to}.',
  },
  session_lot_unknown: {
    status: 400,
    vi: 'Không có lô vắc xin số "{lotNumber}".',
    en: 'No lot has the number "{lotNumber}".',
  },
  /**
   * `lotNumber`, `vaccines`: a lot number that lots of several vaccines share, named without the
   * vaccine (`vaccineCode`) where the lot must be one.
   */
  session_lot_ambiguous: {
    status: 422,
    vi: 'Số lô "{lotNumber}" có ở nhiều vắc xin ({vaccines}): cần chọn vắc xin của lô.',
    en: 'Lot number "{lotNumber}" belongs to lots of several vaccines ({vaccines}): name the vaccine of the lot.',
  },
  /** `lotNumber`, `remaining`: the doses the facility holds of the lot before this session's vials. */
  vials_exceed_stock: {
    status: 422,
    vi: 'Số lọ đã mở của lô {lotNumber} vượt quá số liều cơ sở đang có ({remaining} liều).',
    en: 'The vials opened of lot {lotNumber} exceed the doses the facility holds ({remaining}).',
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
  /** `count`: how many questions asked have no answer (`questions` beside `error`: their ids). */
  screening_unanswered: {
    status: 400,
    vi: 'Còn {count} câu hỏi sàng lọc chưa trả lời.',
    en: 'Screening questions without an answer: {count}.',
  },
  /** `questions`: the questions whose answer contradicts the person's record, in each language. */
  screening_answer_conflicts: {
    status: 422,
    vi: 'Câu trả lời không khớp với hồ sơ của người này: {questions}.',
    en: "The answer contradicts the person's record: {questions}.",
  },
  /**
   * `count`: visits of the session not done — waiting, being screened or in observation (`visits`
   * beside `error`: each with its id, queue number, status and person).
   */
  session_visits_unresolved: {
    status: 409,
    vi: 'Còn {count} người chưa xong lượt tiêm (đang chờ, đang khám sàng lọc hoặc đang theo dõi sau tiêm): chọn chuyển sang buổi tiêm khác hoặc ghi nhận đã rời đi cho từng người.',
    en: 'Visits not done yet: {count} (waiting, in screening or in observation). Hand each over to another session or record that the person left.',
  },
  /** An outcome given at closing for a visit that is not an unfinished visit of this session, or that cannot take it. */
  session_visit_outcome_invalid: {
    status: 409,
    vi: 'Không thể xử lý lượt số {queueNumber} theo cách đã chọn.',
    en: 'Visit number {queueNumber} cannot be resolved that way.',
  },
  /** The session to hand people over to is not another open session of the same facility. */
  handover_session_invalid: {
    status: 409,
    vi: 'Chỉ chuyển được sang một buổi tiêm khác đang mở tại cùng cơ sở.',
    en: 'People can only be handed over to another open session at the same facility.',
  },
} as const satisfies Record<string, ErrorEntry>;
