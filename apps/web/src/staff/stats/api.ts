import type {
  PopulationSource,
  StatsCoverage,
  StatsDoses,
  StatsLevel,
  StatsOverview,
  StatsReports,
  StatsUnits,
  StatsUnrecorded,
  UnitScheme,
} from '@tiemchung/core';
import { api } from '../../api/client';

/** The statistics API (`/api/stats/*`): core's contract, type-only. */
export type { PopulationSource, StatsCoverage, StatsDoses, StatsOverview, StatsReports, StatsUnits, StatsUnrecorded };

/** Which unit's figures (absent level: the caller's own unit), in which scheme. */
export interface UnitQuery {
  scheme: UnitScheme;
  level?: StatsLevel | undefined;
  code?: string | undefined;
}

/** A date range (`YYYY-MM-DD`, inclusive); either end may be open. */
export interface DateRange {
  from?: string | undefined;
  to?: string | undefined;
}

type Query = Record<string, string | number | undefined>;

function unitParams(unit: UnitQuery): Query {
  return { scheme: unit.scheme, level: unit.level, code: unit.level === 'nation' ? undefined : unit.code };
}

/** The address of a breakdown as a file (`format=csv|xlsx`): the same table the screen shows. */
export function exportHref(path: string, query: Query, format: 'csv' | 'xlsx'): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, format })) {
    if (value !== undefined && String(value) !== '') params.append(key, String(value));
  }
  return `${path}?${params.toString()}`;
}

/** The endpoint and query of each breakdown (the screen's JSON and the files' links share them). */
export const statsEndpoints = {
  overview: (unit: UnitQuery) => ({ path: '/api/stats/overview', query: unitParams(unit) }),
  units: (unit: UnitQuery) => ({ path: '/api/stats/units', query: unitParams(unit) }),
  doses: (unit: UnitQuery, by: StatsDoses['by'], range: DateRange = {}) => ({
    path: '/api/stats/doses',
    query: { ...unitParams(unit), by, from: range.from, to: range.to },
  }),
  coverage: (unit: UnitQuery, by: StatsCoverage['by']) => ({
    path: '/api/stats/coverage',
    query: { ...unitParams(unit), by },
  }),
  reports: (unit: UnitQuery) => ({ path: '/api/stats/reports', query: unitParams(unit) }),
  unrecorded: (unit: UnitQuery) => ({ path: '/api/stats/unrecorded', query: unitParams(unit) }),
} as const;

export type Endpoint = { path: string; query: Query };

/** react-query keys (all under `stats`). */
export const statsKeys = {
  all: ['stats'] as const,
  of: (endpoint: Endpoint) => ['stats', endpoint.path, endpoint.query] as const,
  population: ['stats', 'population'] as const,
};

/** Reads a breakdown as JSON. */
export function getStats<T>(endpoint: Endpoint, signal?: AbortSignal): Promise<T> {
  return api.get<T>(endpoint.path, { query: endpoint.query, signal });
}

/** The ministry's daily report (XLSX, one row per province) of a day. */
export function dailyReportHref(date: string, scheme: UnitScheme): string {
  return `/api/stats/daily-report.xlsx?${new URLSearchParams({ date, scheme }).toString()}`;
}

export const populationApi = {
  list: (signal?: AbortSignal) =>
    api.get<{ items: PopulationSource[] }>('/api/stats/population', { signal }).then((r) => r.items),
  import: (file: File, source: string, year: number) => {
    const form = new FormData();
    form.append('source', source);
    form.append('year', String(year));
    form.append('file', file);
    return api.post<PopulationSource>('/api/stats/population', form);
  },
};
