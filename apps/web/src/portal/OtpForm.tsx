import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { usePortalT } from './i18n';
import { checkOtp, type Message, messageText } from './validation';

export interface OtpFormProps {
  /** Heading of the step. */
  title: string;
  /** What happened (e.g. "if the details match, a code is sent…"); read with the code field. */
  intro: ReactNode;
  /** Extra help under the form (e.g. what to do without a message). */
  help?: ReactNode;
  /** Sends the code; resolves when done, rejects with the error to show. */
  onSubmit: (otp: string) => Promise<void>;
  /** Goes back to the details form. */
  onBack: () => void;
  backLabel: string;
}

/**
 * The one-time-code step: a 6-digit field (the phone may fill it from the SMS), the server's
 * answer under the field. Focus goes to the field when the step appears and stays there after a
 * refused code, whose message is announced (role="alert") and read with the field.
 */
export function OtpForm({ title, intro, help, onSubmit, onBack, backLabel }: OtpFormProps) {
  const t = usePortalT();
  const [otp, setOtp] = useState('');
  const [error, setError] = useState<Message | null>(null);
  // Failed tries: the field keeps the focus, so its error is announced (again on each try).
  const [failures, setFailures] = useState(0);
  const [formError, setFormError] = useState<{ id: number; message: Message } | null>(null);
  const [pending, setPending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const introId = useId();
  const titleId = useId();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const checked = checkOtp(otp);
    if (!checked.otp) {
      setError(checked.error ?? null);
      setFailures((n) => n + 1);
      setFormError(null);
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setFormError(null);
    setPending(true);
    try {
      await onSubmit(checked.otp);
    } catch (e) {
      const message: Message = { text: e instanceof Error ? e.message : String(e) };
      const field = (e as { field?: string }).field;
      if (field === 'otp') {
        setError(message);
        setFailures((n) => n + 1);
        setOtp('');
      } else setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message }));
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
          <p>{messageText(t, formError.message)}</p>
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
          error={error ? messageText(t, error) : undefined}
          announceError={failures}
        />
        <div className="form-actions">
          <Button type="submit" disabled={pending} busy={pending}>
            {pending ? t('otp.submitting') : t('otp.submit')}
          </Button>
          <Button variant="ghost" onClick={onBack} disabled={pending}>
            {backLabel}
          </Button>
        </div>
      </form>
      {help}
    </section>
  );
}
