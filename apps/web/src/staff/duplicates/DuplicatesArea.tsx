import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { DuplicatesPage } from './DuplicatesPage';
import './i18n';
import '../reception/reception.css';
import '../reports/reports.css';
import './duplicates.css';

/**
 * `/quan-tri/ho-so-trung/*` — "Hồ sơ trùng": duplicate-record candidates for review (merge or
 * dismiss). Loaded lazily, with its own strings (`duplicates` namespace).
 */
export default function DuplicatesArea() {
  return (
    <Routes>
      <Route index element={<DuplicatesPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
