import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, buttonClass } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { useAnnounce } from './Announcer';
import { formatTime } from './format';
import { blockedItems, dependentsOf, type QueueItem } from './offline/queue';
import { siteSync } from './offline/siteSync';
import { sessionPaths } from './paths';
import { isOffline, useSyncSnapshot } from './useSite';

function RefusedItem({ item, all }: { item: QueueItem; all: readonly QueueItem[] }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const [confirming, setConfirming] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const discardRef = useRef<HTMLButtonElement>(null);
  const kind = t(`session.sync.kinds.${item.kind}`);
  const more = dependentsOf(all, item.id).length - 1;
  const violations = item.error?.violations ?? [];
  const messages = violations.length ? violations.map((v) => v.message) : [item.error?.message ?? ''];

  useEffect(() => {
    if (confirming) yesRef.current?.focus();
  }, [confirming]);

  const discard = async () => {
    const removed = await siteSync().discard(item.id);
    announce(t('session.sync.discarded', { count: removed.length }));
  };

  return (
    <li className="refused-item">
      <p className="refused-item__what">
        <strong>{kind}</strong> — {item.personName}
      </p>
      <ul className="refused-item__messages">
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
      {confirming ? (
        <div className="refused-item__confirm">
          <p id={`confirm-${item.id}`}>
            {more > 0 ? t('session.sync.discardConfirmMore', { count: more }) : t('session.sync.discardConfirm')}
          </p>
          <div className="reception__actions">
            <Button
              ref={yesRef}
              variant="danger"
              onClick={() => void discard()}
              aria-describedby={`confirm-${item.id}`}
            >
              {t('session.sync.discardYes')}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => discardRef.current?.focus());
              }}
            >
              {t('session.sync.discardNo')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="reception__actions">
          {item.kind !== 'checkIn' && (
            <Link
              className={buttonClass('secondary')}
              to={sessionPaths.visit(item.sessionId, item.visitId)}
              aria-label={t('session.sync.editNamed', { kind, name: item.personName })}
            >
              {t('session.sync.edit')}
            </Link>
          )}
          <Button
            ref={discardRef}
            variant="ghost"
            onClick={() => setConfirming(true)}
            aria-label={t('session.sync.discardNamed', { kind, name: item.personName })}
          >
            {t('session.sync.discard')}
          </Button>
        </div>
      )}
    </li>
  );
}

/**
 * The site's connection and queue: "Trực tuyến" / "Ngoại tuyến", how many requests wait to be
 * sent, "Đồng bộ ngay", and every request the server refused with its message (edit or discard).
 */
export function SyncStatus() {
  const { t } = useTranslation();
  const snapshot = useSyncSnapshot();
  const announce = useAnnounce();
  const queryClient = useQueryClient();
  const titleId = useId();
  const offline = isOffline(snapshot);
  const pending = snapshot.items.filter((i) => i.state === 'pending');
  const refused = snapshot.items.filter((i) => i.state === 'refused');
  const blocked = blockedItems(snapshot.items);
  const hadPending = useRef(pending.length > 0);

  // Say so when everything has been sent.
  useEffect(() => {
    if (pending.length > 0) hadPending.current = true;
    else if (hadPending.current && !snapshot.syncing) {
      hadPending.current = false;
      announce(t('session.sync.synced'));
    }
  }, [pending.length, snapshot.syncing, announce, t]);

  const lastError = pending.find((i) => i.error)?.error;

  /** Sends what is queued, then reads the boards again (what the other desks did). */
  const syncNow = async () => {
    await siteSync().syncNow();
    await queryClient.invalidateQueries({ queryKey: ['site', 'board'] });
  };

  return (
    <section className={cx('sync-bar', offline && 'sync-bar--offline')} aria-labelledby={titleId}>
      <h2 id={titleId} className="visually-hidden">
        {t('session.sync.title')}
      </h2>
      <div className="sync-bar__row">
        <p className="sync-bar__status" role="status">
          <span className={cx('sync-dot', offline ? 'sync-dot--offline' : 'sync-dot--online')} aria-hidden="true" />
          <strong className="sync-bar__state" data-sync-state={offline ? 'offline' : 'online'}>
            {offline ? t('session.sync.offline') : t('session.sync.online')}
          </strong>
          <span className="sync-bar__count" data-pending={pending.length}>
            {pending.length ? t('session.sync.pending', { count: pending.length }) : t('session.sync.allSent')}
          </span>
          {snapshot.syncing && <span>{t('session.sync.syncing')}</span>}
          {!snapshot.syncing && snapshot.nextRetryAt && pending.length > 0 && (
            <span className="text-muted">{t('session.sync.retryAt', { time: formatTime(snapshot.nextRetryAt) })}</span>
          )}
        </p>
        <Button
          variant="secondary"
          className="sync-bar__button"
          onClick={() => void syncNow()}
          aria-busy={snapshot.syncing || undefined}
          aria-keyshortcuts="Alt+S"
        >
          {t('session.sync.syncNow')}
        </Button>
      </div>
      {lastError && offline && (
        <p className="sync-bar__detail text-muted">{t('session.sync.lastError', { message: lastError.message })}</p>
      )}
      {refused.length > 0 && (
        <div className="alert alert--error refused" role="alert">
          <div className="alert__body">
            <p className="alert__title">{t('session.sync.refusedTitle', { count: refused.length })}</p>
            <p>{t('session.sync.refusedText')}</p>
            <ul className="refused-list">
              {refused.map((item) => (
                <RefusedItem key={item.id} item={item} all={snapshot.items} />
              ))}
            </ul>
            {blocked.length > 0 && <p>{t('session.sync.blocked', { count: blocked.length })}</p>}
          </div>
        </div>
      )}
    </section>
  );
}
