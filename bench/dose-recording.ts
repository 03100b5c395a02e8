/**
 * Benchmark: recording doses through the real HTTP app — `POST /api/people/{id}/doses`, each
 * request a different person, one dose each, with its own Idempotency-Key — at a sustained rate,
 * against a same-run baseline: a bench-only route with the same authentication and header rules
 * that does one plain INSERT. The app runs in a child process, autocannon in a worker thread of
 * this process, and the CPU of each (and of PostgreSQL) is read from /proc for every run.
 *
 *   node --conditions=source --import tsx bench/dose-recording.ts [--quick] [--people N] …
 *
 * Phases: a sweep of pool sizes × connections (doses only, short runs) that picks the setting for
 * the rest; interleaved rounds baseline / dose with production durability; a diagnostic pass
 * (pg_stat_statements, statements per request, a CPU profile of the app); rounds again with
 * `synchronous_commit=off` (labelled, not the headline); then SQL checks that every acknowledged
 * dose is stored and no person has two.
 *
 * Writes bench/results/dose-recording.json and prints Markdown tables. Exits non-zero when a
 * request failed or the stored doses do not match the acknowledged ones.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { type AppCounters, type AppProcess, BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type CpuTargets, type CpuUse, cpuSnapshot, cpuUse, postmasterPid } from './lib/cpu.js';
import { type FlushProbe, probeFlush } from './lib/disk.js';
import { type HttpLoadOutcome, runHttpLoad, type SequenceOutcome } from './lib/http-load.js';
import { type LoadResult, loadPeople } from './lib/load-people.js';
import {
  enableStatements,
  type PgCounters,
  type PgDelta,
  pgCounters,
  pgDelta,
  readStatements,
  resetStatements,
  type StatementStat,
} from './lib/pg-stats.js';
import { benchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import { type ProfileSummary, summarizeProfile } from './lib/profile.js';
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
import { probeStatementFloor, type StatementFloor } from './lib/statement-floor.js';
import { median, ratio, ratioToBaselines, seededShuffle, sum } from './lib/stats.js';

/** The dose every request records (a demo lot of Comirnaty held by every demo facility). */
export const DOSE = Object.freeze({
  vaccineCode: 'EU/1/20/1528',
  lotNumber: 'FF2587',
  administeredOn: '2021-11-20',
  facilityId: 'DT-CL-01',
});

/** The issue's targets. */
export const TARGET_DOSES_PER_SECOND = 2000;
export const TARGET_RATIO = 0.5;

/** Options of the dose-recording benchmark (see {@link parseDoseRecordingArgs}). */
export interface DoseRecordingOptions {
  readonly people: number;
  readonly quick: boolean;
  /** Rounds with production durability: each a dose run between two baseline runs. */
  readonly rounds: number;
  readonly durationS: number;
  /** Unmeasured seconds of each request kind before the first round of a phase. */
  readonly warmupS: number;
  /** Connections of the load generator; null: chosen by the sweep (32 without one). */
  readonly connections: number | null;
  /** DATABASE_POOL_MAX of the app; null: chosen by the sweep (20, the server's default, without one). */
  readonly poolMax: number | null;
  readonly sweep: boolean;
  readonly sweepConnections: readonly number[];
  readonly sweepPools: readonly number[];
  readonly sweepDurationS: number;
  /** Rounds with `synchronous_commit=off` (0: none). */
  readonly syncOffRounds: number;
  /** Seconds of each diagnostic run (pg_stat_statements, profile); 0: no diagnostics. */
  readonly diagnosticS: number;
  readonly profile: boolean;
  /** The staff user that records (its facility must be DT-CL-01, or a national/province scope covering it). */
  readonly user: string;
  readonly keepDatabase: boolean;
  /** Measure on this database of the server (the national data set, `bench/nation.ts`) instead of a new one. */
  readonly reuseDatabase: string | null;
  readonly pgSettings: Readonly<Record<string, string>>;
}

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const doseRecordingOptionsSpec = {
  quick: { type: 'boolean' },
  people: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  pool: { type: 'string' },
  'no-sweep': { type: 'boolean' },
  'sweep-connections': { type: 'string' },
  'sweep-pools': { type: 'string' },
  'sweep-duration': { type: 'string' },
  'sync-off-rounds': { type: 'string' },
  'diagnostic-duration': { type: 'string' },
  profile: { type: 'boolean' },
  'no-profile': { type: 'boolean' },
  user: { type: 'string' },
  'keep-db': { type: 'boolean' },
  'reuse-db': { type: 'string' },
  'pg-setting': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: dose-recording [--quick] [--people N] [--rounds R] [--duration S] [--warmup S]
                      [--connections N] [--pool N] [--no-sweep] [--sweep-connections a,b] [--sweep-pools a,b]
                      [--sweep-duration S] [--sync-off-rounds R] [--diagnostic-duration S] [--profile | --no-profile]
                      [--user NAME] [--keep-db] [--reuse-db NAME] [--pg-setting name=value]…
  --quick              100,000 people, no sweep, 2 rounds of 3 s, 1 round with synchronous_commit=off, no profile
  --people N           people loaded, each gets at most one dose (default 600000)
  --rounds R           rounds with production durability (default 3); --duration S per run (default 12)
  --connections N      autocannon connections; --pool N: the app's DATABASE_POOL_MAX (default: from the sweep)
  --no-sweep           skip the sweep of pool sizes × connections (default sweep: pools 10,20,40 × connections 20,32,50, 5 s each)
  --sync-off-rounds R  rounds with synchronous_commit=off after the main ones (default 2; 0: none)
  --diagnostic-duration S  seconds of each diagnostic run (pg_stat_statements, CPU profile; default 8; 0: none)
  --user NAME          who records (default caolanh.tiem, site staff of DT-CL-01)`;

/** Parses the command line (unknown options are an error); `--quick` changes the defaults only. */
export function parseDoseRecordingArgs(argv: readonly string[]): DoseRecordingOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: doseRecordingOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const list = (name: string, raw: string | undefined, fallback: number[]) =>
    raw === undefined ? fallback : raw.split(',').map((x) => Math.floor(num(name, x, 0, 1)));
  const quick = values.quick ?? false;
  return {
    people: Math.floor(num('people', values.people, quick ? 100_000 : 600_000, 100)),
    quick,
    rounds: Math.floor(num('rounds', values.rounds, quick ? 2 : 3, 1)),
    durationS: num('duration', values.duration, quick ? 3 : 12, 1),
    warmupS: num('warmup', values.warmup, quick ? 1 : 3, 0),
    connections: values.connections === undefined ? null : Math.floor(num('connections', values.connections, 32, 1)),
    poolMax: values.pool === undefined ? null : Math.floor(num('pool', values.pool, 20, 1)),
    sweep: !(values['no-sweep'] ?? quick),
    sweepConnections: list('sweep-connections', values['sweep-connections'], [20, 32, 50]),
    sweepPools: list('sweep-pools', values['sweep-pools'], [10, 20, 40]),
    sweepDurationS: num('sweep-duration', values['sweep-duration'], 5, 1),
    syncOffRounds: Math.floor(num('sync-off-rounds', values['sync-off-rounds'], quick ? 1 : 2, 0)),
    diagnosticS: num('diagnostic-duration', values['diagnostic-duration'], quick ? 2 : 8, 0),
    profile: values.profile ?? !(values['no-profile'] ?? quick),
    user: values.user ?? 'caolanh.tiem',
    keepDatabase: values['keep-db'] ?? false,
    reuseDatabase: values['reuse-db'] ?? null,
    pgSettings: Object.fromEntries(
      (values['pg-setting'] ?? []).map((kv) => {
        const m = /^([a-z_.]+)=(\S+)$/.exec(kv);
        if (!m) throw new Error(`--pg-setting takes name=value, got "${kv}"\n${USAGE}`);
        return [m[1]!, m[2]!];
      }),
    ),
  };
}

/** This run's part of every Idempotency-Key: runs on a reused database never share keys. */
const RUN = Date.now().toString(36);

/** The people table of a reused database, described as a load would be (nothing loaded now). */
async function peopleOnRecord(client: pg.Client): Promise<LoadResult> {
  const { rows } = await client.query<{ n: string; t: string; i: string }>(
    `select (select reltuples::bigint from pg_class where relname = 'people')::text as n,
            pg_table_size('people')::text as t, pg_indexes_size('people')::text as i`,
  );
  return {
    people: Number(rows[0]!.n),
    indexes: 'keep',
    copyMs: 0,
    indexMs: 0,
    analyzeMs: 0,
    peoplePerSecond: 0,
    tableBytes: Number(rows[0]!.t),
    indexBytes: Number(rows[0]!.i),
  };
}

type Kind = 'baseline' | 'dose';
type Phase = 'sweep' | 'main' | 'sync-off' | 'diagnostic' | 'profile';

/** Per request, what a run cost (from /proc and the app's statement counter). */
interface PerRequest {
  /** CPU of the app's process, ms per response. */
  readonly appCpuMs: number | null;
  readonly postgresCpuMs: number | null;
  readonly loadGeneratorCpuMs: number | null;
  /** Statements the app sent per response (BEGIN and COMMIT included). */
  readonly statements: number;
  /** Time the app spent waiting for statement results, ms per response (summed over its statements). */
  readonly statementWaitMs: number;
  readonly walBytes: number;
  /** Commits per WAL flush (group commit): > 1 when one flush served several transactions. */
  readonly commitsPerWalFlush: number | null;
}

/** One measured run. */
interface Run extends Omit<HttpLoadOutcome, 'sequence'> {
  readonly kind: Kind;
  readonly phase: Phase;
  readonly round: number;
  readonly poolMax: number;
  readonly connections: number;
  readonly synchronousCommit: 'on' | 'off';
  readonly cpu: CpuUse;
  readonly pg: PgDelta;
  readonly perRequest: PerRequest;
  /** Median busy share of the two cores: (app + PostgreSQL + load generator + others) ÷ (wall × cores). */
  readonly machineBusyShare: number | null;
  /** How busy the app's event loop (its one JavaScript thread) was during the run, 0–1. */
  readonly eventLoopUtilization: number;
  /** For dose runs of a round: req/s ÷ mean of the baseline runs around it; for baselines: ÷ their median. */
  throughputVsBaseline: number | null;
}

/** A kind of request over the runs of one phase. */
interface KindSummary {
  readonly kind: Kind;
  readonly request: string;
  readonly runs: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly unfinished: number;
  readonly throughputVsBaseline: number | null;
  readonly throughputVsBaselineRange: readonly [number, number] | null;
  /** Medians over the runs. */
  readonly perRequest: {
    readonly appCpuMs: number | null;
    readonly postgresCpuMs: number | null;
    readonly loadGeneratorCpuMs: number | null;
    readonly statements: number;
    readonly statementWaitMs: number;
    readonly walBytes: number;
    readonly commitsPerWalFlush: number | null;
  };
  readonly machineBusyShare: number | null;
  /** Median over the runs of the app's event-loop utilisation. */
  readonly eventLoopUtilization: number | null;
  /** Median share of the machine's busy CPU that was neither the app, PostgreSQL nor the load generator. */
  readonly otherShare: number | null;
}

/** A statement as the dose request sends it (diagnostic pass). */
interface StatementPerRequest {
  readonly statement: string;
  readonly perRequest: number;
  /** From pg_stat_statements, when available: mean execution and planning time per call. */
  readonly execMsPerCall: number | null;
  readonly planMsPerCall: number | null;
  /** The app's view: mean time from send to result per call. */
  readonly appWaitMsPerCall: number | null;
}

/** The diagnostic pass of one request kind. */
interface Diagnostic {
  readonly kind: Kind;
  readonly run: Run;
  readonly statementsAvailable: boolean;
  readonly statements: StatementPerRequest[];
  /** Sum over the statements of (exec + plan) per request, ms: the time PostgreSQL spends executing a request's statements. */
  readonly postgresExecMsPerRequest: number | null;
}

/** The whole result file. */
export interface DoseRecordingResults {
  readonly scenario: 'dose-recording';
  readonly meta: RunMeta;
  readonly options: DoseRecordingOptions;
  readonly postgres: {
    readonly source: 'external' | 'temporary';
    readonly settings: Record<string, string>;
    readonly statementsExtension: boolean;
  };
  readonly load: LoadResult;
  readonly flush: FlushProbe;
  readonly statementFloor: StatementFloor;
  readonly chosen: { readonly poolMax: number; readonly connections: number; readonly by: 'sweep' | 'options' };
  readonly sweep: {
    readonly poolMax: number;
    readonly connections: number;
    readonly dosesPerSecond: number;
    readonly p50: number;
    readonly p99: number;
  }[];
  readonly runs: Run[];
  readonly main: KindSummary[];
  readonly syncOff: KindSummary[];
  readonly diagnostics: Diagnostic[];
  readonly profile: ProfileSummary | null;
  readonly verification: {
    readonly dosesStored: number;
    readonly dosesAcknowledged: number;
    readonly acknowledgedFound: number;
    readonly storedWithoutAnswer: number;
    readonly requestsWithoutAnswer: number;
    readonly peopleWithTwoDoses: number;
    /** Stored doses without exactly one `dose.create` audit entry (should be 0). */
    readonly dosesWithoutOneAuditEntry: number;
    readonly baselineStored: number;
    readonly baselineAcknowledged: number;
    readonly baselineAcknowledgedFound: number;
  };
  readonly targets: {
    readonly dosesPerSecond: { readonly target: number; readonly measured: number; readonly met: boolean };
    readonly ratio: { readonly target: number; readonly measured: number | null; readonly met: boolean };
  };
  readonly failures: string[];
}

const log = (line: string) => console.error(`[dose-recording] ${line}`);

/** The most requests per second a job is given items for (a job stops, and fails, if it runs out). */
const MAX_RATE = 8000;

/** What one request kind has used and had acknowledged, over the whole run. */
interface Ledger {
  next: number;
  acknowledged: number[];
  used: number;
  responses: number;
  non2xx: number;
  errors: number;
  exhausted: boolean;
}

const newLedger = (): Ledger => ({
  next: 0,
  acknowledged: [],
  used: 0,
  responses: 0,
  non2xx: 0,
  errors: 0,
  exhausted: false,
});

/** Runs the benchmark end to end; returns the results (also written to bench/results/dose-recording.json). */
export async function runDoseRecording(
  options: DoseRecordingOptions,
): Promise<{ results: DoseRecordingResults; file: string }> {
  const meta = runMeta();
  log(
    `commit ${meta.commit}, ${meta.machine.cpus} CPUs, ${meta.machine.memoryGiB} GiB, Node ${meta.node}, ` +
      `load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  // pg_stat_statements must be preloaded; on a temporary server it is (an external one may or may not have it).
  const server = await startBenchServer(log, { shared_preload_libraries: 'pg_stat_statements', ...options.pgSettings });
  try {
    const database = await benchDatabase(server, options.reuseDatabase);
    log(`database ${database.name} ${options.reuseDatabase ? '(reused)' : 'created and migrated'}`);
    try {
      const results = await measure(options, meta, server.source, database.url, database.name);
      const file = writeResults('dose-recording', results);
      return { results, file };
    } finally {
      if (options.keepDatabase && server.source === 'external') log(`kept database ${database.name}`);
      else await database.drop();
    }
  } finally {
    await server.stop();
  }
}

async function measure(
  options: DoseRecordingOptions,
  meta: RunMeta,
  source: 'external' | 'temporary',
  url: string,
  databaseName: string,
): Promise<DoseRecordingResults> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const failures: string[] = [];
  const runs: Run[] = [];
  const doses = newLedger();
  const baseline = newLedger();
  let app: AppProcess | null = null;
  // (a function, so that TypeScript does not narrow `app` to null in the finally block)
  const closeApp = async () => {
    const a: AppProcess | null = app;
    app = null;
    await a?.close();
  };
  try {
    const statementsExtension = await enableStatements(admin);
    log(`pg_stat_statements ${statementsExtension ? 'available' : 'not available (not preloaded on this server)'}`);
    await admin.query(
      'create table if not exists bench_baseline (id text primary key, person_id text, payload jsonb, created_at timestamptz default now())',
    );
    await admin.query('truncate bench_baseline');
    const load: LoadResult = options.reuseDatabase
      ? await peopleOnRecord(admin)
      : await loadPeople(url, { count: options.people, indexes: 'keep', log });
    log(`${options.reuseDatabase ? 'on record' : 'loaded'}: ${fmt(load.people)} people`);
    // People who have no dose yet (on a reused database the others have theirs): each gets one.
    const { rows: idRows } = await admin.query<{ id: string }>(
      `select id from people p where verification_status = 'verified'
          and not exists (select 1 from doses d where d.person_id = p.id) order by id limit $1`,
      [options.people],
    );
    // Random people, in a reproducible order: a site serves whoever comes, not the table in id order.
    const ids = seededShuffle(
      idRows.map((r) => r.id),
      'bench-v1/doses',
    );
    log(`${fmt(ids.length)} verified people to record doses for`);
    const flush = probeFlush(tmpdir());
    log(
      `disk: 8 kB write + fdatasync in ${flush.dir}: mean ${fmt(flush.meanUs)} µs, p99 ${fmt(flush.p99Us)} µs ` +
        `(${fmt(1e6 / flush.meanUs)} flushes/s one at a time)`,
    );
    const settings = await serverSettings(url);
    const pmPid = await postmasterPid(admin);
    if (!pmPid) log('PostgreSQL does not run on this machine (or is not visible): its CPU is not accounted');
    const statementFloor = await probeStatementFloor(url, pmPid);
    log(
      `one trivial statement through Kysely/pg, one at a time: ${fmt(statementFloor.wallUs)} µs, ` +
        `CPU ${fmt(statementFloor.nodeCpuUs ?? Number.NaN)} µs in Node + ${fmt(statementFloor.postgresCpuUs ?? Number.NaN)} µs in PostgreSQL`,
    );

    const masterKey = BENCH_MASTER_KEY;
    let syncCommit: 'on' | 'off' = 'on';
    let current = { poolMax: 0, connections: 0 };
    let token = '';
    let lastCounts: AppCounters = { statements: [], responses: 0, eventLoopUtilization: 0 };
    let checked = false;

    const startApp = async (poolMax: number) => {
      await app?.close();
      app = await startAppProcess({
        env: {
          DATABASE_URL: url,
          DATABASE_POOL_MAX: String(poolMax),
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          RECHECK_INTERVAL_MS: '0',
          REPORT_ESCALATION_INTERVAL_MS: '0',
          TIEMCHUNG_MASTER_KEY: masterKey,
          TIEMCHUNG_DEMO_DATA: 'true',
          // DATABASE_PREPARED_STATEMENTS=false in this process's environment: the A/B of prepared statements.
          ...(process.env.DATABASE_PREPARED_STATEMENTS
            ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
            : {}),
        },
        baselineRoute: true,
      });
      token = await signIn(app.origin, options.user);
      current = { ...current, poolMax };
      log(`app process ${app.pid} listening at ${app.origin}, DATABASE_POOL_MAX=${poolMax}`);
      if (!checked) {
        await preflight(app.origin, token, ids, doses, baseline);
        checked = true;
      }
      return app;
    };

    /** One load job of `kind`; measured (returned as a Run) unless `measured` is false. */
    const fire = async (
      kind: Kind,
      phase: Phase,
      round: number,
      durationS: number,
      connections: number,
      measured = true,
    ): Promise<Run | null> => {
      const a = app!;
      const ledger = kind === 'dose' ? doses : baseline;
      const cap = Math.ceil(durationS * MAX_RATE) + 1000;
      const items =
        kind === 'dose' ? ids.slice(ledger.next, ledger.next + cap) : ids.slice(0, Math.min(ids.length, cap));
      const targets: CpuTargets = { appPid: a.pid, postmasterPid: pmPid };
      let startCpu = cpuSnapshot(targets);
      let endCpu = startCpu;
      let startPg: Promise<PgCounters> = pgCounters(admin);
      let endPg: Promise<PgCounters> = startPg;
      const none: AppCounters = { statements: [], responses: 0, eventLoopUtilization: 0 };
      let startCounts: Promise<AppCounters> = Promise.resolve(none);
      let endCounts: Promise<AppCounters> = Promise.resolve(none);
      await startPg;
      const outcome = await runHttpLoad(
        {
          origin: a.origin,
          headers: { authorization: `Bearer ${token}` },
          connections,
          durationS,
          warmupS: 0,
          timeoutS: 10,
          sequence: {
            method: 'POST',
            pathTemplate: kind === 'dose' ? '/api/people/{item}/doses' : '/api/__bench/insert',
            bodyTemplate: kind === 'dose' ? JSON.stringify(DOSE) : JSON.stringify({ personId: '{item}', ...DOSE }),
            headerTemplates: { 'idempotency-key': `bench-${kind}-${RUN}-{n}` },
            start: ledger.next,
            items,
          },
        },
        {
          onMeasureStart: () => {
            startCpu = cpuSnapshot(targets);
            startPg = pgCounters(admin);
            startCounts = a.counters(true);
          },
          onMeasureEnd: () => {
            endCpu = cpuSnapshot(targets);
            endPg = pgCounters(admin);
            endCounts = a.counters(true);
          },
        },
      );
      const seq = outcome.sequence as SequenceOutcome;
      ledger.next += seq.used;
      ledger.used += seq.used;
      ledger.responses += seq.responses;
      ledger.acknowledged.push(...seq.acknowledged);
      ledger.non2xx += outcome.non2xx + seq.warmupNon2xx;
      ledger.errors += outcome.errors;
      if (seq.exhausted) ledger.exhausted = true;
      const [pgA, pgB] = [await startPg, await endPg];
      await startCounts;
      const counts = await endCounts;
      if (!measured) return null;
      const cpu = cpuUse(startCpu, endCpu);
      const pgD = pgDelta(pgA, pgB);
      const n = Math.max(1, outcome.requests);
      const per = (s: number | null) => (s === null ? null : (s * 1000) / n);
      // Statements per response as the app counted both in the same window.
      const answered = Math.max(1, counts.responses);
      const statements = sum(counts.statements.map((c) => c.calls));
      const { sequence: _s, ...rest } = outcome;
      const run: Run = {
        ...rest,
        kind,
        phase,
        round,
        poolMax: current.poolMax,
        connections,
        synchronousCommit: syncCommit,
        cpu,
        pg: pgD,
        perRequest: {
          appCpuMs: per(cpu.appS),
          postgresCpuMs: per(cpu.postgresS),
          loadGeneratorCpuMs: per(cpu.loadGeneratorS),
          statements: statements / answered,
          statementWaitMs: sum(counts.statements.map((c) => c.ms)) / answered,
          walBytes: pgD.walBytes / n,
          commitsPerWalFlush: pgD.walSyncs ? pgD.commits / pgD.walSyncs : null,
        },
        machineBusyShare:
          cpu.machineBusyS !== null && cpu.wallS > 0 ? cpu.machineBusyS / (cpu.wallS * meta.machine.cpus) : null,
        eventLoopUtilization: counts.eventLoopUtilization,
        throughputVsBaseline: null,
      };
      runs.push(run);
      lastCounts = counts;
      log(
        `  ${phase} ${round >= 0 ? `r${round + 1} ` : ''}${kind} pool ${current.poolMax} × ${connections} conn: ` +
          `${fmt(run.requestsPerSecond, 1)} req/s, p50 ${ms(run.latencyMs.p50)} ms, p99 ${ms(run.latencyMs.p99)} ms, ` +
          `non-2xx ${run.non2xx}, app ${fmtMs(run.perRequest.appCpuMs)} + pg ${fmtMs(run.perRequest.postgresCpuMs)} ` +
          `+ load ${fmtMs(run.perRequest.loadGeneratorCpuMs)} CPU ms/req, ${fmt(run.perRequest.statements, 1)} statements/req, ` +
          `event loop ${fmt(run.eventLoopUtilization * 100)} % busy`,
      );
      return run;
    };
    // --- Sweep: which pool size and how many connections give the most doses per second.
    const sweep: DoseRecordingResults['sweep'] = [];
    let chosen: DoseRecordingResults['chosen'] = {
      poolMax: options.poolMax ?? 20,
      connections: options.connections ?? 32,
      by: 'options',
    };
    if (options.sweep && (options.poolMax === null || options.connections === null)) {
      const pools = options.poolMax === null ? options.sweepPools : [options.poolMax];
      const conns = options.connections === null ? options.sweepConnections : [options.connections];
      log(
        `sweep: pools ${pools.join(', ')} × connections ${conns.join(', ')}, ${options.sweepDurationS} s of doses each`,
      );
      for (const pool of pools) {
        await startApp(pool);
        await fire('dose', 'sweep', -1, Math.max(2, options.warmupS), Math.max(...conns), false);
        for (const c of conns) {
          const r = (await fire('dose', 'sweep', -1, options.sweepDurationS, c))!;
          sweep.push({
            poolMax: pool,
            connections: c,
            dosesPerSecond: r.requestsPerSecond,
            p50: r.latencyMs.p50,
            p99: r.latencyMs.p99,
          });
        }
      }
      const best = [...sweep].sort((x, y) => y.dosesPerSecond - x.dosesPerSecond)[0]!;
      chosen = { poolMax: best.poolMax, connections: best.connections, by: 'sweep' };
      log(`sweep: best pool ${best.poolMax} × ${best.connections} connections (${fmt(best.dosesPerSecond)} doses/s)`);
    }

    // --- Main rounds, production durability.
    /** A fresh app process compiles as it goes: both requests run unmeasured first. */
    const warmUp = async (phase: Phase) => {
      if (options.warmupS <= 0) return;
      await fire('dose', phase, -1, options.warmupS, chosen.connections, false);
      await fire('baseline', phase, -1, options.warmupS, chosen.connections, false);
    };
    const rounds = async (phase: 'main' | 'sync-off', count: number) => {
      await startApp(chosen.poolMax);
      await warmUp(phase);
      const before = runs.length;
      const base: Run[] = [(await fire('baseline', phase, -1, options.durationS, chosen.connections))!];
      for (let r = 0; r < count; r++) {
        await fire('dose', phase, r, options.durationS, chosen.connections);
        base.push((await fire('baseline', phase, r, options.durationS, chosen.connections))!);
      }
      const phaseRuns = runs.slice(before);
      const baseMedian = median(base.map((b) => b.requestsPerSecond));
      for (const b of base) b.throughputVsBaseline = baseMedian > 0 ? b.requestsPerSecond / baseMedian : null;
      for (const d of phaseRuns.filter((x) => x.kind === 'dose')) {
        d.throughputVsBaseline = ratioToBaselines(
          d.requestsPerSecond,
          base[d.round]!.requestsPerSecond,
          base[d.round + 1]!.requestsPerSecond,
        );
      }
      return (['baseline', 'dose'] as const).map((k) =>
        summarise(
          k,
          phaseRuns.filter((x) => x.kind === k),
        ),
      );
    };
    log(
      `main: ${options.rounds} rounds × ${options.durationS} s, pool ${chosen.poolMax}, ${chosen.connections} connections, ` +
        'synchronous_commit=on',
    );
    const main = await rounds('main', options.rounds);

    // --- Diagnostics: statements per request, where PostgreSQL spends its time, a CPU profile of the app.
    const diagnostics: Diagnostic[] = [];
    let profile: ProfileSummary | null = null;
    if (options.diagnosticS > 0) {
      if (statementsExtension)
        await admin.query(`alter database ${databaseName} set pg_stat_statements.track_planning = on`);
      await startApp(chosen.poolMax);
      await warmUp('diagnostic');
      for (const kind of ['dose', 'baseline'] as const) {
        if (statementsExtension) await resetStatements(admin);
        const run = (await fire(kind, 'diagnostic', -1, options.diagnosticS, chosen.connections))!;
        const stats = statementsExtension ? await readStatements(admin) : [];
        diagnostics.push(diagnose(kind, run, lastCounts, stats, statementsExtension));
      }
      if (statementsExtension)
        await admin.query(`alter database ${databaseName} reset pg_stat_statements.track_planning`);
      if (options.profile) {
        await startApp(chosen.poolMax);
        await warmUp('profile');
        const file = path.join(tmpdir(), `dose-recording-${process.pid}.cpuprofile`);
        await app!.startProfile();
        await fire('dose', 'profile', -1, options.diagnosticS, chosen.connections);
        await app!.stopProfile(file);
        profile = summarizeProfile(file);
        log(`CPU profile of the app during a dose run: ${file}`);
      }
    }

    // --- synchronous_commit=off (labelled: a committed dose can be lost in a crash, not corrupted).
    let syncOff: KindSummary[] = [];
    if (options.syncOffRounds > 0) {
      await admin.query(`alter database ${databaseName} set synchronous_commit = off`);
      syncCommit = 'off';
      log(`synchronous_commit=off: ${options.syncOffRounds} rounds`);
      syncOff = await rounds('sync-off', options.syncOffRounds);
      await admin.query(`alter database ${databaseName} reset synchronous_commit`);
      syncCommit = 'on';
    }
    await closeApp();

    // --- Verification in SQL.
    const verification = await verify(admin, doses, baseline);
    log(
      `verification: ${fmt(verification.dosesStored)} doses stored, ${fmt(verification.dosesAcknowledged)} acknowledged ` +
        `(${fmt(verification.acknowledgedFound)} found), ${verification.peopleWithTwoDoses} people with two doses`,
    );
    if (doses.non2xx + baseline.non2xx > 0)
      failures.push(`non-2xx responses: ${doses.non2xx} dose, ${baseline.non2xx} baseline (warm-ups included)`);
    if (doses.errors + baseline.errors > 0)
      failures.push(`connection errors: ${doses.errors} dose, ${baseline.errors} baseline`);
    if (doses.exhausted) failures.push(`ran out of people (${fmt(ids.length)}): raise --people`);
    if (verification.acknowledgedFound !== verification.dosesAcknowledged)
      failures.push(
        `${verification.dosesAcknowledged - verification.acknowledgedFound} acknowledged doses are not in the database`,
      );
    if (verification.storedWithoutAnswer > verification.requestsWithoutAnswer)
      failures.push(
        `${verification.storedWithoutAnswer} doses stored without an answer, more than the ${verification.requestsWithoutAnswer} requests cut off`,
      );
    if (verification.peopleWithTwoDoses > 0) failures.push(`${verification.peopleWithTwoDoses} people got two doses`);
    if (verification.dosesWithoutOneAuditEntry > 0)
      failures.push(`${verification.dosesWithoutOneAuditEntry} doses without exactly one audit entry`);
    if (verification.baselineAcknowledgedFound !== verification.baselineAcknowledged)
      failures.push('acknowledged baseline rows are missing');
    for (const s of [...main, ...syncOff]) if (s.requests === 0) failures.push(`${s.kind}: no response at all`);

    const dose = main.find((s) => s.kind === 'dose')!;
    return {
      scenario: 'dose-recording',
      meta,
      options,
      postgres: { source, settings, statementsExtension },
      load,
      flush,
      statementFloor,
      chosen,
      sweep,
      runs,
      main,
      syncOff,
      diagnostics,
      profile,
      verification,
      targets: {
        dosesPerSecond: {
          target: TARGET_DOSES_PER_SECOND,
          measured: dose.requestsPerSecond,
          met: dose.requestsPerSecond >= TARGET_DOSES_PER_SECOND,
        },
        ratio: {
          target: TARGET_RATIO,
          measured: dose.throughputVsBaseline,
          met: (dose.throughputVsBaseline ?? 0) >= TARGET_RATIO,
        },
      },
      failures,
    };
  } finally {
    await closeApp();
    await admin.end();
  }
}

function fmtMs(v: number | null): string {
  return v === null ? '?' : ms(v);
}

/** Medians over the runs of one kind in one phase. */
function summarise(kind: Kind, runs: Run[]): KindSummary {
  const ratios = runs.map((r) => r.throughputVsBaseline).filter((r): r is number => r !== null);
  const med = (f: (r: Run) => number | null) => {
    const v = runs.map(f).filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? median(v) : null;
  };
  return {
    kind,
    request: kind === 'dose' ? 'POST /api/people/{id}/doses' : 'POST /api/__bench/insert',
    runs: runs.length,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    latencyMs: { p50: median(runs.map((r) => r.latencyMs.p50)), p99: median(runs.map((r) => r.latencyMs.p99)) },
    requests: sum(runs.map((r) => r.requests)),
    non2xx: sum(runs.map((r) => r.non2xx)),
    errors: sum(runs.map((r) => r.errors)),
    unfinished: sum(runs.map((r) => r.unfinished)),
    throughputVsBaseline: ratios.length ? median(ratios) : null,
    throughputVsBaselineRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
    perRequest: {
      appCpuMs: med((r) => r.perRequest.appCpuMs),
      postgresCpuMs: med((r) => r.perRequest.postgresCpuMs),
      loadGeneratorCpuMs: med((r) => r.perRequest.loadGeneratorCpuMs),
      statements: med((r) => r.perRequest.statements) ?? 0,
      statementWaitMs: med((r) => r.perRequest.statementWaitMs) ?? 0,
      walBytes: med((r) => r.perRequest.walBytes) ?? 0,
      commitsPerWalFlush: med((r) => r.perRequest.commitsPerWalFlush),
    },
    machineBusyShare: med((r) => r.machineBusyShare),
    eventLoopUtilization: med((r) => r.eventLoopUtilization),
    otherShare: med((r) => (r.cpu.otherS !== null && r.cpu.machineBusyS ? r.cpu.otherS / r.cpu.machineBusyS : null)),
  };
}

/** A short name for a statement: its verb, its table and what tells it apart ("select people (for update)"). */
export function statementLabel(text: string): string {
  const raw = text.replace(/\s+/g, ' ').replaceAll('"', '').trim().toLowerCase();
  // Statements the app prepares start with a marker comment (apps/server/src/db/prepared.ts).
  const prepared = raw.startsWith('/* prepared */ ');
  const t = prepared ? raw.slice('/* prepared */ '.length) : raw;
  const verb = t.split(' ')[0] ?? '?';
  if (verb === 'begin' || verb === 'commit' || verb === 'rollback') return verb;
  const table = /\b(?:from|into|update) ([a-z_]+)/.exec(t)?.[1] ?? '?';
  const joined = / join ([a-z_]+)/.exec(t)?.[1];
  const notes = [
    joined ? `join ${joined}` : '',
    t.includes(' for update') ? 'for update' : '',
    prepared ? 'prepared' : '',
    table === 'doses' && verb === 'select' && t.includes('idempotency_key =') ? 'by idempotency key' : '',
    table === 'doses' && verb === 'select' && t.includes('person_id =') ? "the person's doses" : '',
  ].filter(Boolean);
  return `${verb} ${table}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** Joins the app's statement counts with pg_stat_statements for one diagnostic run. */
function diagnose(kind: Kind, run: Run, counts: AppCounters, stats: StatementStat[], available: boolean): Diagnostic {
  const n = Math.max(1, counts.responses);
  const byLabel = new Map<string, { calls: number; appMs: number; execMs: number; planMs: number; pgCalls: number }>();
  const entry = (label: string) => {
    let e = byLabel.get(label);
    if (!e) {
      e = { calls: 0, appMs: 0, execMs: 0, planMs: 0, pgCalls: 0 };
      byLabel.set(label, e);
    }
    return e;
  };
  for (const c of counts.statements) {
    const e = entry(statementLabel(c.text));
    e.calls += c.calls;
    e.appMs += c.ms;
  }
  for (const s of stats) {
    const label = statementLabel(s.query);
    if (!byLabel.has(label)) continue;
    const e = entry(label);
    e.execMs += s.execMs;
    e.planMs += s.planMs;
    e.pgCalls += s.calls;
  }
  const statements = [...byLabel.entries()]
    .map(([statement, e]) => ({
      statement,
      perRequest: e.calls / n,
      execMsPerCall: available && e.pgCalls ? e.execMs / e.pgCalls : null,
      planMsPerCall: available && e.pgCalls ? e.planMs / e.pgCalls : null,
      appWaitMsPerCall: e.calls ? e.appMs / e.calls : null,
    }))
    .sort((a, b) => b.perRequest - a.perRequest || a.statement.localeCompare(b.statement));
  const total = available
    ? sum(stats.filter((s) => byLabel.has(statementLabel(s.query))).map((s) => s.execMs + s.planMs)) / n
    : null;
  return { kind, run, statementsAvailable: available, statements, postgresExecMsPerRequest: total };
}

/**
 * Refuses to measure a request that does not do what it should: one dose is recorded (201, dose 1
 * of that person), its retry with the same Idempotency-Key gets the same dose (200), and the
 * baseline route stores its row (201). Both go into the ledgers like any other request.
 */
async function preflight(origin: string, token: string, ids: readonly string[], doses: Ledger, baseline: Ledger) {
  const post = (p: string, key: string, body: unknown) =>
    fetch(`${origin}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  const n = doses.next;
  const personId = ids[n]!;
  const first = await post(`/api/people/${personId}/doses`, `bench-dose-${RUN}-${n}`, DOSE);
  const dose = (await first.json()) as { id?: string; personId?: string; doseNumber?: number };
  if (first.status !== 201 || dose.personId !== personId || dose.doseNumber !== 1)
    throw new Error(`recording a dose: ${first.status} ${JSON.stringify(dose)}`);
  const retry = await post(`/api/people/${personId}/doses`, `bench-dose-${RUN}-${n}`, DOSE);
  const again = (await retry.json()) as { id?: string };
  if (retry.status !== 200 || again.id !== dose.id)
    throw new Error(`a retry with the same Idempotency-Key should give the same dose: ${retry.status}`);
  Object.assign(doses, { next: n + 1, used: doses.used + 1, responses: doses.responses + 1 });
  doses.acknowledged.push(n);
  const b = baseline.next;
  const base = await post('/api/__bench/insert', `bench-baseline-${RUN}-${b}`, { personId, ...DOSE });
  if (base.status !== 201) throw new Error(`baseline insert: ${base.status} ${await base.text()}`);
  Object.assign(baseline, { next: b + 1, used: baseline.used + 1, responses: baseline.responses + 1 });
  baseline.acknowledged.push(b);
}

/**
 * Every acknowledged dose is stored, nothing else is (beyond requests cut off), nobody has two,
 * and each dose has its one audit entry.
 */
async function verify(
  client: pg.Client,
  doses: Ledger,
  baseline: Ledger,
): Promise<DoseRecordingResults['verification']> {
  const count = async (text: string, values: unknown[] = []) =>
    Number((await client.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);
  const doseKeys = doses.acknowledged.map((n) => `bench-dose-${RUN}-${n}`);
  const baseKeys = baseline.acknowledged.map((n) => `bench-baseline-${RUN}-${n}`);
  // This run's doses (a reused database holds others: the national data set, earlier runs).
  const ours = `bench-dose-${RUN}-%`;
  const dosesStored = await count('select count(*)::text as n from dose_keys where idempotency_key like $1', [ours]);
  const acknowledgedFound = await count(
    `select count(*)::text as n from dose_keys k join doses d on d.id = k.dose_id
      where k.idempotency_key = any($1::text[])`,
    [doseKeys],
  );
  return {
    dosesStored,
    dosesAcknowledged: doseKeys.length,
    acknowledgedFound,
    storedWithoutAnswer: dosesStored - acknowledgedFound,
    requestsWithoutAnswer: doses.used - doses.responses,
    peopleWithTwoDoses: await count(
      `select count(*)::text as n from (select person_id from doses
         where person_id in (select d.person_id from dose_keys k join doses d on d.id = k.dose_id
                              where k.idempotency_key like $1)
         group by person_id having count(*) > 1) t`,
      [ours],
    ),
    dosesWithoutOneAuditEntry: await count(
      `select count(*)::text as n from dose_keys k join doses d on d.id = k.dose_id
        where k.idempotency_key like $1
          and (select count(*) from audit_log a
               where a.entity_type = 'dose' and a.entity_id = d.id and a.action = 'dose.create') <> 1`,
      [ours],
    ),
    baselineStored: await count('select count(*)::text as n from bench_baseline'),
    baselineAcknowledged: baseKeys.length,
    baselineAcknowledgedFound: await count(
      'select count(*)::text as n from bench_baseline where id = any($1::text[])',
      [baseKeys],
    ),
  };
}

/** The Markdown report of a run. */
export function doseRecordingMarkdown(r: DoseRecordingResults): string {
  const s = r.postgres.settings;
  const kindTable = (rows: KindSummary[]) =>
    markdownTable(
      ['Request', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'cut off', '× baseline', '(min–max)'],
      rows.map((k) => [
        `${k.kind === 'dose' ? 'dose' : 'baseline'}: \`${k.request}\``,
        fmt(k.requestsPerSecond, 1),
        ms(k.latencyMs.p50),
        ms(k.latencyMs.p99),
        fmt(k.requests),
        fmt(k.non2xx),
        fmt(k.errors),
        fmt(k.unfinished),
        k.throughputVsBaseline === null ? '—' : ratio(k.throughputVsBaseline),
        k.throughputVsBaselineRange
          ? `${ratio(k.throughputVsBaselineRange[0])}–${ratio(k.throughputVsBaselineRange[1])}`
          : '—',
      ]),
    );
  const cpuTable = (rows: { label: string; k: KindSummary }[]) =>
    markdownTable(
      [
        'Request',
        'app CPU ms/req',
        'PostgreSQL CPU ms/req',
        'load gen. CPU ms/req',
        'statements/req',
        'app waits on PG ms/req',
        'WAL bytes/req',
        'commits per WAL flush',
        'app event loop busy',
        'machine busy',
        'other work',
      ],
      rows.map(({ label, k }) => [
        label,
        fmtMs(k.perRequest.appCpuMs),
        fmtMs(k.perRequest.postgresCpuMs),
        fmtMs(k.perRequest.loadGeneratorCpuMs),
        fmt(k.perRequest.statements, 1),
        ms(k.perRequest.statementWaitMs),
        fmt(k.perRequest.walBytes),
        k.perRequest.commitsPerWalFlush === null ? '—' : fmt(k.perRequest.commitsPerWalFlush, 1),
        k.eventLoopUtilization === null ? '—' : `${fmt(k.eventLoopUtilization * 100)} %`,
        k.machineBusyShare === null ? '—' : `${fmt(k.machineBusyShare * 100)} %`,
        k.otherShare === null ? '—' : `${fmt(k.otherShare * 100)} %`,
      ]),
    );
  const lines = [
    `### Dose recording — ${fmt(r.load.people)} people`,
    '',
    `${r.meta.date.slice(0, 10)}, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel} (load average ${r.meta.loadAverageAtStart.join(' / ')} at start), ` +
      `Node ${r.meta.node}, PostgreSQL ${s.server_version ?? '?'} (${r.postgres.source}; shared_buffers ${s.shared_buffers}, ` +
      `fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}, full_page_writes ${s.full_page_writes}). ` +
      `Disk: 8 kB write + fdatasync ${fmt(r.flush.meanUs)} µs mean, ${fmt(r.flush.p99Us)} µs p99. ` +
      `One trivial statement (\`select $1::int\` through Kysely and pg, one at a time): ${fmt(r.statementFloor.wallUs)} µs, ` +
      `of which CPU ${fmt(r.statementFloor.nodeCpuUs ?? Number.NaN)} µs in Node and ${fmt(r.statementFloor.postgresCpuUs ?? Number.NaN)} µs in PostgreSQL.`,
    '',
    `Pool and connections: DATABASE_POOL_MAX **${r.chosen.poolMax}**, **${r.chosen.connections}** connections ` +
      `(${r.chosen.by === 'sweep' ? 'the best of the sweep below' : 'given'}). ` +
      `${r.options.rounds} rounds of ${r.options.durationS} s, each dose run between two baseline runs, after ${r.options.warmupS} s of warm-up of each.`,
    '',
    '**Production durability (synchronous_commit=on):**',
    '',
    kindTable(r.main),
    '',
    'Where the time goes (medians over the runs; CPU from /proc: the app’s process, every PostgreSQL process, ' +
      'and this process whose worker thread runs autocannon; “other work”: the share of the machine’s busy CPU that was none of them):',
    '',
    cpuTable([
      ...r.main.map((k) => ({ label: `${k.kind} (sync on)`, k })),
      ...r.syncOff.map((k) => ({ label: `${k.kind} (sync off)`, k })),
    ]),
  ];
  if (r.syncOff.length)
    lines.push(
      '',
      `**synchronous_commit=off** (${r.options.syncOffRounds} rounds; a crash may lose the last ~0.6 s of acknowledged doses — not the production setting):`,
      '',
      kindTable(r.syncOff),
    );
  if (r.sweep.length)
    lines.push(
      '',
      `Sweep (doses only, ${r.options.sweepDurationS} s each, synchronous_commit=on):`,
      '',
      markdownTable(
        ['DATABASE_POOL_MAX', 'connections', 'doses/s', 'p50 ms', 'p99 ms'],
        r.sweep.map((x) => [String(x.poolMax), String(x.connections), fmt(x.dosesPerSecond, 1), ms(x.p50), ms(x.p99)]),
      ),
    );
  for (const d of r.diagnostics) {
    lines.push(
      '',
      `Statements of one ${d.kind} request (diagnostic run of ${fmt(d.run.durationS)} s, ${fmt(d.run.requestsPerSecond, 1)} req/s; ` +
        `${d.statementsAvailable ? 'execution and planning time from pg_stat_statements with track_planning on' : 'pg_stat_statements not available'}; ` +
        '“app wait”: from sending the statement to having its result, as the app saw it):',
      '',
      markdownTable(
        ['Statement', 'per request', 'PG exec ms/call', 'PG plan ms/call', 'app wait ms/call'],
        d.statements.map((x) => [
          x.statement,
          fmt(x.perRequest, 2),
          x.execMsPerCall === null ? '—' : fmt(x.execMsPerCall, 3),
          x.planMsPerCall === null ? '—' : fmt(x.planMsPerCall, 3),
          x.appWaitMsPerCall === null ? '—' : fmt(x.appWaitMsPerCall, 2),
        ]),
      ),
      '',
      `Total: ${fmt(sum(d.statements.map((x) => x.perRequest)), 1)} statements per request` +
        (d.postgresExecMsPerRequest === null
          ? '.'
          : `, PostgreSQL executing and planning them ${fmt(d.postgresExecMsPerRequest, 3)} ms per request ` +
            `(its CPU per request, parsing and protocol included: ${fmtMs(d.run.perRequest.postgresCpuMs)} ms; the app’s: ${fmtMs(d.run.perRequest.appCpuMs)} ms).`),
    );
  }
  if (r.profile) {
    const p = r.profile;
    lines.push(
      '',
      `CPU profile of the app during a ${fmt(p.durationMs / 1000, 1)} s dose run (busy ${fmt(p.busyMs)} ms; self time by package):`,
      '',
      markdownTable(
        ['Code', 'self ms', 'share of busy'],
        p.byGroup
          .filter((g) => g.name !== '(idle)')
          .slice(0, 12)
          .map((g) => [g.name, fmt(g.ms), `${fmt((g.ms / Math.max(1, p.busyMs)) * 100, 1)} %`]),
      ),
      '',
      'Busiest functions (self time):',
      '',
      markdownTable(
        ['Function', 'self ms', 'share of busy'],
        p.topFunctions
          .slice(0, 12)
          .map((f) => [`\`${f.name}\``, fmt(f.ms), `${fmt((f.ms / Math.max(1, p.busyMs)) * 100, 1)} %`]),
      ),
    );
  }
  const v = r.verification;
  lines.push(
    '',
    `Verification (SQL, after the run): ${fmt(v.dosesStored)} doses stored; ${fmt(v.dosesAcknowledged)} acknowledged (2xx), ` +
      `${fmt(v.acknowledgedFound)} of them found; ${fmt(v.storedWithoutAnswer)} stored for requests cut off at the end of a run ` +
      `(${fmt(v.requestsWithoutAnswer)} requests got no answer); ${fmt(v.peopleWithTwoDoses)} people with two doses; ` +
      `${fmt(v.dosesWithoutOneAuditEntry)} doses without exactly one audit entry; ` +
      `baseline: ${fmt(v.baselineAcknowledgedFound)} of ${fmt(v.baselineAcknowledged)} acknowledged rows found (${fmt(v.baselineStored)} stored).`,
    '',
    markdownTable(
      ['Target', 'measured', 'met'],
      [
        [
          `≥ ${fmt(r.targets.dosesPerSecond.target)} doses/s`,
          fmt(r.targets.dosesPerSecond.measured, 1),
          r.targets.dosesPerSecond.met ? '✓' : '✗',
        ],
        [
          `≥ ${r.targets.ratio.target} × baseline`,
          r.targets.ratio.measured === null ? '—' : ratio(r.targets.ratio.measured),
          r.targets.ratio.met ? '✓' : '✗',
        ],
      ],
    ),
  );
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

/** CLI: runs, prints the report, sets a non-zero exit code on a failed check (not on a missed target). */
export async function main(argv: readonly string[]): Promise<DoseRecordingResults> {
  const options = parseDoseRecordingArgs(argv);
  const { results, file } = await runDoseRecording(options);
  console.log(doseRecordingMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
