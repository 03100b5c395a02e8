import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UpdatePersonBody } from '@tiemchung/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { PageLoading } from '../../ui/PageLoading';
import { usePageTitle } from '../../ui/usePageTitle';
import { existingIdOf, type Person, peopleApi, personQuery, receptionKeys } from './api';
import { formatDate, messageText } from './format';
import { PersonFields, usePersonForm } from './PersonForm';
import { type PersonCardState, receptionPaths } from './paths';
import { type PersonFormValues, validatePersonForm } from './validation';

const REASON_MAX_LENGTH = 500;

function valuesOf(person: Person): PersonFormValues {
  return {
    fullName: person.fullName,
    dateOfBirth: formatDate(person.dateOfBirth),
    gender: person.gender,
    idNumber: person.idNumber ?? '',
    phone: person.phone ?? '',
    provinceCode: person.provinceCode,
    districtCode: person.districtCode ?? '',
    communeCode: person.communeCode ?? '',
    address: person.address ?? '',
    oldIdNumber: person.oldIdNumber ?? '',
    ethnicity: person.ethnicity ?? '',
    occupation: person.occupation ?? '',
    healthInsuranceNumber: person.healthInsuranceNumber ?? '',
  };
}

/**
 * The changes to send: only what differs from the record. A change of residence sends the
 * province again so that the server resets the district / commune left empty.
 */
function patchOf(person: Person, body: NonNullable<ReturnType<typeof validatePersonForm>['body']>): UpdatePersonBody {
  const patch: UpdatePersonBody = {};
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '') === (b ?? '');
  if (!same(body.fullName, person.fullName)) patch.fullName = body.fullName;
  if (!same(body.dateOfBirth, person.dateOfBirth)) patch.dateOfBirth = body.dateOfBirth;
  if (body.gender !== person.gender) patch.gender = body.gender;
  if (!same(body.idNumber, person.idNumber)) patch.idNumber = body.idNumber;
  if (!same(body.phone, person.phone)) patch.phone = body.phone;
  if (!same(body.address, person.address)) patch.address = body.address ?? '';
  if (!same(body.ethnicity, person.ethnicity)) patch.ethnicity = body.ethnicity ?? '';
  if (!same(body.occupation, person.occupation)) patch.occupation = body.occupation ?? '';
  if (!same(body.healthInsuranceNumber, person.healthInsuranceNumber))
    patch.healthInsuranceNumber = body.healthInsuranceNumber ?? '';
  if (
    !same(body.provinceCode, person.provinceCode) ||
    !same(body.districtCode, person.districtCode) ||
    !same(body.communeCode, person.communeCode)
  ) {
    patch.provinceCode = body.provinceCode;
    if (body.districtCode) patch.districtCode = body.districtCode;
    if (body.communeCode) patch.communeCode = body.communeCode;
  }
  return patch;
}

function EditForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const passport = person.idType === 'passport';
  const form = usePersonForm(valuesOf(person), { passport });
  const [reason, setReason] = useState('');
  const [formError, setFormError] = useState<{ id: number; message: string; existingId?: string } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the form opens
  useEffect(() => {
    form.focusField('fullName');
  }, []);

  const update = useMutation<Person, ApiError, UpdatePersonBody>({
    mutationFn: (patch) => peopleApi.update(person.id, patch),
    onSuccess: (updated) => {
      queryClient.setQueryData(receptionKeys.person(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: ['people', 'search'] });
      const state: PersonCardState = { notice: 'updated' };
      void navigate(receptionPaths.person(updated.id), { state, replace: true });
    },
    onError: (error) => {
      const existing = existingIdOf(error);
      if (!existing && form.showServerFieldError(error)) {
        setFormError(null);
        return;
      }
      setFormError((previous) => ({
        id: (previous?.id ?? 0) + 1,
        message: error.message,
        ...(existing ? { existingId: existing } : {}),
      }));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (update.isPending) return;
    const { errors, body } = validatePersonForm(form.values, { passport });
    const trimmedReason = reason.trim();
    if (!trimmedReason) errors.reason = { key: 'reception.errors.reasonRequired' };
    else if (trimmedReason.length > REASON_MAX_LENGTH) errors.reason = { key: 'reception.errors.tooLong' };
    form.setErrors(errors);
    if (!body || errors.reason) {
      setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message: t('reception.form.errorSummary') }));
      form.focusFirstError(errors);
      return;
    }
    const patch = patchOf(person, body);
    if (Object.keys(patch).length === 0) {
      setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message: t('reception.form.noChanges') }));
      return;
    }
    setFormError(null);
    update.mutate({ ...patch, reason: trimmedReason });
  };

  return (
    <form className="card stack person-form" onSubmit={onSubmit} noValidate>
      <PersonFields form={form} showOldIdNumber={false} />
      <TextField
        ref={form.refFor('reason')}
        name="reason"
        label={t('reception.form.reason')}
        hint={t('reception.form.reasonHint')}
        required
        autoComplete="off"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={form.errors.reason ? messageText(t, form.errors.reason) : undefined}
      />

      {formError && (
        <Alert
          key={formError.id}
          variant="error"
          title={formError.existingId ? t('reception.form.duplicatePersonTitle') : t('reception.form.failedTitle')}
        >
          <p>{formError.message}</p>
          {formError.existingId && (
            <div>
              <Link className="btn btn--secondary" to={receptionPaths.person(formError.existingId)}>
                {t('reception.form.openExisting')}
              </Link>
            </div>
          )}
        </Alert>
      )}

      <div className="form-actions">
        <Button type="submit" disabled={update.isPending} busy={update.isPending}>
          {update.isPending ? t('reception.form.submittingEdit') : t('reception.form.submitEdit')}
        </Button>
        <Link className="btn btn--ghost" to={receptionPaths.person(person.id)}>
          {t('reception.form.cancel')}
        </Link>
      </div>
    </form>
  );
}

/** `/quan-tri/tiep-don/nguoi/:id/sua` — corrects a person's details (a reason is required). */
export function EditPersonPage() {
  const { t } = useTranslation();
  usePageTitle(t('reception.person.edit'));
  const { id = '' } = useParams();
  const query = useQuery(personQuery(id));

  if (query.isError) {
    return (
      <div className="stack reception">
        <Alert variant="error" title={t('reception.person.notFoundTitle')}>
          <p>{query.error.message}</p>
        </Alert>
        <p>
          <Link to={receptionPaths.search}>{t('reception.person.backToSearch')}</Link>
        </p>
      </div>
    );
  }
  if (!query.data) return <PageLoading />;
  const person = query.data;
  return (
    <div className="stack reception">
      <p>
        <Link to={receptionPaths.person(person.id)} className="back-link">
          <span aria-hidden="true">← </span>
          {person.fullName}
        </Link>
      </p>
      <div className="stack stack--tight">
        <h1>{t('reception.form.editTitle', { name: person.fullName })}</h1>
        <p className="text-muted">{t('reception.form.requiredNote')}</p>
      </div>
      <EditForm key={person.id} person={person} />
    </div>
  );
}
