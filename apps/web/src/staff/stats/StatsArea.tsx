import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { DashboardPage } from './DashboardPage';
import './i18n';
import './stats.css';

/**
 * `/quan-tri/thong-ke/*` — "Thống kê", for every staff member (the figures of their own unit and
 * the units below it). Loaded lazily with its own strings (`stats` namespace) and Apache ECharts,
 * which no other part of the app loads.
 */
export default function StatsArea() {
  return (
    <Routes>
      <Route index element={<DashboardPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
