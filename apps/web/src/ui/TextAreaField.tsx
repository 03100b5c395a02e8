import { type ComponentPropsWithRef, useId } from 'react';
import { cx } from './cx';
import { FieldError, FieldLabel } from './Field';
import './text-area-field.css';

export interface TextAreaFieldProps extends Omit<ComponentPropsWithRef<'textarea'>, 'children' | 'required'> {
  /** Visible label. */
  label: string;
  hint?: string;
  error?: string | undefined;
  /** Marks the field as required: a visual `*` and aria-required (no native validation). */
  required?: boolean;
}

/** A labelled multi-line text input with hint and error, like {@link TextField}. */
export function TextAreaField({ label, hint, error, required, id, className, ...textareaProps }: TextAreaFieldProps) {
  const autoId = useId();
  const inputId = id ?? `field-${autoId}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [textareaProps['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cx('field', error && 'field--invalid', className)}>
      <FieldLabel htmlFor={inputId} label={label} required={required} />
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <textarea
        id={inputId}
        className="field__input field__textarea"
        rows={3}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        {...textareaProps}
        aria-describedby={describedBy}
      />
    </div>
  );
}
