/**
 * Benchmark: finding a person among N (default 1,000,000) — by exact ID number, by name prefix
 * without diacritics, by one whole word of the name (the given name alone, nationally and within a
 * province), by phone — through the real HTTP app, against a same-run baseline
 * (`GET /api/health`), plus the SQL latency and plans of the app's own query functions.
 *
 *   node --conditions=source --import tsx bench/people-search.ts [--quick] [--people N] …
 *
 * Writes bench/results/people-search.json and prints Markdown tables. Exits non-zero when a plan
 * does not use the expected index (or scans `people` sequentially), or when any request failed.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { nameSearchKey } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { Bench } from 'tinybench';
import { buildApp } from '../apps/server/src/app.js';
import { DEMO_PASSWORD, loadConfig } from '../apps/server/src/config.js';
import { openDatabase } from '../apps/server/src/db/database.js';
import type { DB } from '../apps/server/src/db/schema.js';
import {
  findLivingByIdNumber,
  searchByNamePrefix,
  searchByNameWords,
  searchByPhone,
} from '../apps/server/src/modules/people/people.queries.js';
import { numberOption } from './lib/args.js';
import { type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import { BENCH_SEED, type IndexMode, type LoadResult, loadPeople } from './lib/load-people.js';
import {
  type CapturedQuery,
  captureQuery,
  explainAnalyze,
  explainPlan,
  openQueryCapture,
  planFacts,
} from './lib/plans.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
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
import { type SampledPerson, samplePopulation } from './lib/sample.js';

/** Options of the people-search benchmark (see {@link parsePeopleSearchArgs}). */
export interface PeopleSearchOptions {
  /** People loaded. */
  readonly people: number;
  readonly quick: boolean;
  /** Rounds of HTTP scenarios: each round runs every scenario once, between two baseline runs. */
  readonly rounds: number;
  /** Measured seconds per HTTP scenario per round. */
  readonly durationS: number;
  /** Unmeasured seconds per HTTP scenario in the warm-up pass before the first round. */
  readonly warmupS: number;
  readonly connections: number;
  /** Distinct existing people the requests rotate over. */
  readonly sampleSize: number;
  /** How many sampled inputs each query's plan is checked for (EXPLAIN without ANALYZE). */
  readonly planChecks: number;
  /** Time budget per tinybench task, ms. */
  readonly sqlTimeMs: number;
  readonly loadIndexes: IndexMode;
  /** Keep the benchmark database on an external server (it is dropped otherwise). */
  readonly keepDatabase: boolean;
  /** Settings of the temporary server overriding the defaults (`--pg-setting name=value`). */
  readonly pgSettings: Readonly<Record<string, string>>;
}

const USAGE = `usage: people-search [--quick] [--people N] [--rounds R] [--duration S] [--warmup S] [--connections N]
                     [--sample N] [--plan-checks N] [--sql-time MS] [--load-indexes keep|rebuild] [--keep-db]
                     [--pg-setting name=value]…
  --quick            100,000 people, 2 rounds of 3 s per scenario (CI smoke)
  --people N         people to load (default 1000000; 1e6 accepted)
  --rounds R         rounds of HTTP scenarios, interleaved with baseline runs (default 3)
  --duration S       measured seconds per scenario per round (default 4)
  --warmup S         seconds per scenario of the unmeasured warm-up pass (default 2)
  --load-indexes     keep: load with all indexes in place (default); rebuild: drop, load, re-create
  --pg-setting       a setting of the temporary server, e.g. synchronous_commit=off (diagnostics only)`;

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const peopleSearchOptionsSpec = {
  quick: { type: 'boolean' },
  people: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  sample: { type: 'string' },
  'plan-checks': { type: 'string' },
  'sql-time': { type: 'string' },
  'load-indexes': { type: 'string' },
  'keep-db': { type: 'boolean' },
  'pg-setting': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Parses the command line (unknown options are an error); `--quick` changes the defaults only. */
export function parsePeopleSearchArgs(argv: readonly string[]): PeopleSearchOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: peopleSearchOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  const indexes = values['load-indexes'] ?? 'keep';
  if (indexes !== 'keep' && indexes !== 'rebuild') throw new Error(`--load-indexes must be keep or rebuild\n${USAGE}`);
  return {
    people: Math.floor(num('people', values.people, quick ? 100_000 : 1_000_000, 1)),
    quick,
    rounds: Math.floor(num('rounds', values.rounds, quick ? 2 : 3, 1)),
    durationS: num('duration', values.duration, quick ? 3 : 4, 1),
    warmupS: num('warmup', values.warmup, quick ? 1 : 2, 0),
    connections: Math.floor(num('connections', values.connections, 10, 1)),
    sampleSize: Math.floor(num('sample', values.sample, 10_000, 1)),
    planChecks: Math.floor(num('plan-checks', values['plan-checks'], 200, 1)),
    sqlTimeMs: num('sql-time', values['sql-time'], quick ? 1000 : 3000, 100),
    loadIndexes: indexes,
    keepDatabase: values['keep-db'] ?? false,
    pgSettings: Object.fromEntries(
      (values['pg-setting'] ?? []).map((kv) => {
        const m = /^([a-z_]+)=(\S+)$/.exec(kv);
        if (!m) throw new Error(`--pg-setting takes name=value, got "${kv}"\n${USAGE}`);
        return [m[1]!, m[2]!];
      }),
    ),
  };
}

/** One measured run of an HTTP scenario. */
interface HttpRun extends HttpLoadOutcome {
  /** 0-based round; for baseline runs, -1 is the run before the first round and r the run after round r. */
  readonly round: number;
  /**
   * requests/s of this run ÷ the mean requests/s of the baseline runs just before and just after
   * it (for a baseline run: ÷ the median of all baseline runs, i.e. the baseline's drift).
   */
  readonly throughputVsBaseline: number | null;
}

/** One HTTP scenario over all rounds: medians of its runs, sums of failures. */
interface HttpScenarioResult {
  readonly name: string;
  readonly request: string;
  readonly runs: HttpRun[];
  /** Median over the runs. */
  readonly requestsPerSecond: number;
  /** Medians over the runs of each run's p50 and p99. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests cut off by the end of a run (see {@link HttpLoadOutcome.unfinished}), all runs. */
  readonly unfinished: number;
  /** Median over the runs of their ratio to the adjacent baseline runs (1 for the baseline). */
  readonly throughputVsBaseline: number | null;
  /** Smallest and largest of those ratios. */
  readonly throughputVsBaselineRange: readonly [number, number] | null;
}

interface ExplainResult {
  readonly plan: string[];
  readonly executionMs: number;
  readonly planningMs: number;
}

/** SQL figures of one query function. */
interface SqlQueryResult {
  readonly name: string;
  readonly function: string;
  readonly expectedIndex: string;
  readonly sql: string;
  readonly explainInput: string;
  readonly explain: ExplainResult;
  /** When some sampled input got a plan without the expected index: that input, explained and analysed. */
  readonly offendingExplain: (ExplainResult & { readonly input: string }) | null;
  /** Over `planChecks` sampled inputs: how many plans used each index set, and seq scans. */
  readonly planCensus: {
    readonly checked: number;
    readonly byIndexes: Record<string, number>;
    readonly seqScans: number;
  };
  readonly tinybench: {
    readonly samples: number;
    readonly meanMs: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /** 1000 / mean latency: calls per second, one at a time. */
    readonly opsPerSecond: number;
  };
  readonly planOk: boolean;
}

/** The whole result file. */
export interface PeopleSearchResults {
  readonly scenario: 'people-search';
  readonly meta: RunMeta;
  readonly options: PeopleSearchOptions;
  readonly postgres: { readonly source: 'external' | 'temporary'; readonly settings: Record<string, string> };
  readonly load: LoadResult;
  readonly http: HttpScenarioResult[];
  readonly sql: SqlQueryResult[];
  readonly failures: string[];
}

const log = (line: string) => console.error(`[people-search] ${line}`);

/** Runs the benchmark end to end; returns the results (also written to bench/results/people-search.json). */
export async function runPeopleSearch(
  options: PeopleSearchOptions,
): Promise<{ results: PeopleSearchResults; file: string }> {
  const meta = runMeta();
  log(
    `commit ${meta.commit}, ${meta.machine.cpus} CPUs, ${meta.machine.memoryGiB} GiB, Node ${meta.node}, ` +
      `load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  const server = await startBenchServer(log, options.pgSettings);
  try {
    const database = await createBenchDatabase(server);
    log(`database ${database.name} created and migrated`);
    try {
      const results = await measure(options, meta, server.source, database.url);
      const file = writeResults('people-search', results);
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
  options: PeopleSearchOptions,
  meta: RunMeta,
  source: 'external' | 'temporary',
  url: string,
): Promise<PeopleSearchResults> {
  const settings = await serverSettings(url);
  const load = await loadPeople(url, { count: options.people, indexes: options.loadIndexes, log });
  log(
    `loaded in ${fmt((load.copyMs + load.indexMs) / 1000, 1)} s (${fmt(load.peoplePerSecond)} people/s), ` +
      `vacuum+analyze+checkpoint ${fmt(load.analyzeMs / 1000, 1)} s`,
  );
  const sample = samplePopulation(BENCH_SEED, options.people, options.sampleSize);
  log(`sampled ${sample.length} existing people`);

  const http = await measureHttp(options, url, sample);
  const sql = await measureSql(options, url, sample);

  const failures: string[] = [];
  for (const h of http) {
    if (h.non2xx > 0) failures.push(`${h.name}: ${h.non2xx} non-2xx responses`);
    if (h.errors > 0) failures.push(`${h.name}: ${h.errors} connection errors (${h.timeouts} timeouts)`);
    if (h.requests === 0) failures.push(`${h.name}: no response at all`);
  }
  for (const s of sql) {
    if (s.planCensus.seqScans > 0 || s.explain.plan.some((l) => planFacts(l).seqScan))
      failures.push(`${s.function}: a plan shows a Seq Scan on people`);
    if (!s.planOk) {
      const seen = Object.entries(s.planCensus.byIndexes)
        .map(([k, n]) => `${k || '(no index)'} ×${n}`)
        .join(', ');
      failures.push(`${s.function}: plans do not all use ${s.expectedIndex} (${seen})`);
    }
    // A search at the desk must stay interactive at national scale.
    if (s.tinybench.p99Ms > SQL_P99_LIMIT_MS)
      failures.push(`${s.function}: p99 ${ms(s.tinybench.p99Ms)} ms > ${SQL_P99_LIMIT_MS} ms`);
  }
  return {
    scenario: 'people-search',
    meta,
    options,
    postgres: { source, settings },
    load,
    http,
    sql,
    failures,
  };
}

/** Starts the real app in-process, signs in as the national admin and runs the HTTP scenarios. */
async function measureHttp(options: PeopleSearchOptions, url: string, sample: SampledPerson[]) {
  const app = await buildApp(
    loadConfig({
      DATABASE_URL: url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TIEMCHUNG_DEMO_DATA: 'true',
      RECHECK_INTERVAL_MS: '0',
      REPORT_ESCALATION_INTERVAL_MS: '0',
    }),
  );
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on TCP');
    const origin = `http://127.0.0.1:${address.port}`;
    const login = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}` };

    const baseline: HttpScenario = { name: 'baseline', request: 'GET /api/health', paths: ['/api/health'] };
    const scenarios: HttpScenario[] = [
      {
        name: 'by ID number',
        request: 'GET /api/people?idNumber=…',
        paths: sample.map((p) => `/api/people?idNumber=${p.idNumber}`),
      },
      {
        name: 'by name prefix',
        request: 'GET /api/people?q=…&limit=20',
        paths: sample.map((p) => `/api/people?q=${encodeURIComponent(p.namePrefix)}&limit=20`),
      },
      {
        name: 'by name word',
        request: 'GET /api/people?q=<given name>&limit=20',
        paths: sample.map((p) => `/api/people?q=${encodeURIComponent(p.nameWord)}&limit=20`),
      },
      {
        name: 'by phone',
        request: 'GET /api/people?phone=…',
        paths: sample.map((p) => `/api/people?phone=${p.phone}`),
      },
    ];
    await checkAnswers(origin, headers, sample.slice(0, 20));

    const fire = async (s: HttpScenario, durationS: number) => {
      const o = await runHttpLoad({
        origin,
        paths: s.paths,
        headers,
        connections: options.connections,
        durationS,
        warmupS: 0,
        timeoutS: 60,
      });
      // Requests still running in PostgreSQL when the load stopped must not slow the next run.
      await waitForIdleDatabase(url);
      return o;
    };
    // One unmeasured pass over every scenario first (JIT, connection pool, caches), so that the
    // first measured run does not pay for a cold process.
    if (options.warmupS > 0) {
      log(`HTTP warm-up: ${options.warmupS} s per scenario`);
      for (const s of [baseline, ...scenarios]) await fire(s, options.warmupS);
    }
    const say = (s: HttpScenario, round: number, o: HttpLoadOutcome) =>
      log(
        `  round ${round + 1} ${s.name}: ${fmt(o.requestsPerSecond, 1)} req/s, ` +
          `p50 ${ms(o.latencyMs.p50)} ms, p99 ${ms(o.latencyMs.p99)} ms`,
      );
    log(
      `HTTP: ${options.rounds} rounds × ${scenarios.length} scenarios × ${options.durationS} s, ` +
        `${options.connections} connections, a baseline run before the first round and after each`,
    );
    const baselineRuns: HttpLoadOutcome[] = [await fire(baseline, options.durationS)];
    say(baseline, -1, baselineRuns[0]!);
    const runs = new Map<HttpScenario, { round: number; outcome: HttpLoadOutcome }[]>(scenarios.map((s) => [s, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const s of scenarios) {
        const outcome = await fire(s, options.durationS);
        say(s, round, outcome);
        runs.get(s)!.push({ round, outcome });
      }
      const b = await fire(baseline, options.durationS);
      say(baseline, round, b);
      baselineRuns.push(b);
    }

    const baselineMedian = median(baselineRuns.map((b) => b.requestsPerSecond));
    const results: HttpScenarioResult[] = [
      summarise(
        baseline,
        baselineRuns.map((o, i) => ({
          ...o,
          round: i - 1,
          throughputVsBaseline: baselineMedian > 0 ? o.requestsPerSecond / baselineMedian : null,
        })),
      ),
    ];
    for (const s of scenarios) {
      const scenarioRuns = runs.get(s)!.map(({ round, outcome }): HttpRun => {
        const around = (baselineRuns[round]!.requestsPerSecond + baselineRuns[round + 1]!.requestsPerSecond) / 2;
        return { ...outcome, round, throughputVsBaseline: around > 0 ? outcome.requestsPerSecond / around : null };
      });
      results.push(summarise(s, scenarioRuns));
    }
    return results;
  } finally {
    await app.close();
  }
}

interface HttpScenario {
  readonly name: string;
  readonly request: string;
  readonly paths: string[];
}

/** The median of a non-empty list (NaN for an empty one). */
function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function summarise(s: HttpScenario, runs: HttpRun[]): HttpScenarioResult {
  const ratios = runs.map((r) => r.throughputVsBaseline).filter((r): r is number => r !== null);
  const sum = (f: (r: HttpRun) => number) => runs.reduce((t, r) => t + f(r), 0);
  return {
    name: s.name,
    request: s.request,
    runs,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    latencyMs: { p50: median(runs.map((r) => r.latencyMs.p50)), p99: median(runs.map((r) => r.latencyMs.p99)) },
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    unfinished: sum((r) => r.unfinished),
    throughputVsBaseline: ratios.length ? median(ratios) : null,
    throughputVsBaselineRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
  };
}

/** Waits (up to 60 s) until no other session of this database is running a statement. */
async function waitForIdleDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state = 'active'`,
      );
      if (!rows[0]?.n) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log('  (the database was still busy 60 s after the load stopped)');
  } finally {
    await client.end();
  }
}

/** Refuses to measure answers that are wrong: each sampled person must be found by each search. */
async function checkAnswers(origin: string, headers: Record<string, string>, people: SampledPerson[]) {
  const get = async (p: string) => {
    const res = await fetch(`${origin}${p}`, { headers });
    if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { items: { fullName: string; idNumber: string | null }[] }).items;
  };
  for (const p of people) {
    const byId = await get(`/api/people?idNumber=${p.idNumber}`);
    if (byId.length !== 1 || byId[0]?.fullName !== p.fullName)
      throw new Error(`ID ${p.idNumber} should find ${p.fullName}, found ${JSON.stringify(byId)}`);
    const byPhone = await get(`/api/people?phone=${p.phone}`);
    if (!byPhone.some((x) => x.fullName === p.fullName))
      throw new Error(`phone ${p.phone} does not find ${p.fullName}`);
    const byName = await get(`/api/people?q=${encodeURIComponent(p.namePrefix)}&limit=20`);
    if (byName.length === 0) throw new Error(`name prefix "${p.namePrefix}" finds nobody`);
    // A given name alone: a page of people who all have it as a word of their name.
    const byWord = await get(`/api/people?q=${encodeURIComponent(p.nameWord)}&limit=20`);
    if (byWord.length === 0) throw new Error(`name word "${p.nameWord}" finds nobody`);
    const without = byWord.filter(
      (x) =>
        !nameSearchKey(x.fullName).split(' ').includes(p.nameWord) && !nameSearchKey(x.fullName).startsWith(p.nameWord),
    );
    if (without.length)
      throw new Error(`name word "${p.nameWord}" finds ${JSON.stringify(without.map((x) => x.fullName))}`);
  }
}

/** The slowest a single search query may be (p99) before the run fails. */
const SQL_P99_LIMIT_MS = 50;

interface SqlCase {
  name: string;
  fn: string;
  expectedIndex: string;
  run: (db: Kysely<DB>, p: SampledPerson) => Promise<unknown>;
  /** The statement's parameters for another sampled person, from those of the captured one. */
  params: (captured: CapturedQuery, from: SampledPerson, to: SampledPerson) => unknown[];
}

/** Replaces the parameter equal to `from` by `to` (exactly one must match). */
function swapParam(q: CapturedQuery, from: unknown, to: unknown): unknown[] {
  const hits = q.parameters.filter((v) => v === from).length;
  if (hits !== 1) throw new Error(`expected one parameter equal to ${String(from)} in ${q.sql}`);
  return q.parameters.map((v) => (v === from ? to : v));
}

/** Replaces each parameter equal to one of `from` by the value at the same place in `to` (by position in the list). */
function swapWords(q: CapturedQuery, from: readonly unknown[], to: readonly unknown[]): unknown[] {
  const params = [...q.parameters];
  from.forEach((value, i) => {
    const at = params.indexOf(value);
    if (at < 0) throw new Error(`expected a parameter equal to ${String(value)} in ${q.sql}`);
    params[at] = to[i];
  });
  return params;
}

const SQL_CASES: SqlCase[] = [
  {
    name: 'by ID number',
    fn: 'findLivingByIdNumber',
    expectedIndex: 'people_id_number',
    run: (db, p) => findLivingByIdNumber(db, p.idNumber),
    params: (q, a, b) => swapParam(q, a.idNumber, b.idNumber),
  },
  {
    name: 'by name prefix',
    fn: 'searchByNamePrefix',
    // After the "C" collation fix both name indexes answer a prefix with a range condition; the
    // planner may take the name+birth-date one for a selective prefix (a bitmap scan, < 1 ms).
    expectedIndex: 'people_name_key|people_name_dob',
    run: (db, p) => searchByNamePrefix(db, p.namePrefix, {}, 20),
    params: (q, a, b) => swapParam(q, `${a.namePrefix}%`, `${b.namePrefix}%`),
  },
  {
    name: 'by name word',
    fn: 'searchByNameWords',
    // A rare given name: the GIN index of the words; a common one: the name index walked in order
    // until the page is full (the planner chooses from the words' statistics). Never every row.
    expectedIndex: 'people_name_words|people_name_key|people_name_dob',
    run: (db, p) => searchByNameWords(db, [p.nameWord], {}, 20),
    params: (q, a, b) => swapParam(q, a.nameWord, b.nameWord),
  },
  {
    name: 'by name word, in a province',
    fn: 'searchByNameWords (province)',
    expectedIndex: 'people_name_words|people_province_name_key|people_name_key',
    run: (db, p) => searchByNameWords(db, [p.nameWord], { province_code: p.provinceCode }, 20),
    params: (q, a, b) => swapWords(q, [a.nameWord, a.provinceCode], [b.nameWord, b.provinceCode]),
  },
  {
    name: 'by phone',
    fn: 'searchByPhone',
    expectedIndex: 'people_phone',
    run: (db, p) => searchByPhone(db, p.phone, {}, 20),
    params: (q, a, b) => swapParam(q, a.phone, b.phone),
  },
];

/** EXPLAIN (ANALYZE, BUFFERS) once, a plan census over sampled inputs, and a tinybench loop per query. */
async function measureSql(
  options: PeopleSearchOptions,
  url: string,
  sample: SampledPerson[],
): Promise<SqlQueryResult[]> {
  const capture = openQueryCapture(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The app's own database layer (same pool settings and type parsers as the server).
  const database = await openDatabase({ kind: 'postgres', url, poolMax: 2 });
  const first = sample[0]!;
  const out: SqlQueryResult[] = [];
  try {
    for (const c of SQL_CASES) {
      const captured = await captureQuery(capture, (db) => c.run(db, first));
      const explain = await explainAnalyze(client, captured);
      const census: Record<string, number> = {};
      let seqScans = 0;
      let planOk = true;
      let offending: unknown[] | null = null;
      const checks = sample.slice(0, options.planChecks);
      for (const p of checks) {
        const params = c.params(captured, first, p);
        const facts = planFacts(await explainPlan(client, captured, params));
        const key = [...new Set(facts.indexes)].join('+');
        census[key] = (census[key] ?? 0) + 1;
        if (facts.seqScan) seqScans++;
        if (facts.seqScan || !c.expectedIndex.split('|').some((ix) => facts.indexes.includes(ix))) {
          planOk = false;
          offending ??= params;
        }
      }
      const offendingExplain = offending
        ? {
            input: JSON.stringify(offending),
            ...(await explainAnalyze(client, { sql: captured.sql, parameters: offending })),
          }
        : null;
      const analyzed = planFacts(explain.plan.join('\n'));
      if (analyzed.seqScan || !c.expectedIndex.split('|').some((ix) => analyzed.indexes.includes(ix))) planOk = false;
      log(`SQL ${c.fn}: EXPLAIN ANALYZE ${ms(explain.executionMs)} ms, plans ${JSON.stringify(census)}`);

      let i = 0;
      const bench = new Bench({ time: options.sqlTimeMs, iterations: 20, warmupTime: 250, warmupIterations: 3 });
      bench.add(c.fn, async () => {
        await c.run(database.db, sample[i++ % sample.length]!);
      });
      await bench.run();
      const r = bench.tasks[0]!.result;
      if (r.state !== 'completed') throw new Error(`tinybench ${c.fn}: ${r.state}`);
      log(
        `  tinybench: mean ${ms(r.latency.mean)} ms, p99 ${ms(r.latency.p99)} ms over ${r.latency.samplesCount} runs`,
      );
      out.push({
        name: c.name,
        function: c.fn,
        expectedIndex: c.expectedIndex,
        sql: captured.sql,
        explainInput: JSON.stringify(captured.parameters),
        explain,
        offendingExplain,
        planCensus: { checked: checks.length, byIndexes: census, seqScans },
        tinybench: {
          samples: r.latency.samplesCount,
          meanMs: r.latency.mean,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          opsPerSecond: 1000 / r.latency.mean,
        },
        planOk,
      });
    }
  } finally {
    await database.close();
    await client.end();
    await capture.close();
  }
  return out;
}

/** A ratio with two decimals, or two significant digits when under 0.1 (0.0043). */
function ratio(r: number): string {
  return r >= 0.1 ? fmt(r, 2) : r.toPrecision(2);
}

/** The Markdown report of a run: load, HTTP scenarios with ratios to the baseline, SQL. */
export function peopleSearchMarkdown(r: PeopleSearchResults): string {
  const s = r.postgres.settings;
  const lines = [
    `### People search — ${fmt(r.load.people)} people`,
    '',
    `${r.meta.date.slice(0, 10)}, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel}, ${r.meta.machine.memoryGiB} GiB ` +
      `(load average ${r.meta.loadAverageAtStart.join(' / ')} at start), Node ${r.meta.node}, ` +
      `PostgreSQL ${s.server_version ?? '?'} (${r.postgres.source}; shared_buffers ${s.shared_buffers}, ` +
      `fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}, full_page_writes ${s.full_page_writes}).`,
    '',
    `Load: COPY of ${fmt(r.load.people)} people with indexes ${r.load.indexes === 'keep' ? 'in place' : 'dropped and re-created'} ` +
      `in ${fmt((r.load.copyMs + r.load.indexMs) / 1000, 1)} s — **${fmt(r.load.peoplePerSecond)} people/s** ` +
      `(then VACUUM ANALYZE + CHECKPOINT ${fmt(r.load.analyzeMs / 1000, 1)} s); table ${fmt(r.load.tableBytes / 2 ** 20)} MiB, ` +
      `indexes ${fmt(r.load.indexBytes / 2 ** 20)} MiB.`,
    '',
    `HTTP: ${r.options.connections} connections; ${r.options.rounds} rounds of ${r.options.durationS} s per scenario, ` +
      `each round between two ${r.options.durationS} s baseline runs, after a ${r.options.warmupS} s warm-up per scenario; ` +
      `requests rotating over ${fmt(r.options.sampleSize)} existing people. req/s, p50 and p99 are medians over the rounds; ` +
      '× baseline is the median over the rounds of the run’s req/s ÷ the mean req/s of the baseline runs before and after it; ' +
      '“cut off”: requests still running when a run stopped (not in the percentiles: p99 is then a lower bound).',
    '',
    markdownTable(
      [
        'Scenario',
        'Request',
        'req/s',
        'p50 ms',
        'p99 ms',
        'requests',
        'non-2xx',
        'errors',
        'cut off',
        '× baseline',
        '(min–max)',
      ],
      r.http.map((h) => [
        h.name,
        `\`${h.request}\``,
        fmt(h.requestsPerSecond, 1),
        ms(h.latencyMs.p50),
        ms(h.latencyMs.p99),
        fmt(h.requests),
        fmt(h.non2xx),
        fmt(h.errors),
        fmt(h.unfinished),
        h.throughputVsBaseline === null ? '—' : ratio(h.throughputVsBaseline),
        h.throughputVsBaselineRange
          ? `${ratio(h.throughputVsBaselineRange[0])}–${ratio(h.throughputVsBaselineRange[1])}`
          : '—',
      ]),
    ),
    '',
    'SQL (the query functions of `people.queries.ts`, one at a time, no HTTP):',
    '',
    markdownTable(
      [
        'Query',
        'EXPLAIN ANALYZE ms',
        'tinybench mean ms',
        'p50 ms',
        'p99 ms',
        'runs',
        `plans (of ${r.options.planChecks} inputs)`,
        'expected index',
      ],
      r.sql.map((q) => [
        `\`${q.function}\``,
        ms(q.explain.executionMs),
        ms(q.tinybench.meanMs),
        ms(q.tinybench.p50Ms),
        ms(q.tinybench.p99Ms),
        fmt(q.tinybench.samples),
        Object.entries(q.planCensus.byIndexes)
          .map(([k, n]) => `${k || '(none)'} ×${n}`)
          .join(', '),
        `${q.expectedIndex} ${q.planOk ? '✓' : '✗'}`,
      ]),
    ),
  ];
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

/** CLI: runs, prints the report and the plans, sets a non-zero exit code on a failed check. */
export async function main(argv: readonly string[]): Promise<PeopleSearchResults> {
  const options = parsePeopleSearchArgs(argv);
  const { results, file } = await runPeopleSearch(options);
  console.log(peopleSearchMarkdown(results));
  for (const q of results.sql) {
    console.log(`\n\`${q.function}\` — EXPLAIN (ANALYZE, BUFFERS) with ${q.explainInput}:\n`);
    console.log(['```', ...q.explain.plan, '```'].join('\n'));
    if (q.offendingExplain) {
      console.log(
        `\n\`${q.function}\` — an input whose plan does not use ${q.expectedIndex}, ${q.offendingExplain.input}:\n`,
      );
      console.log(['```', ...q.offendingExplain.plan, '```'].join('\n'));
    }
  }
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
