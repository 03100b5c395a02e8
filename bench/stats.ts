/**
 * Benchmark: statistics at 10 million doses on PostgreSQL (issue 15), and the cost of keeping them.
 *
 *   node --conditions=source --import tsx bench/stats.ts [--quick] [--people N] [--doses N] …
 *
 * 1. Data: N people (COPY, `load-people.ts`), synthetic districts, communes and facilities across
 *    the 63 provinces and M doses for the people (COPY, `load-doses.ts`); then the aggregates are
 *    built the real way — everyone marked (`insert into stats_dirty select id from people`) and the
 *    app's own fold run until nothing is marked (`foldStats` of `stats.job.ts` with the server's
 *    `statsSources`), timed: people and doses folded per second.
 * 2. Reads through HTTP (the real app in a child process, autocannon in a worker thread), rounds
 *    interleaved with `GET /api/health`: the national summary, a province's summary, the province
 *    drill-down `GET /api/stats/units?level=province&code=NN` (when the route exists). The same
 *    reads as SQL: plans (EXPLAIN ANALYZE: indexed reads of the aggregates, no read of `doses`) and
 *    latency one call at a time; and the old way, a count of the doses by dose number, timed.
 * 3. Dose recording with the upkeep (marks written in the dose's statement, the fold job every
 *    second) against the same app without it, alternating runs (B A B A … B): the "without" runs
 *    discard the marks with a BEFORE INSERT trigger on `stats_dirty` that returns NULL (so the fold
 *    finds nothing to do). The fold's lag is polled during the "with" runs (`freshness`).
 * 4. Checks: the API's figures equal direct counts of the records, before and after the recording
 *    (the doses recorded without upkeep are marked afterwards and folded, as a recount would).
 *
 * Writes bench/results/stats.json and bench/results/stats.md; prints the Markdown.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { statsSources } from '../apps/server/src/bootstrap/stats-sources.js';
import { openDatabase } from '../apps/server/src/db/database.js';
import { AGGREGATE_TABLES, freshness } from '../apps/server/src/modules/stats/stats.fold.js';
import { foldStats, rebuildStatsNow } from '../apps/server/src/modules/stats/stats.job.js';
import {
  type ChildrenRef,
  childDoses,
  childPeople,
  summaryOf,
  type UnitKeyRef,
} from '../apps/server/src/modules/stats/stats.queries.js';
import { DOSE } from './dose-recording.js';
import { type AppCounters, type AppProcess, BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type CpuTargets, cpuSnapshot, cpuUse, postmasterPid } from './lib/cpu.js';
import { type HttpLoadOutcome, runHttpLoad, type SequenceOutcome } from './lib/http-load.js';
import { type DoseLoadResult, type FacilitiesResult, loadDoses, loadFacilities } from './lib/load-doses.js';
import { type LoadResult, loadPeople } from './lib/load-people.js';
import { enableStatements, readStatements, resetStatements, type StatementStat } from './lib/pg-stats.js';
import { type CapturedQuery, explainAnalyze, openQueryCapture } from './lib/plans.js';
import { benchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import { type ProfileSummary, summarizeProfile } from './lib/profile.js';
import {
  fmt,
  markdownTable,
  ms,
  RESULTS_DIR,
  type RunMeta,
  reportOutcome,
  runIfEntry,
  runMeta,
  writeResults,
} from './lib/report.js';
import { median, ratio, ratioToBaselines, seededShuffle, sum } from './lib/stats.js';

/** The issue's targets. */
export const TARGETS = Object.freeze({ summaryP99Ms: 50, drillDownP99Ms: 200, upkeepRatio: 0.8 });

export interface StatsOptions {
  readonly quick: boolean;
  readonly people: number;
  readonly doses: number;
  /** Rounds of the reads (each scenario between two health runs). */
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Connections of the read load. */
  readonly connections: number;
  /** Rounds of the recording A/B (each "with upkeep" run between two "without" runs). */
  readonly doseRounds: number;
  readonly doseDurationS: number;
  readonly doseConnections: number;
  readonly pool: number;
  /** SQL: calls of each read, one at a time. */
  readonly sqlCalls: number;
  /** Seconds of the diagnostic runs (pg_stat_statements per variant, CPU profile); 0: none. */
  readonly diagnosticS: number;
  readonly profile: boolean;
  /** Stop folding after this many seconds (the rate is then from a sample, the reads on partial figures). 0: no limit. */
  readonly foldLimitS: number;
  /** Folds running at once (the job is safe on several nodes: marks are claimed with SKIP LOCKED). */
  readonly foldWorkers: number;
  /** How the aggregates of the loaded data are made: the bulk recount (default) or the incremental fold. */
  readonly build: 'rebuild' | 'fold';
  /** Stop after the load and the fold, leaving the server and database running (for --reuse-db). */
  readonly loadOnly: boolean;
  /** A temporary server and its database are left running (for --reuse-db). */
  readonly keepDatabase: boolean;
  /** Measure on this existing, loaded database of the server (BENCH_DATABASE_URL): no load, no fold. */
  readonly reuseDatabase: string | null;
  readonly pgSettings: Readonly<Record<string, string>>;
}

export const statsOptionsSpec = {
  quick: { type: 'boolean' },
  people: { type: 'string' },
  doses: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  'dose-rounds': { type: 'string' },
  'dose-duration': { type: 'string' },
  'dose-connections': { type: 'string' },
  pool: { type: 'string' },
  'sql-calls': { type: 'string' },
  'diagnostic-duration': { type: 'string' },
  profile: { type: 'boolean' },
  'no-profile': { type: 'boolean' },
  'fold-limit': { type: 'string' },
  'fold-workers': { type: 'string' },
  build: { type: 'string' },
  'load-only': { type: 'boolean' },
  'keep-db': { type: 'boolean' },
  'reuse-db': { type: 'string' },
  'pg-setting': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: stats [--quick] [--people N] [--doses N] [--rounds R] [--duration S] [--warmup S] [--connections N]
             [--dose-rounds R] [--dose-duration S] [--dose-connections N] [--pool N] [--sql-calls N]
             [--diagnostic-duration S] [--profile | --no-profile] [--fold-limit S] [--fold-workers N] [--load-only] [--keep-db] [--reuse-db NAME]
             [--pg-setting name=value]…
  --people N / --doses N   population and doses loaded (default 5,000,000 / 10,000,000; at most 2.25 doses a person)
  --quick                  100,000 people, 100,000 doses, 2 rounds of 2 s, 2 recording rounds of 3 s, no profile
  --rounds R, --duration S read rounds (3) and seconds per run (4), --connections N (10)
  --dose-rounds R          recording rounds with upkeep, each between two runs without (3), --dose-duration S (10),
                           --dose-connections N (32), --pool N: the app's DATABASE_POOL_MAX (20)
  --build rebuild|fold     make the loaded data's aggregates with the bulk recount (npm run stats:rebuild, default) or the fold
  --fold-limit S           stop the initial fold after S seconds (0: fold everything, the default)
  --fold-workers N         folds running at once for the initial build (default 1; as several app nodes would)
  --load-only              load and fold, then stop, leaving the server and database running (then --reuse-db)
  --keep-db                leave the temporary server and database running (prints the URL)
  --reuse-db NAME          measure on a database a --keep-db run left (set BENCH_DATABASE_URL to its server)`;

function buildOption(v: string | undefined): 'rebuild' | 'fold' {
  if (v === undefined || v === 'rebuild' || v === 'fold') return v ?? 'rebuild';
  console.error(`--build: "rebuild" or "fold", not "${v}"\n${USAGE}`);
  process.exit(2);
}

export function parseStatsArgs(argv: readonly string[]): StatsOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: statsOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  return {
    quick,
    people: Math.floor(num('people', values.people, quick ? 100_000 : 5_000_000, 1000)),
    doses: Math.floor(num('doses', values.doses, quick ? 100_000 : 10_000_000, 1000)),
    rounds: Math.floor(num('rounds', values.rounds, quick ? 2 : 3, 1)),
    durationS: num('duration', values.duration, quick ? 2 : 4, 1),
    warmupS: num('warmup', values.warmup, quick ? 1 : 2, 0),
    connections: Math.floor(num('connections', values.connections, 10, 1)),
    doseRounds: Math.floor(num('dose-rounds', values['dose-rounds'], quick ? 2 : 3, 1)),
    doseDurationS: num('dose-duration', values['dose-duration'], quick ? 3 : 10, 1),
    doseConnections: Math.floor(num('dose-connections', values['dose-connections'], 32, 1)),
    pool: Math.floor(num('pool', values.pool, 20, 1)),
    sqlCalls: Math.floor(num('sql-calls', values['sql-calls'], quick ? 100 : 300, 1)),
    diagnosticS: num('diagnostic-duration', values['diagnostic-duration'], quick ? 2 : 6, 0),
    profile: values.profile ?? !(values['no-profile'] ?? quick),
    foldLimitS: num('fold-limit', values['fold-limit'], 0, 0),
    foldWorkers: Math.floor(num('fold-workers', values['fold-workers'], 1, 1)),
    build: buildOption(values.build),
    loadOnly: values['load-only'] ?? false,
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

const log = (line: string) => console.error(`[stats] ${line}`);

/** The initial fold: everyone marked, then the app's fold until nothing is left. */
interface FoldResult {
  /** The incremental fold (everyone marked) or the bulk recount (`rebuildStats`). */
  readonly method?: 'fold' | 'rebuild';
  readonly markMs: number;
  readonly foldMs: number;
  readonly peopleFolded: number;
  readonly peopleMarked: number;
  /** Doses of the people folded (all doses when the fold finished). */
  readonly dosesFolded: number;
  readonly peoplePerSecond: number;
  readonly dosesPerSecond: number;
  readonly complete: boolean;
  /** Rows of each aggregate after the fold. */
  readonly aggregateRows: Record<string, number>;
  readonly aggregateBytes: number;
  readonly imageBytes: number;
  /** People folded per second over each stretch of about 10 s (does the rate hold?). */
  readonly progress: { readonly atS: number; readonly people: number; readonly peoplePerSecond: number }[];
}

/** A measured HTTP run. */
interface ReadRun extends HttpLoadOutcome {
  readonly scenario: string;
  readonly round: number;
  ratio: number | null;
}

interface ReadSummary {
  readonly scenario: string;
  readonly request: string;
  readonly as: string;
  readonly runs: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** The worst p99 of the runs. */
  readonly p99Max: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly ratio: number | null;
  readonly ratioRange: readonly [number, number] | null;
}

interface SqlRead {
  readonly name: string;
  readonly statements: { readonly sql: string; readonly plan: string[]; readonly executionMs: number }[];
  /** True when no plan reads `doses`. */
  readonly noDoseScan: boolean;
  /** Indexes the plans read. */
  readonly indexes: string[];
  readonly seqScans: string[];
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

interface DoseRun {
  readonly variant: 'with' | 'without';
  readonly phase: 'main' | 'diagnostic' | 'profile';
  readonly round: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly appCpuMsPerDose: number | null;
  readonly postgresCpuMsPerDose: number | null;
  readonly statementsPerRequest: number;
  readonly otherShare: number | null;
  /** Lag of the figures during the run (with upkeep), seconds. */
  readonly lag: { readonly samples: number; readonly p50: number; readonly max: number; readonly pendingMax: number };
  /** After the run: seconds until nothing was marked any more (with upkeep). */
  readonly catchUpS: number;
  ratio: number | null;
}

export interface StatsResults {
  readonly scenario: 'stats';
  readonly meta: RunMeta;
  readonly options: StatsOptions;
  readonly postgres: { readonly source: string; readonly settings: Record<string, string> };
  readonly database: string;
  /** When the data and the initial fold come from an earlier `--load-only` run (`--reuse-db`): its context. */
  readonly loadRun: RunMeta | null;
  readonly load: {
    readonly people: LoadResult | null;
    readonly facilities: Omit<FacilitiesResult, 'byProvince'> | null;
    readonly doses: DoseLoadResult | null;
    readonly peopleInTable: number;
    readonly dosesInTable: number;
  };
  readonly fold: FoldResult | null;
  /** Marks left in a reused database, folded before measuring (a sample of the rate). */
  readonly foldSample: FoldResult | null;
  /** People whose figures are in the aggregates, and people whose marks were parked aside (partial figures). */
  readonly coverage: { readonly peopleFolded: number; readonly peopleParked: number; readonly complete: boolean };
  readonly oldWay: {
    readonly nationMs: number[];
    readonly provinceMs: number[];
    readonly province: string;
    readonly nationPlan: string[];
  };
  readonly reads: { readonly runs: ReadRun[]; readonly summary: ReadSummary[]; readonly unitsRoute: boolean };
  readonly sql: SqlRead[];
  readonly recording: {
    readonly runs: DoseRun[];
    readonly with: Omit<DoseRun, 'ratio' | 'round' | 'phase' | 'variant'> & {
      ratio: number | null;
      range: [number, number] | null;
    };
    readonly without: Omit<DoseRun, 'ratio' | 'round' | 'phase' | 'variant'>;
    readonly diagnostics: {
      readonly variant: 'with' | 'without';
      readonly top: StatementStat[];
      readonly requests: number;
    }[];
    readonly profile: ProfileSummary | null;
    readonly peopleAvailable: number;
  } | null;
  readonly checks: {
    readonly name: string;
    readonly expected: number;
    readonly actual: number;
    readonly ok: boolean;
  }[];
  readonly targets: {
    readonly summaryP99: { target: number; measured: number | null; met: boolean };
    readonly drillDownP99: { target: number; measured: number | null; met: boolean; via: 'http' | 'sql' };
    readonly upkeepRatio: { target: number; measured: number | null; met: boolean };
  };
  readonly failures: string[];
}

/** Runs the benchmark end to end. */
export async function runStats(options: StatsOptions): Promise<{ results: StatsResults; file: string }> {
  const meta = runMeta();
  log(
    `commit ${meta.commit}, ${meta.machine.cpus} CPUs, ${meta.machine.memoryGiB} GiB, Node ${meta.node}, ` +
      `load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  const server = await startBenchServer(log, { shared_preload_libraries: 'pg_stat_statements', ...options.pgSettings });
  let keep = false;
  try {
    const database = await benchDatabase(server, options.reuseDatabase);
    log(`database ${database.name}${options.reuseDatabase ? ' (reused)' : ' created and migrated'}`);
    try {
      const prior = options.reuseDatabase ? priorLoad(database.name) : null;
      const results = await measure(options, meta, server.source, database.url, database.name, prior);
      const file = writeResults(options.loadOnly ? 'stats-load' : 'stats', results);
      if (!options.loadOnly) writeFileSync(path.join(RESULTS_DIR, 'stats.md'), `${statsMarkdown(results)}\n`);
      return { results, file };
    } finally {
      if (options.keepDatabase || options.reuseDatabase || options.loadOnly) {
        keep = true;
        log(`kept: ${database.url}  (BENCH_DATABASE_URL=${server.adminUrl} … --reuse-db ${database.name})`);
      } else await database.drop();
    }
  } finally {
    if (!keep) await server.stop();
  }
}

/** The load and fold of the `--load-only` run that made database `name`, when its results are there. */
function priorLoad(name: string): StatsResults | null {
  try {
    const r = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'stats-load.json'), 'utf8')) as StatsResults;
    return r.database === name ? r : null;
  } catch {
    return null;
  }
}

async function measure(
  options: StatsOptions,
  meta: RunMeta,
  source: string,
  url: string,
  databaseName: string,
  prior: StatsResults | null,
): Promise<StatsResults> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const database = await openDatabase({ kind: 'postgres', url, poolMax: options.foldWorkers + 4 });
  const db = database.db;
  const failures: string[] = [];
  const checks: StatsResults['checks'] = [];
  const check = (name: string, expected: number, actual: number) => {
    const ok = expected === actual;
    checks.push({ name, expected, actual, ok });
    if (!ok) failures.push(`${name}: expected ${fmt(expected)}, got ${fmt(actual)}`);
    log(`check ${name}: ${fmt(actual)} ${ok ? '✓' : `✗ (expected ${fmt(expected)})`}`);
  };
  const count = async (text: string, values: unknown[] = []) =>
    Number((await admin.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);
  const masterKey = BENCH_MASTER_KEY;
  const appEnv = (foldMs: number): Record<string, string> => ({
    DATABASE_URL: url,
    DATABASE_POOL_MAX: String(options.pool),
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    RECHECK_INTERVAL_MS: '0',
    REPORT_ESCALATION_INTERVAL_MS: '0',
    STATS_FOLD_INTERVAL_MS: String(foldMs),
    TIEMCHUNG_MASTER_KEY: masterKey,
    TIEMCHUNG_DEMO_DATA: 'true',
  });
  let app: AppProcess | null = null;
  const closeApp = async () => {
    const a: AppProcess | null = app;
    app = null;
    await a?.close();
  };
  try {
    await enableStatements(admin);
    const settings = await serverSettings(url);
    const pmPid = await postmasterPid(admin);

    // --- 1. Data.
    let peopleLoad: LoadResult | null = null;
    let facilities: FacilitiesResult | null = null;
    let facilitiesSummary: StatsResults['load']['facilities'] = null;
    let doseLoad: DoseLoadResult | null = null;
    let fold: FoldResult | null = null;
    let foldSample: FoldResult | null = null;
    if (!options.reuseDatabase) {
      // The app's bootstrap: provinces, vaccines, demo units, facilities, users and lots.
      app = await startAppProcess({ env: appEnv(0) });
      await closeApp();
      peopleLoad = await loadPeople(url, {
        count: options.people,
        indexes: options.people >= 1_000_000 ? 'rebuild' : 'keep',
        log,
      });
      log(
        `loaded ${fmt(peopleLoad.people)} people in ${fmt((peopleLoad.copyMs + peopleLoad.indexMs) / 1000, 1)} s ` +
          `(${fmt(peopleLoad.peoplePerSecond)} people/s)`,
      );
      facilities = await loadFacilities(admin);
      facilitiesSummary = {
        districts: facilities.districts,
        communes: facilities.communes,
        facilities: facilities.facilities,
      };
      log(
        `added ${fmt(facilities.districts)} districts, ${fmt(facilities.communes)} communes, ${fmt(facilities.facilities)} facilities`,
      );
      doseLoad = await loadDoses(url, { doses: options.doses, facilities: facilities.byProvince, log });
      log(
        `loaded ${fmt(doseLoad.doses)} doses (${Object.entries(doseLoad.byDoseNumber)
          .map(([k, v]) => `dose ${k}: ${fmt(v)}`)
          .join(', ')}) in ${fmt((doseLoad.copyMs + doseLoad.indexMs + doseLoad.constraintMs) / 1000, 1)} s; ` +
          `${fmt(doseLoad.peopleWithout)} people without a dose`,
      );
      fold =
        options.build === 'fold'
          ? await initialFold(admin, db, options.foldLimitS, options.foldWorkers)
          : await initialRebuild(admin, db);
    }
    const peopleInTable = await count('select count(*)::text as n from people');
    const dosesInTable = await count('select count(*)::text as n from doses');
    if (prior) {
      peopleLoad = prior.load.people;
      doseLoad = prior.load.doses;
      fold = prior.fold;
      facilitiesSummary = prior.load.facilities;
    }
    // A reused database may hold marks not yet folded: fold them now (timed: a sample of the rate).
    if (options.reuseDatabase && !options.loadOnly) {
      const left = await count('select count(*)::text as n from stats_dirty');
      if (left > 0) {
        log(`${fmt(left)} people marked in the reused database: folding them (a sample of the fold's rate)`);
        foldSample = await initialFold(admin, db, options.foldLimitS, options.foldWorkers, false);
      }
    }
    // Marks parked aside by hand (table bench_parked): the figures then cover only the people folded.
    const parked = (await admin.query<{ t: string | null }>("select to_regclass('bench_parked')::text as t")).rows[0]?.t
      ? await count('select count(*)::text as n from bench_parked')
      : 0;
    const folded = await count('select count(*)::text as n from stats_person_image');
    const complete = parked === 0 && (fold === null || fold.complete);
    if (options.loadOnly) {
      return {
        scenario: 'stats',
        meta,
        options,
        postgres: { source, settings },
        database: databaseName,
        loadRun: null,
        load: { people: peopleLoad, facilities: facilitiesSummary, doses: doseLoad, peopleInTable, dosesInTable },
        fold,
        foldSample,
        coverage: { peopleFolded: folded, peopleParked: parked, complete },
        oldWay: { nationMs: [], provinceMs: [], province: '', nationPlan: [] },
        reads: { runs: [], summary: [], unitsRoute: false },
        sql: [],
        recording: null,
        checks,
        targets: {
          summaryP99: { target: TARGETS.summaryP99Ms, measured: null, met: false },
          drillDownP99: { target: TARGETS.drillDownP99Ms, measured: null, met: false, via: 'sql' },
          upkeepRatio: { target: TARGETS.upkeepRatio, measured: null, met: false },
        },
        failures,
      };
    }

    // --- The old way: counting the doses on each request.
    const province = '87';
    const oldWay = { nationMs: [] as number[], provinceMs: [] as number[], province, nationPlan: [] as string[] };
    const oldNation = 'select dose_number, count(*) as n from doses where duplicate_of is null group by dose_number';
    const oldProvince = `select dose_number, count(*) as n from doses where duplicate_of is null and province_code = $1 group by dose_number`;
    const direct = new Map<number, number>();
    for (let i = 0; i < (options.quick ? 2 : 3); i++) {
      let t = performance.now();
      const { rows } = await admin.query<{ dose_number: number; n: string }>(oldNation);
      oldWay.nationMs.push(performance.now() - t);
      for (const r of rows) direct.set(r.dose_number, Number(r.n));
      t = performance.now();
      await admin.query(oldProvince, [province]);
      oldWay.provinceMs.push(performance.now() - t);
    }
    oldWay.nationPlan = (await admin.query<{ 'QUERY PLAN': string }>(`explain ${oldNation}`)).rows.map(
      (r) => r['QUERY PLAN'],
    );
    log(
      `the old way (count of doses by dose number): nation ${ms(median(oldWay.nationMs))} ms, province ${province} ` +
        `${ms(median(oldWay.provinceMs))} ms (medians of ${oldWay.nationMs.length})`,
    );
    const directProvince = await count(
      'select count(*)::text as n from doses where duplicate_of is null and province_code = $1',
      [province],
    );
    const directPeople = await count('select count(*)::text as n from people where merged_into is null');

    // --- 2. Reads through HTTP.
    app = await startAppProcess({ env: appEnv(1000) });
    const a = app;
    const tokens = {
      admin: await signIn(a.origin, 'admin'),
      province: await signIn(a.origin, 'dongthap.admin'),
      site: await signIn(a.origin, 'caolanh.tiem'),
    };
    const get = async (p: string, token: string) => {
      const res = await fetch(`${a.origin}${p}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    };
    const nationSummary = await get('/api/stats/summary', tokens.admin);
    const provinceSummary = await get('/api/stats/summary', tokens.province);
    if (complete) {
      check(
        'national summary: doses = count(*) of doses',
        sum([...direct.values()]),
        Number(nationSummary.body?.doses),
      );
      for (const [n, c] of [...direct.entries()].sort((x, y) => x[0] - y[0]))
        check(
          `national summary: dose ${n} = count(*)`,
          c,
          Number((nationSummary.body?.byDoseNumber as Record<string, number> | undefined)?.[String(n)] ?? 0),
        );
      check('national summary: people = count(*) of people', directPeople, Number(nationSummary.body?.people));
    }
    const units = await get(`/api/stats/units?level=province&code=${province}`, tokens.admin);
    const unitsRoute = units.status === 200;
    log(
      unitsRoute
        ? `GET /api/stats/units: ${(units.body?.rows as unknown[] | undefined)?.length ?? '?'} rows for province ${province}`
        : `GET /api/stats/units is not there yet (${units.status}): the drill-down is measured as SQL only`,
    );
    check(`province ${province} summary: doses = count(*)`, directProvince, Number(provinceSummary.body?.doses));
    if (unitsRoute) {
      const rows = (units.body?.rows ?? []) as { doses?: number }[];
      check(
        `province ${province} drill-down: sum of the children's doses = count(*)`,
        directProvince,
        sum(rows.map((r) => Number(r.doses ?? 0))),
      );
    }
    const provinces = (
      await admin.query<{ code: string }>(
        "select code from admin_units where scheme = '2021' and level = 'province' order by code",
      )
    ).rows.map((r) => r.code);
    const scenarios = [
      {
        scenario: 'summary-nation',
        request: 'GET /api/stats/summary',
        as: 'admin (nation)',
        token: tokens.admin,
        paths: ['/api/stats/summary'],
      },
      {
        scenario: 'summary-province',
        request: 'GET /api/stats/summary',
        as: `dongthap.admin (province ${province})`,
        token: tokens.province,
        paths: ['/api/stats/summary'],
      },
      ...(unitsRoute
        ? [
            {
              scenario: 'drill-down-province',
              request: 'GET /api/stats/units?level=province&code=NN',
              as: parked ? `admin (province ${province})` : `admin, ${provinces.length} provinces in turn`,
              token: tokens.admin,
              // With partial figures only the province whose people were all folded is at full scale.
              paths: (parked ? [province] : provinces).map((c) => `/api/stats/units?level=province&code=${c}`),
            },
            {
              scenario: 'drill-down-own-province',
              request: `GET /api/stats/units?level=province&code=${province}`,
              as: `dongthap.admin (province ${province})`,
              token: tokens.province,
              paths: [`/api/stats/units?level=province&code=${province}`],
            },
          ]
        : []),
    ];
    const baseline = {
      scenario: 'baseline',
      request: 'GET /api/health',
      as: '—',
      token: tokens.admin,
      paths: ['/api/health'],
    };
    const readRuns: ReadRun[] = [];
    const fireRead = async (s: typeof baseline, round: number, durationS: number, measured = true) => {
      const outcome = await runHttpLoad({
        origin: a.origin,
        paths: s.paths,
        headers: { authorization: `Bearer ${s.token}` },
        connections: options.connections,
        durationS,
        warmupS: 0,
        timeoutS: 10,
      });
      if (outcome.non2xx || outcome.errors)
        failures.push(`${s.scenario}: ${outcome.non2xx} non-2xx, ${outcome.errors} errors`);
      if (!measured) return null;
      const run: ReadRun = { ...outcome, scenario: s.scenario, round, ratio: null };
      readRuns.push(run);
      log(
        `  r${round + 1} ${s.scenario}: ${fmt(run.requestsPerSecond, 1)} req/s, p50 ${ms(run.latencyMs.p50)} ms, p99 ${ms(run.latencyMs.p99)} ms`,
      );
      return run;
    };
    log(`reads: ${options.rounds} rounds × ${options.durationS} s, ${options.connections} connections`);
    for (const s of [baseline, ...scenarios]) await fireRead(s, -1, options.warmupS, false);
    for (let r = 0; r < options.rounds; r++) {
      let before = (await fireRead(baseline, r, options.durationS))!;
      for (const s of scenarios) {
        const run = (await fireRead(s, r, options.durationS))!;
        const after = (await fireRead(baseline, r, options.durationS))!;
        run.ratio = ratioToBaselines(run.requestsPerSecond, before.requestsPerSecond, after.requestsPerSecond);
        before = after;
      }
    }
    const baseRuns = readRuns.filter((x) => x.scenario === 'baseline');
    const baseMedian = median(baseRuns.map((b) => b.requestsPerSecond));
    for (const b of baseRuns) b.ratio = b.requestsPerSecond / baseMedian;
    const readSummary = [baseline, ...scenarios].map((s) =>
      summariseReads(
        s,
        readRuns.filter((x) => x.scenario === s.scenario),
      ),
    );

    // --- The same reads as SQL: plans and one-at-a-time latency.
    const sqlReads = await measureSql(url, admin, province, options.sqlCalls);

    // --- 3. Recording with and without upkeep.
    await closeApp();
    const recording = await measureRecording(options, meta, admin, db, appEnv, pmPid, failures, (x) => {
      app = x;
    });
    await closeApp();

    // --- 4. After the recording: the figures still equal the records (the doses recorded without
    // upkeep are marked now and folded, as `stats:rebuild` would recount them).
    if (recording) {
      await admin.query(
        "insert into stats_dirty (person_id) select distinct person_id from doses where idempotency_key like 'bench-%' on conflict do nothing",
      );
      while ((await foldStats(db, statsSources, { budgetMs: 60_000 })) > 0) {}
      const { rows } = await admin.query<{ n: string }>(
        "select coalesce(sum(n), 0)::text as n from stats_dose_totals where level = 'nation'",
      );
      if (complete)
        check(
          'after the recording: national aggregate = count(*) of doses',
          await count('select count(*)::text as n from doses where duplicate_of is null'),
          Number(rows[0]?.n ?? 0),
        );
      const { rows: own } = await admin.query<{ n: string }>(
        "select coalesce(sum(n), 0)::text as n from stats_dose_totals where level = 'province' and unit_code = $1",
        [province],
      );
      check(
        `after the recording: province ${province} aggregate = count(*) of its doses`,
        await count('select count(*)::text as n from doses where duplicate_of is null and province_code = $1', [
          province,
        ]),
        Number(own[0]?.n ?? 0),
      );
    }

    const summaryP99 = readSummary.find((s) => s.scenario === 'summary-nation')?.p99Max ?? null;
    const drill = readSummary.find((s) => s.scenario === 'drill-down-province');
    const drillSql = sqlReads.find((s) => s.name === 'drill-down (province)');
    const drillP99 = drill ? drill.p99Max : (drillSql?.p99 ?? null);
    for (const s of sqlReads) {
      if (!s.noDoseScan) failures.push(`${s.name}: a plan reads the doses table`);
    }
    return {
      scenario: 'stats',
      meta,
      options,
      postgres: { source, settings },
      database: databaseName,
      loadRun: prior?.meta ?? null,
      load: {
        people: peopleLoad,
        facilities: facilitiesSummary,
        doses: doseLoad,
        peopleInTable,
        dosesInTable,
      },
      fold,
      foldSample,
      coverage: { peopleFolded: folded, peopleParked: parked, complete },
      oldWay,
      reads: { runs: readRuns, summary: readSummary, unitsRoute },
      sql: sqlReads,
      recording,
      checks,
      targets: {
        summaryP99: {
          target: TARGETS.summaryP99Ms,
          measured: summaryP99,
          met: summaryP99 !== null && summaryP99 < TARGETS.summaryP99Ms,
        },
        drillDownP99: {
          target: TARGETS.drillDownP99Ms,
          measured: drillP99,
          met: drillP99 !== null && drillP99 < TARGETS.drillDownP99Ms,
          via: drill ? 'http' : 'sql',
        },
        upkeepRatio: {
          target: TARGETS.upkeepRatio,
          measured: recording?.with.ratio ?? null,
          met: (recording?.with.ratio ?? 0) >= TARGETS.upkeepRatio,
        },
      },
      failures,
    };
  } finally {
    await closeApp();
    await database.close();
    await admin.end();
  }
}

/**
 * The aggregates made by the app's bulk recount (`rebuildStatsNow`, as `npm run stats:rebuild`):
 * everyone walked once, each aggregate one GROUP BY, one transaction. The marks the migration left
 * are dropped first (the recount counts those people).
 */
async function initialRebuild(admin: pg.Client, db: Parameters<typeof foldStats>[0]): Promise<FoldResult> {
  await admin.query('truncate stats_dirty, stats_dirty_reports');
  log('making the aggregates with the bulk recount (rebuildStats)');
  const t = performance.now();
  let lastLog = t;
  const done = await rebuildStatsNow(db, statsSources, {
    progress: (d) => {
      const now = performance.now();
      if (now - lastLog < 30_000) return;
      lastLog = now;
      log(`  rebuild: ${fmt(d.people)} people, ${fmt(d.doses)} doses walked after ${fmt((now - t) / 1000)} s`);
    },
  });
  const ms = performance.now() - t;
  const aggregateRows: Record<string, number> = {};
  for (const table of AGGREGATE_TABLE_NAMES) aggregateRows[table] = await rowCount(admin, table);
  await admin.query(`vacuum (analyze) ${AGGREGATE_TABLE_NAMES.join(', ')}, stats_person_image, stats_dose_image`);
  const result: FoldResult = {
    method: 'rebuild',
    markMs: 0,
    foldMs: ms,
    peopleFolded: done.people,
    peopleMarked: done.people,
    dosesFolded: done.doses,
    peoplePerSecond: done.people / (ms / 1000),
    dosesPerSecond: done.doses / (ms / 1000),
    complete: true,
    aggregateRows,
    aggregateBytes: await relationBytes(admin, AGGREGATE_TABLE_NAMES),
    imageBytes: await relationBytes(admin, ['stats_person_image', 'stats_dose_image']),
    progress: [],
  };
  log(
    `rebuild done: ${fmt(done.people)} people, ${fmt(done.doses)} doses in ${fmt(ms / 1000, 1)} s ` +
      `(${fmt(result.peoplePerSecond)} people/s, ${fmt(result.dosesPerSecond)} doses/s)`,
  );
  return result;
}

/** The aggregate tables (the fold's and the recount's), by name. */
const AGGREGATE_TABLE_NAMES = Object.values(AGGREGATE_TABLES).map((a) => a.table);

async function rowCount(admin: pg.Client, table: string): Promise<number> {
  return Number((await admin.query<{ n: string }>(`select count(*)::text as n from ${table}`)).rows[0]?.n ?? 0);
}

async function relationBytes(admin: pg.Client, tables: readonly string[]): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    'select sum(pg_total_relation_size(t::regclass))::text as n from unnest($1::text[]) t',
    [tables],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Everyone marked, then the app's fold (a batch of 2,000 people a transaction) until none is left,
 * by `workers` folds at once (as several app nodes would run the job: SKIP LOCKED claims).
 */
async function initialFold(
  admin: pg.Client,
  db: Parameters<typeof foldStats>[0],
  limitS: number,
  workers: number,
  markEveryone = true,
): Promise<FoldResult> {
  let t = performance.now();
  const marked = markEveryone
    ? ((await admin.query('insert into stats_dirty (person_id) select id from people on conflict do nothing'))
        .rowCount ?? 0)
    : Number((await admin.query<{ n: string }>('select count(*)::text as n from stats_dirty')).rows[0]?.n ?? 0);
  const markMs = performance.now() - t;
  const peopleMarked = marked;
  const imagesBefore = Number(
    (await admin.query<{ n: string }>('select count(*)::text as n from stats_dose_image')).rows[0]?.n ?? 0,
  );
  await admin.query('analyze stats_dirty');
  log(`marked ${fmt(peopleMarked)} people in ${fmt(markMs / 1000, 1)} s; folding with ${workers} worker(s)`);
  t = performance.now();
  let folded = 0;
  let stop = false;
  const progress: FoldResult['progress'] = [];
  let lastAt = t;
  let lastFolded = 0;
  const tick = () => {
    const now = performance.now();
    const rate = ((folded - lastFolded) / Math.max(1, now - lastAt)) * 1000;
    progress.push({ atS: (now - t) / 1000, people: folded, peoplePerSecond: rate });
    log(
      `  fold: ${fmt(folded)} of ${fmt(peopleMarked)} people after ${fmt((now - t) / 1000)} s, ` +
        `${fmt(rate)} people/s over the last ${fmt((now - lastAt) / 1000)} s`,
    );
    lastAt = now;
    lastFolded = folded;
    if (limitS > 0 && now - t > limitS * 1000) stop = true;
  };
  const ticker = setInterval(tick, 15_000);
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (!stop) {
          const n = await foldStats(db, statsSources, { budgetMs: 5_000 });
          folded += n;
          if (n === 0) return;
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  tick();
  const left = Number(
    (await admin.query<{ n: string }>('select count(*)::text as n from stats_dirty')).rows[0]?.n ?? 0,
  );
  const complete = left === 0;
  const foldMs = performance.now() - t;
  // Doses counted by this fold: the dose images it added.
  const dosesFolded =
    Number((await admin.query<{ n: string }>('select count(*)::text as n from stats_dose_image')).rows[0]?.n ?? 0) -
    imagesBefore;
  const aggregateRows: Record<string, number> = {};
  for (const table of AGGREGATE_TABLE_NAMES) aggregateRows[table] = await rowCount(admin, table);
  await admin.query(`vacuum (analyze) ${AGGREGATE_TABLE_NAMES.join(', ')}, stats_dirty`);
  const result: FoldResult = {
    method: 'fold',
    markMs,
    foldMs,
    peopleFolded: folded,
    peopleMarked,
    dosesFolded,
    peoplePerSecond: folded / (foldMs / 1000),
    dosesPerSecond: dosesFolded / (foldMs / 1000),
    complete,
    aggregateRows,
    aggregateBytes: await relationBytes(admin, AGGREGATE_TABLE_NAMES),
    imageBytes: await relationBytes(admin, ['stats_person_image', 'stats_dose_image']),
    progress,
  };
  log(
    `fold ${complete ? 'done' : 'stopped (limit)'}: ${fmt(folded)} people, ${fmt(dosesFolded)} doses in ${fmt(foldMs / 1000, 1)} s ` +
      `(${fmt(result.peoplePerSecond)} people/s, ${fmt(result.dosesPerSecond)} doses/s)`,
  );
  return result;
}

function summariseReads(s: { scenario: string; request: string; as: string }, runs: ReadRun[]): ReadSummary {
  const ratios = runs.map((r) => r.ratio).filter((r): r is number => r !== null);
  return {
    scenario: s.scenario,
    request: s.request,
    as: s.as,
    runs: runs.length,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50: median(runs.map((r) => r.latencyMs.p50)),
    p99: median(runs.map((r) => r.latencyMs.p99)),
    p99Max: Math.max(...runs.map((r) => r.latencyMs.p99)),
    requests: sum(runs.map((r) => r.requests)),
    non2xx: sum(runs.map((r) => r.non2xx)),
    errors: sum(runs.map((r) => r.errors)),
    ratio: ratios.length ? median(ratios) : null,
    ratioRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
  };
}

/** The reads' statements (the app's own query functions): plans, and latency one call at a time. */
async function measureSql(url: string, admin: pg.Client, province: string, calls: number): Promise<SqlRead[]> {
  const capture = openQueryCapture(url);
  const nation: UnitKeyRef = { level: 'nation', code: '' };
  const prov: UnitKeyRef = { level: 'province', code: province };
  const children: ChildrenRef = { column: 'parent_code', code: province, levels: ['district', 'facility'] };
  const nationChildren: ChildrenRef = { column: 'parent_code', code: '', levels: ['province'] };
  const reads: { name: string; run: (db: typeof capture.db) => Promise<unknown> }[] = [
    {
      name: 'summary (nation)',
      run: (d) => summaryOf(d, nation),
    },
    {
      name: 'summary (province)',
      run: (d) => summaryOf(d, prov),
    },
    {
      name: 'drill-down (province)',
      run: (d) => Promise.all([childDoses(d, children), childPeople(d, children)]),
    },
    {
      name: 'drill-down (nation)',
      run: (d) => Promise.all([childDoses(d, nationChildren), childPeople(d, nationChildren)]),
    },
  ];
  const out: SqlRead[] = [];
  try {
    for (const r of reads) {
      const before = capture.queries.length;
      await r.run(capture.db);
      const sent: CapturedQuery[] = capture.queries.slice(before);
      const statements: SqlRead['statements'] = [];
      for (const q of sent) {
        const e = await explainAnalyze(admin, q);
        statements.push({ sql: q.sql, plan: e.plan, executionMs: e.executionMs });
      }
      const text = statements.flatMap((s) => s.plan).join('\n');
      const indexes = [
        ...new Set(
          [...text.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+))/g)].map(
            (m) => (m[1] ?? m[2])!,
          ),
        ),
      ];
      const seqScans = [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!))];
      const times: number[] = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await r.run(capture.db);
        times.push(performance.now() - t);
      }
      capture.queries.length = 0;
      const sorted = [...times].sort((x, y) => x - y);
      const read: SqlRead = {
        name: r.name,
        statements,
        noDoseScan: !/ on doses\b/.test(text),
        indexes,
        seqScans,
        calls,
        p50: median(times),
        p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!,
        mean: sum(times) / times.length,
      };
      out.push(read);
      log(
        `sql ${r.name}: ${statements.length} statements, p50 ${ms(read.p50)} ms, p99 ${ms(read.p99)} ms; ` +
          `indexes ${indexes.join(', ') || '—'}${seqScans.length ? `; seq scans ${seqScans.join(', ')}` : ''}`,
      );
    }
  } finally {
    await capture.close();
  }
  return out;
}

/** A BEFORE INSERT trigger that discards the marks: recording "without upkeep". */
const DISCARD_MARKS = `
  create or replace function bench_discard_stats_marks() returns trigger language plpgsql as
    'begin return null; end';
  drop trigger if exists bench_discard_stats_marks on stats_dirty;
  create trigger bench_discard_stats_marks before insert on stats_dirty
    for each row execute function bench_discard_stats_marks();
  alter table stats_dirty disable trigger bench_discard_stats_marks;`;

async function measureRecording(
  options: StatsOptions,
  meta: RunMeta,
  admin: pg.Client,
  db: Parameters<typeof foldStats>[0],
  appEnv: (foldMs: number) => Record<string, string>,
  pmPid: number | null,
  failures: string[],
  setApp: (a: AppProcess) => void,
): Promise<StatsResults['recording']> {
  const { rows } = await admin.query<{ id: string }>(
    `select p.id from people p
      where not exists (select 1 from doses d where d.person_id = p.id)
        and p.merged_into is null and p.verification_status = 'verified'
      order by p.id`,
  );
  const ids = seededShuffle(
    rows.map((r) => r.id),
    'bench-v1/stats-doses',
  );
  log(`recording: ${fmt(ids.length)} people without a dose to record for`);
  if (ids.length < 2000) {
    failures.push('recording: too few people without a dose');
    return null;
  }
  await admin.query(DISCARD_MARKS);
  const runTag = `${Date.now().toString(36)}${process.pid}`;
  const app = await startAppProcess({ env: appEnv(1000) });
  setApp(app);
  const token = await signIn(app.origin, 'caolanh.tiem');
  let next = 0;
  const runs: DoseRun[] = [];
  const setVariant = async (v: 'with' | 'without') =>
    admin.query(`alter table stats_dirty ${v === 'without' ? 'enable' : 'disable'} trigger bench_discard_stats_marks`);
  const pending = async () => (await freshness(db, new Date())).pending;
  const waitDrained = async (limitS = 300): Promise<number> => {
    const t = performance.now();
    while ((await pending()) > 0) {
      if (performance.now() - t > limitS * 1000) {
        failures.push(`the fold did not catch up within ${limitS} s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return (performance.now() - t) / 1000;
  };
  const fire = async (
    variant: 'with' | 'without',
    phase: DoseRun['phase'],
    round: number,
    durationS: number,
    measured = true,
  ): Promise<DoseRun | null> => {
    await waitDrained();
    await setVariant(variant);
    const items = ids.slice(next, next + Math.ceil(durationS * 6000) + 500);
    const targets: CpuTargets = { appPid: app.pid, postmasterPid: pmPid };
    let startCpu = cpuSnapshot(targets);
    let endCpu = startCpu;
    let startCounts: Promise<AppCounters> | null = null;
    let endCounts: Promise<AppCounters> | null = null;
    const lags: number[] = [];
    let pendingMax = 0;
    let polling = false;
    const poll = setInterval(() => {
      if (polling || variant === 'without') return;
      polling = true;
      void freshness(db, new Date())
        .then((f) => {
          lags.push(f.lagSeconds);
          pendingMax = Math.max(pendingMax, f.pending);
        })
        .finally(() => {
          polling = false;
        });
    }, 250);
    let outcome: HttpLoadOutcome;
    try {
      outcome = await runHttpLoad(
        {
          origin: app.origin,
          headers: { authorization: `Bearer ${token}` },
          connections: options.doseConnections,
          durationS,
          warmupS: 0,
          timeoutS: 10,
          sequence: {
            method: 'POST',
            pathTemplate: '/api/people/{item}/doses',
            bodyTemplate: JSON.stringify(DOSE),
            // Keys unique across runs on a reused database (a key already used is another request: refused).
            headerTemplates: { 'idempotency-key': `bench-${variant}-${runTag}-{n}` },
            start: next,
            items,
          },
        },
        {
          onMeasureStart: () => {
            startCpu = cpuSnapshot(targets);
            startCounts = app.counters(true);
          },
          onMeasureEnd: () => {
            endCpu = cpuSnapshot(targets);
            endCounts = app.counters(true);
          },
        },
      );
    } finally {
      clearInterval(poll);
    }
    const seq = outcome.sequence as SequenceOutcome;
    next += seq.used;
    if (seq.exhausted) failures.push('recording: ran out of people without a dose (raise --people)');
    if (outcome.non2xx + seq.warmupNon2xx || outcome.errors)
      failures.push(`recording ${variant}: ${outcome.non2xx} non-2xx, ${outcome.errors} errors`);
    await startCounts;
    const counts = (await endCounts) as AppCounters | null;
    const catchUpS = variant === 'with' ? await waitDrained() : 0;
    if (!measured) return null;
    const cpu = cpuUse(startCpu, endCpu);
    const n = Math.max(1, outcome.requests);
    const sortedLags = [...lags].sort((x, y) => x - y);
    const run: DoseRun = {
      variant,
      phase,
      round,
      requestsPerSecond: outcome.requestsPerSecond,
      p50: outcome.latencyMs.p50,
      p99: outcome.latencyMs.p99,
      requests: outcome.requests,
      non2xx: outcome.non2xx,
      errors: outcome.errors,
      appCpuMsPerDose: cpu.appS === null ? null : (cpu.appS * 1000) / n,
      postgresCpuMsPerDose: cpu.postgresS === null ? null : (cpu.postgresS * 1000) / n,
      statementsPerRequest: counts ? sum(counts.statements.map((c) => c.calls)) / Math.max(1, counts.responses) : 0,
      otherShare: cpu.otherS !== null && cpu.machineBusyS ? cpu.otherS / cpu.machineBusyS : null,
      lag: {
        samples: lags.length,
        p50: lags.length ? median(lags) : 0,
        max: lags.length ? sortedLags[sortedLags.length - 1]! : 0,
        pendingMax,
      },
      catchUpS,
      ratio: null,
    };
    runs.push(run);
    log(
      `  ${phase} ${variant} upkeep${round >= 0 ? ` r${round + 1}` : ''}: ${fmt(run.requestsPerSecond, 1)} doses/s, ` +
        `p50 ${ms(run.p50)} ms, p99 ${ms(run.p99)} ms, app ${fmtMs(run.appCpuMsPerDose)} + pg ${fmtMs(run.postgresCpuMsPerDose)} CPU ms/dose, ` +
        `${fmt(run.statementsPerRequest, 1)} statements/req` +
        (variant === 'with'
          ? `; lag p50 ${fmt(run.lag.p50, 1)} s, max ${fmt(run.lag.max, 1)} s, pending max ${fmt(pendingMax)}; caught up ${fmt(catchUpS, 1)} s after`
          : ''),
    );
    return run;
  };

  log(
    `recording: ${options.doseRounds} rounds × ${options.doseDurationS} s, ${options.doseConnections} connections, ` +
      `pool ${options.pool}, fold every 1 s`,
  );
  // Unmeasured warm-up of both (a fresh process compiles as it goes).
  await fire('with', 'main', -1, Math.max(2, options.warmupS), false);
  await fire('without', 'main', -1, Math.max(2, options.warmupS), false);
  const base: DoseRun[] = [(await fire('without', 'main', 0, options.doseDurationS))!];
  const withRuns: DoseRun[] = [];
  for (let r = 0; r < options.doseRounds; r++) {
    const w = (await fire('with', 'main', r, options.doseDurationS))!;
    const b = (await fire('without', 'main', r + 1, options.doseDurationS))!;
    w.ratio = ratioToBaselines(w.requestsPerSecond, base[r]!.requestsPerSecond, b.requestsPerSecond);
    base.push(b);
    withRuns.push(w);
  }
  const baseMedian = median(base.map((b) => b.requestsPerSecond));
  for (const b of base) b.ratio = b.requestsPerSecond / baseMedian;

  // Diagnostics: the statements PostgreSQL ran for each variant, and a CPU profile with upkeep.
  const diagnostics: NonNullable<StatsResults['recording']>['diagnostics'] = [];
  let profile: ProfileSummary | null = null;
  if (options.diagnosticS > 0) {
    for (const variant of ['with', 'without'] as const) {
      await waitDrained();
      await resetStatements(admin);
      const run = (await fire(variant, 'diagnostic', -1, options.diagnosticS))!;
      // The fold's catch-up after the run is part of the upkeep's cost: counted in (waitDrained ran).
      const top = (await readStatements(admin))
        .filter((s) => !/pg_stat_statements|pg_stat_clear_snapshot|pg_stat_database|pg_stat_wal/.test(s.query))
        .sort((x, y) => y.execMs + y.planMs - (x.execMs + x.planMs))
        .slice(0, 12);
      diagnostics.push({ variant, top, requests: run.requests });
    }
    if (options.profile) {
      const file = path.join(tmpdir(), `stats-upkeep-${process.pid}.cpuprofile`);
      await waitDrained();
      await app.startProfile();
      await fire('with', 'profile', -1, options.diagnosticS);
      await app.stopProfile(file);
      profile = summarizeProfile(file);
      log(`CPU profile of the app recording with upkeep (catch-up included): ${file}`);
    }
  }
  await setVariant('with');

  const summary = (list: DoseRun[]) => {
    const med = (f: (r: DoseRun) => number | null) => {
      const v = list.map(f).filter((x): x is number => x !== null && Number.isFinite(x));
      return v.length ? median(v) : null;
    };
    return {
      requestsPerSecond: med((r) => r.requestsPerSecond) ?? 0,
      p50: med((r) => r.p50) ?? 0,
      p99: med((r) => r.p99) ?? 0,
      requests: sum(list.map((r) => r.requests)),
      non2xx: sum(list.map((r) => r.non2xx)),
      errors: sum(list.map((r) => r.errors)),
      appCpuMsPerDose: med((r) => r.appCpuMsPerDose),
      postgresCpuMsPerDose: med((r) => r.postgresCpuMsPerDose),
      statementsPerRequest: med((r) => r.statementsPerRequest) ?? 0,
      otherShare: med((r) => r.otherShare),
      lag: {
        samples: sum(list.map((r) => r.lag.samples)),
        p50: med((r) => r.lag.p50) ?? 0,
        max: Math.max(0, ...list.map((r) => r.lag.max)),
        pendingMax: Math.max(0, ...list.map((r) => r.lag.pendingMax)),
      },
      catchUpS: Math.max(0, ...list.map((r) => r.catchUpS)),
    };
  };
  const ratios = withRuns.map((r) => r.ratio).filter((r): r is number => r !== null);
  void meta;
  return {
    runs,
    with: {
      ...summary(withRuns),
      ratio: ratios.length ? median(ratios) : null,
      range: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
    },
    without: summary(base),
    diagnostics,
    profile,
    peopleAvailable: ids.length,
  };
}

function fmtMs(v: number | null): string {
  return v === null ? '?' : ms(v);
}

const mib = (b: number) => `${fmt(b / 2 ** 20)} MiB`;

/** The Markdown report of a run. */
export function statsMarkdown(r: StatsResults): string {
  const s = r.postgres.settings;
  const lines: string[] = [
    `### Statistics — ${fmt(r.load.peopleInTable)} people, ${fmt(r.load.dosesInTable)} doses`,
    '',
    `${r.meta.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (other uncommitted work in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel}, load average ${r.meta.loadAverageAtStart.join(' / ')} at the start, ` +
      `Node ${r.meta.node}, PostgreSQL ${s.server_version ?? '?'} (${r.postgres.source}; shared_buffers ${s.shared_buffers}, ` +
      `fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}).`,
    '',
  ];
  if (r.loadRun)
    lines.push(
      `Data loaded and folded by an earlier \`--load-only\` run (database \`${r.database}\`): ${r.loadRun.date.slice(0, 16).replace('T', ' ')} UTC, ` +
        `commit \`${r.loadRun.commit}\`, load average ${r.loadRun.loadAverageAtStart.join(' / ')} at its start.`,
      '',
    );
  const L = r.load;
  if (L.people && L.doses && L.facilities) {
    lines.push(
      `**Load.** ${fmt(L.people.people)} people by COPY in ${fmt((L.people.copyMs + L.people.indexMs) / 1000, 1)} s; ` +
        `${fmt(L.facilities.districts)} districts, ${fmt(L.facilities.communes)} communes, ${fmt(L.facilities.facilities)} synthetic facilities (+ the demo ones); ` +
        `${fmt(L.doses.doses)} doses (${Object.entries(L.doses.byDoseNumber)
          .map(([k, v]) => `dose ${k}: ${fmt(v)}`)
          .join(
            ', ',
          )}; ${fmt(L.doses.peopleWithout)} people without a dose) by COPY in ${fmt(L.doses.copyMs / 1000, 1)} s, ` +
        `indexes ${fmt(L.doses.indexMs / 1000, 1)} s, foreign keys validated ${fmt(L.doses.constraintMs / 1000, 1)} s; ` +
        `doses table ${mib(L.doses.tableBytes)}, its indexes ${mib(L.doses.indexBytes)}.`,
      '',
    );
  }
  if (r.fold) {
    const f = r.fold;
    lines.push(
      (f.method === 'rebuild'
        ? "**The aggregates made by the bulk recount** (the app's `rebuildStats`, as `npm run stats:rebuild`: everyone walked once, each aggregate one GROUP BY, one transaction): "
        : `**The initial fold** (everyone marked in ${fmt(f.markMs / 1000, 1)} s, then the app's \`foldStats\`, batches of 2,000 people, ${r.options.foldWorkers} worker(s)): `) +
        `${fmt(f.peopleFolded)} people and ${fmt(f.dosesFolded)} doses in ${fmt(f.foldMs / 1000, 1)} s — ` +
        `**${fmt(f.peoplePerSecond)} people/s, ${fmt(f.dosesPerSecond)} doses/s**${f.complete ? '' : ' (stopped at the limit: a sample)'}. ` +
        `Aggregates: ${Object.entries(f.aggregateRows)
          .map(([t, n]) => `${t} ${fmt(n)} rows`)
          .join(', ')} (${mib(f.aggregateBytes)} with indexes); images ${mib(f.imageBytes)}.`,
      '',
    );
  }
  if (r.foldSample) {
    const f = r.foldSample;
    lines.push(
      `**Fold of the marks left in the reused database** (${f.complete ? 'all of them' : 'until the limit'}, the app's \`foldStats\`, ` +
        `${r.options.foldWorkers} worker(s)): ${fmt(f.peopleFolded)} people in ${fmt(f.foldMs / 1000, 1)} s — ` +
        `**${fmt(f.peoplePerSecond)} people/s, ${fmt(f.dosesPerSecond)} doses/s** (${fmt(f.dosesFolded)} doses).`,
      '',
    );
  }
  if (!r.coverage.complete)
    lines.push(
      `**Partial figures:** the aggregates count ${fmt(r.coverage.peopleFolded)} people (and their doses); ` +
        `${fmt(r.coverage.peopleParked)} people's marks were parked aside unfolded (table \`bench_parked\`). ` +
        'Every person of the measured province and everyone with a dose there is counted: its summary and drill-down are at full scale; ' +
        'the national checks are left out.',
      '',
    );
  lines.push(
    `**The old way** (a count of the doses by dose number on each request): nation ${fmt(median(r.oldWay.nationMs))} ms, ` +
      `province ${r.oldWay.province} ${fmt(median(r.oldWay.provinceMs))} ms (medians of ${r.oldWay.nationMs.length}).`,
    '',
    `**Reads through HTTP** (${r.options.connections} connections, ${r.options.rounds} rounds × ${r.options.durationS} s, each run between two runs of the baseline; ` +
      `p99 “worst” is the highest p99 of the runs)${r.reads.unitsRoute ? '' : ' — `GET /api/stats/units` was not in the tree: the drill-down is measured as SQL below'}:`,
    '',
    markdownTable(
      [
        'Scenario',
        'Request',
        'as',
        'req/s',
        'p50 ms',
        'p99 ms',
        'p99 worst',
        'requests',
        'non-2xx',
        '× baseline',
        '(min–max)',
      ],
      r.reads.summary.map((x) => [
        x.scenario,
        `\`${x.request}\``,
        x.as,
        fmt(x.requestsPerSecond, 1),
        ms(x.p50),
        ms(x.p99),
        ms(x.p99Max),
        fmt(x.requests),
        fmt(x.non2xx + x.errors),
        x.ratio === null ? '—' : ratio(x.ratio),
        x.ratioRange ? `${ratio(x.ratioRange[0])}–${ratio(x.ratioRange[1])}` : '—',
      ]),
    ),
    '',
    `**The same reads in SQL** (the app's query functions, ${r.sql[0]?.calls ?? 0} calls one at a time; plans from EXPLAIN ANALYZE):`,
    '',
    markdownTable(
      ['Read', 'statements', 'p50 ms', 'p99 ms', 'indexes read', 'reads `doses`', 'seq scans'],
      r.sql.map((x) => [
        x.name,
        String(x.statements.length),
        ms(x.p50),
        ms(x.p99),
        x.indexes.join(', ') || '—',
        x.noDoseScan ? 'no ✓' : 'yes ✗',
        x.seqScans.join(', ') || '—',
      ]),
    ),
  );
  if (r.recording) {
    const w = r.recording.with;
    const wo = r.recording.without;
    lines.push(
      '',
      `**Recording with and without upkeep** (\`POST /api/people/{id}/doses\` as caolanh.tiem, ${r.options.doseConnections} connections, ` +
        `pool ${r.options.pool}, ${r.options.doseRounds} runs with upkeep of ${r.options.doseDurationS} s, each between two runs without; ` +
        `with: the marks written and the fold job every second; without: the marks discarded by a trigger, nothing to fold):`,
      '',
      markdownTable(
        [
          'Variant',
          'doses/s',
          'p50 ms',
          'p99 ms',
          'requests',
          'non-2xx',
          'app CPU ms/dose',
          'PG CPU ms/dose',
          'statements/req',
          'lag p50 / max s',
          'caught up after',
          '× without',
          '(min–max)',
        ],
        [
          [
            'without upkeep',
            fmt(wo.requestsPerSecond, 1),
            ms(wo.p50),
            ms(wo.p99),
            fmt(wo.requests),
            fmt(wo.non2xx + wo.errors),
            fmtMs(wo.appCpuMsPerDose),
            fmtMs(wo.postgresCpuMsPerDose),
            fmt(wo.statementsPerRequest, 1),
            '—',
            '—',
            '1.00',
            '—',
          ],
          [
            'with upkeep',
            fmt(w.requestsPerSecond, 1),
            ms(w.p50),
            ms(w.p99),
            fmt(w.requests),
            fmt(w.non2xx + w.errors),
            fmtMs(w.appCpuMsPerDose),
            fmtMs(w.postgresCpuMsPerDose),
            fmt(w.statementsPerRequest, 1),
            `${fmt(w.lag.p50, 1)} / ${fmt(w.lag.max, 1)}`,
            `${fmt(w.catchUpS, 1)} s`,
            w.ratio === null ? '—' : `**${ratio(w.ratio)}**`,
            w.range ? `${ratio(w.range[0])}–${ratio(w.range[1])}` : '—',
          ],
        ],
      ),
      '',
      'Runs in order:',
      '',
      markdownTable(
        ['#', 'variant', 'doses/s', 'p99 ms', 'lag max s', 'pending max', 'caught up after s', 'ratio'],
        r.recording.runs
          .filter((x) => x.phase === 'main')
          .map((x, i) => [
            String(i + 1),
            x.variant,
            fmt(x.requestsPerSecond, 1),
            ms(x.p99),
            x.variant === 'with' ? fmt(x.lag.max, 1) : '—',
            x.variant === 'with' ? fmt(x.lag.pendingMax) : '—',
            x.variant === 'with' ? fmt(x.catchUpS, 1) : '—',
            x.ratio === null ? '—' : ratio(x.ratio),
          ]),
      ),
    );
    for (const d of r.recording.diagnostics) {
      lines.push(
        '',
        `Statements PostgreSQL ran, ${d.variant} upkeep (diagnostic run, ${fmt(d.requests)} doses; pg_stat_statements, top by time):`,
        '',
        markdownTable(
          ['Statement', 'calls', 'per dose', 'exec ms total', 'ms/call'],
          d.top.map((t) => [
            `\`${t.query.replace(/\s+/g, ' ').slice(0, 90)}\``,
            fmt(t.calls),
            fmt(t.calls / Math.max(1, d.requests), 2),
            fmt(t.execMs + t.planMs),
            fmt((t.execMs + t.planMs) / Math.max(1, t.calls), 3),
          ]),
        ),
      );
    }
    if (r.recording.profile) {
      const p = r.recording.profile;
      lines.push(
        '',
        `CPU profile of the app recording with upkeep (${fmt(p.durationMs / 1000, 1)} s, busy ${fmt(p.busyMs)} ms; self time by package):`,
        '',
        markdownTable(
          ['Code', 'self ms', 'share of busy'],
          p.byGroup
            .filter((g) => g.name !== '(idle)')
            .slice(0, 10)
            .map((g) => [g.name, fmt(g.ms), `${fmt((g.ms / Math.max(1, p.busyMs)) * 100, 1)} %`]),
        ),
      );
    }
  }
  const t = r.targets;
  lines.push(
    '',
    markdownTable(
      ['Target (issue 15)', 'measured', 'met'],
      [
        [
          `national summary p99 < ${t.summaryP99.target} ms (HTTP)`,
          t.summaryP99.measured === null ? '—' : `${ms(t.summaryP99.measured)} ms`,
          t.summaryP99.met ? '✓' : '✗',
        ],
        [
          `province drill-down p99 < ${t.drillDownP99.target} ms (${t.drillDownP99.via === 'http' ? 'HTTP' : 'SQL only: the route was not there'})`,
          t.drillDownP99.measured === null ? '—' : `${ms(t.drillDownP99.measured)} ms`,
          t.drillDownP99.met ? '✓' : '✗',
        ],
        [
          `recording with upkeep ≥ ${t.upkeepRatio.target} × without`,
          t.upkeepRatio.measured === null ? '—' : ratio(t.upkeepRatio.measured),
          t.upkeepRatio.met ? '✓' : '✗',
        ],
      ],
    ),
    '',
    `Checks: ${r.checks.map((c) => `${c.name} ${c.ok ? '✓' : `✗ (${fmt(c.actual)} ≠ ${fmt(c.expected)})`}`).join('; ') || 'none'}.`,
  );
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<StatsResults> {
  const options = parseStatsArgs(argv);
  const { results, file } = await runStats(options);
  console.log(statsMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
