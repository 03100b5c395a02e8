import { type FormEvent, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '../ui/Alert';
import { Button, buttonClass } from '../ui/Button';
import { isoDay } from '../ui/dates';
import { FormDialog } from '../ui/FormDialog';
import { QrCode } from '../ui/QrCode';
import { usePageTitle } from '../ui/usePageTitle';
import { type BookCertificate, bookApi, certificatePdfUrl, type HouseholdMember } from './api';
import { memberOf, type ReplacedCertificate, withoutMember } from './book';
import { CheckInQr } from './CheckInQr';
import { formatDate, formatDateTime, localized } from './format';
import { useBookT } from './i18n';
import { NextDoseCard } from './NextDoseCard';
import { bookPaths } from './paths';
import { StatusChip } from './StatusChip';
import { currentBook, handleSignedOut, storeBook, syncBook, useBookState } from './store';

const DOSE_KINDS = ['primary', 'booster', 'additional'] as const;
type DoseKind = (typeof DOSE_KINDS)[number];
const isDoseKind = (kind: string): kind is DoseKind => (DOSE_KINDS as readonly string[]).includes(kind);

function Facts({ certificate }: { certificate: BookCertificate }) {
  const t = useBookT();
  const { person } = certificate;
  return (
    <dl className="book-facts">
      <div>
        <dt>{t('member.dateOfBirth')}</dt>
        <dd>{formatDate(person.dateOfBirth)}</dd>
      </div>
      <div>
        <dt>{t('member.gender')}</dt>
        <dd>{t(person.gender === 'male' ? 'member.male' : 'member.female')}</dd>
      </div>
      {person.idNumberMasked && (
        <div>
          <dt>{t('member.idNumber')}</dt>
          <dd>{person.idNumberMasked}</dd>
        </div>
      )}
    </dl>
  );
}

function Doses({ member }: { member: HouseholdMember }) {
  const t = useBookT();
  const titleId = useId();
  const { doses } = member.certificate;
  return (
    <section className="card stack" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('member.dosesTitle')}</h2>
      {doses.length === 0 ? (
        <p>{t('member.noDoses')}</p>
      ) : (
        <ol className="book-doses">
          {doses.map((dose) => (
            <li key={dose.id} className="book-dose">
              <h3 className="book-dose__title">
                {t('member.doseNumber', { n: dose.doseNumber })}
                {isDoseKind(dose.doseKind) && ` (${t(`member.doseKinds.${dose.doseKind}`)})`}
              </h3>
              <dl className="book-facts">
                <div>
                  <dt>{t('member.doseDate')}</dt>
                  <dd>{formatDate(dose.administeredOn)}</dd>
                </div>
                <div>
                  <dt>{t('member.vaccine')}</dt>
                  <dd>{dose.vaccineName}</dd>
                </div>
                <div>
                  <dt>{t('member.lot')}</dt>
                  <dd>{dose.lotNumber}</dd>
                </div>
                <div>
                  <dt>{t('member.facility')}</dt>
                  <dd>{dose.facilityName}</dd>
                </div>
              </dl>
              <p>
                <Link className={buttonClass('ghost')} to={bookPaths.report(member.personId, { doseId: dose.id })}>
                  {t('member.reportDose', { n: dose.doseNumber })}
                </Link>
              </p>
            </li>
          ))}
        </ol>
      )}
      <p>
        <Link className={buttonClass('ghost')} to={bookPaths.report(member.personId, { missing: true })}>
          {t('member.reportMissing')}
        </Link>
      </p>
    </section>
  );
}

/** An instant as the day it falls on for the citizen, `dd/MM/yyyy`. */
const dayOf = (iso: string) => formatDate(isoDay(new Date(iso)));

/**
 * The international vaccine passport the ministry signed: part of the member's certificate answer,
 * so kept on the device with it and shown offline — its own signed QR (exactly as issued, drawn
 * like the certificate's), identifier and validity.
 */
function Passport({
  certificate,
  passport,
}: {
  certificate: BookCertificate;
  passport: NonNullable<BookCertificate['passport']>;
}) {
  const t = useBookT();
  const titleId = useId();
  return (
    <section className="card stack book-passport" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('member.passportTitle')}</h2>
      <p>{t('member.passportText')}</p>
      <div className="book-certificate__qr stack stack--tight">
        <QrCode
          text={passport.qr}
          label={t('member.passportQrLabel', { name: certificate.person.fullName })}
          errorCorrection="Q"
          className="book-qr"
        />
        <p className="text-muted">{t('member.passportOffline')}</p>
      </div>
      <dl className="book-facts">
        <div>
          <dt>{t('member.passportCi')}</dt>
          <dd className="book-ci">{passport.ci}</dd>
        </div>
        <div>
          <dt>{t('member.passportValidFrom')}</dt>
          <dd>{dayOf(passport.issuedAt)}</dd>
        </div>
        <div>
          <dt>{t('member.passportValidUntil')}</dt>
          <dd>{dayOf(passport.expiresAt)}</dd>
        </div>
      </dl>
    </section>
  );
}

function Replaced({ replaced }: { replaced: ReplacedCertificate[] }) {
  const t = useBookT();
  const titleId = useId();
  return (
    <section className="card stack" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('replaced.title')}</h2>
      <ul className="book-replaced">
        {replaced.map((r) => (
          <li key={r.certificate.ci} className="book-replaced__item">
            <p>
              <span className="text-muted">{t('member.ci')}</span> <span className="book-ci">{r.certificate.ci}</span>
            </p>
            <p className="book-replaced__mark">
              {t('replaced.by', { ci: r.replacedByCi ?? '—', date: formatDateTime(r.replacedAt) })}
            </p>
            {r.certificate.issuedAt && (
              <p className="text-muted">
                {t('replaced.issued', {
                  date: formatDateTime(r.certificate.issuedAt),
                  status: localized(r.certificate.statusText),
                })}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RemoveMember({ member }: { member: HouseholdMember }) {
  const t = useBookT();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = member.certificate.person.fullName;

  const remove = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      await bookApi.removeMember(member.personId);
      const book = currentBook();
      if (book) storeBook(withoutMember(book, member.personId));
      void syncBook();
      navigate(bookPaths.home);
    } catch (e) {
      if (!handleSignedOut(e)) setError(e instanceof Error ? e.message : String(e));
      setPending(false);
    }
  };

  return (
    <>
      <p>
        <Button variant="danger" onClick={() => setOpen(true)}>
          {t('remove.button')}
        </Button>
      </p>
      {open && (
        <FormDialog
          title={t('remove.title', { name })}
          onCancel={() => setOpen(false)}
          onSubmit={(event) => void remove(event)}
        >
          <p>{t('remove.text')}</p>
          {error && (
            <Alert variant="error" title={t('remove.failed')}>
              <p>{error}</p>
            </Alert>
          )}
          <div className="form-actions">
            <Button type="submit" variant="danger" disabled={pending} busy={pending}>
              {t('remove.confirm')}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)} disabled={pending}>
              {t('remove.cancel')}
            </Button>
          </div>
        </FormDialog>
      )}
    </>
  );
}

/**
 * `/so-suc-khoe/nguoi/:personId`: a member's certificate as stored on the device (the signed QR
 * exactly as the server issued it, large, shown offline), the next dose with its reminder, the
 * check-in QR, the doses with "Báo sai" on each, the personal details with theirs, the PDFs, the
 * vaccine passport once the ministry has signed it (also offline), the certificates a reissue
 * replaced, and removing the member from the book.
 */
export default function MemberPage() {
  const t = useBookT();
  const { personId = '' } = useParams();
  const { book, sync } = useBookState();
  const member = memberOf(book, personId);
  const name = member?.certificate.person.fullName;
  const headingRef = usePageTitle(name ?? t('member.notFound'));
  const offline = sync.status === 'offline';
  const qrTitleId = useId();

  if (!book) return null;
  if (!member) {
    return (
      <div className="stack">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('member.notFound')}
        </h1>
        <p>{t('member.notFoundText')}</p>
        <p>
          <Link to={bookPaths.home}>{t('member.back')}</Link>
        </p>
      </div>
    );
  }
  const { certificate } = member;
  const replaced = book.replaced[personId] ?? [];
  const latest = replaced[0];

  return (
    <div className="stack book-member-page">
      <p>
        <Link to={bookPaths.home} className="book-back">
          {t('member.back')}
        </Link>
      </p>

      <article className={`book-certificate book-certificate--${certificate.color}`} aria-labelledby={qrTitleId}>
        <div className="book-certificate__band">
          <p className="book-certificate__kind">{t('member.certificateTitle')}</p>
          <StatusChip certificate={certificate} />
        </div>
        <div className="book-certificate__body stack">
          <h1 id={qrTitleId} ref={headingRef} tabIndex={-1} className="book-certificate__name">
            {certificate.person.fullName}
          </h1>
          <Facts certificate={certificate} />
          <p className={`book-identity${certificate.identity.verified ? ' is-verified' : ''}`}>
            {certificate.identity.verified ? t('member.identityVerified') : t('member.identityNotVerified')}
          </p>
          <p>
            <Link className={buttonClass('ghost')} to={bookPaths.report(personId)}>
              {t('member.reportPerson')}
            </Link>
          </p>

          {latest && (
            <Alert variant="info" role="none" title={t('replaced.noticeTitle')}>
              <p>
                {t('replaced.notice', { ci: latest.certificate.ci ?? '—', date: formatDateTime(latest.replacedAt) })}
              </p>
            </Alert>
          )}

          <div className="book-certificate__qr stack stack--tight">
            {certificate.qr ? (
              <>
                <QrCode
                  text={certificate.qr}
                  label={t('member.qrLabel', { name: certificate.person.fullName })}
                  errorCorrection="Q"
                  className="book-qr"
                />
                <p className="book-hint">
                  <svg className="book-hint__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
                    <path
                      fill="currentColor"
                      d="M10 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8Zm-.9-5h1.8v3H9.1V1Zm0 15h1.8v3H9.1v-3ZM1 9.1h3v1.8H1V9.1Zm15 0h3v1.8h-3V9.1ZM3 4.3 4.3 3l2.1 2.1-1.3 1.3L3 4.3Zm10.6 10.6 1.3-1.3 2.1 2.1-1.3 1.3-2.1-2.1ZM3 15.7l2.1-2.1 1.3 1.3L4.3 17 3 15.7ZM13.6 5.1 15.7 3 17 4.3l-2.1 2.1-1.3-1.3Z"
                    />
                  </svg>
                  {t('member.brightness')}
                </p>
                <p className="text-muted">{t('member.qrOffline')}</p>
              </>
            ) : (
              <p className="text-muted">{t('member.noQr')}</p>
            )}
          </div>

          {certificate.ci && (
            <dl className="book-facts">
              <div>
                <dt>{t('member.ci')}</dt>
                <dd className="book-ci">{certificate.ci}</dd>
              </div>
              {certificate.issuedAt && (
                <div>
                  <dt>{t('member.issuedAt')}</dt>
                  <dd>{formatDateTime(certificate.issuedAt)}</dd>
                </div>
              )}
              {certificate.expiresAt && (
                <div>
                  <dt>{t('member.expiresAt')}</dt>
                  <dd>{formatDate(certificate.expiresAt.slice(0, 10))}</dd>
                </div>
              )}
            </dl>
          )}

          {certificate.doses.length > 0 && (
            <div className="stack stack--tight">
              {offline ? (
                <p className="text-muted">{t('member.pdfOffline')}</p>
              ) : (
                <p className="form-actions">
                  <a className={buttonClass('secondary')} href={certificatePdfUrl(personId, 'a4')} download>
                    {t('member.pdfA4')}
                  </a>
                  <a className={buttonClass('secondary')} href={certificatePdfUrl(personId, 'card')} download>
                    {t('member.pdfCard')}
                  </a>
                </p>
              )}
            </div>
          )}

          {certificate.passportBlockers.length > 0 && (
            <Alert variant="warning" role="none" title={t('member.blockersTitle')}>
              <ul className="plain-list">
                {certificate.passportBlockers.map((b) => (
                  <li key={`${b.code}-${b.doseId ?? ''}`}>{localized(b.message)}</li>
                ))}
              </ul>
            </Alert>
          )}
        </div>
      </article>

      {certificate.passport && <Passport certificate={certificate} passport={certificate.passport} />}
      <NextDoseCard member={member} offline={offline} />
      <CheckInQr personId={personId} fullName={certificate.person.fullName} offline={offline} />
      <Doses member={member} />
      {replaced.length > 0 && <Replaced replaced={replaced} />}
      <RemoveMember member={member} />
    </div>
  );
}
