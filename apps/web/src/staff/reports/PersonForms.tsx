import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { RadioGroup } from '../../ui/RadioGroup';
import { VerificationBadge, verificationText } from '../reception/VerificationBadge';
import { parseFormDate, tidyFormDate } from '../reception/validation';
import { type Person, type ReportDetail, reportsApi, reportsKeys } from './api';
import { formatDate, genderLabel, provinceLabel } from './format';
import { useReportsT } from './i18n';
import { Done, errorField, Refusal, useAnnounce } from './shared';

function PersonLine({ person }: { person: Person }) {
  const { t: tg } = useTranslation();
  return (
    <span className="person-line">
      <span className="person-line__name">{person.fullName}</span>
      <span className="person-line__meta">
        <span>{formatDate(person.dateOfBirth)}</span>
        <span>{genderLabel(tg, person.gender)}</span>
        {person.idNumber && <span>{person.idNumber}</span>}
        {person.phone && <span>{person.phone}</span>}
        <span>{provinceLabel(person.provinceCode)}</span>
      </span>
    </span>
  );
}

/** A search for records: the ID number by default, or any text (name, phone) for merges. */
function usePeopleSearch(search: { idNumber: string } | { q: string } | null) {
  return useQuery({
    queryKey: reportsKeys.search(search ?? { q: '' }),
    queryFn: ({ signal }) => reportsApi.searchPeople(search ?? { q: '' }, signal).then((r) => r.items),
    enabled: search !== null,
    staleTime: 5_000,
  });
}

/**
 * Links the report to the record it is about: found by ID number (the report's own number to start
 * with), or registered now from the report's details ("Tạo hồ sơ từ phản ánh").
 */
export function LinkPerson({ report, onDone }: { report: ReportDetail; onDone: (person: Person) => void }) {
  const t = useReportsT();
  const announce = useAnnounce();
  const [text, setText] = useState(report.idNumber ?? '');
  const [idNumber, setIdNumber] = useState(report.idNumber ?? '');
  const search = usePeopleSearch(idNumber ? { idNumber } : null);
  const [done, setDone] = useState<Person | null>(null);

  const link = useMutation<Person, ApiError, { personId: string } | { create: true }>({
    mutationFn: (body) => reportsApi.linkPerson(report.id, body),
    onSuccess: (person) => {
      setDone(person);
      announce(t('link.done', { name: person.fullName }));
      onDone(person);
    },
  });

  if (done) {
    return (
      <Done>
        <p>{t('link.done', { name: done.fullName })}</p>
      </Done>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setIdNumber(text.replace(/[\s.-]/g, ''));
  };
  const results = search.data?.filter((p) => p.id !== report.personId);

  return (
    <div className="stack">
      <search>
        <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
          <div className="inline-form">
            <TextField
              label={t('link.idNumber')}
              hint={t('link.idNumberHint')}
              inputMode="numeric"
              autoComplete="off"
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <Button type="submit" variant="secondary">
              {t('link.search')}
            </Button>
          </div>
        </form>
      </search>
      <p className="visually-hidden" role="status">
        {results ? t('link.found', { count: results.length }) : ''}
      </p>
      {search.isError && <Refusal error={search.error} title={t('common.loadFailed')} />}
      {results && results.length === 0 && <p className="text-muted">{t('link.noResults')}</p>}
      {results && results.length > 0 && (
        <ul className="pick-list">
          {results.map((person) => (
            <li key={person.id} className="pick-list__item">
              <PersonLine person={person} />
              <VerificationBadge verification={person.verification} />
              <Button
                variant="secondary"
                onClick={() => link.mutate({ personId: person.id })}
                disabled={link.isPending}
                aria-label={t('link.useNamed', { name: person.fullName })}
              >
                {t('link.use')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="stack stack--tight">
        <p className="field__hint">{t('link.createHint')}</p>
        <div>
          <Button
            variant="secondary"
            onClick={() => link.mutate({ create: true })}
            disabled={link.isPending}
            busy={link.isPending}
          >
            {t('link.create')}
          </Button>
        </div>
      </div>
      {link.isError && <Refusal error={link.error} />}
    </div>
  );
}

interface PersonValues {
  fullName: string;
  dateOfBirth: string;
  gender: '' | 'male' | 'female';
  idNumber: string;
  phone: string;
}

type PersonField = keyof PersonValues;
const PERSON_FIELDS: readonly PersonField[] = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'phone'];

function asGender(value: string | null | undefined): PersonValues['gender'] {
  return value === 'male' || value === 'female' ? value : '';
}

function valuesOf(p: {
  fullName: string;
  dateOfBirth: string;
  gender: string;
  idNumber: string | null;
  phone: string | null;
}): PersonValues {
  return {
    fullName: p.fullName,
    dateOfBirth: formatDate(p.dateOfBirth),
    gender: asGender(p.gender),
    idNumber: p.idNumber ?? '',
    phone: p.phone ?? '',
  };
}

/**
 * "Sửa thông tin cá nhân": fixes the person's details (only what changed is sent; a change of
 * name, date of birth, sex or ID number re-checks the identity with the population registry).
 */
export function CorrectPersonForm({
  report,
  person,
  onDone,
}: {
  report: ReportDetail;
  person: Person;
  onDone: (person: Person) => void;
}) {
  const t = useReportsT();
  const { t: tg } = useTranslation();
  const announce = useAnnounce();
  const [values, setValues] = useState<PersonValues>(() => valuesOf(person));
  const [errors, setErrors] = useState<Partial<Record<PersonField, string>>>({});
  const [noChange, setNoChange] = useState(false);
  const [done, setDone] = useState<Person | null>(null);
  const refs = {
    fullName: useRef<HTMLInputElement>(null),
    dateOfBirth: useRef<HTMLInputElement>(null),
    gender: useRef<HTMLInputElement>(null),
    idNumber: useRef<HTMLInputElement>(null),
    phone: useRef<HTMLInputElement>(null),
  };

  const changes = () => {
    const body: Record<string, string> = {};
    const before = valuesOf(person);
    if (values.fullName.trim() !== before.fullName) body.fullName = values.fullName.trim();
    const dob = parseFormDate(values.dateOfBirth);
    if (dob && dob !== person.dateOfBirth) body.dateOfBirth = dob;
    if (values.gender && values.gender !== before.gender) body.gender = values.gender;
    if (values.idNumber.trim() !== before.idNumber) body.idNumber = values.idNumber.replace(/[\s.-]/g, '');
    if (values.phone.trim() !== before.phone) body.phone = values.phone.trim();
    return body;
  };

  const mutation = useMutation<Person, ApiError, Record<string, string>>({
    mutationFn: (body) => reportsApi.correctPerson(report.id, body),
    onSuccess: (updated) => {
      setDone(updated);
      announce(t('correctPerson.done', { status: verificationText(tg, updated.verification) }));
      onDone(updated);
    },
    onError: (error) => {
      const field = errorField(error);
      if (field && (PERSON_FIELDS as readonly string[]).includes(field)) {
        setErrors({ [field]: error.message });
        refs[field as PersonField].current?.focus();
      }
    },
  });

  if (done) {
    return (
      <Done>
        <p>{t('correctPerson.done', { status: verificationText(tg, done.verification) })}</p>
      </Done>
    );
  }

  const change = (patch: Partial<PersonValues>) => {
    setNoChange(false);
    setValues((v) => ({ ...v, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) delete next[key as PersonField];
      return next;
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<PersonField, string>> = {};
    if (!values.fullName.trim()) found.fullName = t('correctPerson.errors.fullNameRequired');
    if (!parseFormDate(values.dateOfBirth)) found.dateOfBirth = t('correctPerson.errors.dateOfBirthInvalid');
    setErrors(found);
    const first = PERSON_FIELDS.find((f) => found[f]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    const body = changes();
    if (Object.keys(body).length === 0) {
      setNoChange(true);
      return;
    }
    mutation.mutate(body);
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <p className="field__hint">{t('correctPerson.intro')}</p>
      <div>
        <Button variant="secondary" onClick={() => change(valuesOf(report))}>
          {t('correctPerson.fromReport')}
        </Button>
      </div>
      <div className="form-grid">
        <TextField
          ref={refs.fullName}
          label={t('fields.fullName')}
          required
          autoComplete="off"
          value={values.fullName}
          error={errors.fullName}
          onChange={(event) => change({ fullName: event.target.value })}
        />
        <TextField
          ref={refs.dateOfBirth}
          label={t('fields.dateOfBirth')}
          hint={t('correctPerson.dateHint')}
          required
          inputMode="numeric"
          autoComplete="off"
          value={values.dateOfBirth}
          error={errors.dateOfBirth}
          onChange={(event) => change({ dateOfBirth: event.target.value })}
          onBlur={(event) => change({ dateOfBirth: tidyFormDate(event.target.value) })}
        />
        <RadioGroup
          legend={t('fields.gender')}
          name="correct-gender"
          value={values.gender}
          firstRef={refs.gender}
          error={errors.gender}
          onChange={(value) => change({ gender: asGender(value) })}
          options={[
            { value: 'male', label: genderLabel(tg, 'male') },
            { value: 'female', label: genderLabel(tg, 'female') },
          ]}
        />
        <TextField
          ref={refs.idNumber}
          label={t('fields.idNumber')}
          inputMode="numeric"
          autoComplete="off"
          value={values.idNumber}
          error={errors.idNumber}
          onChange={(event) => change({ idNumber: event.target.value })}
        />
        <TextField
          ref={refs.phone}
          label={t('fields.phone')}
          type="tel"
          autoComplete="off"
          value={values.phone}
          error={errors.phone}
          onChange={(event) => change({ phone: event.target.value })}
        />
      </div>
      {noChange && (
        <p className="field__error" role="alert">
          {t('common.noChange')}
        </p>
      )}
      {mutation.isError && !errorField(mutation.error) && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('common.saving') : t('correctPerson.submit')}
        </Button>
      </div>
    </form>
  );
}

/**
 * "Gộp hồ sơ trùng": finds another record of the same person and merges it into the linked one
 * (its doses and reports move over), after an explicit confirmation.
 */
export function MergeForm({ report, person, onDone }: { report: ReportDetail; person: Person; onDone: () => void }) {
  const t = useReportsT();
  const announce = useAnnounce();
  const [text, setText] = useState(person.fullName);
  const [term, setTerm] = useState('');
  const [confirming, setConfirming] = useState<Person | null>(null);
  const [done, setDone] = useState<Person | null>(null);
  const compact = term.replace(/[\s.-]/g, '');
  const search = usePeopleSearch(
    term ? (/^\d{9}$|^\d{12}$/.test(compact) ? { idNumber: compact } : { q: term }) : null,
  );
  const results = search.data?.filter((p) => p.id !== person.id);

  const merge = useMutation<unknown, ApiError, Person>({
    mutationFn: (duplicate) => reportsApi.merge(report.id, duplicate.id),
    onSuccess: (_, duplicate) => {
      setDone(duplicate);
      setConfirming(null);
      announce(t('merge.done', { name: duplicate.fullName }));
      onDone();
    },
  });

  if (done) {
    return (
      <Done>
        <p>{t('merge.done', { name: done.fullName })}</p>
      </Done>
    );
  }

  return (
    <div className="stack">
      <p className="field__hint">{t('merge.intro')}</p>
      <search>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            setTerm(text.trim());
          }}
          noValidate
        >
          <TextField
            label={t('merge.searchLabel')}
            autoComplete="off"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <Button type="submit" variant="secondary">
            {t('merge.search')}
          </Button>
        </form>
      </search>
      <p className="visually-hidden" role="status">
        {results ? t('link.found', { count: results.length }) : ''}
      </p>
      {search.isError && <Refusal error={search.error} title={t('common.loadFailed')} />}
      {results && results.length === 0 && <p className="text-muted">{t('merge.noResults')}</p>}
      {results && results.length > 0 && (
        <ul className="pick-list">
          {results.map((candidate) => (
            <li key={candidate.id} className="pick-list__item">
              <PersonLine person={candidate} />
              <VerificationBadge verification={candidate.verification} />
              {confirming?.id === candidate.id ? (
                <Alert variant="warning" role="none" className="pick-list__confirm">
                  <p>{t('merge.confirm', { name: candidate.fullName, dob: formatDate(candidate.dateOfBirth) })}</p>
                  <div className="form-actions">
                    <Button
                      variant="danger"
                      onClick={() => merge.mutate(candidate)}
                      disabled={merge.isPending}
                      busy={merge.isPending}
                    >
                      {t('merge.confirmYes')}
                    </Button>
                    <Button variant="ghost" onClick={() => setConfirming(null)}>
                      {t('common.cancel')}
                    </Button>
                  </div>
                </Alert>
              ) : (
                <Button
                  variant="secondary"
                  onClick={() => setConfirming(candidate)}
                  aria-label={t('merge.mergeNamed', { name: candidate.fullName })}
                >
                  {t('merge.merge')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {merge.isError && <Refusal error={merge.error} />}
    </div>
  );
}
