import type { ReactNode } from 'react';
import { Alert } from './Alert';
import type { NamespaceT } from './namespace';

export interface CardListProps<T extends { id: string | number }> {
  /** What the last action did (shown above the list); empty for nothing. */
  notice: string;
  /** The list failed to load. */
  isError: boolean;
  /** The items once loaded. */
  items: readonly T[] | undefined;
  /**
   * The page's strings: its namespace names the list (`title`) and has `loadError`, `count`
   * (plural, `{{count}}`) and `empty`.
   */
  t: NamespaceT<'title' | 'loadError' | 'count' | 'empty'>;
  renderItem: (item: T) => ReactNode;
}

/** A staff work list of cards: the last action's notice, a load error, the count, and the cards or an empty text. */
export function CardList<T extends { id: string | number }>({
  notice,
  isError,
  items,
  t,
  renderItem,
}: CardListProps<T>) {
  return (
    <>
      {notice && (
        <Alert variant="success" role="status">
          {notice}
        </Alert>
      )}
      {isError && <Alert variant="error">{t('loadError')}</Alert>}
      {items && (
        <>
          <p aria-live="polite">{t('count', { count: items.length })}</p>
          {items.length === 0 ? (
            <p>{t('empty')}</p>
          ) : (
            <ul className="stack plain-list" aria-label={t('title')}>
              {items.map((item) => (
                <li key={item.id}>{renderItem(item)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
