import type { ComponentPropsWithRef } from 'react';
import { cx } from './cx';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ComponentPropsWithRef<'button'> {
  variant?: ButtonVariant;
  /** Stretches to the full width of its container (e.g. form submit on mobile). */
  block?: boolean;
  /** Shows a spinner and marks the button busy (disable it as well while a request runs). */
  busy?: boolean;
}

/** A button; `type="button"` unless said otherwise so it never submits a form by accident. */
export function Button({
  variant = 'primary',
  block = false,
  busy = false,
  className,
  type = 'button',
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
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
