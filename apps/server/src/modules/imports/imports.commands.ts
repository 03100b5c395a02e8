import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ImportJob } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { actorAuditContext } from '../audit/audit.service.js';
import { actorForUsername } from '../auth/auth.service.js';
import type { PeopleDeps } from '../people/people.service.js';
import { createImportNow, runImports } from './imports.job.js';
import { importFor, presentImport } from './imports.service.js';

export const IMPORT_DOSES_USAGE = `import doses <file> --facility ID [--dry-run] [--as USERNAME]
                          import a CSV or XLSX of historical doses (the template's columns) for a
                          facility, as POST /api/imports does, and run it here with a progress
                          line; --dry-run checks every row and writes nothing; --as: the account
                          the import is made as and checked against (default: admin)`;

/** Where the command writes: the summary to `out`, progress and errors to `err`. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the progress line (a terminal); absent: progress goes to `err` now and then. */
  progress?(line: string): void;
}

/**
 * `npm run import -- doses FILE --facility ID [--dry-run] [--as USERNAME]`: records the job as the
 * API would (the same checks, scope and audit entry, as the account named), then runs it in this
 * process batch by batch — a server running meanwhile may take batches too (leases) — printing the
 * rows read, the rate and the counts until it ends. Exit 0 when done, 1 when failed or cancelled,
 * 2 for a usage error.
 */
export async function importDosesCommand(
  db: Kysely<DB>,
  deps: PeopleDeps,
  argv: readonly string[],
  io: CommandIO,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\nusage: ${IMPORT_DOSES_USAGE}`);
    return 2;
  }
  const { file, facility, dryRun, as } = parsed;
  const actor = await actorForUsername(db, as);
  if (!actor) {
    io.err(`no active account "${as}" (--as)`);
    return 2;
  }
  const audit = actorAuditContext(actor, 'cli:import-doses', null);
  const bytes = await readFile(file);
  let id: string;
  try {
    ({ id } = await createImportNow(
      db,
      actor,
      audit,
      { facilityId: facility, dryRun, file: { name: path.basename(file), bytes } },
      deps.clock(),
    ));
  } catch (err) {
    io.err(`refused: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  io.err(
    `import ${id}${dryRun ? ' (dry run: nothing is written)' : ''}: ${path.basename(file)} for facility ${facility}`,
  );
  const current = async () => presentImport(await importFor(db, actor, id), deps.clock());
  let lastReport = 0;
  const report = async () => {
    const line = progressLine(await current());
    if (io.progress) io.progress(line);
    else if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      io.err(line);
    }
  };
  const ticker = setInterval(() => void report().catch(() => {}), 500);
  try {
    // Until the job has ended (another runner may hold it for a while: wait for its lease).
    for (;;) {
      await runImports(db, deps);
      const job = await current();
      if (job.status !== 'queued' && job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    clearInterval(ticker);
  }
  const job = await current();
  io.progress?.(progressLine(job));
  for (const line of summaryLines(job)) io.out(line);
  return job.status === 'done' ? 0 : 1;
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      facility: { type: 'string' },
      'dry-run': { type: 'boolean' },
      as: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new Error('one file, please');
  if (!values.facility) throw new Error('--facility ID is required');
  return {
    file: positionals[0] as string,
    facility: values.facility,
    dryRun: values['dry-run'] ?? false,
    as: values.as ?? 'admin',
  };
}

/** `[██████░░░░]  12,345 / 40,000 rows · 850 rows/s · 32 s left · 12,001 imported, 344 rejected`. */
export function progressLine(job: ImportJob): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const total = job.totalRows;
  const bar =
    total && total > 0
      ? `[${'█'.repeat(Math.round((20 * Math.min(job.rowsRead, total)) / total)).padEnd(20, '░')}] `
      : '';
  return [
    `${bar}${n(job.rowsRead)}${total ? ` / ${n(total)}` : ''} rows`,
    job.rowsPerSecond ? `${n(Math.round(job.rowsPerSecond))} rows/s` : null,
    job.secondsLeft !== null && job.secondsLeft !== undefined ? `${n(Math.ceil(job.secondsLeft))} s left` : null,
    `${n(job.imported)} imported, ${n(job.rejected)} rejected`,
    job.status,
  ]
    .filter(Boolean)
    .join(' · ');
}

function summaryLines(job: ImportJob): string[] {
  const lines = [
    `import ${job.id}: ${job.status}${job.dryRun ? ' (dry run: nothing written)' : ''}`,
    `  rows read ${job.rowsRead}, imported ${job.imported}, rejected ${job.rejected}`,
    `  people matched ${job.matchedPeople}, new people ${job.newPeople}, duplicates flagged ${job.duplicatesFlagged}, already imported ${job.skippedAlreadyImported}`,
  ];
  for (const [code, count] of Object.entries(job.rejectedByReason)) lines.push(`  rejected ${code}: ${count}`);
  if (job.error) lines.push(`  error: ${job.error.code}: ${job.error.message}`);
  if (job.rejected > 0) lines.push(`  the rejected rows: GET /api/imports/${job.id}/rejected.xlsx`);
  return lines;
}
