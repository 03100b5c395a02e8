import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ROLES } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/session';
import { Button, buttonClass } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { LoadFailed } from '../../../ui/LoadFailed';
import { SelectField } from '../../../ui/SelectField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { adminPaths } from '../paths';
import { SectionTitle } from '../SectionHead';
import { LIST_LIMIT, type User, type UserFilters, useFacilities, useUnits, useUsers } from './api';
import { roleLabel } from './format';
import { useAdminUsersT } from './i18n';
import { callerScope, facilityFilterScope, filtersFrom, paramsFrom, unitFilterParent } from './logic';
import { UserIdentityFacts, UserStateBadges } from './UserFacts';

/** One account in the list: a card (one column at 320 px, a grid on wider screens). */
function UserCard({ user }: { user: User }) {
  return (
    <article className="card users-card stack stack--tight">
      <h3 className="users-card__name">
        <Link to={`${adminPaths.users}/${encodeURIComponent(user.id)}`}>{user.displayName}</Link>
      </h3>
      <dl className="users-facts">
        <UserIdentityFacts user={user} />
      </dl>
      <UserStateBadges user={user} />
    </article>
  );
}

/** The list of accounts within the administrator's units, filtered from the address bar. */
export function UsersListPage() {
  const t = useAdminUsersT();
  const { t: tMain } = useTranslation();
  const headingRef = usePageTitle(t('title'));
  const me = useCurrentUser();
  const scope = callerScope(me);
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  const id = useId();

  const list = useUsers(filters);
  const units = useUnits(unitFilterParent(scope));
  const facilityScope = facilityFilterScope(scope, filters.unitCode);
  const facilities = useFacilities(facilityScope);

  const update = (patch: Partial<UserFilters>) => setParams(paramsFrom({ ...filters, ...patch }), { replace: true });
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update({ q: q.trim() || undefined });
  };
  const filtered = Object.keys(filters).length > 0;
  const items = list.data;

  return (
    <div className="users stack">
      <div className="users__head">
        <SectionTitle headingRef={headingRef} title={t('title')} intro={t('intro')} />
        <Link className={buttonClass('primary')} to={`${adminPaths.users}/moi`}>
          {t('add')}
        </Link>
      </div>

      <section className="card stack" aria-labelledby={`${id}-filters`}>
        <h3 id={`${id}-filters`} className="visually-hidden">
          {t('filters.title')}
        </h3>
        <form className="users-search" onSubmit={onSearch}>
          <TextField
            label={t('filters.q')}
            hint={t('filters.qHint')}
            type="search"
            name="q"
            autoComplete="off"
            maxLength={64}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <Button type="submit" variant="secondary">
            {t('filters.search')}
          </Button>
        </form>
        <div className="users-filters">
          <SelectField
            label={t('filters.role')}
            placeholder={t('filters.allRoles')}
            options={ROLES.map((r) => ({ value: r, label: roleLabel(tMain, r) }))}
            value={filters.role ?? ''}
            onChange={(e) => update({ role: (e.target.value || undefined) as UserFilters['role'] })}
          />
          <SelectField
            label={t('filters.state')}
            placeholder={t('filters.allStates')}
            options={[
              { value: 'active', label: t('state.active') },
              { value: 'disabled', label: t('state.disabled') },
            ]}
            value={filters.state ?? ''}
            onChange={(e) => update({ state: (e.target.value || undefined) as UserFilters['state'] })}
          />
          <SelectField
            label={t('filters.unit')}
            placeholder={t('filters.allUnits')}
            options={(units.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
            value={filters.unitCode ?? ''}
            onChange={(e) => update({ unitCode: e.target.value || undefined, facilityId: undefined })}
          />
          {facilityScope && (
            <SelectField
              label={t('filters.facility')}
              placeholder={t('filters.allFacilities')}
              options={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
              value={filters.facilityId ?? ''}
              onChange={(e) => update({ facilityId: e.target.value || undefined })}
            />
          )}
        </div>
        {filtered && (
          <div>
            <Button variant="ghost" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t('filters.clear')}
            </Button>
          </div>
        )}
      </section>

      {list.isError && (
        <LoadFailed message={t('loadError')} retryLabel={t('retry')} onRetry={() => void list.refetch()} />
      )}
      {!items && list.isPending && <p aria-live="polite">{t('loading')}</p>}
      {items && (
        <>
          <p aria-live="polite">{t('count', { count: items.length })}</p>
          {items.length >= LIST_LIMIT && <p className="text-muted">{t('limited', { count: items.length })}</p>}
          {items.length === 0 ? (
            <p>{t('empty')}</p>
          ) : (
            <ul className="users-list plain-list" aria-label={t('title')}>
              {items.map((user) => (
                <li key={user.id}>
                  <UserCard user={user} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
