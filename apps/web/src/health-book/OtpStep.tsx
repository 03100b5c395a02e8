import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { isApiError } from '../api/client';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { useBookT } from './i18n';

/** A 6-digit code, spaces removed; null when it is not one. */
export function cleanOtp(text: string): string | null {
  const otp = text.replace(/\s+/g, '');
  return /^\d{6}$/.test(otp) ? otp : null;
}

/**
 * The one-time-code step of the book's sign-in and of adding a member: the code field (the phone
 * may fill it from the SMS), the server's answer under it when the code is refused, anything else
 * in an alert above the form. Focus goes to the field when the step appears and after a refusal.
 */
export function OtpStep({
  title,
  intro,
  submitLabel,
  submittingLabel,
  onSubmit,
  onBack,
  backLabel,
  children,
}: {
  title: string;
  intro: ReactNode;
  submitLabel: string;
  submittingLabel: string;
  /** Sends the code; rejects with the error to show. */
  onSubmit: (otp: string) => Promise<void>;
  onBack: () => void;
  backLabel: string;
  /** More fields after the code (the device's name). */
  children?: ReactNode;
}) {
  const t = useBookT();
  const [otp, setOtp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const [formError, setFormError] = useState<{ id: number; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const introId = useId();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const code = cleanOtp(otp);
    if (!code) {
      setError(otp.trim() ? t('otp.format') : t('otp.required'));
      setFailures((n) => n + 1);
      setFormError(null);
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setFormError(null);
    setPending(true);
    try {
      await onSubmit(code);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      if (isApiError(e) && (e.field === 'otp' || e.code === 'invalid_otp')) {
        setError(text);
        setFailures((n) => n + 1);
        setOtp('');
      } else setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, text }));
      inputRef.current?.focus();
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <div id={introId} className="stack stack--tight">
        {intro}
      </div>
      {formError && (
        <Alert key={formError.id} variant="error" title={t('otp.failedTitle')}>
          <p>{formError.text}</p>
        </Alert>
      )}
      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          ref={inputRef}
          name="otp"
          className="field--otp"
          label={t('otp.label')}
          hint={t('otp.hint')}
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={8}
          aria-describedby={introId}
          value={otp}
          onChange={(e) => setOtp(e.target.value)}
          error={error ?? undefined}
          announceError={failures}
        />
        {children}
        <div className="form-actions">
          <Button type="submit" disabled={pending} busy={pending}>
            {pending ? submittingLabel : submitLabel}
          </Button>
          <Button variant="ghost" onClick={onBack} disabled={pending}>
            {backLabel}
          </Button>
        </div>
      </form>
    </section>
  );
}
