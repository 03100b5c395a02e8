import { cccdCenturySexDigit, type Sex } from './identity/id-number.js';
import { VN_MOBILE_PREFIXES } from './identity/phone.js';
import { PROVINCES_2021 } from './provinces.js';

/**
 * A deterministic synthetic population of Vietnam: Vietnamese names with diacritics, realistic
 * ages, sexes and provinces, and CCCD numbers consistent with them. The same seed always gives the
 * same people, in the same order. Used by the population-registry simulator (its citizens) and by
 * the benchmarks (millions of people). Pure: no I/O, no global randomness.
 */
export interface SyntheticPerson {
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: Sex;
  readonly idNumber: string;
  readonly phone: string;
  readonly provinceCode: string;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function weighted<T>(items: readonly (readonly [T, number])[]): (r: number) => T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of items) {
    acc += w / total;
    cumulative.push(acc);
  }
  return (r) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r < (cumulative[mid] ?? 1)) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]![0];
  };
}

// Family names with their approximate shares in Vietnam.
const FAMILY = weighted([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7.1],
  ['Hoàng', 5.1],
  ['Huỳnh', 2.5],
  ['Phan', 4.5],
  ['Vũ', 3.9],
  ['Võ', 2.5],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đinh', 0.6],
  ['Trương', 0.6],
  ['Lương', 0.4],
  ['Đoàn', 0.4],
  ['Trịnh', 0.4],
  ['Cao', 0.3],
  ['Mai', 0.3],
  ['Tạ', 0.2],
  ['Lâm', 0.3],
  ['Hà', 0.3],
  ['Châu', 0.2],
  ['Quách', 0.1],
  ['Thái', 0.2],
  ['Kiều', 0.1],
] as const);

const MIDDLE: Record<Sex, (r: number) => string> = {
  male: weighted([
    ['Văn', 30],
    ['Hữu', 6],
    ['Đức', 8],
    ['Minh', 10],
    ['Quốc', 6],
    ['Thanh', 6],
    ['Xuân', 3],
    ['Công', 4],
    ['Ngọc', 3],
    ['Hoàng', 4],
    ['Tuấn', 2],
    ['Trọng', 3],
    ['Gia', 3],
    ['Anh', 3],
    ['Thành', 3],
    ['Đình', 4],
  ] as const),
  female: weighted([
    ['Thị', 40],
    ['Ngọc', 10],
    ['Thu', 6],
    ['Thanh', 6],
    ['Minh', 5],
    ['Kim', 5],
    ['Hồng', 4],
    ['Bảo', 3],
    ['Phương', 4],
    ['Mỹ', 4],
    ['Khánh', 3],
    ['Diệu', 2],
    ['Thuỳ', 3],
    ['Hải', 2],
    ['Quỳnh', 3],
  ] as const),
};

const GIVEN: Record<Sex, readonly string[]> = {
  male: [
    'An',
    'Anh',
    'Bình',
    'Cường',
    'Dũng',
    'Duy',
    'Đạt',
    'Đông',
    'Giang',
    'Hải',
    'Hiếu',
    'Hoà',
    'Hùng',
    'Huy',
    'Hưng',
    'Khánh',
    'Khoa',
    'Kiên',
    'Long',
    'Lộc',
    'Lợi',
    'Mạnh',
    'Minh',
    'Nam',
    'Nghĩa',
    'Phong',
    'Phúc',
    'Quang',
    'Quân',
    'Sơn',
    'Tài',
    'Tâm',
    'Thắng',
    'Thành',
    'Thịnh',
    'Tiến',
    'Toàn',
    'Trung',
    'Tuấn',
    'Tùng',
    'Việt',
    'Vinh',
    'Vũ',
    'Bảo',
    'Châu',
    'Đức',
    'Hậu',
    'Khải',
    'Nhân',
    'Trí',
  ],
  female: [
    'An',
    'Anh',
    'Ánh',
    'Bích',
    'Châu',
    'Chi',
    'Dung',
    'Duyên',
    'Giang',
    'Hà',
    'Hạnh',
    'Hằng',
    'Hiền',
    'Hoa',
    'Hoài',
    'Hồng',
    'Huệ',
    'Hương',
    'Huyền',
    'Lan',
    'Liên',
    'Linh',
    'Loan',
    'Mai',
    'My',
    'Nga',
    'Ngân',
    'Ngọc',
    'Nhung',
    'Oanh',
    'Phương',
    'Quyên',
    'Quỳnh',
    'Thảo',
    'Thanh',
    'Thơ',
    'Thu',
    'Thuỷ',
    'Trang',
    'Trinh',
    'Tuyết',
    'Uyên',
    'Vân',
    'Vy',
    'Xuân',
    'Yến',
    'Nhi',
    'Tâm',
    'Diệp',
    'Khuê',
  ],
};

// Approximate population (thousands, 2019 census) to weight provinces.
const PROVINCE_POP: Record<string, number> = {
  '01': 8054,
  '79': 8993,
  '87': 1600,
  '38': 3640,
  '40': 3327,
  '74': 2426,
  '75': 3097,
  '89': 1908,
  '31': 2028,
  '33': 1252,
  '27': 1369,
  '24': 1804,
  '36': 1781,
  '34': 1861,
  '26': 1152,
  '30': 1892,
  '22': 1320,
  '19': 1287,
  '25': 1464,
  '42': 1289,
  '44': 896,
  '45': 633,
  '46': 1129,
  '48': 1134,
  '49': 1496,
  '51': 1232,
  '52': 1487,
  '54': 873,
  '56': 1232,
  '58': 591,
  '60': 1231,
  '62': 540,
  '64': 1514,
  '66': 1869,
  '67': 622,
  '68': 1297,
  '70': 995,
  '72': 1170,
  '77': 1149,
  '80': 1689,
  '82': 1765,
  '83': 1289,
  '84': 1009,
  '86': 1023,
  '91': 1723,
  '92': 1236,
  '93': 734,
  '94': 1200,
  '95': 908,
  '96': 1194,
  '02': 854,
  '04': 530,
  '06': 314,
  '08': 785,
  '10': 731,
  '11': 599,
  '12': 460,
  '14': 1249,
  '15': 822,
  '17': 855,
  '20': 782,
  '35': 853,
  '37': 983,
};
const PROVINCE = weighted(PROVINCES_2021.map((p) => [p.code, PROVINCE_POP[p.code] ?? 1000] as const));

// Adults by age (2021), roughly following the population pyramid; vaccination started with adults.
const AGE_BAND = weighted([
  [[18, 24], 11],
  [[25, 34], 17],
  [[35, 44], 16],
  [[45, 54], 13],
  [[55, 64], 10],
  [[65, 74], 5],
  [[75, 95], 3],
  [[12, 17], 8],
] as const);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A generator of `count` people for `seed`. CCCD serials are unique: within each (province,
 * century-sex digit, birth year) bucket a counter walks a bijection of 0…999 999.
 */
export function* syntheticPopulation(seed: string | number, count: number): Generator<SyntheticPerson> {
  const rnd = prng(typeof seed === 'number' ? seed : seedOf(seed));
  const counters = new Map<string, number>();
  const offset = Math.floor(rnd() * 1_000_000);
  for (let i = 0; i < count; i++) {
    const gender: Sex = rnd() < 0.5 ? 'male' : 'female';
    const family = FAMILY(rnd());
    const middle = MIDDLE[gender](rnd());
    const givenList = GIVEN[gender];
    const given = givenList[Math.floor(rnd() * givenList.length)]!;
    // One in five has two given names ("Nguyễn Thị Ánh Tuyết").
    const extra = rnd() < 0.2 ? `${givenList[Math.floor(rnd() * givenList.length)]!} ` : '';
    const fullName = `${family} ${middle} ${extra}${given}`;
    const [minAge, maxAge] = AGE_BAND(rnd());
    const year = 2021 - (minAge + Math.floor(rnd() * (maxAge - minAge + 1)));
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const provinceCode = PROVINCE(rnd());
    const centuryDigit = cccdCenturySexDigit(year, gender);
    const bucket = `${provinceCode}${centuryDigit}${pad(year % 100, 2)}`;
    const n = counters.get(bucket) ?? 0;
    counters.set(bucket, n + 1);
    // 7919 is coprime with 10⁶, so n ↦ (n·7919 + offset) mod 10⁶ is a bijection.
    const serial = (n * 7919 + offset) % 1_000_000;
    const prefix = VN_MOBILE_PREFIXES[Math.floor(rnd() * VN_MOBILE_PREFIXES.length)]!;
    const phone = `${prefix}${pad(Math.floor(rnd() * 10_000_000), 7)}`;
    yield {
      fullName,
      dateOfBirth: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
      gender,
      idNumber: `0${bucket}${pad(serial, 6)}`,
      phone,
      provinceCode,
    };
  }
}
