import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AdminUnit,
  CreatedUser,
  CreateUserBody,
  Facility,
  PasswordResetResult,
  UpdateUserBody,
  User,
  UserListQuery,
} from '@tiemchung/core';
import { api } from '../../../api/client';

/** The server's staff-account API (`/api/users`): every body and answer is core's contract. */
export type { AdminUnit, CreatedUser, CreateUserBody, Facility, PasswordResetResult, UpdateUserBody, User };

/** The list's filters, as kept in the address bar (all optional). */
export interface UserFilters {
  q?: string | undefined;
  role?: UserListQuery['role'] | undefined;
  state?: 'active' | 'disabled' | undefined;
  unitCode?: string | undefined;
  facilityId?: string | undefined;
}

/** How many accounts one page of the list asks for. */
export const LIST_LIMIT = 500;

interface Items<T> {
  items: T[];
}

export const usersKeys = {
  all: ['adminUsers'] as const,
  list: (filters: UserFilters) => ['adminUsers', 'list', filters] as const,
  user: (id: string) => ['adminUsers', 'user', id] as const,
  units: (parentCode: string | null) => ['adminUsers', 'units', parentCode] as const,
  facilities: (scope: FacilityScope) => ['adminUsers', 'facilities', scope] as const,
};

/** The query string of the list (`active` as the API spells it). */
function listQuery(filters: UserFilters): Record<string, string | number | undefined> {
  const query: Omit<UserListQuery, 'limit'> & { limit: number } = {
    q: filters.q || undefined,
    role: filters.role,
    active: filters.state === undefined ? undefined : filters.state === 'active' ? 'true' : 'false',
    unitCode: filters.unitCode,
    facilityId: filters.facilityId,
    limit: LIST_LIMIT,
  };
  return query;
}

export const usersApi = {
  list: (filters: UserFilters, signal?: AbortSignal) =>
    api.get<Items<User>>('/api/users', { query: listQuery(filters), signal }).then((r) => r.items),
  get: (id: string, signal?: AbortSignal) => api.get<User>(`/api/users/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreateUserBody) => api.post<CreatedUser>('/api/users', body),
  update: (id: string, body: UpdateUserBody) => api.patch<User>(`/api/users/${encodeURIComponent(id)}`, body),
  disable: (id: string, reason: string) =>
    api.post<User>(`/api/users/${encodeURIComponent(id)}/disable`, reason ? { reason } : {}),
  enable: (id: string) => api.post<User>(`/api/users/${encodeURIComponent(id)}/enable`),
  resetPassword: (id: string) => api.post<PasswordResetResult>(`/api/users/${encodeURIComponent(id)}/password-reset`),
};

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: usersKeys.list(filters),
    queryFn: ({ signal }) => usersApi.list(filters, signal),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  return useQuery({ queryKey: usersKeys.user(id), queryFn: ({ signal }) => usersApi.get(id, signal), retry: false });
}

/** Reference lists change rarely. */
const REFERENCE_STALE_MS = 30 * 60_000;

/** The provinces (`parentCode` null) or the units directly below one (districts of a province, communes of a district). */
export function useUnits(parentCode: string | null, enabled = true) {
  return useQuery({
    queryKey: usersKeys.units(parentCode),
    queryFn: ({ signal }) =>
      api.get<Items<AdminUnit>>('/api/units', { query: parentCode ? { parentCode } : {}, signal }).then((r) => r.items),
    enabled: enabled && parentCode !== '',
    staleTime: REFERENCE_STALE_MS,
  });
}

/** One unit (its name), when a code is given. */
export function useUnit(code: string | null) {
  return useQuery({
    queryKey: ['adminUsers', 'unit', code] as const,
    queryFn: ({ signal }) => api.get<AdminUnit>(`/api/units/${encodeURIComponent(code ?? '')}`, { signal }),
    enabled: Boolean(code),
    staleTime: REFERENCE_STALE_MS,
  });
}

/** The facilities of one province or one district: never more than the caller's units are asked for. */
export type FacilityScope = { provinceCode: string } | { districtCode: string } | null;

export function useFacilities(scope: FacilityScope) {
  return useQuery({
    queryKey: usersKeys.facilities(scope),
    queryFn: ({ signal }) =>
      api.get<Items<Facility>>('/api/facilities', { query: { ...scope }, signal }).then((r) => r.items),
    enabled: scope !== null,
    staleTime: REFERENCE_STALE_MS,
  });
}
