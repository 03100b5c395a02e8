import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/client';
import { SESSION_QUERY_KEY } from './auth/session';

function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

/**
 * The app's react-query client. A 401 from any staff call means the session has ended (expired or
 * signed out elsewhere): the cached user is then cleared, which sends the user to the login page.
 */
export function createQueryClient(): QueryClient {
  const onUnauthorized = () => queryClient.setQueryData(SESSION_QUERY_KEY, null);
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthorized(error) && query.queryKey[0] !== SESSION_QUERY_KEY[0]) onUnauthorized();
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (isUnauthorized(error) && mutation.options.mutationKey?.[0] !== SESSION_QUERY_KEY[0]) {
          onUnauthorized();
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Retry only when the server could not be reached or failed (not on 4xx answers).
        retry: (failureCount, error) =>
          failureCount < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
