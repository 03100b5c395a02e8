import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../../../pages/NotFoundPage';
import { CreateUserPage } from './CreateUserPage';
import { UserPage } from './UserPage';
import { UsersListPage } from './UsersListPage';
import './users.css';

/**
 * `/quan-tri/he-thong/nguoi-dung/*` — the staff accounts within the administrator's units: the
 * list with its filters, a new account (`moi`) and one account (`:id`: edit, disable or enable,
 * reset its password). Its own chunk with its own strings (`adminUsers`); every call is checked by
 * the API for role and scope and audited.
 */
export default function UsersSection() {
  return (
    <Routes>
      <Route index element={<UsersListPage />} />
      <Route path="moi" element={<CreateUserPage />} />
      <Route path=":id" element={<UserPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
