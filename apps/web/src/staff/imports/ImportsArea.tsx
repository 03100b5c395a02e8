import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { ImportsPage } from './ImportsPage';
import './i18n';
import './imports.css';

/**
 * `/quan-tri/nhap-mui-tiem/*` — "Nhập mũi tiêm": the bulk import of historical doses (issue 16),
 * for those who record doses (site staff and administrators). Loaded lazily with its own strings
 * (`imports` namespace).
 */
export default function ImportsArea() {
  return (
    <Routes>
      <Route index element={<ImportsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
