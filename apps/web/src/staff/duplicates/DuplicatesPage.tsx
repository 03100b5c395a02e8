import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { CardList } from '../../ui/CardList';
import { TextAreaField } from '../../ui/TextAreaField';
import { usePageTitle } from '../../ui/usePageTitle';
import type { Person } from '../reception/api';
import { formatDate, formatDateTime, genderLabel } from '../reception/format';
import { receptionPaths } from '../reception/paths';
import { VerificationBadge } from '../reception/VerificationBadge';
import { Detail, Refusal } from '../reports/shared';
import { type DuplicateCandidate, duplicatesApi, duplicatesKeys } from './api';
import { type DuplicatesKey, useDuplicatesT } from './i18n';

const MIN_REASON = 3;

/**
 * "Hồ sơ trùng": the open duplicate candidates of the user's units, each pair side by side. A
 * reviewer merges one record into the other (with a reason; the server moves every dose and report
 * and audits the merge) or records that they are two different people.
 */
export function DuplicatesPage() {
  const t = useDuplicatesT();
  usePageTitle(t('title'));
  const list = useQuery({ queryKey: duplicatesKeys.list, queryFn: ({ signal }) => duplicatesApi.list(signal) });
  const [notice, setNotice] = useState('');
  return (
    <div className="stack">
      <h1>{t('title')}</h1>
      <p className="text-muted">{t('intro')}</p>
      <CardList
        notice={notice}
        isError={list.isError}
        items={list.data}
        t={t}
        renderItem={(c) => <CandidateCard candidate={c} onNotice={setNotice} />}
      />
    </div>
  );
}

function PersonFacts({ person, label, letter }: { person: Person; label: string; letter: 'A' | 'B' }) {
  const t = useDuplicatesT();
  const { t: tMain } = useTranslation();
  return (
    <section className="duplicate__person" aria-label={`${label}: ${person.fullName}`}>
      <h3>
        {label}: {person.fullName}
      </h3>
      <dl className="details">
        <Detail label={t('idNumber')}>{person.idNumber ?? t('none')}</Detail>
        {person.oldIdNumber && <Detail label={t('oldIdNumber')}>{person.oldIdNumber}</Detail>}
        <Detail label={t('born')}>{formatDate(person.dateOfBirth)}</Detail>
        <Detail label={t('gender')}>{genderLabel(tMain, person.gender)}</Detail>
        <Detail label={t('phone')}>{person.phone ?? t('none')}</Detail>
        <Detail label={t('address')}>{person.address ?? t('none')}</Detail>
        <Detail label={t('identity')}>
          <VerificationBadge verification={person.verification} />
        </Detail>
        <Detail label={t('created')}>{formatDateTime(person.createdAt)}</Detail>
      </dl>
      <Link to={receptionPaths.person(person.id)}>{t('open', { which: letter })}</Link>
    </section>
  );
}

function CandidateCard({
  candidate: c,
  onNotice,
}: {
  candidate: DuplicateCandidate;
  onNotice: (text: string) => void;
}) {
  const t = useDuplicatesT();
  const id = useId();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');
  const done = async (text: string) => {
    onNotice(text);
    await queryClient.invalidateQueries({ queryKey: ['people'] });
  };
  const merge = useMutation({
    mutationFn: (keep: 'a' | 'b') => {
      const [kept, other] = keep === 'a' ? [c.a, c.b] : [c.b, c.a];
      return duplicatesApi.merge(kept.id, other.id, reason.trim());
    },
    onSuccess: (result, keep) => {
      const [kept, other] = keep === 'a' ? [c.a, c.b] : [c.b, c.a];
      return done(
        t('merged', {
          other: other.fullName,
          kept: kept.fullName,
          doses: result.moved.doses ?? 0,
          reports: result.moved.reports ?? 0,
        }),
      );
    },
  });
  const dismiss = useMutation({
    mutationFn: () => duplicatesApi.dismiss(c.id),
    onSuccess: () => done(t('dismissed', { a: c.a.fullName, b: c.b.fullName })),
  });
  const busy = merge.isPending || dismiss.isPending;
  const onMerge = (keep: 'a' | 'b') => (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < MIN_REASON) return setReasonError(t('reasonRequired'));
    setReasonError('');
    merge.mutate(keep);
  };
  return (
    <article className="card stack" aria-labelledby={`${id}-title`}>
      <header>
        <h2 id={`${id}-title`} className="h3">
          {c.a.fullName} — {c.b.fullName}
        </h2>
        <p className="text-muted">
          {t(`kinds.${c.kind}` as DuplicatesKey)} · {t('listedAt', { time: formatDateTime(c.createdAt) })}
        </p>
      </header>
      <div className="duplicate__pair">
        <PersonFacts person={c.a} label={t('recordA')} letter="A" />
        <PersonFacts person={c.b} label={t('recordB')} letter="B" />
      </div>
      <form className="stack" onSubmit={onMerge('a')} noValidate>
        <TextAreaField
          label={t('reason')}
          hint={t('reasonHint')}
          maxLength={500}
          value={reason}
          error={reasonError || undefined}
          onChange={(event) => setReason(event.target.value)}
        />
        {merge.isError && <Refusal error={merge.error} />}
        {dismiss.isError && <Refusal error={dismiss.error} />}
        <div className="form-actions">
          <Button type="submit" disabled={busy}>
            {merge.isPending ? t('working') : t('keepA')}
          </Button>
          <Button variant="secondary" disabled={busy} onClick={onMerge('b')}>
            {t('keepB')}
          </Button>
          <Button variant="ghost" disabled={busy} onClick={() => dismiss.mutate()}>
            {t('dismiss')}
          </Button>
        </div>
      </form>
    </article>
  );
}
