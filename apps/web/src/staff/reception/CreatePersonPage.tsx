import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreatePersonBody } from '@tiemchung/core';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { usePageTitle } from '../../ui/usePageTitle';
import {
  type DuplicateCheckParams,
  duplicatesQuery,
  existingIdOf,
  type Person,
  peopleApi,
  receptionKeys,
  useSiteResidence,
} from './api';
import { DuplicateWarning } from './DuplicateWarning';
import { PersonFields, usePersonForm } from './PersonForm';
import { type CreatePersonState, type PersonCardState, receptionPaths } from './paths';
import { QR_FIELDS } from './useCccdQr';
import {
  duplicateCheckParams,
  EMPTY_PERSON_FORM,
  type PersonField,
  type PersonFormValues,
  validatePersonForm,
} from './validation';

/** Wait after the last change before looking for likely existing records. */
const DUPLICATE_CHECK_DELAY_MS = 400;

function sameParams(a: DuplicateCheckParams | null, b: DuplicateCheckParams | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first required field still empty (where the desk continues typing). */
function firstEmptyField(values: PersonFormValues): PersonField {
  const order: PersonField[] = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'phone', 'provinceCode'];
  return order.find((field) => !values[field]) ?? 'fullName';
}

/**
 * `/quan-tri/tiep-don/dang-ky` — registers a new person: fields checked in the browser with the
 * core rules, likely existing records shown before creating, then the person's card with the
 * verification result. Started empty, from a search that found nobody, or from a CCCD QR code.
 */
export function CreatePersonPage() {
  const { t } = useTranslation();
  usePageTitle(t('reception.form.createTitle'));
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const site = useSiteResidence(user);
  const routeState = (location.state as CreatePersonState | null) ?? {};
  const fromQr = routeState.fromQr === true;
  const [initial] = useState<PersonFormValues>(() => ({ ...EMPTY_PERSON_FORM, ...routeState.prefill }));
  const form = usePersonForm(initial);
  const { values } = form;
  const qrFields = useMemo(() => new Set<PersonField>(fromQr ? QR_FIELDS : []), [fromQr]);
  const [formError, setFormError] = useState<{ id: number; message: string } | null>(null);
  const [existingId, setExistingId] = useState<string | null>(null);
  const [checkParams, setCheckParams] = useState<DuplicateCheckParams | null>(null);
  const [acknowledged, setAcknowledged] = useState<DuplicateCheckParams | null>(null);
  const [pleaseChoose, setPleaseChoose] = useState(false);
  /** Bumped to move the focus to the duplicates warning once it is rendered. */
  const [focusDuplicates, setFocusDuplicates] = useState(0);
  const duplicatesHeadingRef = useRef<HTMLHeadingElement>(null);
  const existingButtonRef = useRef<HTMLButtonElement>(null);
  const residenceTouched = useRef(Boolean(initial.provinceCode));
  /** True from Enter until the create request is sent (the duplicate check in between is async). */
  const checking = useRef(false);

  // Keyboard first: continue at the first required field still empty (the phone after a QR scan).
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the form opens
  useEffect(() => {
    form.focusField(firstEmptyField(initial));
  }, []);

  // The desk's own province and district, once known, unless already chosen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the site becomes known
  useEffect(() => {
    if (!site || residenceTouched.current) return;
    residenceTouched.current = true;
    form.setValues((previous) =>
      previous.provinceCode
        ? previous
        : { ...previous, provinceCode: site.provinceCode, districtCode: site.districtCode ?? '', communeCode: '' },
    );
  }, [site]);

  // Likely existing records, looked up once name and date of birth (and phone / ID) are filled in.
  const currentParams = useMemo(() => duplicateCheckParams(values), [values]);
  useEffect(() => {
    const timer = setTimeout(
      () => setCheckParams((previous) => (sameParams(previous, currentParams) ? previous : currentParams)),
      DUPLICATE_CHECK_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [currentParams]);
  const duplicates = useQuery({
    ...duplicatesQuery(checkParams ?? { fullName: '', dateOfBirth: '' }),
    enabled: checkParams !== null,
  });
  const candidates = checkParams ? (duplicates.data?.items ?? []) : [];

  // After rendering: a 409 focuses "Mở hồ sơ đã có"; a blocked submit focuses the warning.
  useEffect(() => {
    if (existingId) existingButtonRef.current?.focus();
  }, [existingId]);
  useEffect(() => {
    if (focusDuplicates) duplicatesHeadingRef.current?.focus();
  }, [focusDuplicates]);

  const openPerson = (person: Pick<Person, 'id'>) => void navigate(receptionPaths.person(person.id));

  const create = useMutation<Person, ApiError, CreatePersonBody>({
    mutationFn: (body) => peopleApi.create(body),
    onSuccess: (person) => {
      queryClient.setQueryData(receptionKeys.person(person.id), person);
      const state: PersonCardState = { notice: 'created' };
      void navigate(receptionPaths.person(person.id), { state, replace: true });
    },
    onError: (error) => {
      const existing = existingIdOf(error);
      if (existing) {
        setExistingId(existing);
        setFormError(null);
        form.setErrors((previous) => ({ ...previous, idNumber: { text: error.message } }));
        return;
      }
      if (form.showServerFieldError(error)) {
        setFormError(null);
        return;
      }
      setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message: error.message }));
    },
  });

  /** Validates; on errors shows them and focuses the first; returns the body otherwise. */
  const validated = (): CreatePersonBody | null => {
    const { errors, body } = validatePersonForm(values);
    form.setErrors(errors);
    setExistingId(null);
    if (!body) {
      setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message: t('reception.form.errorSummary') }));
      form.focusFirstError(errors);
      return null;
    }
    setFormError(null);
    return body;
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending || checking.current) return;
    const body = validated();
    if (!body || !currentParams) return;
    // The warning comes before creating: check now if the last check was for other details.
    let found: readonly Person[] = [];
    checking.current = true;
    try {
      found = (await queryClient.fetchQuery(duplicatesQuery(currentParams))).items;
    } catch {
      // The check is a help, not a gate: the server still refuses a second record per ID number.
    } finally {
      checking.current = false;
    }
    setCheckParams(currentParams);
    if (found.length > 0 && !sameParams(acknowledged, currentParams)) {
      setPleaseChoose(true);
      setFocusDuplicates((n) => n + 1);
      return;
    }
    create.mutate(body);
  };

  const createAnyway = () => {
    const body = validated();
    if (!body) return;
    setAcknowledged(currentParams);
    create.mutate(body);
  };

  return (
    <div className="stack reception">
      <p>
        <Link to={receptionPaths.search} className="back-link">
          <span aria-hidden="true">← </span>
          {t('reception.person.backToSearch')}
        </Link>
      </p>
      <div className="stack stack--tight">
        <h1>{t('reception.form.createTitle')}</h1>
        <p className="text-muted">{t('reception.form.requiredNote')}</p>
      </div>

      {fromQr && (
        <Alert variant="info" role="none">
          <p>{t('reception.qrPrefilled')}</p>
        </Alert>
      )}

      <form className="card stack person-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <PersonFields form={form} fromQr={qrFields} />

        {existingId && (
          <Alert variant="error" title={t('reception.form.duplicatePersonTitle')}>
            <div>
              <Button ref={existingButtonRef} variant="secondary" onClick={() => openPerson({ id: existingId })}>
                {t('reception.form.openExisting')}
              </Button>
            </div>
          </Alert>
        )}

        {candidates.length > 0 && (
          <DuplicateWarning
            people={candidates}
            onUse={openPerson}
            onCreateAnyway={createAnyway}
            creating={create.isPending}
            pleaseChoose={pleaseChoose}
            headingRef={duplicatesHeadingRef}
          />
        )}
        <p className="visually-hidden" role="status">
          {candidates.length > 0 ? t('reception.duplicates.title') : ''}
        </p>

        {formError && (
          <Alert key={formError.id} variant="error" title={t('reception.form.failedTitle')}>
            <p>{formError.message}</p>
          </Alert>
        )}

        <div className="form-actions">
          <Button type="submit" disabled={create.isPending} busy={create.isPending}>
            {create.isPending ? t('reception.form.submittingCreate') : t('reception.form.submitCreate')}
          </Button>
          <Link className="btn btn--ghost" to={receptionPaths.search}>
            {t('reception.form.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}
