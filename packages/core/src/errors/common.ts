import type { ErrorEntry } from './entry.js';

/** Errors of the request itself, of access and of the platform, answered by every module. */
export const COMMON_ERRORS = {
  validation_failed: { status: 400, vi: 'Dữ liệu không hợp lệ.', en: 'The input is not valid.' },
  invalid_json: {
    status: 400,
    vi: 'Nội dung gửi lên không phải JSON hợp lệ.',
    en: 'The request body is not valid JSON.',
  },
  bad_request: {
    status: 400,
    vi: 'Yêu cầu gửi lên không đúng định dạng.',
    en: 'The request is malformed.',
  },
  malformed_multipart: {
    status: 400,
    vi: 'Dữ liệu tải lên không đúng định dạng multipart/form-data.',
    en: 'The upload is not a well-formed multipart/form-data body.',
  },
  request_timeout: {
    status: 408,
    vi: 'Yêu cầu gửi lên quá chậm nên đã hết thời gian chờ.',
    en: 'The request took too long to arrive.',
  },
  uri_too_long: { status: 414, vi: 'Địa chỉ yêu cầu quá dài.', en: 'The request address is too long.' },
  headers_too_large: {
    status: 431,
    vi: 'Địa chỉ hoặc phần tiêu đề (header) của yêu cầu quá lớn.',
    en: 'The request line or headers are too large.',
  },
  payload_too_large: {
    status: 413,
    vi: 'Dữ liệu gửi lên quá lớn.',
    en: 'The request body is too large.',
  },
  unsupported_media_type: {
    status: 415,
    vi: 'Kiểu dữ liệu gửi lên không được hỗ trợ.',
    en: 'The content type is not supported.',
  },
  precondition_failed: {
    status: 412,
    vi: 'Tệp đã thay đổi so với điều kiện nêu trong yêu cầu.',
    en: 'The file does not meet the request’s precondition.',
  },
  range_not_satisfiable: {
    status: 416,
    vi: 'Khoảng dữ liệu yêu cầu nằm ngoài kích thước của tệp.',
    en: 'The requested range is outside the file.',
  },
  route_not_found: {
    status: 404,
    vi: 'Không tìm thấy địa chỉ yêu cầu.',
    en: 'No such endpoint.',
  },
  not_found: { status: 404, vi: 'Không tìm thấy dữ liệu.', en: 'Not found.' },
  unauthenticated: {
    status: 401,
    vi: 'Bạn cần đăng nhập để tiếp tục.',
    en: 'You need to sign in.',
  },
  forbidden: {
    status: 403,
    vi: 'Bạn không có quyền thực hiện thao tác này.',
    en: 'You are not allowed to do this.',
  },
  out_of_scope: {
    status: 403,
    vi: 'Dữ liệu này nằm ngoài đơn vị bạn được giao quản lý.',
    en: 'This is outside the units you are assigned to.',
  },
  cross_site_request: {
    status: 403,
    vi: 'Yêu cầu đến từ một trang web khác nên đã bị từ chối. Hãy thao tác trực tiếp trên trang của hệ thống.',
    en: 'The request came from another website and was refused. Use the platform’s own pages.',
  },
  too_many_requests: {
    status: 429,
    vi: 'Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau.',
    en: 'Too many requests, please try again later.',
  },
  conflict: { status: 409, vi: 'Dữ liệu bị xung đột.', en: 'Conflict.' },
  unknown_unit: {
    status: 400,
    vi: 'Không có đơn vị hành chính với mã này.',
    en: 'No administrative unit has this code.',
  },
  unknown_facility: {
    status: 400,
    vi: 'Không có cơ sở tiêm với mã này.',
    en: 'No vaccination facility has this id.',
  },
  facility_not_found: {
    status: 404,
    vi: 'Không tìm thấy cơ sở tiêm với mã này.',
    en: 'No vaccination facility has this id.',
  },
  service_unavailable: {
    status: 503,
    vi: 'Hệ thống đang bận hoặc tạm ngừng, vui lòng thử lại sau.',
    en: 'The service is unavailable, please try again later.',
  },
  internal_error: {
    status: 500,
    vi: 'Đã có lỗi xảy ra, vui lòng thử lại sau.',
    en: 'Something went wrong, please try again later.',
  },
} as const satisfies Record<string, ErrorEntry>;
