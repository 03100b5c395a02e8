import { queryOptions, useQueries, useQuery } from '@tanstack/react-query';
import type {
  AdminUnit,
  Campaign,
  CampaignBody,
  CampaignCounts,
  CampaignCreated,
  CampaignProgress,
  CampaignUnit,
  CatalogueVaccine,
  Certificate as CoreCertificate,
  CorrectDoseBody,
  Dose,
  DoseRuleViolation,
  Facility,
  LinkPersonBody,
  MergeResult,
  ReassignBody,
  RecordDoseBody,
  Report,
  ReportAction,
  ReportCategory,
  ReportDetail,
  ReportStatus,
  ReportUnitLevel,
  ResolutionBody,
  StockLot,
  UpdatePersonBody,
} from '@tiemchung/core';
import { api, isApiError } from '../../api/client';
import type { ItemsResponse, Person } from '../reception/api';

export { REPORT_STATUSES } from '@tiemchung/core';
/**
 * The server's report-handling API (`/api/reports`, `/api/campaigns`) and what the screens read
 * with it: every body and answer is core's contract.
 */
export type {
  Campaign,
  CampaignBody,
  CampaignCounts,
  CampaignProgress,
  CampaignUnit,
  CorrectDoseBody,
  Dose,
  Facility,
  Person,
  ReassignBody,
  Report,
  ReportAction,
  ReportDetail,
  ReportStatus,
  ResolutionBody,
  StockLot,
};
/** What the report screen shows of a person's certificate. */
export type Certificate = Pick<CoreCertificate, 'status' | 'color' | 'statusText' | 'issuedAt'>;
/** One broken dose rule of a 422 answer (`violations` next to `error` in the body). */
export type Violation = DoseRuleViolation;
export type UnitLevel = ReportUnitLevel;
/** The unit a report is assigned to: the facility id, or the code of the commune / district / province. */
export type AssignedUnit = Report['assignedUnit'];
/** The body of adding the missing dose: the dose as recorded anywhere else. */
export type DoseBody = RecordDoseBody;
/** What the screens show of a vaccine of the catalogue. */
export type Vaccine = Pick<CatalogueVaccine, 'code' | 'name' | 'localName' | 'manufacturer'>;

/** Every rule a 422 listed (none for other errors). */
export function violationsOf(error: unknown): Violation[] {
  if (!isApiError(error)) return [];
  const violations = (error.body as { violations?: unknown }).violations;
  return Array.isArray(violations) ? (violations as Violation[]) : [];
}

/** The queue's filters, as kept in the address bar. */
export interface ReportFilters {
  view: 'all' | 'queue';
  status?: ReportStatus | undefined;
  category?: ReportCategory | undefined;
  overdue?: boolean | undefined;
  trackingCode?: string | undefined;
}

/** The query string of a filter (list, exports). */
export function filterQuery(filters: ReportFilters): Record<string, string> {
  const query: Record<string, string> = { view: filters.view };
  if (filters.status) query.status = filters.status;
  if (filters.category) query.category = filters.category;
  if (filters.overdue) query.overdue = 'true';
  if (filters.trackingCode) query.trackingCode = filters.trackingCode;
  return query;
}

/** The address of the CSV or XLSX export of the filtered queue (a plain link: the cookie authenticates). */
export function exportHref(kind: 'csv' | 'xlsx', filters: ReportFilters): string {
  return `/api/reports/export.${kind}?${new URLSearchParams(filterQuery(filters)).toString()}`;
}

const report = (id: string) => `/api/reports/${encodeURIComponent(id)}`;
const person = (id: string) => `/api/people/${encodeURIComponent(id)}`;

export const reportsApi = {
  list: (filters: ReportFilters & { limit?: number }, signal?: AbortSignal) =>
    api.get<ItemsResponse<Report>>('/api/reports', {
      query: { ...filterQuery(filters), limit: filters.limit },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) => api.get<ReportDetail>(report(id), { signal }),
  claim: (id: string) => api.post<Report>(`${report(id)}/claim`),
  reassign: (id: string, body: ReassignBody) => api.post<Report>(`${report(id)}/reassign`, body),
  linkPerson: (id: string, body: LinkPersonBody) => api.post<Person>(`${report(id)}/person`, body),
  addDose: (id: string, body: DoseBody) => api.post<Dose>(`${report(id)}/actions/add-dose`, body),
  correctDose: (id: string, body: CorrectDoseBody) => api.post<Dose>(`${report(id)}/actions/correct-dose`, body),
  correctPerson: (id: string, body: UpdatePersonBody) => api.post<Person>(`${report(id)}/actions/correct-person`, body),
  merge: (id: string, duplicateId: string) => api.post<MergeResult>(`${report(id)}/actions/merge`, { duplicateId }),
  resolve: (id: string, body: ResolutionBody) => api.post<Report>(`${report(id)}/resolution`, body),
  evidenceUrl: (id: string) => `${report(id)}/evidence`,

  person: (id: string, signal?: AbortSignal) => api.get<Person>(person(id), { signal }),
  doses: (id: string, signal?: AbortSignal) => api.get<ItemsResponse<Dose>>(`${person(id)}/doses`, { signal }),
  certificate: (id: string, signal?: AbortSignal) => api.get<Certificate>(`${person(id)}/certificate`, { signal }),
  searchPeople: (search: { idNumber: string } | { q: string }, signal?: AbortSignal) =>
    api.get<ItemsResponse<Person>>('/api/people', { query: search, signal }),

  campaigns: (signal?: AbortSignal) => api.get<ItemsResponse<Campaign>>('/api/campaigns', { signal }),
  campaign: (id: string, signal?: AbortSignal) =>
    api.get<CampaignProgress>(`/api/campaigns/${encodeURIComponent(id)}`, { signal }),
  createCampaign: (body: CampaignBody) => api.post<CampaignCreated>('/api/campaigns', body),
};

/** react-query keys (all under `reports`/`people`/reference roots, dropped on sign-out). */
export const reportsKeys = {
  all: ['reports'] as const,
  list: (filters: ReportFilters) => ['reports', 'list', filters] as const,
  open: (status: ReportStatus) => ['reports', 'open', status] as const,
  detail: (id: string) => ['reports', 'detail', id] as const,
  // Same key as the reception desk's person card: one cached record for both areas.
  person: (id: string) => ['people', 'detail', id] as const,
  doses: (id: string) => ['people', 'doses', id] as const,
  certificate: (id: string) => ['people', 'certificate', id] as const,
  search: (search: { idNumber: string } | { q: string }) => ['people', 'search', search] as const,
  campaigns: ['campaigns'] as const,
  campaign: (id: string) => ['campaigns', id] as const,
  vaccines: ['vaccines'] as const,
  facilities: (filter: FacilityScope) => ['facilities', filter ?? 'all'] as const,
  lots: (facilityId: string) => ['lots', facilityId] as const,
  unit: (code: string) => ['units', 'one', code] as const,
  units: (parentCode: string) => ['units', parentCode] as const,
};

export const reportQuery = (id: string) =>
  queryOptions({
    queryKey: reportsKeys.detail(id),
    queryFn: ({ signal }) => reportsApi.get(id, signal),
  });

/** Reference data changes rarely: keep it for the whole visit. */
const REFERENCE_STALE_MS = 60 * 60_000;

export function useVaccines() {
  return useQuery({
    queryKey: reportsKeys.vaccines,
    queryFn: ({ signal }) => api.get<ItemsResponse<Vaccine>>('/api/vaccines', { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE_MS,
  });
}

/** Which facilities to load: a province's, a district's, or all of them (null: national accounts). */
export type FacilityScope = { provinceCode: string } | { districtCode: string } | null;

/** The facilities of a province or district (reference data, for names and choices). */
export function useFacilities(scope: FacilityScope | string, enabled = true) {
  const filter = typeof scope === 'string' ? { provinceCode: scope } : scope;
  return useQuery({
    queryKey: reportsKeys.facilities(filter),
    queryFn: ({ signal }) =>
      api.get<ItemsResponse<Facility>>('/api/facilities', { query: filter ?? {}, signal }).then((r) => r.items),
    enabled,
    staleTime: REFERENCE_STALE_MS,
  });
}

/** Lots held by a facility (expired ones too: a dose reported late may have come from one). */
export function useLots(facilityId: string) {
  return useQuery({
    queryKey: reportsKeys.lots(facilityId),
    queryFn: ({ signal }) =>
      api.get<ItemsResponse<StockLot>>('/api/lots', { query: { facilityId }, signal }).then((r) => r.items),
    enabled: facilityId !== '',
    staleTime: 5 * 60_000,
  });
}

async function fetchUnit(code: string, signal: AbortSignal): Promise<AdminUnit | null> {
  try {
    return await api.get<AdminUnit>(`/api/units/${encodeURIComponent(code)}`, { signal });
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}

/** Administrative units by code (communes, districts; null when unknown), for the names of units. */
export function useUnitsByCode(codes: readonly string[]): Map<string, AdminUnit | null> {
  const unique = [...new Set(codes)].filter((code) => /^\d{3,5}$/.test(code));
  const results = useQueries({
    queries: unique.map((code) => ({
      queryKey: reportsKeys.unit(code),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchUnit(code, signal),
      staleTime: REFERENCE_STALE_MS,
    })),
  });
  const map = new Map<string, AdminUnit | null>();
  unique.forEach((code, index) => {
    const data = results[index]?.data;
    if (data !== undefined) map.set(code, data);
  });
  return map;
}

/** The districts of a province (for re-assigning a report). */
export function useDistricts(provinceCode: string, enabled = true) {
  return useQuery({
    queryKey: reportsKeys.units(provinceCode),
    queryFn: ({ signal }) =>
      api
        .get<ItemsResponse<AdminUnit>>('/api/units', { query: { parentCode: provinceCode }, signal })
        .then((r) => r.items),
    enabled: enabled && provinceCode !== '',
    staleTime: REFERENCE_STALE_MS,
  });
}
