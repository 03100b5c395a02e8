import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { parseCccdQr } from '@tiemchung/core';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { usePageTitle } from '../../ui/usePageTitle';
import { type Person, peopleApi, receptionKeys } from './api';
import { formatDate, genderLabel, messageText, provinceName } from './format';
import { type CreatePersonState, receptionPaths } from './paths';
import { QrCameraDialog } from './QrCameraDialog';
import { looksLikeQr, useCccdQr } from './useCccdQr';
import { VerificationBadge } from './VerificationBadge';

/** Wait after the last key before searching (a USB QR scanner types a whole code well within it). */
const SEARCH_DELAY_MS = 300;
/** Wait after the last key before taking a complete QR code typed without a final Enter. */
const QR_IDLE_MS = 600;
const MIN_QUERY_LENGTH = 2;

/** The search text to send: trimmed, and only when long enough. */
function searchTerm(text: string): string {
  const term = text.trim().replace(/\s+/g, ' ');
  return term.length >= MIN_QUERY_LENGTH && !looksLikeQr(term) ? term : '';
}

/** What the create form can take over from a search that found nobody. */
function prefillFromSearch(term: string): CreatePersonState['prefill'] {
  const compact = term.replace(/[\s.-]/g, '');
  if (/^\d{9}$|^\d{12}$/.test(compact)) return { idNumber: compact };
  if (/^(\+?84|0)\d{9}$/.test(compact)) return { phone: term };
  // A name typed without diacritics ("nguyen van an") is no name to register: only take it over
  // when it was typed in full Vietnamese.
  if (/\d/.test(term) || /^[\x20-\x7e]*$/.test(term)) return {};
  return { fullName: term };
}

function ResultItem({ person, onKeyDown }: { person: Person; onKeyDown: (event: KeyboardEvent) => void }) {
  const { t } = useTranslation();
  const idType = person.idType ? t(`reception.idTypes.${person.idType}`) : t('reception.idLabel');
  return (
    <li>
      <Link className="result" to={receptionPaths.person(person.id)} onKeyDown={onKeyDown} data-result="">
        <span className="result__main">
          <span className="result__name">{person.fullName}</span>
          <span className="result__meta">
            <span>{formatDate(person.dateOfBirth)}</span>
            <span>{genderLabel(t, person.gender)}</span>
            {person.idNumber && (
              <span>
                {idType} {person.idNumber}
              </span>
            )}
            {person.phone && (
              <span>
                {t('reception.phoneLabel')} {person.phone}
              </span>
            )}
            <span>{provinceName(person.provinceCode)}</span>
          </span>
        </span>
        <VerificationBadge verification={person.verification} />
      </Link>
    </li>
  );
}

/**
 * `/quan-tri/tiep-don` — the reception desk: one search field (ID number, phone or name with or
 * without diacritics) that also takes the text of a CCCD QR code from a USB scanner, a camera QR
 * reader, and the way to register a new person.
 */
export function SearchPage() {
  const { t } = useTranslation();
  usePageTitle(t('reception.title'));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const cameraButtonRef = useRef<HTMLButtonElement>(null);
  // The last search is kept (in the query cache, cleared at sign-out) for "back" from a record.
  const [text, setText] = useState(() => queryClient.getQueryData<string>(receptionKeys.lastSearch) ?? '');
  const [term, setTerm] = useState(() => searchTerm(text));
  const [cameraOpen, setCameraOpen] = useState(false);
  const qr = useCccdQr();

  // Keyboard first: the desk starts typing (or scanning) at once.
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  useEffect(() => {
    queryClient.setQueryData(receptionKeys.lastSearch, looksLikeQr(text) ? '' : text);
  }, [text, queryClient]);

  // Search as the user types (debounced). QR text is never searched for as text; a complete and
  // valid code is taken after a short pause even when the scanner sends no Enter.
  useEffect(() => {
    if (looksLikeQr(text)) {
      const timer = setTimeout(() => {
        if (parseCccdQr(text).ok) void qr.handle(text.trim());
      }, QR_IDLE_MS);
      return () => clearTimeout(timer);
    }
    const timer = setTimeout(() => setTerm(searchTerm(text)), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, qr.handle]);

  const search = useQuery({
    queryKey: receptionKeys.search(term),
    queryFn: ({ signal }) => peopleApi.search({ q: term }, signal),
    enabled: term !== '',
    staleTime: 5_000,
    placeholderData: keepPreviousData,
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (looksLikeQr(text)) {
      void qr.handle(text.trim()).then((done) => {
        if (!done) inputRef.current?.select();
      });
      return;
    }
    const next = searchTerm(text);
    if (next === term) void search.refetch();
    setTerm(next);
  };

  const onChange = (value: string) => {
    setText(value);
    if (qr.state.status === 'error') qr.reset();
  };

  const results = term && search.data ? search.data.items : null;
  const resultLinks = () => Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('[data-result]') ?? []);

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && results?.length) {
      event.preventDefault();
      resultLinks()[0]?.focus();
    } else if (event.key === 'Escape' && text) {
      event.preventDefault();
      setText('');
      setTerm('');
    }
  };

  const onResultKeyDown = (event: KeyboardEvent) => {
    const links = resultLinks();
    const index = links.indexOf(event.currentTarget as HTMLAnchorElement);
    let target: HTMLElement | undefined;
    if (event.key === 'ArrowDown') target = links[Math.min(index + 1, links.length - 1)];
    else if (event.key === 'ArrowUp') target = index <= 0 ? (inputRef.current ?? undefined) : links[index - 1];
    else if (event.key === 'Home') target = links[0];
    else if (event.key === 'End') target = links.at(-1);
    else if (event.key === 'Escape') target = inputRef.current ?? undefined;
    if (target) {
      event.preventDefault();
      target.focus();
    }
  };

  const registerNew = () => {
    const state: CreatePersonState = { prefill: results?.length === 0 ? prefillFromSearch(term) : {} };
    void navigate(receptionPaths.create, { state });
  };

  let status = '';
  if (qr.state.status === 'busy') status = t('reception.qrReading');
  else if (term && search.isFetching && (!search.data || search.isPlaceholderData)) status = t('reception.searching');
  else if (results) {
    status = results.length
      ? t('reception.resultsCount', { count: results.length })
      : t('reception.noResults', { q: term });
  }

  return (
    <div className="stack reception">
      <div className="stack stack--tight">
        <h1>{t('reception.title')}</h1>
        <p className="text-muted">{t('reception.intro')}</p>
      </div>

      <div className="card stack">
        <search>
          <form className="search-form" onSubmit={onSubmit} noValidate>
            <label className="field__label" htmlFor={inputId}>
              {t('reception.searchLabel')}
            </label>
            <p className="field__hint" id={hintId}>
              {t('reception.searchHint')}
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
                aria-controls={results?.length ? `${inputId}-results` : undefined}
                value={text}
                onChange={(event) => onChange(event.target.value)}
                onKeyDown={onInputKeyDown}
              />
              <Button type="submit" className="search-form__submit">
                {t('reception.searchSubmit')}
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
          <Button variant="ghost" onClick={registerNew}>
            {t('reception.newPerson')}
          </Button>
        </div>
      </div>

      {qr.state.status === 'error' && (
        <Alert variant="error" title={t('reception.qrFailedTitle')}>
          <p>{messageText(t, qr.state.message)}</p>
        </Alert>
      )}
      {search.isError && term && (
        <Alert variant="error" title={t('reception.searchFailedTitle')}>
          <p>{search.error.message}</p>
        </Alert>
      )}

      <section className="stack stack--tight" aria-labelledby={`${inputId}-results-title`}>
        <h2 id={`${inputId}-results-title`} className="visually-hidden">
          {t('reception.resultsTitle')}
        </h2>
        <p className="results-status" role="status">
          {status}
        </p>
        {results && results.length > 0 && (
          <ul id={`${inputId}-results`} ref={listRef} className="result-list">
            {results.map((person) => (
              <ResultItem key={person.id} person={person} onKeyDown={onResultKeyDown} />
            ))}
          </ul>
        )}
        {results && results.length === 0 && (
          <div className="card stack stack--tight">
            <p>{t('reception.noResultsHelp')}</p>
            <div>
              <Button variant="secondary" onClick={registerNew}>
                {t('reception.newPerson')}
              </Button>
            </div>
          </div>
        )}
      </section>

      <QrCameraDialog
        open={cameraOpen}
        onClose={() => {
          setCameraOpen(false);
          cameraButtonRef.current?.focus();
        }}
        onDecoded={(decoded) => {
          setCameraOpen(false);
          setText(decoded);
          void qr.handle(decoded.trim()).then((done) => {
            if (!done) inputRef.current?.focus();
          });
        }}
      />
    </div>
  );
}
