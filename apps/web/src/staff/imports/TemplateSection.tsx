import { IMPORT_COLUMNS } from '@tiemchung/core';
import { useId } from 'react';
import { currentLanguage } from '../../i18n';
import { buttonClass } from '../../ui/Button';
import { importsHrefs } from './api';
import { useImportsT } from './i18n';

/**
 * "Tải tệp mẫu": the CSV and XLSX templates (plain links: the session cookie goes with them) and
 * the contract's columns, as core defines them.
 */
export function TemplateSection() {
  const t = useImportsT();
  const id = useId();
  const vi = currentLanguage() === 'vi';
  return (
    <section className="card stack" aria-labelledby={id}>
      <h2 id={id} className="h3">
        {t('template.title')}
      </h2>
      <p>{t('template.intro')}</p>
      <div className="imports-actions">
        <a className={buttonClass('secondary')} href={importsHrefs.templateCsv} download>
          {t('template.csv')}
        </a>
        <a className={buttonClass('secondary')} href={importsHrefs.templateXlsx} download>
          {t('template.xlsx')}
        </a>
      </div>
      <details className="imports-details">
        <summary>{t('template.columns')}</summary>
        <dl className="imports-columns">
          {IMPORT_COLUMNS.map((c) => (
            <div key={c.key}>
              <dt>
                <span lang="vi">{c.header}</span>
                {!vi && ` (${c.label})`} —{' '}
                <span className="text-muted">{c.required ? t('template.required') : t('template.optional')}</span>
              </dt>
              <dd lang="vi">{c.explanation}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}
