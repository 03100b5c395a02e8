import type {
  AdminUnit,
  CreateFacilityBody,
  FacilityStatusBody,
  ManagedFacilitiesQuery,
  ManagedFacility,
  UpdateFacilityBody,
} from '@tiemchung/core';
import { api } from '../../../api/client';

/** The facilities section's calls (`/api/facilities/…`, `/api/units`): core's contract. */
export type { ManagedFacility };

interface Items<T> {
  items: T[];
}

export const facilitiesKeys = {
  all: ['admin', 'facilities'] as const,
  list: (q: ManagedFacilitiesQuery) => ['admin', 'facilities', q] as const,
  units: (parentCode: string | null) => ['units', '2021', parentCode ?? 'provinces'] as const,
  unit: (code: string) => ['units', '2021', 'one', code] as const,
  /** The sites' list of facilities to open a session at (session area): refreshed after a change here. */
  siteFacilities: ['site', 'facilities'] as const,
};

export const facilitiesApi = {
  list: (query: ManagedFacilitiesQuery, signal?: AbortSignal) =>
    api.get<Items<ManagedFacility>>('/api/facilities/managed', { query: { ...query }, signal }).then((r) => r.items),
  create: (body: CreateFacilityBody) => api.post<ManagedFacility>('/api/facilities', body),
  update: (id: string, body: UpdateFacilityBody) =>
    api.patch<ManagedFacility>(`/api/facilities/${encodeURIComponent(id)}`, body),
  setActive: (id: string, active: boolean, body: FacilityStatusBody) =>
    api.post<ManagedFacility>(
      `/api/facilities/${encodeURIComponent(id)}/${active ? 'reactivate' : 'deactivate'}`,
      body,
    ),
  /** The provinces (no parent), or the units under one, of the 2021 list (the one records use). */
  units: (parentCode: string | null, signal?: AbortSignal) =>
    api
      .get<Items<AdminUnit>>('/api/units', { query: { scheme: '2021', parentCode: parentCode ?? undefined }, signal })
      .then((r) => r.items),
  unit: (code: string, signal?: AbortSignal) =>
    api.get<AdminUnit>(`/api/units/${encodeURIComponent(code)}`, { query: { scheme: '2021' }, signal }),
};
