import { vaccineDisplayName } from '@tiemchung/core';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { publicPaths } from '../public/paths';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { RadioGroup } from '../ui/RadioGroup';
import { SelectField } from '../ui/SelectField';
import { TextAreaField } from '../ui/TextAreaField';
import { usePageTitle } from '../ui/usePageTitle';
import {
  portalApi,
  REPORT_CATEGORIES,
  type ReportBody,
  type ReportCategory,
  type ReportReceipt,
  useFacilities,
  useVaccines,
} from './api';
import { DateField } from './DateField';
import { todayIso } from './format';
import { usePortalT } from './i18n';
import { PersonFields } from './PersonFields';
import { checkPhoto, PhotoField } from './PhotoField';
import { ReportReceiptView } from './ReportReceiptView';
import { useFieldFocus } from './useFieldFocus';
import {
  apiMessage,
  EMPTY_PERSON,
  type Errors,
  isCccd,
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

/** The server's limit of the description. */
export const DESCRIPTION_MAX = 2000;

interface ReportValues extends PersonValues {
  category: '' | ReportCategory;
  residence: string;
  doseDate: string;
  vaccineCode: string;
  doseProvince: string;
  facilityId: string;
  description: string;
}

type ReportField = keyof ReportValues | 'photo';

/** The order of the fields on the page (the first invalid one gets the focus). */
const FIELD_ORDER: readonly ReportField[] = [
  'category',
  'fullName',
  'dateOfBirth',
  'gender',
  'idNumber',
  'phone',
  'residence',
  'doseDate',
  'vaccineCode',
  'doseProvince',
  'facilityId',
  'description',
  'photo',
];

/** The server's names of nested fields → the form's. */
const SERVER_FIELDS: Record<string, ReportField> = {
  provinceCode: 'residence',
  'dose.administeredOn': 'doseDate',
  'dose.vaccineCode': 'vaccineCode',
  'dose.facilityId': 'facilityId',
};

const EMPTY: ReportValues = {
  ...EMPTY_PERSON,
  category: '',
  residence: '',
  doseDate: '',
  vaccineCode: '',
  doseProvince: '',
  facilityId: '',
  description: '',
};

type PhotoOutcome = { state: 'none' } | { state: 'attached' } | { state: 'failed'; message: Message };

interface Done {
  receipt: ReportReceipt;
  phone: string;
  photo: PhotoOutcome;
}

/** The description as sent: NFC (so a character counts once, as on the server), trimmed. */
const cleanText = (text: string) => text.normalize('NFC').trim();

function validateReport(values: ReportValues, photoError: Message | null) {
  const today = todayIso();
  const person = validatePerson(values, { idRequired: false }, today);
  const errors: Errors<ReportField> = { ...person.errors };
  if (!values.category) errors.category = { key: 'errors.categoryRequired' };
  if (!values.residence && !values.facilityId && !isCccd(values.idNumber)) {
    errors.residence = { key: 'errors.residenceRequired' };
  }
  const doseDate = optionalDate(values.doseDate, {
    min: '2021-01-01',
    max: today,
    tooEarly: 'errors.doseDateTooEarly',
    tooLate: 'errors.doseDateFuture',
  });
  if (doseDate.error) errors.doseDate = doseDate.error;
  const description = cleanText(values.description);
  if (!description) errors.description = { key: 'errors.descriptionRequired' };
  else if (description.length > DESCRIPTION_MAX) {
    errors.description = {
      key: 'errors.descriptionTooLong',
      values: { max: DESCRIPTION_MAX, count: description.length },
    };
  }
  if (photoError) errors.photo = photoError;

  if (!person.body || !values.category || Object.keys(errors).length > 0) return { errors, body: null };
  const dose =
    doseDate.iso || values.vaccineCode || values.facilityId
      ? {
          administeredOn: doseDate.iso,
          vaccineCode: values.vaccineCode || undefined,
          facilityId: values.facilityId || undefined,
        }
      : undefined;
  const body: ReportBody = {
    ...person.body,
    category: values.category,
    description,
    provinceCode: values.residence || undefined,
    dose,
  };
  return { errors, body };
}

/** Announces the characters left only when a threshold is crossed (not at every key). */
function counterAnnouncement(count: number): { key: 'report.counterNear' | 'report.counterOver'; left: number } | null {
  const left = DESCRIPTION_MAX - count;
  if (left < 0) return { key: 'report.counterOver', left };
  for (const threshold of [0, 50, 100, 200])
    if (left <= threshold) return { key: 'report.counterNear', left: threshold };
  return null;
}

/**
 * `/phan-anh`: a citizen reports a missing or wrong dose or wrong personal details, with an
 * optional photo of the paper confirmation; the tracking code is shown large once filed.
 */
export default function ReportPage() {
  const t = usePortalT();
  const headingRef = usePageTitle(t('report.title'));
  const [values, setValues] = useState<ReportValues>(EMPTY);
  const [photo, setPhoto] = useState<File | null>(null);
  const [photoError, setPhotoError] = useState<Message | null>(null);
  const [errors, setErrors] = useState<Errors<ReportField>>({});
  const [formError, setFormError] = useState<{ id: number; message: Message } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'sending' | 'uploading'>('idle');
  const [done, setDone] = useState<Done | null>(null);
  const fields = useFieldFocus<ReportField>();
  const doneRef = useRef<HTMLHeadingElement>(null);

  const vaccines = useVaccines();
  const facilities = useFacilities(values.doseProvince);
  const provinces = useMemo(provinceOptions, []);

  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const change = (field: keyof ReportValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value, ...(field === 'doseProvince' ? { facilityId: '' } : {}) }));
    if (errors[field] || (field === 'facilityId' && errors.residence)) {
      setErrors((e) => ({ ...e, [field]: undefined, ...(field === 'facilityId' ? { residence: undefined } : {}) }));
    }
  };

  const choosePhoto = (file: File | null) => {
    setPhoto(file);
    const problem = file ? checkPhoto(file) : null;
    setPhotoError(problem);
    setErrors((e) => ({ ...e, photo: problem ?? undefined }));
  };

  const text = (m: Message | undefined) => (m ? messageText(t, m) : undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (phase !== 'idle') return;
    const checked = validateReport(values, photoError);
    setErrors(checked.errors);
    if (!checked.body) {
      setFormError({ id: Date.now(), message: { key: 'common.errorSummary' } });
      fields.focusFirst(FIELD_ORDER, checked.errors);
      return;
    }
    setFormError(null);
    setPhase('sending');
    let receipt: ReportReceipt;
    try {
      receipt = await portalApi.fileReport(checked.body);
    } catch (error) {
      setPhase('idle');
      const routed = routeApiError(error, FIELD_ORDER, SERVER_FIELDS);
      if (routed.field) {
        setErrors({ [routed.field]: routed.message });
        setFormError({ id: Date.now(), message: { key: 'common.errorSummary' } });
        fields.focus(routed.field);
      } else setFormError({ id: Date.now(), message: routed.message });
      return;
    }
    let photoOutcome: PhotoOutcome = { state: 'none' };
    if (photo) {
      setPhase('uploading');
      try {
        await portalApi.attachEvidence(receipt.trackingCode, checked.body.phone, photo);
        photoOutcome = { state: 'attached' };
      } catch (error) {
        photoOutcome = { state: 'failed', message: apiMessage(error) };
      }
    }
    setPhase('idle');
    setDone({ receipt, phone: checked.body.phone, photo: photoOutcome });
  };

  if (done) {
    return (
      <div className="container page portal-page stack">
        <ReportReceiptView
          done={done}
          headingRef={doneRef}
          onPhotoAttached={() => setDone({ ...done, photo: { state: 'attached' } })}
          onAnother={() => {
            setValues(EMPTY);
            setPhoto(null);
            setPhotoError(null);
            setErrors({});
            setDone(null);
          }}
        />
      </div>
    );
  }

  const description = cleanText(values.description);
  const announcement = counterAnnouncement(description.length);
  const sending = phase !== 'idle';

  return (
    <div className="container page portal-page stack">
      <div className="stack stack--tight portal-page__head">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('report.title')}
        </h1>
        <p className="lead">{t('report.intro')}</p>
        <p>
          <Link to={publicPaths.reportStatus}>{t('report.statusLink')}</Link>
        </p>
      </div>

      <div className="card stack portal-form">
        {formError && (
          <Alert key={formError.id} variant="error" title={t('common.failedTitle')}>
            <p>{messageText(t, formError.message)}</p>
          </Alert>
        )}
        <p className="text-muted">{t('common.requiredNote')}</p>
        <form className="stack portal-form" onSubmit={submit} noValidate>
          <RadioGroup
            className="choice-group--stacked"
            firstRef={fields.ref('category')}
            name="category"
            legend={t('report.categoryLegend')}
            required
            value={values.category}
            onChange={(value) => change('category', value)}
            options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`report.categories.${c}`) }))}
            error={text(errors.category)}
          />

          <fieldset className="form-section">
            <legend>{t('report.personLegend')}</legend>
            <PersonFields
              name="report"
              values={values}
              errors={errors}
              onChange={(field: PersonField, value) => change(field, value)}
              fieldRef={fields.ref}
              idRequired={false}
              idHint={t('report.idNumberHint')}
            />
            <SelectField
              ref={fields.ref('residence')}
              name="residence"
              label={t('report.residence')}
              hint={t('report.residenceHint')}
              placeholder={t('common.choose')}
              options={provinces}
              value={values.residence}
              onChange={(e) => change('residence', e.target.value)}
              error={text(errors.residence)}
            />
          </fieldset>

          <fieldset className="form-section">
            <legend>{t('report.doseLegend')}</legend>
            <p className="form-section__intro">{t('report.doseIntro')}</p>
            <DateField
              inputRef={fields.ref('doseDate')}
              name="doseDate"
              label={t('report.doseDate')}
              hint={t('report.doseDateHint')}
              value={values.doseDate}
              onChange={(value) => change('doseDate', value)}
              error={text(errors.doseDate)}
            />
            <SelectField
              ref={fields.ref('vaccineCode')}
              name="vaccineCode"
              label={t('report.vaccine')}
              placeholder={vaccines.isPending ? t('common.loadingList') : t('common.choose')}
              options={(vaccines.data ?? []).map((v) => ({
                value: v.code,
                label: vaccineDisplayName(v),
              }))}
              value={values.vaccineCode}
              onChange={(e) => change('vaccineCode', e.target.value)}
              error={text(errors.vaccineCode)}
            />
            <SelectField
              ref={fields.ref('doseProvince')}
              name="doseProvince"
              label={t('report.doseProvince')}
              placeholder={t('common.choose')}
              options={provinces}
              value={values.doseProvince}
              onChange={(e) => change('doseProvince', e.target.value)}
            />
            <SelectField
              ref={fields.ref('facilityId')}
              name="facilityId"
              label={t('report.facility')}
              placeholder={
                !values.doseProvince
                  ? t('common.chooseProvinceFirst')
                  : facilities.isPending
                    ? t('common.loadingList')
                    : facilities.isError
                      ? t('common.listFailed')
                      : facilities.data?.length
                        ? t('common.choose')
                        : t('report.noFacilities')
              }
              disabled={!values.doseProvince || !facilities.data?.length}
              options={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
              value={values.facilityId}
              onChange={(e) => change('facilityId', e.target.value)}
              error={text(errors.facilityId)}
            />
          </fieldset>

          <fieldset className="form-section">
            <legend>{t('report.contentLegend')}</legend>
            <div className="stack stack--tight">
              <TextAreaField
                ref={fields.ref('description')}
                name="description"
                label={t('report.description')}
                hint={t('report.descriptionHint')}
                required
                rows={6}
                aria-describedby="report-description-counter"
                value={values.description}
                onChange={(e) => change('description', e.target.value)}
                error={text(errors.description)}
              />
              <p
                id="report-description-counter"
                className={description.length > DESCRIPTION_MAX ? 'char-counter char-counter--over' : 'char-counter'}
              >
                {t('report.counter', { count: description.length, max: DESCRIPTION_MAX })}
              </p>
              <p className="visually-hidden" aria-live="polite">
                {announcement ? t(announcement.key, { left: announcement.left, max: DESCRIPTION_MAX }) : ''}
              </p>
            </div>
            <PhotoField
              inputRef={fields.ref('photo')}
              name="photo"
              label={t('report.photo')}
              hint={t('report.photoHint')}
              file={photo}
              onChange={choosePhoto}
              error={text(errors.photo)}
            />
          </fieldset>

          <Button type="submit" block disabled={sending} busy={sending}>
            {phase === 'uploading'
              ? t('report.uploading')
              : phase === 'sending'
                ? t('report.submitting')
                : t('report.submit')}
          </Button>
        </form>
      </div>
    </div>
  );
}
