import { addDays, PREFERRED_DATE_MAX_DAYS_AHEAD, SCREENING_QUESTIONS } from '@tiemchung/core';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { currentLanguage } from '../i18n';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { CheckboxField } from '../ui/CheckboxField';
import { TextField } from '../ui/Field';
import { QrCode } from '../ui/QrCode';
import { RadioGroup } from '../ui/RadioGroup';
import { SelectField } from '../ui/SelectField';
import { usePageTitle } from '../ui/usePageTitle';
import {
  type ChecklistAnswer,
  PRIORITY_GROUPS,
  type PriorityGroup,
  portalApi,
  type RegistrationBody,
  type RegistrationConfirmation,
  useChildUnits,
} from './api';
import { DateField } from './DateField';
import { provinceName, todayIso } from './format';
import { usePortalT } from './i18n';
import { OtpForm } from './OtpForm';
import { PersonFields } from './PersonFields';
import { useFieldFocus } from './useFieldFocus';
import {
  EMPTY_PERSON,
  type Errors,
  type Message,
  messageText,
  optionalDate,
  type PersonField,
  type PersonValues,
  provinceOptions,
  routeApiError,
  validatePerson,
} from './validation';
import './portal.css';

const ANSWERS: readonly ChecklistAnswer[] = ['yes', 'no', 'unsure'];

interface RegistrationValues extends PersonValues {
  healthInsuranceNumber: string;
  occupation: string;
  ethnicity: string;
  provinceCode: string;
  districtCode: string;
  communeCode: string;
  priorityGroup: '' | PriorityGroup;
  preferredDate: string;
}

type TextField_ = keyof RegistrationValues;
type QuestionField = `q:${string}`;
type RegistrationField = TextField_ | QuestionField | 'consent';

const EMPTY: RegistrationValues = {
  ...EMPTY_PERSON,
  healthInsuranceNumber: '',
  occupation: '',
  ethnicity: '',
  provinceCode: '',
  districtCode: '',
  communeCode: '',
  priorityGroup: '',
  preferredDate: '',
};

const FIELD_ORDER: readonly RegistrationField[] = [
  'fullName',
  'dateOfBirth',
  'gender',
  'idNumber',
  'phone',
  'healthInsuranceNumber',
  'occupation',
  'ethnicity',
  'provinceCode',
  'districtCode',
  'communeCode',
  'priorityGroup',
  'preferredDate',
  ...SCREENING_QUESTIONS.map((q) => `q:${q.id}` as const),
  'consent',
];

const MAX_LENGTH: Partial<Record<TextField_, number>> = { healthInsuranceNumber: 20, occupation: 120, ethnicity: 60 };

function validateRegistration(values: RegistrationValues, answers: Record<string, ChecklistAnswer>, consent: boolean) {
  const today = todayIso();
  const person = validatePerson(values, { idRequired: true }, today);
  const errors: Errors<RegistrationField> = { ...person.errors };
  for (const [field, max] of Object.entries(MAX_LENGTH) as [TextField_, number][]) {
    if (values[field].trim().length > max) errors[field] = { key: 'errors.tooLong' };
  }
  if (!values.provinceCode) errors.provinceCode = { key: 'errors.provinceRequired' };
  if (!values.priorityGroup) errors.priorityGroup = { key: 'errors.priorityRequired' };
  const preferred = optionalDate(values.preferredDate, {
    min: today,
    tooEarly: 'errors.preferredDatePast',
    max: addDays(today, PREFERRED_DATE_MAX_DAYS_AHEAD),
    tooLate: 'errors.preferredDateTooFar',
  });
  if (preferred.error)
    errors.preferredDate =
      'key' in preferred.error && preferred.error.key === 'errors.preferredDateTooFar'
        ? { key: preferred.error.key, values: { days: PREFERRED_DATE_MAX_DAYS_AHEAD } }
        : preferred.error;
  for (const q of SCREENING_QUESTIONS) if (!answers[q.id]) errors[`q:${q.id}`] = { key: 'errors.answerRequired' };
  if (!consent) errors.consent = { key: 'errors.consentRequired' };

  if (!person.body?.idNumber || !values.priorityGroup || Object.keys(errors).length > 0) return { errors, body: null };
  const optional = (text: string) => text.trim() || undefined;
  const body: RegistrationBody = {
    ...person.body,
    idNumber: person.body.idNumber,
    healthInsuranceNumber: optional(values.healthInsuranceNumber)?.replace(/\s+/g, '').toUpperCase(),
    occupation: optional(values.occupation),
    ethnicity: optional(values.ethnicity),
    priorityGroup: values.priorityGroup,
    provinceCode: values.provinceCode,
    districtCode: values.districtCode || undefined,
    communeCode: values.communeCode || undefined,
    nationality: 'VN',
    preferredDate: preferred.iso,
    checklist: { ...answers },
    consent: true,
  };
  return { errors, body };
}

type Step =
  | { name: 'form' }
  | { name: 'otp'; registrationId: string; phone: string }
  | { name: 'done'; confirmation: RegistrationConfirmation };

/**
 * `/dang-ky`: registration for vaccination — details, residence, priority group, the ministry's
 * screening checklist (core SCREENING_QUESTIONS) and consent; an OTP confirms the phone; then
 * the registration code and its QR code, large, for the check-in desk.
 */
export default function RegisterPage() {
  const t = usePortalT();
  const lang = currentLanguage();
  const headingRef = usePageTitle(t('registration.title'));
  const [step, setStep] = useState<Step>({ name: 'form' });
  const [values, setValues] = useState<RegistrationValues>(EMPTY);
  const [answers, setAnswers] = useState<Record<string, ChecklistAnswer>>({});
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<Errors<RegistrationField>>({});
  const [formError, setFormError] = useState<{ id: number; message: Message } | null>(null);
  const [pending, setPending] = useState(false);
  const fields = useFieldFocus<RegistrationField>();
  const doneRef = useRef<HTMLHeadingElement>(null);

  const provinces = useMemo(provinceOptions, []);
  const districts = useChildUnits(values.provinceCode);
  const communes = useChildUnits(values.districtCode);

  useEffect(() => {
    if (step.name === 'done') doneRef.current?.focus();
  }, [step.name]);

  const clear = (field: RegistrationField) => {
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const change = (field: TextField_, value: string) => {
    setValues((v) => ({
      ...v,
      [field]: value,
      ...(field === 'provinceCode' ? { districtCode: '', communeCode: '' } : {}),
      ...(field === 'districtCode' ? { communeCode: '' } : {}),
    }));
    clear(field);
  };

  const text = (m: Message | undefined) => (m ? messageText(t, m) : undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const checked = validateRegistration(values, answers, consent);
    setErrors(checked.errors);
    if (!checked.body) {
      setFormError({ id: Date.now(), message: { key: 'common.errorSummary' } });
      fields.focusFirst(FIELD_ORDER, checked.errors);
      return;
    }
    setFormError(null);
    setPending(true);
    try {
      const { registrationId } = await portalApi.startRegistration(checked.body);
      setStep({ name: 'otp', registrationId, phone: checked.body.phone });
    } catch (error) {
      const routed = routeApiError(error, FIELD_ORDER);
      if (routed.field) {
        setErrors({ [routed.field]: routed.message });
        setFormError({ id: Date.now(), message: { key: 'common.errorSummary' } });
        fields.focus(routed.field);
      } else setFormError({ id: Date.now(), message: routed.message });
    } finally {
      setPending(false);
    }
  };

  const confirm = async (otp: string) => {
    if (step.name !== 'otp') return;
    const confirmation = await portalApi.confirmRegistration(step.registrationId, otp);
    setStep({ name: 'done', confirmation });
  };

  const unitOptions = (units: typeof districts) => (units.data ?? []).map((u) => ({ value: u.code, label: u.name }));
  const unitPlaceholder = (
    units: typeof districts,
    parent: string,
    noParent: 'common.chooseProvinceFirst' | 'common.chooseDistrictFirst',
  ) =>
    !parent
      ? t(noParent)
      : units.isPending
        ? t('common.loadingList')
        : units.isError
          ? t('common.listFailed')
          : t('common.choose');

  return (
    <div className="container page portal-page stack">
      <div className="stack stack--tight portal-page__head">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('registration.title')}
        </h1>
        {step.name === 'form' && <p className="lead">{t('registration.intro')}</p>}
      </div>

      {step.name === 'otp' && (
        <OtpForm
          title={t('registration.otpTitle')}
          intro={<p>{t('registration.otpSent', { phone: step.phone })}</p>}
          onSubmit={confirm}
          onBack={() => {
            setStep({ name: 'form' });
            setTimeout(() => fields.focus('fullName'), 0);
          }}
          backLabel={t('registration.edit')}
        />
      )}

      {step.name === 'done' && (
        <section className="card stack registration-done" aria-labelledby="registration-done-title">
          <h2 id="registration-done-title" ref={doneRef} tabIndex={-1}>
            {t('registration.doneTitle')}
          </h2>
          <p>
            {t('registration.doneText', {
              name: step.confirmation.fullName,
              province: provinceName(step.confirmation.provinceCode),
            })}
          </p>
          <div className="stack stack--tight">
            <p className="text-muted">{t('registration.code')}</p>
            <p className="registration-code">{step.confirmation.code}</p>
          </div>
          <QrCode
            text={step.confirmation.qr}
            label={t('registration.qrLabel', { code: step.confirmation.code })}
            errorCorrection="M"
          />
          <p className="text-muted">
            {t('registration.qrText')}: <span className="qr-text">{step.confirmation.qr}</span>
          </p>
          <p>{t('registration.doneHint')}</p>
          <p className="no-print">
            <Button variant="secondary" onClick={() => window.print()}>
              {t('registration.print')}
            </Button>
          </p>
        </section>
      )}

      {step.name === 'form' && (
        <div className="card stack portal-form">
          {formError && (
            <Alert key={formError.id} variant="error" title={t('common.failedTitle')}>
              <p>{messageText(t, formError.message)}</p>
            </Alert>
          )}
          <p className="text-muted">{t('common.requiredNote')}</p>
          <form className="stack portal-form" onSubmit={submit} noValidate>
            <fieldset className="form-section">
              <legend>{t('registration.personLegend')}</legend>
              <PersonFields
                name="registration"
                values={values}
                errors={errors}
                onChange={(field: PersonField, value) => change(field, value)}
                fieldRef={fields.ref}
                idRequired
                phoneHint={t('registration.phoneHint')}
              />
              <TextField
                ref={fields.ref('healthInsuranceNumber')}
                name="healthInsuranceNumber"
                label={t('registration.healthInsuranceNumber')}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                value={values.healthInsuranceNumber}
                onChange={(e) => change('healthInsuranceNumber', e.target.value)}
                error={text(errors.healthInsuranceNumber)}
              />
              <TextField
                ref={fields.ref('occupation')}
                name="occupation"
                label={t('registration.occupation')}
                autoComplete="organization-title"
                value={values.occupation}
                onChange={(e) => change('occupation', e.target.value)}
                error={text(errors.occupation)}
              />
              <TextField
                ref={fields.ref('ethnicity')}
                name="ethnicity"
                label={t('registration.ethnicity')}
                autoComplete="off"
                value={values.ethnicity}
                onChange={(e) => change('ethnicity', e.target.value)}
                error={text(errors.ethnicity)}
              />
            </fieldset>

            <fieldset className="form-section">
              <legend>{t('registration.addressLegend')}</legend>
              <SelectField
                ref={fields.ref('provinceCode')}
                name="provinceCode"
                label={t('registration.province')}
                required
                placeholder={t('common.choose')}
                options={provinces}
                value={values.provinceCode}
                onChange={(e) => change('provinceCode', e.target.value)}
                error={text(errors.provinceCode)}
              />
              <SelectField
                ref={fields.ref('districtCode')}
                name="districtCode"
                label={t('registration.district')}
                placeholder={unitPlaceholder(districts, values.provinceCode, 'common.chooseProvinceFirst')}
                disabled={!values.provinceCode || !districts.data}
                options={unitOptions(districts)}
                value={values.districtCode}
                onChange={(e) => change('districtCode', e.target.value)}
                error={text(errors.districtCode)}
              />
              <SelectField
                ref={fields.ref('communeCode')}
                name="communeCode"
                label={t('registration.commune')}
                placeholder={unitPlaceholder(communes, values.districtCode, 'common.chooseDistrictFirst')}
                disabled={!values.districtCode || !communes.data}
                options={unitOptions(communes)}
                value={values.communeCode}
                onChange={(e) => change('communeCode', e.target.value)}
                error={text(errors.communeCode)}
              />
            </fieldset>

            <fieldset className="form-section">
              <legend>{t('registration.priorityLegend')}</legend>
              <SelectField
                ref={fields.ref('priorityGroup')}
                name="priorityGroup"
                label={t('registration.priorityGroup')}
                hint={t('registration.priorityHint')}
                required
                placeholder={t('common.choose')}
                options={PRIORITY_GROUPS.map((g) => ({ value: g, label: t(`registration.priorityGroups.${g}`) }))}
                value={values.priorityGroup}
                onChange={(e) => change('priorityGroup', e.target.value)}
                error={text(errors.priorityGroup)}
              />
              <DateField
                inputRef={fields.ref('preferredDate')}
                name="preferredDate"
                label={t('registration.preferredDate')}
                hint={t('registration.preferredDateHint')}
                value={values.preferredDate}
                onChange={(value) => change('preferredDate', value)}
                error={text(errors.preferredDate)}
              />
            </fieldset>

            <fieldset className="form-section">
              <legend>{t('registration.checklistLegend')}</legend>
              <p className="form-section__intro">{t('registration.checklistIntro')}</p>
              <ol className="checklist">
                {SCREENING_QUESTIONS.map((q, index) => (
                  <li key={q.id}>
                    <RadioGroup
                      firstRef={fields.ref(`q:${q.id}`)}
                      name={`q-${q.id}`}
                      legend={t('registration.questionNumber', { n: index + 1, text: q.text[lang] })}
                      required
                      value={answers[q.id] ?? ''}
                      onChange={(value) => {
                        setAnswers((a) => ({ ...a, [q.id]: value as ChecklistAnswer }));
                        clear(`q:${q.id}`);
                      }}
                      options={ANSWERS.map((a) => ({ value: a, label: t(`registration.answers.${a}`) }))}
                      error={text(errors[`q:${q.id}`])}
                    />
                  </li>
                ))}
              </ol>
            </fieldset>

            <fieldset className="form-section">
              <legend>{t('registration.consentLegend')}</legend>
              <CheckboxField
                ref={fields.ref('consent')}
                name="consent"
                required
                label={t('registration.consent')}
                checked={consent}
                onChange={(e) => {
                  setConsent(e.target.checked);
                  clear('consent');
                }}
                error={text(errors.consent)}
              />
            </fieldset>

            <Button type="submit" block disabled={pending} busy={pending}>
              {pending ? t('registration.submitting') : t('registration.submit')}
            </Button>
          </form>
        </div>
      )}
    </div>
  );
}
