import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { Button } from '../../ui/Button';
import { RadioGroup } from '../../ui/RadioGroup';
import { SelectField } from '../../ui/SelectField';
import { TextAreaField } from '../../ui/TextAreaField';
import { type Report, type ReportDetail, reportsApi, useDistricts, useFacilities } from './api';
import { provinceLabel } from './format';
import { useReportsT } from './i18n';
import { Refusal } from './shared';

const MIN_REASON = 3;

/**
 * "Chuyển đơn vị": sends the report to another facility or administrative unit of its province,
 * with a reason the receiving unit reads (the 48-hour clock keeps running).
 */
export function ReassignForm({
  report,
  onDone,
  onCancel,
}: {
  report: ReportDetail;
  onDone: (updated: Report, target: string) => void;
  onCancel: () => void;
}) {
  const t = useReportsT();
  const id = useId();
  const [kind, setKind] = useState<'facility' | 'unit'>('facility');
  const [facilityId, setFacilityId] = useState('');
  const [unitCode, setUnitCode] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ target?: string; reason?: string }>({});
  const facilities = useFacilities(report.provinceCode);
  const districts = useDistricts(report.provinceCode);
  const kindRef = useRef<HTMLInputElement>(null);
  const targetRef = useRef<HTMLSelectElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    kindRef.current?.focus();
  }, []);

  const unitOptions = [
    { value: report.provinceCode, label: `${t('unitLevel.province')}: ${provinceLabel(report.provinceCode)}` },
    ...(districts.data ?? []).map((d) => ({ value: d.code, label: `${t('unitLevel.district')}: ${d.name}` })),
  ];
  const facilityOptions = (facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }));
  const targetLabel = () =>
    kind === 'facility'
      ? (facilityOptions.find((o) => o.value === facilityId)?.label ?? facilityId)
      : (unitOptions.find((o) => o.value === unitCode)?.label ?? unitCode);

  const mutation = useMutation<Report, ApiError, void>({
    mutationFn: () =>
      reportsApi.reassign(report.id, {
        ...(kind === 'facility' ? { facilityId } : { unitCode }),
        reason: reason.trim(),
      }),
    onSuccess: (updated) => onDone(updated, targetLabel()),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (kind === 'facility' ? !facilityId : !unitCode) found.target = t('reassign.errors.targetRequired');
    if (reason.trim().length < MIN_REASON) found.reason = t('reassign.errors.reasonRequired');
    setErrors(found);
    if (found.target) targetRef.current?.focus();
    else if (found.reason) reasonRef.current?.focus();
    else mutation.mutate();
  };

  return (
    <form className="card stack" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('reassign.title')}
      </h2>
      <RadioGroup
        legend={t('reassign.kindLegend')}
        name="reassign-kind"
        value={kind}
        firstRef={kindRef}
        onChange={(value) => {
          setKind(value === 'unit' ? 'unit' : 'facility');
          setErrors({});
        }}
        options={[
          { value: 'facility', label: t('reassign.toFacility') },
          { value: 'unit', label: t('reassign.toUnit') },
        ]}
      />
      {kind === 'facility' ? (
        <SelectField
          ref={targetRef}
          label={t('reassign.facility')}
          required
          value={facilityId}
          error={errors.target}
          placeholder={t('reassign.chooseFacility')}
          options={facilityOptions}
          onChange={(event) => setFacilityId(event.target.value)}
        />
      ) : (
        <SelectField
          ref={targetRef}
          label={t('reassign.unit')}
          required
          value={unitCode}
          error={errors.target}
          placeholder={t('reassign.chooseUnit')}
          options={unitOptions}
          onChange={(event) => setUnitCode(event.target.value)}
        />
      )}
      <TextAreaField
        ref={reasonRef}
        label={t('reassign.reason')}
        hint={t('reassign.reasonHint')}
        required
        maxLength={500}
        value={reason}
        error={errors.reason}
        onChange={(event) => setReason(event.target.value)}
      />
      {mutation.isError && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('common.saving') : t('reassign.submit')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
