import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { paths } from '../paths';
import { LandingPage } from './LandingPage';
import { LoginPage } from './LoginPage';
import { publicPaths } from './paths';

/**
 * The citizens' portal pages and the verifier: each its own chunk (with its own strings and CSS),
 * so that a phone on a slow network loads only the page it opens.
 */
const CertificateLookupPage = lazy(() => import('../portal/LookupPage'));
const ReportPage = lazy(() => import('../portal/ReportPage'));
const ReportStatusPage = lazy(() => import('../portal/ReportStatusPage'));
const RegisterPage = lazy(() => import('../portal/RegisterPage'));
const VerifierPage = lazy(() => import('../verify/VerifyPage'));
const StatisticsPage = lazy(() => import('../stats/StatsPage'));

const route = (path: string) => path.slice(1);

/** The public part of the app (its own chunk): landing page, portal, verifier, staff login, 404. */
export default function PublicArea() {
  return (
    <Routes>
      <Route index element={<LandingPage />} />
      <Route path={route(paths.login)} element={<LoginPage />} />
      <Route path={route(publicPaths.certificateLookup)} element={<CertificateLookupPage />} />
      <Route path={route(publicPaths.report)} element={<ReportPage />} />
      <Route path={route(publicPaths.reportStatus)} element={<ReportStatusPage />} />
      <Route path={route(publicPaths.registration)} element={<RegisterPage />} />
      <Route path={route(publicPaths.verifier)} element={<VerifierPage />} />
      <Route path={route(publicPaths.statistics)} element={<StatisticsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
