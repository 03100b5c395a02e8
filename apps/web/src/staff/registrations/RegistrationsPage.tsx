import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { addDays, INVITE_MAX_DAYS_AHEAD } from '@tiemchung/core';
import { type FormEvent, useId, useState } from 'react';
import { useCurrentUser } from '../../auth/session';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { CardList } from '../../ui/CardList';
import { TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { usePageTitle } from '../../ui/usePageTitle';
import { formatDate, formatDateTime, todayIso } from '../reception/format';
import { useDistricts, useFacilities } from '../reports/api';
import { Detail, Refusal } from '../reports/shared';
import {
  REGISTRATION_STATUSES,
  type Registration,
  type RegistrationStatus,
  registrationsApi,
  registrationsKeys,
} from './api';
import { type RegistrationsKey, useRegistrationsT } from './i18n';

const TONES: Record<string, BadgeTone> = {
  confirmed: 'warning',
  assigned: 'neutral',
  invited: 'success',
  checked_in: 'success',
  cancelled: 'neutral',
};

/**
 * "Đăng ký tiêm": the registrations of the user's units. Provinces (and districts, nationally
 * the ministry) assign a registration to a vaccination site or a district; whoever covers the
 * assigned site invites the registrant by SMS for a date. Phone numbers are shown because the
 * site calls people who do not come; everything else the registrant gave stays on the server.
 */
export function RegistrationsPage() {
  const t = useRegistrationsT();
  usePageTitle(t('title'));
  const [status, setStatus] = useState<RegistrationStatus | ''>('confirmed');
  const list = useQuery({
    queryKey: registrationsKeys.list(status),
    queryFn: ({ signal }) => registrationsApi.list(status, signal),
  });
  const [notice, setNotice] = useState('');

  return (
    <div className="stack">
      <h1>{t('title')}</h1>
      <p className="text-muted">{t('intro')}</p>
      <SelectField
        label={t('statusFilter')}
        value={status}
        onChange={(event) => {
          setStatus(event.target.value as RegistrationStatus | '');
          setNotice('');
        }}
        options={[
          { value: '', label: t('allStatuses') },
          ...REGISTRATION_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}` as RegistrationsKey) })),
        ]}
      />
      <CardList
        notice={notice}
        isError={list.isError}
        items={list.data}
        t={t}
        renderItem={(r) => <RegistrationCard registration={r} onNotice={setNotice} />}
      />
    </div>
  );
}

function RegistrationCard({
  registration: r,
  onNotice,
}: {
  registration: Registration;
  onNotice: (text: string) => void;
}) {
  const t = useRegistrationsT();
  const user = useCurrentUser();
  const id = useId();
  const facilities = useFacilities(r.provinceCode);
  const facilityName = (fid: string | null) => facilities.data?.find((f) => f.id === fid)?.name ?? fid ?? '';
  const canAssign = user.role !== 'site_staff' && (r.status === 'confirmed' || r.status === 'assigned');
  const canInvite = r.assignedFacilityId !== null && (r.status === 'assigned' || r.status === 'invited');
  const priority = t(`priorityGroups.${r.priorityGroup}` as RegistrationsKey);

  return (
    <article className="card stack" aria-labelledby={`${id}-name`}>
      <header className="registration__head">
        <h2 id={`${id}-name`} className="h3">
          {r.fullName}
        </h2>
        <Badge tone={TONES[r.status] ?? 'neutral'}>{t(`statuses.${r.status}` as RegistrationsKey)}</Badge>
      </header>
      <dl className="details">
        <Detail label={t('code')}>{r.code}</Detail>
        <Detail label={t('born')}>{formatDate(r.dateOfBirth)}</Detail>
        <Detail label={t('phone')}>{r.phone}</Detail>
        <Detail label={t('priority')}>{priority}</Detail>
        <Detail label={t('preferredDate')}>{r.preferredDate ? formatDate(r.preferredDate) : '—'}</Detail>
        <Detail label={t('registeredAt')}>{formatDateTime(r.createdAt)}</Detail>
        <Detail label={t('assignedTo')}>
          {r.assignedFacilityId ? facilityName(r.assignedFacilityId) : (r.assignedDistrictCode ?? t('notAssigned'))}
        </Detail>
        {r.invitedFor && <Detail label={t('invitedFor')}>{formatDate(r.invitedFor)}</Detail>}
      </dl>
      {canAssign && <AssignForm registration={r} onDone={onNotice} />}
      {canInvite && <InviteForm registration={r} onDone={onNotice} />}
    </article>
  );
}

function AssignForm({ registration: r, onDone }: { registration: Registration; onDone: (text: string) => void }) {
  const t = useRegistrationsT();
  const queryClient = useQueryClient();
  const facilities = useFacilities(r.provinceCode);
  const districts = useDistricts(r.provinceCode);
  const [facilityId, setFacilityId] = useState(r.assignedFacilityId ?? '');
  const [districtCode, setDistrictCode] = useState('');
  const [error, setError] = useState('');
  const facilityOptions = (facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }));
  const districtOptions = (districts.data ?? []).map((d) => ({ value: d.code, label: d.name }));
  const mutation = useMutation({
    mutationFn: () => registrationsApi.assign(r.id, facilityId ? { facilityId } : { districtCode }),
    onSuccess: async () => {
      const target = facilityId
        ? (facilityOptions.find((o) => o.value === facilityId)?.label ?? facilityId)
        : (districtOptions.find((o) => o.value === districtCode)?.label ?? districtCode);
      onDone(t('assign.done', { name: r.fullName, target }));
      await queryClient.invalidateQueries({ queryKey: ['registrations'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!facilityId && !districtCode) return setError(t('assign.required'));
    setError('');
    mutation.mutate();
  };
  return (
    <form className="stack registration__form" onSubmit={submit} noValidate aria-label={t('assign.title')}>
      <SelectField
        label={t('assign.facility')}
        value={facilityId}
        placeholder={t('assign.chooseFacility')}
        options={facilityOptions}
        error={error || undefined}
        onChange={(event) => {
          setFacilityId(event.target.value);
          if (event.target.value) setDistrictCode('');
        }}
      />
      <SelectField
        label={t('assign.district')}
        value={districtCode}
        placeholder={t('assign.chooseDistrict')}
        options={districtOptions}
        onChange={(event) => {
          setDistrictCode(event.target.value);
          if (event.target.value) setFacilityId('');
        }}
      />
      {mutation.isError && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('saving') : t('assign.submit')}
        </Button>
      </div>
    </form>
  );
}

function InviteForm({ registration: r, onDone }: { registration: Registration; onDone: (text: string) => void }) {
  const t = useRegistrationsT();
  const queryClient = useQueryClient();
  const [date, setDate] = useState(r.invitedFor ?? r.preferredDate ?? '');
  const [error, setError] = useState('');
  const mutation = useMutation({
    mutationFn: () => registrationsApi.invite(r.id, date),
    onSuccess: async () => {
      onDone(t('invite.done', { name: r.fullName, date: formatDate(date) }));
      await queryClient.invalidateQueries({ queryKey: ['registrations'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setError(t('invite.required'));
    setError('');
    mutation.mutate();
  };
  return (
    <form className="stack registration__form" onSubmit={submit} noValidate aria-label={t('invite.submit')}>
      <TextField
        type="date"
        label={t('invite.date')}
        required
        min={todayIso()}
        max={addDays(todayIso(), INVITE_MAX_DAYS_AHEAD)}
        value={date}
        error={error || undefined}
        onChange={(event) => setDate(event.target.value)}
      />
      {mutation.isError && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('saving') : t('invite.submit')}
        </Button>
      </div>
    </form>
  );
}
