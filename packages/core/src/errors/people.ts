import type { ErrorEntry } from './entry.js';

/** People: records, search and merges (the ID number, name and phone rules are in rules.ts). */
export const PEOPLE_ERRORS = {
  duplicate_person: {
    status: 409,
    vi: 'Số định danh này đã được đăng ký cho một người khác.',
    en: 'This ID number is already registered to a person.',
  },
  date_of_birth_in_future: {
    status: 400,
    vi: 'Ngày sinh không được ở tương lai.',
    en: 'The date of birth cannot be in the future.',
  },
  date_of_birth_too_early: {
    status: 400,
    vi: 'Ngày sinh phải từ năm 1900 trở về sau.',
    en: 'The date of birth must be in 1900 or later.',
  },
  query_too_short: {
    status: 400,
    vi: 'Nhập ít nhất 2 ký tự để tìm kiếm.',
    en: 'Type at least 2 characters to search.',
  },
  merge_with_itself: {
    status: 400,
    vi: 'Không thể gộp một hồ sơ với chính nó.',
    en: 'A record cannot be merged with itself.',
  },
  already_merged: {
    status: 409,
    vi: 'Một trong hai hồ sơ đã được gộp trước đó.',
    en: 'One of the records has already been merged.',
  },
} as const satisfies Record<string, ErrorEntry>;
