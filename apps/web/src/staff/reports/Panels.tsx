import { useQuery } from '@tanstack/react-query';
import { normalizeName, normalizePhone } from '@tiemchung/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { PageLoading } from '../../ui/PageLoading';
import { VerificationBadge } from '../reception/VerificationBadge';
import {
  type Certificate,
  type Dose,
  type Facility,
  type Person,
  type ReportDetail,
  reportsApi,
  reportsKeys,
  type Vaccine,
} from './api';
import {
  categoryLabel,
  facilityLabel,
  formatDate,
  formatDateTime,
  genderLabel,
  localized,
  provinceLabel,
  vaccineLabel,
} from './format';
import { useReportsT } from './i18n';
import { Detail } from './shared';

export function usePerson(personId: string | null) {
  return useQuery({
    queryKey: reportsKeys.person(personId ?? ''),
    queryFn: ({ signal }) => reportsApi.person(personId ?? '', signal),
    enabled: Boolean(personId),
  });
}

export function useDoses(personId: string | null) {
  return useQuery({
    queryKey: reportsKeys.doses(personId ?? ''),
    queryFn: ({ signal }) => reportsApi.doses(personId ?? '', signal).then((r) => r.items),
    enabled: Boolean(personId),
  });
}

export function useCertificate(personId: string | null) {
  return useQuery({
    queryKey: reportsKeys.certificate(personId ?? ''),
    queryFn: ({ signal }) => reportsApi.certificate(personId ?? '', signal),
    enabled: Boolean(personId),
  });
}

function comparableName(name: string): string {
  const n = normalizeName(name);
  return (n.ok ? n.value : name).toLocaleLowerCase('vi');
}

function comparablePhone(phone: string | null): string {
  if (!phone) return '';
  const p = normalizePhone(phone);
  return p.ok ? p.value : phone.replace(/\D/g, '');
}

/** The report's details that differ from the linked record (what the handler has to check). */
export function differences(report: ReportDetail, person: Person | undefined): Set<string> {
  const differ = new Set<string>();
  if (!person) return differ;
  if (comparableName(report.fullName) !== comparableName(person.fullName)) differ.add('fullName');
  if (report.dateOfBirth !== person.dateOfBirth) differ.add('dateOfBirth');
  if (report.gender !== person.gender) differ.add('gender');
  if (report.idNumber && report.idNumber !== person.idNumber) differ.add('idNumber');
  if (comparablePhone(report.phone) !== comparablePhone(person.phone)) differ.add('phone');
  return differ;
}

function DiffersTag({ show }: { show: boolean }) {
  const t = useReportsT();
  if (!show) return null;
  return <span className="differs-tag">{t('detail.differs')}</span>;
}

/** What the citizen reported: who, what, and the dose they name. */
export function ReportPanel({
  report,
  person,
  doses,
  vaccines,
  facilities,
}: {
  report: ReportDetail;
  person: Person | undefined;
  doses: readonly Dose[] | undefined;
  vaccines: readonly Vaccine[] | undefined;
  facilities: readonly Facility[] | undefined;
}) {
  const t = useReportsT();
  const { t: tg } = useTranslation();
  const differ = differences(report, person);
  const none = <span className="text-muted">{t('common.none')}</span>;
  const dose = report.dose;
  const onRecord = dose?.administeredOn && doses ? doses.find((d) => d.administeredOn === dose.administeredOn) : null;

  return (
    <section className="card stack compare__report" aria-labelledby="report-panel-title">
      <h2 id="report-panel-title" className="h3">
        {t('detail.reportTitle')}
      </h2>
      <dl className="details details--compact">
        <Detail label={t('detail.category')}>{categoryLabel(report.category)}</Detail>
        <Detail label={t('fields.fullName')} extra={<DiffersTag show={differ.has('fullName')} />}>
          {report.fullName}
        </Detail>
        <Detail label={t('fields.dateOfBirth')} extra={<DiffersTag show={differ.has('dateOfBirth')} />}>
          {formatDate(report.dateOfBirth)}
        </Detail>
        <Detail label={t('fields.gender')} extra={<DiffersTag show={differ.has('gender')} />}>
          {genderLabel(tg, report.gender)}
        </Detail>
        <Detail label={t('fields.idNumber')} extra={<DiffersTag show={differ.has('idNumber')} />}>
          {report.idNumber ?? none}
        </Detail>
        <Detail label={t('fields.phone')} extra={<DiffersTag show={differ.has('phone')} />}>
          {report.phone}
        </Detail>
      </dl>
      <div className="stack stack--tight">
        <h3 className="compare__subhead">{t('detail.description')}</h3>
        <p className="report-description">{report.description}</p>
      </div>
      {dose && (
        <div className="stack stack--tight">
          <h3 className="compare__subhead">{t('detail.reportedDose')}</h3>
          <dl className="details details--compact">
            <Detail label={t('fields.doseDate')}>{dose.administeredOn ? formatDate(dose.administeredOn) : none}</Detail>
            <Detail label={t('fields.vaccine')}>
              {dose.vaccineCode ? vaccineLabel(vaccines, dose.vaccineCode) : none}
            </Detail>
            <Detail label={t('fields.facility')}>
              {dose.facilityId ? facilityLabel(facilities, dose.facilityId) : none}
            </Detail>
          </dl>
          {dose.administeredOn && doses && (
            <p className={onRecord ? 'text-muted' : 'record-check record-check--missing'}>
              {onRecord
                ? t('detail.doseOnRecord', { date: formatDate(dose.administeredOn), n: onRecord.doseNumber })
                : t('detail.doseNotOnRecord', { date: formatDate(dose.administeredOn) })}
            </p>
          )}
        </div>
      )}
      <dl className="details details--compact">
        <Detail label={t('detail.receivedAt')}>{formatDateTime(report.receivedAt)}</Detail>
        <Detail label={t('detail.dueAt')}>{formatDateTime(report.dueAt)}</Detail>
      </dl>
    </section>
  );
}

const CERTIFICATE_TONES: Record<Certificate['color'], BadgeTone> = {
  green: 'success',
  yellow: 'warning',
  none: 'neutral',
};

/** The person's record the report is linked to: details, identity, doses and certificate. */
export function PersonPanel({
  report,
  vaccines,
  facilities,
  children,
}: {
  report: ReportDetail;
  vaccines: readonly Vaccine[] | undefined;
  facilities: readonly Facility[] | undefined;
  /** Shown when the report is not linked yet (the way to link it). */
  children?: ReactNode;
}) {
  const t = useReportsT();
  const { t: tg } = useTranslation();
  const person = usePerson(report.personId);
  const doses = useDoses(report.personId);
  const certificate = useCertificate(report.personId);
  const none = <span className="text-muted">{t('common.none')}</span>;

  let body: ReactNode;
  if (!report.personId) {
    body = (
      <>
        <p>{t('detail.notLinked')}</p>
        {children}
      </>
    );
  } else if (person.isError) {
    body = (
      <Alert variant="error" title={t('common.loadFailed')}>
        <p>{person.error.message}</p>
      </Alert>
    );
  } else if (!person.data) {
    body = <PageLoading />;
  } else {
    const p = person.data;
    body = (
      <>
        <div className="person-head">
          <p className="person-head__name">{p.fullName}</p>
          <VerificationBadge verification={p.verification} />
        </div>
        <dl className="details details--compact">
          <Detail label={t('fields.dateOfBirth')}>{formatDate(p.dateOfBirth)}</Detail>
          <Detail label={t('fields.gender')}>{genderLabel(tg, p.gender)}</Detail>
          <Detail label={t('fields.idNumber')}>{p.idNumber ?? none}</Detail>
          <Detail label={t('fields.phone')}>{p.phone ?? none}</Detail>
          <Detail label={t('fields.province')}>{provinceLabel(p.provinceCode)}</Detail>
          <Detail label={t('detail.certificate')}>
            {certificate.data ? (
              <Badge tone={CERTIFICATE_TONES[certificate.data.color] ?? 'neutral'}>
                {localized(certificate.data.statusText)}
              </Badge>
            ) : certificate.isError ? (
              <span className="text-muted">{certificate.error.message}</span>
            ) : (
              <span className="text-muted">{t('common.loading')}</span>
            )}
          </Detail>
        </dl>
        <div className="stack stack--tight">
          <h3 className="compare__subhead">{t('detail.dosesTitle')}</h3>
          {doses.isError && <p className="text-muted">{doses.error.message}</p>}
          {doses.data && doses.data.length === 0 && <p className="text-muted">{t('detail.noDoses')}</p>}
          {doses.data && doses.data.length > 0 && (
            <ol className="dose-list">
              {doses.data.map((d) => (
                <li key={d.id} className="dose-list__item">
                  <span className="dose-list__title">
                    {t('detail.doseTitle', { n: d.doseNumber, date: formatDate(d.administeredOn) })}
                  </span>
                  <span className="dose-list__meta">
                    {t('detail.doseMeta', {
                      vaccine: vaccineLabel(vaccines, d.vaccineCode),
                      lot: d.lotNumber,
                      facility: facilityLabel(facilities, d.facilityId),
                    })}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
        {children}
      </>
    );
  }

  return (
    <section className="card stack compare__person" aria-labelledby="person-panel-title">
      <h2 id="person-panel-title" className="h3">
        {t('detail.personTitle')}
      </h2>
      {body}
    </section>
  );
}

/**
 * The photo of the paper confirmation the citizen sent, at the width of its column; "Phóng to"
 * gives it the whole width (the lot number on a phone photo is small), or open it in a new tab.
 */
export function EvidencePanel({
  report,
  large,
  onLarge,
}: {
  report: ReportDetail;
  large: boolean;
  onLarge: (large: boolean) => void;
}) {
  const t = useReportsT();
  const [failed, setFailed] = useState(false);
  const url = reportsApi.evidenceUrl(report.id);
  return (
    <section className="card stack compare__evidence" aria-labelledby="evidence-panel-title">
      <h2 id="evidence-panel-title" className="h3">
        {t('detail.evidenceTitle')}
      </h2>
      {!report.hasEvidence && <p className="text-muted">{t('detail.noEvidence')}</p>}
      {report.hasEvidence && failed && (
        <Alert variant="warning" role="none">
          <p>{t('detail.evidenceFailed')}</p>
        </Alert>
      )}
      {report.hasEvidence && !failed && (
        <figure className="evidence">
          <a href={url} target="_blank" rel="noopener noreferrer" className="evidence__link">
            <img
              className="evidence__img"
              src={url}
              alt={t('detail.evidenceAlt', { code: report.trackingCode })}
              onError={() => setFailed(true)}
            />
          </a>
          <figcaption className="evidence__tools">
            <Button variant="secondary" aria-pressed={large} onClick={() => onLarge(!large)}>
              {large ? t('detail.evidenceSmaller') : t('detail.evidenceLarger')}
            </Button>
            <a href={url} target="_blank" rel="noopener noreferrer">
              {t('detail.evidenceOpen')}
            </a>
          </figcaption>
        </figure>
      )}
    </section>
  );
}
