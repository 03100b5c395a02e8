import { useInfiniteQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Link } from 'react-router';
import { currentLanguage } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { LoadFailed } from '../../ui/LoadFailed';
import { formatDateTime } from '../reception/format';
import { type ImportJob, importsApi, importsKeys, useFacilitiesInScope } from './api';
import { type ImportsT, useImportsT } from './i18n';
import { StatusBadge } from './JobView';
import { formatCount, isFinal } from './logic';
import { importsPaths } from './paths';

/** How often the list is asked for again while an import in it has not ended. */
const REFRESH_MS = 5_000;

/**
 * "Các lượt nhập gần đây": the imports of the user's units, newest first (`GET /api/imports`), a
 * page at a time — a clerk who left the screen finds a running import again here, and sees those a
 * colleague or the command line started. Each links to its progress and summary.
 */
export function RecentImports() {
  const t = useImportsT();
  const id = useId();
  const list = useInfiniteQuery({
    queryKey: importsKeys.list,
    queryFn: ({ pageParam, signal }) => importsApi.list(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((j) => !isFinal(j.status))) ? REFRESH_MS : false,
  });
  const items = list.data?.pages.flatMap((p) => p.items);
  const facilities = useFacilitiesInScope();
  const facilityName = (id: string) => facilities.data?.find((f) => f.id === id)?.name ?? id;
  return (
    <section className="card stack imports-recent" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('recent.title')}
      </h2>
      {list.isPending && <p className="text-muted">{t('recent.loading')}</p>}
      {list.isError && (
        <LoadFailed
          title={t('recent.loadFailed')}
          message={list.error.message}
          retryLabel={t('job.retry')}
          onRetry={() => void list.refetch()}
        />
      )}
      {items && items.length === 0 && <p>{t('recent.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="plain-list imports-recent__list" aria-labelledby={`${id}-title`}>
          {items.map((job) => (
            <li key={job.id} className="imports-recent__item" data-import={job.id}>
              <Link className="imports-recent__file" to={importsPaths.job(job.id)}>
                {job.fileName || t('recent.noName')}
              </Link>
              <span className="imports-recent__badges">
                <StatusBadge job={job} />
                {job.dryRun && <Badge tone="neutral">{t('job.dryRun')}</Badge>}
              </span>
              <span className="imports-recent__meta text-muted">
                {t('recent.meta', {
                  time: formatDateTime(job.createdAt),
                  user: job.createdBy ?? '—',
                  facility: facilityName(job.facilityId),
                })}
              </span>
              <span className="imports-recent__figures">{figuresOf(job, t)}</span>
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <div>
          <Button
            variant="secondary"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
            busy={list.isFetchingNextPage}
          >
            {t('recent.more')}
          </Button>
        </div>
      )}
    </section>
  );
}

/** What an import has done, in a line: its outcome once done, its error once failed, else the rows read. */
function figuresOf(job: ImportJob, t: ImportsT): string {
  const n = (x: number) => formatCount(x, currentLanguage());
  if (job.status === 'done')
    return t(job.dryRun ? 'recent.doneDry' : 'recent.done', { imported: n(job.imported), rejected: n(job.rejected) });
  if (job.status === 'failed' && job.error) return job.error.message;
  return job.totalRows !== null
    ? t('recent.readOf', { read: n(job.rowsRead), total: n(job.totalRows) })
    : t('recent.read', { read: n(job.rowsRead) });
}
