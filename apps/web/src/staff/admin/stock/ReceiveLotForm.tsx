import { useMutation } from '@tanstack/react-query';
import {
  type LotReceived,
  PROVINCES_2021,
  provinceByCode,
  receiptDateRange,
  VACCINES,
  vaccineByCode,
  vietnamDay,
} from '@tiemchung/core';
import { type FormEvent, useId, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { SelectField } from '../../../ui/SelectField';
import { todayIso } from '../../reception/format';
import { stockApi } from './api';
import { useAdminStockT } from './i18n';
import { normalizeLotNumber, positiveInt, type ReceiveForm, receiveErrors } from './logic';
import { formatCount, Refusal, vaccineName } from './parts';

const FIELD_ORDER: readonly (keyof ReceiveForm)[] = [
  'provinceCode',
  'vaccineCode',
  'lotNumber',
  'expiresOn',
  'doses',
  'receivedOn',
  'dosesPerVial',
];

/**
 * "Nhận lô vắc xin": a province takes a lot into its store — the vaccine from core's catalogue,
 * the lot number, its expiry and the doses. A national administrator names the province.
 */
export function ReceiveLotForm({
  provinceCode,
  onReceived,
}: {
  /** The user's province; null for a national administrator (who chooses one). */
  provinceCode: string | null;
  onReceived: (lot: LotReceived, message: string) => void;
}) {
  const t = useAdminStockT();
  const id = useId();
  const empty: ReceiveForm = {
    provinceCode: provinceCode ?? '',
    vaccineCode: '',
    lotNumber: '',
    expiresOn: '',
    doses: '',
    receivedOn: todayIso(),
    dosesPerVial: '',
  };
  const [form, setForm] = useState<ReceiveForm>(empty);
  const [errors, setErrors] = useState<ReturnType<typeof receiveErrors>>({});
  const refs = useRef<Partial<Record<keyof ReceiveForm, HTMLInputElement | HTMLSelectElement | null>>>({});
  const set = (field: keyof ReceiveForm) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: event.target.value }));
  const bind = (field: keyof ReceiveForm) => ({
    ref: (el: HTMLInputElement | HTMLSelectElement | null) => {
      refs.current[field] = el;
    },
    value: form[field],
    onChange: set(field),
    error: errors[field] ? t(`receive.errors.${errors[field]}`) : undefined,
  });

  const mutation = useMutation<LotReceived, ApiError, ReceiveForm>({
    mutationFn: (f) =>
      stockApi.receive({
        vaccineCode: f.vaccineCode,
        lotNumber: normalizeLotNumber(f.lotNumber),
        expiresOn: f.expiresOn,
        doses: positiveInt(f.doses) ?? 0,
        receivedOn: f.receivedOn,
        ...(f.dosesPerVial.trim() ? { dosesPerVial: positiveInt(f.dosesPerVial, 50) ?? 0 } : {}),
        ...(provinceCode ? {} : { provinceCode: f.provinceCode }),
      }),
    onSuccess: (lot, f) => {
      const unit = provinceByCode(provinceCode ?? f.provinceCode)?.name ?? f.provinceCode;
      onReceived(lot, t('receive.done', { lot: lot.lotNumber, doses: formatCount(positiveInt(f.doses) ?? 0), unit }));
      setForm({ ...empty, provinceCode: f.provinceCode });
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = receiveErrors(form, provinceCode === null, vietnamDay(new Date()));
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) refs.current[first]?.focus();
    else mutation.mutate(form);
  };

  const perVial = vaccineByCode(form.vaccineCode)?.dosesPerVial;
  // The days a lot can be received on, as the server holds them: the first approval to today in Vietnam.
  const receivable = receiptDateRange(vietnamDay(new Date()));
  return (
    <form className="card stack adm-stock__form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <div className="stack stack--tight">
        <h3 id={`${id}-title`} className="h3">
          {t('receive.title')}
        </h3>
        <p className="text-muted">{t('receive.intro')}</p>
      </div>
      <div className="adm-stock__grid">
        {provinceCode === null && (
          <SelectField
            {...bind('provinceCode')}
            label={t('receive.province')}
            required
            placeholder={t('receive.chooseProvince')}
            options={PROVINCES_2021.map((p) => ({ value: p.code, label: p.name }))}
          />
        )}
        <SelectField
          {...bind('vaccineCode')}
          label={t('receive.vaccine')}
          required
          placeholder={t('receive.chooseVaccine')}
          options={VACCINES.map((v) => ({ value: v.code, label: vaccineName(v.code) }))}
        />
        <TextField
          {...bind('lotNumber')}
          label={t('receive.lotNumber')}
          hint={t('receive.lotNumberHint')}
          required
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={40}
        />
        <TextField {...bind('expiresOn')} label={t('receive.expiresOn')} type="date" required />
        <TextField
          {...bind('doses')}
          label={t('receive.doses')}
          required
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
        />
        <TextField
          {...bind('receivedOn')}
          label={t('receive.receivedOn')}
          type="date"
          required
          min={receivable.from}
          max={receivable.to}
        />
        <TextField
          {...bind('dosesPerVial')}
          label={t('receive.dosesPerVial')}
          hint={perVial ? t('receive.dosesPerVialHint', { count: perVial }) : t('receive.dosesPerVialHintNone')}
          inputMode="numeric"
          autoComplete="off"
          maxLength={2}
        />
      </div>
      {mutation.isError && <Refusal error={mutation.error} title={t('refusedTitle')} />}
      <div className="adm-stock__actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('receive.saving') : t('receive.submit')}
        </Button>
      </div>
    </form>
  );
}
