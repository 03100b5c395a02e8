import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IMPORT_STATUS_LABELS } from '@tiemchung/core';
import { useEffect, useId, useRef } from 'react';
import { Link, useNavigationType } from 'react-router';
import type { ApiError } from '../../api/client';
import { currentLanguage } from '../../i18n';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button, buttonClass } from '../../ui/Button';
import { LoadFailed } from '../../ui/LoadFailed';
import { PageLoading } from '../../ui/PageLoading';
import { formatDateTime } from '../reception/format';
import { type ImportJob, importsApi, importsHrefs, importsKeys, useFacilitiesInScope } from './api';
import { type ImportsT, useImportsT } from './i18n';
import { formatCount, formatDuration, formatRate, isCancellable, isFinal, progressPercent, reasonsOf } from './logic';
import { importsPaths } from './paths';

/** How often a job not yet ended is asked for. */
const POLL_MS = 1_000;

/**
 * One import (`?id=`): what was uploaded, its progress while it waits and runs (asked for every
 * second: rows read of the file's rows, rows per second, time left; "Hủy lượt nhập"), then its
 * summary. The status is read out by a polite live region when it changes.
 */
export function JobView({ id }: { id: string }) {
  const t = useImportsT();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const navigationType = useNavigationType();
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: importsKeys.job(id),
    queryFn: ({ signal }) => importsApi.job(id, signal),
    staleTime: 0,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data) return query.state.status === 'error' ? false : POLL_MS;
      return isFinal(data.status) ? false : POLL_MS;
    },
  });
  const cancel = useMutation<ImportJob, ApiError>({
    mutationFn: () => importsApi.cancel(id),
    onSuccess: (data) => queryClient.setQueryData(importsKeys.job(id), data),
  });

  // Shown after the upload (or "import another file" undone by a link): the focus goes to the job.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the job is first shown
  useEffect(() => {
    if (navigationType !== 'POP') headingRef.current?.focus();
  }, []);

  const data = job.data;
  return (
    <section className="card stack imports-job" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="h3 imports-job__title">
        {data ? t('job.title', { file: data.fileName }) : t('job.progress')}
      </h2>
      {job.isPending && <PageLoading />}
      {job.isError && !data && (
        <LoadFailed
          title={t('job.loadFailed')}
          message={job.error.message}
          retryLabel={t('job.retry')}
          onRetry={() => void job.refetch()}
        />
      )}
      {data && <JobBody job={data} t={t} cancel={cancel} />}
      <p>
        <Link className={buttonClass(data && isFinal(data.status) ? 'primary' : 'secondary')} to={importsPaths.home}>
          {t('job.another')}
        </Link>
      </p>
    </section>
  );
}

function JobBody({
  job,
  t,
  cancel,
}: {
  job: ImportJob;
  t: ImportsT;
  cancel: { mutate: () => void; isPending: boolean; isError: boolean; error: ApiError | null };
}) {
  const lang = currentLanguage();
  const facilities = useFacilitiesInScope();
  const facility = facilities.data?.find((f) => f.id === job.facilityId);
  const final = isFinal(job.status);
  const n = (x: number) => formatCount(x, lang);
  return (
    <>
      <dl className="details">
        <div>
          <dt>{t('job.status')}</dt>
          <dd>
            <StatusBadge job={job} />
            {job.dryRun && (
              <>
                {' '}
                <Badge tone="neutral">{t('job.dryRun')}</Badge>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('job.facility')}</dt>
          <dd>{facility ? `${facility.name} (${job.facilityId})` : job.facilityId}</dd>
        </div>
        <div>
          <dt>{t('job.createdAt')}</dt>
          <dd>{formatDateTime(job.createdAt)}</dd>
        </div>
      </dl>
      {job.dryRun && (
        <Alert variant="info" role="none">
          <p>{t('job.dryRunNote')}</p>
        </Alert>
      )}
      <p className="imports-live" role="status">
        {liveText(job, t, n)}
      </p>
      <Progress job={job} t={t} n={n} />
      {isCancellable(job.status) && (
        <div className="stack stack--tight">
          <div>
            <Button
              variant="danger"
              onClick={() => cancel.mutate()}
              busy={cancel.isPending}
              disabled={cancel.isPending}
            >
              {t('job.cancel')}
            </Button>
          </div>
          <p className="field__hint">{t('job.cancelHint')}</p>
        </div>
      )}
      {cancel.isError && cancel.error && isCancellable(job.status) && (
        <Alert variant="error" title={t('job.cancelFailed')}>
          <p>{cancel.error.message}</p>
        </Alert>
      )}
      {job.status === 'failed' && (
        <Alert variant="error" title={t('job.failedTitle')} role="none">
          <p>{job.error?.message}</p>
        </Alert>
      )}
      {job.status === 'cancelled' && (
        <Alert variant="warning" role="none">
          <p>{t('job.cancelledNote')}</p>
        </Alert>
      )}
      {final && <Summary job={job} t={t} n={n} />}
    </>
  );
}

/** The job's state as a badge (the catalogue's words, capitalised). */
export function StatusBadge({ job }: { job: ImportJob }) {
  const label = IMPORT_STATUS_LABELS[job.status][currentLanguage()];
  const tone =
    job.status === 'done'
      ? 'success'
      : job.status === 'failed'
        ? 'danger'
        : job.status === 'cancelled'
          ? 'warning'
          : 'neutral';
  return <Badge tone={tone}>{label.charAt(0).toLocaleUpperCase() + label.slice(1)}</Badge>;
}

/** What the live region says: the state in words, and at the end the outcome. */
function liveText(job: ImportJob, t: ImportsT, n: (x: number) => string): string {
  if (job.status === 'done') {
    return t(job.dryRun ? 'job.live.doneDry' : 'job.live.done', {
      imported: n(job.imported),
      rejected: n(job.rejected),
    });
  }
  return t(`job.live.${job.status}`);
}

/** The bar (indeterminate while the file's rows are not counted) and the figures under it. */
function Progress({ job, t, n }: { job: ImportJob; t: ImportsT; n: (x: number) => string }) {
  const id = useId();
  const lang = currentLanguage();
  const percent = progressPercent(job);
  const rows =
    percent !== null && job.totalRows !== null
      ? t('job.rows', { read: n(job.rowsRead), total: n(job.totalRows), percent })
      : t('job.rowsUnknown', { read: n(job.rowsRead) });
  const running = job.status === 'running';
  return (
    <div className="stack stack--tight">
      {percent === null && isFinal(job.status) ? (
        // An ended job whose rows were never counted (a file that failed first): no bar to show.
        <p id={`${id}-label`} className="field__label">
          {t('job.progress')}
        </p>
      ) : (
        <>
          <label id={`${id}-label`} htmlFor={`${id}-bar`} className="field__label">
            {t('job.progress')}
          </label>
          {percent === null ? (
            <progress id={`${id}-bar`} className="imports-progress" aria-describedby={`${id}-text`} />
          ) : (
            <progress
              id={`${id}-bar`}
              className="imports-progress"
              max={100}
              value={percent}
              aria-valuetext={`${percent} %`}
              aria-describedby={`${id}-text`}
            />
          )}
        </>
      )}
      <p id={`${id}-text`} className="imports-progress__text">
        <span>{rows}</span>
        {job.rowsPerSecond > 0 && <span>{t('job.rate', { rate: formatRate(job.rowsPerSecond, lang) })}</span>}
        {running && job.secondsLeft !== null && (
          <span>{t('job.left', { time: formatDuration(job.secondsLeft, lang) })}</span>
        )}
      </p>
    </div>
  );
}

/** The figures of an ended job, the rejections by reason and the rejected rows' file. */
function Summary({ job, t, n }: { job: ImportJob; t: ImportsT; n: (x: number) => string }) {
  const id = useId();
  const reasons = reasonsOf(job.rejectedByReason, currentLanguage(), job.rejectedByColumn);
  const figures: [label: string, value: number, key: string][] = [
    [t('summary.rowsRead'), job.rowsRead, 'rowsRead'],
    [t(job.dryRun ? 'summary.importedDry' : 'summary.imported'), job.imported, 'imported'],
    [t('summary.matchedPeople'), job.matchedPeople, 'matchedPeople'],
    [t('summary.newPeople'), job.newPeople, 'newPeople'],
    [t('summary.duplicatesFlagged'), job.duplicatesFlagged, 'duplicatesFlagged'],
    [t('summary.skippedAlreadyImported'), job.skippedAlreadyImported, 'skippedAlreadyImported'],
    [t('summary.rejected'), job.rejected, 'rejected'],
  ];
  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('summary.title')}</h3>
      <dl className="imports-figures">
        {figures.map(([label, value, key]) => (
          <div key={key} data-figure={key}>
            <dt>{label}</dt>
            <dd>{n(value)}</dd>
          </div>
        ))}
      </dl>
      {job.rejected > 0 ? (
        <div className="stack stack--tight">
          {reasons.length > 0 && (
            <table className="imports-reasons">
              <caption>{t('summary.reasonsTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('summary.reason')}</th>
                  <th scope="col" className="num">
                    {t('summary.count')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((r) => (
                  <tr key={`${r.code}/${r.column ?? ''}`} data-reason={r.code} data-column={r.column}>
                    <td>{r.label}</td>
                    <td className="num">{n(r.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="field__hint">{t('summary.reasonsNote')}</p>
          <p>
            <a className={buttonClass('secondary')} href={importsHrefs.rejected(job.id)} download>
              {t('summary.downloadRejected')}
            </a>
          </p>
          <p className="field__hint">{t('summary.rejectedHint')}</p>
        </div>
      ) : (
        <p>{t('summary.noneRejected')}</p>
      )}
    </section>
  );
}
