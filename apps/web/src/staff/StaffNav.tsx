import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { cx } from '../ui/cx';
import { type StaffAreaDef, staffAreaHref } from './areas';

/** Role-aware navigation of the staff app: the areas the user may use (see STAFF_AREAS). */
export function StaffNav({ areas }: { areas: readonly StaffAreaDef[] }) {
  const { t } = useTranslation();
  return (
    <nav className="staff-nav" aria-label={t('nav.label')}>
      <ul className="staff-nav__list">
        {areas.map((area) => (
          <li key={area.id}>
            <NavLink
              to={staffAreaHref(area)}
              end={area.path === ''}
              className={({ isActive }) => cx('staff-nav__link', isActive && 'is-active')}
            >
              {t(area.labelKey)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
