import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { BlockedPage } from './BlockedPage';
import { PassportsPage } from './PassportsPage';
import { approvalsPaths } from './paths';
import { RequestsPage } from './RequestsPage';
import './i18n';
import '../reception/reception.css';
import './approvals.css';

/** A supervisors' screen: a site's staff are taken to the vaccine passports, the one tab theirs. */
function SupervisorsOnly({ children }: { children: ReactNode }) {
  const { role } = useCurrentUser();
  return role === 'site_staff' ? <Navigate to={approvalsPaths.passports} replace /> : children;
}

/**
 * `/quan-tri/phe-duyet/*` — "Phê duyệt định danh", for supervisors (district, province and
 * national administrators): the requests of the sites in their units to vaccinate people the
 * population database does not confirm (pending first, the longest waiting first), approved or
 * refused with a reason; per unit, the records whose identity still blocks a vaccine passport; and
 * "Hộ chiếu vắc xin" — the records on their way to a passport, confirmed by a site and signed in
 * batches by the ministry — which a site's staff use too. Loaded lazily, with its own strings
 * (`approvals` namespace).
 */
export default function ApprovalsArea() {
  return (
    <Routes>
      <Route
        index
        element={
          <SupervisorsOnly>
            <RequestsPage />
          </SupervisorsOnly>
        }
      />
      <Route
        path="chan-ho-chieu"
        element={
          <SupervisorsOnly>
            <BlockedPage />
          </SupervisorsOnly>
        }
      />
      <Route path="ho-chieu-vac-xin" element={<PassportsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
