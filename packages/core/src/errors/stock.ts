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
  lot_received_expired: {
    status: 422,
    vi: 'Lô {lotNumber} đã hết hạn ngày {expiresOn}, trước ngày nhận: không nhận được vào kho.',
    en: 'Lot {lotNumber} expired on {expiresOn}, before the day it was received: it cannot be taken into stock.',
  },
  /** `from`, `to`: the first and last day a lot can be received on now (core's `receiptDateRange`), in each language. */
  lot_receipt_date_out_of_range: {
    status: 400,
    vi: 'Ngày nhận lô phải trong khoảng từ {from} đến {to}.',
    en: 'The date received must be from {from} to {to}.',
  },
  allocation_lot_expired: {
    status: 409,
    vi: 'Lô {lotNumber} đã hết hạn ngày {expiresOn}: không phân bổ được.',
    en: 'Lot {lotNumber} expired on {expiresOn}: it cannot be allocated.',
  },
  allocation_date_in_future: {
    status: 400,
    vi: 'Ngày phân bổ ở tương lai.',
    en: 'The allocation is dated in the future.',
  },
  /** `receivedOn`: the first day the holder received doses of the lot. */
  allocation_before_receipt: {
    status: 400,
    vi: 'Lô {lotNumber} được nhận ngày {receivedOn}: không phân bổ được trước ngày nhận.',
    en: 'Lot {lotNumber} was received on {receivedOn}: it cannot be allocated before that day.',
  },
  allocation_target_invalid: {
    status: 400,
    vi: 'Chọn nơi nhận: tỉnh phân bổ cho huyện hoặc cơ sở tiêm, huyện phân bổ cho cơ sở tiêm của huyện.',
    en: 'Choose who receives the doses: a province allocates to a district or a facility, a district to its facilities.',
  },
} as const satisfies Record<string, ErrorEntry>;
