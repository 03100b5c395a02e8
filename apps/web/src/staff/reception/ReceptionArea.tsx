import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { CreatePersonPage } from './CreatePersonPage';
import { EditPersonPage } from './EditPersonPage';
import { PersonPage } from './PersonPage';
import { SearchPage } from './SearchPage';
import './reception.css';

/**
 * `/quan-tri/tiep-don/*` — "Tiếp đón", the reception desk of a vaccination site: find the person
 * who came (search or CCCD QR code), open their record, or register them. Loaded lazily (its own
 * chunk, with its styles; the camera QR reader is a further chunk loaded only when used).
 */
export default function ReceptionArea() {
  return (
    <Routes>
      <Route index element={<SearchPage />} />
      <Route path="dang-ky" element={<CreatePersonPage />} />
      <Route path="nguoi/:id" element={<PersonPage />} />
      <Route path="nguoi/:id/sua" element={<EditPersonPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
