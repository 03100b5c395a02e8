import { Route, Routes } from 'react-router';
import { HealthBookArea, PublicArea, StaffArea } from './areas';
import { RequireAuth } from './auth/RequireAuth';
import { paths } from './paths';
import { AppShell } from './ui/AppShell';

/**
 * Top-level routes: the staff area under /quan-tri (signed-in only), the citizen's e-health book
 * under /so-suc-khoe, everything else public.
 */
export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route
          path={`${paths.staffHome}/*`}
          element={
            <RequireAuth>
              <StaffArea />
            </RequireAuth>
          }
        />
        <Route path={`${paths.healthBook}/*`} element={<HealthBookArea />} />
        <Route path="*" element={<PublicArea />} />
      </Route>
    </Routes>
  );
}
