import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { LoadFailed } from '../ui/LoadFailed';
import { PageLoading } from '../ui/PageLoading';
import { usePageTitle } from '../ui/usePageTitle';
import { bookApi, type HealthBookDevice } from './api';
import { formatDateTime } from './format';
import { useBookT } from './i18n';
import { bookPaths } from './paths';
import { forgetBook, handleSignedOut, useBookState } from './store';

type Load =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'done'; devices: HealthBookDevice[] };

/**
 * `/so-suc-khoe/thiet-bi`: the devices signed in to the household's book (this one marked), each
 * revocable — a lost phone loses the book at its next sync —, and signing this device out, which
 * also forgets the book stored on it.
 */
export default function DevicesPage() {
  const t = useBookT();
  const navigate = useNavigate();
  const headingRef = usePageTitle(t('devices.title'));
  const { sync } = useBookState();
  const offline = sync.status === 'offline';
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [pending, setPending] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ id: number; kind: 'done' | 'error'; text: string } | null>(null);

  const fetchDevices = useCallback((signal?: AbortSignal) => {
    setLoad({ state: 'loading' });
    bookApi.devices(signal).then(
      ({ devices }) => setLoad({ state: 'done', devices }),
      (e: unknown) => {
        if (signal?.aborted || handleSignedOut(e)) return;
        setLoad({ state: 'failed', message: e instanceof Error ? e.message : String(e) });
      },
    );
  }, []);

  useEffect(() => {
    if (offline) return;
    const controller = new AbortController();
    fetchDevices(controller.signal);
    return () => controller.abort();
  }, [fetchDevices, offline]);

  const signOut = async () => {
    setPending('sign-out');
    try {
      await bookApi.signOut();
    } catch (e) {
      // Already signed out on the server: the device forgets the book all the same.
      if (!handleSignedOut(e)) {
        setNotice((p) => ({ id: (p?.id ?? 0) + 1, kind: 'error', text: e instanceof Error ? e.message : String(e) }));
        setPending(null);
        return;
      }
    }
    forgetBook();
    navigate(bookPaths.home);
  };

  const revoke = async (device: HealthBookDevice) => {
    if (device.current) return signOut();
    setPending(device.id);
    try {
      await bookApi.revokeDevice(device.id);
      setNotice((p) => ({ id: (p?.id ?? 0) + 1, kind: 'done', text: t('devices.revoked', { name: device.name }) }));
      fetchDevices();
    } catch (e) {
      if (!handleSignedOut(e))
        setNotice((p) => ({ id: (p?.id ?? 0) + 1, kind: 'error', text: e instanceof Error ? e.message : String(e) }));
    } finally {
      setPending(null);
    }
  };

  return (
    <div className="stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('devices.title')}
      </h1>
      <p>{t('devices.intro')}</p>
      {notice && (
        <Alert key={notice.id} variant={notice.kind === 'done' ? 'success' : 'error'}>
          <p>{notice.text}</p>
        </Alert>
      )}
      {offline ? (
        <p className="text-muted">{t('devices.offline')}</p>
      ) : load.state === 'loading' ? (
        <PageLoading />
      ) : load.state === 'failed' ? (
        <LoadFailed message={load.message} retryLabel={t('devices.retry')} onRetry={() => fetchDevices()} />
      ) : (
        <ul className="book-devices">
          {load.devices.map((device) => (
            <li key={device.id} className="card stack stack--tight">
              <h2 className="h3">
                {device.name}{' '}
                {device.current && (
                  <Badge tone="success" className="book-devices__current">
                    {t('devices.current')}
                  </Badge>
                )}
              </h2>
              <dl className="book-facts">
                <div>
                  <dt>{t('devices.createdAt')}</dt>
                  <dd>{formatDateTime(device.createdAt)}</dd>
                </div>
                <div>
                  <dt>{t('devices.lastSeenAt')}</dt>
                  <dd>{formatDateTime(device.lastSeenAt)}</dd>
                </div>
                <div>
                  <dt>{t('devices.expiresAt')}</dt>
                  <dd>{formatDateTime(device.expiresAt)}</dd>
                </div>
              </dl>
              {!device.current && (
                <p>
                  <Button
                    variant="secondary"
                    onClick={() => void revoke(device)}
                    disabled={pending !== null}
                    busy={pending === device.id}
                    aria-label={t('devices.revokeNamed', { name: device.name })}
                  >
                    {t('devices.revoke')}
                  </Button>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <section className="card stack stack--tight" aria-labelledby="book-sign-out">
        <h2 id="book-sign-out" className="h3">
          {t('devices.signOutTitle')}
        </h2>
        <p className="text-muted">{t('devices.signOutText')}</p>
        <p>
          <Button
            variant="danger"
            onClick={() => void signOut()}
            disabled={pending !== null || offline}
            busy={pending === 'sign-out'}
          >
            {t('devices.signOut')}
          </Button>
        </p>
      </section>
    </div>
  );
}
