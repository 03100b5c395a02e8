import type { ErrorEntry } from './entry.js';

/** Recording doses (the dose rules' own codes are in rules.ts). */
export const DOSE_ERRORS = {
  idempotency_key_reused: {
    status: 422,
    vi: 'Mã Idempotency-Key này đã được dùng cho một mũi tiêm khác.',
    en: 'This Idempotency-Key was already used for a different dose.',
  },
} as const satisfies Record<string, ErrorEntry>;
