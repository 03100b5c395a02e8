import { useSearchParams } from 'react-router';
import { usePageTitle } from '../../ui/usePageTitle';
import { useImportsT } from './i18n';
import { JobView } from './JobView';
import { jobIdOf } from './logic';
import { RecentImports } from './RecentImports';
import { TemplateSection } from './TemplateSection';
import { UploadForm } from './UploadForm';

/**
 * `/quan-tri/nhap-mui-tiem` — the templates and the upload form; once a file is taken, the same
 * address with `?id=` shows that import's progress and then its summary (a reload shows it again);
 * below the form, the recent imports of the user's units, each a link to its own.
 */
export function ImportsPage() {
  const t = useImportsT();
  const headingRef = usePageTitle(t('title'));
  const [search] = useSearchParams();
  const jobId = jobIdOf(search);
  return (
    <div className="stack imports">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <p className="text-muted">{t('intro')}</p>
      </div>
      {jobId ? (
        <JobView key={jobId} id={jobId} />
      ) : (
        <>
          <TemplateSection />
          <UploadForm />
          <RecentImports />
        </>
      )}
    </div>
  );
}
