import type { ErrorEntry } from './entry.js';

/** Vaccine lots and their stock: receipts and allocations. */
export const STOCK_ERRORS = {
  lot_vaccine_unknown: {
    status: 400,
    vi: 'Không có vắc xin với mã này trong danh mục.',
    en: 'No vaccine has this code.',
  },
  lot_expiry_mismatch: {
    status: 409,
    vi: 'Lô {lotNumber} đã được ghi với hạn dùng {expiresOn}.',
    en: 'Lot {lotNumber} is already recorded with expiry {expiresOn}.',
  },
  insufficient_stock: {
    status: 409,
    vi: 'Không đủ vắc xin: lô {lotNumber} chỉ còn {remaining} liều.',
    en: 'Not enough doses: lot {lotNumber} has {remaining} left.',
  },
} as const satisfies Record<string, ErrorEntry>;
