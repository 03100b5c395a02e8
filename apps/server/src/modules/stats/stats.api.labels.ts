import {
  AGE_BAND_LABELS,
  type AgeBand,
  type DoseKind,
  type PriorityGroup,
  STATS_PRIORITY_UNKNOWN,
  type StatsLevel,
  vaccineByCode,
} from '@tiemchung/core';

/**
 * The Vietnamese labels the breakdowns name their rows and files with (the API answers them in
 * `label`, so the dashboard and the exports show the same words).
 */

export const NATION_NAME = 'Toàn quốc';

export const LEVEL_LABELS: Readonly<Record<StatsLevel, string>> = {
  nation: 'Toàn quốc',
  province: 'Tỉnh/thành phố',
  district: 'Quận/huyện',
  commune: 'Xã/phường',
  facility: 'Cơ sở tiêm',
  province2025: 'Tỉnh/thành phố (2025)',
  commune2025: 'Xã/phường (2025)',
};

const DOSE_KIND_LABELS: Readonly<Record<DoseKind, string>> = {
  primary: 'Mũi cơ bản',
  additional: 'Mũi bổ sung',
  booster: 'Mũi nhắc lại',
};

const SEX_LABELS: Readonly<Record<string, string>> = { male: 'Nam', female: 'Nữ' };

const PRIORITY_GROUP_LABELS: Readonly<Record<PriorityGroup | typeof STATS_PRIORITY_UNKNOWN, string>> = {
  health_worker: 'Nhân viên y tế',
  frontline: 'Lực lượng tuyến đầu chống dịch',
  essential_services: 'Người cung cấp dịch vụ thiết yếu',
  teacher: 'Giáo viên',
  elderly_65: 'Người từ 65 tuổi',
  chronic_disease: 'Người có bệnh nền',
  industrial_worker: 'Công nhân khu công nghiệp',
  other: 'Nhóm khác',
  [STATS_PRIORITY_UNKNOWN]: 'Chưa rõ nhóm ưu tiên',
};

/** `2021-10-01` → `01/10/2021`. */
export function viDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

export const doseNumberLabel = (n: number | string) => `Mũi ${n}`;
export const doseKindLabel = (k: string) => DOSE_KIND_LABELS[k as DoseKind] ?? k;
export const sexLabel = (s: string) => SEX_LABELS[s] ?? s;
export const ageBandLabel = (b: string) => AGE_BAND_LABELS[b as AgeBand]?.vi ?? b;
export const priorityGroupLabel = (g: string) => PRIORITY_GROUP_LABELS[g as PriorityGroup] ?? g;
export const vaccineLabel = (code: string) => {
  const v = vaccineByCode(code);
  return v ? `${v.localName} (${v.name})` : code;
};
export const weekLabel = (monday: string) => `Tuần từ ${viDate(monday)}`;
