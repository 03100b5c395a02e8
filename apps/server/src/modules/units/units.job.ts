import {
  ERROR_CATALOGUE,
  type ErrorCode,
  fillTemplate,
  type Lang,
  type UnitImportJob,
  type UnitImportStatus,
  uuidv7,
} from '@tiemchung/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { ZodError } from 'zod';
import type { DB, UnitImportJobRow } from '../../db/schema.js';
import { type Trx, unitOfWork } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { type UnitList, type UnitListKind, unitListOf, unitListRows, writeUnitList } from './units.import.js';
import { findImportJob, insertImportJob, type StoredImportFile, updateImportJob } from './units.queries.js';

/**
 * Imports of the official unit lists started from the administration screen, run in the
 * background one after another on the node that took them: `POST /api/units/imports` answers 202
 * with the job, `GET /api/units/imports/{id}` its progress and result.
 *
 * A job reads every file first (a file that is not the format it looked like fails the job before
 * anything is written), then writes each list in a unit of work of its own, as the `import units`
 * command does: a list lands whole or not at all; the lists before a failing one stay. The job's
 * record (`unit_import_jobs`) is written as it goes — each list's result in the list's own
 * transaction — so every node can answer for it; the live progress (rows written of the total)
 * is the running node's, in memory. A job left queued or running by a node that stopped is
 * answered as failed (`unit_import_interrupted`) once it is older than STALE_AFTER_MS.
 */

/** A document of one of the official formats, with the name it was uploaded under. */
export interface ImportDocument {
  readonly name: string;
  readonly kind: UnitListKind;
  readonly doc: unknown;
}

interface JobError {
  readonly code: ErrorCode;
  readonly params?: Record<string, string> | undefined;
}

interface LiveJob {
  readonly id: string;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly audit: AuditContext;
  status: UnitImportStatus;
  files: StoredImportFile[];
  /** The documents until the job has read them (then released). */
  docs: ImportDocument[] | null;
  done: number;
  total: number;
  error: JobError | null;
  finishedAt: Date | null;
}

/** A job still queued or running after this long without its node answering for it was interrupted. */
export const STALE_AFTER_MS = 30 * 60_000;
/** Finished jobs kept in memory (older ones are answered from the database). */
const KEEP_FINISHED = 20;

/**
 * What must change with a list, in the list's own transaction (given by the server level: the
 * statistics count records in the 2025 units through the mapping, and are recounted with it).
 */
export type AfterListWritten = (trx: Trx, kind: UnitList['kind']) => Promise<void>;

/** What a job's observer hears: each step of its progress (tests, logs). */
export type ImportListener = (job: UnitImportJob) => void;

export class UnitImportJobs {
  readonly #db: Kysely<DB>;
  readonly #log: FastifyBaseLogger | undefined;
  readonly #jobs = new Map<string, LiveJob>();
  #queue: Promise<void> = Promise.resolve();
  #closing = false;
  readonly #listeners = new Set<ImportListener>();

  readonly #afterListWritten: AfterListWritten | undefined;

  constructor(db: Kysely<DB>, log?: FastifyBaseLogger, afterListWritten?: AfterListWritten) {
    this.#db = db;
    this.#log = log;
    this.#afterListWritten = afterListWritten;
  }

  /** Hears every step of every job of this node until the returned function is called. */
  listen(listener: ImportListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records a job for these documents and queues it behind the jobs already queued on this node;
   * answers the job as it is now (queued).
   */
  async start(documents: readonly ImportDocument[], audit: AuditContext, now: Date): Promise<UnitImportJob> {
    if (this.#closing) throw new AppError('service_unavailable');
    const job: LiveJob = {
      id: uuidv7(),
      createdAt: now,
      createdBy: audit.actorUsername,
      audit,
      status: 'queued',
      files: documents.map((d) => ({ name: d.name, kind: d.kind, status: 'waiting', rows: null })),
      docs: [...documents],
      done: 0,
      total: 0,
      error: null,
      finishedAt: null,
    };
    await insertImportJob(this.#db, { id: job.id, files: job.files, createdBy: job.createdBy, createdAt: now });
    this.#jobs.set(job.id, job);
    this.#queue = this.#queue.then(() => this.#run(job));
    return present(job, 'en');
  }

  /** The job in `lang`: this node's live view, else the database's record; undefined when unknown. */
  async get(id: string, lang: Lang, now: Date): Promise<UnitImportJob | undefined> {
    const live = this.#jobs.get(id);
    if (live) return present(live, lang);
    const row = await findImportJob(this.#db, id);
    return row ? presentRow(row, lang, now) : undefined;
  }

  /** Waits for the jobs under way; queued ones that have not started are recorded as interrupted. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#queue;
  }

  async #run(job: LiveJob): Promise<void> {
    if (this.#closing) {
      await this.#fail(job, { code: 'unit_import_interrupted' });
      return;
    }
    job.status = 'running';
    await updateImportJob(this.#db, job.id, { status: 'running' });
    this.#emit(job);
    const started = Date.now();
    // Read every file before writing anything: a file that is not what it looked like stops the job here.
    const lists: UnitList[] = [];
    for (const [i, d] of (job.docs ?? []).entries()) {
      try {
        lists.push(unitListOf(d.kind, d.doc));
      } catch (err) {
        job.files[i]!.status = 'failed';
        for (const f of job.files.slice(i + 1)) f.status = 'skipped';
        await this.#fail(job, { code: 'unit_import_invalid', params: { file: d.name, reason: reasonOf(err) } });
        return;
      }
    }
    job.docs = null;
    job.total = lists.reduce((n, l) => n + unitListRows(l), 0);
    this.#emit(job);
    for (const [i, list] of lists.entries()) {
      const file = job.files[i]!;
      file.status = 'running';
      const doneBefore = job.done;
      try {
        const rows = await unitOfWork(this.#db, async (trx) => {
          const written = await writeUnitList(trx, list, (n) => {
            job.done += n;
            this.#emit(job);
          });
          const files = job.files.map((f, k) => (k === i ? { ...f, status: 'done' as const, rows: written } : f));
          await this.#afterListWritten?.(trx, list.kind);
          await updateImportJob(trx, job.id, { files });
          await recordAudit(trx, job.audit, {
            action: 'units.import',
            entityType: 'unit_list',
            entityId: list.kind,
            after: { job: job.id, file: file.name, kind: list.kind, rows: written },
          });
          return written;
        });
        file.status = 'done';
        file.rows = rows;
      } catch (err) {
        // The list's transaction is rolled back: none of its rows stay, so none count as written.
        job.done = doneBefore;
        file.status = 'failed';
        for (const f of job.files.slice(i + 1)) f.status = 'skipped';
        this.#log?.error({ err, job: job.id, file: file.name }, 'unit list import failed');
        await this.#fail(
          job,
          err instanceof AppError ? { code: err.code, params: stringParams(err.params) } : { code: 'internal_error' },
        );
        return;
      }
    }
    job.status = 'done';
    job.finishedAt = new Date();
    await updateImportJob(this.#db, job.id, { status: 'done', files: job.files, finishedAt: job.finishedAt });
    this.#log?.info({ job: job.id, rows: job.total, ms: Date.now() - started }, 'unit lists imported');
    this.#emit(job);
    this.#forgetOld();
  }

  async #fail(job: LiveJob, error: JobError): Promise<void> {
    job.status = 'failed';
    job.error = error;
    job.docs = null;
    job.finishedAt = new Date();
    for (const f of job.files) if (f.status === 'waiting') f.status = 'skipped';
    await updateImportJob(this.#db, job.id, {
      status: 'failed',
      files: job.files,
      errorCode: error.code,
      errorParams: error.params ?? null,
      finishedAt: job.finishedAt,
    }).catch((err: unknown) => this.#log?.error({ err, job: job.id }, 'could not record the failed import'));
    this.#emit(job);
    this.#forgetOld();
  }

  #emit(job: LiveJob): void {
    if (this.#listeners.size === 0) return;
    const view = present(job, 'en');
    for (const l of this.#listeners) l(view);
  }

  #forgetOld(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.finishedAt);
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.#jobs.delete(j.id);
  }
}

/** What the parser found wrong, in a sentence: the first issue and where. */
function reasonOf(err: unknown): string {
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return issue ? `${issue.path.join('.') || '(document)'}: ${issue.message}` : 'invalid';
  }
  return err instanceof Error ? err.message : String(err);
}

function stringParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, string> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

function percent(done: number, total: number, status: UnitImportStatus): number {
  if (status === 'done') return 100;
  return total > 0 ? Math.min(99, Math.floor((done * 100) / total)) : 0;
}

function errorView(error: JobError | null, lang: Lang): UnitImportJob['error'] {
  if (!error) return null;
  return { code: error.code, message: fillTemplate(ERROR_CATALOGUE[error.code][lang], lang, error.params) };
}

function present(job: LiveJob, lang: Lang): UnitImportJob {
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt.toISOString(),
    createdBy: job.createdBy,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    progress: { done: job.done, total: job.total, percent: percent(job.done, job.total, job.status) },
    files: job.files.map((f) => ({ ...f })),
    error: errorView(job.error, lang),
  };
}

/** A job another node ran (or a node that stopped): its record, without live progress. */
function presentRow(row: UnitImportJobRow, lang: Lang, now: Date): UnitImportJob {
  const files = row.files as StoredImportFile[];
  const stale =
    (row.status === 'queued' || row.status === 'running') && now.getTime() - row.created_at.getTime() > STALE_AFTER_MS;
  const status: UnitImportStatus = stale ? 'failed' : row.status;
  const rows = files.reduce((n, f) => n + (f.status === 'done' ? (f.rows ?? 0) : 0), 0);
  const error: JobError | null = stale
    ? { code: 'unit_import_interrupted' }
    : row.error_code && Object.hasOwn(ERROR_CATALOGUE, row.error_code)
      ? { code: row.error_code as ErrorCode, params: (row.error_params as Record<string, string> | null) ?? undefined }
      : null;
  return {
    id: row.id,
    status,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    finishedAt: row.finished_at?.toISOString() ?? null,
    // The rows of the lists written so far; how far a list under way on another node is, only it knows.
    progress: { done: rows, total: status === 'done' ? rows : 0, percent: status === 'done' ? 100 : 0 },
    files: files.map((f) => ({ ...f, status: stale && f.status !== 'done' ? 'skipped' : f.status })),
    error: errorView(error, lang),
  };
}
