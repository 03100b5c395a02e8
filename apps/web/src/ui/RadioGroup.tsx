import { type Ref, useId } from 'react';
import { cx } from './cx';
import { FieldError, RequiredMark } from './Field';
import type { SelectOption } from './SelectField';

export interface RadioGroupProps {
  /** The question (fieldset legend). */
  legend: string;
  /** Name of the radio inputs. */
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly SelectOption[];
  error?: string | undefined;
  required?: boolean;
  /** Ref of the first radio (to move focus to the group, e.g. on a validation error). */
  firstRef?: Ref<HTMLInputElement>;
  className?: string;
}

/** A group of radio buttons in a fieldset, laid out inline; arrow keys move between the choices. */
export function RadioGroup({
  legend,
  name,
  value,
  onChange,
  options,
  error,
  required,
  firstRef,
  className,
}: RadioGroupProps) {
  const autoId = useId();
  const errorId = error ? `radios-${autoId}-error` : undefined;
  return (
    <fieldset className={cx('field', 'choice-group', error && 'field--invalid', className)} aria-describedby={errorId}>
      <legend className="field__label">
        {legend}
        {required && <RequiredMark />}
      </legend>
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <div className="choice-group__options">
        {options.map((option, index) => (
          <label key={option.value} className="choice">
            <input
              ref={index === 0 ? firstRef : undefined}
              type="radio"
              className="choice__input"
              name={name}
              value={option.value}
              checked={value === option.value}
              required={required}
              aria-invalid={error ? true : undefined}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
