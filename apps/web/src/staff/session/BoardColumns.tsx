import { type KeyboardEvent, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Badge } from '../../ui/Badge';
import { cx } from '../../ui/cx';
import { useAnnounce } from './Announcer';
import type { VisitStatus } from './api';
import { ageOn, mmss } from './format';
import { genderLabel } from './labels';
import type { BoardView, BoardVisit } from './offline/board';
import { sessionPaths } from './paths';
import { useNow } from './useSite';

export type ColumnId = 'waiting' | 'screening' | 'observing' | 'done' | 'other';

/** The board's columns, left to right, and the visit statuses each shows. */
export const COLUMNS: readonly { id: ColumnId; statuses: readonly VisitStatus[] }[] = [
  { id: 'waiting', statuses: ['waiting'] },
  { id: 'screening', statuses: ['screening'] },
  { id: 'observing', statuses: ['vaccinated', 'observing'] },
  { id: 'done', statuses: ['done'] },
  { id: 'other', statuses: ['postponed', 'referred', 'left', 'handed_over'] },
];

export function columnOf(status: VisitStatus): ColumnId {
  return COLUMNS.find((c) => c.statuses.includes(status))?.id ?? 'other';
}

/** The visits of a column in queue order. */
export function visitsIn(view: BoardView, column: ColumnId): BoardVisit[] {
  const statuses = COLUMNS.find((c) => c.id === column)?.statuses ?? [];
  return view.visits.filter((v) => statuses.includes(v.status)).sort((a, b) => a.queueNumber - b.queueNumber);
}

/** Remaining observation time (ms; ≤ 0 when the 30 minutes are over), or null. */
export function remainingMs(visit: Pick<BoardVisit, 'observationUntil'>, now: number): number | null {
  if (!visit.observationUntil) return null;
  const until = Date.parse(visit.observationUntil);
  return Number.isNaN(until) ? null : until - now;
}

function VisitCard({ visit, sessionDate, now }: { visit: BoardVisit; sessionDate: string; now: number }) {
  const { t } = useTranslation();
  const person = visit.person;
  const age = person ? ageOn(person.dateOfBirth, sessionDate) : null;
  const remaining = visit.status === 'observing' ? remainingMs(visit, now) : null;
  const over = remaining !== null && remaining <= 0;
  return (
    <li>
      <Link
        className={cx('visit-card', over && 'visit-card--over', visit.refused && 'visit-card--refused')}
        to={sessionPaths.visit(visit.sessionId, visit.id)}
        data-card=""
        data-visit-id={visit.id}
      >
        <span className="visit-card__top">
          <span className="visit-card__number">{t('session.board.card.queue', { n: visit.queueNumber })}</span>
          {visit.refused ? (
            <Badge tone="danger">{t('session.board.card.refused')}</Badge>
          ) : (
            visit.pending.length > 0 && <Badge tone="warning">{t('session.board.card.pending')}</Badge>
          )}
        </span>
        <span className="visit-card__name">{person?.fullName ?? visit.personId}</span>
        {person && (
          <span className="visit-card__meta">
            {genderLabel(t, person.gender)}
            {age !== null && ` · ${t('session.board.card.age', { age })}`}
          </span>
        )}
        {remaining !== null && (
          <span className={cx('visit-card__timer', over && 'visit-card__timer--over')} data-timer="">
            {over ? t('session.board.card.over') : t('session.board.card.remaining', { time: mmss(remaining) })}
          </span>
        )}
        {visit.status === 'postponed' && <Badge tone="warning">{t('session.board.card.postponed')}</Badge>}
        {visit.status === 'referred' && <Badge tone="danger">{t('session.board.card.referred')}</Badge>}
        {visit.status === 'left' && <Badge tone="neutral">{t('session.board.card.left')}</Badge>}
        {visit.status === 'handed_over' && <Badge tone="neutral">{t('session.board.card.handedOver')}</Badge>}
        {visit.handedOverFrom && <Badge tone="neutral">{t('session.board.card.handedOverFrom')}</Badge>}
      </Link>
    </li>
  );
}

/** Moves the focus between cards: ↑/↓ in a column, ←/→ to the neighbouring columns, Home/End. */
function onBoardKeyDown(event: KeyboardEvent<HTMLDivElement>) {
  const card = (event.target as HTMLElement).closest<HTMLElement>('[data-card]');
  if (!card || event.altKey || event.ctrlKey || event.metaKey) return;
  const columns = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('[data-column]'));
  const cardsOf = (column: HTMLElement) => Array.from(column.querySelectorAll<HTMLElement>('[data-card]'));
  const columnIndex = columns.findIndex((c) => c.contains(card));
  const column = columns[columnIndex];
  if (!column) return;
  const cards = cardsOf(column);
  const index = cards.indexOf(card);
  let target: HTMLElement | undefined;
  switch (event.key) {
    case 'ArrowDown':
      target = cards[index + 1];
      break;
    case 'ArrowUp':
      target = cards[index - 1];
      break;
    case 'Home':
      target = cards[0];
      break;
    case 'End':
      target = cards.at(-1);
      break;
    case 'ArrowRight':
    case 'ArrowLeft': {
      const step = event.key === 'ArrowRight' ? 1 : -1;
      for (let i = columnIndex + step; i >= 0 && i < columns.length; i += step) {
        const next = cardsOf(columns[i]!);
        if (next.length) {
          target = next[Math.min(index, next.length - 1)];
          break;
        }
      }
      break;
    }
    default:
      return;
  }
  event.preventDefault();
  target?.focus();
}

/**
 * The columns of the board: Chờ khám → Chờ tiêm → Đang theo dõi (live countdown to the end of
 * the 30 minutes) → Hoàn thành, and Hoãn/Chuyển. Each card opens the step of its column.
 */
export function BoardColumns({ view }: { view: BoardView }) {
  const { t } = useTranslation();
  const now = useNow(1_000);
  const announce = useAnnounce();
  const announced = useRef(new Set<string>());

  // Say once when someone's 30 minutes of observation are over.
  useEffect(() => {
    for (const visit of view.visits) {
      if (visit.status !== 'observing' || announced.current.has(visit.id)) continue;
      const remaining = remainingMs(visit, now);
      if (remaining !== null && remaining <= 0) {
        announced.current.add(visit.id);
        // Not for those already over when the board was opened.
        if (remaining > -2_000) announce(t('session.board.observationOver', { name: visit.person?.fullName ?? '' }));
      }
    }
  }, [view.visits, now, announce, t]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the links inside
    <div className="board" onKeyDown={onBoardKeyDown}>
      {COLUMNS.map((column) => {
        const visits = visitsIn(view, column.id);
        const titleId = `column-${column.id}`;
        return (
          <section
            key={column.id}
            className={`board-column board-column--${column.id}`}
            aria-labelledby={titleId}
            data-column={column.id}
          >
            <h2 id={titleId} className="board-column__title">
              <span>{t(`session.board.columns.${column.id}`)}</span>
              <span className="board-column__count">{visits.length}</span>
            </h2>
            {visits.length ? (
              <ol className="board-column__list">
                {visits.map((visit) => (
                  <VisitCard key={visit.id} visit={visit} sessionDate={view.session.sessionDate} now={now} />
                ))}
              </ol>
            ) : (
              <p className="board-column__empty">{t('session.board.columnEmpty')}</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
