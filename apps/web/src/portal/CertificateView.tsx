import { type Ref, useId } from 'react';
import { Link } from 'react-router';
import { publicPaths } from '../public/paths';
import { Alert } from '../ui/Alert';
import { buttonClass } from '../ui/Button';
import { QrCode } from '../ui/QrCode';
import type { Certificate } from './api';
import { formatDate, formatDateTime, isoDay } from './format';
import { usePortalT } from './i18n';
import { localized } from './validation';

type IssuedPassport = NonNullable<Certificate['passport']>;

const DOSE_KINDS = ['primary', 'booster', 'additional'] as const;
type DoseKind = (typeof DOSE_KINDS)[number];
const isDoseKind = (kind: string): kind is DoseKind => (DOSE_KINDS as readonly string[]).includes(kind);

/** An instant as the day it falls on for the citizen, `dd/MM/yyyy`. */
const dayOf = (iso: string) => formatDate(isoDay(new Date(iso)));

/**
 * The international vaccine passport the ministry signed (the certificate answer's `passport`): its
 * own QR code (an EU DCC, its own identifier), drawn like the certificate's, and its validity.
 */
function PassportSection({ passport, titleId }: { passport: IssuedPassport; titleId: string }) {
  const t = usePortalT();
  return (
    <section className="certificate__passport stack stack--tight" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('certificate.passportTitle')}</h3>
      <p>{t('certificate.passportText')}</p>
      <div className="certificate__qr stack stack--tight">
        <QrCode text={passport.qr} label={t('certificate.passportQrLabel')} errorCorrection="Q" />
      </div>
      <dl className="certificate__facts certificate__meta">
        <div>
          <dt>{t('certificate.passportCi')}</dt>
          <dd className="certificate__ci">{passport.ci}</dd>
        </div>
        <div>
          <dt>{t('certificate.passportValidFrom')}</dt>
          <dd>{dayOf(passport.issuedAt)}</dd>
        </div>
        <div>
          <dt>{t('certificate.passportValidUntil')}</dt>
          <dd>{dayOf(passport.expiresAt)}</dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * The certificate as the citizen sees it: colour band with the status, QR, doses, PDF, identity,
 * blockers — and the vaccine passport with its own QR once the ministry has signed it.
 */
export function CertificateView({
  certificate,
  headingRef,
}: {
  certificate: Certificate;
  /** Ref of the name heading (focused when the certificate appears). */
  headingRef?: Ref<HTMLHeadingElement>;
}) {
  const t = usePortalT();
  const titleId = useId();
  const { person, identity } = certificate;
  const identityLine = identity.verified
    ? identity.verifiedAt
      ? t('certificate.identityVerifiedOn', { date: formatDate(identity.verifiedAt.slice(0, 10)) })
      : t('certificate.identityVerified')
    : t('certificate.identityNotVerified');

  return (
    <article className="certificate" aria-labelledby={titleId}>
      <div className={`certificate__band certificate__band--${certificate.color}`}>
        <svg className="certificate__band-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d={
              certificate.color === 'green'
                ? 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z'
                : 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z'
            }
          />
        </svg>
        <div>
          <p className="certificate__kind">{t('certificate.title')}</p>
          <p className="certificate__status">{localized(certificate.statusText)}</p>
        </div>
      </div>

      <div className="certificate__body">
        <div className="certificate__who stack stack--tight">
          <h2 id={titleId} ref={headingRef} tabIndex={-1} className="certificate__name">
            {person.fullName}
          </h2>
          <dl className="certificate__facts">
            <div>
              <dt>{t('certificate.dateOfBirth')}</dt>
              <dd>{formatDate(person.dateOfBirth)}</dd>
            </div>
            <div>
              <dt>{t('certificate.gender')}</dt>
              <dd>{t(person.gender === 'male' ? 'common.gender.male' : 'common.gender.female')}</dd>
            </div>
            {person.idNumberMasked && (
              <div>
                <dt>{t('certificate.idNumber')}</dt>
                <dd>{person.idNumberMasked}</dd>
              </div>
            )}
          </dl>
          <p className={`certificate__identity${identity.verified ? ' is-verified' : ''}`}>{identityLine}</p>
        </div>

        <div className="certificate__qr stack stack--tight">
          {certificate.qr ? (
            <>
              <QrCode text={certificate.qr} label={t('certificate.qrLabel')} errorCorrection="Q" />
              <p className="text-muted certificate__qr-hint">{t('certificate.qrHint')}</p>
            </>
          ) : (
            <p className="text-muted">{t('certificate.noQr')}</p>
          )}
        </div>

        {certificate.ci && (
          <dl className="certificate__facts certificate__meta">
            <div>
              <dt>{t('certificate.ci')}</dt>
              <dd className="certificate__ci">{certificate.ci}</dd>
            </div>
            {certificate.issuedAt && (
              <div>
                <dt>{t('certificate.issuedAt')}</dt>
                <dd>{formatDateTime(certificate.issuedAt)}</dd>
              </div>
            )}
            {certificate.expiresAt && (
              <div>
                <dt>{t('certificate.expiresAt')}</dt>
                <dd>{formatDate(certificate.expiresAt.slice(0, 10))}</dd>
              </div>
            )}
          </dl>
        )}

        <div className="certificate__download stack stack--tight">
          <p>
            <a className={buttonClass('primary')} href={certificate.pdfUrl} download>
              <svg className="btn__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                <path
                  fill="currentColor"
                  d="M9 2h2v8.2l2.8-2.8 1.4 1.4L10 14 4.8 8.8l1.4-1.4L9 10.2V2Zm-6 14h14v2H3v-2Z"
                />
              </svg>
              {t('certificate.download')}
            </a>
          </p>
          <p className="text-muted">{t('certificate.downloadHint')}</p>
        </div>

        {certificate.passport && <PassportSection passport={certificate.passport} titleId={`${titleId}-passport`} />}

        <section className="certificate__doses stack stack--tight" aria-labelledby={`${titleId}-doses`}>
          <h3 id={`${titleId}-doses`}>{t('certificate.dosesTitle')}</h3>
          {certificate.doses.length === 0 ? (
            <p>{t('certificate.noDoses')}</p>
          ) : (
            <table className="dose-table">
              <thead>
                <tr>
                  <th scope="col">{t('certificate.dose')}</th>
                  <th scope="col">{t('certificate.date')}</th>
                  <th scope="col">{t('certificate.vaccine')}</th>
                  <th scope="col">{t('certificate.lot')}</th>
                  <th scope="col">{t('certificate.facility')}</th>
                </tr>
              </thead>
              <tbody>
                {certificate.doses.map((dose) => (
                  <tr key={dose.id}>
                    <th scope="row" data-label={t('certificate.dose')}>
                      {t('certificate.doseNumber', { n: dose.doseNumber })}
                      {isDoseKind(dose.doseKind) && (
                        <span className="dose-table__kind"> ({t(`certificate.doseKinds.${dose.doseKind}`)})</span>
                      )}
                    </th>
                    <td data-label={t('certificate.date')}>{formatDate(dose.administeredOn)}</td>
                    <td data-label={t('certificate.vaccine')}>{dose.vaccineName}</td>
                    <td data-label={t('certificate.lot')}>{dose.lotNumber}</td>
                    <td data-label={t('certificate.facility')}>{dose.facilityName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        {certificate.passportBlockers.length > 0 && (
          <Alert variant="warning" role="none" title={t('certificate.blockersTitle')}>
            <p>{t('certificate.blockersText')}</p>
            <ul className="certificate__blockers">
              {certificate.passportBlockers.map((b) => (
                <li key={`${b.code}-${b.doseId ?? ''}`}>{localized(b.message)}</li>
              ))}
            </ul>
            <p>
              <Link to={publicPaths.report}>{t('certificate.reportLink')}</Link>
            </p>
          </Alert>
        )}
      </div>
    </article>
  );
}
