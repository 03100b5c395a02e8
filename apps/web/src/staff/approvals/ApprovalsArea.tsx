import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { BlockedPage } from './BlockedPage';
import { RequestsPage } from './RequestsPage';
import './i18n';
import '../reception/reception.css';
import './approvals.css';

/**
 * `/quan-tri/phe-duyet/*` — "Phê duyệt định danh", for supervisors (district, province and
 * national administrators): the requests of the sites in their units to vaccinate people the
 * population database does not confirm (pending first, the longest waiting first), approved or
 * refused with a reason; and per unit, the records whose identity still blocks a vaccine passport.
 * Loaded lazily, with its own strings (`approvals` namespace).
 */
export default function ApprovalsArea() {
  return (
    <Routes>
      <Route index element={<RequestsPage />} />
      <Route path="chan-ho-chieu" element={<BlockedPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
