import type { ErrorEntry } from './entry.js';

/** The official administrative-unit lists: imports from the administration screen. */
export const UNIT_ERRORS = {
  /** `file`: the file's name; `reason`: what is wrong, in English (the parser's words). */
  unit_import_invalid: {
    status: 400,
    vi: 'Tệp "{file}" không phải danh mục đơn vị hành chính chính thức: {reason}',
    en: 'The file "{file}" is not an official administrative-unit list: {reason}',
  },
  /** A job's failure when the server stopped while it ran (the list being written was not kept). */
  unit_import_interrupted: {
    status: 500,
    vi: 'Việc nhập danh mục bị gián đoạn (máy chủ dừng khi đang nhập); danh mục đang nhập dở không được lưu.',
    en: 'The import was interrupted (the server stopped while it ran); the list being written was not kept.',
  },
} as const satisfies Record<string, ErrorEntry>;
