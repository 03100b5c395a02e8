import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { paths } from '../paths';
import { ErrorBoundary } from './ErrorBoundary';
import { LanguageSwitch } from './LanguageSwitch';
import { PageLoading } from './PageLoading';
import { UserMenu } from './UserMenu';

function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="currentColor" opacity="0.16" />
      <path d="M16 5.5l8.5 3.2v6.6c0 5.2-3.6 9.4-8.5 11-4.9-1.6-8.5-5.8-8.5-11V8.7z" fill="#fff" />
      <path d="M14.4 10.8h3.2v3.6h3.6v3.2h-3.6v3.6h-3.2v-3.6h-3.6v-3.2h3.6z" fill="#0f6b80" />
    </svg>
  );
}

/** The page frame shared by every area: skip link, header (brand, language, user menu), main. */
export function AppShell() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link className="brand" to={session.user ? paths.staffHome : paths.landing} aria-label={t('app.homeLink')}>
            <BrandMark />
            <span className="brand__name">{t('app.name')}</span>
          </Link>
          <div className="app-header__tools">
            <LanguageSwitch />
            {session.user && <UserMenu user={session.user} />}
          </div>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <ErrorBoundary key={location.pathname}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="app-footer">
        <div className="container">{t('app.tagline')}</div>
      </footer>
    </div>
  );
}
