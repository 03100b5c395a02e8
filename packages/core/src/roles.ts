import { z } from 'zod';
import type { Localized } from './i18n.js';

/** Staff roles. Each user is scoped to an administrative unit or a facility. */
export const ROLES = ['national_admin', 'province_admin', 'district_admin', 'site_staff', 'report_handler'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export const ROLE_LABELS: Record<Role, Localized> = {
  national_admin: { vi: 'Quản trị quốc gia', en: 'National administrator' },
  province_admin: { vi: 'Quản trị tỉnh', en: 'Province administrator' },
  district_admin: { vi: 'Quản trị huyện', en: 'District administrator' },
  site_staff: { vi: 'Nhân viên điểm tiêm', en: 'Vaccination site staff' },
  report_handler: { vi: 'Xử lý phản ánh', en: 'Report handler' },
};

/**
 * What a user's scope is anchored to. A national administrator sees the nation; others are
 * bound to a province, district or commune (administrative unit) or to one facility.
 */
export type ScopeLevel = 'nation' | 'province' | 'district' | 'commune' | 'facility';

/**
 * Where each role may be anchored. Report handlers work at a site, district or province (SPEC:
 * "report handler at site, district, province").
 */
export const ROLE_SCOPE_LEVELS: Record<Role, readonly ScopeLevel[]> = {
  national_admin: ['nation'],
  province_admin: ['province'],
  district_admin: ['district'],
  site_staff: ['facility'],
  report_handler: ['province', 'district', 'commune', 'facility'],
};

/** Supervisors: may approve identity overrides and dose-rule overrides, merge records, manage users. */
export const SUPERVISOR_ROLES = [
  'national_admin',
  'province_admin',
  'district_admin',
] as const satisfies readonly Role[];

/** Everyone who works a vaccination site's desk and sessions (not report handlers). */
export const VACCINATION_ROLES = [
  'national_admin',
  'province_admin',
  'district_admin',
  'site_staff',
] as const satisfies readonly Role[];

/** Everyone who handles citizens' reports. */
export const REPORT_ROLES = [
  'national_admin',
  'province_admin',
  'district_admin',
  'report_handler',
] as const satisfies readonly Role[];
