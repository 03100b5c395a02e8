import { useId, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Badge } from '../ui/Badge';
import { bookApi, type HouseholdMember } from './api';
import { withMember } from './book';
import { formatDate, localized } from './format';
import { useBookT } from './i18n';
import { currentBook, handleSignedOut, storeBook, syncBook } from './store';

/**
 * "Mũi tiêm tiếp theo": from core's dose rules (the server's `nextDose`), whether and from when
 * the member is due, and the switch for an SMS reminder on that date (only when a dose is due).
 */
export function NextDoseCard({ member, offline }: { member: HouseholdMember; offline: boolean }) {
  const t = useBookT();
  const titleId = useId();
  const switchId = useId();
  const [pending, setPending] = useState(false);
  /** The switch's new position while the server saves it. */
  const [saving, setSaving] = useState<boolean | null>(null);
  const [error, setError] = useState<{ id: number; text: string } | null>(null);
  const { nextDose, reminder } = member;

  const toggle = async (enabled: boolean) => {
    if (pending) return;
    setPending(true);
    setSaving(enabled);
    setError(null);
    try {
      const saved = await bookApi.setReminder(member.personId, enabled);
      const book = currentBook();
      if (book) storeBook(withMember(book, member.personId, (m) => ({ ...m, reminder: saved })));
      // An answer already on its way would bring the old setting back: a fresh one follows it.
      void syncBook();
    } catch (e) {
      if (!handleSignedOut(e))
        setError((previous) => ({ id: (previous?.id ?? 0) + 1, text: e instanceof Error ? e.message : String(e) }));
    } finally {
      setSaving(null);
      setPending(false);
    }
  };

  return (
    <section className="card stack book-next" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('nextDose.title')}</h2>
      <p>{localized(nextDose.message)}</p>
      {nextDose.due && nextDose.from && (
        <p className="book-next__when">
          <span>{t('nextDose.from', { date: formatDate(nextDose.from) })}</span>{' '}
          {nextDose.dueNow ? (
            <Badge tone="success">{t('nextDose.dueNow')}</Badge>
          ) : (
            <Badge tone="neutral">{t('nextDose.notYet')}</Badge>
          )}
        </p>
      )}
      {nextDose.due && (
        <div className="stack stack--tight">
          <div className="book-switch">
            <input
              id={switchId}
              type="checkbox"
              role="switch"
              className="book-switch__input"
              checked={saving ?? reminder.enabled}
              aria-checked={saving ?? reminder.enabled}
              disabled={offline}
              aria-busy={pending || undefined}
              aria-describedby={`${switchId}-hint`}
              onChange={(e) => void toggle(e.target.checked)}
            />
            <label htmlFor={switchId} className="book-switch__label">
              {t('nextDose.reminder')}
            </label>
          </div>
          <p id={`${switchId}-hint`} className="text-muted">
            {offline
              ? t('nextDose.reminderOffline')
              : reminder.enabled && reminder.on
                ? t('nextDose.reminderOn', { date: formatDate(reminder.on) })
                : t('nextDose.reminderHint')}
          </p>
        </div>
      )}
      {error && (
        <Alert key={error.id} variant="error" title={t('nextDose.reminderFailed')}>
          <p>{error.text}</p>
        </Alert>
      )}
    </section>
  );
}
