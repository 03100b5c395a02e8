import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { QrCode } from '../../ui/QrCode';
import { formatDateTime, localized } from '../reception/format';
import { type PassportConfirmResult, type PassportState, passportApi, passportKeys } from './api';
import { useApprovalsT } from './i18n';
import { localDate, PASSPORT_STATE_TONES } from './passports';
import './approvals.css';

/**
 * The person's vaccine passport at the desk (`GET /api/people/{id}/passport`), in the certificate's
 * card: where the record stands, what blocks it, who confirmed it; the passport's QR, identifier and
 * validity once the ministry has signed it; and "Xác nhận cấp hộ chiếu vắc xin" when nothing blocks
 * the record (`POST /api/passports/confirmations` with this one record), read again after.
 */
export function PassportPanel({ personId }: { personId: string }) {
  const t = useApprovalsT();
  const id = useId();
  const queryClient = useQueryClient();
  const passport = useQuery({
    queryKey: passportKeys.ofPerson(personId),
    queryFn: ({ signal }) => passportApi.ofPerson(personId, signal),
  });
  // What the confirmation answered; `n` moves the focus there again for the same answer.
  const [outcome, setOutcome] = useState<{ state: PassportState; n: number } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);
  const confirm = useMutation<PassportConfirmResult, ApiError>({
    mutationFn: () => passportApi.confirm([personId]),
    onSuccess: async (answer) => {
      const mine = answer.items.find((i) => i.personId === personId);
      if (mine) setOutcome((o) => ({ state: mine.state, n: (o?.n ?? 0) + 1 }));
      await queryClient.invalidateQueries({ queryKey: passportKeys.all });
    },
    onError: () => {
      requestAnimationFrame(() => outcomeRef.current?.focus());
      void queryClient.invalidateQueries({ queryKey: passportKeys.ofPerson(personId) });
    },
  });
  const p = passport.data;
  return (
    <section className="passport-panel stack stack--tight" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="subsection-title">
        {t('passport.title')}
      </h3>
      {passport.isPending && <p className="text-muted">{t('passport.loading')}</p>}
      {passport.isError && <p role="alert">{t('passport.loadError')}</p>}
      {p && (
        <>
          <p data-passport-state={p.state}>
            <Badge tone={PASSPORT_STATE_TONES[p.state]}>{localized(p.stateText)}</Badge>
          </p>
          {p.blockers.length > 0 && (
            <div>
              <p>{t('passport.blockers')}</p>
              <ul className="passport-blockers">
                {p.blockers.map((b) => (
                  <li key={`${b.code}-${b.doseId ?? ''}`}>{localized(b.message)}</li>
                ))}
              </ul>
            </div>
          )}
          {p.state === 'confirmed' && p.confirmedAt && (
            <p>{t('passport.confirmedBy', { at: formatDateTime(p.confirmedAt), by: p.confirmedBy ?? '' })}</p>
          )}
          {p.passport && (
            <div className="passport-panel__issued stack stack--tight">
              <QrCode text={p.passport.qr} label={t('passport.qrLabel')} errorCorrection="Q" />
              <p className="certificate-ci">{t('passport.ci', { ci: p.passport.ci })}</p>
              <p>
                {t('passport.validity', {
                  from: localDate(p.passport.issuedAt),
                  to: localDate(p.passport.expiresAt),
                })}
              </p>
              {p.signedAt && <p className="text-muted">{t('passport.signedAt', { at: formatDateTime(p.signedAt) })}</p>}
            </div>
          )}
          <div ref={outcomeRef} tabIndex={-1}>
            {confirm.isError && (
              <Alert variant="error" title={t('passport.confirmFailed')}>
                <p>{confirm.error.message}</p>
              </Alert>
            )}
            {outcome && !confirm.isError && (
              <Alert variant={outcome.state === 'blocked' ? 'warning' : 'success'}>
                {t(`passport.outcome.${outcome.state}`)}
              </Alert>
            )}
          </div>
          {p.state === 'ready' && (
            <>
              <p className="text-muted">{t('passport.readyText')}</p>
              <div>
                <Button onClick={() => confirm.mutate()} busy={confirm.isPending} disabled={confirm.isPending}>
                  {confirm.isPending ? t('passport.confirming') : t('passport.confirm')}
                </Button>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
