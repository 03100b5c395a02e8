import { lazy, Suspense, useEffect } from 'react';
import { Outlet, Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PageLoading } from '../ui/PageLoading';
import { TabNav } from '../ui/TabNav';
import { usePageTitle } from '../ui/usePageTitle';
import type { StoredBook } from './book';
import { HouseholdPage } from './HouseholdPage';
import { useBookHead } from './head';
import { useBookT } from './i18n';
import { bookPaths } from './paths';
import { SignInPage } from './SignInPage';
import { SyncBanner } from './SyncBanner';
import { currentBook, type SyncState, syncBook, useBookState } from './store';
import './health-book.css';

/** The book's other screens: each its own chunk, fetched when first opened (and kept by the service worker). */
const MemberPage = lazy(() => import('./MemberPage'));
const ReportPage = lazy(() => import('./ReportPage'));
const AddMemberPage = lazy(() => import('./AddMemberPage'));
const ReportsPage = lazy(() => import('./ReportsPage'));
const DevicesPage = lazy(() => import('./DevicesPage'));

/** A sync is asked again when the book is shown again after this long. */
const RESYNC_AFTER_MS = 60_000;

/** Pre-rendering and hydration: the device's book is not read yet. */
function BookOpening() {
  const t = useBookT();
  const headingRef = usePageTitle(t('title'));
  return (
    <div className="container page book-page stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('title')}
      </h1>
      <p className="lead">{t('signIn.lead')}</p>
      <PageLoading />
    </div>
  );
}

/** The signed-in book's frame: whose book, the sync's state, the book's tabs, then the screen. */
function BookLayout({ book, sync }: { book: StoredBook; sync: SyncState }) {
  const t = useBookT();
  return (
    <div className="container page book-page stack">
      <div className="book-bar">
        <p className="book-bar__title">
          <span>{t('title')}</span> <span className="book-bar__phone">{book.household.phoneMasked}</span>
        </p>
        <TabNav
          className="book-tabs"
          label={t('nav.label')}
          items={[
            { to: bookPaths.home, label: t('nav.household'), end: true },
            { to: bookPaths.reports, label: t('nav.reports') },
            { to: bookPaths.devices, label: t('nav.devices') },
          ]}
        />
      </div>
      <SyncBanner book={book} sync={sync} />
      <Suspense fallback={<PageLoading />}>
        <Outlet />
      </Suspense>
    </div>
  );
}

/**
 * `/so-suc-khoe`: the e-health book (Sổ sức khỏe điện tử), a separately loaded area installable
 * on its own (web manifest, icons; the app's service worker serves it offline). Signed out: the
 * sign-in by phone and OTP. Signed in: the household kept on the device (shown offline), each
 * member's certificate, next dose, check-in QR and reports, the devices signed in.
 */
export default function HealthBookArea() {
  useBookHead();
  const { book, sync, signedOut } = useBookState();

  // Opened with a stored book: refreshed at once; again when shown after a while in the background.
  useEffect(() => {
    let last = 0;
    const refresh = () => {
      if (document.visibilityState !== 'visible' || Date.now() - last < RESYNC_AFTER_MS) return;
      last = Date.now();
      void syncBook();
    };
    if (currentBook()) refresh();
    document.addEventListener('visibilitychange', refresh);
    return () => document.removeEventListener('visibilitychange', refresh);
  }, []);

  if (book === undefined) return <BookOpening />;
  if (book === null) return <SignInPage signedOut={signedOut} />;
  return (
    <Routes>
      <Route element={<BookLayout book={book} sync={sync} />}>
        <Route index element={<HouseholdPage />} />
        <Route path="nguoi/:personId" element={<MemberPage />} />
        <Route path="nguoi/:personId/phan-anh" element={<ReportPage />} />
        <Route path="them-nguoi" element={<AddMemberPage />} />
        <Route path="phan-anh" element={<ReportsPage />} />
        <Route path="thiet-bi" element={<DevicesPage />} />
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
