import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { AnnouncerProvider } from './Announcer';
import { BoardPage } from './BoardPage';
import { CloseSessionPage } from './CloseSessionPage';
import { SessionListPage } from './SessionListPage';
import { useQueueBridge } from './useSite';
import { VisitStep } from './VisitStep';
import '../reception/reception.css';
import './session.css';

/**
 * `/quan-tri/buoi-tiem/*` — "Buổi tiêm", the vaccination session at the site: open a session,
 * the board (check-in → screening → vaccination → 30-minute observation → done), close it with
 * the vials used. Keeps working offline: see `offline/`. Loaded lazily (its own chunk and CSS).
 */
export default function SessionArea() {
  useQueueBridge();
  return (
    <AnnouncerProvider>
      <Routes>
        <Route index element={<SessionListPage />} />
        <Route path=":sessionId" element={<BoardPage />}>
          <Route path="luot/:visitId" element={<VisitStep />} />
        </Route>
        <Route path=":sessionId/ket-thuc" element={<CloseSessionPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </AnnouncerProvider>
  );
}
