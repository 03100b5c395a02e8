import { type FormEvent, type Ref, useState } from 'react';
import { Link } from 'react-router';
import { publicPaths } from '../public/paths';
import { Alert } from '../ui/Alert';
import { Button, buttonClass } from '../ui/Button';
import { portalApi, type ReportReceipt } from './api';
import { formatDateTime } from './format';
import { usePortalT } from './i18n';
import { checkPhoto, PhotoField } from './PhotoField';
import { apiMessage, type Message, messageText } from './validation';

export interface ReportReceiptViewProps {
  done: {
    receipt: ReportReceipt;
    phone: string;
    photo: { state: 'none' } | { state: 'attached' } | { state: 'failed'; message: Message };
  };
  headingRef: Ref<HTMLHeadingElement>;
  onPhotoAttached: () => void;
  onAnother: () => void;
}

/** The status page's address for a tracking code (the phone goes in the page state, never the URL). */
export function reportStatusLink(trackingCode: string): string {
  return `${publicPaths.reportStatus}?ma=${encodeURIComponent(trackingCode)}`;
}

/** After filing: the tracking code, large, with the due time; a second chance for a photo that failed. */
export function ReportReceiptView({ done, headingRef, onPhotoAttached, onAnother }: ReportReceiptViewProps) {
  const t = usePortalT();
  const { receipt, phone } = done;
  const [copied, setCopied] = useState(false);
  const canCopy = typeof navigator !== 'undefined' && Boolean(navigator.clipboard?.writeText);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(receipt.trackingCode);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="report-done-title">
      <h1 id="report-done-title" ref={headingRef} tabIndex={-1}>
        {t('report.doneTitle')}
      </h1>
      <div className="tracking-code">
        <div className="stack stack--tight">
          <p className="text-muted">{t('report.trackingCode')}</p>
          <p className="tracking-code__value" data-testid="tracking-code">
            {receipt.trackingCode}
          </p>
        </div>
        {canCopy && (
          <Button variant="secondary" onClick={() => void copy()}>
            {t('report.copy')}
          </Button>
        )}
      </div>
      <p role="status" className={copied ? undefined : 'visually-hidden'}>
        {copied ? t('report.copied') : ''}
      </p>
      <p>{t('report.trackingCodeHint', { phone })}</p>
      <dl className="certificate__facts">
        <div>
          <dt>{t('report.receivedAt')}</dt>
          <dd>{formatDateTime(receipt.receivedAt)}</dd>
        </div>
        <div>
          <dt>{t('report.dueAt')}</dt>
          <dd>{formatDateTime(receipt.dueAt)}</dd>
        </div>
      </dl>

      {done.photo.state === 'attached' && (
        <Alert variant="success" role="none">
          <p>{t('report.photoAttached')}</p>
        </Alert>
      )}
      {done.photo.state === 'failed' && (
        <RetryPhoto
          trackingCode={receipt.trackingCode}
          phone={phone}
          firstError={done.photo.message}
          onAttached={onPhotoAttached}
        />
      )}

      <div className="form-actions">
        <Link className={buttonClass('primary')} to={reportStatusLink(receipt.trackingCode)} state={{ phone }}>
          {t('report.checkStatus')}
        </Link>
        <Button variant="ghost" onClick={onAnother}>
          {t('report.another')}
        </Button>
      </div>
    </section>
  );
}

/** The report was filed but its photo was refused (type, size) or lost: choose one again. */
function RetryPhoto({
  trackingCode,
  phone,
  firstError,
  onAttached,
}: {
  trackingCode: string;
  phone: string;
  firstError: Message;
  onAttached: () => void;
}) {
  const t = usePortalT();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<Message | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending || !file) return;
    const problem = checkPhoto(file);
    if (problem) return setError(problem);
    setPending(true);
    try {
      await portalApi.attachEvidence(trackingCode, phone, file);
      onAttached();
    } catch (e) {
      setError(apiMessage(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <Alert variant="warning" title={t('report.photoFailedTitle')}>
      <p>{messageText(t, firstError)}</p>
      <form className="stack" onSubmit={submit} noValidate>
        <PhotoField
          name="photo-retry"
          label={t('report.photoRetryLabel')}
          hint={t('report.photoHint')}
          file={file}
          onChange={(f) => {
            setFile(f);
            setError(f ? checkPhoto(f) : null);
          }}
          error={error ? messageText(t, error) : undefined}
        />
        <p>
          <Button type="submit" variant="secondary" disabled={pending || !file} busy={pending}>
            {pending ? t('report.uploading') : t('report.photoRetry')}
          </Button>
        </p>
      </form>
    </Alert>
  );
}
