import { randomUUID } from 'node:crypto';
import {
  type CreatePersonBody,
  CsvError,
  CsvReader,
  type CsvRow,
  catalogueMessage,
  cellsByColumn,
  cellText,
  countByColumn,
  countByReason,
  type ErrorParams,
  fileFaultReason,
  IDENTITY_RULE_FROM,
  IMPORT_MAX_COLUMNS,
  type ImportColumnKey,
  type ImportHeader,
  type ImportRejection,
  type ImportRejectionCode,
  type ImportRow,
  importPersonKey,
  importRowKey,
  isBlankRow,
  isLineEnd,
  type Localized,
  localizedNumber,
  matchHeader,
  nameSearchKey,
  parseImportRow,
  vietnamDay,
} from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, DoseRow, ImportJobRow, PersonRow } from '../../db/schema.js';
import { type Trx, unitOfWork, withSavepoint } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import {
  chunkedFile,
  firstSheetRows,
  type RandomAccessFile,
  type SheetRow,
  XlsxFileError,
} from '../../lib/xlsx-rows.js';
import { type AuditContext, type AuditEntry, actorAuditContext } from '../audit/audit.service.js';
import {
  countedDosesOf,
  countedDosesOfPeople,
  planDosesInBulk,
  type RecordDoseInput,
  recordDose,
  writePlannedDoses,
} from '../doses/doses.service.js';
import {
  createPeopleInBulk,
  createPerson,
  duplicateCheck,
  findPeopleByIdOrOldNumbers,
  findPeopleByNameDobPhone,
  findPersonByIdNumber,
  lockPeopleByIdOrOldNumbers,
  type NewPersonPlan,
  type PeopleDeps,
  planNewPerson,
  plannedPerson,
  planReverification,
  type Reverification,
  reverifyPerson,
} from '../people/people.service.js';
import * as q from './imports.queries.js';
import { createImport, type UploadedFile } from './imports.service.js';

/**
 * The runner of the bulk imports (issue 16). A node takes the oldest job waiting — or one whose
 * runner's lease has expired (a node that stopped) — and reads its stored file from the start,
 * streaming (CSV through core's CsvReader, XLSX through exceljs's streaming reader: memory stays
 * flat whatever the size), skipping the `position` data rows already committed. Rows go in
 * batches; each batch is ONE transaction that writes its rows and advances `position` and the
 * counters with them, so a run stopped anywhere resumes at the first row not committed and ends
 * in the state an uninterrupted run would have (no row lost, none doubled).
 *
 * Each row goes through the rules of staff entry, through the modules that own them: core's
 * `parseImportRow` (every reason at once); the person found by ID number (people service), a
 * record without one matched by name + date of birth + phone or kept as a new legacy record, new
 * people checked against the registry and flagged as duplicate candidates as at the desk; the dose
 * through `recordDose` — the function `POST /api/people/{id}/doses` uses: scope, facility, lot,
 * dose rules, the 1 Nov 2021 identity rule (earlier doses are retroactive entries), numbering,
 * audit entry and statistics marks. A row is all or nothing (a savepoint): a person created for a
 * row whose dose is refused is undone with it. A row whose key (person + date + vaccine) was
 * imported before, or whose dose is already on record, is counted as skipped, not as an error.
 *
 * A dry run does all of this and rolls each batch back, keeping only the job's counters, its
 * rejected rows and the rows it accepted — which its later batches replay first, uncounted, for the
 * same people ({@link dryRunReplay}), so that it answers as the real run would. A cancel (imports.service.ts) takes the job's lock: the runner stops at its next
 * batch.
 */

export interface ImportRunOptions {
  /** Who runs (the lease's owner); a fresh id per call by default. */
  readonly owner?: string;
  /** Rows per transaction: the number, or the most when `batchTargetMs` is set. */
  readonly batchSize?: number;
  /**
   * On the embedded database: the time a batch's transaction should take, the rows of each batch
   * following the time the last one took ({@link BatchSizer}; IMPORTS_BATCH_TARGET_MS, 250 ms by
   * default: the staff's requests wait for it, and must be served well within the connection
   * queue's wait of 2 s).
   */
  readonly batchTargetMs?: number;
  /** How long a lease lasts without a batch renewing it. */
  readonly leaseMs?: number;
  /** Stops after this many batches, the job left as it is (tests: a node stopped mid-file). */
  readonly maxBatches?: number;
  /** Aborted when the node shuts down: the runner stops between two batches (another node, or this one restarted, resumes). */
  readonly signal?: AbortSignal;
}

export const IMPORT_BATCH_SIZE = 2000;
/** The most rows per transaction on the embedded database (whose one connection a batch holds). */
export const IMPORT_BATCH_SIZE_EMBEDDED = 200;
/**
 * The rows of each batch. Fixed on PostgreSQL, whose pool keeps other connections for the staff's
 * requests. On the embedded database a batch's transaction holds the one connection, and rows
 * take very different times — a person known by ID number goes in bulk, a record without one is
 * matched and checked one by one (≈ 25 ms a row there, 2026-12-03: 200 such rows held the
 * connection ≈ 5 s, and every request waiting meanwhile got 503): the next batch takes as many
 * rows as the last one's pace fits in `targetMs`, at most twice as many as the last, at least
 * {@link BatchSizer.MIN}, at most `max`.
 */
export class BatchSizer {
  static readonly MIN = 5;
  /** The first batch's rows when the pace is not known yet. */
  static readonly FIRST = 5;
  #size: number;

  constructor(
    readonly max: number,
    readonly targetMs?: number,
  ) {
    this.#size = targetMs === undefined ? max : Math.min(max, BatchSizer.FIRST);
  }

  /** The rows of the next batch. */
  get size(): number {
    return this.#size;
  }

  /** A batch of `rows` rows took `ms` milliseconds. */
  took(rows: number, ms: number): void {
    if (this.targetMs === undefined || rows <= 0) return;
    const fits = Math.floor((this.targetMs * rows) / Math.max(ms, 1));
    this.#size = Math.max(BatchSizer.MIN, Math.min(this.max, 2 * this.#size, fits));
  }
}
export const IMPORT_LEASE_MS = 5 * 60_000;

/** A data row of the file: its number as a spreadsheet shows it, and its cells. */
interface FileRow {
  readonly rowNumber: number;
  readonly cells: unknown[];
}

/** The counters one batch adds to the job. */
interface Tally {
  rowsRead: number;
  imported: number;
  rejected: number;
  matchedPeople: number;
  newPeople: number;
  duplicatesFlagged: number;
  skipped: number;
  byReason: Record<string, number>;
  /** By reason and by the column at fault (a row counts once for each pair). */
  byColumn: Record<string, Record<string, number>>;
  rejectedRows: { job_id: string; row_number: number; cells: string; reasons: string }[];
  /** A dry run's rows imported (and undone): replayed by its later batches for the same people. */
  accepted: { job_id: string; row_number: number; person_key: string; cells: string }[];
}

type RowOutcome =
  | { readonly kind: 'imported'; readonly person: 'matched' | 'new'; readonly flagged: boolean }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'rejected'; readonly reasons: readonly ImportRejection[] };

interface RunContext {
  readonly job: ImportJobRow;
  readonly actor: Actor;
  readonly audit: AuditContext;
  readonly deps: PeopleDeps;
  readonly header: ImportHeader;
  readonly today: string;
}

/** Ends a dry run's batch transaction without committing, carrying what the batch counted. */
class RolledBack extends Error {
  constructor(readonly tally: Tally) {
    super('rolled back');
  }
}

/**
 * Runs the imports waiting, one after another, until none is left (or `maxBatches` is reached);
 * answers how many jobs it worked on. app.ts runs it periodically; tests call it (harness
 * `runImportsNow`).
 */
export async function runImports(db: Kysely<DB>, deps: PeopleDeps, options: ImportRunOptions = {}): Promise<number> {
  const owner = options.owner ?? `runner-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? IMPORT_LEASE_MS;
  const budget = {
    remaining: options.maxBatches ?? Number.POSITIVE_INFINITY,
    get batches() {
      return options.signal?.aborted ? 0 : this.remaining;
    },
    set batches(n: number) {
      this.remaining = n;
    },
  };
  let jobs = 0;
  for (;;) {
    if (budget.batches <= 0) return jobs;
    const now = deps.clock();
    const job = await q.claimJob(db, owner, now, new Date(now.getTime() + leaseMs));
    if (!job) return jobs;
    jobs++;
    const sizer = new BatchSizer(options.batchSize ?? IMPORT_BATCH_SIZE, options.batchTargetMs);
    await runJob(db, deps, job, { owner, leaseMs, sizer, budget });
  }
}

async function runJob(
  db: Kysely<DB>,
  deps: PeopleDeps,
  claimed: ImportJobRow,
  o: { owner: string; leaseMs: number; sizer: BatchSizer; budget: { batches: number } },
): Promise<void> {
  // Started under the job's lock: a cancel that came in since the claim is seen here.
  const job = await unitOfWork(db, async (trx) => {
    const current = await q.lockJob(trx, claimed.id);
    if (!current || current.lease_owner !== o.owner || !['queued', 'running'].includes(current.status)) return;
    if (current.status === 'queued')
      await q.updateJob(trx, current.id, { status: 'running', started_at: deps.clock() });
    return q.findJob(trx, current.id);
  });
  if (!job) return;
  const actor = job.actor_scope as Actor;
  const audit = actorAuditContext(actor, `import:${job.id}`, null);
  let header: ImportHeader | null = null;
  let skip = job.position;
  let batch: FileRow[] = [];
  let seen = 0;
  try {
    // How many rows the file has, counted once before the first batch (a quick read: no row is
    // checked), so that the progress shows the time left.
    if (job.total_rows === null) {
      const total = await countDataRows(db, job);
      if (total > 0) await q.updateJob(db, job.id, { total_rows: total });
    }
    for await (const row of fileRows(db, job)) {
      if (isBlankRow(row.cells)) continue;
      if (!header) {
        const match = matchHeader(row.cells.map((c) => cellText(c)));
        if (!match.ok) {
          await finish(db, job.id, o.owner, {
            status: 'failed',
            error_code: match.error.code,
            error_message: match.error.message.vi,
            error_message_en: match.error.message.en,
          });
          return;
        }
        header = match.header;
        if (job.header === null) await q.updateJob(db, job.id, { header: JSON.stringify(header.cells) });
        continue;
      }
      seen++;
      if (skip > 0) {
        skip--;
        continue;
      }
      // Cells past the header's last named one are under no column: neither read nor kept.
      batch.push(
        row.cells.length > header.cells.length ? { ...row, cells: row.cells.slice(0, header.cells.length) } : row,
      );
      if (batch.length >= o.sizer.size) {
        if (o.budget.batches <= 0) return;
        const ctx = { job, actor, audit, deps, header, today: vietnamDay(deps.clock()) };
        if (!(await commitBatch(db, ctx, batch, o))) return;
        o.budget.batches--;
        batch = [];
      }
    }
    if (!header) {
      await finish(db, job.id, o.owner, failure('import_file_empty', {}));
      return;
    }
    if (batch.length) {
      if (o.budget.batches <= 0) return;
      const ctx = { job, actor, audit, deps, header, today: vietnamDay(deps.clock()) };
      if (!(await commitBatch(db, ctx, batch, o))) return;
      o.budget.batches--;
    }
    if (seen === 0) {
      await finish(db, job.id, o.owner, failure('import_file_empty', {}));
      return;
    }
    await finish(db, job.id, o.owner, { status: 'done', total_rows: seen });
  } catch (err) {
    // The database busy or unreachable for a moment (503 from the connection queue, a connection
    // lost): the job is not failed — its lease is given back, so this node's next round or another
    // node resumes it at the first row not committed. The caller logs the error.
    if (isTransient(err)) {
      await q.releaseLease(db, job.id, o.owner).catch(() => {});
      throw err;
    }
    // A file that cannot be read (not UTF-8, a quote never closed, a broken ZIP) fails the job
    // with the reader's words; anything else is the server's fault: logged by the caller.
    const fileFault = fileFailure(err);
    await finish(db, job.id, o.owner, fileFault ?? failure('internal_error', {}));
    if (!fileFault) throw err;
  }
}

/** The failure of a file that cannot be read, or undefined when the error is not the file's. */
function fileFailure(err: unknown): ReturnType<typeof failure> | undefined {
  if (err instanceof NotUtf8Error) return failure('import_file_not_utf8', { line: err.line });
  if (!isReaderError(err)) return undefined;
  return failure('import_file_unreadable', { reason: readerFault(err) });
}

/** What a reader's error says to the clerk, in both languages (core's IMPORT_FILE_FAULTS). */
function readerFault(err: unknown): Localized {
  if (err instanceof CsvError) {
    return err.code === 'csv_row_too_long'
      ? fileFaultReason('csv_row_too_long', { maxRowChars: localizedNumber(err.params.maxRowChars ?? 0) })
      : fileFaultReason('csv_unterminated_quote', { start: err.params.start ?? '' });
  }
  if (err instanceof XlsxFileError) return err.reason;
  // unzipper's or exceljs's own words for a ZIP or a part it cannot read.
  return fileFaultReason('xlsx_damaged');
}

/** The data rows of the stored file: its non-blank rows after the header row. */
async function countDataRows(db: Kysely<DB>, job: ImportJobRow): Promise<number> {
  let rows = 0;
  for await (const row of fileRows(db, job)) if (!isBlankRow(row.cells)) rows++;
  return Math.max(0, rows - 1);
}

/** A failed job's end: the catalogue's code and its message in both languages. */
function failure<C extends 'import_file_empty' | 'import_file_unreadable' | 'import_file_not_utf8' | 'internal_error'>(
  code: C,
  params: ErrorParams<C>,
): { status: 'failed'; error_code: string; error_message: string; error_message_en: string } {
  const message = catalogueMessage(code, params);
  return { status: 'failed', error_code: code, error_message: message.vi, error_message_en: message.en };
}

/** Errors that pass: the connection queue's 503, a connection refused, reset or closed by the server. */
function isTransient(err: unknown): boolean {
  if (err instanceof AppError) return err.status === 503;
  const code = String((err as { code?: unknown }).code ?? '');
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|08\w{3}|57P0[123])$/.test(code);
}

/** CSV's and the ZIP/XLSX reader's errors: the file's fault, not the server's. */
function isReaderError(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return (
    name === 'CsvError' ||
    name === 'XlsxFileError' ||
    /zip|signature|xlsx|end of central directory/i.test(String((err as Error).message))
  );
}

/** Ends a job this runner holds (unless it was cancelled meanwhile): its status, its file dropped. */
async function finish(
  db: Kysely<DB>,
  id: string,
  owner: string,
  set: {
    status: 'done' | 'failed';
    error_code?: string;
    error_message?: string | null;
    error_message_en?: string | null;
    total_rows?: number;
  },
): Promise<void> {
  await unitOfWork(db, async (trx) => {
    const job = await q.lockJob(trx, id);
    if (job?.status !== 'running' || job.lease_owner !== owner) return;
    await q.updateJob(trx, id, { ...set, finished_at: new Date(), lease_owner: null, lease_until: null });
    await q.deleteRunData(trx, id);
  });
}

/**
 * One batch in one transaction: the job's row locked (a cancel or another runner waits, and is
 * seen: the batch is then not run), every row, then `position` and the counters. A dry run rolls
 * the rows back and writes the counters alone. False when the job is no longer this runner's to run.
 */
async function commitBatch(
  db: Kysely<DB>,
  ctx: RunContext,
  rows: readonly FileRow[],
  o: { owner: string; leaseMs: number; sizer: BatchSizer },
): Promise<boolean> {
  /** Locks the job; false when it is no longer this runner's (cancelled, or taken over after the lease expired). */
  const ours = async (trx: Trx) => {
    const job = await q.lockJob(trx, ctx.job.id);
    return job && job.status === 'running' && job.lease_owner === o.owner ? job : undefined;
  };
  // Before the transaction, as a route does: the rows read and checked, and the registry asked
  // about the new people (network calls, in parallel) — no lock is held meanwhile.
  const read = rows.map((file) => checkedRow(ctx, file));
  const replay = ctx.job.dry_run ? (await dryRunReplay(db, ctx, read)).map((file) => checkedRow(ctx, file)) : [];
  const prepared = await prepareBatch(db, ctx, [...replay, ...read], replay.length);
  const started = performance.now();
  try {
    const committed = await unitOfWork(db, async (trx) => {
      const job = await ours(trx);
      if (!job) return false;
      const t = await importRows(trx, ctx, prepared);
      if (ctx.job.dry_run) throw new RolledBack(t);
      await q.insertRejectedRows(trx, t.rejectedRows);
      await addTally(trx, job, t, rows.length, o, ctx.deps.clock());
      return true;
    });
    o.sizer.took(rows.length, performance.now() - started);
    return committed;
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    o.sizer.took(rows.length, performance.now() - started);
    // A dry run: the rows are undone; the counters and the rejected rows are the job's own, kept.
    const t = err.tally;
    return unitOfWork(db, async (trx) => {
      const job = await ours(trx);
      if (!job) return false;
      await q.insertRejectedRows(trx, t.rejectedRows);
      await q.insertDryRows(trx, t.accepted);
      await addTally(trx, job, t, rows.length, o, ctx.deps.clock());
      return true;
    });
  }
}

/**
 * A dry run's batch, before its rows: the rows earlier batches accepted for the same people (by
 * core's importPersonKey), in the file's order — replayed first in the batch's transaction and not
 * counted, so that its rows are checked against what the real run would have written by then (the
 * person created, their earlier doses), as the real run checks them.
 */
async function dryRunReplay(db: Kysely<DB>, ctx: RunContext, rows: readonly PreparedRow[]): Promise<FileRow[]> {
  const keys = new Set<string>();
  const numbers: string[] = [];
  for (const { parsed } of rows) {
    if (!parsed.ok) continue;
    keys.add(importPersonKey(parsed.row));
    if (parsed.row.idNumber) numbers.push(parsed.row.idNumber);
  }
  // A person on record is named by their number or by their old one: an earlier batch's rows under
  // either are theirs (as the real run matches both to them).
  for (const p of (await findPeopleByIdOrOldNumbers(db, numbers)).values()) {
    for (const n of [p.id_number, p.old_id_number])
      if (n)
        keys.add(importPersonKey({ idNumber: n, fullName: p.full_name, dateOfBirth: p.date_of_birth, phone: null }));
  }
  const earlier = await q.dryRowsOf(db, ctx.job.id, [...keys]);
  return earlier.map((r) => ({ rowNumber: r.row_number, cells: r.cells as unknown[] }));
}

/** Adds the counts of `from` to `into`, key by key; answers `into`. */
function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): Record<string, number> {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  return into;
}

async function addTally(
  trx: Trx,
  job: ImportJobRow,
  t: Tally,
  rows: number,
  o: { leaseMs: number },
  now: Date,
): Promise<void> {
  const byReason = addCounts({ ...((job.rejected_by_reason ?? {}) as Record<string, number>) }, t.byReason);
  const byColumn = structuredClone((job.rejected_by_column ?? {}) as Record<string, Record<string, number>>);
  for (const [code, columns] of Object.entries(t.byColumn)) byColumn[code] = addCounts(byColumn[code] ?? {}, columns);
  await q.updateJob(trx, job.id, {
    position: job.position + rows,
    rows_read: job.rows_read + t.rowsRead,
    imported: job.imported + t.imported,
    rejected: job.rejected + t.rejected,
    matched_people: job.matched_people + t.matchedPeople,
    new_people: job.new_people + t.newPeople,
    duplicates_flagged: job.duplicates_flagged + t.duplicatesFlagged,
    skipped_already_imported: job.skipped_already_imported + t.skipped,
    rejected_by_reason: JSON.stringify(byReason),
    rejected_by_column: JSON.stringify(byColumn),
    lease_until: new Date(now.getTime() + o.leaseMs),
  });
}

/** A row of a batch, read and checked before the batch's transaction. */
interface PreparedRow {
  readonly file: FileRow;
  readonly parsed: ReturnType<typeof parseImportRow>;
}

/** A row of the file read and checked by core's rules of an import row (once per row). */
function checkedRow(ctx: RunContext, file: FileRow): PreparedRow {
  return { file, parsed: parseImportRow(cellsByColumn(ctx.header, file.cells), { today: ctx.today }) };
}

/**
 * A batch before its transaction: its rows checked, the people known by ID number (or old ID
 * number, as `findPersonByIdNumber` finds one), and the plans of the new ones.
 */
interface PreparedBatch {
  readonly rows: readonly PreparedRow[];
  /** The first row of each new ID number, planned as a registration (or refused, with the error). */
  readonly plans: ReadonlyMap<string, NewPersonPlan | AppError>;
  /** People on record never checked against the registry who have a dose under the identity rule here: the registry's answer, by person id. */
  readonly reverify: ReadonlyMap<string, Reverification>;
  /** The ID numbers with a dose here that the identity rule of 1 Nov 2021 applies to. */
  readonly underRule: ReadonlySet<string>;
  /** A dry run's: how many of the first rows are replays of earlier batches' (not counted). */
  readonly replayed: number;
}

/** Registry look-ups of a batch in flight at once. */
const PLAN_CONCURRENCY = 8;

async function prepareBatch(
  db: Kysely<DB>,
  ctx: RunContext,
  prepared: readonly PreparedRow[],
  replayed = 0,
): Promise<PreparedBatch> {
  const firstOf = new Map<string, ImportRow>();
  // ID numbers with a dose the identity rule of 1 Nov 2021 applies to.
  const underRule = new Set<string>();
  for (const { parsed } of prepared) {
    if (!parsed.ok || !parsed.row.idNumber) continue;
    const id = parsed.row.idNumber;
    if (!firstOf.has(id)) firstOf.set(id, parsed.row);
    if (parsed.row.administeredOn >= IDENTITY_RULE_FROM) underRule.add(id);
  }
  // Known by the number, or by it as their old number (a CMND a CCCD replaced), as a row taken
  // one by one finds them: such a row is the person's, not a new person's.
  const known = await findPeopleByIdOrOldNumbers(db, [...firstOf.keys()]);
  const toPlan = [...firstOf.values()].filter((r) => !known.has(r.idNumber!));
  const plans = new Map<string, NewPersonPlan | AppError>();
  // A new person with only earlier doses here is created unverified and checked later by the
  // re-check job (as the desk flags a retroactive entry): a registry call per person would bound
  // the import's speed by the registry's. One with a dose under the rule is checked now.
  await inParallel(toPlan, async (row) => {
    const id = row.idNumber!;
    try {
      plans.set(
        id,
        await planNewPerson(db, ctx.deps, ctx.actor, personBody(row), {
          registeredFacilityId: row.facilityId,
          deferVerification: !underRule.has(id),
          idNumberChecked: true,
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      plans.set(id, err);
    }
  });
  // A person on record never checked (created so by an earlier batch or import) with a dose under
  // the rule here: checked now, as their creation would have been — once per person, who may be
  // known here by two numbers (theirs and their old one).
  const reverify = new Map<string, Reverification>();
  const unchecked = [
    ...new Map(
      [...known]
        .filter(([id, p]) => p.verification_status === 'pending' && p.id_type !== 'passport' && underRule.has(id))
        .map(([, p]) => [p.id, p]),
    ).values(),
  ];
  await inParallel(unchecked, async (p) => {
    reverify.set(p.id, await planReverification(db, ctx.deps, p.id));
  });
  return { rows: prepared, plans, reverify, underRule, replayed };
}

/** Runs `work` on every item, PLAN_CONCURRENCY at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_CONCURRENCY, items.length) }, worker));
}

/** A row's person as a registration at the desk would have it. */
function personBody(row: ImportRow): CreatePersonBody {
  return {
    fullName: row.fullName,
    dateOfBirth: row.dateOfBirth,
    gender: row.gender,
    idNumber: row.idNumber ?? '',
    ...(row.idType ? { idType: row.idType } : {}),
    phone: row.phone ?? '',
    provinceCode: row.provinceCode,
    ...(row.districtCode ? { districtCode: row.districtCode } : {}),
    ...(row.communeCode ? { communeCode: row.communeCode } : {}),
  };
}

/**
 * A batch's rows, in bulk where they are ordinary — a person known by ID number or old ID number
 * (locked) or new with a registration planned, a dose that becomes the person's latest — and one
 * by one (`importRow`, the path of every rule's slower branch) where not: rows without an ID
 * number, a key seen twice in the batch (or a person's dose named again by their other number), a
 * new ID number whose registration was refused, a dose that
 * renumbers earlier ones (and that person's later rows). The bulk rows take a
 * handful of statements for the batch: the keys, the locks, the doses on record, the people
 * created, the doses with their audit entries and marks, the keys written.
 */
async function importRows(trx: Trx, ctx: RunContext, batch: PreparedBatch): Promise<Tally> {
  const t: Tally = {
    rowsRead: 0,
    imported: 0,
    rejected: 0,
    matchedPeople: 0,
    newPeople: 0,
    duplicatesFlagged: 0,
    skipped: 0,
    byReason: {},
    byColumn: {},
    rejectedRows: [],
    accepted: [],
  };
  const n = batch.rows.length;
  const now = ctx.deps.clock();
  const outcomes: (RowOutcome | undefined)[] = new Array(n);
  const oneByOne: number[] = [];
  const keys: (string | undefined)[] = batch.rows.map(({ parsed }) =>
    parsed.ok ? importRowKey(parsed.row) : undefined,
  );
  const present = await q.rowKeysPresent(
    trx,
    keys.filter((k): k is string => k !== undefined),
  );

  // The people on record for the rows' ID numbers — holding the number, or keeping it as their
  // old one (as `findPersonByIdNumber` finds them) —, read under their locks (in id order).
  const idNumbers = batch.rows.flatMap(({ parsed }) => (parsed.ok && parsed.row.idNumber ? [parsed.row.idNumber] : []));
  const locked = await lockPeopleByIdOrOldNumbers(trx, idNumbers);
  // A person may be known here by two numbers (theirs and their old one): decided once, by person id.
  const lockedPeople = new Map([...locked.values()].map((p) => [p.id, p]));
  const underRule = new Set([...locked].flatMap(([id, p]) => (batch.underRule.has(id) ? [p.id] : [])));
  // Rows of a person never checked, with a dose under the identity rule here, whom the batch's
  // preparation did not see (created since by someone else — another import, the desk): one by
  // one, where the person is checked before the dose is written.
  const unchecked = new Set<string>(); // person ids
  const reverified = new Map<string, PersonRow>();
  for (const person of lockedPeople.values()) {
    if (person.verification_status !== 'pending' || person.id_type === 'passport') continue;
    const plan = batch.reverify.get(person.id);
    if (plan) reverified.set(person.id, await reverifyPerson(trx, ctx.audit, plan, now));
    else if (underRule.has(person.id)) unchecked.add(person.id);
  }
  for (const [idNumber, person] of locked) {
    const checked = reverified.get(person.id);
    if (checked) locked.set(idNumber, checked);
  }
  const onRecord = await countedDosesOfPeople(trx, [...lockedPeople.keys()]);

  const newPeople = new Map<string, PersonRow>(); // by ID number
  const bulk: { index: number; row: ImportRow; person: PersonRow; isNew: boolean }[] = [];
  const seen = new Set<string>();
  // A person's dose by day and vaccine: rows naming one person by two numbers (theirs and their
  // old one) have two keys; the second goes one by one, as a key seen twice does.
  const seenDose = new Set<string>();
  const alreadyKeys: { key: string; job_id: string; dose_id: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { parsed } = batch.rows[i]!;
    if (!parsed.ok) {
      outcomes[i] = { kind: 'rejected', reasons: parsed.reasons };
      continue;
    }
    const row = parsed.row;
    const key = keys[i]!;
    if (present.has(key)) {
      outcomes[i] = { kind: 'skipped' };
      continue;
    }
    if (seen.has(key) || !row.idNumber) {
      oneByOne.push(i);
      continue;
    }
    seen.add(key);
    const person = locked.get(row.idNumber);
    if (person && unchecked.has(person.id)) {
      oneByOne.push(i);
      continue;
    }
    if (person) {
      const dose = importRowKey(row, person.id);
      if (seenDose.has(dose)) {
        oneByOne.push(i);
        continue;
      }
      seenDose.add(dose);
      const same = onRecord
        .get(person.id)
        ?.find((d) => d.administered_on === row.administeredOn && d.vaccine_code === row.vaccineCode);
      if (same) {
        alreadyKeys.push({ key, job_id: ctx.job.id, dose_id: same.id });
        outcomes[i] = { kind: 'skipped' };
        continue;
      }
      bulk.push({ index: i, row, person, isNew: false });
      continue;
    }
    const plan = batch.plans.get(row.idNumber);
    if (!plan || plan instanceof AppError) {
      oneByOne.push(i);
      continue;
    }
    let planned = newPeople.get(row.idNumber);
    if (!planned) {
      planned = plannedPerson(plan, now);
      newPeople.set(row.idNumber, planned);
    }
    bulk.push({ index: i, row, person: planned, isNew: true });
  }

  // The doses, decided as recordDose decides; then the new people who have one to record.
  const doses = await planDosesInBulk(
    trx,
    ctx.actor,
    bulk.map(({ row, person }) => ({ input: doseInput(row, person.id), person })),
    now,
    onRecord,
  );
  // A new person is created here when a dose of theirs is to be written here; one whose dose
  // needs the one-by-one path is left to it whole (it registers them as the desk would).
  const needed = new Set<string>();
  const aside = new Set<string>();
  bulk.forEach((b, k) => {
    if (!b.isNew) return;
    if (doses[k]!.kind === 'planned') needed.add(b.person.id);
    else if (doses[k]!.kind === 'one-by-one') aside.add(b.person.id);
  });
  for (const id of aside) needed.delete(id);
  const plansToCreate = [...batch.plans.values()].filter(
    (p): p is NewPersonPlan => !(p instanceof AppError) && needed.has(p.row.id),
  );
  const created = await createPeopleInBulk(trx, ctx.audit, plansToCreate);
  const toWrite: { dose: DoseRow; auditEntry: AuditEntry; flagRecheck: boolean }[] = [];
  const writtenKeys: { key: string; job_id: string; dose_id: string }[] = [];
  const counted = new Set<string>();
  bulk.forEach((b, k) => {
    const d = doses[k]!;
    if (d.kind === 'refused') {
      outcomes[b.index] = { kind: 'rejected', reasons: reasonsOf(d.error) };
      return;
    }
    // A new ID number taken by someone else meanwhile: the row goes the way of a known person.
    if (d.kind === 'one-by-one' || (b.isNew && !created.has(b.person.id)) || aside.has(b.person.id)) {
      oneByOne.push(b.index);
      return;
    }
    toWrite.push(d);
    writtenKeys.push({ key: keys[b.index]!, job_id: ctx.job.id, dose_id: d.dose.id });
    const first = b.isNew && !counted.has(b.person.id);
    if (first) counted.add(b.person.id);
    outcomes[b.index] = {
      kind: 'imported',
      person: first ? 'new' : 'matched',
      flagged: first && (created.get(b.person.id)?.candidates ?? 0) > 0,
    };
  });
  await writePlannedDoses(trx, ctx.audit, toWrite, now);
  await q.insertRowKeys(trx, [...alreadyKeys, ...writtenKeys]);

  // The rest one by one, in the file's order.
  oneByOne.sort((a, b) => a - b);
  for (const i of oneByOne) outcomes[i] = await importRow(trx, ctx, batch.rows[i]!.parsed);

  // The replayed rows of a dry run (the first `replayed`) are not the batch's: not counted.
  for (let i = batch.replayed; i < n; i++) {
    const outcome = outcomes[i]!;
    const { file: row, parsed } = batch.rows[i]!;
    t.rowsRead++;
    if (outcome.kind === 'skipped') t.skipped++;
    else if (outcome.kind === 'imported') {
      if (ctx.job.dry_run && parsed.ok)
        t.accepted.push({
          job_id: ctx.job.id,
          row_number: row.rowNumber,
          person_key: importPersonKey(parsed.row),
          cells: JSON.stringify(row.cells.map((c) => jsonCell(c))),
        });
      t.imported++;
      if (outcome.person === 'matched') t.matchedPeople++;
      else t.newPeople++;
      if (outcome.flagged) t.duplicatesFlagged++;
    } else {
      t.rejected++;
      countByReason([outcome.reasons], t.byReason);
      countByColumn([outcome.reasons], t.byColumn);
      t.rejectedRows.push({
        job_id: ctx.job.id,
        row_number: row.rowNumber,
        cells: JSON.stringify(row.cells.map((c) => jsonCell(c))),
        reasons: JSON.stringify(outcome.reasons),
      });
    }
  }
  return t;
}

/** The dose a row records, as `POST /api/people/{id}/doses` would take it. */
function doseInput(row: ImportRow, personId: string): RecordDoseInput {
  return {
    personId,
    vaccineCode: row.vaccineCode,
    lotNumber: row.lotNumber,
    administeredOn: row.administeredOn,
    facilityId: row.facilityId,
    ...(row.doseKind ? { doseKind: row.doseKind } : {}),
    source: 'import',
  };
}

/** One row, all or nothing: refused by a rule, skipped as already on record, or imported. */
async function importRow(trx: Trx, ctx: RunContext, parsed: PreparedRow['parsed']): Promise<RowOutcome> {
  if (!parsed.ok) return { kind: 'rejected', reasons: parsed.reasons };
  const row = parsed.row;
  const key = importRowKey(row);
  if ((await q.rowKeysPresent(trx, [key])).size) return { kind: 'skipped' };
  try {
    return await withSavepoint(trx, () => writeRow(trx, ctx, row, key));
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return { kind: 'rejected', reasons: reasonsOf(err) };
    throw err;
  }
}

async function writeRow(trx: Trx, ctx: RunContext, row: ImportRow, key: string): Promise<RowOutcome> {
  const now = ctx.deps.clock();
  let person = row.idNumber
    ? await findPersonByIdNumber(trx, row.idNumber)
    : row.phone
      ? await onlyOne(findPeopleByNameDobPhone(trx, nameSearchKey(row.fullName), row.dateOfBirth, row.phone))
      : undefined;
  const matched = person !== undefined;
  let flagged = false;
  if (!person) {
    const body = personBody(row);
    const plan = await planNewPerson(trx, ctx.deps, ctx.actor, body, {
      legacy: row.idNumber === null,
      registeredFacilityId: row.facilityId,
      // As in bulk: a dose before the identity rule leaves the registry to the re-check job.
      deferVerification: row.administeredOn < IDENTITY_RULE_FROM,
    });
    // The desk's duplicate check, before the record exists: someone alike is already on record.
    const alike = await duplicateCheck(trx, ctx.actor, {
      fullName: row.fullName,
      dateOfBirth: row.dateOfBirth,
      ...(row.phone ? { phone: row.phone } : {}),
    });
    person = await createPerson(trx, ctx.audit, plan);
    flagged = alike.length > 0;
  } else {
    // Never checked against the registry, and this dose is under the identity rule: checked now.
    if (
      person.verification_status === 'pending' &&
      person.id_type !== 'passport' &&
      row.administeredOn >= IDENTITY_RULE_FROM
    )
      person = await reverifyPerson(trx, ctx.audit, await planReverification(trx, ctx.deps, person.id), now);
    const same = (await countedDosesOf(trx, person.id)).find(
      (d) => d.administered_on === row.administeredOn && d.vaccine_code === row.vaccineCode,
    );
    if (same) {
      await q.insertRowKey(trx, key, ctx.job.id, same.id);
      return { kind: 'skipped' };
    }
  }
  const { dose } = await recordDose(trx, ctx.actor, ctx.audit, doseInput(row, person.id), now);
  await q.insertRowKey(trx, key, ctx.job.id, dose.id);
  return { kind: 'imported', person: matched ? 'matched' : 'new', flagged };
}

async function onlyOne<T>(found: Promise<T[]>): Promise<T | undefined> {
  const list = await found;
  return list.length === 1 ? list[0] : undefined;
}

/** The column a field of the staff-entry API names (`personId`: the person, found by the ID number). */
const COLUMN_OF_FIELD: Readonly<Record<string, ImportColumnKey>> = {
  fullName: 'fullName',
  dateOfBirth: 'dateOfBirth',
  gender: 'gender',
  idNumber: 'idNumber',
  idType: 'idNumber',
  phone: 'phone',
  provinceCode: 'provinceCode',
  districtCode: 'districtCode',
  communeCode: 'communeCode',
  vaccineCode: 'vaccineCode',
  lotNumber: 'lotNumber',
  administeredOn: 'administeredOn',
  facilityId: 'facilityId',
  doseKind: 'doseKind',
  personId: 'idNumber',
};
const columnOf = (field: string | undefined): ImportColumnKey => (field && COLUMN_OF_FIELD[field]) || 'administeredOn';

/**
 * A refusal of staff entry's rules as the row's reasons: every dose rule broken (a 422 lists
 * them), else the error itself — each with its catalogue code and its message in both languages.
 */
function reasonsOf(err: AppError): ImportRejection[] {
  type Violations = { violations?: { code: string; field?: string; message: string }[] };
  const vi = err.toBody('vi') as unknown as Violations;
  const en = err.toBody('en') as unknown as Violations;
  if (vi.violations?.length) {
    return vi.violations.map((v, i) => ({
      code: v.code as ImportRejectionCode,
      column: columnOf(v.field),
      message: { vi: v.message, en: en.violations?.[i]?.message ?? v.message },
    }));
  }
  return [
    {
      code: err.code as ImportRejectionCode,
      column: columnOf(err.field),
      message: { vi: err.messageIn('vi'), en: err.messageIn('en') },
    },
  ];
}

/** An XLSX cell's value as the row's rules read it: text, number, Date or empty (rich text and formulas as they show). */
function plainCell(c: unknown): string | number | boolean | Date | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean' || c instanceof Date) return c;
  if (typeof c !== 'object') return String(c);
  const o = c as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
  if (o.richText) return o.richText.map((r) => r.text).join('');
  if ('result' in o) return plainCell(o.result);
  if (typeof o.text === 'string') return o.text;
  return null;
}

/** A cell as stored with a rejected row: as written; a date cell as the day a spreadsheet shows (dd/MM/yyyy). */
function jsonCell(c: unknown): string | number | boolean | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'number' || typeof c === 'boolean' || typeof c === 'string') return c;
  return cellText(c);
}

/** The job's file read from any offset, chunk after chunk from the database. */
async function storedFile(db: Kysely<DB>, jobId: string): Promise<RandomAccessFile> {
  return chunkedFile(await q.chunkSizes(db, jobId), async (seq) => {
    const chunk = await q.findChunk(db, jobId, seq);
    if (!chunk) throw new Error(`import ${jobId}: chunk ${seq} of its file is missing`);
    return chunk.data;
  });
}

/** The rows of the job's file, streaming, the header included. */
async function* fileRows(db: Kysely<DB>, job: ImportJobRow): AsyncGenerator<FileRow> {
  const file = await storedFile(db, job.id);
  if (job.file_kind !== 'xlsx') return yield* csvRows(file.from(0));
  const cellsOf = (values: unknown) =>
    Array.from(Array.isArray(values) ? values.slice(1, 1 + IMPORT_MAX_COLUMNS) : [], (v) => plainCell(v));
  // The first tab whose first row is the template's header (a guide sheet put before the data is
  // passed over); the first tab when none is, its header then refused with what it lacks.
  const isHeader = (row: SheetRow) => matchHeader(cellsOf(row.values).map((c) => cellText(c))).ok;
  for await (const row of firstSheetRows(file, undefined, { firstRow: isHeader })) {
    yield { rowNumber: row.number, cells: cellsOf(row.values) };
  }
}

/** A CSV file that is not UTF-8 (a Windows code page, say): where its first wrong byte is. */
class NotUtf8Error extends Error {
  override readonly name = 'NotUtf8Error';
  constructor(readonly line: number) {
    super(`not UTF-8 from line ${line}`);
  }
}

/**
 * A CSV file's rows: UTF-8 (the first byte that is not fails the job with its line — the count of
 * rows reads the whole file before any batch, so nothing is imported), `,` or `;`, any line end.
 */
async function* csvRows(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<FileRow> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = new CsvReader();
  let lines = 0; // line ends decoded so far
  const decode = (chunk?: Uint8Array): string => {
    let text: string;
    try {
      text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      // The chunk again, leniently: its first replacement character is the wrong byte.
      const lenient = chunk ? new TextDecoder('utf-8').decode(chunk) : '';
      const at = lenient.indexOf('\uFFFD');
      throw new NotUtf8Error(lines + 1 + newlines(at < 0 ? '' : lenient.slice(0, at)));
    }
    lines += newlines(text);
    return text;
  };
  // Each row with its number as a spreadsheet shows the file (blank lines counted), the number the
  // rejected rows' file gives the clerk.
  const numbered = (rows: readonly CsvRow[]) =>
    rows.map((r) => ({
      rowNumber: r.number,
      cells: r.cells.length > IMPORT_MAX_COLUMNS ? r.cells.slice(0, IMPORT_MAX_COLUMNS) : r.cells,
    }));
  for await (const chunk of chunks) yield* numbered(reader.pushRows(decode(chunk)));
  yield* numbered(reader.pushRows(decode()));
  yield* numbered(reader.endRows());
}

/** Line ends in a text, as the CSV reader counts them (core's isLineEnd). */
function newlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (isLineEnd(text.charCodeAt(i), text.charCodeAt(i + 1))) count++;
  return count;
}

/**
 * Records an import job in a unit of work of its own — for a terminal's command (`npm run import --
 * doses`), which is an edge like a route: the same checks and audit entry as `POST /api/imports`.
 */
export function createImportNow(
  db: Kysely<DB>,
  actor: Actor,
  audit: AuditContext,
  input: { facilityId: string; dryRun: boolean; file: UploadedFile },
  now: Date,
): Promise<{ id: string }> {
  return unitOfWork(db, (trx) => createImport(trx, actor, audit, input, now));
}
