/**
 * What every result file carries (when, on which commit, on which machine) and small formatting
 * helpers for the Markdown tables the scenarios print.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (bench/ is one level below). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where result files go. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

/** The run's context: date, commit, machine, Node. */
export interface RunMeta {
  readonly date: string;
  /** `git rev-parse --short HEAD`. */
  readonly commit: string;
  /** True when tracked files differed from that commit (other work in progress) during the run. */
  readonly uncommittedChanges: boolean;
  readonly node: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number };
  /** 1, 5 and 15-minute load averages when the run started (other work on the machine skews figures). */
  readonly loadAverageAtStart: readonly number[];
}

/** The context of this run, read now. */
export function runMeta(): RunMeta {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const list = cpus();
  return {
    date: new Date().toISOString(),
    commit,
    uncommittedChanges: dirty,
    node: process.version,
    machine: {
      cpus: list.length,
      cpuModel: list[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    },
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Writes `data` as pretty JSON to `bench/results/<name>.json` and returns the path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** A Markdown table; numbers are right-aligned by the caller's formatting. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals and thousands separators ("12,345.6"). */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds for display: 2 decimals under 10 ms, 1 under 100, none above. */
export function ms(n: number): string {
  return fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0);
}

/** The end of a scenario run from the command line: where its results went; failed checks set exit code 1. */
export function reportOutcome(file: string, failures: readonly string[]): void {
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  if (failures.length) {
    console.error(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

/** Runs a scenario's `main` when its module is the process's entry (not when `run.ts` imports it). */
export async function runIfEntry(
  moduleUrl: string,
  main: (argv: readonly string[]) => Promise<unknown>,
): Promise<void> {
  if (process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
}
