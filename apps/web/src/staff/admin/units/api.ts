import type {
  AdminUnit,
  UnitImportBody,
  UnitImportJob,
  UnitMapping,
  UnitSearchHit,
  UnitsSummary,
} from '@tiemchung/core';
import { api } from '../../../api/client';

/** The units section's calls (`/api/units/…`): core's contract. */
export type { AdminUnit, UnitImportJob, UnitMapping, UnitSearchHit, UnitsSummary };
export type Scheme = '2021' | '2025';

interface Items<T> {
  items: T[];
}

export const unitsKeys = {
  all: ['units'] as const,
  summary: ['units', 'summary'] as const,
  children: (scheme: Scheme, parentCode: string | null) => ['units', scheme, parentCode ?? 'provinces'] as const,
  search: (q: string, scheme: Scheme | '') => ['units', 'search', scheme, q] as const,
  mapping: (scheme: Scheme, code: string) => ['units', 'mapping', scheme, code] as const,
  job: (id: string) => ['units', 'imports', id] as const,
};

export const unitsApi = {
  summary: (signal?: AbortSignal) => api.get<UnitsSummary>('/api/units/summary', { signal }),
  /** The provinces of a list (no parent), or the units under one. */
  children: (scheme: Scheme, parentCode: string | null, signal?: AbortSignal) =>
    api
      .get<Items<AdminUnit>>('/api/units', { query: { scheme, parentCode: parentCode ?? undefined }, signal })
      .then((r) => r.items),
  search: (q: string, scheme: Scheme | '', signal?: AbortSignal) =>
    api
      .get<Items<UnitSearchHit>>('/api/units/search', { query: { q, scheme: scheme || undefined, limit: 30 }, signal })
      .then((r) => r.items),
  mapping: (scheme: Scheme, code: string, signal?: AbortSignal) =>
    api.get<UnitMapping>(`/api/units/${encodeURIComponent(code)}/mapping`, { query: { scheme }, signal }),
  startImport: (body: UnitImportBody) => api.post<UnitImportJob>('/api/units/imports', body),
  job: (id: string, signal?: AbortSignal) =>
    api.get<UnitImportJob>(`/api/units/imports/${encodeURIComponent(id)}`, { signal }),
};
