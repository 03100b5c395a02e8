import { useQuery } from '@tanstack/react-query';
import type { Certificate, PDF_LAYOUTS } from '@tiemchung/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { buttonClass } from '../../ui/Button';

/** What the desk shows of `GET /api/people/{id}/certificate` (core's contract). */
type CertificateSummary = Pick<Certificate, 'status' | 'color' | 'statusText' | 'ci' | 'doses' | 'passportBlockers'>;

/**
 * The person's certificate at the desk: status colour, and the certificate printed from the
 * platform (A4 or card) — "100 % of certificates printed from the platform".
 */
export function CertificatePanel({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('en') ? 'en' : 'vi';
  const cert = useQuery({
    queryKey: ['certificate', personId],
    queryFn: ({ signal }) =>
      api.get<CertificateSummary>(`/api/people/${encodeURIComponent(personId)}/certificate`, { signal }),
  });
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
          {cert.data.ci && <p className="text-muted">{t('reception.certificate.ci', { ci: cert.data.ci })}</p>}
          {cert.data.passportBlockers.length > 0 && (
            <div>
              <p>{t('reception.certificate.blockers')}</p>
              <ul>
                {cert.data.passportBlockers.map((b) => (
                  <li key={`${b.code}-${b.doseId ?? ''}`}>{b.message[lang]}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
