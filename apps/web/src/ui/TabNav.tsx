import { NavLink } from 'react-router';
import { cx } from './cx';
import './tab-nav.css';

export interface TabNavItem {
  to: string;
  label: string;
  /** Active only on this very path (not on the paths below it). */
  end?: boolean;
}

/** An area's own tabs: a labelled navigation of links, the current one underlined. */
export function TabNav({ label, items, className }: { label: string; items: TabNavItem[]; className?: string }) {
  return (
    <nav className={className} aria-label={label}>
      <ul className="tab-nav__list">
        {items.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end}
              className={({ isActive }) => cx('tab-nav__link', isActive && 'is-active')}
            >
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
