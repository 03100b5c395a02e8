import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import type { StoredBook } from './book';
import { formatDateTime } from './format';
import { useBookT } from './i18n';
import { type SyncState, syncBook } from './store';

/**
 * Where the book's data comes from: the time of the last sync, "Đang ngoại tuyến — cập nhật lúc …"
 * without network, "Không kết nối được máy chủ…" when the server does not answer (the stored
 * book is shown either way), and a button to sync now.
 */
export function SyncBanner({ book, sync }: { book: StoredBook; sync: SyncState }) {
  const t = useBookT();
  const at = formatDateTime(book.household.syncedAt);
  if (sync.status === 'offline') {
    return (
      <Alert variant="warning" title={t('sync.offlineTitle', { at })} className="book-sync">
        <p>{t('sync.offlineText')}</p>
      </Alert>
    );
  }
  if (sync.status === 'unreachable' || sync.status === 'failed') {
    return (
      <Alert variant="warning" title={t('sync.unreachableTitle', { at })} className="book-sync">
        <p>{sync.status === 'failed' ? sync.message : t('sync.unreachableText')}</p>
        <p>
          <Button variant="secondary" onClick={() => void syncBook()}>
            {t('sync.retry')}
          </Button>
        </p>
      </Alert>
    );
  }
  return (
    <div className="book-sync book-sync--quiet">
      <p role="status" className="text-muted">
        {sync.status === 'syncing' ? t('sync.syncing') : t('sync.syncedAt', { at })}
      </p>
      <Button variant="ghost" onClick={() => void syncBook()} disabled={sync.status === 'syncing'}>
        {t('sync.now')}
      </Button>
    </div>
  );
}
