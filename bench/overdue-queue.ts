/**
 * Benchmark: "the overdue queue for a province with 1 million reports answers in < 100 ms" —
 * `GET /api/reports?overdue=true&limit=200` as a report handler of the big province, through the
 * real HTTP app against a same-run baseline (`GET /api/health`), and the SQL of `listReports` on
 * its own (tinybench, EXPLAIN ANALYZE, the index it uses). Also the queue page as the web app
 * opens it (`GET /api/reports?view=all`: every report of the province by due time), and, for a
 * query that misses the target, the same measurements with a candidate index (created, measured,
 * dropped).
 *
 *   node --conditions=source --import tsx bench/overdue-queue.ts [--quick] [--reports N] …
 *
 * Writes bench/results/overdue-queue.json and prints Markdown tables. Exits non-zero when a
 * request failed, an answer is wrong, or the overdue query's plan does not use its index.
 */

import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { Bench } from 'tinybench';
import { type Database, openDatabase } from '../apps/server/src/db/database.js';
import type { DB } from '../apps/server/src/db/schema.js';
import type { Actor } from '../apps/server/src/lib/authz.js';
import { authenticateToken } from '../apps/server/src/modules/auth/auth.service.js';
import { listReports, type ReportFilter } from '../apps/server/src/modules/reports/reports.handling.js';
import { type AppProcess, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type CpuTargets, type CpuUse, cpuSnapshot, cpuUse, postmasterPid } from './lib/cpu.js';
import { type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import { loadReports, type ReportsLoadResult } from './lib/load-reports.js';
import { captureQuery, explainAnalyze, openQueryCapture, planFacts } from './lib/plans.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
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
import { median, ratio, ratioToBaselines, sum } from './lib/stats.js';

/** The target: the overdue queue answers in under this many milliseconds (p99). */
export const TARGET_MS = 100;

/** Options of the overdue-queue benchmark (see {@link parseOverdueQueueArgs}). */
export interface OverdueQueueOptions {
  readonly reports: number;
  readonly quick: boolean;
  readonly province: string;
  readonly provinceShare: number;
  readonly resolvedShare: number;
  readonly days: number;
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Time budget per tinybench task, ms. */
  readonly sqlTimeMs: number;
  /** CPU profile of the app during an overdue-queue run of `durationS`. */
  readonly profile: boolean;
  readonly keepDatabase: boolean;
  readonly pgSettings: Readonly<Record<string, string>>;
}

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const overdueQueueOptionsSpec = {
  quick: { type: 'boolean' },
  reports: { type: 'string' },
  rounds: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  'sql-time': { type: 'string' },
  profile: { type: 'boolean' },
  'no-profile': { type: 'boolean' },
  'keep-db': { type: 'boolean' },
  'pg-setting': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: overdue-queue [--quick] [--reports N] [--rounds R] [--duration S] [--warmup S] [--connections N]
                     [--sql-time MS] [--profile | --no-profile] [--keep-db] [--pg-setting name=value]…
  --quick          100,000 reports, 2 rounds of 3 s, no profile (CI smoke)
  --reports N      reports to load, 40 % in province 79 (default 1000000)
  --rounds R       rounds of HTTP scenarios between baseline runs (default 3), --duration S each (default 4)
  --connections N  autocannon connections (default 4: a few handlers at once)`;

/** Parses the command line (unknown options are an error); `--quick` changes the defaults only. */
export function parseOverdueQueueArgs(argv: readonly string[]): OverdueQueueOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: overdueQueueOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  return {
    reports: Math.floor(num('reports', values.reports, quick ? 100_000 : 1_000_000, 1000)),
    quick,
    province: '79',
    provinceShare: 0.4,
    resolvedShare: 0.7,
    days: 21,
    rounds: Math.floor(num('rounds', values.rounds, quick ? 2 : 3, 1)),
    durationS: num('duration', values.duration, quick ? 3 : 4, 1),
    warmupS: num('warmup', values.warmup, quick ? 1 : 2, 0),
    connections: Math.floor(num('connections', values.connections, 4, 1)),
    sqlTimeMs: num('sql-time', values['sql-time'], quick ? 1000 : 3000, 100),
    profile: values.profile ?? !(values['no-profile'] ?? quick),
    keepDatabase: values['keep-db'] ?? false,
    pgSettings: Object.fromEntries(
      (values['pg-setting'] ?? []).map((kv) => {
        const m = /^([a-z_.]+)=(\S+)$/.exec(kv);
        if (!m) throw new Error(`--pg-setting takes name=value, got "${kv}"\n${USAGE}`);
        return [m[1]!, m[2]!];
      }),
    ),
  };
}

/** A query of the queue: its HTTP request, its `listReports` filter, the index it should use. */
interface QueueCase {
  readonly name: string;
  readonly path: string;
  readonly filter: ReportFilter;
  /** The index its plan must use (a failed check otherwise), or null: reported only. */
  readonly expectedIndex: string | null;
  /** A candidate index measured when the case's SQL misses the target. */
  readonly whatIf: { readonly name: string; readonly ddl: string };
  /** Held to the target (the requirement) or only reported. */
  readonly target: boolean;
}

const CASES: readonly QueueCase[] = [
  {
    name: 'overdue queue',
    path: '/api/reports?overdue=true&limit=200',
    filter: { overdue: true, limit: 200 },
    expectedIndex: 'reports_overdue_queue',
    whatIf: {
      name: 'bench_reports_overdue_id',
      ddl: "create index bench_reports_overdue_id on reports (province_code, due_at, id) where status <> 'resolved'",
    },
    target: true,
  },
  {
    name: 'overdue queue, 50 a page',
    path: '/api/reports?overdue=true&limit=50',
    filter: { overdue: true, limit: 50 },
    expectedIndex: 'reports_overdue_queue',
    whatIf: {
      name: 'bench_reports_overdue_id',
      ddl: "create index bench_reports_overdue_id on reports (province_code, due_at, id) where status <> 'resolved'",
    },
    target: false,
  },
  {
    name: 'queue page (default filters)',
    path: '/api/reports?view=all',
    filter: { view: 'all' },
    expectedIndex: null,
    whatIf: {
      name: 'bench_reports_province_due',
      ddl: 'create index bench_reports_province_due on reports (province_code, due_at, id)',
    },
    target: false,
  },
];

/** One measured HTTP run. */
interface HttpRun extends HttpLoadOutcome {
  readonly round: number;
  readonly connections: number;
  readonly cpu: CpuUse;
  /** CPU ms per response of the app's process, of PostgreSQL, and of the load generator. */
  readonly cpuMsPerRequest: {
    readonly app: number | null;
    readonly postgres: number | null;
    readonly load: number | null;
  };
  throughputVsBaseline: number | null;
}

/** One HTTP scenario over its runs. */
interface HttpResult {
  readonly name: string;
  readonly request: string;
  readonly runs: HttpRun[];
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly unfinished: number;
  readonly throughputVsBaseline: number | null;
  readonly throughputVsBaselineRange: readonly [number, number] | null;
  /** Medians over the runs. */
  readonly cpuMsPerRequest: {
    readonly app: number | null;
    readonly postgres: number | null;
    readonly load: number | null;
  };
  /** Median share of the machine's busy CPU that was other work (neither the app, PostgreSQL nor the load generator). */
  readonly otherShare: number | null;
}

/** The SQL of one case. */
interface SqlResult {
  readonly name: string;
  readonly sql: string;
  readonly parameters: string;
  readonly plan: string[];
  readonly executionMs: number;
  readonly indexes: string[];
  readonly seqScan: boolean;
  readonly rows: number;
  readonly tinybench: {
    readonly samples: number;
    readonly meanMs: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
  };
}

/** A case measured again with a candidate index. */
interface WhatIf {
  readonly case: string;
  readonly index: string;
  readonly ddl: string;
  readonly buildMs: number;
  readonly indexBytes: number;
  readonly sql: SqlResult;
  readonly http: HttpResult[];
  readonly httpOneConnection: HttpResult[];
}

/** The whole result file. */
export interface OverdueQueueResults {
  readonly scenario: 'overdue-queue';
  readonly meta: RunMeta;
  readonly options: OverdueQueueOptions;
  readonly postgres: { readonly source: 'external' | 'temporary'; readonly settings: Record<string, string> };
  readonly load: ReportsLoadResult;
  readonly http: HttpResult[];
  /** The same requests at one connection: the latency of one handler alone. */
  readonly httpOneConnection: HttpResult[];
  readonly sql: SqlResult[];
  readonly whatIf: WhatIf[];
  readonly profile: ProfileSummary | null;
  readonly targets: {
    readonly name: string;
    /** The requirement (false: reported for comparison). */
    readonly held: boolean;
    readonly httpP99Ms: number;
    readonly httpOneConnectionP99Ms: number;
    readonly sqlP99Ms: number;
    readonly met: boolean;
  }[];
  readonly failures: string[];
}

const log = (line: string) => console.error(`[overdue-queue] ${line}`);

/** Runs the benchmark end to end; returns the results (also written to bench/results/overdue-queue.json). */
export async function runOverdueQueue(
  options: OverdueQueueOptions,
): Promise<{ results: OverdueQueueResults; file: string }> {
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
      return { results, file: writeResults('overdue-queue', results) };
    } finally {
      if (options.keepDatabase && server.source === 'external') log(`kept database ${database.name}`);
      else await database.drop();
    }
  } finally {
    await server.stop();
  }
}

async function measure(
  options: OverdueQueueOptions,
  meta: RunMeta,
  source: 'external' | 'temporary',
  url: string,
): Promise<OverdueQueueResults> {
  const settings = await serverSettings(url);
  const load = await loadReports(
    url,
    {
      count: options.reports,
      bigProvince: options.province,
      bigShare: options.provinceShare,
      resolvedShare: options.resolvedShare,
      days: options.days,
    },
    new Date(),
    log,
  );
  log(
    `loaded in ${fmt(load.copyMs / 1000, 1)} s (${fmt(load.reportsPerSecond)} reports/s); province ${options.province}: ` +
      `${fmt(load.counts.big)} reports, ${fmt(load.counts.bigOpen)} open, ${fmt(load.counts.bigOverdue)} overdue`,
  );
  const failures: string[] = [];
  const app: AppProcess = await startAppProcess({
    env: {
      DATABASE_URL: url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TIEMCHUNG_DEMO_DATA: 'true',
      RECHECK_INTERVAL_MS: '0',
      REPORT_ESCALATION_INTERVAL_MS: '0',
    },
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const database = await openDatabase({ kind: 'postgres', url, poolMax: 2 });
  try {
    const origin = app.origin;
    const handler = await createHandler(origin, options.province);
    const actor = await authenticateToken(database.db, handler.token, new Date());
    if (!actor) throw new Error('the handler’s session does not authenticate');
    const headers = { authorization: `Bearer ${handler.token}` };
    await checkAnswers(origin, headers, client, options.province, failures);
    const targets0: CpuTargets = { appPid: app.pid, postmasterPid: await postmasterPid(client) };

    const http = await measureHttp(options, origin, headers, CASES, targets0);
    log('one connection:');
    const httpOneConnection = await measureHttp(
      { ...options, rounds: 1, warmupS: 0, connections: 1 },
      origin,
      headers,
      CASES,
      targets0,
    );
    let profile: ProfileSummary | null = null;
    if (options.profile) {
      const file = path.join(tmpdir(), `overdue-queue-${process.pid}.cpuprofile`);
      await app.startProfile();
      await runHttpLoad({
        origin,
        paths: [CASES[0]!.path],
        headers,
        connections: options.connections,
        durationS: options.durationS,
        warmupS: 0,
        timeoutS: 30,
      });
      await app.stopProfile(file);
      profile = summarizeProfile(file);
      log(`CPU profile of the app during an overdue-queue run: ${file}`);
    }
    const sql: SqlResult[] = [];
    for (const c of CASES) sql.push(await measureSql(options, url, client, database, actor, c));
    for (const s of sql) {
      const c = CASES.find((x) => x.name === s.name)!;
      if (c.expectedIndex && s.seqScan) failures.push(`${s.name}: the plan scans reports sequentially`);
      if (c.expectedIndex && !s.indexes.includes(c.expectedIndex))
        failures.push(`${s.name}: the plan does not use ${c.expectedIndex} (${s.indexes.join(', ') || 'no index'})`);
    }
    for (const h of [...http, ...httpOneConnection]) {
      if (h.non2xx > 0) failures.push(`${h.name}: ${h.non2xx} non-2xx responses`);
      if (h.errors > 0) failures.push(`${h.name}: ${h.errors} connection errors`);
      if (h.requests === 0) failures.push(`${h.name}: no response at all`);
    }
    const targets = CASES.map((c) => {
      const h = http.find((x) => x.name === c.name)!;
      const s = sql.find((x) => x.name === c.name)!;
      return {
        name: c.name,
        held: c.target,
        httpP99Ms: h.latencyMs.p99,
        httpOneConnectionP99Ms: httpOneConnection.find((x) => x.name === c.name)!.latencyMs.p99,
        sqlP99Ms: s.tinybench.p99Ms,
        met: h.latencyMs.p99 < TARGET_MS && s.tinybench.p99Ms < TARGET_MS,
      };
    });

    // A query whose SQL misses the target: measured again with a candidate index, then the index is dropped.
    const whatIf: WhatIf[] = [];
    for (const c of CASES) {
      const s = sql.find((x) => x.name === c.name)!;
      if (s.tinybench.p99Ms < TARGET_MS && (!c.expectedIndex || s.indexes.includes(c.expectedIndex))) continue;
      log(`${c.name}: SQL misses ${TARGET_MS} ms, measuring with ${c.whatIf.ddl}`);
      const started = performance.now();
      await client.query(c.whatIf.ddl);
      await client.query('analyze reports');
      const buildMs = performance.now() - started;
      const { rows } = await client.query<{ n: string }>('select pg_relation_size($1)::text as n', [c.whatIf.name]);
      try {
        const ws = await measureSql(options, url, client, database, actor, c);
        const wh = await measureHttp({ ...options, warmupS: 0 }, origin, headers, [c], targets0);
        const wh1 = await measureHttp(
          { ...options, rounds: 1, warmupS: 0, connections: 1 },
          origin,
          headers,
          [c],
          targets0,
        );
        whatIf.push({
          case: c.name,
          index: c.whatIf.name,
          ddl: c.whatIf.ddl,
          buildMs,
          indexBytes: Number(rows[0]?.n ?? 0),
          sql: ws,
          http: wh,
          httpOneConnection: wh1,
        });
        for (const x of [...wh, ...wh1])
          if (x.non2xx || x.errors) failures.push(`${c.name} (what-if): failed requests`);
      } finally {
        await client.query(`drop index ${c.whatIf.name}`);
        await client.query('analyze reports');
      }
    }
    return {
      scenario: 'overdue-queue',
      meta,
      options,
      postgres: { source, settings },
      load,
      http,
      httpOneConnection,
      sql,
      whatIf,
      profile,
      targets,
      failures,
    };
  } finally {
    await database.close();
    await client.end();
    await app.close();
  }
}

/** Creates a report handler of the province through the API as the national admin, and signs in as them. */
async function createHandler(origin: string, province: string): Promise<{ username: string; token: string }> {
  const adminToken = await signIn(origin, 'admin');
  const username = `bench.phananh.${province}`;
  const password = 'MatKhau@12345';
  const res = await fetch(`${origin}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, role: 'report_handler', unitCode: province }),
  });
  if (res.status !== 201) throw new Error(`creating the handler: ${res.status} ${await res.text()}`);
  return { username, token: await signIn(origin, username, password) };
}

/** The overdue queue must be right: 200 overdue open reports of the province, most overdue first, as SQL says. */
async function checkAnswers(
  origin: string,
  headers: Record<string, string>,
  client: pg.Client,
  province: string,
  failures: string[],
): Promise<void> {
  const res = await fetch(`${origin}/api/reports?overdue=true&limit=200`, { headers });
  if (res.status !== 200) throw new Error(`GET overdue queue: ${res.status} ${await res.text()}`);
  const items = (
    (await res.json()) as {
      items: { id: string; provinceCode: string; status: string; overdue: boolean; dueAt: string }[];
    }
  ).items;
  const { rows } = await client.query<{ id: string }>(
    `select id from reports where province_code = $1 and status <> 'resolved' and due_at < now()
      order by due_at, id limit 200`,
    [province],
  );
  if (items.length !== 200) failures.push(`overdue queue: ${items.length} items, expected 200`);
  if (items.some((r) => r.provinceCode !== province || r.status === 'resolved' || !r.overdue))
    failures.push('overdue queue: an item is not an overdue open report of the province');
  if (items.some((r, i) => i > 0 && r.dueAt < items[i - 1]!.dueAt)) failures.push('overdue queue: not by due time');
  if (items[0]?.id !== rows[0]?.id) failures.push('overdue queue: the first item is not the most overdue report');
}

/** Interleaved rounds: baseline, then each case, then baseline again; CPU per run from /proc. */
async function measureHttp(
  options: Pick<OverdueQueueOptions, 'rounds' | 'durationS' | 'warmupS' | 'connections'>,
  origin: string,
  headers: Record<string, string>,
  cases: readonly QueueCase[],
  targets: CpuTargets,
): Promise<HttpResult[]> {
  const fire = async (paths: string[], durationS: number, auth: boolean, round: number): Promise<HttpRun> => {
    let a = cpuSnapshot(targets);
    let b = a;
    const o = await runHttpLoad(
      {
        origin,
        paths,
        headers: auth ? headers : {},
        connections: options.connections,
        durationS,
        warmupS: 0,
        timeoutS: 30,
      },
      {
        onMeasureStart: () => {
          a = cpuSnapshot(targets);
        },
        onMeasureEnd: () => {
          b = cpuSnapshot(targets);
        },
      },
    );
    const cpu = cpuUse(a, b);
    const per = (x: number | null) => (x === null || o.requests === 0 ? null : (x * 1000) / o.requests);
    return {
      ...o,
      round,
      connections: options.connections,
      cpu,
      cpuMsPerRequest: { app: per(cpu.appS), postgres: per(cpu.postgresS), load: per(cpu.loadGeneratorS) },
      throughputVsBaseline: null,
    };
  };
  const scenarios = [
    { name: 'baseline', request: 'GET /api/health', paths: ['/api/health'], auth: false },
    ...cases.map((c) => ({ name: c.name, request: `GET ${c.path}`, paths: [c.path], auth: true })),
  ];
  if (options.warmupS > 0) for (const s of scenarios) await fire(s.paths, options.warmupS, s.auth, -1);
  const base: HttpRun[] = [await fire(scenarios[0]!.paths, options.durationS, false, -1)];
  const runs = new Map<string, HttpRun[]>(scenarios.map((s) => [s.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const s of scenarios.slice(1)) {
      const o = await fire(s.paths, options.durationS, true, round);
      runs.get(s.name)!.push(o);
      log(
        `  round ${round + 1} ${s.name} (${options.connections} conn.): ${fmt(o.requestsPerSecond, 1)} req/s, ` +
          `p50 ${ms(o.latencyMs.p50)} ms, p99 ${ms(o.latencyMs.p99)} ms, app CPU ${o.cpuMsPerRequest.app === null ? '?' : ms(o.cpuMsPerRequest.app)} ms/req`,
      );
    }
    base.push(await fire(scenarios[0]!.paths, options.durationS, false, round));
    log(`  round ${round + 1} baseline: ${fmt(base.at(-1)!.requestsPerSecond, 1)} req/s`);
  }
  const baseMedian = median(base.map((b) => b.requestsPerSecond));
  for (const b of base) b.throughputVsBaseline = baseMedian > 0 ? b.requestsPerSecond / baseMedian : null;
  runs.set('baseline', base);
  for (const s of scenarios.slice(1))
    for (const r of runs.get(s.name)!)
      r.throughputVsBaseline = ratioToBaselines(
        r.requestsPerSecond,
        base[r.round]!.requestsPerSecond,
        base[r.round + 1]!.requestsPerSecond,
      );
  return scenarios.map((s) => {
    const rs = runs.get(s.name)!;
    const ratios = rs.map((r) => r.throughputVsBaseline).filter((r): r is number => r !== null);
    const med = (f: (r: HttpRun) => number | null) => {
      const v = rs.map(f).filter((x): x is number => x !== null);
      return v.length ? median(v) : null;
    };
    return {
      name: s.name,
      request: s.request,
      runs: rs,
      requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
      latencyMs: {
        p50: median(rs.map((r) => r.latencyMs.p50)),
        p99: median(rs.map((r) => r.latencyMs.p99)),
        max: Math.max(...rs.map((r) => r.latencyMs.max)),
      },
      requests: sum(rs.map((r) => r.requests)),
      non2xx: sum(rs.map((r) => r.non2xx)),
      errors: sum(rs.map((r) => r.errors)),
      unfinished: sum(rs.map((r) => r.unfinished)),
      throughputVsBaseline: ratios.length ? median(ratios) : null,
      throughputVsBaselineRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : null,
      cpuMsPerRequest: {
        app: med((r) => r.cpuMsPerRequest.app),
        postgres: med((r) => r.cpuMsPerRequest.postgres),
        load: med((r) => r.cpuMsPerRequest.load),
      },
      otherShare: med((r) => (r.cpu.otherS !== null && r.cpu.machineBusyS ? r.cpu.otherS / r.cpu.machineBusyS : null)),
    };
  });
}

/** The statement `listReports` sends for a case: EXPLAIN (ANALYZE, BUFFERS), then a tinybench loop. */
async function measureSql(
  options: OverdueQueueOptions,
  url: string,
  client: pg.Client,
  database: Database,
  actor: Actor,
  c: QueueCase,
): Promise<SqlResult> {
  const capture = openQueryCapture(url);
  try {
    const now = new Date();
    const captured = await captureQuery(capture, (db: Kysely<DB>) => listReports(db, actor, c.filter, now));
    const explain = await explainAnalyze(client, captured);
    const facts = planFacts(explain.plan.join('\n'), 'reports');
    const rows = Number(/actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(explain.plan[0] ?? '')?.[1] ?? Number.NaN);
    const bench = new Bench({ time: options.sqlTimeMs, iterations: 20, warmupTime: 250, warmupIterations: 3 });
    bench.add(c.name, async () => {
      await listReports(database.db, actor, c.filter, new Date());
    });
    await bench.run();
    const r = bench.tasks[0]!.result;
    if (r.state !== 'completed') throw new Error(`tinybench ${c.name}: ${r.state}`);
    log(
      `SQL ${c.name}: EXPLAIN ANALYZE ${ms(explain.executionMs)} ms (${facts.indexes.join(', ') || 'no index'}), ` +
        `tinybench mean ${ms(r.latency.mean)} ms, p99 ${ms(r.latency.p99)} ms`,
    );
    return {
      name: c.name,
      sql: captured.sql,
      parameters: JSON.stringify(captured.parameters),
      plan: explain.plan,
      executionMs: explain.executionMs,
      indexes: facts.indexes,
      seqScan: facts.seqScan,
      rows,
      tinybench: {
        samples: r.latency.samplesCount,
        meanMs: r.latency.mean,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
      },
    };
  } finally {
    await capture.close();
  }
}

function httpTable(rows: readonly HttpResult[]): string {
  return markdownTable(
    [
      'Scenario',
      'Request',
      'req/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'requests',
      'non-2xx',
      'errors',
      '× baseline',
      '(min–max)',
      'app CPU ms/req',
      'PG CPU ms/req',
      'other work',
    ],
    rows.map((h) => [
      h.name,
      `\`${h.request}\``,
      fmt(h.requestsPerSecond, 1),
      ms(h.latencyMs.p50),
      ms(h.latencyMs.p99),
      ms(h.latencyMs.max),
      fmt(h.requests),
      fmt(h.non2xx),
      fmt(h.errors),
      h.throughputVsBaseline === null ? '—' : ratio(h.throughputVsBaseline),
      h.throughputVsBaselineRange
        ? `${ratio(h.throughputVsBaselineRange[0])}–${ratio(h.throughputVsBaselineRange[1])}`
        : '—',
      h.cpuMsPerRequest.app === null ? '—' : ms(h.cpuMsPerRequest.app),
      h.cpuMsPerRequest.postgres === null ? '—' : ms(h.cpuMsPerRequest.postgres),
      h.otherShare === null ? '—' : `${fmt(h.otherShare * 100)} %`,
    ]),
  );
}

function sqlTable(rows: readonly SqlResult[]): string {
  return markdownTable(
    ['Query', 'EXPLAIN ANALYZE ms', 'tinybench mean ms', 'p50 ms', 'p99 ms', 'runs', 'indexes in the plan'],
    rows.map((s) => [
      s.name,
      ms(s.executionMs),
      ms(s.tinybench.meanMs),
      ms(s.tinybench.p50Ms),
      ms(s.tinybench.p99Ms),
      fmt(s.tinybench.samples),
      s.indexes.join(', ') || (s.seqScan ? 'Seq Scan' : '—'),
    ]),
  );
}

/** The Markdown report of a run. */
export function overdueQueueMarkdown(r: OverdueQueueResults): string {
  const s = r.postgres.settings;
  const l = r.load;
  const lines = [
    `### Overdue queue — ${fmt(l.reports)} reports`,
    '',
    `${r.meta.date.slice(0, 10)}, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel} (load average ${r.meta.loadAverageAtStart.join(' / ')} at start), Node ${r.meta.node}, ` +
      `PostgreSQL ${s.server_version ?? '?'} (${r.postgres.source}; shared_buffers ${s.shared_buffers}, fsync ${s.fsync}, synchronous_commit ${s.synchronous_commit}).`,
    '',
    `Load: COPY of ${fmt(l.reports)} reports in ${fmt(l.copyMs / 1000, 1)} s (${fmt(l.reportsPerSecond)} reports/s), then VACUUM ANALYZE + CHECKPOINT ` +
      `${fmt(l.analyzeMs / 1000, 1)} s; table ${fmt(l.tableBytes / 2 ** 20)} MiB, indexes ${fmt(l.indexBytes / 2 ** 20)} MiB. ` +
      `Province ${r.options.province}: **${fmt(l.counts.big)} reports**, ${fmt(l.counts.bigOpen)} open, **${fmt(l.counts.bigOverdue)} overdue** at load time.`,
    '',
    `HTTP: ${r.options.connections} connections, ${r.options.rounds} rounds of ${r.options.durationS} s per scenario between ${r.options.durationS} s baseline runs, ` +
      'as a report handler of the province (created through `POST /api/users` by the national admin); medians over the rounds.',
    '',
    httpTable(r.http),
    '',
    'The same requests at **one connection** (one handler alone; one round):',
    '',
    httpTable(r.httpOneConnection),
    '',
    'SQL (`listReports` of reports.handling.ts with the handler’s actor, one call at a time):',
    '',
    sqlTable(r.sql),
    '',
    markdownTable(
      [
        'Query',
        'held to the target',
        `HTTP p99 ms (${r.options.connections} conn.)`,
        'HTTP p99 ms (1 conn.)',
        'SQL p99 ms',
        `< ${TARGET_MS} ms`,
      ],
      r.targets.map((t) => [
        t.name,
        t.held ? 'yes (the issue’s)' : 'no (for comparison)',
        ms(t.httpP99Ms),
        ms(t.httpOneConnectionP99Ms),
        ms(t.sqlP99Ms),
        t.met ? '✓' : '✗',
      ]),
    ),
  ];
  if (r.profile) {
    const p = r.profile;
    const share = (v: number) => `${fmt((v / Math.max(1e-9, p.busyMs)) * 100, 1)} %`;
    lines.push(
      '',
      `CPU profile of the app during ${fmt(p.durationMs / 1000, 1)} s of the overdue queue at ${r.options.connections} connections (busy ${fmt(p.busyMs)} ms; self time):`,
      '',
      markdownTable(
        ['Code', 'self ms', 'share of busy'],
        p.byGroup
          .filter((g) => g.name !== '(idle)')
          .slice(0, 10)
          .map((g) => [g.name, fmt(g.ms), share(g.ms)]),
      ),
      '',
      markdownTable(
        ['Function', 'self ms', 'share of busy'],
        p.topFunctions.slice(0, 12).map((f) => [`\`${f.name}\``, fmt(f.ms), share(f.ms)]),
      ),
    );
  }
  for (const q of r.sql) lines.push('', `\`${q.name}\` — EXPLAIN (ANALYZE, BUFFERS):`, '', '```', ...q.plan, '```');
  for (const w of r.whatIf) {
    lines.push(
      '',
      `What-if for “${w.case}”: \`${w.ddl}\` (built in ${fmt(w.buildMs / 1000, 1)} s, ${fmt(w.indexBytes / 2 ** 20)} MiB; dropped after):`,
      '',
      sqlTable([w.sql]),
      '',
      httpTable(w.http),
      '',
      'At one connection:',
      '',
      httpTable(w.httpOneConnection),
      '',
      '```',
      ...w.sql.plan,
      '```',
    );
  }
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

/** CLI: runs, prints the report, sets a non-zero exit code on a failed check (not on a missed target). */
export async function main(argv: readonly string[]): Promise<OverdueQueueResults> {
  const { results, file } = await runOverdueQueue(parseOverdueQueueArgs(argv));
  console.log(overdueQueueMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
