import { z } from 'zod';
import type { Localized } from '../i18n.js';

/**
 * The bulk import of historical doses (api-contract.md: Bulk import; issue 16): the upload's form
 * fields and answer, and the job's state as `GET /api/imports/{id}` answers it — the progress bar
 * while it runs, the summary when it ends.
 */

/** A job's states: waiting, running, ended well, ended by an error, ended by the user. */
export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** The states in words (`import_not_cancellable`'s `{state}`, the web app's badges). */
export const IMPORT_STATUS_LABELS: Readonly<Record<ImportStatus, Localized>> = Object.freeze({
  queued: { vi: 'đang chờ', en: 'queued' },
  running: { vi: 'đang chạy', en: 'running' },
  done: { vi: 'đã xong', en: 'done' },
  failed: { vi: 'bị lỗi', en: 'failed' },
  cancelled: { vi: 'đã hủy', en: 'cancelled' },
});

/** The states a job can still be cancelled in. */
export const IMPORT_CANCELLABLE_STATUSES: readonly ImportStatus[] = Object.freeze(['queued', 'running']);

/**
 * The form fields of `POST /api/imports` (multipart, beside the `file`): the facility importing
 * (whose scope the rows must be in) and whether this is a dry run (validate only, write nothing):
 * `true`/`false`, `1`/`0`, `on`/`off`, `yes`/`no`; absent: a real run.
 */
export const createImportFieldsSchema = z.object({
  facilityId: z.string().trim().min(1).max(40),
  dryRun: z.stringbool().default(false),
});
export type CreateImportFields = z.infer<typeof createImportFieldsSchema>;

/** `POST /api/imports` → 202: the job's id; its state at `GET /api/imports/{id}`. */
export const importCreatedSchema = z.object({ id: z.string() });
export type ImportCreated = z.infer<typeof importCreatedSchema>;

const count = z.number().int().min(0);

/** `GET /api/imports/{id}`: an import job, its progress and its summary. */
export const importJobSchema = z.object({
  id: z.string(),
  status: z.enum(IMPORT_STATUSES),
  /** Validate only: nothing is written, the counts say what a real run would do. */
  dryRun: z.boolean(),
  /** The uploaded file's name, as the client gave it (shown, never used to identify rows). */
  fileName: z.string(),
  /** The facility that imports. */
  facilityId: z.string(),
  /** The account that uploaded the file (absent from servers before it was added). */
  createdBy: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Data rows read so far (the header and blank rows not counted). */
  rowsRead: count,
  /** Doses written (in a dry run: that would be written). */
  imported: count,
  /** Rows refused, each for the reasons in the rejected rows' file. */
  rejected: count,
  /** Rows whose person was found already on record (by ID number). */
  matchedPeople: count,
  /** People created for rows that matched no one. */
  newPeople: count,
  /** New people flagged as possible duplicates of another record (same name, date of birth and phone). */
  duplicatesFlagged: count,
  /** Rows whose dose was already on record from an earlier import (same person, day and vaccine). */
  skippedAlreadyImported: count,
  /** Rejected rows by reason code (a row counts once for each of its codes). */
  rejectedByReason: z.record(z.string(), count),
  /**
   * The same by reason and by the column at fault (column keys as in the template's columns):
   * `{"import_value_required": {"administeredOn": 12}}`. Absent from servers before it was added.
   */
  rejectedByColumn: z.record(z.string(), z.record(z.string(), count)).optional(),
  /** Rows read per second: since the start while running, over the whole run once ended (0 before the first rows). */
  rowsPerSecond: z.number().min(0),
  /** Seconds left at that speed; null while unknown (no total, or no speed yet) and once ended. */
  secondsLeft: z.number().min(0).nullable(),
  /** The file's data rows when known (an XLSX tells its size; a CSV is known once read); null until then. */
  totalRows: count.nullable(),
  /** Why the job failed; null unless `failed`. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

/**
 * `GET /api/imports`: the imports of the caller's units (a site's own, a district's sites', a
 * province's…), newest first, a page at a time — so that a clerk who left the screen finds a
 * running import again, and sees those a colleague or the command line started.
 */
export const listImportsQuerySchema = z.object({
  /** The page after the one that answered `nextBefore`: imports uploaded before that one. */
  before: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListImportsQuery = z.infer<typeof listImportsQuerySchema>;

/** A page of imports; `nextBefore` asks for the next one (null: no more). */
export const importListSchema = z.object({
  items: z.array(importJobSchema),
  nextBefore: z.string().nullable(),
});
export type ImportList = z.infer<typeof importListSchema>;
