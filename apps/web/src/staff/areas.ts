import { type ComponentType, lazy } from 'react';
import { ROLES, type Role } from '../auth/roles';
import type { SessionUser } from '../auth/types';
import type vi from '../i18n/vi.json';
import { paths } from '../paths';
import { ADMIN_PATH } from './admin/paths';
import { APPROVALS_PATH } from './approvals/paths';
import { DUPLICATES_PATH } from './duplicates/paths';
import { HomePage } from './home/HomePage';
import { IMPORTS_PATH } from './imports/paths';
import { RECEPTION_PATH } from './reception/paths';
import { REGISTRATIONS_PATH } from './registrations/paths';
import { REPORTS_PATH } from './reports/paths';
import { SESSION_PATH } from './session/paths';
import { STATS_PATH } from './stats/paths';

/** Navigation labels: keys under `nav.` in the i18n resources. */
export type NavLabelKey = `nav.${Exclude<keyof (typeof vi)['nav'], 'label'>}`;

/** One area (function) of the staff app: its place in the navigation, its route and who may use it. */
export interface StaffAreaDef {
  /** Stable identifier (React key, tests). */
  id: string;
  /** Path below /quan-tri, without slashes; '' is the staff home. The area owns `${path}/*`. */
  path: string;
  /** Navigation label (i18n key). */
  labelKey: NavLabelKey;
  /** Roles that see the area in the navigation and may open it; others get "access denied". */
  roles: readonly Role[];
  /**
   * The area's page. For a new area use `lazy(() => import('./people/PeopleArea'))` so that it
   * is loaded only when opened.
   */
  component: ComponentType;
}

/**
 * STAFF AREAS — the single table that drives both the role-aware navigation and the routes of
 * the staff app. Only areas that exist are listed (no placeholders).
 *
 * Extension point: to add an area (people registry, session board, reports, dashboard, ...),
 * append one entry here with its path, nav label (add `nav.<key>` to vi.json and en.json), the
 * roles allowed, and a lazily loaded component. The order here is the order in the navigation.
 */
export const STAFF_AREAS: readonly StaffAreaDef[] = [
  {
    id: 'home',
    path: '',
    labelKey: 'nav.home',
    roles: ROLES,
    component: HomePage,
  },
  {
    id: 'reception',
    path: RECEPTION_PATH,
    labelKey: 'nav.reception',
    roles: ['site_staff', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./reception/ReceptionArea')),
  },
  {
    id: 'session',
    path: SESSION_PATH,
    labelKey: 'nav.session',
    roles: ['site_staff', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./session/SessionArea')),
  },
  {
    id: 'reports',
    path: REPORTS_PATH,
    labelKey: 'nav.reports',
    roles: ['report_handler', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./reports/ReportsArea')),
  },
  {
    id: 'registrations',
    path: REGISTRATIONS_PATH,
    labelKey: 'nav.registrations',
    roles: ['site_staff', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./registrations/RegistrationsArea')),
  },
  {
    id: 'imports',
    path: IMPORTS_PATH,
    labelKey: 'nav.imports',
    // Who may upload (POST /api/imports: core's VACCINATION_ROLES): those who record doses.
    roles: ['site_staff', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./imports/ImportsArea')),
  },
  {
    id: 'duplicates',
    path: DUPLICATES_PATH,
    labelKey: 'nav.duplicates',
    roles: ['report_handler', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./duplicates/DuplicatesArea')),
  },
  {
    id: 'approvals',
    path: APPROVALS_PATH,
    labelKey: 'nav.approvals',
    // Site staff too: the vaccine passports' tab (the supervisors' screens send them there).
    roles: ['site_staff', 'district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./approvals/ApprovalsArea')),
  },
  {
    id: 'stats',
    path: STATS_PATH,
    labelKey: 'nav.stats',
    // Every staff member sees the figures of their own unit and the units below it.
    roles: ROLES,
    component: lazy(() => import('./stats/StatsArea')),
  },
  {
    id: 'admin',
    path: ADMIN_PATH,
    labelKey: 'nav.admin',
    roles: ['district_admin', 'province_admin', 'national_admin'],
    component: lazy(() => import('./admin/AdminArea')),
  },
];

/** The URL of an area. */
export function staffAreaHref(area: Pick<StaffAreaDef, 'path'>): string {
  return area.path ? `${paths.staffHome}/${area.path}` : paths.staffHome;
}

export function canUseArea(user: Pick<SessionUser, 'role'>, area: Pick<StaffAreaDef, 'roles'>): boolean {
  return area.roles.includes(user.role);
}

/** The areas a user may use, in navigation order. */
export function areasFor(user: Pick<SessionUser, 'role'>): StaffAreaDef[] {
  return STAFF_AREAS.filter((area) => canUseArea(user, area));
}
