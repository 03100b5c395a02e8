/**
 * Benchmark: overload of the public portal on the embedded database (issue 12, point 11) — "under
 * 200 connections of portal look-ups for 20 s on the embedded database: no request waits more than
 * 5 s (it gets 503 instead), `GET /api/health` p99 < 1 s, and memory returns to within 10 % of its
 * start after the load".
 *
 * The real server (`buildApp`, embedded PGlite in a temporary data directory, demo data) runs in
 * its own process on loopback. autocannon (a worker thread) keeps `--connections` connections of
 * `POST /api/portal/certificate-lookups` busy for `--duration` seconds — valid-looking bodies of
 * synthetic citizens, each request from its own client address (`X-Forwarded-For` behind
 * `TRUST_PROXY`, so the per-address limits do not turn the load into 429s) — while this thread
 * probes `GET /api/health` from a separate client (a new connection each time, one probe at a
 * time, every `--health-interval` ms) and reads the server's RSS from /proc.
 *
 *   node --conditions=source --import tsx bench/overload.ts [--quick] [--duration S] [--connections N] …
 *
 * Writes bench/results/overload.json and prints Markdown tables. Exits non-zero when a look-up got
 * a 5xx other than 503 (a missed target is reported with ✗ but does not fail the run).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.js';
import { type AppProcess, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { rssMiB } from './lib/cpu.js';
import { type HttpLoadJob, type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import {
  fmt,
  markdownTable,
  ms,
  type RunMeta,
  reportOutcome,
  runIfEntry,
  runMeta,
  writeResults,
} from './lib/report.js';

/** The targets. */
export const TARGETS = { maxWaitMs: 5000, healthP99Ms: 1000, memoryReturn: 0.1 } as const;

/** Options of the overload benchmark (see {@link parseOverloadArgs}). */
export interface OverloadOptions {
  readonly quick: boolean;
  readonly durationS: number;
  readonly connections: number;
  /** A short look-up load before the start figures (JIT, first allocations), seconds. */
  readonly warmupS: number;
  /** Quiet time after the load before the last memory figure, seconds. */
  readonly settleS: number;
  readonly healthIntervalMs: number;
  /** Seconds before autocannon counts a request as timed out. */
  readonly timeoutS: number;
  /** Extra environment for the server (e.g. DATABASE_QUEUE_MAX=…), for trying other limits. */
  readonly appEnv: Readonly<Record<string, string>>;
}

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const overloadOptionsSpec = {
  quick: { type: 'boolean' },
  duration: { type: 'string' },
  connections: { type: 'string' },
  warmup: { type: 'string' },
  settle: { type: 'string' },
  'health-interval': { type: 'string' },
  'app-env': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: overload [--quick] [--duration S] [--connections N] [--warmup S] [--settle S]
                [--health-interval MS] [--app-env NAME=VALUE]…
  --duration S         seconds of load (default 20)
  --connections N      autocannon connections of portal look-ups (default 200)
  --warmup S           look-ups at 10 connections before the start figures (default 3)
  --settle S           quiet seconds after the load before the last memory figure (default 10)
  --health-interval MS one health probe at a time, this often (default 100)
  --app-env NAME=VALUE server environment, e.g. DATABASE_QUEUE_PUBLIC_MAX=32 (repeatable)
  --quick              50 connections, 5 s, settle 5 s (CI smoke)`;

/** Parses the command line (unknown options are an error); `--quick` changes the defaults only. */
export function parseOverloadArgs(argv: readonly string[]): OverloadOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: overloadOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  return {
    quick,
    durationS: num('duration', values.duration, quick ? 5 : 20, 1),
    connections: Math.floor(num('connections', values.connections, quick ? 50 : 200, 1)),
    warmupS: num('warmup', values.warmup, quick ? 1 : 3, 0),
    settleS: num('settle', values.settle, quick ? 5 : 10, 0),
    healthIntervalMs: num('health-interval', values['health-interval'], 100, 10),
    timeoutS: 10,
    appEnv: Object.fromEntries(
      (values['app-env'] ?? []).map((kv) => {
        const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(kv);
        if (!m) throw new Error(`--app-env takes NAME=VALUE, got "${kv}"\n${USAGE}`);
        return [m[1]!, m[2]!];
      }),
    ),
  };
}

/** One health probe: its status (0: no answer) and how long it took. */
interface Probe {
  readonly status: number;
  readonly ms: number;
}

/** Latency summary of the health probes. */
export interface ProbeSummary {
  readonly probes: number;
  readonly ok: number;
  /** Probes answered with anything but 200, or not answered. */
  readonly failed: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** RSS of the server process, MiB. */
export interface MemoryFigures {
  /** When the app was ready (before any request). */
  readonly ready: number;
  /** After the warm-up and a pause: the start the target compares with. */
  readonly before: number;
  /** Highest reading during the load. */
  readonly peak: number;
  /** Right after the load. */
  readonly after: number;
  /** After `settleS` quiet seconds. */
  readonly settled: number;
  /** (settled − before) / before. */
  readonly change: number;
}

export interface OverloadResults {
  readonly meta: RunMeta;
  readonly options: OverloadOptions;
  /** Portal look-ups sent by autocannon during the measured load. */
  readonly load: HttpLoadOutcome;
  /** Look-ups per second answered 202 (accepted: a look-up made). */
  readonly acceptedPerSecond: number;
  readonly healthIdle: ProbeSummary;
  readonly healthUnderLoad: ProbeSummary;
  readonly healthAfter: ProbeSummary;
  readonly memoryMiB: MemoryFigures;
  readonly targets: {
    readonly maxWait: boolean;
    readonly healthP99: boolean;
    readonly memory: boolean;
  };
  /** What went wrong (a 5xx other than 503): the run fails. */
  readonly failures: string[];
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** `GET /api/health` on a new connection (as a load balancer's probe would), with a timeout. */
function probeHealth(origin: string, timeoutMs: number): Promise<Probe> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number) => resolve({ status, ms: performance.now() - started });
    const req = http.get(`${origin}/api/health`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0));
  });
}

/** Probes one at a time, every `intervalMs`, until `stop()` says so. */
async function sampleHealth(origin: string, intervalMs: number, stop: () => boolean): Promise<Probe[]> {
  const probes: Probe[] = [];
  while (!stop()) {
    const p = await probeHealth(origin, 15_000);
    probes.push(p);
    await sleep(Math.max(0, intervalMs - p.ms));
  }
  return probes;
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(probes: readonly Probe[]): ProbeSummary {
  const sorted = probes.map((p) => p.ms).sort((a, b) => a - b);
  const ok = probes.filter((p) => p.status === 200).length;
  return {
    probes: probes.length,
    ok,
    failed: probes.length - ok,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Look-up bodies of synthetic citizens (name, date of birth, gender, phone). */
let bodies: string[] | null = null;

/**
 * The look-up load: the bodies round robin, each request from its own client address (`{ip}` is
 * made from the request's number, from `start` on: a job must not reuse another's addresses).
 */
function lookupJob(
  origin: string,
  connections: number,
  durationS: number,
  timeoutS: number,
  start: number,
): HttpLoadJob {
  bodies ??= simulatorCitizens(20_000).map((c) =>
    JSON.stringify({ fullName: c.fullName, dateOfBirth: c.dateOfBirth, gender: c.gender, phone: c.phone }),
  );
  return {
    origin,
    headers: {},
    connections,
    durationS,
    warmupS: 0,
    timeoutS,
    sequence: {
      method: 'POST',
      pathTemplate: '/api/portal/certificate-lookups',
      bodyTemplate: '{item}',
      headerTemplates: { 'x-forwarded-for': '{ip}' },
      start,
      items: bodies,
      cycle: true,
    },
  };
}

/** Runs the scenario and writes bench/results/overload.json. */
export async function runOverload(options: OverloadOptions): Promise<{ results: OverloadResults; file: string }> {
  const meta = runMeta();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tc-bench-overload-'));
  let app: AppProcess | null = null;
  try {
    console.error(`starting the server on an embedded database in ${dataDir} …`);
    app = await startAppProcess({
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        TRUST_PROXY: 'true',
        RECHECK_INTERVAL_MS: '0',
        REPORT_ESCALATION_INTERVAL_MS: '0',
        TIEMCHUNG_MASTER_KEY: randomBytes(32).toString('hex'),
        TIEMCHUNG_DEMO_DATA: 'true',
        ...options.appEnv,
      },
    });
    const { origin, pid } = app;
    const ready = rssMiB(pid);

    if (options.warmupS > 0) {
      console.error(`warm-up: ${options.warmupS} s of look-ups at 10 connections`);
      await runHttpLoad(lookupJob(origin, 10, options.warmupS, options.timeoutS, 1));
    }
    await sleep(2000);
    let idleProbes = 0;
    const healthIdle = summarize(await sampleHealth(origin, options.healthIntervalMs, () => idleProbes++ >= 20));
    const before = rssMiB(pid);

    console.error(`load: ${options.connections} connections of portal look-ups for ${options.durationS} s`);
    let measuring = false;
    let stopped = false;
    let peak = before;
    let probesUnderLoad: Promise<Probe[]> = Promise.resolve([]);
    const memoryTimer = setInterval(() => {
      if (measuring) peak = Math.max(peak, rssMiB(pid));
    }, 250);
    const load = await runHttpLoad(
      lookupJob(origin, options.connections, options.durationS, options.timeoutS, 1_000_000),
      {
        onMeasureStart: () => {
          measuring = true;
          probesUnderLoad = sampleHealth(origin, options.healthIntervalMs, () => stopped);
        },
        onMeasureEnd: () => {
          measuring = false;
          stopped = true;
        },
      },
    );
    stopped = true;
    clearInterval(memoryTimer);
    const after = rssMiB(pid);
    const healthUnderLoad = summarize(await probesUnderLoad);

    console.error(`settling for ${options.settleS} s`);
    await sleep(options.settleS * 1000);
    let afterProbes = 0;
    const healthAfter = summarize(await sampleHealth(origin, options.healthIntervalMs, () => afterProbes++ >= 20));
    const settled = rssMiB(pid);

    const accepted = load.statusCodes['202'] ?? 0;
    const failures: string[] = [];
    for (const [code, n] of Object.entries(load.statusCodes))
      if (Number(code) >= 500 && code !== '503' && n > 0) failures.push(`${n} look-ups answered ${code}`);
    const change = (settled - before) / before;
    const results: OverloadResults = {
      meta,
      options,
      load,
      acceptedPerSecond: accepted / load.durationS,
      healthIdle,
      healthUnderLoad,
      healthAfter,
      memoryMiB: { ready, before, peak, after, settled, change },
      targets: {
        // Requests still in flight when the run stopped (at most one per connection) are cut off,
        // not counted; a request that waited past autocannon's timeout is counted as a timeout.
        maxWait: load.latencyMs.max <= TARGETS.maxWaitMs && load.timeouts === 0,
        healthP99: healthUnderLoad.p99 < TARGETS.healthP99Ms && healthUnderLoad.failed === 0,
        // "Returns to within 10 % of its start": no more than 10 % above it (less is fine).
        memory: change <= TARGETS.memoryReturn,
      },
      failures,
    };
    return { results, file: writeResults('overload', results) };
  } finally {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** The Markdown tables of a run. */
export function overloadMarkdown(r: OverloadResults): string {
  const { load, memoryMiB: m } = r;
  const codes = Object.entries(load.statusCodes)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([c, n]) => `${c}: ${fmt(n)}`)
    .join(', ');
  const lines = [
    `Run of ${r.meta.date.slice(0, 10)} on \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, ` +
      `load average ${r.meta.loadAverageAtStart.join(' / ')} at the start; ${r.options.connections} connections for ` +
      `${r.options.durationS} s.`,
    '',
    markdownTable(
      [
        'Look-ups',
        'responses',
        'req/s',
        '202/s',
        'status codes',
        'p50 ms',
        'p99 ms',
        'max ms',
        'timeouts',
        'errors',
        'cut off at the end',
      ],
      [
        [
          '`POST /api/portal/certificate-lookups`',
          fmt(load.requests),
          fmt(load.requestsPerSecond, 0),
          fmt(r.acceptedPerSecond, 0),
          codes,
          ms(load.latencyMs.p50),
          ms(load.latencyMs.p99),
          ms(load.latencyMs.max),
          fmt(load.timeouts),
          fmt(load.errors),
          fmt(load.unfinished),
        ],
      ],
    ),
    '',
    markdownTable(
      ['`GET /api/health`', 'probes', 'not 200', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      (
        [
          ['idle (before)', r.healthIdle],
          ['**under load**', r.healthUnderLoad],
          ['after the load', r.healthAfter],
        ] as const
      ).map(([name, s]) => [name, fmt(s.probes), fmt(s.failed), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)]),
    ),
    '',
    markdownTable(
      ['Server RSS (MiB)', 'ready', 'before the load', 'peak', 'right after', `after ${r.options.settleS} s`, 'change'],
      [
        [
          'RSS',
          fmt(m.ready, 1),
          fmt(m.before, 1),
          fmt(m.peak, 1),
          fmt(m.after, 1),
          fmt(m.settled, 1),
          `${m.change >= 0 ? '+' : ''}${fmt(m.change * 100, 1)} %`,
        ],
      ],
    ),
    '',
    markdownTable(
      ['Target', 'measured', 'met'],
      [
        [
          `no look-up waits more than ${TARGETS.maxWaitMs / 1000} s`,
          `max ${ms(load.latencyMs.max)} ms, ${fmt(load.timeouts)} timeouts`,
          mark(r.targets.maxWait),
        ],
        [
          `health p99 < ${TARGETS.healthP99Ms / 1000} s under load`,
          `${ms(r.healthUnderLoad.p99)} ms`,
          mark(r.targets.healthP99),
        ],
        [
          `memory back within ${TARGETS.memoryReturn * 100} % of its start`,
          `${fmt(m.before, 1)} → ${fmt(m.settled, 1)} MiB`,
          mark(r.targets.memory),
        ],
      ],
    ),
  ];
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<OverloadResults> {
  const { results, file } = await runOverload(parseOverloadArgs(argv));
  console.log(overloadMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
