/**
 * Benchmark: the public pages on a cheap phone (issue 14, point 8) — "performance ≥ 90 and LCP
 * < 2.5 s on `/`, `/tra-cuu`, `/xac-thuc` and `/dang-nhap` (Lighthouse, mobile defaults)".
 *
 * Starts the built server (`node apps/server/dist/main.js`, serving `apps/web/dist`) on the
 * embedded database in a temporary data directory, then runs Lighthouse (its mobile defaults:
 * a Moto G Power-sized screen, simulated slow 4G — 150 ms RTT, 1.6 Mbit/s — and a 4× CPU
 * slow-down) against Debian's Chromium (`--headless=new --no-sandbox`), `--runs` times per page,
 * each run in a fresh browser (cold cache, no service worker). Writes the medians — performance
 * score, FCP, LCP, TBT, CLS, speed index, transferred JavaScript — and every run's figures to
 * bench/results/lighthouse.json, and prints a Markdown table.
 *
 *   npm run build && npm run bench:lighthouse -- [--runs N] [--pages /,/tra-cuu] [--out NAME]
 *
 * Exits non-zero when a page misses a target (`--no-check` only reports).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { numberOption } from './lib/args.js';
import {
  fmt,
  markdownTable,
  REPO_ROOT,
  type RunMeta,
  reportOutcome,
  runIfEntry,
  runMeta,
  writeResults,
} from './lib/report.js';

/** The issue's targets. */
export const TARGETS = { performance: 90, lcpMs: 2500 } as const;

/** The public pages a citizen or a checker opens first. */
export const DEFAULT_PAGES = ['/', '/tra-cuu', '/xac-thuc', '/dang-nhap'] as const;

export const lighthouseOptionsSpec = {
  runs: { type: 'string' },
  pages: { type: 'string' },
  out: { type: 'string' },
  save: { type: 'string' },
  'no-check': { type: 'boolean' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: lighthouse [--runs N] [--pages /,/tra-cuu,…] [--out NAME] [--save DIR] [--no-check]
  --runs N      Lighthouse runs per page, each in a fresh Chromium (default 3; the median is kept)
  --pages LIST  comma-separated paths (default ${DEFAULT_PAGES.join(',')})
  --out NAME    results file bench/results/NAME.json (default lighthouse)
  --save DIR    also write each run's whole Lighthouse report (JSON) there, for profiling
  --no-check    report only: a missed target does not fail the run
Needs the built server and web app (npm run build). CHROMIUM_PATH overrides /usr/bin/chromium.`;

/** One Lighthouse run's figures. */
export interface RunFigures {
  /** 0–100. */
  readonly performance: number;
  readonly fcpMs: number;
  readonly lcpMs: number;
  readonly tbtMs: number;
  readonly cls: number;
  readonly speedIndexMs: number;
  /** JavaScript transferred over the network (compressed size as sent), KiB. */
  readonly jsTransferKiB: number;
  /** Everything transferred, KiB. */
  readonly totalTransferKiB: number;
  /** Requests made by the page. */
  readonly requests: number;
  /** The largest-contentful-paint element, as Lighthouse describes it. */
  readonly lcpElement: string | null;
  /** Console errors Lighthouse saw (a 401, a CSP refusal…). */
  readonly consoleErrors: readonly string[];
}

export interface PageResult {
  readonly path: string;
  /** Per-figure medians of the runs. */
  readonly median: Omit<RunFigures, 'lcpElement' | 'consoleErrors'>;
  readonly runs: readonly RunFigures[];
  readonly meetsTargets: boolean;
}

export interface LighthouseResults {
  readonly scenario: 'lighthouse';
  readonly meta: RunMeta;
  readonly lighthouse: string;
  readonly chromium: string;
  readonly settings: { readonly formFactor: string; readonly throttling: unknown; readonly runsPerPage: number };
  readonly targets: typeof TARGETS;
  readonly pages: readonly PageResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The built server on the embedded database in a fresh data directory; resolves once healthy. */
async function startBuiltServer(): Promise<{ origin: string; stop(): Promise<void> }> {
  const entry = path.join(REPO_ROOT, 'apps/server/dist/main.js');
  const web = path.join(REPO_ROOT, 'apps/web/dist/index.html');
  if (!existsSync(entry) || !existsSync(web))
    throw new Error(`build first (npm run build): ${entry} or ${web} missing`);
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tiemchung-lighthouse-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  env.NODE_ENV = 'test';
  env.LOG_LEVEL = 'warn';
  delete env.DATABASE_URL; // the embedded database, whatever the shell has
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited (${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return { origin, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not healthy within 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Audit {
  numericValue?: number;
  details?: { items?: Record<string, unknown>[] };
}

const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** One Lighthouse run in a fresh Chromium. */
async function runOnce(
  url: string,
  chromePath: string,
  saveAs: string | null,
): Promise<{ figures: RunFigures; version: string; chromium: string; settings: unknown }> {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic'],
    logLevel: 'silent',
  });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
    });
    if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    if (saveAs) await writeFile(saveAs, typeof result.report === 'string' ? result.report : JSON.stringify(lhr));
    const audits = lhr.audits as Record<string, Audit>;
    const num = (id: string) => audits[id]?.numericValue ?? Number.NaN;
    const resources = audits['resource-summary']?.details?.items ?? [];
    const bytesOf = (type: string) => Number(resources.find((r) => r.resourceType === type)?.transferSize ?? 0);
    const countOf = (type: string) => Number(resources.find((r) => r.resourceType === type)?.requestCount ?? 0);
    const lcpItems = audits['largest-contentful-paint-element']?.details?.items ?? [];
    const lcpNode = (lcpItems[0] as { items?: { node?: { snippet?: string; nodeLabel?: string } }[] } | undefined)
      ?.items?.[0]?.node;
    const consoleErrors = (audits['errors-in-console']?.details?.items ?? []).map((i) =>
      String(i.description ?? i.source ?? ''),
    );
    return {
      version: lhr.lighthouseVersion,
      chromium: lhr.environment.hostUserAgent,
      settings: lhr.configSettings.throttling,
      figures: {
        performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
        fcpMs: Math.round(num('first-contentful-paint')),
        lcpMs: Math.round(num('largest-contentful-paint')),
        tbtMs: Math.round(num('total-blocking-time')),
        cls: Math.round(num('cumulative-layout-shift') * 1000) / 1000,
        speedIndexMs: Math.round(num('speed-index')),
        jsTransferKiB: kib(bytesOf('script')),
        totalTransferKiB: kib(bytesOf('total')),
        requests: countOf('total'),
        lcpElement: lcpNode?.snippet ?? lcpNode?.nodeLabel ?? null,
        consoleErrors,
      },
    };
  } finally {
    chrome.kill();
  }
}

/** Lighthouse now and then loses a trace (NO_NAVSTART, NO_FCP under load): such a run is done again, twice at most. */
async function withRetries<T>(run: () => Promise<T>, what: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 3) throw error;
      console.error(`${what}: ${error instanceof Error ? error.message : String(error)} — again`);
    }
  }
}

export function parseLighthouseArgs(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: lighthouseOptionsSpec, strict: true });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const pages = values.pages ? values.pages.split(',').filter(Boolean) : [...DEFAULT_PAGES];
  if (pages.some((p) => !p.startsWith('/'))) throw new Error(`--pages takes paths starting with /\n${USAGE}`);
  return {
    runs: num('runs', values.runs, 3, 1),
    pages,
    out: values.out ?? 'lighthouse',
    save: values.save ?? null,
    check: !values['no-check'],
  };
}

export async function main(argv: readonly string[]): Promise<LighthouseResults> {
  const options = parseLighthouseArgs(argv);
  const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const meta = runMeta();
  if (options.save) await mkdir(options.save, { recursive: true });
  const server = await startBuiltServer();
  const pages: PageResult[] = [];
  let version = '';
  let chromium = '';
  let throttling: unknown = null;
  try {
    for (const page of options.pages) {
      const runs: RunFigures[] = [];
      for (let i = 0; i < options.runs; i++) {
        const saveAs = options.save
          ? path.join(options.save, `${page === '/' ? 'landing' : page.slice(1).replaceAll('/', '_')}-${i + 1}.json`)
          : null;
        const run = await withRetries(() => runOnce(server.origin + page, chromePath, saveAs), `${page} run ${i + 1}`);
        ({ version, chromium } = run);
        throttling = run.settings;
        runs.push(run.figures);
        console.error(
          `${page} run ${i + 1}: score ${run.figures.performance}, FCP ${run.figures.fcpMs} ms, LCP ${run.figures.lcpMs} ms, TBT ${run.figures.tbtMs} ms, JS ${run.figures.jsTransferKiB} KiB`,
        );
      }
      const m = (pick: (r: RunFigures) => number) => median(runs.map(pick));
      const med = {
        performance: m((r) => r.performance),
        fcpMs: m((r) => r.fcpMs),
        lcpMs: m((r) => r.lcpMs),
        tbtMs: m((r) => r.tbtMs),
        cls: m((r) => r.cls),
        speedIndexMs: m((r) => r.speedIndexMs),
        jsTransferKiB: m((r) => r.jsTransferKiB),
        totalTransferKiB: m((r) => r.totalTransferKiB),
        requests: m((r) => r.requests),
      };
      pages.push({
        path: page,
        median: med,
        runs,
        meetsTargets: med.performance >= TARGETS.performance && med.lcpMs < TARGETS.lcpMs,
      });
    }
  } finally {
    await server.stop();
  }

  const results: LighthouseResults = {
    scenario: 'lighthouse',
    meta,
    lighthouse: version,
    chromium,
    settings: { formFactor: 'mobile', throttling, runsPerPage: options.runs },
    targets: TARGETS,
    pages,
  };
  const file = writeResults(options.out, results);
  console.log(
    `\nLighthouse ${version}, mobile defaults, median of ${options.runs} (commit ${meta.commit}${meta.uncommittedChanges ? ', with uncommitted changes' : ''})\n`,
  );
  console.log(
    markdownTable(
      [
        'page',
        'score',
        'FCP',
        'LCP',
        'TBT',
        'CLS',
        'speed index',
        'JS transferred',
        'total transferred',
        'requests',
        'targets',
      ],
      pages.map((p) => [
        `\`${p.path}\``,
        String(p.median.performance),
        `${fmt(p.median.fcpMs / 1000, 2)} s`,
        `${fmt(p.median.lcpMs / 1000, 2)} s`,
        `${fmt(p.median.tbtMs)} ms`,
        fmt(p.median.cls, 3),
        `${fmt(p.median.speedIndexMs / 1000, 2)} s`,
        `${fmt(p.median.jsTransferKiB, 1)} KiB`,
        `${fmt(p.median.totalTransferKiB, 1)} KiB`,
        String(p.median.requests),
        p.meetsTargets ? '✓' : '✗',
      ]),
    ),
  );
  const errors = pages.flatMap((p) =>
    [...new Set(p.runs.flatMap((r) => r.consoleErrors))].map((e) => `${p.path}: ${e}`),
  );
  if (errors.length) console.log(`\nconsole errors:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  const failures = options.check
    ? pages
        .filter((p) => !p.meetsTargets)
        .map(
          (p) =>
            `${p.path}: score ${p.median.performance} (target ≥ ${TARGETS.performance}), LCP ${p.median.lcpMs} ms (target < ${TARGETS.lcpMs})`,
        )
    : [];
  reportOutcome(file, failures);
  return results;
}

await runIfEntry(import.meta.url, main);
