/**
 * The 63 provinces and centrally-run cities of Vietnam as in force on 1 Nov 2021 (statistics
 * office list). Their two-digit codes, prefixed by `0`, open every 12-digit CCCD / personal
 * identification number: the code of the province where the birth was registered.
 *
 * The platform ships only this list; districts, communes and the 2025 two-level units are
 * imported from the official files by `npm run import`.
 */
export interface Province2021 {
  /** Official two-digit code, e.g. "01" Hà Nội, "79" TP Hồ Chí Minh, "87" Đồng Tháp. */
  readonly code: string;
  /** Official full name, e.g. "Tỉnh Đồng Tháp". */
  readonly name: string;
  /** Name without the administrative prefix, as people say it. */
  readonly shortName: string;
  readonly type: 'city' | 'province';
}

export const PROVINCES_2021: readonly Province2021[] = Object.freeze([
  { code: '01', name: 'Thành phố Hà Nội', shortName: 'Hà Nội', type: 'city' },
  { code: '02', name: 'Tỉnh Hà Giang', shortName: 'Hà Giang', type: 'province' },
  { code: '04', name: 'Tỉnh Cao Bằng', shortName: 'Cao Bằng', type: 'province' },
  { code: '06', name: 'Tỉnh Bắc Kạn', shortName: 'Bắc Kạn', type: 'province' },
  { code: '08', name: 'Tỉnh Tuyên Quang', shortName: 'Tuyên Quang', type: 'province' },
  { code: '10', name: 'Tỉnh Lào Cai', shortName: 'Lào Cai', type: 'province' },
  { code: '11', name: 'Tỉnh Điện Biên', shortName: 'Điện Biên', type: 'province' },
  { code: '12', name: 'Tỉnh Lai Châu', shortName: 'Lai Châu', type: 'province' },
  { code: '14', name: 'Tỉnh Sơn La', shortName: 'Sơn La', type: 'province' },
  { code: '15', name: 'Tỉnh Yên Bái', shortName: 'Yên Bái', type: 'province' },
  { code: '17', name: 'Tỉnh Hoà Bình', shortName: 'Hoà Bình', type: 'province' },
  { code: '19', name: 'Tỉnh Thái Nguyên', shortName: 'Thái Nguyên', type: 'province' },
  { code: '20', name: 'Tỉnh Lạng Sơn', shortName: 'Lạng Sơn', type: 'province' },
  { code: '22', name: 'Tỉnh Quảng Ninh', shortName: 'Quảng Ninh', type: 'province' },
  { code: '24', name: 'Tỉnh Bắc Giang', shortName: 'Bắc Giang', type: 'province' },
  { code: '25', name: 'Tỉnh Phú Thọ', shortName: 'Phú Thọ', type: 'province' },
  { code: '26', name: 'Tỉnh Vĩnh Phúc', shortName: 'Vĩnh Phúc', type: 'province' },
  { code: '27', name: 'Tỉnh Bắc Ninh', shortName: 'Bắc Ninh', type: 'province' },
  { code: '30', name: 'Tỉnh Hải Dương', shortName: 'Hải Dương', type: 'province' },
  { code: '31', name: 'Thành phố Hải Phòng', shortName: 'Hải Phòng', type: 'city' },
  { code: '33', name: 'Tỉnh Hưng Yên', shortName: 'Hưng Yên', type: 'province' },
  { code: '34', name: 'Tỉnh Thái Bình', shortName: 'Thái Bình', type: 'province' },
  { code: '35', name: 'Tỉnh Hà Nam', shortName: 'Hà Nam', type: 'province' },
  { code: '36', name: 'Tỉnh Nam Định', shortName: 'Nam Định', type: 'province' },
  { code: '37', name: 'Tỉnh Ninh Bình', shortName: 'Ninh Bình', type: 'province' },
  { code: '38', name: 'Tỉnh Thanh Hóa', shortName: 'Thanh Hóa', type: 'province' },
  { code: '40', name: 'Tỉnh Nghệ An', shortName: 'Nghệ An', type: 'province' },
  { code: '42', name: 'Tỉnh Hà Tĩnh', shortName: 'Hà Tĩnh', type: 'province' },
  { code: '44', name: 'Tỉnh Quảng Bình', shortName: 'Quảng Bình', type: 'province' },
  { code: '45', name: 'Tỉnh Quảng Trị', shortName: 'Quảng Trị', type: 'province' },
  { code: '46', name: 'Tỉnh Thừa Thiên Huế', shortName: 'Thừa Thiên Huế', type: 'province' },
  { code: '48', name: 'Thành phố Đà Nẵng', shortName: 'Đà Nẵng', type: 'city' },
  { code: '49', name: 'Tỉnh Quảng Nam', shortName: 'Quảng Nam', type: 'province' },
  { code: '51', name: 'Tỉnh Quảng Ngãi', shortName: 'Quảng Ngãi', type: 'province' },
  { code: '52', name: 'Tỉnh Bình Định', shortName: 'Bình Định', type: 'province' },
  { code: '54', name: 'Tỉnh Phú Yên', shortName: 'Phú Yên', type: 'province' },
  { code: '56', name: 'Tỉnh Khánh Hòa', shortName: 'Khánh Hòa', type: 'province' },
  { code: '58', name: 'Tỉnh Ninh Thuận', shortName: 'Ninh Thuận', type: 'province' },
  { code: '60', name: 'Tỉnh Bình Thuận', shortName: 'Bình Thuận', type: 'province' },
  { code: '62', name: 'Tỉnh Kon Tum', shortName: 'Kon Tum', type: 'province' },
  { code: '64', name: 'Tỉnh Gia Lai', shortName: 'Gia Lai', type: 'province' },
  { code: '66', name: 'Tỉnh Đắk Lắk', shortName: 'Đắk Lắk', type: 'province' },
  { code: '67', name: 'Tỉnh Đắk Nông', shortName: 'Đắk Nông', type: 'province' },
  { code: '68', name: 'Tỉnh Lâm Đồng', shortName: 'Lâm Đồng', type: 'province' },
  { code: '70', name: 'Tỉnh Bình Phước', shortName: 'Bình Phước', type: 'province' },
  { code: '72', name: 'Tỉnh Tây Ninh', shortName: 'Tây Ninh', type: 'province' },
  { code: '74', name: 'Tỉnh Bình Dương', shortName: 'Bình Dương', type: 'province' },
  { code: '75', name: 'Tỉnh Đồng Nai', shortName: 'Đồng Nai', type: 'province' },
  { code: '77', name: 'Tỉnh Bà Rịa - Vũng Tàu', shortName: 'Bà Rịa - Vũng Tàu', type: 'province' },
  { code: '79', name: 'Thành phố Hồ Chí Minh', shortName: 'TP Hồ Chí Minh', type: 'city' },
  { code: '80', name: 'Tỉnh Long An', shortName: 'Long An', type: 'province' },
  { code: '82', name: 'Tỉnh Tiền Giang', shortName: 'Tiền Giang', type: 'province' },
  { code: '83', name: 'Tỉnh Bến Tre', shortName: 'Bến Tre', type: 'province' },
  { code: '84', name: 'Tỉnh Trà Vinh', shortName: 'Trà Vinh', type: 'province' },
  { code: '86', name: 'Tỉnh Vĩnh Long', shortName: 'Vĩnh Long', type: 'province' },
  { code: '87', name: 'Tỉnh Đồng Tháp', shortName: 'Đồng Tháp', type: 'province' },
  { code: '89', name: 'Tỉnh An Giang', shortName: 'An Giang', type: 'province' },
  { code: '91', name: 'Tỉnh Kiên Giang', shortName: 'Kiên Giang', type: 'province' },
  { code: '92', name: 'Thành phố Cần Thơ', shortName: 'Cần Thơ', type: 'city' },
  { code: '93', name: 'Tỉnh Hậu Giang', shortName: 'Hậu Giang', type: 'province' },
  { code: '94', name: 'Tỉnh Sóc Trăng', shortName: 'Sóc Trăng', type: 'province' },
  { code: '95', name: 'Tỉnh Bạc Liêu', shortName: 'Bạc Liêu', type: 'province' },
  { code: '96', name: 'Tỉnh Cà Mau', shortName: 'Cà Mau', type: 'province' },
]);

const byCode = new Map(PROVINCES_2021.map((p) => [p.code, p]));

/** The 2021 province with this two-digit code, or undefined. */
export function provinceByCode(code: string): Province2021 | undefined {
  return byCode.get(code);
}

/** True when `code` is one of the 63 official two-digit province codes of 2021. */
export function isProvinceCode(code: string): boolean {
  return byCode.has(code);
}
