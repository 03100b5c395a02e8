import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ApiError, isApiError } from '../api/client';
import { paths } from '../paths';
import { authApi, hasSessionHint } from './api';
import type { Role } from './roles';
import type { LoginRequest, SessionUser } from './types';

/** react-query key of the current user (`null` = signed out). */
export const SESSION_QUERY_KEY = ['auth', 'me'] as const;

export type SessionState =
  | { status: 'loading'; user: null; error: null }
  | { status: 'anonymous'; user: null; error: null }
  | { status: 'authenticated'; user: SessionUser; error: null }
  | { status: 'error'; user: null; error: ApiError | Error };

/**
 * Whether to ask the server who is signed in: always on the staff pages; on the public pages only
 * when this browser has signed in before (see {@link hasSessionHint}), so that a citizen's visit
 * costs no request. Never while pre-rendering (no window): the pages are rendered signed out.
 */
function shouldAskServer(): boolean {
  if (typeof window === 'undefined') return false;
  const path = window.location.pathname;
  return path === paths.staffHome || path.startsWith(`${paths.staffHome}/`) || hasSessionHint();
}

/** The signed-in user, from `GET /api/auth/me` (cached; refreshed when the window regains focus). */
export function useSession(): SessionState & { refetch: () => void } {
  const enabled = shouldAskServer();
  const query = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: ({ signal }) => authApi.me(signal),
    staleTime: 60_000,
    enabled,
    // Asked even when the browser says it is offline: me() then answers the last user (offline work).
    networkMode: 'always',
  });
  const refetch = () => void query.refetch();
  if (query.data !== undefined) {
    return query.data
      ? { status: 'authenticated', user: query.data, error: null, refetch }
      : { status: 'anonymous', user: null, error: null, refetch };
  }
  if (query.isError) return { status: 'error', user: null, error: query.error, refetch };
  // Not asked: nobody signed in on this browser.
  if (!enabled) return { status: 'anonymous', user: null, error: null, refetch };
  return { status: 'loading', user: null, error: null, refetch };
}

/** The signed-in user; only for components rendered behind {@link RequireAuth}. */
export function useCurrentUser(): SessionUser {
  const session = useSession();
  if (!session.user) throw new Error('useCurrentUser() used outside of <RequireAuth>');
  return session.user;
}

/** Marks the session as ended in the cache and drops every cached staff datum. */
export function clearSession(queryClient: QueryClient): void {
  queryClient.setQueryData(SESSION_QUERY_KEY, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
}

/** `POST /api/auth/login`: on success the session query holds the user. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation<SessionUser, ApiError, LoginRequest>({
    mutationKey: ['auth', 'login'],
    mutationFn: (credentials) => authApi.login(credentials),
    // A /me request still in flight was sent without the new cookie: don't let it overwrite the user.
    onMutate: () => queryClient.cancelQueries({ queryKey: SESSION_QUERY_KEY }),
    onSuccess: (user) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
      queryClient.setQueryData(SESSION_QUERY_KEY, user);
    },
  });
}

/** `POST /api/auth/logout`: clears the cached session (also when the session had already ended). */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError>({
    mutationKey: ['auth', 'logout'],
    mutationFn: () => authApi.logout(),
    onSuccess: () => clearSession(queryClient),
    onError: (error) => {
      if (isApiError(error) && error.status === 401) clearSession(queryClient);
    },
  });
}

export function hasRole(user: SessionUser | null, roles: readonly Role[]): boolean {
  return user !== null && roles.includes(user.role);
}
