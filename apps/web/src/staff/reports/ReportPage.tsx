import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigationType, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { PageLoading } from '../../ui/PageLoading';
import { usePageTitle } from '../../ui/usePageTitle';
import {
  type Report,
  type ReportDetail,
  reportQuery,
  reportsApi,
  reportsKeys,
  useFacilities,
  useUnitsByCode,
  useVaccines,
} from './api';
import { Countdown, StatusBadge } from './Countdown';
import { AddDoseForm, CorrectDoseForm } from './DoseForms';
import { categoryLabel, unitLabel } from './format';
import { History } from './History';
import { useReportsT } from './i18n';
import { EvidencePanel, PersonPanel, ReportPanel, useDoses, usePerson } from './Panels';
import { CorrectPersonForm, LinkPerson, MergeForm } from './PersonForms';
import { reportsPaths } from './paths';
import { ReassignForm } from './ReassignForm';
import { ResolutionForm, ResolvedPanel } from './Resolution';
import { AnnounceContext, Done, Refusal } from './shared';

const FIXES = ['addDose', 'correctDose', 'correctPerson', 'merge'] as const;
type Fix = (typeof FIXES)[number];

/** The correction a report of this kind most likely needs, opened at once. */
function defaultFix(category: string): Fix | null {
  if (category === 'missing_dose') return 'addDose';
  if (category === 'wrong_dose') return 'correctDose';
  if (category === 'wrong_personal_info') return 'correctPerson';
  return null;
}

/** Router state of the report page: the queue's filters, for "back to the queue". */
export interface ReportPageState {
  from?: string;
}

function ReportView({ report }: { report: ReportDetail }) {
  const t = useReportsT();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const location = useLocation();
  const navigationType = useNavigationType();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const handlerRef = useRef<HTMLParagraphElement>(null);
  const reassignButtonRef = useRef<HTMLButtonElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [reassignOpen, setReassignOpen] = useState(false);
  const [reassigned, setReassigned] = useState('');
  const [justResolved, setJustResolved] = useState(false);
  const [fix, setFix] = useState<Fix | null>(() => defaultFix(report.category));
  const [fixRun, setFixRun] = useState(0);
  const [changeLink, setChangeLink] = useState(false);
  const [photoLarge, setPhotoLarge] = useState(false);
  const vaccines = useVaccines();
  const facilities = useFacilities(report.provinceCode);
  const units = useUnitsByCode(report.assignedUnit.level === 'facility' ? [] : [report.assignedUnit.code]);
  const person = usePerson(report.personId);
  const doses = useDoses(report.personId);
  const from = (location.state as ReportPageState | null)?.from ?? '';
  // The code never breaks at its hyphen: the heading is the sentence around an unbreakable code.
  const [titleBefore = '', titleAfter = ''] = t('detail.title', { code: '\u0000' }).split('\u0000');

  // Opened from the queue: start reading at the report's heading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the report is first shown
  useEffect(() => {
    if (navigationType !== 'POP') headingRef.current?.focus();
  }, []);

  const announce = useCallback((text: string) => {
    // Empty first, so that the same sentence twice is read twice.
    setAnnouncement('');
    window.setTimeout(() => setAnnouncement(text), 60);
  }, []);

  const refreshReport = useCallback(
    (updated?: Report) => {
      if (updated) {
        queryClient.setQueryData<ReportDetail>(reportsKeys.detail(report.id), (old) =>
          old ? { ...old, ...updated } : old,
        );
      }
      void queryClient.invalidateQueries({ queryKey: reportsKeys.detail(report.id) });
      void queryClient.invalidateQueries({ queryKey: [...reportsKeys.all, 'list'] });
      void queryClient.invalidateQueries({ queryKey: [...reportsKeys.all, 'open'] });
    },
    [queryClient, report.id],
  );

  const refreshPerson = useCallback(
    (personId: string | null) => {
      if (!personId) return;
      void queryClient.invalidateQueries({ queryKey: reportsKeys.person(personId) });
      void queryClient.invalidateQueries({ queryKey: reportsKeys.doses(personId) });
      void queryClient.invalidateQueries({ queryKey: reportsKeys.certificate(personId) });
    },
    [queryClient],
  );

  const claim = useMutation<Report, ApiError, void>({
    mutationFn: () => reportsApi.claim(report.id),
    onSuccess: (updated) => {
      refreshReport(updated);
      announce(t('detail.claimed'));
      window.setTimeout(() => handlerRef.current?.focus(), 0);
    },
  });

  const resolved = report.status === 'resolved';
  const mine = report.handler === user.username;
  const unit = unitLabel(t, report.assignedUnit, { facilities: facilities.data, units });
  let handlerText = t('detail.noHandler');
  if (mine) handlerText = t('detail.yours');
  else if (report.handler) handlerText = t('detail.takenBy', { name: report.handler });

  const personDone = () => {
    refreshReport();
    refreshPerson(report.personId);
  };

  const fixPanel = () => {
    if (!fix) return null;
    if (!report.personId) return <p className="text-muted">{t('fix.needPerson')}</p>;
    if (fix === 'addDose')
      return (
        <AddDoseForm
          key={fixRun}
          report={report}
          vaccines={vaccines.data}
          facilities={facilities.data}
          onDone={personDone}
        />
      );
    if (!doses.data || !person.data) return <PageLoading />;
    if (fix === 'correctDose')
      return (
        <CorrectDoseForm
          key={fixRun}
          report={report}
          doses={doses.data}
          vaccines={vaccines.data}
          facilities={facilities.data}
          onDone={personDone}
        />
      );
    if (fix === 'correctPerson')
      return <CorrectPersonForm key={fixRun} report={report} person={person.data} onDone={personDone} />;
    return <MergeForm key={fixRun} report={report} person={person.data} onDone={personDone} />;
  };

  const linkForm = (
    <LinkPerson
      report={report}
      onDone={(linked) => {
        setChangeLink(false);
        refreshReport();
        refreshPerson(linked.id);
      }}
    />
  );

  return (
    <AnnounceContext.Provider value={announce}>
      <div className="stack reports report-page">
        <p>
          <Link to={`${reportsPaths.queue}${from ? `?${from}` : ''}`} className="back-link">
            <span aria-hidden="true">← </span>
            {t('detail.back')}
          </Link>
        </p>

        <div className="report-head">
          <div className="stack stack--tight report-head__main">
            <p className="page__eyebrow">{categoryLabel(report.category)}</p>
            <h1 ref={headingRef} tabIndex={-1}>
              {titleBefore}
              <span className="nowrap">{report.trackingCode}</span>
              {titleAfter}
            </h1>
            <div className="report-head__meta">
              <StatusBadge status={report.status} />
              <span>{unit}</span>
            </div>
            {!resolved && (
              <p ref={handlerRef} tabIndex={-1} className={cx('report-head__handler', mine && 'is-mine')}>
                {handlerText}
              </p>
            )}
          </div>
          <div className="report-head__clock">
            <Countdown report={report} size="large" />
          </div>
        </div>

        {!resolved && (
          <div className="form-actions report-actions">
            {!mine && (
              <Button onClick={() => claim.mutate()} disabled={claim.isPending} busy={claim.isPending}>
                {claim.isPending ? t('detail.claiming') : t('detail.claim')}
              </Button>
            )}
            <Button
              ref={reassignButtonRef}
              variant="secondary"
              aria-expanded={reassignOpen}
              onClick={() => {
                setReassigned('');
                setReassignOpen(!reassignOpen);
              }}
            >
              {t('detail.reassign')}
            </Button>
          </div>
        )}
        {claim.isError && <Refusal error={claim.error} />}
        {reassignOpen && !resolved && (
          <ReassignForm
            report={report}
            onCancel={() => {
              setReassignOpen(false);
              reassignButtonRef.current?.focus();
            }}
            onDone={(updated, target) => {
              setReassignOpen(false);
              setReassigned(target);
              announce(t('reassign.done', { unit: target }));
              refreshReport(updated);
            }}
          />
        )}
        {reassigned && (
          <Done>
            <p>{t('reassign.done', { unit: reassigned })}</p>
          </Done>
        )}

        {resolved && <ResolvedPanel key={report.resolvedAt} report={report} focus={justResolved} />}

        <div className={cx('compare', report.hasEvidence && 'compare--evidence', photoLarge && 'compare--photo-large')}>
          <ReportPanel
            report={report}
            person={person.data}
            doses={doses.data}
            vaccines={vaccines.data}
            facilities={facilities.data}
          />
          <PersonPanel report={report} vaccines={vaccines.data} facilities={facilities.data}>
            {!resolved && !report.personId && linkForm}
            {!resolved && report.personId && (
              <div className="stack stack--tight">
                <div>
                  <Button variant="ghost" aria-expanded={changeLink} onClick={() => setChangeLink(!changeLink)}>
                    {t('link.change')}
                  </Button>
                </div>
                {changeLink && linkForm}
              </div>
            )}
          </PersonPanel>
          {report.hasEvidence && <EvidencePanel report={report} large={photoLarge} onLarge={setPhotoLarge} />}
        </div>
        {!report.hasEvidence && <p className="text-muted">{t('detail.noEvidence')}</p>}

        {!resolved && (
          <section className="card stack" aria-labelledby="fix-title">
            <h2 id="fix-title" className="h3">
              {t('fix.title')}
            </h2>
            <div className="fix-tabs">
              {FIXES.map((k) => (
                <Button
                  key={k}
                  variant={fix === k ? 'primary' : 'secondary'}
                  aria-expanded={fix === k}
                  aria-controls={fix === k ? 'fix-panel' : undefined}
                  onClick={() => {
                    setFix(fix === k ? null : k);
                    setFixRun((n) => n + 1);
                  }}
                >
                  {t(`fix.${k}`)}
                </Button>
              ))}
            </div>
            {fix && (
              <section id="fix-panel" className="fix-panel" aria-label={t(`fix.${fix}`)}>
                {fixPanel()}
              </section>
            )}
          </section>
        )}

        {!resolved && (
          <ResolutionForm
            report={report}
            doses={doses.data}
            onDone={(updated) => {
              setJustResolved(true);
              announce(
                t('resolve.done', {
                  code: updated.trackingCode,
                  outcome: t(`outcome.${updated.outcome ?? 'corrected'}`),
                }),
              );
              refreshReport(updated);
              refreshPerson(report.personId);
            }}
          />
        )}

        <History report={report} doses={doses.data} facilities={facilities.data} />

        <p className="visually-hidden" role="status">
          {announcement}
        </p>
      </div>
    </AnnounceContext.Provider>
  );
}

/** `/quan-tri/phan-anh/:id` — one report, worked side by side with the person's record and the photo. */
export function ReportPage() {
  const t = useReportsT();
  const { id = '' } = useParams();
  const query = useQuery(reportQuery(id));
  // No personal data in the title (it ends up in the browser history of a shared computer).
  usePageTitle(query.data ? t('detail.title', { code: query.data.trackingCode }) : t('queue.title'));

  if (query.data) return <ReportView report={query.data} />;
  if (query.isError) {
    return (
      <div className="stack reports">
        <Alert variant="error" title={t('detail.notFoundTitle')}>
          <p>{query.error.message}</p>
        </Alert>
        <p>
          <Link to={reportsPaths.queue}>{t('detail.back')}</Link>
        </p>
      </div>
    );
  }
  return <PageLoading />;
}
