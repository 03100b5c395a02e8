import { useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { QrCode } from '../ui/QrCode';
import { useNow } from '../ui/useNow';
import { bookApi, type CheckInToken } from './api';
import { mmss, secondsLeft } from './book';
import { formatDateTime } from './format';
import { useBookT } from './i18n';
import { handleSignedOut } from './store';

/** A check-in token's lifetime (core's CHECK_IN_TOKEN_TTL_MS): the countdown never shows more. */
const TOKEN_TTL_MS = 15 * 60_000;

interface Shown {
  token: CheckInToken;
  /** When this device received it (the countdown runs on this device's clock). */
  receivedAt: number;
}

function Countdown({ shown, onExpired }: { shown: Shown; onExpired: () => void }) {
  const t = useBookT();
  const now = useNow();
  const left = secondsLeft(shown.token.expiresAt, shown.receivedAt, now, TOKEN_TTL_MS);
  useEffect(() => {
    if (left === 0) onExpired();
  }, [left, onExpired]);
  return (
    <p className="book-checkin__countdown">
      <span>{t('checkIn.left')}</span>{' '}
      <span role="timer" className="book-checkin__time">
        {mmss(left)}
      </span>
    </p>
  );
}

/**
 * "Mã QR làm thủ tục": a short-lived signed token (`TCSK:…`, no personal data) the site's check-in
 * box or camera reads to load the member; shown large with a countdown to its expiry, then a
 * button for a new one. Needs the network to make one.
 */
export function CheckInQr({ personId, fullName, offline }: { personId: string; fullName: string; offline: boolean }) {
  const t = useBookT();
  const titleId = useId();
  const [shown, setShown] = useState<Shown | null>(null);
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ id: number; text: string } | null>(null);
  const qrRef = useRef<HTMLDivElement>(null);

  const make = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      const token = await bookApi.checkInToken(personId);
      setShown({ token, receivedAt: Date.now() });
      setExpired(false);
      setTimeout(() => qrRef.current?.focus(), 0);
    } catch (e) {
      if (!handleSignedOut(e))
        setError((previous) => ({ id: (previous?.id ?? 0) + 1, text: e instanceof Error ? e.message : String(e) }));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card stack book-checkin" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('checkIn.title')}</h2>
      <p className="text-muted">{t('checkIn.text')}</p>
      {error && (
        <Alert key={error.id} variant="error" title={t('checkIn.failed')}>
          <p>{error.text}</p>
        </Alert>
      )}
      {shown && !expired && (
        <div ref={qrRef} tabIndex={-1} className="stack stack--tight book-checkin__code">
          <QrCode
            text={shown.token.qr}
            label={t('checkIn.qrLabel', { name: fullName })}
            errorCorrection="M"
            className="book-qr"
          />
          <Countdown shown={shown} onExpired={() => setExpired(true)} />
          <p className="text-muted">{t('checkIn.expiresAt', { at: formatDateTime(shown.token.expiresAt) })}</p>
        </div>
      )}
      {expired && (
        <Alert variant="warning" title={t('checkIn.expiredTitle')}>
          <p>{t('checkIn.expiredText')}</p>
        </Alert>
      )}
      {(!shown || expired) &&
        (offline ? (
          <p className="text-muted">{t('checkIn.needsNetwork')}</p>
        ) : (
          <p>
            <Button block onClick={() => void make()} disabled={pending} busy={pending}>
              {shown ? t('checkIn.again') : t('checkIn.show')}
            </Button>
          </p>
        ))}
    </section>
  );
}
