import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useMatch, useNavigate, useParams } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { buttonClass } from '../../ui/Button';
import { PageLoading } from '../../ui/PageLoading';
import { SlashShortcutSwitch, slashShortcutOn } from '../../ui/SlashShortcut';
import { usePageTitle } from '../../ui/usePageTitle';
import { useAnnounce } from './Announcer';
import { BoardColumns } from './BoardColumns';
import { CheckInBox, type CheckInBoxHandle } from './CheckInBox';
import { vaccineShortName } from './format';
import { InvitedList } from './InvitedList';
import { formatDateTime, sessionTitle } from './labels';
import type { BoardView } from './offline/board';
import { siteSync } from './offline/siteSync';
import { type BoardState, sessionPaths } from './paths';
import { SyncStatus } from './SyncStatus';
import { useBoardView } from './useSite';

/** What the step dialog (a child route) gets from the board. */
export interface BoardOutletContext {
  view: BoardView;
  /** Focuses the check-in search (where the desk goes on after a step with nobody left). */
  focusSearch: () => void;
}

function Tally({ view }: { view: BoardView }) {
  const { t } = useTranslation();
  const { tally } = view;
  const vaccines = Object.entries(tally.byVaccine).filter(([, n]) => n > 0);
  return (
    <section className="card tally" aria-labelledby="tally-title">
      <h2 id="tally-title" className="h3">
        {t('session.tally.title')}
      </h2>
      <dl className="tally__list">
        <div className="tally__item" data-stat="checkedIn">
          <dt>{t('session.tally.checkedIn')}</dt>
          <dd>{tally.checkedIn}</dd>
        </div>
        <div className="tally__item tally__item--main" data-stat="vaccinated">
          <dt>{t('session.tally.vaccinated')}</dt>
          <dd>{tally.vaccinated}</dd>
        </div>
        <div className="tally__item" data-stat="postponed">
          <dt>{t('session.tally.postponed')}</dt>
          <dd>{tally.postponed}</dd>
        </div>
        <div className="tally__item" data-stat="referred">
          <dt>{t('session.tally.referred')}</dt>
          <dd>{tally.referred}</dd>
        </div>
      </dl>
      <p className="tally__vaccines">
        <span className="text-muted">{t('session.tally.byVaccine')}: </span>
        {vaccines.length
          ? vaccines.map(([code, n]) => `${vaccineShortName(code)} ${n}`).join(' · ')
          : t('session.tally.noDoses')}
      </p>
    </section>
  );
}

function Shortcuts({ open }: { open: boolean }) {
  const { t } = useTranslation();
  return (
    <details className="shortcuts">
      <summary>{t('session.board.shortcutsTitle')}</summary>
      <ul className="shortcuts__list">
        {open && (
          <li>
            <kbd>/</kbd> {t('session.board.shortcuts.slash')}{' '}
            <SlashShortcutSwitch label={t('session.board.shortcuts.slashSetting')} />
          </li>
        )}
        <li>
          <kbd>↑</kbd> <kbd>↓</kbd> <kbd>←</kbd> <kbd>→</kbd> {t('session.board.shortcuts.arrows')}
        </li>
        <li>
          <kbd>Enter</kbd> {t('session.board.shortcuts.enter')}
        </li>
        <li>
          <kbd>Esc</kbd> {t('session.board.shortcuts.esc')}
        </li>
        <li>
          <kbd>Alt</kbd>+<kbd>S</kbd> {t('session.board.shortcuts.sync')}
        </li>
      </ul>
    </details>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/**
 * `/quan-tri/buoi-tiem/:sessionId` — the session board: check-in on top, the columns of the day,
 * the tally, the connection / queue bar. A card opens its step in a dialog (child route
 * `luot/:visitId`). Works from the saved copy and the local queue when offline.
 */
export function BoardPage() {
  const { t } = useTranslation();
  const { sessionId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const { query, view, fromCache, savedAt } = useBoardView(sessionId);
  const headingRef = usePageTitle(t('session.board.title'));
  const checkInRef = useRef<CheckInBoxHandle>(null);
  const stepOpen = useMatch(`${sessionPaths.board(sessionId)}/luot/:visitId`) !== null;
  const isOpen = view?.session.status === 'open';
  const firstView = useRef(true);

  // Keyboard first: "/" goes to the check-in search (unless turned off: a single-key shortcut,
  // WCAG 2.1.4), Alt+S sends what is queued.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (
        event.key === '/' &&
        !isTyping(event.target) &&
        !event.ctrlKey &&
        !event.metaKey &&
        !event.altKey &&
        slashShortcutOn()
      ) {
        if (!checkInRef.current) return;
        event.preventDefault();
        checkInRef.current.focus();
      } else if (event.altKey && (event.key === 's' || event.key === 'S' || event.code === 'KeyS')) {
        event.preventDefault();
        void siteSync()
          .syncNow()
          .then(() => queryClient.invalidateQueries({ queryKey: ['site', 'board'] }));
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [queryClient]);

  // The desk starts at the search when the board opens.
  useEffect(() => {
    if (!view || !firstView.current) return;
    firstView.current = false;
    if (!stepOpen && isOpen && !(location.state as BoardState | null)?.focusVisit) checkInRef.current?.focus();
  }, [view, stepOpen, isOpen, location.state]);

  // After a step: focus where the work goes on, and say what happened.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per navigation
  useEffect(() => {
    const state = location.state as BoardState | null;
    if (!state || stepOpen) return;
    // Once only (not again after a reload, which keeps the history entry's state).
    void navigate(location.pathname, { replace: true, state: null });
    if (state.announce) announce(state.announce);
    requestAnimationFrame(() => {
      const card = state.focusVisit
        ? document.querySelector<HTMLElement>(`[data-visit-id="${CSS.escape(state.focusVisit)}"]`)
        : null;
      if (card) card.focus();
      else if (checkInRef.current) checkInRef.current.focus();
      else headingRef.current?.focus();
    });
  }, [location.key]);

  if (!view) {
    if (query.isError) {
      const notCached = query.error && 'status' in query.error && query.error.status === 0;
      return (
        <div className="stack session">
          <h1 ref={headingRef} tabIndex={-1}>
            {t('session.board.title')}
          </h1>
          <Alert variant="error" title={t('session.board.loadFailed')}>
            <p>{notCached ? t('session.board.notCached') : query.error.message}</p>
          </Alert>
          <p>
            <Link to={sessionPaths.list}>{t('session.board.back')}</Link>
          </p>
        </div>
      );
    }
    return <PageLoading />;
  }

  const context: BoardOutletContext = { view, focusSearch: () => checkInRef.current?.focus() };

  return (
    <div className="stack session session--board">
      <p>
        <Link to={sessionPaths.list} className="back-link">
          <span aria-hidden="true">← </span>
          {t('session.board.back')}
        </Link>
      </p>
      <div className="board-header">
        <div className="stack stack--tight">
          <h1 ref={headingRef} tabIndex={-1}>
            {sessionTitle(t, view.session)}
          </h1>
          <p className="board-header__meta">
            <Badge tone={isOpen ? 'success' : 'neutral'}>{t(`session.list.status.${view.session.status}`)}</Badge>
            <span className="text-muted">{view.session.facilityId}</span>
          </p>
        </div>
        <div className="cluster">
          <a
            className={buttonClass('secondary')}
            href={`/api/sessions/${encodeURIComponent(view.session.id)}/certificates.pdf`}
            target="_blank"
            rel="noopener"
          >
            {t('session.board.printCertificates')}
          </a>
          {isOpen && (
            <Link className={buttonClass('secondary')} to={sessionPaths.close(view.session.id)}>
              {t('session.board.close')}
            </Link>
          )}
        </div>
      </div>

      <SyncStatus />
      {fromCache && savedAt && (
        <Alert variant="warning" role="none">
          <p>{t('session.board.savedCopy', { at: formatDateTime(new Date(savedAt).toISOString()) })}</p>
        </Alert>
      )}
      {!isOpen && (
        <Alert variant="info" role="none">
          <p>{t('session.board.closed', { at: formatDateTime(view.session.closedAt) })}</p>
        </Alert>
      )}

      <div className="board-top">
        {isOpen && <CheckInBox view={view} handleRef={checkInRef} />}
        <Tally view={view} />
      </div>
      {isOpen && <InvitedList view={view} />}
      <Shortcuts open={isOpen} />
      <BoardColumns view={view} />
      <Outlet context={context} />
    </div>
  );
}
