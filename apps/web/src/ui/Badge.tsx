import type { ReactNode } from 'react';
import { cx } from './cx';

export type BadgeTone = 'success' | 'danger' | 'warning' | 'neutral';

const ICONS: Record<BadgeTone, string> = {
  success: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z',
  danger:
    'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm3.6 10.8-1.3 1.3L10 11.3l-2.3 2.3-1.3-1.3L8.7 10 6.4 7.7l1.3-1.3L10 8.7l2.3-2.3 1.3 1.3L11.3 10l2.3 2.3Z',
  warning: 'M10 1.8 1 17.5h18L10 1.8Zm-.9 5.7h1.8v5h-1.8v-5Zm0 6.5h1.8v1.8h-1.8V14Z',
  neutral:
    'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm0 2a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13Zm-.9 2.5v4.6l3.6 2.2.9-1.5-2.7-1.6V6H9.1Z',
};

/** A short status label with an icon; the text carries the meaning (colour only repeats it). */
export function Badge({ tone, children, className }: { tone: BadgeTone; children: ReactNode; className?: string }) {
  return (
    <span className={cx('badge', `badge--${tone}`, className)}>
      <svg className="badge__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" fillRule="evenodd" d={ICONS[tone]} />
      </svg>
      <span>{children}</span>
    </span>
  );
}
