import type { Ref } from 'react';
import { tidyFormDate } from '../ui/dates';
import { TextField } from '../ui/Field';

export interface DateFieldProps {
  inputRef?: Ref<HTMLInputElement>;
  name: string;
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  required?: boolean;
  /** Shown after the label (e.g. "(không bắt buộc)"). */
  labelExtra?: React.ReactNode;
}

/**
 * A date typed as day/month/year (`15/03/1995` or `15031995`, the numeric keypad on phones),
 * tidied to `dd/MM/yyyy` when left. Text rather than `type="date"`: the same on every phone and
 * readable as Vietnamese documents write dates.
 */
export function DateField({
  inputRef,
  name,
  label,
  hint,
  value,
  onChange,
  error,
  required,
  labelExtra,
}: DateFieldProps) {
  return (
    <TextField
      ref={inputRef}
      name={name}
      label={label}
      hint={hint}
      required={required}
      labelExtra={labelExtra}
      className="field--date"
      inputMode="numeric"
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onBlur={(e) => onChange(tidyFormDate(e.target.value))}
      error={error}
    />
  );
}
