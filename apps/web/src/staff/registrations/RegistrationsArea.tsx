import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { RegistrationsPage } from './RegistrationsPage';
import './i18n';
import '../reception/reception.css';
import '../reports/reports.css';
import './registrations.css';

/**
 * `/quan-tri/dang-ky/*` — "Đăng ký tiêm": registrations from the portal, assigned by provinces and
 * invited by vaccination sites. Loaded lazily, with its own strings (`registrations` namespace).
 */
export default function RegistrationsArea() {
  return (
    <Routes>
      <Route index element={<RegistrationsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
