import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { CampaignsPage } from './CampaignsPage';
import { QueuePage } from './QueuePage';
import { ReportPage } from './ReportPage';
import './i18n';
import '../reception/reception.css';
import './reports.css';

/**
 * `/quan-tri/phan-anh/*` — "Phản ánh", handling citizens' reports within 48 hours: the queue by
 * time left (live countdowns), a report side by side with the person's record and the evidence
 * photo (claim, re-assign, corrections, outcome), and the campaigns' progress per unit. Loaded
 * lazily: its own chunk, CSS and translations (`reports` i18n namespace).
 */
export default function ReportsArea() {
  return (
    <Routes>
      <Route index element={<QueuePage />} />
      <Route path="chien-dich" element={<CampaignsPage />} />
      <Route path="chien-dich/:campaignId" element={<CampaignsPage />} />
      <Route path=":id" element={<ReportPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
