import { type ComponentPropsWithRef, useId } from 'react';
import { cx } from './cx';
import { FieldError, FieldLabel } from './Field';

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectFieldProps extends Omit<ComponentPropsWithRef<'select'>, 'children'> {
  /** Visible label. */
  label: string;
  hint?: string;
  error?: string | undefined;
  options: readonly SelectOption[];
  /** Text of the empty first option (value ''); none when omitted. */
  placeholder?: string;
  /** Marks the label as required (a visual `*`, and aria-required on the select). */
  required?: boolean;
}

/** A labelled native select (keyboard and mobile friendly) with hint and error like TextField. */
export function SelectField({
  label,
  hint,
  error,
  options,
  placeholder,
  required,
  id,
  className,
  ...selectProps
}: SelectFieldProps) {
  const autoId = useId();
  const selectId = id ?? `field-${autoId}`;
  const hintId = hint ? `${selectId}-hint` : undefined;
  const errorId = error ? `${selectId}-error` : undefined;
  const describedBy = [selectProps['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cx('field', error && 'field--invalid', className)}>
      <FieldLabel htmlFor={selectId} label={label} required={required} />
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <select
        id={selectId}
        className="field__input field__select"
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        {...selectProps}
        aria-describedby={describedBy}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
