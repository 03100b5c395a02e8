import type { ComponentPropsWithRef } from 'react';
import { cx } from './cx';
import { useHydrated } from './useHydrated';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ComponentPropsWithRef<'button'> {
  variant?: ButtonVariant;
  /** Stretches to the full width of its container (e.g. form submit on mobile). */
  block?: boolean;
  /** Shows a spinner and marks the button busy (disable it as well while a request runs). */
  busy?: boolean;
}

/**
 * A button; `type="button"` unless said otherwise so it never submits a form by accident.
 *
 * A submit button of a pre-rendered page is a plain button until React has the page: before
 * that, the browser would submit the form itself (Enter in a field, a click) — reloading the
 * page with what was typed in its address (a password, an ID number) and losing it, with no
 * error shown. Without a submit button a form of two fields or more is not submitted by Enter.
 */
export function Button({
  variant = 'primary',
  block = false,
  busy = false,
  className,
  type = 'button',
  children,
  ...rest
}: ButtonProps) {
  const hydrated = useHydrated();
  return (
    <button
      type={type === 'submit' && !hydrated ? 'button' : type}
      className={cx('btn', `btn--${variant}`, block && 'btn--block', className)}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy && <span className="spinner spinner--inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** Class names to style a router link like a button. */
export function buttonClass(variant: ButtonVariant = 'primary', block = false): string {
  return cx('btn', `btn--${variant}`, block && 'btn--block');
}
