import { type ComponentType, lazy } from 'react';
import type { Role } from '../../auth/roles';
import type { AdminKey } from './i18n';

/** One section of the administration area: its slug below /quan-tri/he-thong, label and roles. */
export interface AdminSection {
  id: 'users' | 'facilities' | 'units' | 'stock' | 'keys' | 'audit';
  /** Slug below the area (matches adminPaths). */
  path: string;
  labelKey: AdminKey;
  /** Roles that see the section; the API checks the same (and the scope) on every call. */
  roles: readonly Role[];
  /** Each section is its own lazily loaded chunk, with its own strings. */
  component: ComponentType;
}

const SUPERVISORS: readonly Role[] = ['national_admin', 'province_admin', 'district_admin'];

/** The sections, in the order of the area's navigation. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: 'users',
    path: 'nguoi-dung',
    labelKey: 'sections.users',
    roles: SUPERVISORS,
    component: lazy(() => import('./users/UsersSection')),
  },
  {
    id: 'facilities',
    path: 'co-so-tiem',
    labelKey: 'sections.facilities',
    roles: SUPERVISORS,
    component: lazy(() => import('./facilities/FacilitiesSection')),
  },
  {
    id: 'units',
    path: 'don-vi-hanh-chinh',
    labelKey: 'sections.units',
    roles: SUPERVISORS,
    component: lazy(() => import('./units/UnitsSection')),
  },
  {
    id: 'stock',
    path: 'vac-xin',
    labelKey: 'sections.stock',
    roles: SUPERVISORS,
    component: lazy(() => import('./stock/StockSection')),
  },
  {
    id: 'keys',
    path: 'khoa-ky',
    labelKey: 'sections.keys',
    roles: ['national_admin'],
    component: lazy(() => import('./keys/KeysSection')),
  },
  {
    id: 'audit',
    path: 'nhat-ky',
    labelKey: 'sections.audit',
    roles: SUPERVISORS,
    component: lazy(() => import('./audit/AuditSection')),
  },
];

export function sectionsFor(role: Role): AdminSection[] {
  return ADMIN_SECTIONS.filter((s) => s.roles.includes(role));
}
