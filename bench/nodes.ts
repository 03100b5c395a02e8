/**
 * Benchmark: one API process against two behind HAProxy (issue 19, "stateless API nodes"). The
 * nodes keep no state of their own that matters: sessions, rate-limit counters, one-time codes and
 * job leases are rows in PostgreSQL; what a node caches (sessions, lots, facilities: seconds) is
 * dropped on change there and expires within its TTL elsewhere — checked here too: a session ended
 * on one node is refused by the other within the session cache's 10 s.
 *
 * The request: `GET /api/people/{id}/certificate` as site staff — the desk's certificate view: the
 * record's read (audited: an INSERT), its doses, the current certificate — over N people with two
 * doses each, round robin, C connections. Rounds alternate: one app directly (no proxy), HAProxy →
 * one app, HAProxy → two apps; the same PostgreSQL (a temporary server, or BENCH_DATABASE_URL) on
 * the same 2-core machine as the apps and the load.
 *
 *   node --conditions=source --import tsx bench/nodes.ts [--people N] [--seconds S] [--rounds R] [--connections C]
 *
 * Needs HAProxy (`apt-get install haproxy`). Writes bench/results/nodes.{json,md}; exits non-zero
 * on a failed request or when the ended session still works after 12 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { DOSE } from './dose-recording.js';
import { type AppProcess, BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import { loadPeople } from './lib/load-people.js';
import { createBenchDatabase, freePort, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE =
  'node --conditions=source --import tsx bench/nodes.ts [--people N] [--seconds S] [--rounds R] [--connections C]';
const spec = {
  people: { type: 'string' },
  seconds: { type: 'string' },
  rounds: { type: 'string' },
  connections: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const log = (m: string) => console.log(`[nodes] ${m}`);

/** HAProxy in front of `ports`, listening on `port`; stopped by the returned function. */
async function startHaproxy(dir: string, port: number, ports: readonly number[]): Promise<() => Promise<void>> {
  const cfg = path.join(dir, `haproxy-${port}.cfg`);
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option http-keep-alive',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend nodes',
      'backend nodes',
      '  balance roundrobin',
      '  option httpchk GET /api/health',
      ...ports.map((p, i) => `  server n${i} 127.0.0.1:${p} check inter 1s`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

export async function runNodes(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true });
  const num = numberOption(USAGE);
  const people = num('people', values.people, 2000, 10);
  const seconds = num('seconds', values.seconds, 10, 1);
  const rounds = num('rounds', values.rounds, 2, 1);
  const connections = num('connections', values.connections, 32, 1);
  const meta = runMeta();
  const failures: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-nodes-'));
  const server = await startBenchServer(log);
  const apps: AppProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const database = await createBenchDatabase(server);
    await loadPeople(database.url, { count: people, indexes: 'keep', log });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const ids = (
      await admin.query<{ id: string }>("select id from people where verification_status = 'verified' order by id")
    ).rows.map((r) => r.id);
    await admin.end();
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '16',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      RECHECK_INTERVAL_MS: '0',
      REPORT_ESCALATION_INTERVAL_MS: '0',
      PASSPORT_REFRESH_INTERVAL_MS: '0',
      // One master key for both nodes (they sign with the same keys).
      TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
      TIEMCHUNG_DEMO_DATA: 'true',
    };
    apps.push(await startAppProcess({ env }));
    apps.push(await startAppProcess({ env }));
    const [a, b] = apps as [AppProcess, AppProcess];
    const token = await signIn(a.origin, 'caolanh.tiem');
    const headers = { authorization: `Bearer ${token}` };
    // Two doses each, then each certificate once (issued on its first read).
    log(`recording two doses for ${fmt(ids.length)} people and issuing their certificates`);
    for (const [i, id] of ids.entries()) {
      for (const [k, administeredOn] of ['2021-10-01', '2021-10-29'].entries()) {
        const res = await fetch(`${(i % 2 ? b : a).origin}/api/people/${id}/doses`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `nodes-${i}-${k}` },
          body: JSON.stringify({ ...DOSE, administeredOn }),
        });
        if (res.status !== 201) throw new Error(`dose: ${res.status} ${await res.text()}`);
      }
      const cert = await fetch(`${a.origin}/api/people/${id}/certificate`, { headers });
      if (cert.status !== 200) throw new Error(`certificate: ${cert.status}`);
    }
    const one = await freePort();
    const two = await freePort();
    stops.push(await startHaproxy(dir, one, [new URL(a.origin).port].map(Number)));
    stops.push(
      await startHaproxy(
        dir,
        two,
        [a.origin, b.origin].map((o) => Number(new URL(o).port)),
      ),
    );
    const paths = ids.map((id) => `/api/people/${id}/certificate`);
    const setups = [
      { name: 'one process, direct', origin: a.origin },
      { name: 'HAProxy → one process', origin: `http://127.0.0.1:${one}` },
      { name: 'HAProxy → two processes', origin: `http://127.0.0.1:${two}` },
    ];
    const runs: { name: string; round: number; out: HttpLoadOutcome }[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const s of setups) {
        const out = await runHttpLoad({
          origin: s.origin,
          paths,
          headers,
          connections,
          durationS: seconds,
          warmupS: 2,
          timeoutS: 10,
        });
        runs.push({ name: s.name, round, out });
        log(
          `round ${round}, ${s.name}: ${fmt(out.requestsPerSecond)} req/s, p50 ${fmt(out.latencyMs.p50, 1)} ms, p99 ${fmt(out.latencyMs.p99, 1)} ms, non-2xx ${out.non2xx}, errors ${out.errors}`,
        );
        if (out.non2xx || out.errors) failures.push(`${s.name}: ${out.non2xx} non-2xx, ${out.errors} errors`);
      }
    }

    // A session ended on node b stops working on node a within the session cache's TTL.
    const other = await signIn(b.origin, 'caolanh.tiem');
    const probe = () => fetch(`${a.origin}/api/auth/me`, { headers: { authorization: `Bearer ${other}` } });
    if ((await probe()).status !== 200) failures.push('a session from node b does not work on node a');
    const out = await fetch(`${b.origin}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}` },
    });
    if (out.status >= 300) failures.push(`logout on node b: ${out.status}`);
    const ended = performance.now();
    let refusedAfter: number | null = null;
    while (performance.now() - ended < 12_000) {
      if ((await probe()).status === 401) {
        refusedAfter = (performance.now() - ended) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    log(
      `a session ended on node b: refused on node a after ${refusedAfter === null ? '> 12' : fmt(refusedAfter, 1)} s`,
    );
    if (refusedAfter === null) failures.push('a session ended on one node still worked on the other after 12 s');

    const median = (name: string, pick: (o: HttpLoadOutcome) => number) => {
      const xs = runs
        .filter((r) => r.name === name)
        .map((r) => pick(r.out))
        .sort((x, y) => x - y);
      return xs[Math.floor(xs.length / 2)]!;
    };
    const rows = setups.map((s) => ({
      name: s.name,
      requestsPerSecond: median(s.name, (o) => o.requestsPerSecond),
      p50: median(s.name, (o) => o.latencyMs.p50),
      p99: median(s.name, (o) => o.latencyMs.p99),
    }));
    const ratio = rows[2]!.requestsPerSecond / rows[1]!.requestsPerSecond;
    const results = {
      meta,
      people: ids.length,
      seconds,
      rounds,
      connections,
      rows,
      twoOverOne: ratio,
      refusedAfter,
      runs,
    };
    const file = writeResults('nodes', results);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; GET /api/people/{id}/certificate over ${fmt(ids.length)} people, ${connections} connections, ${rounds} rounds of ${seconds} s per set-up (median).`,
      '',
      markdownTable(
        ['set-up', 'req/s', 'p50 ms', 'p99 ms'],
        rows.map((r) => [r.name, fmt(r.requestsPerSecond), fmt(r.p50, 1), fmt(r.p99, 1)]),
      ),
      '',
      `Two processes ÷ one, both behind HAProxy: ${fmt(ratio, 2)}. A session ended on one node was refused by the other after ${refusedAfter === null ? 'more than 12' : fmt(refusedAfter, 1)} s.`,
    ].join('\n');
    writeFileSync(file.replace(/\.json$/, '.md'), `${md}\n`);
    console.log(md);
    reportOutcome(file, failures);
    await database.drop();
    return results;
  } finally {
    for (const stop of stops) await stop();
    for (const app of apps) await app.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const main = runNodes;
await runIfEntry(import.meta.url, main);
