import { useQuery } from '@tanstack/react-query';
import type {
  AdminUnit,
  AllocationBody,
  Facility,
  LotReceived,
  LotReconciliation,
  ReceiveLotBody,
  StockHolder,
  StockLot,
  UnitStock,
} from '@tiemchung/core';
import { api } from '../../../api/client';

/** The stock section's calls (`/api/stock`, `/api/lots…`, reference lists): core's contract. */
export type { Facility, LotReconciliation, StockHolder, StockLot, UnitStock };

interface Items<T> {
  items: T[];
}

/** react-query keys, all under the section's own root (dropped on sign-out with the rest). */
export const stockKeys = {
  all: ['admin', 'stock'] as const,
  unit: (unitCode: string | null) => ['admin', 'stock', 'unit', unitCode ?? 'own'] as const,
  own: ['admin', 'stock', 'own'] as const,
  reconciliation: ['admin', 'stock', 'reconciliation'] as const,
  districts: (provinceCode: string) => ['admin', 'stock', 'districts', provinceCode] as const,
  facilities: (scope: FacilityScope) => ['admin', 'stock', 'facilities', scope] as const,
};

/** Which facilities to list: a province's or a district's. */
export type FacilityScope = { provinceCode: string } | { districtCode: string };

export const stockApi = {
  unit: (unitCode: string | null, signal?: AbortSignal) =>
    api.get<UnitStock>('/api/stock', { query: { unitCode: unitCode ?? undefined }, signal }),
  /** The caller's own store (what they can allocate from). */
  own: (signal?: AbortSignal) => api.get<Items<StockLot>>('/api/lots', { signal }).then((r) => r.items),
  reconciliation: (signal?: AbortSignal) =>
    api.get<Items<LotReconciliation>>('/api/lots/reconciliation', { signal }).then((r) => r.items),
  receive: (body: ReceiveLotBody) => api.post<LotReceived>('/api/lots', body),
  allocate: (lotId: string, body: AllocationBody) =>
    api.post<void>(`/api/lots/${encodeURIComponent(lotId)}/allocations`, body),
};

/** Reference data changes rarely: keep it for the visit. */
const REFERENCE_STALE_MS = 60 * 60_000;

/** The districts of a province (2021 units), for choosing where doses go. */
export function useDistricts(provinceCode: string | null) {
  return useQuery({
    queryKey: stockKeys.districts(provinceCode ?? ''),
    queryFn: ({ signal }) =>
      api
        .get<Items<AdminUnit>>('/api/units', { query: { parentCode: provinceCode ?? '' }, signal })
        .then((r) => r.items),
    enabled: Boolean(provinceCode),
    staleTime: REFERENCE_STALE_MS,
  });
}

/** The active facilities of a province or district. */
export function useFacilities(scope: FacilityScope | null) {
  return useQuery({
    queryKey: stockKeys.facilities(scope ?? { provinceCode: '' }),
    queryFn: ({ signal }) =>
      api.get<Items<Facility>>('/api/facilities', { query: { ...scope }, signal }).then((r) => r.items),
    enabled: scope !== null,
    staleTime: REFERENCE_STALE_MS,
  });
}
