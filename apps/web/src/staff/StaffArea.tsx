import { Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { useCurrentUser } from '../auth/session';
import { NotFoundPage } from '../pages/NotFoundPage';
import { PageLoading } from '../ui/PageLoading';
import { areasFor, canUseArea, STAFF_AREAS, type StaffAreaDef } from './areas';
import { ForbiddenPage } from './ForbiddenPage';
import { ChangePasswordPage, PasswordGate } from './password/PasswordGate';
import { PASSWORD_PATH } from './password/paths';
import { StaffNav } from './StaffNav';

/** An area's page, or "access denied" when the user's role may not use it. */
function AreaGate({ area }: { area: StaffAreaDef }) {
  const user = useCurrentUser();
  const Page = area.component;
  return canUseArea(user, area) ? <Page /> : <ForbiddenPage />;
}

/** The staff app under /quan-tri (its own chunk; rendered only for a signed-in user). */
export default function StaffArea() {
  const user = useCurrentUser();
  // A password an administrator made must be changed before anything else.
  if (user.mustChangePassword) return <PasswordGate />;
  return (
    <div className="container staff-layout">
      <StaffNav areas={areasFor(user)} />
      <div className="staff-layout__content">
        <Suspense fallback={<PageLoading />}>
          <Routes>
            {STAFF_AREAS.map((area) =>
              area.path === '' ? (
                <Route key={area.id} index element={<AreaGate area={area} />} />
              ) : (
                <Route key={area.id} path={`${area.path}/*`} element={<AreaGate area={area} />} />
              ),
            )}
            <Route path={PASSWORD_PATH} element={<ChangePasswordPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </div>
    </div>
  );
}
