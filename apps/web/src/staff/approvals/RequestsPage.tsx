import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { APPROVAL_STATUSES, type ApprovalDecision, type ApprovalStatus } from '@tiemchung/core';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { CardList } from '../../ui/CardList';
import { SelectField } from '../../ui/SelectField';
import { TextAreaField } from '../../ui/TextAreaField';
import { useNow } from '../../ui/useNow';
import { usePageTitle } from '../../ui/usePageTitle';
import { useUnit } from '../reception/api';
import { formatDate, formatDateTime, genderLabel, provinceName } from '../reception/format';
import { receptionPaths } from '../reception/paths';
import { verificationText } from '../reception/VerificationBadge';
import { approvalsApi, approvalsKeys, type IdentityApproval, MAX_REASON, MIN_REASON } from './api';
import { ago } from './format';
import { useApprovalsT } from './i18n';
import { SubNav } from './SubNav';

/** The work list is read again this often (sites send requests all day). */
const REFRESH_MS = 20_000;

const STATUS_TONES: Record<ApprovalStatus, BadgeTone> = { pending: 'warning', approved: 'success', refused: 'danger' };

function isStatus(value: string | null): value is ApprovalStatus {
  return (APPROVAL_STATUSES as readonly string[]).includes(value ?? '');
}

/**
 * "Đề nghị phê duyệt": the requests of the supervisor's units, pending first (the longest waiting
 * first), each with the person's details beside the population database's answer, who asked, from
 * where, why and how long ago; approve or refuse with a reason.
 */
export function RequestsPage() {
  const t = useApprovalsT();
  usePageTitle(t('title'));
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = isStatus(raw) ? raw : undefined;
  const list = useQuery({
    queryKey: approvalsKeys.list({ status }),
    queryFn: ({ signal }) => approvalsApi.list({ status, limit: 200 }, signal),
    refetchInterval: REFRESH_MS,
  });
  // What was just decided; `n` moves the focus there again for the same text.
  const [decided, setDecided] = useState<{ text: string; n: number } | null>(null);
  const notice = decided?.text ?? '';
  const noticeRef = useRef<HTMLDivElement>(null);
  const announce = (text: string) => setDecided((d) => ({ text, n: (d?.n ?? 0) + 1 }));
  // Once the notice is on the page (after the commit, whenever the decision's answer came back).
  useEffect(() => {
    if (decided) noticeRef.current?.focus();
  }, [decided]);
  return (
    <div className="stack reception">
      <SubNav />
      <h1>{t('title')}</h1>
      <p className="text-muted">{t('intro')}</p>
      <SelectField
        label={t('filter.label')}
        value={status ?? ''}
        onChange={(event) => {
          const next = event.target.value;
          setParams(next ? { status: next } : {}, { replace: true });
        }}
        placeholder={t('filter.all')}
        options={APPROVAL_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
      />
      {notice && (
        // The decided card's form is gone: the focus comes here, where what was done is said.
        <div ref={noticeRef} tabIndex={-1}>
          <Alert variant="success">{notice}</Alert>
        </div>
      )}
      <CardList
        notice=""
        isError={list.isError}
        items={list.data}
        t={t}
        renderItem={(r) => <RequestCard request={r} onNotice={announce} />}
      />
    </div>
  );
}

function Residence({ p }: { p: IdentityApproval['person'] }) {
  const district = useUnit(p.districtCode);
  const commune = useUnit(p.communeCode);
  return (
    <>
      {[
        p.communeCode ? (commune.data?.name ?? p.communeCode) : null,
        p.districtCode ? (district.data?.name ?? p.districtCode) : null,
        provinceName(p.provinceCode),
      ]
        .filter(Boolean)
        .join(', ')}
    </>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The identity as sent differs from the record now (corrected since): name, birth date, sex or ID number. */
function changedSince(r: IdentityApproval): boolean {
  const a = r.requested;
  const b = r.person;
  return (
    a.fullName !== b.fullName || a.dateOfBirth !== b.dateOfBirth || a.gender !== b.gender || a.idNumber !== b.idNumber
  );
}

function RequestCard({ request: r, onNotice }: { request: IdentityApproval; onNotice: (text: string) => void }) {
  const t = useApprovalsT();
  const { t: tMain } = useTranslation();
  const id = useId();
  const now = useNow();
  const p = r.person;
  const idType = p.idType ? tMain(`reception.idTypes.${p.idType}`) : null;
  const registry = r.status === 'pending' ? p.verification : r.registry;
  const changed = changedSince(r);
  return (
    <article className="card stack" aria-labelledby={`${id}-title`}>
      <header className="approval__head">
        <h2 id={`${id}-title`} className="h3">
          {p.fullName}
        </h2>
        <Badge tone={STATUS_TONES[r.status]}>{t(`status.${r.status}`)}</Badge>
      </header>
      <p className="text-muted">
        {t('card.sentAgo', { age: ago(r.requestedAt, now) })} · {formatDateTime(r.requestedAt)}
      </p>
      <div className="approval__compare">
        <dl className="details">
          <Row label={t('fields.born')}>{formatDate(p.dateOfBirth)}</Row>
          <Row label={t('fields.gender')}>{genderLabel(tMain, p.gender)}</Row>
          <Row label={t('fields.idNumber')}>
            {p.idNumber ? `${p.idNumber}${idType ? ` (${idType})` : ''}` : t('fields.none')}
          </Row>
          <Row label={t('fields.residence')}>
            <Residence p={p} />
          </Row>
        </dl>
        <dl className="details">
          <Row label={t('fields.registry')}>
            <strong>{verificationText(tMain, registry)}</strong>
            {registry.source && (
              <>
                <br />
                <span className="text-muted">{t('fields.registrySource', { source: registry.source })}</span>
              </>
            )}
            {registry.checkedAt && (
              <>
                <br />
                <span className="text-muted">{t('fields.checkedAt', { at: formatDateTime(registry.checkedAt) })}</span>
              </>
            )}
          </Row>
          <Row label={t('fields.requester')}>
            {r.requestedByName} ({r.requestedBy})
          </Row>
          <Row label={t('fields.place')}>{r.facilityName ?? provinceName(r.provinceCode)}</Row>
        </dl>
      </div>
      <div className="stack stack--tight">
        <p className="field__label">{t('fields.reason')}</p>
        <blockquote className="approval__reason">{r.reason}</blockquote>
      </div>
      {r.status === 'pending' && changed && (
        <Alert variant="warning" role="none">
          <p>
            {t('card.changed', {
              sent: `${r.requested.fullName}, ${formatDate(r.requested.dateOfBirth)}, ${r.requested.idNumber ?? ''}`,
            })}
          </p>
        </Alert>
      )}
      {r.status === 'approved' && (
        <p>
          {t('card.approvedBy', {
            by: r.decidedByName ?? r.decidedBy,
            at: formatDateTime(r.decidedAt),
            reason: r.decisionReason,
          })}
        </p>
      )}
      {r.status === 'refused' && (
        <p>
          {t('card.refusedBy', {
            by: r.decidedByName ?? r.decidedBy,
            at: formatDateTime(r.decidedAt),
            reason: r.decisionReason,
          })}
        </p>
      )}
      {r.status === 'pending' && r.canDecide && <DecisionForm request={r} changed={changed} onNotice={onNotice} />}
      {r.status === 'pending' && !r.canDecide && <p className="text-muted">{t('card.ownRequest')}</p>}
      <p>
        <Link to={receptionPaths.person(r.personId)}>{t('card.openRecord', { name: p.fullName })}</Link>
      </p>
    </article>
  );
}

function DecisionForm({
  request: r,
  changed,
  onNotice,
}: {
  request: IdentityApproval;
  changed: boolean;
  onNotice: (text: string) => void;
}) {
  const t = useApprovalsT();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  const decide = useMutation<IdentityApproval, ApiError, ApprovalDecision>({
    mutationFn: (decision) => approvalsApi.decide(r.id, { decision, reason: reason.trim() }),
    onSuccess: async (decided) => {
      onNotice(
        t(decided.status === 'approved' ? 'decision.approved' : 'decision.refused', { name: decided.person.fullName }),
      );
      await queryClient.invalidateQueries({ queryKey: ['identity-approvals'] });
      await queryClient.invalidateQueries({ queryKey: ['people'] });
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: ['identity-approvals'] }),
  });
  const submit = (decision: ApprovalDecision) => (event: FormEvent) => {
    event.preventDefault();
    if (decide.isPending) return;
    if (reason.trim().length < MIN_REASON) {
      setReasonError(t('decision.reasonRequired'));
      fieldRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    decide.mutate(decision);
  };
  return (
    <form className="stack" onSubmit={submit('approve')} noValidate>
      <fieldset className="approval__decision stack">
        <legend className="visually-hidden">{t('decision.legend')}</legend>
        <TextAreaField
          ref={fieldRef}
          label={t('decision.reason')}
          hint={t('decision.reasonHint')}
          required
          maxLength={MAX_REASON}
          value={reason}
          error={reasonError}
          onChange={(event) => {
            setReason(event.target.value);
            if (reasonError) setReasonError(undefined);
          }}
        />
        {decide.isError && (
          <Alert variant="error" title={t('decision.failed')}>
            <p>{decide.error.message}</p>
          </Alert>
        )}
        <div className="approval__actions">
          {!changed && (
            <Button type="submit" busy={decide.isPending && decide.variables === 'approve'} disabled={decide.isPending}>
              {decide.isPending && decide.variables === 'approve' ? t('decision.saving') : t('decision.approve')}
            </Button>
          )}
          <Button
            type="button"
            variant="danger"
            onClick={submit('refuse')}
            busy={decide.isPending && decide.variables === 'refuse'}
            disabled={decide.isPending}
          >
            {decide.isPending && decide.variables === 'refuse' ? t('decision.saving') : t('decision.refuse')}
          </Button>
        </div>
      </fieldset>
    </form>
  );
}
