import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { RadioGroup } from '../../../ui/RadioGroup';
import { SelectField } from '../../../ui/SelectField';
import { formatDate, todayIso } from '../../reception/format';
import { type StockLot, stockApi, useDistricts, useFacilities } from './api';
import { useAdminStockT } from './i18n';
import { type AllocateError, allocatableLots, allocateErrors, type AllocateForm as Form, positiveInt } from './logic';
import { formatCount, Refusal, vaccineName } from './parts';

const FIELD_ORDER: readonly (keyof Form)[] = ['lotId', 'target', 'doses', 'movedOn'];

/**
 * "Phân bổ vắc xin": doses of a lot of the user's store go down — a province's to one of its
 * districts or sites, a district's to one of its sites — never more than the lot has left there.
 */
export function AllocateForm({
  level,
  unitCode,
  lots,
  onAllocated,
}: {
  level: 'province' | 'district';
  /** The user's province or district. */
  unitCode: string;
  /** The user's own store (`GET /api/lots`). */
  lots: readonly StockLot[];
  onAllocated: (message: string) => void;
}) {
  const t = useAdminStockT();
  const id = useId();
  const [kind, setKind] = useState<'district' | 'facility'>(level === 'province' ? 'district' : 'facility');
  const empty: Form = { lotId: '', target: '', doses: '', movedOn: todayIso() };
  const [form, setForm] = useState<Form>(empty);
  const [errors, setErrors] = useState<Partial<Record<keyof Form, AllocateError>>>({});
  const refs = useRef<Partial<Record<keyof Form, HTMLInputElement | HTMLSelectElement | null>>>({});
  const districts = useDistricts(level === 'province' ? unitCode : null);
  const facilities = useFacilities(level === 'province' ? { provinceCode: unitCode } : { districtCode: unitCode });

  const choices = allocatableLots(lots);
  const lot = choices.find((l) => l.id === form.lotId);
  const targetOptions =
    kind === 'district'
      ? (districts.data ?? []).map((d) => ({ value: `D:${d.code}`, label: d.name }))
      : (facilities.data ?? []).map((f) => ({ value: `F:${f.id}`, label: f.name }));
  const errorText = (e: AllocateError | undefined) =>
    !e
      ? undefined
      : e.key === 'tooMany'
        ? t('allocate.errors.tooMany', { lot: lot?.lotNumber ?? '', remaining: formatCount(e.remaining) })
        : t(`allocate.errors.${e.key}`);
  const bind = (field: keyof Form) => ({
    ref: (el: HTMLInputElement | HTMLSelectElement | null) => {
      refs.current[field] = el;
    },
    value: form[field],
    onChange: (event: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: event.target.value })),
    error: errorText(errors[field]),
  });

  const mutation = useMutation<void, ApiError, Form>({
    mutationFn: (f) =>
      stockApi.allocate(f.lotId, {
        doses: positiveInt(f.doses) ?? 0,
        ...(f.target.startsWith('D:') ? { toDistrictCode: f.target.slice(2) } : { toFacilityId: f.target.slice(2) }),
        movedOn: f.movedOn,
      }),
    onSuccess: (_nothing, f) => {
      const target = targetOptions.find((o) => o.value === f.target)?.label ?? f.target.slice(2);
      const lotNumber = lots.find((l) => l.id === f.lotId)?.lotNumber ?? '';
      onAllocated(t('allocate.done', { doses: formatCount(positiveInt(f.doses) ?? 0), lot: lotNumber, target }));
      setForm(empty);
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = allocateErrors(form, lot);
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) refs.current[first]?.focus();
    else mutation.mutate(form);
  };

  return (
    <form className="card stack adm-stock__form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <div className="stack stack--tight">
        <h3 id={`${id}-title`} className="h3">
          {t('allocate.title')}
        </h3>
        <p className="text-muted">{level === 'province' ? t('allocate.introProvince') : t('allocate.introDistrict')}</p>
      </div>
      {choices.length === 0 ? (
        <p role="status">{t('allocate.noLots')}</p>
      ) : (
        <>
          <div className="adm-stock__grid">
            <SelectField
              {...bind('lotId')}
              className="adm-stock__wide"
              label={t('allocate.lot')}
              required
              placeholder={t('allocate.chooseLot')}
              options={choices.map((l) => ({
                value: l.id,
                label: t('allocate.lotOption', {
                  lot: l.lotNumber,
                  vaccine: vaccineName(l.vaccineCode),
                  expires: formatDate(l.expiresOn),
                  remaining: formatCount(l.dosesRemaining),
                }),
              }))}
            />
            {level === 'province' && (
              <RadioGroup
                className="adm-stock__wide"
                legend={t('allocate.targetKind')}
                name={`${id}-kind`}
                value={kind}
                onChange={(value) => {
                  setKind(value === 'facility' ? 'facility' : 'district');
                  setForm((f) => ({ ...f, target: '' }));
                }}
                options={[
                  { value: 'district', label: t('allocate.toDistrict') },
                  { value: 'facility', label: t('allocate.toFacility') },
                ]}
              />
            )}
            <SelectField
              {...bind('target')}
              label={kind === 'district' ? t('allocate.district') : t('allocate.facility')}
              required
              placeholder={kind === 'district' ? t('allocate.chooseDistrict') : t('allocate.chooseFacility')}
              options={targetOptions}
            />
            <TextField
              {...bind('doses')}
              label={t('allocate.doses')}
              hint={lot ? t('allocate.dosesHint', { max: formatCount(lot.dosesRemaining) }) : undefined}
              required
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
            />
            <TextField {...bind('movedOn')} label={t('allocate.movedOn')} type="date" required />
          </div>
          {mutation.isError && <Refusal error={mutation.error} title={t('refusedTitle')} />}
          <div className="adm-stock__actions">
            <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
              {mutation.isPending ? t('allocate.saving') : t('allocate.submit')}
            </Button>
          </div>
        </>
      )}
    </form>
  );
}
