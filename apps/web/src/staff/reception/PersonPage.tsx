import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatPhone, isVietnameseMobile } from '@tiemchung/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigationType, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { PageLoading } from '../../ui/PageLoading';
import { usePageTitle } from '../../ui/usePageTitle';
import { IdentityApprovalPanel } from '../approvals/DeskApproval';
import { type Person, peopleApi, personQuery, receptionKeys, useUnit } from './api';
import { CertificatePanel } from './CertificatePanel';
import { DoseHistory } from './DoseHistory';
import { formatDate, formatDateTime, genderLabel, provinceName } from './format';
import { PersonReports } from './PersonReports';
import { type PersonCardState, receptionPaths } from './paths';
import { VerificationBadge, verificationText } from './VerificationBadge';

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Residence({ person }: { person: Person }) {
  const district = useUnit(person.districtCode);
  const commune = useUnit(person.communeCode);
  const parts = [
    person.communeCode ? (commune.data?.name ?? person.communeCode) : null,
    person.districtCode ? (district.data?.name ?? person.districtCode) : null,
    provinceName(person.provinceCode),
  ].filter(Boolean);
  return <>{parts.join(', ')}</>;
}

function PersonCard({ person, notice }: { person: Person; notice: PersonCardState['notice'] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigationType = useNavigationType();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [verifyMessage, setVerifyMessage] = useState('');

  // The record was opened from the search, a QR code or a form: start reading at its name.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the card is first shown
  useEffect(() => {
    if (navigationType !== 'POP') headingRef.current?.focus();
  }, []);

  const verify = useMutation<Person, ApiError>({
    mutationFn: () => peopleApi.verify(person.id),
    onMutate: () => setVerifyMessage(''),
    onSuccess: (updated) => {
      queryClient.setQueryData(receptionKeys.person(updated.id), updated);
      setVerifyMessage(t('reception.person.verifyDone', { status: verificationText(t, updated.verification) }));
    },
  });

  const v = person.verification;
  const none = <span className="text-muted">{t('reception.person.none')}</span>;
  const idType = person.idType ? t(`reception.idTypes.${person.idType}`) : null;

  return (
    <div className="stack reception">
      <p>
        <Link to={receptionPaths.search} className="back-link">
          <span aria-hidden="true">← </span>
          {t('reception.person.backToSearch')}
        </Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {person.fullName}
      </h1>

      {notice === 'created' && (
        <Alert variant="success" role="none">
          <p>{t('reception.person.created')}</p>
        </Alert>
      )}
      {notice === 'updated' && (
        <Alert variant="success" role="none">
          <p>{t('reception.person.updated')}</p>
        </Alert>
      )}
      {notice === 'qrFound' && (
        <Alert variant="info" role="none">
          <p>{t('reception.qrFoundNotice')}</p>
        </Alert>
      )}

      <section className="card stack" aria-labelledby="identity-title">
        <h2 id="identity-title" className="h3">
          {t('reception.person.identityTitle')}
        </h2>
        <div className="verification-block">
          <VerificationBadge verification={v} />
          {v.verifiedAt && (
            <p className="text-muted">{t('reception.person.verifiedAt', { at: formatDateTime(v.verifiedAt) })}</p>
          )}
          {v.recheck && <p className="text-muted">{t('reception.person.recheckPending')}</p>}
          {person.legacy && <p className="text-muted">{t('reception.person.legacy')}</p>}
        </div>
        <p className="visually-hidden" role="status">
          {verifyMessage}
        </p>
        {verify.isError && (
          <Alert variant="error" title={t('reception.person.verifyFailedTitle')}>
            <p>{verify.error.message}</p>
          </Alert>
        )}
        <div className="reception__actions">
          <Button
            variant="secondary"
            onClick={() => verify.mutate()}
            disabled={verify.isPending}
            busy={verify.isPending}
          >
            {verify.isPending ? t('reception.person.verifying') : t('reception.person.verify')}
          </Button>
          <Link className={buttonClass('secondary')} to={receptionPaths.edit(person.id)}>
            {t('reception.person.edit')}
          </Link>
        </div>
        {/* When the identity blocks a dose: why, and the approval path (send, then its state live). */}
        <IdentityApprovalPanel
          person={person}
          onIdentityChanged={() => void queryClient.invalidateQueries({ queryKey: receptionKeys.person(person.id) })}
        />
      </section>

      <section className="card stack" aria-labelledby="details-title">
        <h2 id="details-title" className="h3">
          {t('reception.person.detailsTitle')}
        </h2>
        <dl className="details">
          <Detail label={t('reception.form.dateOfBirth')}>{formatDate(person.dateOfBirth)}</Detail>
          <Detail label={t('reception.form.gender')}>{genderLabel(t, person.gender)}</Detail>
          <Detail label={t('reception.form.idNumber')}>
            {person.idNumber ? `${person.idNumber}${idType ? ` (${idType})` : ''}` : none}
          </Detail>
          {person.oldIdNumber && <Detail label={t('reception.form.oldIdNumber')}>{person.oldIdNumber}</Detail>}
          <Detail label={t('reception.form.phone')}>
            {person.phone ? (isVietnameseMobile(person.phone) ? formatPhone(person.phone) : person.phone) : none}
          </Detail>
          <Detail label={t('reception.person.residence')}>
            <Residence person={person} />
          </Detail>
          <Detail label={t('reception.form.address')}>{person.address ?? none}</Detail>
          <Detail label={t('reception.person.nationality')}>
            {person.nationality === 'VN' ? t('reception.person.vietnam') : person.nationality}
          </Detail>
          <Detail label={t('reception.form.ethnicity')}>{person.ethnicity ?? none}</Detail>
          <Detail label={t('reception.form.occupation')}>{person.occupation ?? none}</Detail>
          <Detail label={t('reception.form.healthInsuranceNumber')}>{person.healthInsuranceNumber ?? none}</Detail>
        </dl>
      </section>

      <DoseHistory personId={person.id} />
      <CertificatePanel personId={person.id} />
      <PersonReports personId={person.id} />
    </div>
  );
}

/** `/quan-tri/tiep-don/nguoi/:id` — a person's full record and identity verification. */
export function PersonPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const notice = (location.state as PersonCardState | null)?.notice;
  const query = useQuery(personQuery(id));
  // No personal data in the title (it ends up in the browser history of a shared desk computer).
  usePageTitle(t('reception.title'));

  if (query.data) return <PersonCard key={query.data.id} person={query.data} notice={notice} />;
  if (query.isError) {
    return (
      <div className="stack reception">
        <Alert variant="error" title={t('reception.person.notFoundTitle')}>
          <p>{query.error.message}</p>
        </Alert>
        <p>
          <Link to={receptionPaths.search}>{t('reception.person.backToSearch')}</Link>
        </p>
      </div>
    );
  }
  return <PageLoading />;
}
