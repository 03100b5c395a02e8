import {
  IMPORT_CANCELLABLE_STATUSES,
  IMPORT_STATUS_LABELS,
  type ImportHeader,
  type ImportJob,
  type ImportList,
  type ImportRejection,
  isLineEnd,
  type Lang,
  type ListImportsQuery,
  matchHeader,
  rejectedHeaderRow,
  rejectedRow,
  uuidv7,
} from '@tiemchung/core';
import type { ImportJobRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, requireScope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import ExcelJS from '../../lib/exceljs.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { requireActiveFacility } from '../facilities/facilities.service.js';
import * as q from './imports.queries.js';

/**
 * The bulk import of historical doses (issue 16): the jobs as the API sees them. A file is
 * stored in the database with its job (`POST /api/imports` answers 202 at once); the runner
 * (imports.job.ts) reads it in the background on whichever node holds the job's lease.
 */

/** The largest file taken: 1,000,000 rows of the template are about 100 MB of CSV. */
export const IMPORT_FILE_MAX_BYTES = 128 * 1024 * 1024;
/** The size of the chunks a file is stored in. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

/** The error for a file over the limit. */
export function fileTooLarge(): AppError {
  return new AppError('import_file_too_large', {
    field: 'file',
    params: { maxMegabytes: IMPORT_FILE_MAX_BYTES / (1024 * 1024) },
  });
}

/** A ZIP's local file header ("PK\x03\x04"): an XLSX. */
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04] as const;
/** The OLE2 compound file signature: an old Excel .xls (or another Office 97–2003 document). */
const OLE2_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

const startsWith = (b: Uint8Array, signature: readonly number[]) => signature.every((byte, i) => b[i] === byte);

/** The line (1 = the first) of the byte at `at`: line ends before it counted as the CSV reader counts them. */
function lineAt(b: Buffer, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (isLineEnd(b[i]!, b[i + 1])) line++;
  return line;
}

/**
 * What the file is, from its bytes (a name can lie, an extension can be missing): an XLSX is a ZIP
 * ("PK\x03\x04"); anything else must be CSV text. Refused at once: an old Excel .xls (the OLE2
 * signature) 415 `import_file_type_unsupported`; a UTF-16 text (its byte-order mark: Excel's
 * "Unicode Text") 400 `import_file_not_utf8` at line 1; and a file with a NUL byte anywhere (no
 * UTF-8 text has one: a binary or damaged file) 415 `import_file_binary`, naming its line. Whether
 * the rest is UTF-8 the job finds out as it reads (`import_file_not_utf8` with the line).
 */
export function fileKindOf(bytes: Uint8Array): 'csv' | 'xlsx' {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(b, ZIP_SIGNATURE)) return 'xlsx';
  if (startsWith(b, OLE2_SIGNATURE)) throw new AppError('import_file_type_unsupported', { field: 'file' });
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))
    throw new AppError('import_file_not_utf8', { field: 'file', params: { line: 1 } });
  const nul = b.indexOf(0);
  if (nul >= 0) throw new AppError('import_file_binary', { field: 'file', params: { line: lineAt(b, nul) } });
  return 'csv';
}

/** An uploaded import file. */
export interface UploadedFile {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Records a job for the file: the facility must exist, be active and be within the caller's units
 * (403 `out_of_scope` otherwise: a site imports for itself, a district for its sites, a province
 * for its districts); the file is stored in chunks beside the job, and the caller (their scope,
 * which the rows are checked against) with it. Audited.
 */
export async function createImport(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { facilityId: string; dryRun: boolean; file: UploadedFile },
  now: Date,
): Promise<{ id: string }> {
  const facility = await requireActiveFacility(trx, input.facilityId);
  requireScope(
    actor,
    {
      provinceCode: facility.province_code,
      districtCode: facility.district_code,
      communeCode: facility.commune_code,
      facilityId: facility.id,
    },
    'facilityId',
  );
  if (input.file.bytes.length === 0) throw new AppError('import_file_empty', { field: 'file' });
  if (input.file.bytes.length > IMPORT_FILE_MAX_BYTES) throw fileTooLarge();
  const kind = fileKindOf(input.file.bytes);
  const id = uuidv7(now.getTime());
  await q.insertJob(trx, {
    id,
    status: 'queued',
    dry_run: input.dryRun,
    file_name: input.file.name.slice(0, 255),
    file_kind: kind,
    file_size: input.file.bytes.length,
    facility_id: facility.id,
    province_code: facility.province_code,
    district_code: facility.district_code,
    commune_code: facility.commune_code,
    created_by: actor.id,
    created_by_username: actor.username,
    actor_scope: JSON.stringify(actor),
    header: null,
    total_rows: null,
    lease_owner: null,
    lease_until: null,
    error_code: null,
    error_message: null,
    started_at: null,
    finished_at: null,
  });
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < input.file.bytes.length; at += IMPORT_CHUNK_BYTES) {
    chunks.push(input.file.bytes.subarray(at, at + IMPORT_CHUNK_BYTES));
  }
  await q.insertChunks(trx, id, chunks);
  await recordAudit(trx, audit, {
    action: 'import.create',
    entityType: 'import',
    entityId: id,
    after: {
      fileName: input.file.name,
      size: input.file.bytes.length,
      kind,
      facilityId: facility.id,
      dryRun: input.dryRun,
    },
  });
  return { id };
}

/** The job's units, for scope checks. */
function unitsOf(job: ImportJobRow) {
  return {
    provinceCode: job.province_code,
    districtCode: job.district_code,
    communeCode: job.commune_code,
    facilityId: job.facility_id,
  };
}

/** The job, when it is within the caller's units; 404 `import_not_found` otherwise (as for an unknown id). */
export async function importFor(db: Executor, actor: Actor, id: string, lock = false): Promise<ImportJobRow> {
  const job = lock ? await q.lockJob(db, id) : await q.findJob(db, id);
  if (!job || !covers(actor.scope, unitsOf(job))) throw new AppError('import_not_found');
  return job;
}

/**
 * The rows per second from the job's start to now (to its end, once it has ended), and while it
 * runs the seconds left at that speed when the total is known.
 */
function speedOf(job: ImportJobRow, now: Date): { rowsPerSecond: number; secondsLeft: number | null } {
  if (!job.started_at || job.rows_read === 0) return { rowsPerSecond: 0, secondsLeft: null };
  const end = job.status === 'running' || !job.finished_at ? now : new Date(job.finished_at);
  const seconds = Math.max(0.001, (end.getTime() - new Date(job.started_at).getTime()) / 1000);
  const rowsPerSecond = job.rows_read / seconds;
  const secondsLeft =
    job.status === 'running' && job.total_rows !== null
      ? Math.max(0, (job.total_rows - job.rows_read) / rowsPerSecond)
      : null;
  return { rowsPerSecond: Math.round(rowsPerSecond * 10) / 10, secondsLeft };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The job as `GET /api/imports/{id}` answers it (importJobSchema), a failure's message in `lang`. */
export function presentImport(job: ImportJobRow, now: Date, lang: Lang = 'vi'): ImportJob {
  return {
    id: job.id,
    status: job.status,
    dryRun: job.dry_run,
    fileName: job.file_name,
    facilityId: job.facility_id,
    createdBy: job.created_by_username,
    createdAt: iso(job.created_at)!,
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
    rowsRead: job.rows_read,
    imported: job.imported,
    rejected: job.rejected,
    matchedPeople: job.matched_people,
    newPeople: job.new_people,
    duplicatesFlagged: job.duplicates_flagged,
    skippedAlreadyImported: job.skipped_already_imported,
    rejectedByReason: (job.rejected_by_reason ?? {}) as Record<string, number>,
    rejectedByColumn: (job.rejected_by_column ?? {}) as Record<string, Record<string, number>>,
    ...speedOf(job, now),
    totalRows: job.total_rows,
    error:
      job.status === 'failed' && job.error_code
        ? {
            code: job.error_code,
            message: (lang === 'en' ? job.error_message_en : null) ?? job.error_message ?? job.error_code,
          }
        : null,
  };
}

/** A page of the imports of the caller's units, newest first (`GET /api/imports`). */
export async function listImports(
  db: Executor,
  actor: Actor,
  query: ListImportsQuery,
  now: Date,
  lang: Lang,
): Promise<ImportList> {
  const rows = await q.listJobs(db, actor.scope, { ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((job) => presentImport(job, now, lang)),
    nextBefore: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}

/**
 * Cancels a job waiting or running (409 `import_not_cancellable` once it has ended). The job's row
 * is locked: a runner's batch holds the same lock, so a cancel lands between two batches, and the
 * runner stops at the next (the batches committed stay, as an uninterrupted run would have left them).
 */
export async function cancelImport(trx: Trx, actor: Actor, audit: AuditContext, id: string, now: Date) {
  const job = await importFor(trx, actor, id, true);
  if (!IMPORT_CANCELLABLE_STATUSES.includes(job.status)) {
    const state = IMPORT_STATUS_LABELS[job.status];
    throw new AppError('import_not_cancellable', { params: { state } });
  }
  await q.updateJob(trx, id, {
    status: 'cancelled',
    cancel_requested: true,
    finished_at: now,
    lease_owner: null,
    lease_until: null,
  });
  await q.deleteRunData(trx, id);
  await recordAudit(trx, audit, {
    action: 'import.cancel',
    entityType: 'import',
    entityId: id,
    before: { status: job.status },
    after: { status: 'cancelled' },
  });
  return (await q.findJob(trx, id))!;
}

/** The header the job read, or the template's when the file's header was never read. */
function headerOf(job: ImportJobRow): ImportHeader {
  const cells = Array.isArray(job.header) ? (job.header as string[]) : [];
  return matchHeader(cells).header;
}

/**
 * The rejected rows' file (XLSX): the original header and cells of each row refused, the row's
 * number in the original file and the reasons in Vietnamese — a clerk fixes them and imports this
 * file again (the two added columns are ignored then). Read in pages: memory stays flat.
 */
export async function rejectedXlsx(db: Executor, job: ImportJobRow): Promise<Buffer> {
  const header = headerOf(job);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tiêm chủng';
  const ws = wb.addWorksheet('Dòng bị từ chối', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(rejectedHeaderRow(header, 'vi')).font = { bold: true };
  let after = 0;
  for (;;) {
    const page = await q.listRejectedRows(db, job.id, after, 1000);
    for (const r of page) {
      const row = ws.addRow(
        rejectedRow(header, r.cells as unknown[], r.row_number, r.reasons as ImportRejection[], 'vi'),
      );
      row.getCell(header.cells.length + 2).alignment = { wrapText: true, vertical: 'top' };
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.row_number;
  }
  ws.getColumn(header.cells.length + 2).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
