import { MANAGED_ROLES, ROLE_SCOPE_LEVELS } from '@tiemchung/core';
import type { Role } from '../../../auth/roles';
import type { SessionUser } from '../../../auth/types';
import type { User, UserFilters } from './api';

/** The part of the nation the signed-in administrator manages, from their account's unit. */
export type CallerScope =
  | { kind: 'nation' }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'district'; districtCode: string };

export function callerScope(user: Pick<SessionUser, 'role' | 'unitCode'>): CallerScope {
  if (user.role === 'national_admin' || !user.unitCode) return { kind: 'nation' };
  if (user.unitCode.length === 2) return { kind: 'province', provinceCode: user.unitCode };
  return { kind: 'district', districtCode: user.unitCode };
}

/** The roles the signed-in administrator may give (core's MANAGED_ROLES). */
export function assignableRoles(role: Role): readonly Role[] {
  return MANAGED_ROLES[role];
}

/** Whether the signed-in administrator may change this account (never their own, never one above them). */
export function canManage(me: Pick<SessionUser, 'role' | 'username'>, target: Pick<User, 'role' | 'username'>) {
  return me.username !== target.username && MANAGED_ROLES[me.role].includes(target.role);
}

/** What the place selects hold ('' for nothing chosen). */
export interface PlaceChoice {
  province: string;
  district: string;
  commune: string;
  facility: string;
}

export const NO_PLACE: PlaceChoice = { province: '', district: '', commune: '', facility: '' };

export type Step = false | 'required' | 'optional' | 'fixed';

/** Which place selects a role needs, for an administrator of this scope. */
export interface PlaceSteps {
  province: Step;
  district: Step;
  commune: Step;
  facility: Step;
}

/** The place selects of a new account's role: none for a national administrator. */
export function placeSteps(role: Role | '', scope: CallerScope): PlaceSteps {
  const none: PlaceSteps = { province: false, district: false, commune: false, facility: false };
  if (role === '') return none;
  const levels = ROLE_SCOPE_LEVELS[role];
  if (levels.includes('nation')) return none;
  const below = levels.some((l) => l === 'district' || l === 'commune' || l === 'facility');
  const onlyDistrict = levels.length === 1 && levels[0] === 'district';
  return {
    province: scope.kind === 'nation' ? 'required' : false,
    district: scope.kind === 'district' ? 'fixed' : !below ? false : onlyDistrict ? 'required' : 'optional',
    commune: levels.includes('commune') ? 'optional' : false,
    facility: levels.includes('facility') ? (levels.length === 1 ? 'required' : 'optional') : false,
  };
}

/** Where a new account is anchored: the body's `unitCode` or `facilityId`, or the select still to fill. */
export type Anchor =
  | { ok: true; unitCode?: string; facilityId?: string }
  | { ok: false; missing: 'province' | 'district' | 'facility' };

/** The deepest place chosen that the role may be anchored to. */
export function anchorOf(role: Role, scope: CallerScope, choice: PlaceChoice): Anchor {
  const levels = ROLE_SCOPE_LEVELS[role];
  if (levels.includes('nation')) return { ok: true };
  const province = scope.kind === 'nation' ? choice.province : scope.kind === 'province' ? scope.provinceCode : '';
  const district = scope.kind === 'district' ? scope.districtCode : choice.district;
  if (scope.kind === 'nation' && !province) return { ok: false, missing: 'province' };
  if (levels.includes('facility') && choice.facility) return { ok: true, facilityId: choice.facility };
  if (levels.includes('commune') && district && choice.commune) return { ok: true, unitCode: choice.commune };
  if (levels.includes('district') && district) return { ok: true, unitCode: district };
  if (levels.includes('province') && province) return { ok: true, unitCode: province };
  if (levels.length === 1 && levels[0] === 'facility') return { ok: false, missing: 'facility' };
  return { ok: false, missing: 'district' };
}

/** The units the list's unit filter offers: the level below the caller's own. */
export function unitFilterParent(scope: CallerScope): string | null {
  return scope.kind === 'nation' ? null : scope.kind === 'province' ? scope.provinceCode : scope.districtCode;
}

/** The facilities the list's facility filter offers (none for a national administrator until a province is picked). */
export function facilityFilterScope(
  scope: CallerScope,
  unitCode: string | undefined,
): { provinceCode: string } | { districtCode: string } | null {
  if (scope.kind === 'province') return { provinceCode: scope.provinceCode };
  if (scope.kind === 'district') return { districtCode: scope.districtCode };
  return unitCode?.length === 2 ? { provinceCode: unitCode } : null;
}

const ROLES_FILTER = new Set<string>(Object.keys(ROLE_SCOPE_LEVELS));

/** The list's filters from the address bar (unknown values ignored). */
export function filtersFrom(params: URLSearchParams): UserFilters {
  const role = params.get('role') ?? '';
  const state = params.get('state');
  const unitCode = params.get('unitCode') ?? '';
  const facilityId = params.get('facilityId') ?? '';
  const q = params.get('q')?.trim() ?? '';
  return {
    ...(q ? { q: q.slice(0, 64) } : {}),
    ...(ROLES_FILTER.has(role) ? { role: role as Role } : {}),
    ...(state === 'active' || state === 'disabled' ? { state } : {}),
    ...(/^\d{2,5}$/.test(unitCode) ? { unitCode } : {}),
    ...(facilityId && facilityId.length <= 40 ? { facilityId } : {}),
  };
}

/** The address bar's query for these filters (empty ones left out). */
export function paramsFrom(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['q', 'role', 'state', 'unitCode', 'facilityId'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** A username as the server takes it (trimmed, lower case), and whether it has the right shape. */
export function normalizeUsername(text: string): { value: string; valid: boolean } {
  const value = text.trim().toLowerCase();
  return { value, valid: /^[a-z0-9][a-z0-9._-]{2,63}$/.test(value) };
}
