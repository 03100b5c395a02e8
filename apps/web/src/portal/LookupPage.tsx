import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';
import { type Certificate, portalApi } from './api';
import { CertificateView } from './CertificateView';
import { usePortalT } from './i18n';
import { OtpForm } from './OtpForm';
import { PersonFields } from './PersonFields';
import { useFieldFocus } from './useFieldFocus';
import {
  EMPTY_PERSON,
  type Errors,
  type Message,
  messageText,
  PERSON_FIELDS,
  type PersonField,
  type PersonValues,
  routeApiError,
  validatePerson,
} from './validation';
import './portal.css';

type Step = { name: 'form' } | { name: 'otp'; lookupId: string } | { name: 'certificate'; certificate: Certificate };

/**
 * `/tra-cuu`: certificate look-up. The five fields → the OTP (sent only when every field matches
 * a record; the page says the same either way) → the certificate, large.
 */
export default function LookupPage() {
  const t = usePortalT();
  const headingRef = usePageTitle(t('lookup.title'));
  const [step, setStep] = useState<Step>({ name: 'form' });
  const [values, setValues] = useState<PersonValues>(EMPTY_PERSON);
  const [errors, setErrors] = useState<Errors<PersonField>>({});
  const [formError, setFormError] = useState<{ id: number; message: Message } | null>(null);
  const [pending, setPending] = useState(false);
  const fields = useFieldFocus<PersonField>();
  const resultRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (step.name === 'certificate') resultRef.current?.focus();
  }, [step.name]);

  const change = (field: PersonField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const checked = validatePerson(values, { idRequired: false });
    setErrors(checked.errors);
    if (!checked.body) {
      setFormError({ id: Date.now(), message: { key: 'common.errorSummary' } });
      fields.focusFirst(PERSON_FIELDS, checked.errors);
      return;
    }
    setFormError(null);
    setPending(true);
    try {
      const { lookupId } = await portalApi.startLookup(checked.body);
      setStep({ name: 'otp', lookupId });
    } catch (error) {
      const routed = routeApiError(error, PERSON_FIELDS);
      if (routed.field) {
        setErrors({ [routed.field]: routed.message });
        fields.focus(routed.field);
      } else setFormError({ id: Date.now(), message: routed.message });
    } finally {
      setPending(false);
    }
  };

  const verify = async (otp: string) => {
    if (step.name !== 'otp') return;
    const certificate = await portalApi.verifyLookup(step.lookupId, otp);
    setStep({ name: 'certificate', certificate });
  };

  const restart = (keepValues: boolean) => {
    if (!keepValues) setValues(EMPTY_PERSON);
    setStep({ name: 'form' });
    setTimeout(() => fields.focus('fullName'), 0);
  };

  return (
    <div className="container page portal-page stack">
      <div className="stack stack--tight portal-page__head">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('lookup.title')}
        </h1>
        {step.name === 'form' && <p className="lead">{t('lookup.intro')}</p>}
      </div>

      {step.name === 'form' && (
        <div className="card stack portal-form">
          {formError && (
            <Alert key={formError.id} variant="error" title={t('common.failedTitle')}>
              <p>{messageText(t, formError.message)}</p>
            </Alert>
          )}
          <p className="text-muted">{t('common.requiredNote')}</p>
          <form className="stack" onSubmit={submit} noValidate>
            <PersonFields
              name="lookup"
              values={values}
              errors={errors}
              onChange={change}
              fieldRef={fields.ref}
              idRequired={false}
              idHint={t('lookup.idNumberHint')}
            />
            <Button type="submit" block disabled={pending} busy={pending}>
              {pending ? t('lookup.submitting') : t('lookup.submit')}
            </Button>
          </form>
        </div>
      )}

      {step.name === 'otp' && (
        <OtpForm
          title={t('lookup.otpTitle')}
          intro={<p>{t('lookup.otpSent')}</p>}
          help={<p className="text-muted">{t('lookup.otpNotReceived')}</p>}
          onSubmit={verify}
          onBack={() => restart(true)}
          backLabel={t('lookup.edit')}
        />
      )}

      {step.name === 'certificate' && (
        <>
          <p className="visually-hidden" role="status">
            {t('lookup.found', { name: step.certificate.person.fullName })}
          </p>
          <CertificateView certificate={step.certificate} headingRef={resultRef} />
          <p>
            <Button variant="secondary" onClick={() => restart(false)}>
              {t('lookup.newLookup')}
            </Button>
          </p>
        </>
      )}
    </div>
  );
}
