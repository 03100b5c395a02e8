import {
  type ChangeEvent,
  type ComponentPropsWithRef,
  type ReactNode,
  type Ref,
  useCallback,
  useEffect,
  useId,
  useRef,
} from 'react';
import { cx } from './cx';

export interface TextFieldProps extends Omit<ComponentPropsWithRef<'input'>, 'children' | 'required'> {
  /** Visible label (always shown: placeholders are not labels). */
  label: string;
  /** Help text below the label. */
  hint?: string;
  /** Error text; marks the input invalid and is read with it (aria-describedby). */
  error?: string | undefined;
  /** Marks the field as required: a visual `*` after the label and aria-required (no native validation). */
  required?: boolean;
  /** Something shown after the label on the same line (e.g. a "filled from QR" tag). */
  labelExtra?: ReactNode;
  /**
   * Announce the error at once (role="alert") — for the field that keeps or gets the focus when a
   * submit fails, where moving the focus would say nothing new. A different number (a count of
   * failed submits) announces the same text again.
   */
  announceError?: number | undefined;
}

function assignRef<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) (ref as { current: T | null }).current = value;
}

/**
 * What was typed into a pre-rendered page's field before its scripts ran (a slow phone: the form
 * shows at once, React takes over seconds later) is kept: once hydrated, a controlled field whose
 * DOM value differs from its state hands the typed value to its `onChange`, so the form does not
 * answer "enter your username" over a field the user can see filled in.
 */
function useAdoptTypedValue(
  ref: { current: HTMLInputElement | null },
  value: unknown,
  onChange: ((event: ChangeEvent<HTMLInputElement>) => void) | undefined,
): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: only once, when the field is first mounted
  useEffect(() => {
    const el = ref.current;
    if (!el || !onChange || typeof value !== 'string') return;
    if (el.value !== '' && el.value !== value)
      onChange({ target: el, currentTarget: el } as ChangeEvent<HTMLInputElement>);
  }, []);
}

/** A labelled text input with optional hint and error text linked by aria-describedby. */
export function TextField({
  label,
  hint,
  error,
  required,
  labelExtra,
  announceError,
  id,
  className,
  ref: givenRef,
  ...inputProps
}: TextFieldProps) {
  const autoId = useId();
  const ownRef = useRef<HTMLInputElement | null>(null);
  const setRef = useCallback(
    (el: HTMLInputElement | null) => {
      ownRef.current = el;
      assignRef(givenRef, el);
    },
    [givenRef],
  );
  useAdoptTypedValue(ownRef, inputProps.value, inputProps.onChange);
  const inputId = id ?? `field-${autoId}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [inputProps['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cx('field', error && 'field--invalid', className)}>
      <FieldLabel htmlFor={inputId} label={label} required={required} extra={labelExtra} />
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <FieldError key={announceError} id={errorId} role={announceError === undefined ? undefined : 'alert'}>
          {error}
        </FieldError>
      )}
      <input
        ref={setRef}
        id={inputId}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        {...inputProps}
        aria-describedby={describedBy}
      />
    </div>
  );
}

/**
 * A field's label. The required mark and any extra (kept out of the <label> so that the label,
 * and so the control's accessible name, is exactly the text given) follow it on the same line.
 */
export function FieldLabel({
  htmlFor,
  label,
  required,
  extra,
}: {
  htmlFor: string;
  label: string;
  required?: boolean | undefined;
  extra?: ReactNode;
}) {
  const text = (
    <label className="field__label" htmlFor={htmlFor}>
      {label}
    </label>
  );
  if (!required && !extra) return text;
  return (
    <span className="field__label-row">
      {text}
      {required && <RequiredMark />}
      {extra}
    </span>
  );
}

/** The `*` after the label of a required field (hidden from screen readers: aria-required says it). */
export function RequiredMark() {
  return (
    <span className="field__required" aria-hidden="true">
      *
    </span>
  );
}

/**
 * An error line (with its icon) under a label; `id` links it to the control by aria-describedby.
 * `role="alert"` announces it as it appears (mount it again, with a new key, to announce it again).
 */
export function FieldError({
  id,
  role,
  children,
}: {
  id?: string | undefined;
  role?: 'alert' | undefined;
  children: ReactNode;
}) {
  return (
    <p className="field__error" id={id} role={role}>
      <svg className="field__error-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z"
        />
      </svg>
      {children}
    </p>
  );
}
