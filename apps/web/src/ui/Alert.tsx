import type { ReactNode } from 'react';
import { cx } from './cx';

export type AlertVariant = 'info' | 'success' | 'warning' | 'error';

export interface AlertProps {
  variant?: AlertVariant;
  title?: string;
  children?: ReactNode;
  /**
   * ARIA live role. Errors default to `alert` (announced at once), others to `status` (polite).
   * Pass `none` for a static notice that is part of the page from the start.
   */
  role?: 'alert' | 'status' | 'none';
  className?: string;
}

const ICONS: Record<AlertVariant, string> = {
  info: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v1.8h-1.8V5.5Zm0 3.5h1.8v5.5h-1.8V9Z',
  success: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z',
  warning: 'M10 1.8 1 17.5h18L10 1.8Zm-.9 5.7h1.8v5h-1.8v-5Zm0 6.5h1.8v1.8h-1.8V14Z',
  error: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z',
};

/** A message box; errors are announced to screen readers as soon as they appear. */
export function Alert({ variant = 'info', title, children, role, className }: AlertProps) {
  const liveRole = role ?? (variant === 'error' ? 'alert' : 'status');
  return (
    <div className={cx('alert', `alert--${variant}`, className)} role={liveRole === 'none' ? undefined : liveRole}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d={ICONS[variant]} />
      </svg>
      <div className="alert__body">
        {title && <p className="alert__title">{title}</p>}
        {children}
      </div>
    </div>
  );
}
