import { NavLink } from 'react-router';
import { cx } from '../../ui/cx';
import { useReportsT } from './i18n';
import { reportsPaths } from './paths';

/** The area's own tabs: the queue and the campaigns. */
export function SubNav() {
  const t = useReportsT();
  return (
    <nav className="reports-subnav" aria-label={t('nav.label')}>
      <ul className="reports-subnav__list">
        <li>
          <NavLink
            to={reportsPaths.queue}
            end
            className={({ isActive }) => cx('reports-subnav__link', isActive && 'is-active')}
          >
            {t('nav.queue')}
          </NavLink>
        </li>
        <li>
          <NavLink
            to={reportsPaths.campaigns}
            className={({ isActive }) => cx('reports-subnav__link', isActive && 'is-active')}
          >
            {t('nav.campaigns')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
