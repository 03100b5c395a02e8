import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Person } from '@tiemchung/core';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, isApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { TextAreaField } from '../../ui/TextAreaField';
import { useNow } from '../../ui/useNow';
import { formatDateTime } from '../reception/format';
import { verificationText } from '../reception/VerificationBadge';
import { approvalsApi, approvalsKeys, type IdentityApproval, MAX_REASON, MIN_REASON } from './api';
import { ago, identityBlocksDose } from './format';
import { useApprovalsT } from './i18n';
import './approvals.css';

/** While a request waits, its state is read again this often (the supervisor decides elsewhere). */
const PENDING_REFRESH_MS = 5_000;

export interface IdentityApprovalPanelProps {
  /** The person's record as the desk has it. */
  person: Pick<Person, 'id' | 'idType' | 'verification'>;
  /** The visit of a session, when the person is at one (the supervisor sees where). */
  visitId?: string | undefined;
  /** The server refused the dose for the identity (`identity_not_verified`). */
  doseRefused?: boolean | undefined;
  /** An approval arrived (or the identity no longer blocks): read the person's record again. */
  onIdentityChanged?: (() => void) | undefined;
}

/**
 * At the desk (the session's dose step, the reception's person page): when the identity blocks the
 * dose, why; "Gửi cấp trên phê duyệt" with a reason; then the request's state, read again every few
 * seconds while it waits — approved (the dose is recorded as usual) or "Cấp trên từ chối: <lý do>".
 * No form element: it sits inside the dose step's form.
 */
export function IdentityApprovalPanel({ person, visitId, doseRefused, onIdentityChanged }: IdentityApprovalPanelProps) {
  const t = useApprovalsT();
  const { t: tMain } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const blocks = identityBlocksDose(person);
  const relevant = blocks || Boolean(doseRefused) || person.verification.override !== null;
  const latest = useQuery({
    queryKey: approvalsKeys.ofPerson(person.id),
    queryFn: ({ signal }) =>
      approvalsApi.list({ personId: person.id, limit: 1 }, signal).then((items) => items[0] ?? null),
    enabled: relevant,
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? PENDING_REFRESH_MS : false),
  });
  const request = latest.data ?? null;
  const stateRef = useRef<HTMLDivElement>(null);

  // The supervisor approved while the desk had the record open: the record has the override now.
  const approvedNotSeen = request?.status === 'approved' && blocks;
  const changed = useRef(onIdentityChanged);
  changed.current = onIdentityChanged;
  useEffect(() => {
    if (approvedNotSeen) changed.current?.();
  }, [approvedNotSeen]);

  if (!relevant) return null;
  // Verified since, or approved directly without a request from this desk: nothing to show.
  if (!blocks && !doseRefused && request?.status !== 'approved') return null;

  return (
    <section
      className={cx('desk-approval stack', request?.status === 'approved' && 'desk-approval--approved')}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`} className="step-box__title">
        {t('desk.title')}
      </h3>
      {blocks && request?.status !== 'approved' && (
        <p>{t('desk.why', { status: verificationText(tMain, person.verification) })}</p>
      )}
      <div aria-live="polite" ref={stateRef} tabIndex={-1}>
        {request && <RequestState request={request} />}
      </div>
      {latest.isError && <p className="text-muted">{t('desk.statusUnavailable')}</p>}
      {blocks && latest.isSuccess && request?.status !== 'pending' && request?.status !== 'approved' && (
        <SendRequest
          personId={person.id}
          visitId={visitId}
          again={request?.status === 'refused'}
          onSent={(created) => {
            queryClient.setQueryData(approvalsKeys.ofPerson(person.id), created);
            // The form is gone: the keyboard goes on from the request's state.
            requestAnimationFrame(() => stateRef.current?.focus());
          }}
          onStale={() => {
            void queryClient.invalidateQueries({ queryKey: approvalsKeys.ofPerson(person.id) });
            onIdentityChanged?.();
          }}
        />
      )}
    </section>
  );
}

function RequestState({ request }: { request: IdentityApproval }) {
  const t = useApprovalsT();
  const now = useNow();
  if (request.status === 'pending')
    return (
      <div className="desk-approval__state stack stack--tight">
        <p>
          <Badge tone="warning">{t('desk.pending')}</Badge>
        </p>
        <p>
          {t('desk.pendingDetail', {
            age: ago(request.requestedAt, now),
            by: request.requestedByName,
            reason: request.reason,
          })}
        </p>
        <p className="text-muted">{t('desk.pendingHint')}</p>
      </div>
    );
  const detail = {
    by: request.decidedByName ?? request.decidedBy ?? '',
    at: formatDateTime(request.decidedAt),
    reason: request.decisionReason ?? '',
  };
  if (request.status === 'approved')
    return (
      <Alert variant="success" role="none" title={t('desk.approved')}>
        <p>{t('desk.approvedDetail', detail)}</p>
        <p>{t('desk.approvedNext')}</p>
      </Alert>
    );
  return (
    <Alert variant="error" role="none" title={t('desk.refused', { reason: detail.reason })}>
      <p>{t('desk.refusedDetail', detail)}</p>
    </Alert>
  );
}

function SendRequest({
  personId,
  visitId,
  again,
  onSent,
  onStale,
}: {
  personId: string;
  visitId: string | undefined;
  again: boolean;
  onSent: (created: IdentityApproval) => void;
  onStale: () => void;
}) {
  const t = useApprovalsT();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const send = useMutation<IdentityApproval, ApiError>({
    mutationFn: () => approvalsApi.request({ personId, ...(visitId ? { visitId } : {}), reason: reason.trim() }),
    onSuccess: onSent,
    onError: (error) => {
      // Another desk asked meanwhile, or the identity no longer blocks: show what is so now.
      if (isApiError(error) && (error.code === 'approval_pending' || error.code === 'approval_not_needed')) onStale();
      if (!isApiError(error) || error.code !== 'approval_not_needed')
        requestAnimationFrame(() => errorRef.current?.focus());
    },
  });
  const submit = () => {
    if (send.isPending) return;
    if (reason.trim().length < MIN_REASON) {
      setReasonError(t('desk.reasonRequired'));
      fieldRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    send.mutate();
  };
  return (
    <div className="stack stack--tight">
      <TextAreaField
        ref={fieldRef}
        label={t('desk.reason')}
        hint={t('desk.reasonHint')}
        required
        maxLength={MAX_REASON}
        value={reason}
        error={reasonError}
        onChange={(event) => {
          setReason(event.target.value);
          if (reasonError) setReasonError(undefined);
        }}
      />
      {send.isError && send.error.code !== 'approval_not_needed' && (
        <div ref={errorRef} tabIndex={-1}>
          <Alert
            variant={send.error.code === 'approval_pending' ? 'info' : 'error'}
            title={send.error.code === 'approval_pending' ? undefined : t('desk.failed')}
          >
            <p>{send.error.message}</p>
          </Alert>
        </div>
      )}
      <div>
        <Button type="button" variant={again ? 'secondary' : 'primary'} onClick={submit} busy={send.isPending}>
          {send.isPending ? t('desk.sending') : t('desk.send')}
        </Button>
      </div>
    </div>
  );
}
