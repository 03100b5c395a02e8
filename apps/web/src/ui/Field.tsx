import { type ComponentPropsWithRef, useId } from 'react';
import { cx } from './cx';

export interface TextFieldProps extends Omit<ComponentPropsWithRef<'input'>, 'children'> {
  /** Visible label (always shown: placeholders are not labels). */
  label: string;
  /** Help text below the label. */
  hint?: string;
  /** Error text; marks the input invalid and is read with it (aria-describedby). */
  error?: string | undefined;
}

/** A labelled text input with optional hint and error text linked by aria-describedby. */
export function TextField({ label, hint, error, id, className, ...inputProps }: TextFieldProps) {
  const autoId = useId();
  const inputId = id ?? `field-${autoId}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [inputProps['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cx('field', error && 'field--invalid', className)}>
      <label className="field__label" htmlFor={inputId}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errorId}>
          <svg className="field__error-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <path
              fill="currentColor"
              d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z"
            />
          </svg>
          {error}
        </p>
      )}
      <input
        id={inputId}
        className="field__input"
        aria-invalid={error ? true : undefined}
        {...inputProps}
        aria-describedby={describedBy}
      />
    </div>
  );
}
