import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { paths } from '../paths';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { PageLoading } from '../ui/PageLoading';
import { useSession } from './session';

/** Where the login page sends the user back to, in the router's location state. */
export interface LoginRedirectState {
  from?: string;
}

/** Renders its children only for a signed-in user; sends anyone else to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();

  switch (session.status) {
    case 'loading':
      return <PageLoading />;
    case 'error':
      return (
        <div className="container stack">
          <Alert variant="error" title={t('errors.sessionCheckFailed')}>
            <p>{session.error.message}</p>
            <Button variant="secondary" onClick={session.refetch}>
              {t('errors.retry')}
            </Button>
          </Alert>
        </div>
      );
    case 'anonymous': {
      const state: LoginRedirectState = {
        from: `${location.pathname}${location.search}${location.hash}`,
      };
      return <Navigate to={paths.login} replace state={state} />;
    }
    case 'authenticated':
      return children;
  }
}

/** A safe in-app path to go back to after signing in (never another origin). */
export function safeRedirectTarget(state: unknown, fallback: string): string {
  const from = (state as LoginRedirectState | null)?.from;
  if (typeof from !== 'string' || !/^\/(?![/\\])/.test(from)) return fallback;
  if (from === paths.login || from.startsWith(`${paths.login}?`)) return fallback;
  return from;
}
