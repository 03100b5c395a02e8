import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useNavigate, useNavigationType } from 'react-router';
import { type ApiError, isApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { type ImportUpload, importsApi, useFacilitiesInScope } from './api';
import { useImportsT } from './i18n';
import { IMPORT_ACCEPT } from './logic';
import { importsPaths } from './paths';

interface Errors {
  file?: string | undefined;
  facility?: string | undefined;
}

/**
 * "Tải tệp lên": the file, the facility importing (a site's own; an administrator chooses among
 * the facilities of their units), "dry run only", and the upload. The server's refusal is shown
 * in its own words (the error catalogue's message) beside the field it names, else above the
 * button. Once taken (202), the address names the new job: its progress shows.
 */
export function UploadForm() {
  const t = useImportsT();
  const id = useId();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const navigationType = useNavigationType();
  const titleRef = useRef<HTMLHeadingElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const facilities = useFacilitiesInScope();
  const choices = facilities.data ?? [];
  const [chosen, setChosen] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // A site imports for itself; an administrator with one facility needs no choice.
  const facilityId = user.facilityId ?? (chosen || (choices.length === 1 ? (choices[0]?.id ?? '') : ''));
  const fixed = user.facilityId ? (choices.find((f) => f.id === user.facilityId)?.name ?? user.facilityId) : null;
  const fileId = `${id}-file`;
  const facilityFieldId = `${id}-facility`;

  const upload = useMutation<{ id: string }, ApiError, ImportUpload>({
    mutationFn: (input) => importsApi.create(input),
    onSuccess: (created) => void navigate(importsPaths.job(created.id)),
  });

  // Back from a job ("Nhập tệp khác"): the focus goes to the form (on entering the area, the page's
  // heading takes it after this).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the form is first shown
  useEffect(() => {
    if (navigationType !== 'POP') titleRef.current?.focus();
  }, []);

  const show = (next: Errors) => {
    setErrors(next);
    if (next.file) document.getElementById(fileId)?.focus();
    else if (next.facility) document.getElementById(facilityFieldId)?.focus();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (upload.isPending) return;
    setFormError(null);
    const file = fileRef.current?.files?.[0];
    const next: Errors = {
      file: file ? undefined : t('form.needFile'),
      facility: facilityId ? undefined : t('form.needFacility'),
    };
    show(next);
    if (!file || !facilityId) return;
    upload.mutate(
      { file, facilityId, dryRun },
      {
        onError: (error) => {
          const field = isApiError(error) ? error.field : undefined;
          if (field === 'file') show({ file: error.message });
          else if (field === 'facilityId' && !user.facilityId) show({ facility: error.message });
          else setFormError(error.message);
        },
      },
    );
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={titleRef} tabIndex={-1} className="h3">
        {t('form.title')}
      </h2>
      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          ref={fileRef}
          id={fileId}
          type="file"
          name="file"
          accept={IMPORT_ACCEPT}
          className="imports-file"
          label={t('form.file')}
          hint={t('form.fileHint')}
          required
          error={errors.file}
          onChange={() => setErrors((e) => ({ ...e, file: undefined }))}
        />
        {fixed !== null ? (
          <p>
            <span className="text-muted">{t('form.facility')}: </span>
            <strong>{fixed}</strong>
          </p>
        ) : (
          <SelectField
            id={facilityFieldId}
            name="facilityId"
            label={t('form.facility')}
            hint={t('form.facilityHint')}
            required
            placeholder={t('form.chooseFacility')}
            options={choices.map((f) => ({ value: f.id, label: `${f.name} (${f.id})` }))}
            value={facilityId}
            error={
              errors.facility ??
              (facilities.isError
                ? t('form.facilitiesFailed')
                : facilities.isSuccess && choices.length === 0
                  ? t('form.noFacility')
                  : undefined)
            }
            onChange={(e) => {
              setChosen(e.target.value);
              setErrors((x) => ({ ...x, facility: undefined }));
            }}
          />
        )}
        <CheckboxField
          name="dryRun"
          label={t('form.dryRun')}
          checked={dryRun}
          onChange={(e) => setDryRun(e.target.checked)}
        />
        {formError && (
          <Alert variant="error" title={t('form.failed')}>
            <p>{formError}</p>
          </Alert>
        )}
        <div>
          <Button type="submit" busy={upload.isPending} disabled={upload.isPending}>
            {upload.isPending ? t('form.submitting') : dryRun ? t('form.submitDryRun') : t('form.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
