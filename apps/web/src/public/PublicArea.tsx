import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { paths } from '../paths';
import { LandingPage } from './LandingPage';
import { LoginPage } from './LoginPage';

/** The public part of the app (its own chunk): landing page, staff login, 404. */
export default function PublicArea() {
  return (
    <Routes>
      <Route index element={<LandingPage />} />
      <Route path={paths.login.slice(1)} element={<LoginPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
