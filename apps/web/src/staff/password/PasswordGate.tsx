import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { PageLoading } from '../../ui/PageLoading';
import { PASSWORD_PATH, passwordPath } from './paths';

/** The password page: its own chunk (it carries core's password rule and its strings). */
export const ChangePasswordPage = lazy(() => import('./ChangePasswordPage'));

/**
 * The staff app while the account's password was made or reset by an administrator: only the
 * password page, every other address leads there (the API answers them 403
 * `password_change_required` anyway). No navigation: nothing else is reachable.
 */
export function PasswordGate() {
  return (
    <div className="container staff-layout">
      <div className="staff-layout__content">
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route path={PASSWORD_PATH} element={<ChangePasswordPage />} />
            <Route path="*" element={<Navigate to={passwordPath} replace />} />
          </Routes>
        </Suspense>
      </div>
    </div>
  );
}
