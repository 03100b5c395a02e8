import { type ComponentPropsWithRef, type ReactNode, useId } from 'react';
import { cx } from './cx';
import { FieldError, RequiredMark } from './Field';
import './checkbox-field.css';

export interface CheckboxFieldProps extends Omit<ComponentPropsWithRef<'input'>, 'type' | 'children' | 'required'> {
  /** The statement the box confirms (its label). */
  label: ReactNode;
  error?: string | undefined;
  required?: boolean;
}

/** A check box with its label beside it (a large tap target) and an error linked by aria-describedby. */
export function CheckboxField({ label, error, required, id, className, ...inputProps }: CheckboxFieldProps) {
  const autoId = useId();
  const inputId = id ?? `check-${autoId}`;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [inputProps['aria-describedby'], errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cx('field', error && 'field--invalid', className)}>
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <div className="checkbox">
        <input
          id={inputId}
          type="checkbox"
          className="checkbox__input"
          aria-invalid={error ? true : undefined}
          aria-required={required || undefined}
          {...inputProps}
          aria-describedby={describedBy}
        />
        <label className="checkbox__label" htmlFor={inputId}>
          {label}
          {/* Inside the label to sit after its last word; aria-hidden keeps it out of the name. */}
          {required && (
            <>
              {' '}
              <RequiredMark />
            </>
          )}
        </label>
      </div>
    </div>
  );
}
