import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { roleLabel } from '../auth/roleLabel';
import { useLogout } from '../auth/session';
import type { SessionUser } from '../auth/types';
import { paths } from '../paths';
import { Button } from './Button';

/** The signed-in user's menu in the header (a disclosure): who is signed in, and sign-out. */
export function UserMenu({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const logout = useLogout();
  const navigate = useNavigate();

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    // Focus moved elsewhere (Tab away from the menu): close.
    const onFocusIn = (event: FocusEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [open]);

  const onLogout = () => {
    logout.mutate(undefined, {
      onSuccess: () => {
        setOpen(false);
        void navigate(paths.login, { replace: true });
      },
    });
  };

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('userMenu.button', { name: user.displayName })}
        onClick={() => setOpen((value) => !value)}
      >
        {/* An icon, not initials: an account named after a unit ("… Phường 1") would show "1", and
            a visible letter that is not in the button's name breaks label-in-name (WCAG 2.5.3). */}
        <span className="user-menu__avatar" aria-hidden="true">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path
              fill="currentColor"
              d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Zm0 2c-4.4 0-8 2.3-8 5.2V21h16v-1.8c0-2.9-3.6-5.2-8-5.2Z"
            />
          </svg>
        </span>
        <span className="user-menu__name">{user.displayName}</span>
        <svg className="user-menu__chevron" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M5.3 7.3 10 12l4.7-4.7 1.4 1.4L10 14.8 3.9 8.7z" />
        </svg>
      </button>
      <div className="user-menu__panel" id={panelId} hidden={!open}>
        <p className="user-menu__who">
          <strong>{user.displayName}</strong>
          <span>{roleLabel(t, user.role)}</span>
          <span className="text-muted">{t('userMenu.signedInAs', { username: user.username })}</span>
        </p>
        {logout.isError && (
          <p className="user-menu__error" role="alert">
            {logout.error.message}
          </p>
        )}
        <Button variant="secondary" block onClick={onLogout} disabled={logout.isPending} busy={logout.isPending}>
          {logout.isPending ? t('userMenu.loggingOut') : t('userMenu.logout')}
        </Button>
      </div>
    </div>
  );
}
