import { lazy } from 'react';

/**
 * The top-level, separately loaded parts of the app. The public area (landing, login, 404), the
 * staff area (/quan-tri) and the e-health book (/so-suc-khoe, an installable app of its own) are
 * distinct chunks so citizens never download staff code, nor the book the portal's pages.
 */
export const loadPublicArea = () => import('./public/PublicArea');
export const loadStaffArea = () => import('./staff/StaffArea');
export const loadHealthBookArea = () => import('./health-book/HealthBookArea');

export const PublicArea = lazy(loadPublicArea);
export const StaffArea = lazy(loadStaffArea);
export const HealthBookArea = lazy(loadHealthBookArea);
