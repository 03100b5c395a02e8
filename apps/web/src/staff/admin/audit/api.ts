import { useQuery } from '@tanstack/react-query';
import type { AdminUnit, AuditEntryView, AuditPage } from '@tiemchung/core';
import { api } from '../../../api/client';
import { type Filters, queryOf } from './logic';

/** The audit section's calls (`GET /api/audit`, the unit lists): core's contract. */
export type { AuditEntryView, AuditPage };

/** Entries per page of the list. */
export const PAGE_SIZE = 50;

export const auditKeys = {
  all: ['admin', 'audit'] as const,
  list: (filters: Filters) => ['admin', 'audit', 'list', queryOf(filters)] as const,
  units: (parentCode: string) => ['admin', 'audit', 'units', parentCode] as const,
};

export const auditApi = {
  page: (filters: Filters, cursor: number | null, signal?: AbortSignal) =>
    api.get<AuditPage>('/api/audit', {
      query: { ...queryOf(filters), limit: PAGE_SIZE, cursor: cursor ?? undefined },
      signal,
    }),
};

/** The units below a province or district (2021 list), for the unit filter. */
export function useUnitsBelow(parentCode: string | null) {
  return useQuery({
    queryKey: auditKeys.units(parentCode ?? ''),
    queryFn: ({ signal }) =>
      api
        .get<{ items: AdminUnit[] }>('/api/units', { query: { parentCode: parentCode ?? '' }, signal })
        .then((r) => r.items),
    enabled: Boolean(parentCode),
    staleTime: 60 * 60_000,
  });
}
