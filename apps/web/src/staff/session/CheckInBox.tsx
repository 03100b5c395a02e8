import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { parseCccdQr } from '@tiemchung/core';
import {
  type FormEvent,
  type KeyboardEvent,
  type Ref,
  useEffect,
  useId,
  useImperativeHandle,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { peopleApi } from '../reception/api';
import { localized } from '../reception/format';
import { type CreatePersonState, receptionPaths } from '../reception/paths';
import { QrCameraDialog } from '../reception/QrCameraDialog';
import { looksLikeQr, prefillFromQr } from '../reception/useCccdQr';
import { VerificationBadge } from '../reception/VerificationBadge';
import { useAnnounce } from './Announcer';
import { type CheckInMethod, sessionApi, type Visit } from './api';
import { formatDate, genderLabel, todayIso } from './labels';
import type { BoardView } from './offline/board';
import { findByQr, type KnownPerson, knownFromPerson, searchKnown } from './offline/people';
import { siteSync, uuid } from './offline/siteSync';
import { knownPeople, rememberPeople } from './offline/store';
import { siteKeys } from './useSite';

const SEARCH_DELAY_MS = 300;
/** The text of a portal registration's QR code. */
const REGISTRATION_QR = /^TCDK:DK-[2-9A-HJ-NP-Z]{8}$/i;
/** The certificate QR the citizen's e-health book shows (EU DCC, signed by the platform). */
const HEALTH_BOOK_QR = /^HC1:/;
/** The e-health book's check-in QR (core's CHECK_IN_QR_PREFIX + an opaque signed token, 15 minutes). */
const CHECK_IN_QR = /^TCSK:\S+$/;
/** The server's refusals of a check-in QR, each with its own words at the desk. */
const CHECK_IN_TOKEN_ERRORS = {
  check_in_token_expired: 'session.checkIn.checkInTokenExpired',
  check_in_token_invalid: 'session.checkIn.checkInTokenInvalid',
} as const;
const isTokenError = (code: string): code is keyof typeof CHECK_IN_TOKEN_ERRORS =>
  Object.hasOwn(CHECK_IN_TOKEN_ERRORS, code);
const QR_IDLE_MS = 600;
const MIN_QUERY_LENGTH = 2;

function searchTerm(text: string): string {
  const code = text.trim();
  if (REGISTRATION_QR.test(code) || HEALTH_BOOK_QR.test(code) || CHECK_IN_QR.test(code)) return '';
  const term = text.trim().replace(/\s+/g, ' ');
  return term.length >= MIN_QUERY_LENGTH && !looksLikeQr(term) ? term : '';
}

interface SearchResult {
  source: 'server' | 'local';
  items: KnownPerson[];
  /** People known on this device (local search). */
  known?: number;
}

function isNetworkError(error: unknown): boolean {
  return isApiError(error) && error.status === 0;
}

async function searchPeople(term: string, signal: AbortSignal): Promise<SearchResult> {
  try {
    const { items } = await peopleApi.search({ q: term }, signal);
    siteSync().noteReachable(true);
    const now = Date.now();
    const known = items.map((p) => knownFromPerson(p, now));
    void rememberPeople(known);
    return { source: 'server', items: known };
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    siteSync().noteReachable(false);
    const all = await knownPeople();
    return { source: 'local', items: searchKnown(all, term), known: all.length };
  }
}

type Notice =
  | { kind: 'done' | 'queued' | 'already'; text: string }
  | { kind: 'error'; title: string; text: string }
  | { kind: 'qrNotFound'; text: string; prefill?: CreatePersonState['prefill'] };

export interface CheckInBoxHandle {
  focus(): void;
}

export interface CheckInBoxProps {
  view: BoardView;
  handleRef?: Ref<CheckInBoxHandle>;
}

/**
 * "Tiếp nhận": find the person who came (ID number, phone or name; or the CCCD QR code a USB
 * scanner types in) and check them in. Works offline for people this device has seen before:
 * the check-in is queued with a visit id made here.
 */
export function CheckInBox({ view, handleRef }: CheckInBoxProps) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queryClient = useQueryClient();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const cameraButtonRef = useRef<HTMLButtonElement>(null);
  const [text, setText] = useState('');
  const [term, setTerm] = useState('');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const [cameraOpen, setCameraOpen] = useState(false);
  const qrRunning = useRef<string | null>(null);
  const sessionId = view.session.id;

  useImperativeHandle(handleRef, () => ({
    focus: () => {
      inputRef.current?.focus();
      inputRef.current?.select();
    },
  }));

  const search = useQuery({
    queryKey: ['site', 'check-in-search', term],
    queryFn: ({ signal }) => searchPeople(term, signal),
    enabled: term !== '',
    networkMode: 'always',
    staleTime: 5_000,
    retry: false,
    placeholderData: keepPreviousData,
  });

  const visitOf = (personId: string) => view.visits.find((v) => v.personId === personId);

  const reset = () => {
    setText('');
    setTerm('');
    qrRunning.current = null;
    inputRef.current?.focus();
  };

  const checkIn = async (person: KnownPerson, method: CheckInMethod) => {
    const existing = visitOf(person.id);
    if (existing) {
      const message = t('session.checkIn.alreadyNamed', { name: person.fullName, n: existing.queueNumber });
      setNotice({ kind: 'already', text: message });
      announce(message);
      reset();
      return;
    }
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    const provisional = Math.max(0, ...view.visits.map((v) => v.queueNumber)) + 1;
    try {
      const outcome = await siteSync().submit({
        kind: 'checkIn',
        sessionId,
        visitId: uuid(),
        personId: person.id,
        personName: person.fullName,
        method,
        person: { fullName: person.fullName, dateOfBirth: person.dateOfBirth, gender: person.gender },
      });
      if (outcome.type === 'sent') {
        const n = (outcome.response as Visit).queueNumber ?? provisional;
        const message = t('session.checkIn.done', { name: person.fullName, n });
        setNotice({ kind: 'done', text: message });
        announce(message);
      } else if (outcome.type === 'queued') {
        const message = t('session.checkIn.queued', { name: person.fullName, n: provisional });
        setNotice({ kind: 'queued', text: message });
        announce(message);
      } else {
        setNotice({
          kind: 'error',
          title: t('session.checkIn.failed', { name: person.fullName }),
          text: outcome.error.message,
        });
      }
      reset();
    } catch (error) {
      setNotice({
        kind: 'error',
        title: t('session.checkIn.failed', { name: person.fullName }),
        text: error instanceof Error ? error.message : String(error),
      });
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const handleQr = async (raw: string) => {
    if (qrRunning.current === raw) return; // the same scan (Enter and the pause after it)
    const parsed = parseCccdQr(raw, { today: todayIso() });
    if (!parsed.ok) {
      setNotice({ kind: 'error', title: t('session.checkIn.qrFailed'), text: localized(parsed.error.message) });
      inputRef.current?.select();
      return;
    }
    qrRunning.current = raw;
    const qr = parsed.value;
    setNotice({ kind: 'done', text: t('session.checkIn.qrReading') });
    let person: KnownPerson | null = null;
    try {
      const { items } = await peopleApi.search({ idNumber: qr.idNumber });
      siteSync().noteReachable(true);
      const found = items[0];
      if (found) {
        person = knownFromPerson(found, Date.now());
        void rememberPeople([person]);
      } else {
        setNotice({ kind: 'qrNotFound', text: t('session.checkIn.qrNotFound'), prefill: prefillFromQr(qr) });
        qrRunning.current = null;
        setText('');
        return;
      }
    } catch (error) {
      if (!isNetworkError(error)) {
        setNotice({
          kind: 'error',
          title: t('session.checkIn.qrFailed'),
          text: error instanceof Error ? error.message : String(error),
        });
        qrRunning.current = null;
        return;
      }
      siteSync().noteReachable(false);
      person = findByQr(await knownPeople(), qr);
      if (!person) {
        setNotice({
          kind: 'error',
          title: t('session.checkIn.qrFailed'),
          text: t('session.checkIn.qrNotKnownOffline'),
        });
        qrRunning.current = null;
        setText('');
        return;
      }
    }
    await checkIn(person, 'cccd_qr');
  };

  // Search as the desk types; a complete QR code is taken after a short pause even without Enter.
  // biome-ignore lint/correctness/useExhaustiveDependencies: handleQr changes every render
  useEffect(() => {
    if (looksLikeQr(text)) {
      const timer = setTimeout(() => {
        if (parseCccdQr(text.trim()).ok) void handleQr(text.trim());
      }, QR_IDLE_MS);
      return () => clearTimeout(timer);
    }
    const timer = setTimeout(() => setTerm(searchTerm(text)), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const results = term && search.data ? search.data : null;
  const resultButtons = () => Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('[data-result]') ?? []);

  /**
   * A QR the server resolves to the person: the one a citizen got when registering on the portal
   * (TCDK:DK-…; the person may not be on record yet, the server registers them from it), the
   * certificate QR of their e-health book (HC1:…; the server checks its signature), or the book's
   * short-lived check-in QR (TCSK:…; refused when expired or altered, each said in its own words).
   * All need the network.
   */
  const handleServerQr = async (kind: 'registration' | 'healthBook' | 'checkIn', raw: string) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    try {
      const body = { id: uuid() };
      const visit =
        kind === 'registration'
          ? await sessionApi.checkInRegistration(sessionId, { ...body, registrationQr: raw })
          : kind === 'healthBook'
            ? await sessionApi.checkInHealthBook(sessionId, { ...body, healthBookQr: raw })
            : await sessionApi.checkInToken(sessionId, { ...body, checkInQr: raw });
      const message = t(`session.checkIn.${kind}Done`, { n: visit.queueNumber });
      setNotice({ kind: 'done', text: message });
      announce(message);
      void queryClient.invalidateQueries({ queryKey: siteKeys.board(sessionId) });
      reset();
    } catch (error) {
      setNotice({
        kind: 'error',
        title: t(`session.checkIn.${kind}Failed`),
        text: isNetworkError(error)
          ? t(`session.checkIn.${kind}NeedsNetwork`)
          : isApiError(error) && isTokenError(error.code)
            ? t(CHECK_IN_TOKEN_ERRORS[error.code])
            : error instanceof Error
              ? error.message
              : String(error),
      });
      inputRef.current?.select();
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  /** A scanned code of any kind the desk accepts; false when the text is no code. */
  const takeCode = (raw: string): boolean => {
    const code = raw.trim();
    if (REGISTRATION_QR.test(code)) void handleServerQr('registration', code.toUpperCase());
    else if (HEALTH_BOOK_QR.test(code)) void handleServerQr('healthBook', code);
    else if (CHECK_IN_QR.test(code)) void handleServerQr('checkIn', code);
    else if (looksLikeQr(code)) void handleQr(code);
    else return false;
    return true;
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (takeCode(text)) return;
    const next = searchTerm(text);
    if (next === term) void search.refetch();
    setTerm(next);
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && results?.items.length) {
      event.preventDefault();
      resultButtons()[0]?.focus();
    } else if (event.key === 'Escape' && text) {
      event.preventDefault();
      event.stopPropagation();
      setText('');
      setTerm('');
    }
  };

  const onResultKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const buttons = resultButtons();
    const index = buttons.indexOf(event.currentTarget);
    let target: HTMLElement | undefined;
    if (event.key === 'ArrowDown') target = buttons[Math.min(index + 1, buttons.length - 1)];
    else if (event.key === 'ArrowUp') target = index <= 0 ? (inputRef.current ?? undefined) : buttons[index - 1];
    else if (event.key === 'Home') target = buttons[0];
    else if (event.key === 'End') target = buttons.at(-1);
    else if (event.key === 'Escape') target = inputRef.current ?? undefined;
    if (target) {
      event.preventDefault();
      target.focus();
    }
  };

  let status = '';
  if (term && search.isFetching && (!search.data || search.isPlaceholderData)) status = t('session.checkIn.searching');
  else if (results?.source === 'server') {
    status = results.items.length
      ? t('session.checkIn.results', { count: results.items.length })
      : t('session.checkIn.noResults', { q: term });
  } else if (results?.source === 'local') {
    status = results.items.length
      ? t('session.checkIn.offlineResults', { count: results.known ?? 0 })
      : t('session.checkIn.offlineNone');
  }

  return (
    <section className="card stack check-in" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`} className="h3">
        {t('session.checkIn.title')}
      </h2>
      <search>
        <form className="search-form" onSubmit={onSubmit} noValidate>
          <label className="field__label" htmlFor={inputId}>
            {t('session.checkIn.label')}
          </label>
          <p className="field__hint" id={hintId}>
            {t('session.checkIn.hint')}
          </p>
          <div className="search-form__row">
            <input
              ref={inputRef}
              id={inputId}
              className="field__input search-form__input"
              type="search"
              name="q"
              autoComplete="off"
              autoCorrect="off"
              autoCapitalize="none"
              spellCheck={false}
              enterKeyHint="search"
              aria-describedby={hintId}
              aria-keyshortcuts="/"
              aria-controls={results?.items.length ? `${inputId}-results` : undefined}
              value={text}
              aria-busy={busy || undefined}
              onChange={(event) => {
                setText(event.target.value);
                if (notice?.kind === 'error') setNotice(null);
              }}
              onKeyDown={onInputKeyDown}
            />
            <Button type="submit" className="search-form__submit">
              {t('session.checkIn.submit')}
            </Button>
          </div>
        </form>
      </search>
      <div className="reception__actions">
        <Button ref={cameraButtonRef} variant="secondary" onClick={() => setCameraOpen(true)}>
          <svg className="btn__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <path
              fill="currentColor"
              d="M2 2h6v2H4v4H2V2Zm10 0h6v6h-2V4h-4V2ZM2 12h2v4h4v2H2v-6Zm14 0h2v6h-6v-2h4v-4ZM6 6h3v3H6V6Zm5 0h3v3h-3V6Zm-5 5h3v3H6v-3Zm5 0h3v3h-3v-3Z"
            />
          </svg>
          {t('reception.scanCamera')}
        </Button>
      </div>

      {notice?.kind === 'error' && (
        <Alert variant="error" title={notice.title}>
          <p>{notice.text}</p>
        </Alert>
      )}
      {notice?.kind === 'qrNotFound' && (
        <Alert variant="warning" title={notice.text}>
          <p>
            <Link
              to={receptionPaths.create}
              state={{ prefill: notice.prefill, fromQr: true } satisfies CreatePersonState}
            >
              {t('session.checkIn.registerNew')}
            </Link>
          </p>
        </Alert>
      )}
      {notice && (notice.kind === 'done' || notice.kind === 'queued' || notice.kind === 'already') && (
        <p className={`check-in__notice check-in__notice--${notice.kind}`}>{notice.text}</p>
      )}

      <p className="results-status" role="status">
        {status}
      </p>
      {search.isError && term && (
        <Alert variant="error" title={t('session.checkIn.searchFailed')}>
          <p>{search.error.message}</p>
        </Alert>
      )}
      {results && results.items.length > 0 && (
        <ul id={`${inputId}-results`} ref={listRef} className="result-list">
          {results.items.map((person) => {
            const visit = visitOf(person.id);
            return (
              <li key={person.id}>
                <button
                  type="button"
                  className="result check-in__result"
                  data-result=""
                  onClick={() => void checkIn(person, 'search')}
                  onKeyDown={onResultKeyDown}
                >
                  <span className="result__main">
                    <span className="result__name">{person.fullName}</span>
                    <span className="result__meta">
                      <span>{formatDate(person.dateOfBirth)}</span>
                      <span>{genderLabel(t, person.gender)}</span>
                      {person.idNumber && <span>{person.idNumber}</span>}
                    </span>
                  </span>
                  <span className="check-in__side">
                    {person.verification && <VerificationBadge verification={person.verification} />}
                    {visit ? (
                      <Badge tone="neutral">{t('session.checkIn.already', { n: visit.queueNumber })}</Badge>
                    ) : (
                      <span className="check-in__action">{t('session.checkIn.action')}</span>
                    )}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {results?.source === 'server' && results.items.length === 0 && (
        <p>
          <Link to={receptionPaths.create}>{t('session.checkIn.registerNew')}</Link>
        </p>
      )}

      <QrCameraDialog
        open={cameraOpen}
        onClose={() => {
          setCameraOpen(false);
          cameraButtonRef.current?.focus();
        }}
        onDecoded={(decoded) => {
          setCameraOpen(false);
          setText(decoded);
          inputRef.current?.focus();
          takeCode(decoded);
        }}
      />
    </section>
  );
}
