import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { PASSPORT_STATE_LABELS } from '@tiemchung/core';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { currentLanguage } from '../../i18n';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { LoadFailed } from '../../ui/LoadFailed';
import { usePageTitle } from '../../ui/usePageTitle';
import { formatDate, formatDateTime, localized, provinceName } from '../reception/format';
import { receptionPaths } from '../reception/paths';
import {
  PASSPORT_CONFIRM_MAX,
  PASSPORT_SIGN_LIMIT,
  type PassportBlocker,
  type PassportConfirmResult,
  type PassportList,
  type PassportListItem,
  type PassportSignResult,
  type PassportState,
  passportApi,
  passportKeys,
} from './api';
import { useApprovalsT } from './i18n';
import {
  type ConfirmSummary,
  inGroups,
  isPassportState,
  PASSPORT_STATE_ORDER,
  PASSPORT_STATE_TONES,
  selectedConfirmable,
  summarizeConfirmation,
} from './passports';
import { approvalsPaths } from './paths';
import { SubNav } from './SubNav';

const stateHref = (state: PassportState | null) =>
  state ? `${approvalsPaths.passports}?state=${state}` : approvalsPaths.passports;

/** The names of the records shown, by id: a confirmation's or a batch's answer has only the ids. */
type Names = ReadonlyMap<string, string>;

/** Records sent for confirmation: one by its own button, or those ticked. */
interface Confirmation {
  ids: string[];
  from: 'row' | 'selection';
}

/**
 * `/quan-tri/phe-duyet/ho-chieu-vac-xin` — "Hộ chiếu vắc xin": the records of the caller's units on
 * their way to a vaccine passport (`GET /api/passports`), counted by state and filtered by one, a
 * page at a time, each with what blocks it; a record nothing blocks is confirmed here, one at a time
 * or several ticked at once (`POST /api/passports/confirmations`); and, for the ministry (a national
 * administrator), "Ký hàng loạt": the confirmed records signed in a batch (`POST
 * /api/passports/signatures`), with how many were signed, sent back and still waiting.
 */
export function PassportsPage() {
  const t = useApprovalsT();
  const id = useId();
  const headingRef = usePageTitle(t('passports.title'));
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const raw = params.get('state');
  const state = isPassportState(raw) ? raw : null;
  const query = { state: state ?? undefined };
  const list = useInfiniteQuery({
    queryKey: passportKeys.list(query),
    queryFn: ({ pageParam, signal }) => passportApi.list(query, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: PassportList) => last.next ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items);
  const counts = list.data?.pages.at(-1)?.counts;
  const total = counts ? PASSPORT_STATE_ORDER.reduce((sum, s) => sum + counts[s], 0) : 0;

  // The names of the records shown (a confirmation's or a batch's answer has only their ids).
  const names: Names = useMemo(() => new Map((items ?? []).map((i) => [i.personId, i.fullName])), [items]);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const chosen = selectedConfirmable(items ?? [], selected);
  const readyShown = (items ?? []).filter((i) => i.state === 'ready');
  const [noneSelected, setNoneSelected] = useState(false);

  // What the last confirmation did; `n` moves the focus there again for the same answer.
  const [outcome, setOutcome] = useState<{ summary: ConfirmSummary; names: Names; n: number } | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const confirm = useMutation<PassportConfirmResult['items'], ApiError, Confirmation>({
    mutationFn: async ({ ids }) => {
      const answered: PassportConfirmResult['items'] = [];
      for (const group of inGroups(ids, PASSPORT_CONFIRM_MAX))
        answered.push(...(await passportApi.confirm(group)).items);
      return answered;
    },
    onSuccess: async (answered) => {
      setSelected(new Set());
      // The names as the list had them when confirmed (a record may leave the list once confirmed).
      setOutcome((o) => ({ summary: summarizeConfirmation(answered), names, n: (o?.n ?? 0) + 1 }));
      await queryClient.invalidateQueries({ queryKey: passportKeys.all });
    },
    onError: () => {
      requestAnimationFrame(() => outcomeRef.current?.focus());
      void queryClient.invalidateQueries({ queryKey: passportKeys.all });
    },
  });
  const confirmIds = (ids: string[], from: Confirmation['from']) => {
    if (confirm.isPending) return;
    setNoneSelected(false);
    confirm.mutate({ ids, from });
  };
  const confirming = confirm.isPending ? confirm.variables : undefined;

  const toggle = (personId: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(personId);
      else next.delete(personId);
      return next;
    });
  const allChosen = readyShown.length > 0 && chosen.length === readyShown.length;

  let status = '';
  if (items && counts) {
    const shownTotal = state ? counts[state] : total;
    status = t('passports.shown', { count: items.length, total: shownTotal });
  }

  return (
    <div className="stack reception passports">
      <SubNav />
      <h1 ref={headingRef} tabIndex={-1}>
        {t('passports.title')}
      </h1>
      <p className="text-muted">{t('passports.intro')}</p>

      {user.role === 'national_admin' && <SignBatch waiting={counts?.confirmed} names={names} />}

      {counts && (
        <section className="stack stack--tight" aria-labelledby={`${id}-states`}>
          <h2 id={`${id}-states`} className="h3">
            {t('passports.states')}
          </h2>
          <ul className="blocked-units passport-states">
            <li>
              <Link to={stateHref(null)} aria-current={state === null ? 'true' : undefined}>
                {t('passports.all', { count: total })}
              </Link>
            </li>
            {PASSPORT_STATE_ORDER.map((s) => (
              <li key={s}>
                <Link to={stateHref(s)} aria-current={state === s ? 'true' : undefined} data-passport-state={s}>
                  {t('passports.stateCount', { state: localized(PASSPORT_STATE_LABELS[s]), count: counts[s] })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div ref={outcomeRef} tabIndex={-1} className="passports__outcome">
        {confirm.isError && (
          <Alert variant="error" title={t('passports.confirmFailed')}>
            <p>{confirm.error.message}</p>
          </Alert>
        )}
        {outcome && !confirm.isError && <ConfirmOutcome summary={outcome.summary} names={outcome.names} />}
      </div>

      {list.isError && (
        <LoadFailed
          title={t('passports.loadError')}
          message={list.error.message}
          retryLabel={t('passports.retry')}
          onRetry={() => void list.refetch()}
        />
      )}

      {items && (
        <>
          <p aria-live="polite">{status}</p>
          {items.length === 0 ? (
            <div className="stack stack--tight">
              <p>{t('passports.empty')}</p>
              {total === 0 && <p className="text-muted">{t('passports.emptyHint')}</p>}
            </div>
          ) : (
            <>
              {readyShown.length > 0 && (
                <fieldset className="passports__bulk stack stack--tight">
                  <legend className="h3">{t('passports.bulk.label')}</legend>
                  <CheckboxField
                    label={t('passports.bulk.selectAll', { count: readyShown.length })}
                    checked={allChosen}
                    onChange={(event) =>
                      setSelected(event.target.checked ? new Set(readyShown.map((i) => i.personId)) : new Set())
                    }
                  />
                  {noneSelected && chosen.length === 0 && (
                    <p className="text-muted" role="status">
                      {t('passports.bulk.noneSelected')}
                    </p>
                  )}
                  <div>
                    <Button
                      onClick={() => {
                        if (chosen.length === 0) setNoneSelected(true);
                        else confirmIds(chosen, 'selection');
                      }}
                      busy={confirming?.from === 'selection'}
                      disabled={confirm.isPending}
                    >
                      {confirming?.from === 'selection'
                        ? t('passports.confirming')
                        : chosen.length === 0
                          ? t('passports.bulk.confirmNone')
                          : t('passports.bulk.confirm', { count: chosen.length })}
                    </Button>
                  </div>
                </fieldset>
              )}
              <ul className="stack plain-list" aria-label={t('passports.listLabel')}>
                {items.map((item) => (
                  <li key={item.personId}>
                    <PassportRecord
                      item={item}
                      selected={selected.has(item.personId)}
                      onSelect={(on) => toggle(item.personId, on)}
                      onConfirm={() => confirmIds([item.personId], 'row')}
                      busy={confirming?.from === 'row' && confirming.ids[0] === item.personId}
                      disabled={confirm.isPending}
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
          {list.hasNextPage ? (
            <div>
              <Button
                variant="secondary"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
                busy={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? t('passports.loadingMore') : t('passports.more')}
              </Button>
            </div>
          ) : (
            items.length > 0 && <p className="text-muted">{t('passports.end')}</p>
          )}
        </>
      )}
    </div>
  );
}

function Blockers({ blockers }: { blockers: readonly PassportBlocker[] }) {
  return (
    <ul className="passport-blockers">
      {blockers.map((b) => (
        <li key={`${b.code}-${b.doseId ?? ''}`}>{localized(b.message)}</li>
      ))}
    </ul>
  );
}

function PassportRecord({
  item: r,
  selected,
  onSelect,
  onConfirm,
  busy,
  disabled,
}: {
  item: PassportListItem;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onConfirm: () => void;
  busy: boolean;
  disabled: boolean;
}) {
  const t = useApprovalsT();
  const id = useId();
  return (
    <article className="card passport-record" aria-labelledby={`${id}-name`} data-passport-state={r.state}>
      <header className="approval__head">
        <h2 id={`${id}-name`} className="h3">
          {r.fullName}
        </h2>
        <Badge tone={PASSPORT_STATE_TONES[r.state]}>{localized(PASSPORT_STATE_LABELS[r.state])}</Badge>
      </header>
      <p className="text-muted">
        {formatDate(r.dateOfBirth)}
        {r.idNumberMasked && ` · ${r.idNumberMasked}`} · {provinceName(r.provinceCode)}
      </p>
      {r.blockers.length > 0 && (
        <div>
          <p>
            <strong>{t('passports.row.blockers')}</strong>
          </p>
          <Blockers blockers={r.blockers} />
        </div>
      )}
      <p className="text-muted">
        {t('passports.row.requestedAt', { at: formatDateTime(r.requestedAt) })}
        {r.confirmedAt && (
          <>
            <br />
            {t('passports.row.confirmedAt', { at: formatDateTime(r.confirmedAt) })}
          </>
        )}
        {r.signedAt && (
          <>
            <br />
            {t('passports.row.signedAt', { at: formatDateTime(r.signedAt) })}
          </>
        )}
      </p>
      {r.state === 'ready' && (
        <div className="passport-record__actions">
          <CheckboxField
            label={t('passports.row.select', { name: r.fullName })}
            checked={selected}
            onChange={(event) => onSelect(event.target.checked)}
          />
          <Button onClick={onConfirm} busy={busy} disabled={disabled}>
            {busy ? (
              t('passports.confirming')
            ) : (
              <>
                {t('passports.row.confirm')}
                <span className="visually-hidden"> {t('passports.row.confirmName', { name: r.fullName })}</span>
              </>
            )}
          </Button>
        </div>
      )}
      <p>
        <Link to={receptionPaths.person(r.personId)}>{t('passports.row.open', { name: r.fullName })}</Link>
      </p>
    </article>
  );
}

function ConfirmOutcome({ summary, names }: { summary: ConfirmSummary; names: Names }) {
  const t = useApprovalsT();
  return (
    <Alert variant={summary.blocked.length ? 'warning' : 'success'} role="none" title={t('passports.result.title')}>
      {summary.confirmed > 0 && <p>{t('passports.result.confirmed', { count: summary.confirmed })}</p>}
      {summary.issued > 0 && <p>{t('passports.result.issued', { count: summary.issued })}</p>}
      {summary.blocked.length > 0 && (
        <>
          <p>{t('passports.result.blocked', { count: summary.blocked.length })}</p>
          <SentBack items={summary.blocked} names={names} />
        </>
      )}
    </Alert>
  );
}

/** Records a confirmation or a batch did not take, each with why and the way to its record. */
function SentBack({ items, names }: { items: { personId: string; blockers: PassportBlocker[] }[]; names: Names }) {
  const t = useApprovalsT();
  return (
    <ul className="passport-sent-back">
      {items.map((b) => {
        const name = names.get(b.personId);
        return (
          <li key={b.personId}>
            <Link to={receptionPaths.person(b.personId)}>
              {name ? t('passports.row.open', { name }) : t('passports.sign.record', { id: b.personId })}
            </Link>
            <Blockers blockers={b.blockers} />
          </li>
        );
      })}
    </ul>
  );
}

/** The ministry's batch signature: how many wait, "Ký hàng loạt", and what the batch did. */
function SignBatch({ waiting, names }: { waiting: number | undefined; names: Names }) {
  const t = useApprovalsT();
  const id = useId();
  const queryClient = useQueryClient();
  const resultRef = useRef<HTMLDivElement>(null);
  const sign = useMutation<PassportSignResult, ApiError>({
    mutationFn: () => passportApi.sign(PASSPORT_SIGN_LIMIT),
    onSettled: () => {
      requestAnimationFrame(() => resultRef.current?.focus());
      void queryClient.invalidateQueries({ queryKey: passportKeys.all });
    },
  });
  const done = sign.data;
  return (
    <section className="card stack stack--tight passports__sign" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('passports.sign.title')}
      </h2>
      <p>
        {t('passports.sign.text', {
          limit: PASSPORT_SIGN_LIMIT.toLocaleString(currentLanguage() === 'vi' ? 'vi-VN' : 'en-GB'),
        })}
      </p>
      {waiting !== undefined && <p>{t('passports.sign.waiting', { count: waiting })}</p>}
      <div>
        <Button onClick={() => sign.mutate()} busy={sign.isPending} disabled={sign.isPending}>
          {sign.isPending ? t('passports.sign.signing') : t('passports.sign.button')}
        </Button>
      </div>
      <div ref={resultRef} tabIndex={-1} className="passports__outcome">
        {sign.isError && (
          <Alert variant="error" title={t('passports.sign.failed')}>
            <p>{sign.error.message}</p>
          </Alert>
        )}
        {done && !sign.isPending && !sign.isError && (
          <Alert variant={done.blocked.length ? 'warning' : 'success'} title={t('passports.sign.doneTitle')}>
            <p data-sign-result="signed">{t('passports.sign.signed', { count: done.signed.length })}</p>
            {done.blocked.length > 0 && (
              <>
                <p data-sign-result="blocked">{t('passports.sign.blocked', { count: done.blocked.length })}</p>
                <SentBack items={done.blocked} names={names} />
              </>
            )}
            <p data-sign-result="remaining">{t('passports.sign.remaining', { count: done.remaining })}</p>
          </Alert>
        )}
      </div>
    </section>
  );
}
