import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Certificate, IssuedCertificate, PDF_LAYOUTS } from '@tiemchung/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { buttonClass } from '../../ui/Button';
import { PassportPanel } from '../approvals/PassportPanel';
import type { ItemsResponse } from './api';
import { formatDateTime } from './format';

/** What the desk shows of `GET /api/people/{id}/certificate` (core's contract). */
type CertificateSummary = Pick<
  Certificate,
  'status' | 'color' | 'statusText' | 'ci' | 'doses' | 'passportBlockers' | 'issuedAt' | 'expiresAt'
>;

/** The person's current certificate (read by the panel and by the dose history, for the sites' names). */
export const certificateQuery = (personId: string) =>
  queryOptions({
    queryKey: ['certificate', personId],
    queryFn: ({ signal }) =>
      api.get<CertificateSummary>(`/api/people/${encodeURIComponent(personId)}/certificate`, { signal }),
  });

/** The certificates issued to the person, the current one first (`GET /api/people/{id}/certificates`). */
function IssuedCertificates({ personId, after }: { personId: string; after: number }) {
  const { t } = useTranslation();
  const issued = useQuery({
    // Read after the certificate itself: reading it may have just issued a new one.
    queryKey: ['certificate', personId, 'issued', after],
    queryFn: ({ signal }) =>
      api.get<ItemsResponse<IssuedCertificate>>(`/api/people/${encodeURIComponent(personId)}/certificates`, {
        signal,
      }),
  });
  if (issued.isPending) return null;
  if (issued.isError) return <p role="alert">{t('reception.certificate.issuedError')}</p>;
  const items = issued.data.items;
  const current = items.find((c) => c.state !== 'superseded');
  const replaced = items.filter((c) => c.state === 'superseded');
  return (
    <div className="stack stack--tight">
      <h3 className="subsection-title">{t('reception.certificate.stateTitle')}</h3>
      <p data-certificate-state={current?.state ?? 'none'}>
        {!current
          ? t('reception.certificate.state.none')
          : current.state === 'valid'
            ? t('reception.certificate.state.valid', {
                issued: formatDateTime(current.issuedAt),
                expires: formatDateTime(current.expiresAt),
              })
            : t('reception.certificate.state.expired', { expires: formatDateTime(current.expiresAt) })}
      </p>
      {replaced.length > 0 && (
        <>
          <p>{t('reception.certificate.replacedTitle', { count: replaced.length })}</p>
          <ul className="certificate-history">
            {replaced.map((c) => (
              <li key={c.ci} data-certificate-state="superseded">
                {t('reception.certificate.state.superseded', {
                  at: formatDateTime(c.supersededAt),
                  reason: t(
                    c.supersedeReason === 'renewal'
                      ? 'reception.certificate.reasons.renewal'
                      : c.supersedeReason === 'new_dose'
                        ? 'reception.certificate.reasons.newDose'
                        : 'reception.certificate.reasons.dataChanged',
                  ),
                })}
                <span className="certificate-history__ci">{c.ci}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * The person's certificate at the desk: status colour, whether it is valid (and since when), the
 * ones it replaced, and the certificate printed from the platform (A4 or card) — "100 % of
 * certificates printed from the platform"; then the record's vaccine passport: what blocks it, the
 * site's confirmation, the passport's QR once signed (PassportPanel).
 */
export function CertificatePanel({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'vi';
  const cert = useQuery(certificateQuery(personId));
  const pdf = (layout: (typeof PDF_LAYOUTS)[number]) =>
    `/api/people/${encodeURIComponent(personId)}/certificate.pdf?layout=${layout}`;
  return (
    <section className="card stack" aria-labelledby="certificate-title">
      <h2 id="certificate-title" className="h3">
        {t('reception.certificate.title')}
      </h2>
      {cert.isPending && <p className="text-muted">{t('reception.certificate.loading')}</p>}
      {cert.isError && <p role="alert">{t('reception.certificate.error')}</p>}
      {cert.data && (
        <>
          <p className={`certificate-band certificate-band--${cert.data.color}`}>
            <strong>{cert.data.statusText[lang]}</strong>
          </p>
          <IssuedCertificates personId={personId} after={cert.dataUpdatedAt} />
          {cert.data.status !== 'none' && (
            <div className="cluster">
              <a className={buttonClass('primary')} href={pdf('a4')} target="_blank" rel="noopener">
                {t('reception.certificate.printA4')}
              </a>
              <a className={buttonClass('secondary')} href={pdf('card')} target="_blank" rel="noopener">
                {t('reception.certificate.printCard')}
              </a>
            </div>
          )}
          {cert.data.ci && (
            <p className="text-muted certificate-ci">{t('reception.certificate.ci', { ci: cert.data.ci })}</p>
          )}
          {/* What blocks a vaccine passport, the site's confirmation and the passport itself. */}
          <PassportPanel personId={personId} />
        </>
      )}
    </section>
  );
}
