import type { ErrorEntry } from './entry.js';

/** Sign-in and user accounts (auth and users modules). */
export const USER_ERRORS = {
  invalid_credentials: {
    status: 401,
    vi: 'Sai tên đăng nhập hoặc mật khẩu.',
    en: 'Wrong username or password.',
  },
  too_many_attempts: {
    status: 429,
    vi: 'Bạn đã thử quá nhiều lần, vui lòng thử lại sau.',
    en: 'Too many attempts, please try again later.',
  },
  username_taken: {
    status: 409,
    vi: 'Tên đăng nhập đã được sử dụng.',
    en: 'This username is already taken.',
  },
  weak_password: {
    status: 400,
    vi: 'Mật khẩu phải có ít nhất 10 ký tự.',
    en: 'The password must have at least 10 characters.',
  },
  role_not_at_facility: {
    status: 400,
    vi: 'Vai trò này không gắn với một cơ sở tiêm.',
    en: 'This role is not bound to a facility.',
  },
  /** `levels`: the unit levels the role may be bound to, e.g. "tỉnh hoặc huyện" / "province or district". */
  role_unit_level_mismatch: {
    status: 400,
    vi: 'Vai trò này phải gắn với đơn vị cấp {levels}.',
    en: 'This role must be bound to a {levels}.',
  },
  role_unit_required: {
    status: 400,
    vi: 'Cần chọn đơn vị hoặc cơ sở cho người dùng này.',
    en: 'A unit or facility is required for this role.',
  },
} as const satisfies Record<string, ErrorEntry>;
