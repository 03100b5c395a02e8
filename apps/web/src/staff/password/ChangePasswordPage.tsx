import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '@tiemchung/core';
import { type FormEvent, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { type ApiError, isApiError } from '../../api/client';
import { authApi } from '../../auth/api';
import { SESSION_QUERY_KEY, useCurrentUser } from '../../auth/session';
import type { ChangePasswordRequest, SessionUser } from '../../auth/types';
import { paths } from '../../paths';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { usePageTitle } from '../../ui/usePageTitle';
import { usePasswordT } from './i18n';

type Field = 'current' | 'next' | 'confirm';

/**
 * `/quan-tri/doi-mat-khau` — the signed-in user sets their own password (core's password rule,
 * checked here and by the server). While the account still has a password an administrator made,
 * this is the only page of the staff app; once changed, the app goes to the staff home.
 */
export default function ChangePasswordPage() {
  const t = usePasswordT();
  const headingRef = usePageTitle(t('title'));
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<{ id: number; message: string } | null>(null);
  const refs = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };
  const required = user.mustChangePassword === true;

  const change = useMutation<SessionUser, ApiError, ChangePasswordRequest>({
    mutationFn: (body) => authApi.changePassword(body),
    onSuccess: (changed) => {
      queryClient.setQueryData(SESSION_QUERY_KEY, changed);
      void navigate(paths.staffHome, { replace: true });
    },
  });

  const show = (found: Partial<Record<Field, string>>) => {
    setErrors(found);
    const first = (['current', 'next', 'confirm'] as const).find((f) => found[f]);
    if (first) refs[first].current?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (change.isPending) return;
    setFormError(null);
    const found: Partial<Record<Field, string>> = {};
    if (!current) found.current = t('errors.currentRequired');
    const problem = next ? passwordProblem(next, user.username) : null;
    if (!next) found.next = t('errors.newRequired');
    else if (problem) found.next = t(`errors.${problem}`, { min: PASSWORD_MIN_LENGTH });
    else if (next === current) found.next = t('errors.same');
    else if (confirm !== next) found.confirm = t('errors.mismatch');
    show(found);
    if (Object.keys(found).length > 0) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onError: (error) => {
          const field = isApiError(error) ? error.field : undefined;
          if (field === 'currentPassword') {
            setCurrent('');
            show({ current: error.message });
          } else if (field === 'newPassword') show({ next: error.message });
          else setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message: error.message }));
        },
      },
    );
  };

  return (
    <div className="page--narrow stack">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        {!required && <p className="text-muted">{t('intro')}</p>}
      </div>
      {required && (
        <Alert variant="warning" title={t('requiredTitle')} role="none">
          <p>{t('requiredText')}</p>
        </Alert>
      )}
      {formError && (
        <Alert key={formError.id} variant="error" title={t('failedTitle')}>
          <p>{formError.message}</p>
        </Alert>
      )}
      <form className="card stack" onSubmit={onSubmit} noValidate>
        {/* A hidden username lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        <TextField
          ref={refs.current}
          label={t('current')}
          hint={t('currentHint')}
          type="password"
          name="currentPassword"
          autoComplete="current-password"
          required
          value={current}
          error={errors.current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <TextField
          ref={refs.next}
          label={t('new')}
          hint={t('newHint', { min: PASSWORD_MIN_LENGTH })}
          type="password"
          name="newPassword"
          autoComplete="new-password"
          required
          maxLength={256}
          value={next}
          error={errors.next}
          onChange={(e) => setNext(e.target.value)}
        />
        <TextField
          ref={refs.confirm}
          label={t('confirm')}
          type="password"
          name="confirmPassword"
          autoComplete="new-password"
          required
          maxLength={256}
          value={confirm}
          error={errors.confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
        <Button type="submit" block disabled={change.isPending} busy={change.isPending}>
          {change.isPending ? t('submitting') : t('submit')}
        </Button>
      </form>
    </div>
  );
}
