import { normalizePhone } from '@tiemchung/core';
import { type FormEvent, useRef, useState } from 'react';
import { currentLanguage } from '../i18n';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { usePageTitle } from '../ui/usePageTitle';
import { bookApi } from './api';
import { guessDeviceName, localized } from './format';
import { useBookT } from './i18n';
import { OtpStep } from './OtpStep';
import { currentBook, syncBook } from './store';

type Step = { name: 'phone' } | { name: 'otp'; signInId: string; phone: string };

/**
 * The book's door: the phone on the household's records → an OTP by SMS (the same answer whether
 * or not a record carries the phone) → this device signed in for months (the `tc_book` cookie),
 * then the household is fetched and kept on the device.
 */
export function SignInPage({ signedOut }: { signedOut: boolean }) {
  const t = useBookT();
  const headingRef = usePageTitle(t('title'));
  const [step, setStep] = useState<Step>({ name: 'phone' });
  const [phone, setPhone] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const [formError, setFormError] = useState<{ id: number; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [deviceName, setDeviceName] = useState(() =>
    typeof navigator === 'undefined' ? '' : guessDeviceName(navigator.userAgent, currentLanguage()),
  );
  const phoneRef = useRef<HTMLInputElement>(null);

  const start = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const checked = phone.trim() ? normalizePhone(phone) : null;
    if (!checked?.ok) {
      setPhoneError(checked ? localized(checked.error.message) : t('signIn.phoneRequired'));
      setFailures((n) => n + 1);
      phoneRef.current?.focus();
      return;
    }
    setPhoneError(null);
    setFormError(null);
    setPending(true);
    try {
      const { signInId } = await bookApi.startSignIn(checked.value);
      setStep({ name: 'otp', signInId, phone: checked.value });
    } catch (error) {
      setFormError((previous) => ({
        id: (previous?.id ?? 0) + 1,
        text: error instanceof Error ? error.message : String(error),
      }));
      phoneRef.current?.focus();
    } finally {
      setPending(false);
    }
  };

  const verify = async (otp: string) => {
    if (step.name !== 'otp') return;
    await bookApi.verifySignIn(step.signInId, otp, deviceName.trim() || undefined);
    await syncBook();
    // Signed in, but the household did not come: say so (the stored book is then still empty).
    if (!currentBook()) throw new Error(t('signIn.householdFailed'));
  };

  const back = () => {
    setStep({ name: 'phone' });
    setTimeout(() => phoneRef.current?.focus(), 0);
  };

  return (
    <div className="container page book-page stack">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <p className="lead">{t('signIn.lead')}</p>
      </div>
      {signedOut && (
        <Alert variant="info" title={t('signIn.signedOutTitle')}>
          <p>{t('signIn.signedOutText')}</p>
        </Alert>
      )}

      {step.name === 'phone' ? (
        <section className="card stack" aria-labelledby="book-sign-in-title">
          <h2 id="book-sign-in-title">{t('signIn.title')}</h2>
          {formError && (
            <Alert key={formError.id} variant="error" title={t('signIn.failedTitle')}>
              <p>{formError.text}</p>
            </Alert>
          )}
          <form className="stack" onSubmit={start} noValidate>
            <TextField
              ref={phoneRef}
              name="phone"
              type="tel"
              label={t('signIn.phone')}
              hint={t('signIn.phoneHint')}
              required
              inputMode="tel"
              autoComplete="tel"
              value={phone}
              onChange={(e) => {
                setPhone(e.target.value);
                if (phoneError) setPhoneError(null);
              }}
              error={phoneError ?? undefined}
              announceError={failures}
            />
            <Button type="submit" block disabled={pending} busy={pending}>
              {pending ? t('signIn.sending') : t('signIn.submit')}
            </Button>
          </form>
          <ul className="book-points">
            <li>{t('signIn.point1')}</li>
            <li>{t('signIn.point2')}</li>
            <li>{t('signIn.point3')}</li>
          </ul>
        </section>
      ) : (
        <OtpStep
          title={t('signIn.otpTitle')}
          intro={<p>{t('signIn.otpSent', { phone: step.phone })}</p>}
          submitLabel={t('signIn.verify')}
          submittingLabel={t('signIn.verifying')}
          onSubmit={verify}
          onBack={back}
          backLabel={t('signIn.changePhone')}
        >
          <TextField
            name="deviceName"
            label={t('signIn.deviceName')}
            hint={t('signIn.deviceNameHint')}
            maxLength={80}
            autoComplete="off"
            value={deviceName}
            onChange={(e) => setDeviceName(e.target.value)}
          />
        </OtpStep>
      )}
    </div>
  );
}
