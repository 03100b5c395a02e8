import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type ApiError, isApiError } from '../../../api/client';
import type { Role } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { Alert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { PageLoading } from '../../../ui/PageLoading';
import { SelectField } from '../../../ui/SelectField';
import { TextAreaField } from '../../../ui/TextAreaField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { passwordPath } from '../../password/paths';
import { adminPaths } from '../paths';
import { type PasswordResetResult, type UpdateUserBody, type User, usersApi, usersKeys, useUser } from './api';
import { formatInstant, placeLabel, roleLabel } from './format';
import { useAdminUsersT } from './i18n';
import { anchorOf, assignableRoles, callerScope, canManage, NO_PLACE, type PlaceChoice } from './logic';
import { focusPlace, type PlaceField, PlaceFields, placeFieldId } from './PlaceFields';
import { TemporaryPassword } from './TemporaryPassword';
import { UserIdentityFacts, UserStateBadges } from './UserFacts';

/** Keeps the account's cached answers in step with the one the server just gave. */
function useAccountUpdated() {
  const queryClient = useQueryClient();
  return (user: User) => {
    queryClient.setQueryData(usersKeys.user(user.id), user);
    void queryClient.invalidateQueries({ queryKey: [...usersKeys.all, 'list'] });
  };
}

/**
 * A step that asks first: the trigger button, then (once pressed) a short confirmation with its
 * own controls, focused when it opens; cancelling returns focus to the trigger.
 */
function Confirmable({
  trigger,
  triggerVariant,
  title,
  text,
  confirmLabel,
  busyLabel,
  busy,
  onConfirm,
  children,
  open,
  setOpen,
}: {
  trigger: string;
  triggerVariant: 'secondary' | 'danger';
  title: string;
  text: string;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  onConfirm: () => void;
  children?: ReactNode;
  open: boolean;
  setOpen: (open: boolean) => void;
}) {
  const t = useAdminUsersT();
  const id = useId();
  const triggerRef = useRef<HTMLButtonElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  if (!open) {
    return (
      <div>
        <Button
          ref={triggerRef}
          variant={triggerVariant}
          onClick={() => {
            setOpen(true);
            requestAnimationFrame(() => titleRef.current?.focus());
          }}
        >
          {trigger}
        </Button>
      </div>
    );
  }
  return (
    <section className="users-confirm stack stack--tight" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`} ref={titleRef} tabIndex={-1}>
        {title}
      </h4>
      <p>{text}</p>
      {children}
      <div className="users-actions">
        <Button
          variant={triggerVariant === 'danger' ? 'danger' : 'primary'}
          disabled={busy}
          busy={busy}
          onClick={onConfirm}
        >
          {busy ? busyLabel : confirmLabel}
        </Button>
        <Button
          variant="ghost"
          disabled={busy}
          onClick={() => {
            setOpen(false);
            requestAnimationFrame(() => triggerRef.current?.focus());
          }}
        >
          {t('cancel')}
        </Button>
      </div>
    </section>
  );
}

type EditField = 'displayName' | 'role' | PlaceField | 'place';

/** The account's name, role and place of work. */
function EditForm({ user }: { user: User }) {
  const t = useAdminUsersT();
  const { t: tMain } = useTranslation();
  const me = useCurrentUser();
  const scope = callerScope(me);
  const id = useId();
  const updated = useAccountUpdated();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [moving, setMoving] = useState(false);
  const [choice, setChoice] = useState<PlaceChoice>(NO_PLACE);
  const [errors, setErrors] = useState<Partial<Record<EditField, string>>>({});
  const [notice, setNotice] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const save = useMutation<User, ApiError, UpdateUserBody>({
    mutationFn: (body) => usersApi.update(user.id, body),
    onSuccess: (next) => {
      updated(next);
      setDisplayName(next.displayName);
      setRole(next.role);
      setMoving(false);
      setChoice(NO_PLACE);
      setNotice(t('edit.saved'));
    },
  });

  const focus = (field: EditField) => {
    if (field === 'place') focusPlace(id);
    else
      document
        .getElementById(field === 'displayName' || field === 'role' ? `${id}-${field}` : placeFieldId(id, field))
        ?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setNotice('');
    setFormError(null);
    const body: UpdateUserBody = {};
    const name = displayName.trim();
    if (name && name !== user.displayName) body.displayName = name;
    if (role !== user.role) body.role = role;
    if (moving) {
      const anchor = anchorOf(role, scope, choice);
      if (!anchor.ok) {
        setErrors({ [anchor.missing]: t(`errors.${anchor.missing}Required`) });
        focus(anchor.missing);
        return;
      }
      const { ok: _ok, ...place } = anchor;
      Object.assign(body, place);
    }
    setErrors({});
    if (Object.keys(body).length === 0) {
      setNotice(t('edit.unchanged'));
      return;
    }
    save.mutate(body, {
      onError: (error) => {
        const field = isApiError(error) ? error.field : undefined;
        if (field === 'displayName' || field === 'role') {
          setErrors({ [field]: error.message });
          focus(field);
        } else if (field === 'unitCode' || field === 'facilityId') {
          // A place is needed (the new role cannot stay where the account is), or this one is refused.
          setMoving(true);
          setErrors({ place: error.message });
          requestAnimationFrame(() => focus('place'));
        } else {
          setFormError(error.message);
        }
      },
    });
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('edit.title')}</h3>
      {formError && (
        <Alert variant="error" title={t('errors.failedTitle')}>
          <p>{formError}</p>
        </Alert>
      )}
      {notice && (
        <Alert variant="success" role="status">
          {notice}
        </Alert>
      )}
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={`${id}-displayName`}
          label={t('fields.displayName')}
          maxLength={120}
          autoComplete="off"
          value={displayName}
          error={errors.displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <SelectField
          id={`${id}-role`}
          label={t('fields.role')}
          hint={t('edit.roleHint')}
          options={assignableRoles(me.role).map((r) => ({ value: r, label: roleLabel(tMain, r) }))}
          value={role}
          error={errors.role}
          onChange={(e) => setRole(e.target.value as Role)}
        />
        <p className="text-muted">{t('edit.currentPlace', { place: placeLabel(t, user) })}</p>
        <div>
          <Button
            variant="secondary"
            aria-expanded={moving}
            onClick={() => {
              setMoving(!moving);
              setChoice(NO_PLACE);
              setErrors({});
            }}
          >
            {moving ? t('edit.keepPlace') : t('edit.changePlace')}
          </Button>
        </div>
        {moving && (
          <PlaceFields
            role={role}
            scope={scope}
            choice={choice}
            onChange={setChoice}
            errors={errors}
            groupError={errors.place}
            idPrefix={id}
          />
        )}
        <div>
          <Button type="submit" disabled={save.isPending} busy={save.isPending}>
            {save.isPending ? t('edit.submitting') : t('edit.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** A new temporary password, shown once. */
function ResetPanel({ user }: { user: User }) {
  const t = useAdminUsersT();
  const id = useId();
  const updated = useAccountUpdated();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<PasswordResetResult | null>(null);
  const reset = useMutation<PasswordResetResult, ApiError>({
    mutationFn: () => usersApi.resetPassword(user.id),
    onSuccess: (answer) => {
      updated(answer.user);
      setResult(answer);
      setOpen(false);
    },
  });
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('reset.title')}</h3>
      <p className="text-muted">{t('reset.intro')}</p>
      {reset.isError && (
        <Alert variant="error" title={t('errors.actionFailed')}>
          <p>{reset.error.message}</p>
        </Alert>
      )}
      {result && (
        <>
          <Alert variant="success" role="status">
            {t('reset.done', { name: user.displayName })}
          </Alert>
          <TemporaryPassword password={result.temporaryPassword} />
        </>
      )}
      <Confirmable
        open={open}
        setOpen={setOpen}
        trigger={t('reset.button')}
        triggerVariant="secondary"
        title={t('reset.confirmTitle', { name: user.displayName })}
        text={t('reset.confirmText')}
        confirmLabel={t('reset.confirm')}
        busyLabel={t('reset.working')}
        busy={reset.isPending}
        onConfirm={() => reset.mutate()}
      />
    </section>
  );
}

/** Disable the account (with a reason for the audit log), or enable it again. */
function StatusPanel({ user }: { user: User }) {
  const t = useAdminUsersT();
  const id = useId();
  const updated = useAccountUpdated();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState('');
  const change = useMutation<User, ApiError, 'disable' | 'enable'>({
    mutationFn: (what) => (what === 'disable' ? usersApi.disable(user.id, reason.trim()) : usersApi.enable(user.id)),
    onSuccess: (next, what) => {
      updated(next);
      setOpen(false);
      setReason('');
      setNotice(t(what === 'disable' ? 'disable.done' : 'enable.done', { name: next.displayName }));
    },
  });
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('disable.title')}</h3>
      <p>
        {user.active
          ? t('disable.activeText')
          : t('disable.disabledText', { at: formatInstant(user.disabledAt), by: user.disabledBy ?? '—' })}
      </p>
      {notice && (
        <Alert variant="success" role="status">
          {notice}
        </Alert>
      )}
      {change.isError && (
        <Alert variant="error" title={t('errors.actionFailed')}>
          <p>{change.error.message}</p>
        </Alert>
      )}
      {user.active ? (
        <Confirmable
          open={open}
          setOpen={setOpen}
          trigger={t('disable.button')}
          triggerVariant="danger"
          title={t('disable.confirmTitle', { name: user.displayName })}
          text={t('disable.confirmText')}
          confirmLabel={t('disable.confirm')}
          busyLabel={t('disable.working')}
          busy={change.isPending}
          onConfirm={() => change.mutate('disable')}
        >
          <TextAreaField
            label={t('disable.reason')}
            hint={t('disable.reasonHint')}
            maxLength={500}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </Confirmable>
      ) : (
        <Confirmable
          open={open}
          setOpen={setOpen}
          trigger={t('enable.button')}
          triggerVariant="secondary"
          title={t('enable.confirmTitle', { name: user.displayName })}
          text={t('enable.confirmText')}
          confirmLabel={t('enable.confirm')}
          busyLabel={t('enable.working')}
          busy={change.isPending}
          onConfirm={() => change.mutate('enable')}
        />
      )}
    </section>
  );
}

/** `:id`: one account — its details and, for an account the administrator manages, the changes. */
export function UserPage() {
  const t = useAdminUsersT();
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const query = useUser(id);
  const user = query.data;
  const headingRef = usePageTitle(user ? t('detail.title', { username: user.username }) : t('title'));

  if (query.isPending) return <PageLoading />;
  if (!user) {
    const missing = isApiError(query.error) && query.error.status === 404;
    return (
      <div className="users stack">
        <p>
          <Link to={adminPaths.users}>← {t('backToList')}</Link>
        </p>
        <h2 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h2>
        <Alert variant="error">
          <p>{missing ? t('detail.notFound') : (query.error?.message ?? t('loadError'))}</p>
        </Alert>
      </div>
    );
  }
  const own = user.username === me.username;
  const manageable = canManage(me, user);

  return (
    <div className="users stack">
      <p>
        <Link to={adminPaths.users}>← {t('backToList')}</Link>
      </p>
      <div className="stack stack--tight">
        <h2 ref={headingRef} tabIndex={-1}>
          {user.displayName}
        </h2>
        <UserStateBadges user={user} />
      </div>
      <dl className="card users-facts">
        <UserIdentityFacts user={user} />
        <div>
          <dt>{t('fields.createdAt')}</dt>
          <dd>{formatInstant(user.createdAt)}</dd>
        </div>
        {!user.active && (
          <>
            <div>
              <dt>{t('fields.disabledAt')}</dt>
              <dd>{formatInstant(user.disabledAt)}</dd>
            </div>
            <div>
              <dt>{t('fields.disabledBy')}</dt>
              <dd>{user.disabledBy ?? '—'}</dd>
            </div>
          </>
        )}
      </dl>
      {manageable ? (
        <>
          <EditForm key={user.id} user={user} />
          <ResetPanel user={user} />
          <StatusPanel user={user} />
        </>
      ) : (
        <Alert variant="info" role="none">
          <p>{own ? t('detail.own') : t('detail.readOnly')}</p>
          {own && <Link to={passwordPath}>{t('detail.changePassword')}</Link>}
        </Alert>
      )}
    </div>
  );
}
