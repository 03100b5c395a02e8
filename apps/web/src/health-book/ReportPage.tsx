import type { CatalogueVaccine } from '@tiemchung/core';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { DateField } from '../portal/DateField';
import { Alert } from '../ui/Alert';
import { Button, buttonClass } from '../ui/Button';
import { RadioGroup } from '../ui/RadioGroup';
import { SelectField } from '../ui/SelectField';
import { TextAreaField } from '../ui/TextAreaField';
import { usePageTitle } from '../ui/usePageTitle';
import { bookApi, type HouseholdReportBody, type ReportCategory, type ReportReceipt } from './api';
import { memberOf } from './book';
import { formatDate, formatDateTime, parseFormDate, todayIso } from './format';
import { useBookT } from './i18n';
import { bookPaths } from './paths';
import { handleSignedOut, syncBook, useBookState } from './store';

/** The server's limit of a report's description. */
const DESCRIPTION_MAX = 2000;

type About = 'dose' | 'missing' | 'person';

/** The categories that fit what the report is about (the first is chosen at first). */
const CATEGORIES: Record<About, readonly ReportCategory[]> = {
  dose: ['wrong_dose', 'other'],
  missing: ['missing_dose'],
  person: ['wrong_personal_info', 'other'],
};

type VaccineItem = Pick<CatalogueVaccine, 'code' | 'name' | 'localName'>;

/** The vaccines of the catalogue, for a missing dose (none asked otherwise). */
function useVaccines(enabled: boolean): VaccineItem[] {
  const [items, setItems] = useState<VaccineItem[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    api.get<{ items: VaccineItem[] }>('/api/vaccines', { signal: controller.signal }).then(
      (r) => setItems(r.items),
      () => undefined, // the field is optional: without the list, the description says it
    );
    return () => controller.abort();
  }, [enabled]);
  return items;
}

/**
 * `/so-suc-khoe/nguoi/:personId/phan-anh`: "Báo sai thông tin" about a member — a dose (`?mui=`),
 * a dose missing (`?thieu-mui`) or their personal details — pre-filled from the record (the server
 * adds the member's details and the household's phone), to the portal's report flow; the receipt
 * with its tracking code and its 48-hour due time.
 */
export default function ReportPage() {
  const t = useBookT();
  const { personId = '' } = useParams();
  const [search] = useSearchParams();
  const { book, sync } = useBookState();
  const member = memberOf(book, personId);
  const doseId = search.get('mui');
  const dose = doseId ? member?.certificate.doses.find((d) => d.id === doseId) : undefined;
  const about: About = dose ? 'dose' : search.has('thieu-mui') ? 'missing' : 'person';
  const headingRef = usePageTitle(t('report.title'));
  const [category, setCategory] = useState<ReportCategory>(CATEGORIES[about][0]!);
  const [description, setDescription] = useState('');
  const [doseDate, setDoseDate] = useState('');
  const [vaccineCode, setVaccineCode] = useState('');
  const [errors, setErrors] = useState<{ description?: string; doseDate?: string }>({});
  const [formError, setFormError] = useState<{ id: number; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [receipt, setReceipt] = useState<ReportReceipt | null>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const doseDateRef = useRef<HTMLInputElement>(null);
  const vaccines = useVaccines(about === 'missing');
  const summaryId = useId();
  const offline = sync.status === 'offline';

  useEffect(() => {
    if (receipt) doneRef.current?.focus();
  }, [receipt]);

  if (!book) return null;
  if (!member) {
    return (
      <div className="stack">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('member.notFound')}
        </h1>
        <p>
          <Link to={bookPaths.home}>{t('member.back')}</Link>
        </p>
      </div>
    );
  }
  const { person } = member.certificate;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const text = description.normalize('NFC').trim();
    const next: typeof errors = {};
    if (!text) next.description = t('report.descriptionRequired');
    else if (text.length > DESCRIPTION_MAX)
      next.description = t('report.descriptionTooLong', { max: DESCRIPTION_MAX, count: text.length });
    let administeredOn: string | undefined;
    if (about === 'missing' && doseDate.trim()) {
      const iso = parseFormDate(doseDate);
      if (!iso) next.doseDate = t('report.doseDateInvalid');
      else if (iso > todayIso()) next.doseDate = t('report.doseDateFuture');
      else administeredOn = iso;
    }
    setErrors(next);
    if (next.doseDate) {
      doseDateRef.current?.focus();
      return;
    }
    if (next.description) {
      descriptionRef.current?.focus();
      return;
    }
    const body: HouseholdReportBody = {
      category,
      description: text,
      ...(dose ? { doseId: dose.id } : {}),
      ...(about === 'missing' && (administeredOn || vaccineCode)
        ? { dose: { ...(administeredOn ? { administeredOn } : {}), ...(vaccineCode ? { vaccineCode } : {}) } }
        : {}),
    };
    setFormError(null);
    setPending(true);
    try {
      setReceipt(await bookApi.fileReport(personId, body));
      void syncBook();
    } catch (e) {
      if (!handleSignedOut(e))
        setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, text: e instanceof Error ? e.message : String(e) }));
    } finally {
      setPending(false);
    }
  };

  if (receipt) {
    return (
      <div className="stack">
        <section className="card stack" aria-labelledby="book-report-done">
          <h1 id="book-report-done" ref={doneRef} tabIndex={-1}>
            {t('report.doneTitle')}
          </h1>
          <p>{t('report.doneText', { name: person.fullName })}</p>
          <dl className="book-facts">
            <div>
              <dt>{t('report.trackingCode')}</dt>
              <dd className="book-tracking">{receipt.trackingCode}</dd>
            </div>
            <div>
              <dt>{t('report.receivedAt')}</dt>
              <dd>{formatDateTime(receipt.receivedAt)}</dd>
            </div>
            <div>
              <dt>{t('report.dueAt')}</dt>
              <dd>{formatDateTime(receipt.dueAt)}</dd>
            </div>
          </dl>
          <p className="form-actions">
            <Link className={buttonClass('primary')} to={bookPaths.reports}>
              {t('report.seeReports')}
            </Link>
            <Link className={buttonClass('ghost')} to={bookPaths.member(personId)}>
              {t('report.backToMember', { name: person.fullName })}
            </Link>
          </p>
        </section>
      </div>
    );
  }

  const categoryOptions = CATEGORIES[about].map((c) => ({ value: c, label: t(`categories.${c}`) }));

  return (
    <div className="stack">
      <p>
        <Link to={bookPaths.member(personId)} className="book-back">
          {t('report.back', { name: person.fullName })}
        </Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('report.title')}
      </h1>
      <p>{t('report.intro')}</p>

      <section className="card stack stack--tight" aria-labelledby={summaryId}>
        <h2 id={summaryId} className="h3">
          {t('report.prefilled')}
        </h2>
        <dl className="book-facts">
          <div>
            <dt>{t('report.person')}</dt>
            <dd>{person.fullName}</dd>
          </div>
          <div>
            <dt>{t('member.dateOfBirth')}</dt>
            <dd>{formatDate(person.dateOfBirth)}</dd>
          </div>
          <div>
            <dt>{t('member.gender')}</dt>
            <dd>{t(person.gender === 'male' ? 'member.male' : 'member.female')}</dd>
          </div>
          {person.idNumberMasked && (
            <div>
              <dt>{t('member.idNumber')}</dt>
              <dd>{person.idNumberMasked}</dd>
            </div>
          )}
          <div>
            <dt>{t('report.phone')}</dt>
            <dd>{book.household.phoneMasked}</dd>
          </div>
          {dose && (
            <div>
              <dt>{t('report.dose')}</dt>
              <dd>
                {t('report.doseSummary', {
                  n: dose.doseNumber,
                  date: formatDate(dose.administeredOn),
                  vaccine: dose.vaccineName,
                  facility: dose.facilityName,
                })}
              </dd>
            </div>
          )}
        </dl>
        <p className="text-muted">{t('report.prefilledHint')}</p>
      </section>

      {offline && (
        <Alert variant="warning" title={t('report.offlineTitle')}>
          <p>{t('report.offlineText')}</p>
        </Alert>
      )}
      {formError && (
        <Alert key={formError.id} variant="error" title={t('report.failedTitle')}>
          <p>{formError.text}</p>
        </Alert>
      )}
      <form className="card stack" onSubmit={submit} noValidate>
        <RadioGroup
          className="choice-group--stacked"
          legend={t('report.category')}
          name="category"
          value={category}
          onChange={(value) => setCategory(value as ReportCategory)}
          options={categoryOptions}
          required
        />
        {about === 'missing' && (
          <>
            <DateField
              inputRef={doseDateRef}
              name="doseDate"
              label={t('report.doseDate')}
              hint={t('report.doseDateHint')}
              value={doseDate}
              onChange={(value) => {
                setDoseDate(value);
                if (errors.doseDate) setErrors((e) => ({ ...e, doseDate: undefined }));
              }}
              error={errors.doseDate}
            />
            <SelectField
              name="vaccineCode"
              label={t('report.vaccine')}
              placeholder={t('report.vaccineChoose')}
              options={vaccines.map((v) => ({ value: v.code, label: v.localName || v.name }))}
              value={vaccineCode}
              onChange={(e) => setVaccineCode(e.target.value)}
            />
          </>
        )}
        <TextAreaField
          ref={descriptionRef}
          name="description"
          label={t('report.description')}
          hint={t(`report.descriptionHints.${about}`)}
          required
          rows={5}
          maxLength={DESCRIPTION_MAX + 200}
          value={description}
          onChange={(e) => {
            setDescription(e.target.value);
            if (errors.description) setErrors((er) => ({ ...er, description: undefined }));
          }}
          error={errors.description}
        />
        <Button type="submit" block disabled={pending || offline} busy={pending}>
          {pending ? t('report.sending') : t('report.submit')}
        </Button>
      </form>
    </div>
  );
}
