import type { ErrorEntry } from './entry.js';

/** Identity approvals: the desk asks a supervisor to approve a person the population database does not confirm. */
export const APPROVAL_ERRORS = {
  approval_not_needed: {
    status: 409,
    vi: 'Định danh của người này đã được xác thực hoặc đã được cấp trên phê duyệt: không cần gửi đề nghị.',
    en: 'This person’s identity is already verified or approved by a supervisor: no request is needed.',
  },
  approval_pending: {
    status: 409,
    vi: 'Đã có đề nghị phê duyệt định danh của người này đang chờ cấp trên xử lý.',
    en: 'A request to approve this person’s identity is already waiting for a supervisor.',
  },
  approval_already_decided: {
    status: 409,
    vi: 'Đề nghị này đã được cấp trên xử lý trước đó.',
    en: 'This request has already been decided.',
  },
  approval_own_request: {
    status: 403,
    vi: 'Không thể tự phê duyệt đề nghị do chính mình gửi: cần một cán bộ khác quyết định.',
    en: 'You cannot decide a request you sent yourself: another supervisor must decide it.',
  },
  approval_refused: {
    status: 409,
    vi: 'Cấp trên đã từ chối phê duyệt định danh của người này với thông tin hiện tại: không thể tự cho phép tiêm. Hãy sửa thông tin định danh, hoặc gửi đề nghị mới để một cán bộ khác quyết định.',
    en: 'A supervisor refused to approve this person’s identity with the details as they are: it cannot be overridden directly. Correct the identity details, or send a new request for another supervisor to decide.',
  },
  approval_outdated: {
    status: 409,
    vi: 'Thông tin định danh đã được sửa sau khi gửi đề nghị: không thể phê duyệt đề nghị này, hãy từ chối để điểm tiêm gửi lại.',
    en: 'The identity details were changed after the request was sent: it cannot be approved; refuse it so the site can send a new one.',
  },
} as const satisfies Record<string, ErrorEntry>;
