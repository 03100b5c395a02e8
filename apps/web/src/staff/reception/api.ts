import { queryOptions, useQuery } from '@tanstack/react-query';
import type {
  AdminUnit,
  CreatePersonBody,
  DuplicateCheckQuery,
  Facility,
  Person,
  UpdatePersonBody,
} from '@tiemchung/core';
import { api, isApiError } from '../../api/client';
import type { SessionUser } from '../../auth/types';

/** The people registry and reference data the reception desk uses (type-only imports from core). */
export type { Person };

export interface ItemsResponse<T> {
  items: T[];
}

/** Extra property of a 409 `duplicate_person` answer: the record that already has the ID number. */
export function existingIdOf(error: unknown): string | null {
  if (!isApiError(error) || error.code !== 'duplicate_person') return null;
  const existingId = (error.body as { existingId?: unknown }).existingId;
  return typeof existingId === 'string' ? existingId : null;
}

export type PeopleSearch = { q: string } | { idNumber: string } | { phone: string };

/** `GET /api/people/duplicate-check`: the details about to be registered. */
export type DuplicateCheckParams = DuplicateCheckQuery;

export const peopleApi = {
  search: (search: PeopleSearch, signal?: AbortSignal) =>
    api.get<ItemsResponse<Person>>('/api/people', { query: search, signal }),
  duplicateCheck: (params: DuplicateCheckParams, signal?: AbortSignal) =>
    api.get<ItemsResponse<Person>>('/api/people/duplicate-check', { query: { ...params }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Person>(`/api/people/${encodeURIComponent(id)}`, { signal }),
  create: (body: CreatePersonBody) => api.post<Person>('/api/people', body),
  update: (id: string, body: UpdatePersonBody) => api.patch<Person>(`/api/people/${encodeURIComponent(id)}`, body),
  verify: (id: string) => api.post<Person>(`/api/people/${encodeURIComponent(id)}/verify`),
};

/** react-query keys of the reception data (all dropped on sign-out with the other staff data). */
export const receptionKeys = {
  search: (term: string) => ['people', 'search', term] as const,
  person: (id: string) => ['people', 'detail', id] as const,
  duplicates: (params: DuplicateCheckParams) => ['people', 'duplicate-check', params] as const,
  lastSearch: ['reception', 'last-search'] as const,
  units: (parentCode: string | null) => ['units', parentCode ?? 'provinces'] as const,
  unit: (code: string) => ['units', 'one', code] as const,
  facilities: ['facilities'] as const,
};

export const personQuery = (id: string) =>
  queryOptions({
    queryKey: receptionKeys.person(id),
    queryFn: ({ signal }) => peopleApi.get(id, signal),
  });

export const duplicatesQuery = (params: DuplicateCheckParams) =>
  queryOptions({
    queryKey: receptionKeys.duplicates(params),
    queryFn: ({ signal }) => peopleApi.duplicateCheck(params, signal),
    staleTime: 10_000,
  });

/** Reference data changes rarely: keep it for the whole visit. */
const REFERENCE_STALE_MS = 60 * 60_000;

/** The 63 provinces (parentCode null), or the districts / communes under a unit. */
export function useUnits(parentCode: string | null, enabled = true) {
  return useQuery({
    queryKey: receptionKeys.units(parentCode),
    queryFn: ({ signal }) =>
      api
        .get<ItemsResponse<AdminUnit>>('/api/units', {
          query: parentCode ? { parentCode } : { level: 'province' },
          signal,
        })
        .then((r) => r.items),
    enabled: enabled && (parentCode === null || parentCode !== ''),
    staleTime: REFERENCE_STALE_MS,
  });
}

/** One administrative unit by code (null when unknown). */
export function useUnit(code: string | null | undefined) {
  return useQuery({
    queryKey: receptionKeys.unit(code ?? ''),
    queryFn: async ({ signal }) => {
      try {
        return await api.get<AdminUnit>(`/api/units/${encodeURIComponent(code ?? '')}`, { signal });
      } catch (error) {
        if (isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
    enabled: Boolean(code),
    staleTime: REFERENCE_STALE_MS,
  });
}

export function useFacilities(enabled = true) {
  return useQuery({
    queryKey: receptionKeys.facilities,
    queryFn: ({ signal }) => api.get<ItemsResponse<Facility>>('/api/facilities', { signal }).then((r) => r.items),
    enabled,
    staleTime: REFERENCE_STALE_MS,
  });
}

/** Where the desk is: the residence the create form starts from. */
export interface SiteResidence {
  provinceCode: string;
  districtCode: string | null;
  communeCode: string | null;
}

/**
 * The user's own place, to default the province / district / commune of a new person: the
 * facility of site staff, else the unit the account is scoped to; null for national accounts.
 * `undefined` while it is being looked up.
 */
export function useSiteResidence(user: Pick<SessionUser, 'facilityId' | 'unitCode'>): SiteResidence | null | undefined {
  const facilities = useFacilities(Boolean(user.facilityId));
  const unitCode = user.facilityId ? null : user.unitCode;
  const unit = useUnit(unitCode && unitCode.length > 2 ? unitCode : null);

  if (user.facilityId) {
    if (facilities.isPending) return undefined;
    const facility = facilities.data?.find((f) => f.id === user.facilityId);
    return facility
      ? { provinceCode: facility.provinceCode, districtCode: facility.districtCode, communeCode: facility.communeCode }
      : null;
  }
  if (!unitCode) return null;
  if (unitCode.length === 2) return { provinceCode: unitCode, districtCode: null, communeCode: null };
  if (unit.isPending) return undefined;
  const u = unit.data;
  if (!u) return null;
  if (u.level === 2) return { provinceCode: u.provinceCode, districtCode: u.code, communeCode: null };
  return { provinceCode: u.provinceCode, districtCode: u.parentCode, communeCode: u.code };
}
