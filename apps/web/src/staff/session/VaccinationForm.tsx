import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { DoseKind } from '@tiemchung/core';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { IdentityApprovalPanel } from '../approvals/DeskApproval';
import { VerificationBadge } from '../reception/VerificationBadge';
import type { Dose, DoseRequest, SessionLot } from './api';
import { vaccineLabel } from './format';
import { formatDate } from './labels';
import type { BoardVisit } from './offline/board';
import type { QueueError } from './offline/queue';
import { siteSync, uuid } from './offline/siteSync';
import { RefusalAlert, type StepDone } from './stepShared';
import { dosesQuery, personQuery, siteKeys } from './useSite';

const DOSE_KINDS: readonly DoseKind[] = ['primary', 'additional', 'booster'];

function DoseHistory({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const doses = useQuery(dosesQuery(personId));
  let body: ReactNode;
  if (doses.data) {
    const items = doses.data.value.items;
    body = items.length ? (
      <ol className="dose-history">
        {items.map((dose: Dose) => (
          <li key={dose.id}>
            {t('session.vaccination.historyLine', {
              n: dose.doseNumber,
              vaccine: vaccineLabel(dose.vaccineCode),
              lot: dose.lotNumber,
              date: formatDate(dose.administeredOn),
            })}
          </li>
        ))}
      </ol>
    ) : (
      <p>{t('session.vaccination.historyNone')}</p>
    );
  } else if (doses.isError) {
    body = <p className="text-muted">{t('session.vaccination.historyUnavailable')}</p>;
  } else {
    body = <p className="text-muted">{t('session.vaccination.historyLoading')}</p>;
  }
  return (
    <section className="step-box" aria-labelledby={`history-${personId}`}>
      <h3 id={`history-${personId}`} className="step-box__title">
        {t('session.vaccination.historyTitle')}
      </h3>
      {body}
      {doses.data?.fromCache && <p className="text-muted">{t('session.vaccination.historyCached')}</p>}
    </section>
  );
}

/** The lot to start with: the one being edited, else one of the vaccine given last, else the only one. */
function initialLot(lots: readonly SessionLot[], prefill: DoseRequest | undefined, lastVaccine: string | undefined) {
  if (prefill && lots.some((l) => l.lotNumber === prefill.lotNumber)) return prefill.lotNumber;
  const sameVaccine = lots.filter((l) => l.vaccineCode === lastVaccine);
  if (sameVaccine.length === 1) return sameVaccine[0]?.lotNumber ?? '';
  return lots.length === 1 ? (lots[0]?.lotNumber ?? '') : '';
}

export interface VaccinationFormProps {
  visit: BoardVisit;
  lots: readonly SessionLot[];
  sessionDate: string;
  prefill?: DoseRequest | undefined;
  refusal?: QueueError | undefined;
  onDone: (done: StepDone) => void;
}

/**
 * Tiêm: the person's identity and dose history, the vaccine lot (from the session's lots) and the
 * kind of dose, then "Ghi nhận mũi tiêm". The request gets its Idempotency-Key here, once; every
 * broken dose rule the server answers is listed.
 */
export function VaccinationForm({
  visit,
  lots,
  sessionDate,
  prefill,
  refusal: initialRefusal,
  onDone,
}: VaccinationFormProps) {
  const { t } = useTranslation();
  const formId = useId();
  const person = useQuery(personQuery(visit.personId));
  const queryClient = useQueryClient();
  const doses = useQuery(dosesQuery(visit.personId));
  const lastVaccine = doses.data?.value.items.at(-1)?.vaccineCode;
  const [lotNumber, setLotNumber] = useState(() => initialLot(lots, prefill, undefined));
  const [lotTouched, setLotTouched] = useState(Boolean(prefill));
  const [doseKind, setDoseKind] = useState<DoseKind | ''>(prefill?.doseKind ?? '');
  const [lotError, setLotError] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<QueueError | undefined>(initialRefusal);
  const [saving, setSaving] = useState(false);
  const refusalRef = useRef<HTMLDivElement>(null);
  const lotsRef = useRef<HTMLDivElement>(null);

  // Once the history is known, start at a lot of the vaccine given last (mixing rules).
  useEffect(() => {
    if (!lotTouched && lastVaccine) {
      const lot = initialLot(lots, undefined, lastVaccine);
      if (lot) setLotNumber(lot);
    }
  }, [lastVaccine, lotTouched, lots]);

  const focusLot = () =>
    (
      lotsRef.current?.querySelector<HTMLInputElement>('input:checked') ?? lotsRef.current?.querySelector('input')
    )?.focus();

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the step opens
  useEffect(() => {
    if (initialRefusal) refusalRef.current?.focus();
    else focusLot();
  }, []);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (saving) return;
    const lot = lots.find((l) => l.lotNumber === lotNumber);
    if (!lot) {
      setLotError(t('session.vaccination.lotRequired'));
      focusLot();
      return;
    }
    setSaving(true);
    try {
      const body: DoseRequest = {
        vaccineCode: lot.vaccineCode,
        lotNumber: lot.lotNumber,
        ...(doseKind ? { doseKind } : {}),
        givenAt: new Date().toISOString(),
      };
      const result = await siteSync().submit({
        kind: 'dose',
        sessionId: visit.sessionId,
        visitId: visit.id,
        personId: visit.personId,
        personName: visit.person?.fullName ?? '',
        body,
        idempotencyKey: uuid(),
      });
      if (result.type === 'refused') {
        setRefusal(result.error);
        requestAnimationFrame(() => refusalRef.current?.focus());
        return;
      }
      const saved = t('session.vaccination.saved', { name: visit.person?.fullName ?? '' });
      onDone({ announce: result.type === 'sent' ? saved : `${saved} ${t('session.step.queuedAnnounce')}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="step-form stack" onSubmit={(event) => void onSubmit(event)} noValidate>
      {refusal && <RefusalAlert ref={refusalRef} error={refusal} />}
      {person.data?.value.verification && (
        <p className="step-identity">
          <span className="text-muted">{t('session.vaccination.identityTitle')}: </span>
          <VerificationBadge verification={person.data.value.verification} />
        </p>
      )}
      {person.data?.value && (
        // When the identity blocks the dose: why, and the approval path (send, then its state live).
        <IdentityApprovalPanel
          person={person.data.value}
          visitId={visit.id}
          doseRefused={refusal?.code === 'identity_not_verified'}
          onIdentityChanged={() => void queryClient.invalidateQueries({ queryKey: siteKeys.person(visit.personId) })}
        />
      )}
      <DoseHistory personId={visit.personId} />

      {lots.length === 0 ? (
        <Alert variant="warning">
          <p>{t('session.vaccination.noLots')}</p>
        </Alert>
      ) : (
        <fieldset className={cx('field', 'choice-group', lotError && 'field--invalid')}>
          <legend className="field__label">
            {t('session.vaccination.lotLegend')}
            <span className="field__required" aria-hidden="true">
              {' '}
              *
            </span>
          </legend>
          {lotError && <FieldError>{lotError}</FieldError>}
          <div className="lot-options" ref={lotsRef}>
            {lots.map((lot) => {
              const expired = lot.expiresOn < sessionDate;
              return (
                <label key={lot.lotNumber} className="choice lot-choice">
                  <input
                    type="radio"
                    className="choice__input"
                    name={`${formId}-lot`}
                    value={lot.lotNumber}
                    checked={lotNumber === lot.lotNumber}
                    aria-invalid={lotError ? true : undefined}
                    onChange={() => {
                      setLotNumber(lot.lotNumber);
                      setLotTouched(true);
                      setLotError(undefined);
                    }}
                  />
                  <span>
                    {t('session.vaccination.lotOption', {
                      vaccine: vaccineLabel(lot.vaccineCode),
                      lot: lot.lotNumber,
                      expires: formatDate(lot.expiresOn),
                    })}
                    {expired && <strong className="lot-choice__expired"> {t('session.vaccination.expired')}</strong>}
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
      )}

      <SelectField
        label={t('session.vaccination.doseKind')}
        value={doseKind}
        onChange={(event) => setDoseKind(event.target.value as DoseKind | '')}
        placeholder={t('session.vaccination.doseKinds.auto')}
        options={DOSE_KINDS.map((k) => ({ value: k, label: t(`session.vaccination.doseKinds.${k}`) }))}
      />

      <div className="form-actions">
        <Button type="submit" disabled={saving || lots.length === 0} busy={saving}>
          {saving ? t('session.vaccination.submitting') : t('session.vaccination.submit')}
        </Button>
      </div>
    </form>
  );
}
