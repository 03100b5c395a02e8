import { useMutation } from '@tanstack/react-query';
import { DOSE_KINDS, type DoseKind, SUPERVISOR_ROLES } from '@tiemchung/core';
import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { TextAreaField } from '../../ui/TextAreaField';
import { parseFormDate, tidyFormDate } from '../reception/validation';
import { type Dose, type Facility, type ReportDetail, reportsApi, useLots, type Vaccine, violationsOf } from './api';
import { formatDate, todayIso, vaccineLabel } from './format';
import { type ReportsKey, useReportsT } from './i18n';
import { Done, Refusal, useAnnounce } from './shared';

/** The "other lot" choice of the lot select. */
const OTHER_LOT = '__other__';
/** Roles that may record a dose despite overridable rule violations, with a reason (server rule). */
const SUPERVISORS: readonly string[] = SUPERVISOR_ROLES;

export interface DoseValues {
  /** As typed, `dd/MM/yyyy`. */
  date: string;
  vaccineCode: string;
  facilityId: string;
  lotNumber: string;
  /** The lot is typed (not one the facility holds). */
  lotOther: boolean;
  doseKind: '' | DoseKind;
}

type DoseField = 'date' | 'vaccineCode' | 'facilityId' | 'lotNumber';
type DoseErrors = Partial<Record<DoseField | 'override', ReportsKey>>;

function validateDose(values: DoseValues): DoseErrors {
  const errors: DoseErrors = {};
  if (!values.date.trim()) errors.date = 'dose.errors.dateRequired';
  else {
    const iso = parseFormDate(values.date);
    if (!iso) errors.date = 'dose.errors.dateInvalid';
    else if (iso > todayIso()) errors.date = 'dose.errors.dateFuture';
  }
  if (!values.vaccineCode) errors.vaccineCode = 'dose.errors.vaccineRequired';
  if (!values.facilityId) errors.facilityId = 'dose.errors.facilityRequired';
  if (!values.lotNumber.trim()) errors.lotNumber = 'dose.errors.lotRequired';
  return errors;
}

/**
 * Date, vaccine, facility and lot of a dose. The lot is chosen among the lots the facility holds
 * for that vaccine (the only one is taken at once), or typed when it is not among them.
 */
function DoseFields({
  values,
  onChange,
  errors,
  vaccines,
  facilities,
  withKind,
  refs,
}: {
  values: DoseValues;
  onChange: (patch: Partial<DoseValues>) => void;
  errors: DoseErrors;
  vaccines: readonly Vaccine[] | undefined;
  facilities: readonly Facility[] | undefined;
  withKind: boolean;
  refs: Record<DoseField, RefObject<HTMLInputElement | HTMLSelectElement | null>>;
}) {
  const t = useReportsT();
  const lots = useLots(values.facilityId);
  const options = (lots.data ?? []).filter((lot) => lot.vaccineCode === values.vaccineCode);
  const known = options.some((lot) => lot.lotNumber === values.lotNumber);

  // Keep the lot consistent with the vaccine and the facility's lots once they are known.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reacts to the lots and the vaccine only
  useEffect(() => {
    if (!lots.data || values.lotOther) return;
    if (values.lotNumber && !known) onChange({ lotOther: true });
    else if (!values.lotNumber && options.length === 1) onChange({ lotNumber: options[0]?.lotNumber ?? '' });
    else if (!values.lotNumber && options.length === 0 && values.vaccineCode) onChange({ lotOther: true });
  }, [lots.data, values.vaccineCode, values.facilityId]);

  const error = (field: DoseField) => (errors[field] ? t(errors[field]) : undefined);
  const facilityOptions = (facilities ?? []).map((f) => ({ value: f.id, label: f.name }));
  if (values.facilityId && !facilityOptions.some((o) => o.value === values.facilityId)) {
    facilityOptions.push({ value: values.facilityId, label: values.facilityId });
  }

  return (
    <div className="form-grid">
      <TextField
        ref={refs.date as RefObject<HTMLInputElement>}
        label={t('dose.date')}
        hint={t('dose.dateHint')}
        required
        inputMode="numeric"
        autoComplete="off"
        value={values.date}
        error={error('date')}
        onChange={(event) => onChange({ date: event.target.value })}
        onBlur={(event) => onChange({ date: tidyFormDate(event.target.value) })}
      />
      <SelectField
        ref={refs.vaccineCode as RefObject<HTMLSelectElement>}
        label={t('dose.vaccine')}
        required
        value={values.vaccineCode}
        error={error('vaccineCode')}
        placeholder={t('dose.chooseVaccine')}
        options={(vaccines ?? []).map((v) => ({ value: v.code, label: vaccineLabel(vaccines, v.code) }))}
        onChange={(event) => onChange({ vaccineCode: event.target.value, lotNumber: '', lotOther: false })}
      />
      <SelectField
        ref={refs.facilityId as RefObject<HTMLSelectElement>}
        label={t('dose.facility')}
        required
        value={values.facilityId}
        error={error('facilityId')}
        placeholder={t('dose.chooseFacility')}
        options={facilityOptions}
        onChange={(event) => onChange({ facilityId: event.target.value, lotNumber: '', lotOther: false })}
      />
      {options.length > 0 && (
        <SelectField
          ref={values.lotOther ? undefined : (refs.lotNumber as RefObject<HTMLSelectElement>)}
          label={t('dose.lot')}
          required
          value={values.lotOther ? OTHER_LOT : known ? values.lotNumber : ''}
          error={values.lotOther ? undefined : error('lotNumber')}
          placeholder={t('dose.chooseLot')}
          options={[
            ...options.map((lot) => ({
              value: lot.lotNumber,
              label: t(lot.expired ? 'dose.lotOptionExpired' : 'dose.lotOption', {
                lot: lot.lotNumber,
                expires: formatDate(lot.expiresOn),
              }),
            })),
            { value: OTHER_LOT, label: t('dose.lotOther') },
          ]}
          onChange={(event) =>
            event.target.value === OTHER_LOT
              ? onChange({ lotOther: true, lotNumber: '' })
              : onChange({ lotOther: false, lotNumber: event.target.value })
          }
        />
      )}
      {(values.lotOther || options.length === 0) && (
        <TextField
          ref={refs.lotNumber as RefObject<HTMLInputElement>}
          label={options.length > 0 ? t('dose.lotTyped') : t('dose.lot')}
          hint={options.length > 0 ? undefined : t('dose.lotTypedHint')}
          required
          autoComplete="off"
          autoCapitalize="characters"
          value={values.lotNumber}
          error={error('lotNumber')}
          onChange={(event) => onChange({ lotNumber: event.target.value })}
        />
      )}
      {withKind && (
        <SelectField
          label={t('dose.kind')}
          value={values.doseKind}
          placeholder={t('dose.kindAuto')}
          options={DOSE_KINDS.map((k) => ({ value: k, label: t(`dose.kinds.${k}`) }))}
          onChange={(event) => onChange({ doseKind: event.target.value as DoseKind | '' })}
        />
      )}
    </div>
  );
}

function useDoseRefs() {
  return {
    date: useRef<HTMLInputElement>(null),
    vaccineCode: useRef<HTMLSelectElement>(null),
    facilityId: useRef<HTMLSelectElement>(null),
    lotNumber: useRef<HTMLInputElement | HTMLSelectElement>(null),
  };
}

const FIELD_ORDER: readonly DoseField[] = ['date', 'vaccineCode', 'facilityId', 'lotNumber'];

/** The supervisor's way past overridable rule violations: a stated reason (≥ 5 characters). */
function OverrideBox({
  error,
  reason,
  onReason,
  reasonError,
}: {
  error: unknown;
  reason: string;
  onReason: (text: string) => void;
  reasonError: string | undefined;
}) {
  const t = useReportsT();
  const user = useCurrentUser();
  const violations = violationsOf(error);
  if (!violations.length || !violations.every((v) => v.overridable) || !SUPERVISORS.includes(user.role)) return null;
  return (
    <TextAreaField
      label={t('dose.override')}
      hint={t('dose.overrideHint')}
      value={reason}
      error={reasonError}
      onChange={(event) => onReason(event.target.value)}
    />
  );
}

/**
 * "Bổ sung mũi tiêm": adds the dose the citizen says is missing, filled in from the report (date,
 * vaccine, facility; the facility's only lot of that vaccine). Through the same dose rules as at
 * the site; the server adds it once per report and date, so a double submit is harmless.
 */
export function AddDoseForm({
  report,
  vaccines,
  facilities,
  onDone,
}: {
  report: ReportDetail;
  vaccines: readonly Vaccine[] | undefined;
  facilities: readonly Facility[] | undefined;
  onDone: (dose: Dose) => void;
}) {
  const t = useReportsT();
  const announce = useAnnounce();
  const id = useId();
  const refs = useDoseRefs();
  const [values, setValues] = useState<DoseValues>(() => ({
    date: report.dose?.administeredOn ? formatDate(report.dose.administeredOn) : '',
    vaccineCode: report.dose?.vaccineCode ?? '',
    facilityId: report.dose?.facilityId ?? report.facilityId ?? '',
    lotNumber: '',
    lotOther: false,
    doseKind: '',
  }));
  const [errors, setErrors] = useState<DoseErrors>({});
  const [override, setOverride] = useState('');
  const [done, setDone] = useState<{ dose: Dose; created: boolean } | null>(null);

  const mutation = useMutation<Dose, ApiError, { override?: string }>({
    mutationFn: (options) =>
      reportsApi.addDose(report.id, {
        vaccineCode: values.vaccineCode,
        lotNumber: values.lotNumber.trim(),
        administeredOn: parseFormDate(values.date) ?? values.date,
        facilityId: values.facilityId,
        ...(values.doseKind ? { doseKind: values.doseKind } : {}),
        ...(options.override ? { override: { reason: options.override } } : {}),
      }),
    onSuccess: (dose) => {
      const text = t('dose.added', { n: dose.doseNumber, date: formatDate(dose.administeredOn) });
      setDone({ dose, created: true });
      announce(text);
      onDone(dose);
    },
  });

  const change = (patch: Partial<DoseValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) delete next[key as DoseField];
      return next;
    });
  };

  const submit = (event: FormEvent, withOverride = false) => {
    event.preventDefault();
    const found = validateDose(values);
    if (withOverride && override.trim().length < 5) found.override = 'dose.errors.overrideRequired';
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    if (found.override) return;
    mutation.mutate(withOverride ? { override: override.trim() } : {});
  };

  if (done) {
    return (
      <Done>
        <p>{t('dose.added', { n: done.dose.doseNumber, date: formatDate(done.dose.administeredOn) })}</p>
      </Done>
    );
  }

  return (
    <form className="stack" onSubmit={(event) => submit(event)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="visually-hidden">
        {t('fix.addDose')}
      </h3>
      {report.dose && <p className="field__hint">{t('dose.prefilled')}</p>}
      <DoseFields
        values={values}
        onChange={change}
        errors={errors}
        vaccines={vaccines}
        facilities={facilities}
        withKind
        refs={refs}
      />
      {mutation.isError && <Refusal error={mutation.error} />}
      {mutation.isError && (
        <OverrideBox
          error={mutation.error}
          reason={override}
          onReason={setOverride}
          reasonError={errors.override ? t(errors.override) : undefined}
        />
      )}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('common.saving') : t('dose.submit')}
        </Button>
        {mutation.isError && violationsOf(mutation.error).every((v) => v.overridable) && override.trim() && (
          <Button variant="secondary" onClick={(event) => submit(event, true)} disabled={mutation.isPending}>
            {t('dose.overrideSubmit')}
          </Button>
        )}
      </div>
    </form>
  );
}

function valuesOfDose(dose: Dose | undefined): DoseValues {
  return {
    date: dose ? formatDate(dose.administeredOn) : '',
    vaccineCode: dose?.vaccineCode ?? '',
    facilityId: dose?.facilityId ?? '',
    lotNumber: dose?.lotNumber ?? '',
    lotOther: false,
    doseKind: '',
  };
}

/** "Sửa mũi tiêm": fixes a recorded dose of the person (only what changed is sent). */
export function CorrectDoseForm({
  report,
  doses,
  vaccines,
  facilities,
  onDone,
}: {
  report: ReportDetail;
  doses: readonly Dose[] | undefined;
  vaccines: readonly Vaccine[] | undefined;
  facilities: readonly Facility[] | undefined;
  onDone: (dose: Dose) => void;
}) {
  const t = useReportsT();
  const announce = useAnnounce();
  const refs = useDoseRefs();
  const [doseId, setDoseId] = useState(() => {
    // The dose the report names (same date), else the last one.
    const named = doses?.find((d) => d.administeredOn === report.dose?.administeredOn);
    return named?.id ?? doses?.at(-1)?.id ?? '';
  });
  const dose = doses?.find((d) => d.id === doseId);
  const [values, setValues] = useState<DoseValues>(() => valuesOfDose(dose));
  const [errors, setErrors] = useState<DoseErrors>({});
  const [noChange, setNoChange] = useState(false);
  const [done, setDone] = useState<Dose | null>(null);

  const mutation = useMutation<Dose, ApiError, void>({
    mutationFn: () => {
      const iso = parseFormDate(values.date) ?? values.date;
      return reportsApi.correctDose(report.id, {
        doseId,
        ...(iso !== dose?.administeredOn ? { administeredOn: iso } : {}),
        ...(values.vaccineCode !== dose?.vaccineCode ? { vaccineCode: values.vaccineCode } : {}),
        ...(values.lotNumber.trim() !== dose?.lotNumber ? { lotNumber: values.lotNumber.trim() } : {}),
        ...(values.facilityId !== dose?.facilityId ? { facilityId: values.facilityId } : {}),
      });
    },
    onSuccess: (fixed) => {
      setDone(fixed);
      announce(t('correctDose.done', { n: fixed.doseNumber }));
      onDone(fixed);
    },
  });

  if (!doses?.length) return <p className="text-muted">{t('correctDose.noDoses')}</p>;
  if (done) {
    return (
      <Done>
        <p>{t('correctDose.done', { n: done.doseNumber })}</p>
      </Done>
    );
  }

  const change = (patch: Partial<DoseValues>) => {
    setNoChange(false);
    setValues((v) => ({ ...v, ...patch }));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateDose(values);
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      refs[first].current?.focus();
      return;
    }
    const same =
      parseFormDate(values.date) === dose?.administeredOn &&
      values.vaccineCode === dose?.vaccineCode &&
      values.lotNumber.trim() === dose?.lotNumber &&
      values.facilityId === dose?.facilityId;
    if (same) {
      setNoChange(true);
      return;
    }
    mutation.mutate();
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <SelectField
        label={t('correctDose.choose')}
        value={doseId}
        options={doses.map((d) => ({
          value: d.id,
          label: t('correctDose.option', {
            n: d.doseNumber,
            date: formatDate(d.administeredOn),
            vaccine: vaccineLabel(vaccines, d.vaccineCode),
            lot: d.lotNumber,
          }),
        }))}
        onChange={(event) => {
          setDoseId(event.target.value);
          setValues(valuesOfDose(doses.find((d) => d.id === event.target.value)));
          setErrors({});
          setNoChange(false);
          mutation.reset();
        }}
      />
      <DoseFields
        values={values}
        onChange={change}
        errors={errors}
        vaccines={vaccines}
        facilities={facilities}
        withKind={false}
        refs={refs}
      />
      {noChange && (
        <p className="field__error" role="alert">
          {t('common.noChange')}
        </p>
      )}
      {mutation.isError && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('common.saving') : t('correctDose.submit')}
        </Button>
      </div>
    </form>
  );
}
