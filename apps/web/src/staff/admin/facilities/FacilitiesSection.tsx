import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  FACILITY_KINDS,
  type FacilityKind,
  type ManagedFacilitiesQuery,
  type ManagedFacility,
  provinceByCode,
} from '@tiemchung/core';
import { type FormEvent, useDeferredValue, useEffect, useId, useRef, useState } from 'react';
import { Link, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../../api/client';
import { useCurrentUser } from '../../../auth/session';
import { NotFoundPage } from '../../../pages/NotFoundPage';
import { Alert } from '../../../ui/Alert';
import { Badge } from '../../../ui/Badge';
import { Button, buttonClass } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { FormDialog } from '../../../ui/FormDialog';
import { PageLoading } from '../../../ui/PageLoading';
import { SelectField } from '../../../ui/SelectField';
import { TextAreaField } from '../../../ui/TextAreaField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { adminPaths } from '../paths';
import { SectionHead } from '../SectionHead';
import { facilitiesApi, facilitiesKeys } from './api';
import { type AdminFacilitiesKey, type AdminFacilitiesT, useAdminFacilitiesT } from './i18n';
import { listsToLoad, type PickerPlan, pickerFor, type UnitChoice, unitCodeOf } from './unitPicker';
import './facilities.css';

const base = adminPaths.facilities;
const paths = {
  list: base,
  create: `${base}/moi`,
  edit: (id: string) => `${base}/${encodeURIComponent(id)}/sua`,
};

/**
 * "Cơ sở tiêm" (`/quan-tri/he-thong/co-so-tiem/*`): the vaccination facilities of the user's units,
 * filtered by name (diacritics optional), status and unit; a form to add or edit one under a
 * district or commune the user is in charge of (the picker offers no other); deactivation and
 * reactivation with a reason, confirmed in a dialog. The API scopes and audits every call.
 */
export default function FacilitiesSection() {
  return (
    <Routes>
      <Route index element={<FacilityListPage />} />
      <Route path="moi" element={<FacilityFormPage />} />
      <Route path=":id/sua" element={<FacilityFormPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/** A refusal or failure, announced and focused so the keyboard user is at it. */
function FocusAlert({ title, message }: { title?: string; message: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} className="admin-facilities__alert">
      <Alert variant="error" title={title}>
        <p>{message}</p>
      </Alert>
    </div>
  );
}

function kindLabel(t: AdminFacilitiesT, kind: string): string {
  return (FACILITY_KINDS as readonly string[]).includes(kind) ? t(`kinds.${kind}` as AdminFacilitiesKey) : kind;
}

/** "Phường 1, Thành phố Cao Lãnh, Tỉnh Đồng Tháp" (the parts known). */
function unitLine(f: ManagedFacility): string {
  return [f.communeName, f.districtName, provinceByCode(f.provinceCode)?.name ?? f.provinceCode]
    .filter(Boolean)
    .join(', ');
}

function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

// ---------------------------------------------------------------------------------------------
// The list

function FacilityListPage() {
  const t = useAdminFacilitiesT();
  const headingRef = usePageTitle(t('title'));
  const user = useCurrentUser();
  const plan = pickerFor(user);
  const location = useLocation();
  const [notice, setNotice] = useState<string>((location.state as { notice?: string } | null)?.notice ?? '');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'all' | 'active' | 'inactive'>('all');
  const [province, setProvince] = useState('');
  const [district, setDistrict] = useState('');
  const deferredQ = useDeferredValue(q.trim());
  const query: ManagedFacilitiesQuery = {
    status,
    ...(deferredQ ? { q: deferredQ } : {}),
    ...(province ? { provinceCode: province } : {}),
    ...(district ? { districtCode: district } : {}),
  };
  const list = useQuery({
    queryKey: facilitiesKeys.list(query),
    queryFn: ({ signal }) => facilitiesApi.list(query, signal),
    placeholderData: (previous) => previous,
  });
  const filterProvince = plan.province ?? province;
  const provinces = useQuery({
    queryKey: facilitiesKeys.units(null),
    queryFn: ({ signal }) => facilitiesApi.units(null, signal),
    enabled: !plan.province && !plan.district,
    staleTime: 3_600_000,
  });
  const districts = useQuery({
    queryKey: facilitiesKeys.units(filterProvince),
    queryFn: ({ signal }) => facilitiesApi.units(filterProvince, signal),
    enabled: !plan.district && !!filterProvince,
    staleTime: 3_600_000,
  });
  const [target, setTarget] = useState<ManagedFacility | null>(null);
  const items = list.data;

  return (
    <div className="stack admin-facilities">
      <SectionHead headingRef={headingRef} title={t('title')} intro={t('intro')}>
        <Link className={buttonClass('primary')} to={paths.create}>
          {t('add')}
        </Link>
      </SectionHead>

      <search className="card admin-facilities__filters" aria-label={t('filters.label')}>
        <TextField
          label={t('filters.q')}
          hint={t('filters.qHint')}
          type="search"
          value={q}
          maxLength={100}
          onChange={(event) => setQ(event.target.value)}
        />
        <SelectField
          label={t('filters.status')}
          value={status}
          onChange={(event) => setStatus(event.target.value as typeof status)}
          options={[
            { value: 'all', label: t('filters.statusAll') },
            { value: 'active', label: t('filters.statusActive') },
            { value: 'inactive', label: t('filters.statusInactive') },
          ]}
        />
        {!plan.province && !plan.district && (
          <SelectField
            label={t('filters.province')}
            value={province}
            onChange={(event) => {
              setProvince(event.target.value);
              setDistrict('');
            }}
            placeholder={t('filters.anyProvince')}
            options={(provinces.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
          />
        )}
        {!plan.district && filterProvince && (
          <SelectField
            label={t('filters.district')}
            value={district}
            onChange={(event) => setDistrict(event.target.value)}
            placeholder={t('filters.anyDistrict')}
            options={(districts.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
          />
        )}
      </search>

      {notice && (
        <Alert variant="success" role="status">
          <p>{notice}</p>
        </Alert>
      )}
      {list.isError && <Alert variant="error">{t('loadError')}</Alert>}
      {list.isPending && <PageLoading />}
      {items && (
        <>
          <p aria-live="polite">{t('count', { count: items.length })}</p>
          {items.length === 0 ? (
            <p>{t('empty')}</p>
          ) : (
            <ul className="stack plain-list" aria-label={t('title')}>
              {items.map((f) => (
                <li key={f.id}>
                  <FacilityCard facility={f} onStatus={() => setTarget(f)} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {target && (
        <StatusDialog
          facility={target}
          onClose={(text) => {
            setTarget(null);
            if (text) setNotice(text);
          }}
        />
      )}
    </div>
  );
}

function FacilityCard({ facility: f, onStatus }: { facility: ManagedFacility; onStatus: () => void }) {
  const t = useAdminFacilitiesT();
  const id = useId();
  return (
    <article className={`card stack stack--tight admin-facility${f.active ? '' : ' is-inactive'}`} aria-labelledby={id}>
      <header className="admin-facility__head">
        <h3 id={id} className="h3">
          {f.name}
        </h3>
        <Badge tone={f.active ? 'success' : 'neutral'}>{f.active ? t('active') : t('inactive')}</Badge>
      </header>
      {!f.active && (
        <p className="admin-facility__inactive">
          {t('inactiveSince', { date: formatDate(f.deactivatedAt), reason: f.deactivationReason ?? '' })}
        </p>
      )}
      <dl className="details">
        <div>
          <dt>{t('kind')}</dt>
          <dd>{kindLabel(t, f.kind)}</dd>
        </div>
        <div>
          <dt>{t('unit')}</dt>
          <dd>{unitLine(f)}</dd>
        </div>
        {f.address && (
          <div>
            <dt>{t('address')}</dt>
            <dd>{f.address}</dd>
          </div>
        )}
        <div>
          <dt>{t('id')}</dt>
          <dd className="admin-facility__id">{f.id}</dd>
        </div>
      </dl>
      <div className="admin-actions">
        <Link className={buttonClass('secondary')} to={paths.edit(f.id)} aria-label={t('editLabel', { name: f.name })}>
          {t('edit')}
        </Link>
        <Button
          variant={f.active ? 'danger' : 'secondary'}
          onClick={onStatus}
          aria-label={t(f.active ? 'deactivateLabel' : 'reactivateLabel', { name: f.name })}
        >
          {f.active ? t('deactivate') : t('reactivate')}
        </Button>
      </div>
    </article>
  );
}

/** Deactivation or reactivation, confirmed with a reason in a modal dialog (Esc or Huỷ cancels). */
function StatusDialog({ facility: f, onClose }: { facility: ManagedFacility; onClose: (notice?: string) => void }) {
  const t = useAdminFacilitiesT();
  const queryClient = useQueryClient();
  const activate = !f.active;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');
  const change = useMutation({
    mutationFn: () => facilitiesApi.setActive(f.id, activate, { reason: reason.trim() }),
    onSuccess: async (updated) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: facilitiesKeys.all }),
        queryClient.invalidateQueries({ queryKey: facilitiesKeys.siteFacilities }),
      ]);
      onClose(t(activate ? 'reactivated' : 'deactivated', { name: updated.name }));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < 3) return setReasonError(t('confirm.reasonRequired'));
    setReasonError('');
    change.mutate();
  };
  return (
    <FormDialog
      title={t(activate ? 'confirm.reactivateTitle' : 'confirm.deactivateTitle', { name: f.name })}
      onCancel={() => onClose()}
      onSubmit={submit}
    >
      <p>{t(activate ? 'confirm.reactivateBody' : 'confirm.deactivateBody')}</p>
      <TextAreaField
        label={t('confirm.reason')}
        hint={t('confirm.reasonHint')}
        required
        maxLength={500}
        rows={3}
        value={reason}
        error={reasonError || undefined}
        onChange={(event) => setReason(event.target.value)}
      />
      {change.isError && <FocusAlert message={change.error.message} />}
      <div className="admin-actions">
        <Button
          type="submit"
          variant={activate ? 'primary' : 'danger'}
          busy={change.isPending}
          disabled={change.isPending}
        >
          {t(activate ? 'confirm.confirmReactivate' : 'confirm.confirmDeactivate')}
        </Button>
        <Button variant="ghost" onClick={() => onClose()}>
          {t('confirm.cancel')}
        </Button>
      </div>
    </FormDialog>
  );
}

// ---------------------------------------------------------------------------------------------
// The form

interface FormErrors {
  name?: string;
  kind?: string;
  unit?: string;
}

function FacilityFormPage() {
  const t = useAdminFacilitiesT();
  const { id } = useParams();
  const editing = id !== undefined;
  const all = useQuery({
    queryKey: facilitiesKeys.list({ status: 'all' }),
    queryFn: ({ signal }) => facilitiesApi.list({ status: 'all' }, signal),
    enabled: editing,
  });
  const facility = editing ? all.data?.find((f) => f.id === id) : undefined;
  if (editing && all.isPending) return <PageLoading />;
  if (editing && !facility) {
    return (
      <div className="stack">
        <Alert variant="error">{all.isError ? t('loadError') : t('form.notFound')}</Alert>
        <p>
          <Link to={paths.list}>{t('form.back')}</Link>
        </p>
      </div>
    );
  }
  return <FacilityForm key={facility?.id ?? 'new'} facility={facility} />;
}

function FacilityForm({ facility }: { facility: ManagedFacility | undefined }) {
  const t = useAdminFacilitiesT();
  const headingRef = usePageTitle(t(facility ? 'form.editTitle' : 'form.createTitle'));
  const user = useCurrentUser();
  const plan = pickerFor(user);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState(facility?.name ?? '');
  const [kind, setKind] = useState<FacilityKind | ''>((facility?.kind as FacilityKind | undefined) ?? '');
  const [address, setAddress] = useState(facility?.address ?? '');
  const [choice, setChoice] = useState<UnitChoice>({
    province: facility?.provinceCode ?? '',
    district: facility?.districtCode ?? '',
    commune: facility?.communeCode ?? '',
  });
  const [errors, setErrors] = useState<FormErrors>({});
  const [summary, setSummary] = useState('');

  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), kind: kind as FacilityKind, unitCode: unitCodeOf(plan, choice) };
      return facility
        ? facilitiesApi.update(facility.id, { ...body, address: address.trim() || null })
        : facilitiesApi.create({ ...body, ...(address.trim() ? { address: address.trim() } : {}) });
    },
    onSuccess: async (saved) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: facilitiesKeys.all }),
        queryClient.invalidateQueries({ queryKey: facilitiesKeys.siteFacilities }),
      ]);
      await navigate(paths.list, {
        state: { notice: t(facility ? 'saved' : 'created', { name: saved.name }) },
      });
    },
  });
  const serverField = isApiError(save.error) ? save.error.field : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: FormErrors = {};
    if (name.trim().length < 3) found.name = t('form.nameRequired');
    if (!kind) found.kind = t('form.kindRequired');
    if (!unitCodeOf(plan, choice)) found.unit = t('form.unitRequired');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setSummary(t('form.fixErrors'));
      return;
    }
    setSummary('');
    save.mutate();
  };

  return (
    <div className="stack admin-facilities">
      <p>
        <Link to={paths.list}>{t('form.back')}</Link>
      </p>
      <h2 ref={headingRef} tabIndex={-1}>
        {t(facility ? 'form.editTitle' : 'form.createTitle')}
      </h2>
      <form className="card stack admin-facilities__form" onSubmit={submit} noValidate>
        {summary && (
          <Alert variant="error">
            <p>{summary}</p>
          </Alert>
        )}
        <TextField
          label={t('form.name')}
          hint={t('form.nameHint')}
          required
          maxLength={200}
          autoComplete="off"
          value={name}
          error={errors.name ?? (serverField === 'name' ? save.error?.message : undefined)}
          onChange={(event) => setName(event.target.value)}
        />
        <SelectField
          label={t('form.kind')}
          required
          value={kind}
          placeholder={t('form.chooseKind')}
          error={errors.kind}
          onChange={(event) => setKind(event.target.value as FacilityKind | '')}
          options={FACILITY_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))}
        />
        <UnitPicker
          plan={plan}
          choice={choice}
          onChange={setChoice}
          error={errors.unit ?? (serverField === 'unitCode' ? save.error?.message : undefined)}
        />
        <TextField
          label={t('form.address')}
          hint={t('form.addressHint')}
          maxLength={300}
          value={address}
          onChange={(event) => setAddress(event.target.value)}
        />
        {save.isError && <FocusAlert title={t('form.refused')} message={save.error.message} />}
        <div className="admin-actions">
          <Button type="submit" busy={save.isPending} disabled={save.isPending}>
            {save.isPending ? t('form.saving') : t(facility ? 'form.save' : 'form.create')}
          </Button>
          <Link className={buttonClass('ghost')} to={paths.list}>
            {t('form.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}

/**
 * The unit a facility sits under: the province (national administrators), the district (national
 * and province administrators; fixed for a district administrator) and, optionally, the commune —
 * each list is of the units under the user's own, from the 2021 list.
 */
function UnitPicker({
  plan,
  choice,
  onChange,
  error,
}: {
  plan: PickerPlan;
  choice: UnitChoice;
  onChange: (choice: UnitChoice) => void;
  error: string | undefined;
}) {
  const t = useAdminFacilitiesT();
  const lists = listsToLoad(plan, choice);
  const byLevel = (level: string) => lists.find((l) => l.level === level);
  const provinceList = byLevel('province');
  const districtList = byLevel('district');
  const communeList = byLevel('commune');
  const provinces = useQuery({
    queryKey: facilitiesKeys.units(null),
    queryFn: ({ signal }) => facilitiesApi.units(null, signal),
    enabled: !!provinceList,
    staleTime: 3_600_000,
  });
  const districts = useQuery({
    queryKey: facilitiesKeys.units(districtList?.parentCode ?? null),
    queryFn: ({ signal }) => facilitiesApi.units(districtList?.parentCode ?? null, signal),
    enabled: !!districtList,
    staleTime: 3_600_000,
  });
  const communes = useQuery({
    queryKey: facilitiesKeys.units(communeList?.parentCode ?? null),
    queryFn: ({ signal }) => facilitiesApi.units(communeList?.parentCode ?? null, signal),
    enabled: !!communeList,
    staleTime: 3_600_000,
  });
  const fixed = plan.district ?? plan.province;
  const fixedUnit = useQuery({
    queryKey: facilitiesKeys.unit(fixed ?? ''),
    queryFn: ({ signal }) => facilitiesApi.unit(fixed ?? '', signal),
    enabled: !!fixed,
    staleTime: 3_600_000,
  });
  // The error shows on the control the user would change: the district when it is chosen, else the commune.
  return (
    <fieldset className="admin-facilities__units">
      <legend>{t('unit')}</legend>
      <p className="field__hint">{t('form.unitHint')}</p>
      {fixed && <p>{t('form.unitFixed', { name: fixedUnit.data?.name ?? fixed })}</p>}
      {provinceList && (
        <SelectField
          label={t('form.province')}
          required
          value={choice.province}
          placeholder={t('form.chooseProvince')}
          onChange={(event) => onChange({ province: event.target.value, district: '', commune: '' })}
          options={(provinces.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
        />
      )}
      {districtList && (
        <SelectField
          label={t('form.district')}
          required
          value={choice.district}
          placeholder={t('form.chooseDistrict')}
          error={error}
          onChange={(event) => onChange({ ...choice, district: event.target.value, commune: '' })}
          options={(districts.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
        />
      )}
      {communeList && (
        <SelectField
          label={t('form.commune')}
          value={choice.commune}
          placeholder={t('form.noCommune')}
          error={districtList ? undefined : error}
          onChange={(event) => onChange({ ...choice, commune: event.target.value })}
          options={(communes.data ?? []).map((u) => ({ value: u.code, label: u.name }))}
        />
      )}
    </fieldset>
  );
}
