import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ApiError, isApiError } from '../../../api/client';
import type { Role } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { Alert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { SelectField } from '../../../ui/SelectField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { adminPaths } from '../paths';
import { SectionTitle } from '../SectionHead';
import { type CreatedUser, type CreateUserBody, usersApi, usersKeys } from './api';
import { roleLabel } from './format';
import { useAdminUsersT } from './i18n';
import { anchorOf, assignableRoles, callerScope, NO_PLACE, normalizeUsername, type PlaceChoice } from './logic';
import { focusPlace, type PlaceField, PlaceFields, placeFieldId } from './PlaceFields';
import { TemporaryPassword } from './TemporaryPassword';

type FormField = 'username' | 'displayName' | 'role';
type Errors = Partial<Record<FormField | PlaceField | 'place', string>>;

/** `moi`: a new account — username, name, role and place; the server makes its temporary password. */
export function CreateUserPage() {
  const t = useAdminUsersT();
  const { t: tMain } = useTranslation();
  const headingRef = usePageTitle(t('create.title'));
  const me = useCurrentUser();
  const scope = callerScope(me);
  const queryClient = useQueryClient();
  const id = useId();
  const resultRef = useRef<HTMLHeadingElement>(null);

  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [choice, setChoice] = useState<PlaceChoice>(NO_PLACE);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);

  const create = useMutation<CreatedUser, ApiError, CreateUserBody>({
    mutationFn: (body) => usersApi.create(body),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: usersKeys.all });
      setCreated(user);
      requestAnimationFrame(() => resultRef.current?.focus());
    },
  });

  const fieldId = (field: FormField | PlaceField) =>
    field === 'username' || field === 'displayName' || field === 'role' ? `${id}-${field}` : placeFieldId(id, field);
  const showErrors = (next: Errors) => {
    setErrors(next);
    const order: (FormField | PlaceField)[] = [
      'username',
      'displayName',
      'role',
      'province',
      'district',
      'commune',
      'facility',
    ];
    const first = order.find((f) => next[f]);
    if (first) document.getElementById(fieldId(first))?.focus();
    else if (next.place) focusPlace(id);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    setFormError(null);
    const name = normalizeUsername(username);
    const next: Errors = {};
    if (!name.value) next.username = t('errors.usernameRequired');
    else if (!name.valid) next.username = t('errors.usernameFormat');
    if (role === '') next.role = t('errors.roleRequired');
    const anchor = role === '' ? null : anchorOf(role, scope, choice);
    if (anchor && !anchor.ok) next[anchor.missing] = t(`errors.${anchor.missing}Required`);
    if (Object.keys(next).length > 0 || role === '' || !anchor?.ok) {
      showErrors(next);
      return;
    }
    showErrors({});
    const { ok: _ok, ...place } = anchor;
    create.mutate(
      { username: name.value, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}), ...place },
      {
        onError: (error) => {
          const field = isApiError(error) ? error.field : undefined;
          if (field === 'username' || field === 'displayName' || field === 'role') {
            showErrors({ [field]: error.message });
          } else if (field === 'unitCode' || field === 'facilityId') {
            showErrors({ place: error.message });
          } else {
            setFormError(error.message);
          }
        },
      },
    );
  };

  const startOver = () => {
    setCreated(null);
    setUsername('');
    setDisplayName('');
    setErrors({});
    create.reset();
    requestAnimationFrame(() => document.getElementById(fieldId('username'))?.focus());
  };

  return (
    <div className="users stack">
      <p>
        <Link to={adminPaths.users}>← {t('backToList')}</Link>
      </p>
      <SectionTitle headingRef={headingRef} title={t('create.title')} intro={t('create.intro')} />

      {created ? (
        <section className="card stack" aria-labelledby={`${id}-done`}>
          <h3 id={`${id}-done`} ref={resultRef} tabIndex={-1}>
            {t('create.doneTitle', { username: created.username })}
          </h3>
          {created.temporaryPassword && <TemporaryPassword password={created.temporaryPassword} />}
          <div className="users-actions">
            <Link to={`${adminPaths.users}/${encodeURIComponent(created.id)}`}>
              {t('viewUser', { name: created.displayName })}
            </Link>
            <Button variant="secondary" onClick={startOver}>
              {t('create.another')}
            </Button>
          </div>
        </section>
      ) : (
        <form className="card stack" onSubmit={onSubmit} noValidate>
          {formError && (
            <Alert variant="error" title={t('errors.failedTitle')}>
              <p>{formError}</p>
            </Alert>
          )}
          <TextField
            id={fieldId('username')}
            label={t('fields.username')}
            hint={t('fields.usernameHint')}
            required
            name="username"
            autoComplete="off"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            maxLength={64}
            value={username}
            error={errors.username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            id={fieldId('displayName')}
            label={t('fields.displayName')}
            hint={t('fields.displayNameHint')}
            name="displayName"
            autoComplete="off"
            maxLength={120}
            value={displayName}
            error={errors.displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          <SelectField
            id={fieldId('role')}
            label={t('fields.role')}
            required
            placeholder={t('fields.chooseRole')}
            options={assignableRoles(me.role).map((r) => ({ value: r, label: roleLabel(tMain, r) }))}
            value={role}
            error={errors.role}
            onChange={(e) => {
              setRole(e.target.value as Role | '');
              setChoice(NO_PLACE);
            }}
          />
          <PlaceFields
            role={role}
            scope={scope}
            choice={choice}
            onChange={setChoice}
            errors={errors}
            groupError={errors.place}
            idPrefix={id}
          />
          <div>
            <Button type="submit" disabled={create.isPending} busy={create.isPending}>
              {create.isPending ? t('create.submitting') : t('create.submit')}
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
