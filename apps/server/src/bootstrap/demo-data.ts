import { nameSearchKey, type Role } from '@tiemchung/core';
import type { NewAdminUnit } from '../db/schema.js';

/**
 * Demo data for `npm start` on an empty database: a few real districts, communes and facilities
 * (official 2021 codes) in Hà Nội, TP Hồ Chí Minh and Đồng Tháp, and one user of each role.
 * Listed in the README.
 */
type Commune = [code: string, name: string, type: string];
type District = { code: string; name: string; type: string; communes: Commune[] };

export const DEMO_UNITS: Record<string, District[]> = {
  '01': [
    {
      code: '001',
      name: 'Quận Ba Đình',
      type: 'Quận',
      communes: [
        ['00001', 'Phường Phúc Xá', 'Phường'],
        ['00004', 'Phường Trúc Bạch', 'Phường'],
        ['00006', 'Phường Vĩnh Phúc', 'Phường'],
      ],
    },
    {
      code: '002',
      name: 'Quận Hoàn Kiếm',
      type: 'Quận',
      communes: [
        ['00037', 'Phường Phúc Tân', 'Phường'],
        ['00040', 'Phường Đồng Xuân', 'Phường'],
      ],
    },
  ],
  '79': [
    {
      code: '760',
      name: 'Quận 1',
      type: 'Quận',
      communes: [
        ['26734', 'Phường Tân Định', 'Phường'],
        ['26737', 'Phường Đa Kao', 'Phường'],
        ['26740', 'Phường Bến Nghé', 'Phường'],
      ],
    },
    {
      code: '764',
      name: 'Quận Gò Vấp',
      type: 'Quận',
      communes: [
        ['26869', 'Phường 15', 'Phường'],
        ['26872', 'Phường 13', 'Phường'],
      ],
    },
  ],
  '87': [
    {
      code: '866',
      name: 'Thành phố Cao Lãnh',
      type: 'Thành phố',
      communes: [
        ['29863', 'Phường 11', 'Phường'],
        ['29866', 'Phường 1', 'Phường'],
        ['29869', 'Phường 2', 'Phường'],
      ],
    },
    {
      code: '867',
      name: 'Thành phố Sa Đéc',
      type: 'Thành phố',
      communes: [
        ['29902', 'Phường 3', 'Phường'],
        ['29905', 'Phường 1', 'Phường'],
      ],
    },
  ],
};

/** The district and commune rows of the demo units (provinces ship with the platform). */
export function demoUnitRows(): NewAdminUnit[] {
  const rows: NewAdminUnit[] = [];
  for (const [provinceCode, districts] of Object.entries(DEMO_UNITS)) {
    for (const d of districts) {
      const base = { scheme: '2021' as const, province_code: provinceCode, valid_from: '2021-11-01', valid_to: null };
      rows.push({
        ...base,
        code: d.code,
        level: 'district',
        name: d.name,
        type: d.type,
        parent_code: provinceCode,
        district_code: d.code,
        name_key: nameSearchKey(d.name),
      });
      for (const [code, name, type] of d.communes) {
        rows.push({
          ...base,
          code,
          level: 'commune',
          name,
          type,
          parent_code: d.code,
          district_code: d.code,
          name_key: nameSearchKey(name),
        });
      }
    }
  }
  return rows;
}

export const DEMO_FACILITIES = [
  {
    id: 'HN-BD-01',
    name: 'Trạm Y tế phường Phúc Xá',
    kind: 'health_station',
    province_code: '01',
    district_code: '001',
    commune_code: '00001',
    address: 'Phường Phúc Xá, Quận Ba Đình, Hà Nội',
  },
  {
    id: 'HN-HK-01',
    name: 'Trung tâm Y tế quận Hoàn Kiếm',
    kind: 'district_health_centre',
    province_code: '01',
    district_code: '002',
    commune_code: null,
    address: 'Quận Hoàn Kiếm, Hà Nội',
  },
  {
    id: 'HCM-Q1-01',
    name: 'Trạm Y tế phường Bến Nghé',
    kind: 'health_station',
    province_code: '79',
    district_code: '760',
    commune_code: '26740',
    address: 'Phường Bến Nghé, Quận 1, TP Hồ Chí Minh',
  },
  {
    id: 'HCM-GV-01',
    name: 'Trung tâm Y tế quận Gò Vấp',
    kind: 'district_health_centre',
    province_code: '79',
    district_code: '764',
    commune_code: null,
    address: 'Quận Gò Vấp, TP Hồ Chí Minh',
  },
  {
    id: 'DT-CL-01',
    name: 'Trạm Y tế Phường 1, TP Cao Lãnh',
    kind: 'health_station',
    province_code: '87',
    district_code: '866',
    commune_code: '29866',
    address: 'Phường 1, TP Cao Lãnh, Đồng Tháp',
  },
  {
    id: 'DT-SD-01',
    name: 'Bệnh viện Đa khoa Sa Đéc',
    kind: 'hospital',
    province_code: '87',
    district_code: '867',
    commune_code: null,
    address: 'TP Sa Đéc, Đồng Tháp',
  },
] as const;

/** One user of each role (password: DEMO_PASSWORD), plus a second province to show scoping. */
export const DEMO_USERS: {
  username: string;
  role: Role;
  displayName: string;
  unitCode?: string;
  facilityId?: string;
}[] = [
  { username: 'hanoi.admin', role: 'province_admin', displayName: 'Sở Y tế Hà Nội', unitCode: '01' },
  { username: 'dongthap.admin', role: 'province_admin', displayName: 'Sở Y tế Đồng Tháp', unitCode: '87' },
  { username: 'caolanh.admin', role: 'district_admin', displayName: 'Trung tâm Y tế TP Cao Lãnh', unitCode: '866' },
  {
    username: 'caolanh.tiem',
    role: 'site_staff',
    displayName: 'Nguyễn Thị Hồng (Trạm Y tế Phường 1)',
    facilityId: 'DT-CL-01',
  },
  {
    username: 'hanoi.tiem',
    role: 'site_staff',
    displayName: 'Trần Văn Minh (Trạm Y tế Phúc Xá)',
    facilityId: 'HN-BD-01',
  },
  { username: 'dongthap.phananh', role: 'report_handler', displayName: 'Xử lý phản ánh Đồng Tháp', unitCode: '87' },
  { username: 'hanoi.phananh', role: 'report_handler', displayName: 'Xử lý phản ánh Hà Nội', unitCode: '01' },
];

/** One demo lot of every vaccine, valid from 2021 on (expiry far ahead), held by every demo facility. */
export const DEMO_LOTS: { vaccineCode: string; lotNumber: string }[] = [
  { vaccineCode: 'EU/1/21/1529', lotNumber: 'ABV5811' },
  { vaccineCode: 'Sputnik-V', lotNumber: 'II-310521' },
  { vaccineCode: 'BBIBP-CorV', lotNumber: '202108B2316' },
  { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' },
  { vaccineCode: 'EU/1/20/1507', lotNumber: '3002183' },
  { vaccineCode: 'EU/1/20/1525', lotNumber: '1821006' },
  { vaccineCode: 'Hayat-Vax', lotNumber: 'HV21A001' },
  { vaccineCode: 'Abdala', lotNumber: 'A2109' },
];
export const DEMO_LOT_EXPIRY = '2027-12-31';

/**
 * The demo population: a SYNTHETIC file (made-up figures, `reference/README.md`) of the demo
 * communes by sex and age band, loaded when no population import exists, with this source.
 */
export const DEMO_POPULATION = {
  file: new URL('../../../../reference/population/demo-population.csv', import.meta.url),
  source: 'Dữ liệu minh hoạ (không phải số liệu chính thức)',
  year: 2021,
} as const;
