import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { isApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { type PopulationSource, populationApi, statsKeys } from './api';
import { formatCount, formatTime } from './format';
import { useStatsT } from './i18n';
import { Section } from './parts';

/** How many more problems the server found in the file than the one it answered with (every row is checked). */
function moreProblems(error: unknown): number {
  if (!isApiError(error)) return 0;
  const count = (error.body as { problemCount?: unknown }).problemCount;
  return typeof count === 'number' && count > 1 ? count - 1 : 0;
}

interface Problems {
  file?: string | undefined;
  source?: string | undefined;
  year?: string | undefined;
}

/**
 * "Dân số (mẫu số)", for the national administrator: the population source in use, and a form to
 * import a new one (a CSV or XLSX file with its source and year); coverage is computed on it.
 */
export function PopulationForm({ current }: { current: PopulationSource | null }) {
  const t = useStatsT();
  const id = useId();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [source, setSource] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [problems, setProblems] = useState<Problems>({});
  const [attempt, setAttempt] = useState(0);
  const history = useQuery({
    queryKey: statsKeys.population,
    queryFn: ({ signal }) => populationApi.list(signal),
  });
  const upload = useMutation({
    mutationFn: (input: { file: File; source: string; year: number }) =>
      populationApi.import(input.file, input.source, input.year),
    onSuccess: async () => {
      if (fileRef.current) fileRef.current.value = '';
      setSource('');
      await queryClient.invalidateQueries({ queryKey: statsKeys.all });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    const y = Number(year);
    const found: Problems = {
      file: file ? undefined : t('population.needFile'),
      source: source.trim().length >= 3 ? undefined : t('population.needSource'),
      year: Number.isInteger(y) && y >= 1990 && y <= 2100 ? undefined : t('population.needYear'),
    };
    setProblems(found);
    setAttempt((n) => n + 1);
    if (!file || found.source || found.year) return;
    upload.mutate({ file, source: source.trim(), year: y });
  };
  const earlier = (history.data ?? []).filter((s) => s.id !== current?.id);
  return (
    <Section id={id} title={t('population.title')} intro={t('population.intro')}>
      <p>
        {current
          ? t('population.current', {
              source: current.source,
              year: current.year,
              rows: formatCount(current.rows),
              at: formatTime(current.importedAt),
            })
          : t('population.noCurrent')}
      </p>
      <form className="stats-population" onSubmit={submit} noValidate>
        <TextField
          ref={fileRef}
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          label={t('population.file')}
          required
          error={problems.file}
          announceError={problems.file ? attempt : undefined}
        />
        <TextField
          label={t('population.source')}
          hint={t('population.sourceHint')}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          required
          maxLength={200}
          error={problems.source}
        />
        <TextField
          label={t('population.year')}
          type="number"
          inputMode="numeric"
          min={1990}
          max={2100}
          value={year}
          onChange={(e) => setYear(e.target.value)}
          required
          error={problems.year}
        />
        <div>
          <Button type="submit" busy={upload.isPending} disabled={upload.isPending}>
            {t('population.submit')}
          </Button>
        </div>
      </form>
      {upload.isError && (
        <Alert variant="error" title={t('population.failed')}>
          <p>{upload.error instanceof Error ? upload.error.message : String(upload.error)}</p>
          {moreProblems(upload.error) > 0 && (
            <p>{t('population.moreProblems', { count: moreProblems(upload.error) })}</p>
          )}
        </Alert>
      )}
      {upload.isSuccess && (
        <Alert variant="success">
          {t('population.done', {
            rows: formatCount(upload.data.rows),
            source: upload.data.source,
            year: upload.data.year,
          })}
        </Alert>
      )}
      {earlier.length > 0 && (
        <details className="stats-details">
          <summary>{t('population.history')}</summary>
          <ul>
            {earlier.map((s) => (
              <li key={s.id}>
                {s.source}, {s.year} — {formatCount(s.rows)} · {formatTime(s.importedAt)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Section>
  );
}
