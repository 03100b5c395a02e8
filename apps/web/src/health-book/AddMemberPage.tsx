import { type FormEvent, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { DateField } from '../portal/DateField';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { usePageTitle } from '../ui/usePageTitle';
import { bookApi } from './api';
import { parseFormDate, todayIso } from './format';
import { useBookT } from './i18n';
import { OtpStep } from './OtpStep';
import { bookPaths } from './paths';
import { handleSignedOut, syncBook, useBookState } from './store';

type Step = { name: 'details' } | { name: 'otp'; requestId: string };

/**
 * A CCCD or personal identification number (12 digits) or a CMND (9 digits), spaces, dots and
 * dashes removed; null when it is neither. (The server checks the number itself.)
 */
export function cleanIdNumber(text: string): string | null {
  const id = text.replace(/[\s.-]+/g, '');
  return /^(\d{9}|\d{12})$/.test(id) ? id : null;
}

/**
 * `/so-suc-khoe/them-nguoi`: a member whose record does not carry the household's phone, added by
 * ID number and date of birth, confirmed with an OTP sent to the phone on their own record (a
 * child without one: the parent's phone on the child's record) — the server answers the same
 * whether or not the details matched.
 */
export default function AddMemberPage() {
  const t = useBookT();
  const navigate = useNavigate();
  const headingRef = usePageTitle(t('add.title'));
  const { sync } = useBookState();
  const [step, setStep] = useState<Step>({ name: 'details' });
  const [idNumber, setIdNumber] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [errors, setErrors] = useState<{ idNumber?: string; dateOfBirth?: string }>({});
  const [failures, setFailures] = useState(0);
  const [formError, setFormError] = useState<{ id: number; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  const dobRef = useRef<HTMLInputElement>(null);
  const offline = sync.status === 'offline';

  const start = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const id = cleanIdNumber(idNumber);
    const dob = parseFormDate(dateOfBirth);
    const next: typeof errors = {};
    if (!idNumber.trim()) next.idNumber = t('add.idRequired');
    else if (!id) next.idNumber = t('add.idInvalid');
    if (!dateOfBirth.trim()) next.dateOfBirth = t('add.dobRequired');
    else if (!dob) next.dateOfBirth = t('add.dobInvalid');
    else if (dob > todayIso()) next.dateOfBirth = t('add.dobFuture');
    setErrors(next);
    setFailures((n) => n + 1);
    if (next.idNumber) return idRef.current?.focus();
    if (next.dateOfBirth || !id || !dob) return dobRef.current?.focus();
    setFormError(null);
    setPending(true);
    try {
      const { requestId } = await bookApi.startAddMember(id, dob);
      setStep({ name: 'otp', requestId });
    } catch (e) {
      if (!handleSignedOut(e))
        setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, text: e instanceof Error ? e.message : String(e) }));
    } finally {
      setPending(false);
    }
  };

  const verify = async (otp: string) => {
    if (step.name !== 'otp') return;
    try {
      const member = await bookApi.verifyAddMember(step.requestId, otp);
      await syncBook();
      navigate(bookPaths.member(member.personId));
    } catch (e) {
      if (!handleSignedOut(e)) throw e;
    }
  };

  return (
    <div className="stack">
      <p>
        <Link to={bookPaths.home} className="book-back">
          {t('member.back')}
        </Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('add.title')}
      </h1>
      <p>{t('add.intro')}</p>
      {step.name === 'details' ? (
        <section className="card stack" aria-labelledby="book-add-title">
          <h2 id="book-add-title">{t('add.detailsTitle')}</h2>
          {offline && (
            <Alert variant="warning" title={t('add.offlineTitle')}>
              <p>{t('add.offlineText')}</p>
            </Alert>
          )}
          {formError && (
            <Alert key={formError.id} variant="error" title={t('add.failedTitle')}>
              <p>{formError.text}</p>
            </Alert>
          )}
          <form className="stack" onSubmit={start} noValidate>
            <TextField
              ref={idRef}
              name="idNumber"
              label={t('add.idNumber')}
              hint={t('add.idNumberHint')}
              required
              inputMode="numeric"
              autoComplete="off"
              value={idNumber}
              onChange={(e) => {
                setIdNumber(e.target.value);
                if (errors.idNumber) setErrors((er) => ({ ...er, idNumber: undefined }));
              }}
              error={errors.idNumber}
              announceError={errors.idNumber ? failures : undefined}
            />
            <DateField
              inputRef={dobRef}
              name="dateOfBirth"
              label={t('add.dateOfBirth')}
              hint={t('add.dateOfBirthHint')}
              required
              value={dateOfBirth}
              onChange={(value) => {
                setDateOfBirth(value);
                if (errors.dateOfBirth) setErrors((er) => ({ ...er, dateOfBirth: undefined }));
              }}
              error={errors.dateOfBirth}
            />
            <Button type="submit" block disabled={pending || offline} busy={pending}>
              {pending ? t('add.sending') : t('add.submit')}
            </Button>
          </form>
        </section>
      ) : (
        <OtpStep
          title={t('add.otpTitle')}
          intro={<p>{t('add.otpSent')}</p>}
          submitLabel={t('add.verify')}
          submittingLabel={t('add.verifying')}
          onSubmit={verify}
          onBack={() => setStep({ name: 'details' })}
          backLabel={t('add.edit')}
        />
      )}
    </div>
  );
}
