import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { ApiError } from '../api/client';
import { loadStaffArea } from '../areas';
import { safeRedirectTarget } from '../auth/RequireAuth';
import { useLogin, useSession } from '../auth/session';
import { paths } from '../paths';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { usePageTitle } from '../ui/usePageTitle';

type FieldName = 'username' | 'password';
type FieldErrors = Partial<Record<FieldName, string>>;

/** `/dang-nhap`: staff sign-in. Sends the user back to where they were going. */
export function LoginPage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('login.title'));
  const session = useSession();
  const login = useLogin();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  // The field a failed submit sends the focus to, and how many times: its error is announced
  // (role="alert"), since the focus may already be there (Enter in the empty first field).
  const [announced, setAnnounced] = useState<{ field: FieldName; count: number } | null>(null);
  const [formError, setFormError] = useState<{ id: number; message: string } | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // Most people who open the login page sign in next: fetch the staff area's code meanwhile.
  useEffect(() => {
    void loadStaffArea().catch(() => undefined);
  }, []);

  // Signed in (just now, or already when arriving here): go where the user was going.
  if (session.status === 'authenticated') {
    return <Navigate to={safeRedirectTarget(location.state, paths.staffHome)} replace />;
  }

  const focusField = (field: FieldName) => (field === 'username' ? usernameRef : passwordRef).current?.focus();
  const announce = (field: FieldName) => setAnnounced((previous) => ({ field, count: (previous?.count ?? 0) + 1 }));
  const announceOf = (field: FieldName) => (announced?.field === field ? announced.count : undefined);

  const showServerError = (error: ApiError) => {
    const field = error.field;
    if (field === 'username' || field === 'password') {
      setFieldErrors({ [field]: error.message });
      setFormError(null);
      announce(field);
      focusField(field);
      return;
    }
    let message = error.message;
    if (!message && error.code === 'invalid_credentials') message = t('login.invalidCredentials');
    if (!message && error.code === 'too_many_attempts') message = t('login.tooManyAttempts');
    setFormError((previous) => ({ id: (previous?.id ?? 0) + 1, message }));
    if (error.status === 401) setPassword('');
    focusField('password');
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (login.isPending) return;
    const errors: FieldErrors = {};
    const name = username.trim();
    if (!name) errors.username = t('login.usernameRequired');
    if (!password) errors.password = t('login.passwordRequired');
    setFieldErrors(errors);
    if (errors.username || errors.password) {
      const first = errors.username ? 'username' : 'password';
      setFormError(null);
      announce(first);
      focusField(first);
      return;
    }
    setFormError(null);
    login.mutate({ username: name, password }, { onError: showServerError });
  };

  return (
    <div className="container page page--narrow">
      <div className="card stack">
        <div className="stack stack--tight">
          <h1 ref={headingRef} tabIndex={-1}>
            {t('login.title')}
          </h1>
          <p className="text-muted">{t('login.intro')}</p>
        </div>

        {formError && (
          <Alert key={formError.id} variant="error" title={t('login.failedTitle')}>
            <p>{formError.message}</p>
          </Alert>
        )}

        <form className="stack" onSubmit={onSubmit} noValidate>
          <TextField
            ref={usernameRef}
            label={t('login.username')}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            aria-required="true"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            error={fieldErrors.username}
            announceError={announceOf('username')}
          />
          <TextField
            ref={passwordRef}
            label={t('login.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            aria-required="true"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fieldErrors.password}
            announceError={announceOf('password')}
          />
          <Button type="submit" block disabled={login.isPending} busy={login.isPending}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </Button>
        </form>
      </div>
    </div>
  );
}
