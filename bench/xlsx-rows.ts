/**
 * Benchmark: reading an import's XLSX file (issue 16) — exceljs's streaming reader, which walks the
 * ZIP from front to back (the bulk import's reader until 2026-12-03), against the server's reader
 * through the ZIP's central directory (apps/server/src/lib/xlsx-rows.ts), on the same files in the
 * same run, alternating.
 *
 *   node --conditions=source --import tsx bench/xlsx-rows.ts [--quick] [--rows N] [--rounds N] [--small-reads N]
 *
 * 1. Speed: a file of `--rows` rows (default 200,000) written as the import benchmark writes it
 *    (exceljs's streaming writer, inline strings, the sheet before the workbook part) and one with
 *    shared strings (exceljs's `writeBuffer`, as a clerk's re-saved rejected-rows file), each read
 *    whole by both readers `--rounds` times (default 3), in turn; rows/s, and the process's peak
 *    resident memory growth during each reader's reads.
 * 2. Reliability: a four-row file exceljs wrote, read `--small-reads` times (default 600) by each
 *    reader, its bytes coming as the runner's from the database (after a pause of 0–2 ms), every
 *    other read with a millisecond's pause between rows; a read that fails or loses rows is counted.
 *
 * Writes bench/results/xlsx-rows.json and bench/results/xlsx-rows.md; prints the Markdown.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import ExcelJS from '../apps/server/src/lib/exceljs.js';
import { chunkedFile, firstSheetRows, type RandomAccessFile } from '../apps/server/src/lib/xlsx-rows.js';
import { fileRows, HEADER, writeXlsx } from './imports.js';
import { numberOption } from './lib/args.js';
import { fmt, markdownTable, RESULTS_DIR, runIfEntry, runMeta, writeResults } from './lib/report.js';

export const xlsxRowsOptionsSpec = {
  quick: { type: 'boolean' },
  rows: { type: 'string' },
  rounds: { type: 'string' },
  'small-reads': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE =
  'node --conditions=source --import tsx bench/xlsx-rows.ts [--quick] [--rows N] [--rounds N] [--small-reads N]';
const log = (line: string) => console.error(`[xlsx-rows] ${line}`);

type Reader = 'walk' | 'directory';

/**
 * The file as the import's runner reads it: stored in 1 MB chunks, each read after a pause of
 * `pauseMs` (its query to the database) when asked.
 */
function storedAsChunks(bytes: Buffer, pauseMs: number): RandomAccessFile {
  const sizes = Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, i) =>
    Math.min(CHUNK, bytes.length - i * CHUNK),
  );
  return chunkedFile(sizes, async (i) => {
    if (pauseMs) await sleep(pauseMs);
    return bytes.subarray(i * CHUNK, (i + 1) * CHUNK);
  });
}
const CHUNK = 1024 * 1024;

/** The first sheet's rows by exceljs's streaming reader, as the import read them before. */
async function* walkRows(bytes: Buffer, pauseMs: number): AsyncGenerator<unknown> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(
    Readable.from(storedAsChunks(bytes, pauseMs).from(0), { objectMode: false }),
    {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    },
  );
  for await (const sheet of reader) {
    for await (const row of sheet) yield row.values;
    return;
  }
}

/** The same by the server's reader, through the ZIP's central directory. */
async function* directoryRows(bytes: Buffer, pauseMs: number): AsyncGenerator<unknown> {
  for await (const row of firstSheetRows(storedAsChunks(bytes, pauseMs))) yield row.values;
}

const readers: Record<Reader, (bytes: Buffer, pauseMs: number) => AsyncGenerator<unknown>> = {
  walk: walkRows,
  directory: directoryRows,
};

/** The import benchmark's file (its streaming writer: inline strings, the sheet before the workbook part). */
async function streamedFile(dir: string, rows: number): Promise<Buffer> {
  const filename = path.join(dir, 'streamed.xlsx');
  await writeXlsx(filename, 'bench-xlsx-rows', rows);
  return readFileSync(filename);
}

/** The same rows with shared strings, as exceljs's `writeBuffer` writes a workbook (the rejected rows' file). */
async function sharedStringsFile(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mũi tiêm');
  ws.addRow([...HEADER]);
  for (const r of fileRows('bench-xlsx-rows', rows)) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Reads the file whole; rows and seconds, and the highest RSS seen (sampled every 1,000 rows). */
async function timedRead(reader: Reader, bytes: Buffer): Promise<{ rows: number; seconds: number; peakMb: number }> {
  const started = performance.now();
  let rows = 0;
  let peakMb = rssMb();
  for await (const _ of readers[reader](bytes, 0)) {
    if (++rows % 1000 === 0) peakMb = Math.max(peakMb, rssMb());
  }
  return { rows, seconds: (performance.now() - started) / 1000, peakMb };
}

interface SpeedResult {
  readonly file: string;
  readonly rows: number;
  readonly mb: number;
  readonly reader: Reader;
  readonly rowsPerSecond: number[];
  readonly rssGrowthMb: number;
}

export async function main(argv: readonly string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args: [...argv], options: xlsxRowsOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  const rows = num('rows', values.rows, quick ? 20_000 : 200_000, 1);
  const rounds = num('rounds', values.rounds, quick ? 2 : 3, 1);
  const smallReads = num('small-reads', values['small-reads'], quick ? 150 : 600, 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-bench-xlsx-'));
  try {
    log(`writing ${fmt(rows)}-row files`);
    const files = [
      { name: 'streaming writer, inline strings', bytes: await streamedFile(dir, rows) },
      { name: 'shared strings', bytes: await sharedStringsFile(rows) },
    ];
    const speed: SpeedResult[] = [];
    for (const f of files) {
      const runs: Record<Reader, { rps: number[]; growth: number }> = {
        walk: { rps: [], growth: 0 },
        directory: { rps: [], growth: 0 },
      };
      for (let round = 0; round < rounds; round++) {
        for (const reader of round % 2 ? (['directory', 'walk'] as const) : (['walk', 'directory'] as const)) {
          (globalThis as { gc?: () => void }).gc?.();
          const before = rssMb();
          const r = await timedRead(reader, f.bytes);
          if (r.rows !== rows + 1) throw new Error(`${reader} read ${r.rows} rows of ${rows + 1} (${f.name})`);
          runs[reader].rps.push(r.rows / r.seconds);
          runs[reader].growth = Math.max(runs[reader].growth, r.peakMb - before);
          log(`${f.name}: ${reader} ${fmt(r.rows / r.seconds)} rows/s`);
        }
      }
      for (const reader of ['walk', 'directory'] as const) {
        speed.push({
          file: f.name,
          rows,
          mb: f.bytes.length / 1024 / 1024,
          reader,
          rowsPerSecond: runs[reader].rps,
          rssGrowthMb: runs[reader].growth,
        });
      }
    }

    // Reliability: the small file exceljs writes, read many times by each reader in turn.
    const small = await sharedStringsFile(3);
    const failures: Record<Reader, { failed: number; messages: string[] }> = {
      walk: { failed: 0, messages: [] },
      directory: { failed: 0, messages: [] },
    };
    for (let i = 0; i < smallReads; i++) {
      for (const reader of ['walk', 'directory'] as const) {
        try {
          let n = 0;
          for await (const _ of readers[reader](small, i % 3)) {
            n++;
            if (i % 2) await sleep(1);
          }
          if (n !== 4) throw new Error(`${n} rows of 4`);
        } catch (err) {
          failures[reader].failed++;
          const message = err instanceof Error ? err.message : String(err);
          if (!failures[reader].messages.includes(message)) failures[reader].messages.push(message);
        }
      }
    }
    log(`reliability: walk failed ${failures.walk.failed} of ${smallReads}, directory ${failures.directory.failed}`);

    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const md = [
      '# Reading an import’s XLSX file (issue 16)',
      '',
      markdownTable(
        ['file', 'rows', 'MB', 'reader', 'rows/s (each round)', 'mean rows/s', 'RSS growth MB'],
        speed.map((s) => [
          s.file,
          fmt(s.rows),
          s.mb.toFixed(1),
          s.reader,
          s.rowsPerSecond.map((x) => fmt(x)).join(', '),
          fmt(mean(s.rowsPerSecond)),
          fmt(s.rssGrowthMb),
        ]),
      ),
      '',
      `Reliability, a four-row file exceljs wrote, ${fmt(smallReads)} reads by each: walk failed ${failures.walk.failed} (${failures.walk.messages.join('; ') || '—'}), directory failed ${failures.directory.failed} (${failures.directory.messages.join('; ') || '—'}).`,
    ].join('\n');
    writeResults('xlsx-rows', { meta: runMeta(), rows, rounds, smallReads, speed, failures });
    writeFileSync(path.join(RESULTS_DIR, 'xlsx-rows.md'), `${md}\n`);
    console.log(md);
    return { speed, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runIfEntry(import.meta.url, main);
