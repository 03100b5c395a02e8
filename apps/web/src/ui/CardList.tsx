import type { ReactNode } from 'react';
import { Alert } from './Alert';

export interface CardListProps<T extends { id: string | number }> {
  /** What the last action did (shown above the list); empty for nothing. */
  notice: string;
  /** The list failed to load. */
  isError: boolean;
  /** The items once loaded. */
  items: readonly T[] | undefined;
  labels: { list: string; loadError: string; count: (n: number) => string; empty: string };
  renderItem: (item: T) => ReactNode;
}

/** A staff work list of cards: the last action's notice, a load error, the count, and the cards or an empty text. */
export function CardList<T extends { id: string | number }>({
  notice,
  isError,
  items,
  labels,
  renderItem,
}: CardListProps<T>) {
  return (
    <>
      {notice && (
        <Alert variant="success" role="status">
          {notice}
        </Alert>
      )}
      {isError && <Alert variant="error">{labels.loadError}</Alert>}
      {items && (
        <>
          <p aria-live="polite">{labels.count(items.length)}</p>
          {items.length === 0 ? (
            <p>{labels.empty}</p>
          ) : (
            <ul className="stack plain-list" aria-label={labels.list}>
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
