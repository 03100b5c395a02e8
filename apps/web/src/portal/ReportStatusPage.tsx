import { isOverdue, normalizePhone } from '@tiemchung/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { isApiError } from '../api/client';
import { publicPaths } from '../public/paths';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { usePageTitle } from '../ui/usePageTitle';
import { portalApi, type ReportStatus } from './api';
import { formatDateTime } from './format';
import { usePortalT } from './i18n';
import { useFieldFocus } from './useFieldFocus';
import { apiMessage, type Errors, isTrackingCode, type Message, messageText, tidyTrackingCode } from './validation';
import './portal.css';

type Field = 'trackingCode' | 'phone';
const FIELDS: readonly Field[] = ['trackingCode', 'phone'];

function readPhoneState(state: unknown): string {
  const phone = (state as { phone?: unknown } | null)?.phone;
  return typeof phone === 'string' ? phone : '';
}

/** `/phan-anh/tra-cuu`: the status of a report by tracking code + phone, in plain words. */
export default function ReportStatusPage() {
  const t = usePortalT();
  const headingRef = usePageTitle(t('status.title'));
  const [params] = useSearchParams();
  const location = useLocation();
  const [trackingCode, setTrackingCode] = useState(() => tidyTrackingCode(params.get('ma') ?? ''));
  const [phone, setPhone] = useState(() => readPhoneState(location.state));
  const [errors, setErrors] = useState<Errors<Field>>({});
  // The first invalid field (it gets the focus, or keeps it: Enter in the empty first field) and
  // how many submits failed: its error is announced (role="alert"), again on each failed submit.
  const [announced, setAnnounced] = useState<{ field: Field; count: number } | null>(null);
  const [failure, setFailure] = useState<{
    id: number;
    title: 'status.notFoundTitle' | 'common.failedTitle';
    message: Message;
  } | null>(null);
  const [pending, setPending] = useState(false);
  const [report, setReport] = useState<ReportStatus | null>(null);
  const fields = useFieldFocus<Field>();
  const resultRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (report) resultRef.current?.focus();
  }, [report]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const code = tidyTrackingCode(trackingCode);
    setTrackingCode(code);
    const next: Errors<Field> = {};
    if (!code) next.trackingCode = { key: 'errors.trackingCodeRequired' };
    else if (!isTrackingCode(code)) next.trackingCode = { key: 'errors.trackingCodeFormat' };
    const normalized = normalizePhone(phone);
    if (!normalized.ok) next.phone = { localized: normalized.error.message };
    setErrors(next);
    if (next.trackingCode || next.phone || !normalized.ok) {
      const first = FIELDS.find((field) => next[field]);
      if (first) setAnnounced((previous) => ({ field: first, count: (previous?.count ?? 0) + 1 }));
      fields.focusFirst(FIELDS, next);
      return;
    }
    setFailure(null);
    setPending(true);
    try {
      setReport(await portalApi.reportStatus(code, normalized.value));
    } catch (error) {
      setReport(null);
      setFailure({
        id: Date.now(),
        title: isApiError(error) && error.status === 404 ? 'status.notFoundTitle' : 'common.failedTitle',
        message: apiMessage(error),
      });
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="container page portal-page stack">
      <div className="stack stack--tight portal-page__head">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('status.title')}
        </h1>
        <p className="lead">{t('status.intro')}</p>
      </div>

      <div className="card stack">
        {failure && (
          <Alert key={failure.id} variant="error" title={t(failure.title)}>
            <p>{messageText(t, failure.message)}</p>
          </Alert>
        )}
        <form className="stack" onSubmit={submit} noValidate>
          <TextField
            ref={fields.ref('trackingCode')}
            name="trackingCode"
            className="field--short"
            label={t('status.trackingCode')}
            hint={t('status.trackingCodeHint')}
            required
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            value={trackingCode}
            onChange={(e) => setTrackingCode(e.target.value)}
            onBlur={(e) => setTrackingCode(tidyTrackingCode(e.target.value))}
            error={errors.trackingCode ? messageText(t, errors.trackingCode) : undefined}
            announceError={announced?.field === 'trackingCode' ? announced.count : undefined}
          />
          <TextField
            ref={fields.ref('phone')}
            name="phone"
            type="tel"
            label={t('status.phone')}
            required
            autoComplete="tel"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            error={errors.phone ? messageText(t, errors.phone) : undefined}
            announceError={announced?.field === 'phone' ? announced.count : undefined}
          />
          <p>
            <Button type="submit" disabled={pending} busy={pending}>
              {pending ? t('status.submitting') : t('status.submit')}
            </Button>
          </p>
        </form>
      </div>

      {report && <ReportStatusView report={report} headingRef={resultRef} />}
    </div>
  );
}

function ReportStatusView({ report, headingRef }: { report: ReportStatus; headingRef: React.Ref<HTMLHeadingElement> }) {
  const t = usePortalT();
  const due = formatDateTime(report.dueAt);
  const overdue = isOverdue(
    { dueAt: new Date(report.dueAt), resolvedAt: report.resolvedAt === null ? null : new Date(report.resolvedAt) },
    new Date(),
  );
  return (
    <section className="card stack" aria-labelledby="report-status-title">
      <h2 id="report-status-title" ref={headingRef} tabIndex={-1}>
        {t('status.resultTitle', { code: report.trackingCode })}
      </h2>
      <div className={`report-state report-state--${report.status}`}>
        <p className="report-state__label">{t(`status.states.${report.status}.label`)}</p>
        <p>
          {t(`status.states.${report.status}.text`, {
            due,
            at: formatDateTime(report.resolvedAt),
          })}
        </p>
        {overdue && <p>{t('status.overdue')}</p>}
      </div>

      {report.status === 'resolved' && report.outcome && (
        <section className={`report-outcome report-outcome--${report.outcome} stack stack--tight`}>
          <h3>{t('status.outcomeTitle')}</h3>
          <p className="report-outcome__label">{t(`status.outcomes.${report.outcome}.label`)}</p>
          <p>{t(`status.outcomes.${report.outcome}.text`)}</p>
          {report.outcome === 'rejected' && report.outcomeReason && (
            <p>
              <strong>{t('status.reason')}:</strong> {t(`status.reasons.${report.outcomeReason}`)}
            </p>
          )}
          {report.outcomeNote && (
            <div>
              <p>
                <strong>{t('status.note')}:</strong>
              </p>
              <p className="report-outcome__note">{report.outcomeNote}</p>
            </div>
          )}
        </section>
      )}

      <dl className="certificate__facts">
        <div>
          <dt>{t('status.category')}</dt>
          <dd>{t(`report.categories.${report.category}`)}</dd>
        </div>
        <div>
          <dt>{t('status.receivedAt')}</dt>
          <dd>{formatDateTime(report.receivedAt)}</dd>
        </div>
        {report.status === 'resolved' ? (
          <div>
            <dt>{t('status.resolvedAt')}</dt>
            <dd>{formatDateTime(report.resolvedAt)}</dd>
          </div>
        ) : (
          <div>
            <dt>{t('status.dueAt')}</dt>
            <dd>{due}</dd>
          </div>
        )}
        <div>
          <dt>{t('status.evidence')}</dt>
          <dd>{report.hasEvidence ? t('status.evidenceYes') : t('status.evidenceNo')}</dd>
        </div>
      </dl>

      <div className="form-actions">
        {report.outcome === 'corrected' ? (
          <Link to={publicPaths.certificateLookup}>{t('status.lookupCertificate')}</Link>
        ) : report.status === 'resolved' ? (
          <Link to={publicPaths.report}>{t('status.newReport')}</Link>
        ) : null}
      </div>
    </section>
  );
}
