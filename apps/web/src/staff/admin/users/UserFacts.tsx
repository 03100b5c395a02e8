import { useTranslation } from 'react-i18next';
import { Badge } from '../../../ui/Badge';
import type { User } from './api';
import { placeLabel, roleLabel } from './format';
import { useAdminUsersT } from './i18n';

/** An account's state as badges: active or disabled, and whether it must change its password. */
export function UserStateBadges({ user }: { user: User }) {
  const t = useAdminUsersT();
  return (
    <p className="users-card__badges">
      {user.active ? (
        <Badge tone="success">{t('state.active')}</Badge>
      ) : (
        <Badge tone="danger">{t('state.disabled')}</Badge>
      )}
      {user.mustChangePassword && user.active && <Badge tone="warning">{t('state.mustChange')}</Badge>}
    </p>
  );
}

/** Who an account is, as the first terms of a `<dl className="users-facts">`: username, role, place. */
export function UserIdentityFacts({ user }: { user: User }) {
  const t = useAdminUsersT();
  const { t: tMain } = useTranslation();
  return (
    <>
      <div>
        <dt>{t('fields.username')}</dt>
        <dd className="users-facts__code">{user.username}</dd>
      </div>
      <div>
        <dt>{t('fields.role')}</dt>
        <dd>{roleLabel(tMain, user.role)}</dd>
      </div>
      <div>
        <dt>{t('fields.place')}</dt>
        <dd>{placeLabel(t, user)}</dd>
      </div>
    </>
  );
}
