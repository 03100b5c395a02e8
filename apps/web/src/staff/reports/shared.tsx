import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import { isApiError } from '../../api/client';
import { cx } from '../../ui/cx';
import { violationsOf } from './api';
import { useReportsT } from './i18n';

/** Says something to screen readers through the page's one polite live region. */
export const AnnounceContext = createContext<(text: string) => void>(() => {});
export const useAnnounce = () => useContext(AnnounceContext);

const ERROR_ICON = 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z';
const SUCCESS_ICON =
  'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z';

/**
 * The server's refusal of an action: every broken rule of a 422 (`violations`), else the error's
 * message. Announced at once (role="alert") and focused, so that the keyboard user is at it.
 */
export function Refusal({ error, title }: { error: unknown; title?: string }) {
  const t = useReportsT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  const violations = violationsOf(error);
  const messages = violations.length
    ? [...new Set(violations.map((v) => v.message))]
    : [error instanceof Error ? error.message : String(error)];
  return (
    <div className="alert alert--error" role="alert" ref={ref} tabIndex={-1}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d={ERROR_ICON} />
      </svg>
      <div className="alert__body">
        <p className="alert__title">{title ?? t('common.refusedTitle')}</p>
        {messages.length === 1 ? (
          <p>{messages[0]}</p>
        ) : (
          <ul className="refusal-list">
            {messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The field an API error is about (`error.field`), when the server said. */
export function errorField(error: unknown): string | undefined {
  return isApiError(error) ? error.field : undefined;
}

/**
 * A done action's confirmation, shown where the action was; takes the focus when it appears (the
 * control that was used is often gone by then), so that keyboard users go on from there.
 */
export function Done({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className={cx('alert alert--success', className)} ref={ref} tabIndex={-1}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d={SUCCESS_ICON} />
      </svg>
      <div className="alert__body">{children}</div>
    </div>
  );
}

/** A label and value of a definition list (`.details`). */
export function Detail({ label, children, extra }: { label: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {children}
        {extra}
      </dd>
    </div>
  );
}
