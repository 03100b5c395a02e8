import { lazy } from 'react';

/**
 * The top-level, separately loaded parts of the app. The public area (landing, login, 404) and
 * the staff area (/quan-tri) are distinct chunks so citizens never download staff code.
 */
export const loadPublicArea = () => import('./public/PublicArea');
export const loadStaffArea = () => import('./staff/StaffArea');

export const PublicArea = lazy(loadPublicArea);
export const StaffArea = lazy(loadStaffArea);
