import { useQuery } from '@tanstack/react-query';
import type { Facility, ImportCreated, ImportJob, ImportList } from '@tiemchung/core';
import { api } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { type FacilityQuery, facilitiesInScope, facilityQueryOf } from './logic';

/** The bulk import's API (`/api/imports/*`, docs/bulk-import.md): core's contract, type-only. */
export type { Facility, ImportJob, ImportList };

/** What the upload form sends: the file, the facility importing, and whether to check only. */
export interface ImportUpload {
  file: File;
  facilityId: string;
  dryRun: boolean;
}

/** react-query keys (all under `imports`). */
export const importsKeys = {
  all: ['imports'] as const,
  job: (id: string) => ['imports', 'job', id] as const,
  list: ['imports', 'list'] as const,
  facilities: (query: FacilityQuery) => ['imports', 'facilities', query] as const,
};

/** The files the browser downloads with the session cookie (plain links). */
export const importsHrefs = {
  templateCsv: '/api/imports/template.csv',
  templateXlsx: '/api/imports/template.xlsx',
  rejected: (id: string) => `/api/imports/${encodeURIComponent(id)}/rejected.xlsx`,
} as const;

/** Imports listed a page at a time. */
export const RECENT_PAGE = 10;

export const importsApi = {
  /** `POST /api/imports` (multipart: the fields, then the file) → 202 with the job's id. */
  create: ({ file, facilityId, dryRun }: ImportUpload) => {
    const form = new FormData();
    form.append('facilityId', facilityId);
    form.append('dryRun', String(dryRun));
    form.append('file', file, file.name);
    return api.post<ImportCreated>('/api/imports', form);
  },
  /** `GET /api/imports`: a page of the imports of the caller's units, newest first (`before`: after the page that named it). */
  list: (before: string | null, signal?: AbortSignal) =>
    api.get<ImportList>('/api/imports', { query: { limit: RECENT_PAGE, before }, signal }),
  job: (id: string, signal?: AbortSignal) => api.get<ImportJob>(`/api/imports/${encodeURIComponent(id)}`, { signal }),
  cancel: (id: string) => api.post<ImportJob>(`/api/imports/${encodeURIComponent(id)}/cancel`),
  /** The active facilities of a province or a district (or all): the select offers those of the caller's units. */
  facilities: (query: FacilityQuery, signal?: AbortSignal) =>
    api.get<{ items: Facility[] }>('/api/facilities', { query: { ...query }, signal }).then((r) => r.items),
};

/** The facilities the signed-in user may import for, by name (reference data: kept an hour). */
export function useFacilitiesInScope() {
  const user = useCurrentUser();
  const query = facilityQueryOf(user);
  return useQuery({
    queryKey: importsKeys.facilities(query),
    queryFn: ({ signal }) => importsApi.facilities(query, signal),
    select: (items) => facilitiesInScope(user, items),
    staleTime: 60 * 60_000,
  });
}
