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
    vi: 'Mật khẩu phải có ít nhất 10 ký tự nhìn thấy được (không tính khoảng trắng).',
    en: 'The password must have at least 10 visible characters (spaces not counted).',
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
  /** A unit given beside a facility that is not one of the facility's own units. */
  user_unit_not_of_facility: {
    status: 400,
    vi: 'Đơn vị đã chọn không phải đơn vị của cơ sở tiêm đã chọn: tài khoản gắn với cơ sở tiêm, hãy bỏ mã đơn vị.',
    en: 'The unit given is not the unit of the facility given: the account is bound to the facility; leave the unit out.',
  },
  role_unit_required: {
    status: 400,
    vi: 'Cần chọn đơn vị hoặc cơ sở cho người dùng này.',
    en: 'A unit or facility is required for this role.',
  },
  password_contains_username: {
    status: 400,
    vi: 'Mật khẩu không được chứa tên đăng nhập.',
    en: 'The password must not contain the username.',
  },
  password_unchanged: {
    status: 400,
    vi: 'Mật khẩu mới phải khác mật khẩu hiện tại.',
    en: 'The new password must differ from the current one.',
  },
  current_password_wrong: {
    status: 400,
    vi: 'Mật khẩu hiện tại không đúng.',
    en: 'The current password is wrong.',
  },
  /** Every staff endpoint but the account's own (me, password change) until the password is changed. */
  password_change_required: {
    status: 403,
    vi: 'Bạn cần đổi mật khẩu trước khi tiếp tục.',
    en: 'You must change your password before going on.',
  },
  role_not_assignable: {
    status: 403,
    vi: 'Bạn không thể cấp vai trò này.',
    en: 'You may not give this role.',
  },
  user_not_manageable: {
    status: 403,
    vi: 'Tài khoản này do cấp trên quản lý, bạn không thể thay đổi.',
    en: 'This account is managed at a higher level; you may not change it.',
  },
  own_account: {
    status: 403,
    vi: 'Không thể tự đổi vai trò, khoá hay đặt lại mật khẩu tài khoản của chính mình. Hãy dùng chức năng Đổi mật khẩu.',
    en: 'You may not change the role of, disable or reset your own account. Use Change password instead.',
  },
} as const satisfies Record<string, ErrorEntry>;
