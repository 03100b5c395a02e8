import { keepPreviousData, type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { LoadFailed } from '../../ui/LoadFailed';
import { PageLoading } from '../../ui/PageLoading';
import { type Endpoint, getStats, statsKeys } from './api';
import { useStatsT } from './i18n';

/** How often the figures are read again while the dashboard is open (they move as doses are recorded). */
const REFRESH_MS = 60_000;

/** One breakdown as JSON, kept on screen while the next unit's loads, read again every minute. */
export function useStats<T>(endpoint: Endpoint): UseQueryResult<T> {
  return useQuery({
    queryKey: statsKeys.of(endpoint),
    queryFn: ({ signal }) => getStats<T>(endpoint, signal),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
}

/** The body of a section: loading, the error with a retry, or the figures. */
export function Loaded<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const t = useStatsT();
  // The previous unit's figures stay while the next one's load, dimmed and marked busy.
  if (query.data !== undefined)
    return query.isPlaceholderData ? (
      <div className="stats-stale" aria-busy="true">
        {children(query.data)}
      </div>
    ) : (
      <>{children(query.data)}</>
    );
  if (query.isError)
    return (
      <LoadFailed
        message={query.error instanceof Error && query.error.message ? query.error.message : t('loadError')}
        retryLabel={t('retry')}
        onRetry={() => void query.refetch()}
      />
    );
  return <PageLoading />;
}
