import { NavLink } from 'react-router';
import { cx } from '../../ui/cx';
import { useApprovalsT } from './i18n';
import { approvalsPaths } from './paths';

/** The area's tabs: the requests to decide, and the records that block a vaccine passport. */
export function SubNav() {
  const t = useApprovalsT();
  return (
    <nav aria-label={t('nav.label')}>
      <ul className="approvals-subnav__list">
        <li>
          <NavLink
            to={approvalsPaths.list}
            end
            className={({ isActive }) => cx('approvals-subnav__link', isActive && 'is-active')}
          >
            {t('nav.requests')}
          </NavLink>
        </li>
        <li>
          <NavLink
            to={approvalsPaths.blocked}
            className={({ isActive }) => cx('approvals-subnav__link', isActive && 'is-active')}
          >
            {t('nav.blocked')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
