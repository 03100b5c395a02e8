import { Suspense } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { cx } from '../../ui/cx';
import { PageLoading } from '../../ui/PageLoading';
import { usePageTitle } from '../../ui/usePageTitle';
import { useAdminT } from './i18n';
import { adminPaths } from './paths';
import { sectionsFor } from './sections';
import './admin.css';

/**
 * `/quan-tri/he-thong/*` — "Quản trị hệ thống": the administration sections the user's role may
 * use (users, facilities, administrative units, vaccines and stock, signing keys, audit log), each
 * scoped and audited by its API like every other screen. Loaded lazily; each section is its own
 * chunk with its own strings.
 */
export default function AdminArea() {
  const t = useAdminT();
  const user = useCurrentUser();
  const sections = sectionsFor(user.role);
  usePageTitle(t('title'));
  const first = sections[0];
  return (
    <div className="admin-area">
      <h1 className="admin-area__title">{t('title')}</h1>
      <nav className="admin-area__nav" aria-label={t('sectionsLabel')}>
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <NavLink
                to={`${adminPaths.home}/${s.path}`}
                className={({ isActive }) => cx('admin-area__link', isActive && 'is-active')}
              >
                {t(s.labelKey)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route
            index
            element={first ? <Navigate to={`${adminPaths.home}/${first.path}`} replace /> : <NotFoundPage />}
          />
          {sections.map((s) => (
            <Route key={s.id} path={`${s.path}/*`} element={<s.component />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </div>
  );
}
