import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { UNIT_IMPORT_MAX_CHARS, UNIT_IMPORT_MAX_FILES } from '@tiemchung/core';
import { type FormEvent, type RefObject, useDeferredValue, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../../../auth/session';
import { Alert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { SelectField } from '../../../ui/SelectField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { SectionTitle } from '../SectionHead';
import {
  type AdminUnit,
  type Scheme,
  type UnitImportJob,
  type UnitSearchHit,
  type UnitsSummary,
  unitsApi,
  unitsKeys,
} from './api';
import { type AdminUnitsKey, type AdminUnitsT, useAdminUnitsT } from './i18n';
import './units.css';

/** A unit picked for its mapping: its list and code (and what is known of it to label it at once). */
interface Selected {
  scheme: Scheme;
  code: string;
}

const REFERENCE = 3_600_000;

/**
 * "Đơn vị hành chính" (`/quan-tri/he-thong/don-vi-hanh-chinh`): the 2021 list (province → district
 * → commune) and the 2025 list (province → commune) side by side, a search by name (diacritics
 * optional) or code over both, and the official old → new mapping of the unit chosen. National
 * administrators import the official list files here: the import runs on the server as a job whose
 * progress is shown until every list is in.
 */
export default function UnitsSection() {
  const t = useAdminUnitsT();
  const headingRef = usePageTitle(t('title'));
  const user = useCurrentUser();
  const [selected, setSelected] = useState<Selected | null>(null);
  const summary = useQuery({ queryKey: unitsKeys.summary, queryFn: ({ signal }) => unitsApi.summary(signal) });
  return (
    <div className="stack admin-units">
      <SectionTitle headingRef={headingRef} title={t('title')} intro={t('intro')} />
      <SummaryCard summary={summary.data} isError={summary.isError} />
      <SearchBox onSelect={setSelected} />
      <div className="admin-units__lists">
        <Browser2021 selected={selected} onSelect={setSelected} summary={summary.data} />
        <Browser2025 selected={selected} onSelect={setSelected} summary={summary.data} />
      </div>
      <MappingPanel selected={selected} summary={summary.data} />
      {user.role === 'national_admin' && <ImportPanel />}
    </div>
  );
}

function useNumber() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.resolvedLanguage === 'en' ? 'en-GB' : 'vi-VN');
  return (n: number) => format.format(n);
}

function countOf(summary: UnitsSummary | undefined, scheme: Scheme, level: string): number {
  return summary?.counts.find((c) => c.scheme === scheme && c.level === level)?.count ?? 0;
}

function SummaryCard({ summary, isError }: { summary: UnitsSummary | undefined; isError: boolean }) {
  const t = useAdminUnitsT();
  const n = useNumber();
  const id = useId();
  if (isError) return <Alert variant="error">{t('summary.loadError')}</Alert>;
  if (!summary) return null;
  return (
    <section className="card stack stack--tight" aria-labelledby={id}>
      <h3 id={id} className="h3">
        {t('summary.title')}
      </h3>
      <ul className="admin-units__summary" aria-live="polite">
        <li>
          {t('summary.list2021', {
            provinces: n(countOf(summary, '2021', 'province')),
            districts: n(countOf(summary, '2021', 'district')),
            communes: n(countOf(summary, '2021', 'commune')),
          })}
        </li>
        <li>
          {t('summary.list2025', {
            provinces: n(countOf(summary, '2025', 'province')),
            communes: n(countOf(summary, '2025', 'commune')),
          })}
        </li>
        <li>{t('summary.mapping', { pairs: n(summary.mappingPairs) })}</li>
      </ul>
    </section>
  );
}

function levelLabel(t: AdminUnitsT, level: number): string {
  return t(`levels.${level}` as AdminUnitsKey);
}

// ---------------------------------------------------------------------------------------------
// Search

function SearchBox({ onSelect }: { onSelect: (s: Selected) => void }) {
  const t = useAdminUnitsT();
  const id = useId();
  const [q, setQ] = useState('');
  const [scheme, setScheme] = useState<Scheme | ''>('');
  const deferred = useDeferredValue(q.trim());
  const results = useQuery({
    queryKey: unitsKeys.search(deferred, scheme),
    queryFn: ({ signal }) => unitsApi.search(deferred, scheme, signal),
    enabled: deferred.length > 0,
    staleTime: 60_000,
  });
  return (
    <section className="card stack" aria-labelledby={id}>
      <h3 id={id} className="h3">
        {t('search.label')}
      </h3>
      <search className="admin-units__search" aria-labelledby={id}>
        <TextField
          label={t('search.q')}
          hint={t('search.qHint')}
          type="search"
          maxLength={100}
          value={q}
          onChange={(event) => setQ(event.target.value)}
        />
        <SelectField
          label={t('search.scheme')}
          value={scheme}
          onChange={(event) => setScheme(event.target.value as Scheme | '')}
          options={[
            { value: '', label: t('search.both') },
            { value: '2021', label: t('schemeLabel.2021') },
            { value: '2025', label: t('schemeLabel.2025') },
          ]}
        />
      </search>
      {deferred && results.isError && <Alert variant="error">{t('search.error')}</Alert>}
      {deferred && results.data && (
        <>
          <p aria-live="polite">
            {results.data.length === 0 ? t('search.none') : t('search.results', { count: results.data.length })}
          </p>
          {results.data.length > 0 && (
            <ul className="plain-list admin-units__results" aria-label={t('search.label')}>
              {results.data.map((u) => (
                <li key={`${u.scheme}-${u.code}`}>
                  <button
                    type="button"
                    className="admin-units__item"
                    onClick={() => onSelect({ scheme: u.scheme, code: u.code })}
                  >
                    <span className="admin-units__name">{u.name}</span>
                    <span className="admin-units__meta">{hitLine(t, u)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function hitLine(t: AdminUnitsT, u: UnitSearchHit): string {
  // A 2025 commune's parent is its province: named once.
  const where =
    u.level === 1 ? '' : [...new Set([u.level === 3 ? u.parentName : null, u.provinceName])].filter(Boolean).join(', ');
  return [u.code, t(`schemeLabel.${u.scheme}` as AdminUnitsKey), levelLabel(t, u.level), where]
    .filter(Boolean)
    .join(' · ');
}

// ---------------------------------------------------------------------------------------------
// The two lists

function useChildren(scheme: Scheme, parentCode: string | null, enabled = true) {
  return useQuery({
    queryKey: unitsKeys.children(scheme, parentCode),
    queryFn: ({ signal }) => unitsApi.children(scheme, parentCode, signal),
    enabled,
    staleTime: REFERENCE,
  });
}

function Browser2021({
  selected,
  onSelect,
  summary,
}: {
  selected: Selected | null;
  onSelect: (s: Selected) => void;
  summary: UnitsSummary | undefined;
}) {
  const t = useAdminUnitsT();
  const id = useId();
  const [province, setProvince] = useState('');
  const [district, setDistrict] = useState('');
  const provinces = useChildren('2021', null);
  const districts = useChildren('2021', province, !!province);
  const communes = useChildren('2021', district, !!district);
  const districtName = districts.data?.find((d) => d.code === district)?.name ?? district;
  const empty = summary !== undefined && countOf(summary, '2021', 'commune') === 0;
  return (
    <section className="card stack admin-units__list" aria-labelledby={id}>
      <h3 id={id} className="h3">
        {t('browse.title2021')}
      </h3>
      {empty && <p className="text-muted">{t('browse.empty')}</p>}
      <UnitSelect
        label={t('browse.province')}
        placeholder={t('browse.chooseProvince')}
        value={province}
        units={provinces.data}
        onPick={(code) => {
          setProvince(code);
          setDistrict('');
          if (code) onSelect({ scheme: '2021', code });
        }}
      />
      {province && (
        <UnitSelect
          label={t('browse.district')}
          placeholder={t('browse.chooseDistrict')}
          value={district}
          units={districts.data}
          onPick={(code) => {
            setDistrict(code);
            if (code) onSelect({ scheme: '2021', code });
          }}
        />
      )}
      {province && districts.data?.length === 0 && <p className="text-muted">{t('browse.noChildren')}</p>}
      {district && (
        <UnitButtons
          title={t('browse.communes', { name: districtName })}
          units={communes.data}
          isError={communes.isError}
          selected={selected}
          onSelect={onSelect}
        />
      )}
    </section>
  );
}

function Browser2025({
  selected,
  onSelect,
  summary,
}: {
  selected: Selected | null;
  onSelect: (s: Selected) => void;
  summary: UnitsSummary | undefined;
}) {
  const t = useAdminUnitsT();
  const id = useId();
  const [province, setProvince] = useState('');
  const provinces = useChildren('2025', null);
  const communes = useChildren('2025', province, !!province);
  const provinceName = provinces.data?.find((p) => p.code === province)?.name ?? province;
  const empty = summary !== undefined && countOf(summary, '2025', 'province') === 0;
  return (
    <section className="card stack admin-units__list" aria-labelledby={id}>
      <h3 id={id} className="h3">
        {t('browse.title2025')}
      </h3>
      {empty ? (
        <p className="text-muted">{t('browse.empty')}</p>
      ) : (
        <UnitSelect
          label={t('browse.province')}
          placeholder={t('browse.chooseProvince')}
          value={province}
          units={provinces.data}
          onPick={(code) => {
            setProvince(code);
            if (code) onSelect({ scheme: '2025', code });
          }}
        />
      )}
      {province && (
        <UnitButtons
          title={t('browse.communes', { name: provinceName })}
          units={communes.data}
          isError={communes.isError}
          selected={selected}
          onSelect={onSelect}
        />
      )}
    </section>
  );
}

/** A select of units (a level of one list); `onPick` gets the code chosen ('' for none). */
function UnitSelect({
  label,
  placeholder,
  value,
  units,
  onPick,
}: {
  label: string;
  placeholder: string;
  value: string;
  units: AdminUnit[] | undefined;
  onPick: (code: string) => void;
}) {
  return (
    <SelectField
      label={label}
      value={value}
      placeholder={placeholder}
      onChange={(event) => onPick(event.target.value)}
      options={(units ?? []).map((u) => ({ value: u.code, label: u.name }))}
    />
  );
}

/** The units under the one chosen, each a button that shows its mapping. */
function UnitButtons({
  title,
  units,
  isError,
  selected,
  onSelect,
}: {
  title: string;
  units: AdminUnit[] | undefined;
  isError: boolean;
  selected: Selected | null;
  onSelect: (s: Selected) => void;
}) {
  const t = useAdminUnitsT();
  const id = useId();
  if (isError) return <Alert variant="error">{t('browse.loadError')}</Alert>;
  if (!units) return <p className="text-muted">{t('browse.loading')}</p>;
  return (
    <div className="stack stack--tight">
      <h4 id={id} className="admin-units__sub">
        {title} <span className="text-muted">({t('browse.communes_count', { count: units.length })})</span>
      </h4>
      {units.length === 0 ? (
        <p className="text-muted">{t('browse.noChildren')}</p>
      ) : (
        <ul className="plain-list admin-units__children" aria-labelledby={id}>
          {units.map((u) => {
            const pressed = selected?.scheme === u.scheme && selected.code === u.code;
            return (
              <li key={u.code}>
                <button
                  type="button"
                  className="admin-units__item"
                  aria-pressed={pressed}
                  aria-label={t('browse.select', { name: `${u.name} (${u.code})` })}
                  onClick={() => onSelect({ scheme: u.scheme, code: u.code })}
                >
                  <span className="admin-units__name">{u.name}</span>
                  <span className="admin-units__meta">{u.code}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// The mapping

function MappingPanel({ selected, summary }: { selected: Selected | null; summary: UnitsSummary | undefined }) {
  const t = useAdminUnitsT();
  const id = useId();
  const mapping = useQuery({
    queryKey: unitsKeys.mapping(selected?.scheme ?? '2021', selected?.code ?? ''),
    queryFn: ({ signal }) => unitsApi.mapping(selected!.scheme, selected!.code, signal),
    enabled: !!selected,
    staleTime: REFERENCE,
  });
  const m = mapping.data;
  return (
    <section className="card stack admin-units__mapping" aria-labelledby={id} aria-live="polite">
      <h3 id={id} className="h3">
        {t('mapping.title')}
      </h3>
      {!selected && <p className="text-muted">{t('mapping.pick')}</p>}
      {selected && mapping.isError && <Alert variant="error">{t('mapping.loadError')}</Alert>}
      {selected && m && (
        <>
          <p className="admin-units__chosen">
            {t('mapping.unit', {
              name: m.unit.name,
              code: m.unit.code,
              scheme: t(`schemeLabel.${m.unit.scheme}` as AdminUnitsKey),
              level: levelLabel(t, m.unit.level),
            })}
          </p>
          {m.unit.scheme === '2021' && m.unit.level === 2 && <p className="text-muted">{t('mapping.districtNote')}</p>}
          {summary?.mappingPairs === 0 ? (
            <p>{t('mapping.noMapping')}</p>
          ) : m.pairs.length === 0 ? (
            <p>{t('mapping.none')}</p>
          ) : (
            <>
              <p>{m.direction === 'old-to-new' ? t('mapping.oldToNew') : t('mapping.newToOld')}</p>
              <ul className="admin-units__pairs">
                {m.pairs.map((p) => (
                  <li key={`${p.level}-${p.oldCode}-${p.newCode}`}>{t('mapping.pair', { ...p })}</li>
                ))}
              </ul>
              <p className="text-muted admin-units__note">{t('mapping.oldNameNote')}</p>
            </>
          )}
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// The import (national administrators)

function ImportPanel() {
  const t = useAdminUnitsT();
  const n = useNumber();
  const id = useId();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async (files: File[]) =>
      unitsApi.startImport({
        files: await Promise.all(files.map(async (f) => ({ name: f.name, content: await f.text() }))),
      }),
    onSuccess: (job) => setJobId(job.id),
  });
  const job = useQuery({
    queryKey: unitsKeys.job(jobId ?? ''),
    queryFn: ({ signal }) => unitsApi.job(jobId!, signal),
    enabled: !!jobId,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'done' || status === 'failed' ? false : 400;
    },
  });
  const current: UnitImportJob | undefined = job.data ?? start.data;
  const finished = current?.status === 'done' || current?.status === 'failed';
  useEffect(() => {
    // Every list and count shown may have changed.
    if (finished)
      void queryClient.invalidateQueries({ queryKey: unitsKeys.all, predicate: (q) => q.queryKey[1] !== 'imports' });
  }, [finished, queryClient]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const files = [...(fileRef.current?.files ?? [])];
    if (files.length === 0) return setFileError(t('import.chooseFiles'));
    if (files.length > UNIT_IMPORT_MAX_FILES) return setFileError(t('import.tooMany', { max: UNIT_IMPORT_MAX_FILES }));
    const big = files.find((f) => f.size > UNIT_IMPORT_MAX_CHARS * 3);
    if (big) return setFileError(t('import.tooLarge', { name: big.name }));
    setFileError('');
    setJobId(null);
    start.mutate(files);
  };
  const running = start.isPending || (current !== undefined && !finished);

  return (
    <section className="card stack admin-units__import" aria-labelledby={id}>
      <h3 id={id} className="h3">
        {t('import.title')}
      </h3>
      <p>{t('import.intro')}</p>
      <form className="stack" onSubmit={submit} noValidate>
        <FileField label={t('import.files')} hint={t('import.filesHint')} error={fileError} inputRef={fileRef} />
        {start.isError && (
          <Alert variant="error" title={t('import.refused')}>
            <p>{start.error.message}</p>
          </Alert>
        )}
        <div>
          <Button type="submit" busy={running} disabled={running}>
            {start.isPending ? t('import.starting') : t('import.start')}
          </Button>
        </div>
      </form>
      {current && <JobProgress job={current} n={n} />}
    </section>
  );
}

function FileField({
  label,
  hint,
  error,
  inputRef,
}: {
  label: string;
  hint: string;
  error: string;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error && (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      <input
        ref={inputRef}
        id={id}
        type="file"
        multiple
        accept=".json,application/json"
        className="field__input admin-units__file"
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
      />
    </div>
  );
}

function JobProgress({ job, n }: { job: UnitImportJob; n: (x: number) => string }) {
  const t = useAdminUnitsT();
  const id = useId();
  const { percent, done, total } = job.progress;
  const text =
    job.status === 'queued'
      ? t('import.waiting')
      : job.status === 'running' && total === 0
        ? t('import.reading')
        : t('import.progressText', { percent, done: n(done), total: n(total) });
  return (
    <div className="stack stack--tight admin-units__job">
      <label id={id} htmlFor={`${id}-bar`} className="field__label">
        {t('import.progress')}
      </label>
      <progress
        id={`${id}-bar`}
        className="admin-units__progress"
        max={100}
        value={percent}
        aria-valuetext={`${percent} %`}
      />
      <p className="admin-units__progress-text">{text}</p>
      <ul className="admin-units__files">
        {job.files.map((f) => (
          <li key={f.name}>
            <strong>{f.name}</strong> ({t(`import.kinds.${f.kind}` as AdminUnitsKey)}):{' '}
            {t(`import.fileStatus.${f.status}` as AdminUnitsKey, { rows: n(f.rows ?? 0) })}
          </li>
        ))}
      </ul>
      {job.status === 'done' && (
        <Alert variant="success" role="status">
          <p>{t('import.done', { rows: n(done) })}</p>
        </Alert>
      )}
      {job.status === 'failed' && (
        <Alert variant="error" title={t('import.failed')}>
          <p>{job.error?.message}</p>
        </Alert>
      )}
    </div>
  );
}
