/**
 * Benchmark and test of the highly available cluster (issue 19): `bench/cluster/cluster.sh` starts
 * etcd, two PostgreSQL nodes under Patroni (a primary and a synchronous replica), HAProxy and
 * PgBouncer — real engines from Debian's packages. The app runs against it with DATABASE_URL
 * (writes, through PgBouncer and HAProxy to the primary) and DATABASE_READ_URL (the statistics
 * routes, to the replica). Then:
 *
 * 1. reads go to the replica: the replica's committed transactions grow by at least the number of
 *    statistics requests made (and the primary answers `pg_is_in_recovery() = false`);
 * 2. under a campaign day's mixed load (`lib/mixed-load.ts`: 80 % portal look-ups, 15 % dose
 *    recordings — each a different person, its own Idempotency-Key —, 5 % staff reads), the
 *    primary node dies: its Patroni and its PostgreSQL are killed with SIGKILL (a lost machine —
 *    Patroni alive would only restart PostgreSQL in place). Patroni promotes the replica once the
 *    dead primary's leader key expires (ttl 10 s); HAProxy and PgBouncer send new connections to it;
 *    the app's pool replaces its broken connections;
 * 3. measured: seconds from the kill to the first dose (and the first look-up) accepted again, the
 *    requests refused meanwhile, by kind;
 * 4. checked: every dose acknowledged (201) before or after the kill is on the new primary
 *    (synchronous replication: none lost), each with its audit entry.
 *
 *   npm run cluster:down; node --conditions=source --import tsx bench/failover.ts [--people N]
 *     [--before S] [--after S] [--workers N] [--keep-cluster]
 *
 * Needs root or the `postgres` user and `apt-get install patroni etcd-server pgbouncer haproxy`.
 * Writes bench/results/failover.{json,md}; exits non-zero when an acknowledged dose is missing,
 * reads did not reach the replica, or doses were not accepted again within 60 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../apps/server/src/db/database.js';
import { migrateToLatest } from '../apps/server/src/db/migrate.js';
import { BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { loadPeople } from './lib/load-people.js';
import { citizensOnRecord, lookupBody, type MixKind, type MixTargets, mixedRequest, send } from './lib/mixed-load.js';
import { fmt, markdownTable, REPO_ROOT, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE =
  'node --conditions=source --import tsx bench/failover.ts [--people N] [--before S] [--after S] [--workers N] [--keep-cluster]';
const CLUSTER = path.join(REPO_ROOT, 'bench', 'cluster', 'cluster.sh');
const CLUSTER_DIR = process.env.CLUSTER_DIR ?? '/tmp/tiemchung-cluster';
const WRITE_URL = 'postgres://postgres@127.0.0.1:6432/tiemchung';
/** The app's read pool names itself, so that each server can say whose connections it holds. */
const READ_URL = 'postgres://postgres@127.0.0.1:6432/tiemchung_ro?application_name=tiemchung-read';
const NODES = [
  { name: 'pg0', pgPort: 5441, apiPort: 8011 },
  { name: 'pg1', pgPort: 5442, apiPort: 8012 },
] as const;

const spec = {
  people: { type: 'string' },
  before: { type: 'string' },
  after: { type: 'string' },
  workers: { type: 'string' },
  'keep-cluster': { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const log = (m: string) => console.log(`[failover] ${m}`);

async function role(apiPort: number): Promise<'primary' | 'replica' | 'down'> {
  for (const r of ['primary', 'replica'] as const) {
    try {
      const res = await fetch(`http://127.0.0.1:${apiPort}/${r}`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return r;
    } catch {
      return 'down';
    }
  }
  return 'down';
}

/** The app's read-pool connections a server holds now (through PgBouncer, which passes the name on). */
async function readConnections(port: number): Promise<number> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>(
      "select count(*)::text as n from pg_stat_activity where application_name = 'tiemchung-read'",
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

interface Attempt {
  readonly kind: MixKind;
  /** When the request was sent and when its answer came, ms from the start of the load. */
  readonly sent: number;
  readonly at: number;
  readonly status: number;
}

export async function runFailover(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true });
  const num = numberOption(USAGE);
  const people = num('people', values.people, 200_000, 1000);
  const beforeS = num('before', values.before, 15, 1);
  const afterS = num('after', values.after, 45, 5);
  const workers = num('workers', values.workers, 64, 1);
  const meta = runMeta();
  const failures: string[] = [];

  if (existsSync(path.join(CLUSTER_DIR, '.tiemchung-cluster')))
    throw new Error('a cluster is up: npm run cluster:down');
  log('starting the cluster (etcd, 2 × Patroni/PostgreSQL, HAProxy, PgBouncer)');
  const upStarted = performance.now();
  execFileSync('bash', [CLUSTER, 'up'], { stdio: 'inherit' });
  const upSeconds = (performance.now() - upStarted) / 1000;
  let app: Awaited<ReturnType<typeof startAppProcess>> | null = null;
  try {
    const database = await openDatabase({ kind: 'postgres', url: WRITE_URL, poolMax: 2 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
    const load = await loadPeople(WRITE_URL, { count: people, indexes: 'keep', log });
    log(`loaded ${fmt(load.people)} people through PgBouncer → HAProxy → the primary`);
    const admin = new pg.Client({ connectionString: WRITE_URL });
    await admin.connect();
    const ids = (
      await admin.query<{ id: string }>("select id from people where verification_status = 'verified' order by id")
    ).rows.map((r) => r.id);
    // People on record (no doses yet on this database): every look-up matches.
    const lookups = (await citizensOnRecord(admin, 100, false)).map(lookupBody);
    const primaryInRecovery = (await admin.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r;
    await admin.end();

    app = await startAppProcess({
      env: {
        DATABASE_URL: WRITE_URL,
        DATABASE_READ_URL: READ_URL,
        DATABASE_POOL_MAX: String(Math.min(workers, 32)),
        NODE_ENV: 'test',
        TRUST_PROXY: 'true',
        // As a PostgreSQL node is configured (docs/operations.md, "Overload"; the campaign benchmark).
        DATABASE_QUEUE_PUBLIC_MAX: '64',
        LOG_LEVEL: 'error',
        RECHECK_INTERVAL_MS: '0',
        REPORT_ESCALATION_INTERVAL_MS: '0',
        PASSPORT_REFRESH_INTERVAL_MS: '0',
        TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
        TIEMCHUNG_DEMO_DATA: 'true',
      },
    });
    const origin = app.origin;
    const siteToken = await signIn(origin, 'caolanh.tiem');
    const adminToken = await signIn(origin, 'admin');

    // 1. Reads through the replica.
    const roles = await Promise.all(NODES.map((n) => role(n.apiPort)));
    const primary = NODES[roles.indexOf('primary')];
    const replica = NODES[roles.indexOf('replica')];
    if (!primary || !replica) throw new Error(`expected a primary and a replica, found ${roles.join(', ')}`);
    const STATS_REQUESTS = 40;
    for (let i = 0; i < STATS_REQUESTS; i++) {
      const res = await fetch(`${origin}/api/stats/summary`, { headers: { authorization: `Bearer ${adminToken}` } });
      if (res.status !== 200) failures.push(`GET /api/stats/summary: ${res.status}`);
    }
    const readsOnReplica = await readConnections(replica.pgPort);
    const readsOnPrimary = await readConnections(primary.pgPort);
    log(
      `${STATS_REQUESTS} statistics requests: the read pool's connections are on the replica ${replica.name} (${readsOnReplica}), on the primary (${readsOnPrimary})`,
    );
    if (readsOnReplica < 1 || readsOnPrimary > 0) failures.push('reads did not go to the replica');
    if (primaryInRecovery) failures.push('DATABASE_URL reached a server in recovery');

    // 2. The mixed load, and the primary node killed in the middle of it.
    const targets: MixTargets = {
      origin,
      lookups,
      vaccinate: ids,
      records: ids,
      site: `Bearer ${siteToken}`,
      handler: `Bearer ${await signIn(origin, 'dongthap.phananh')}`,
      keyPrefix: 'failover',
    };
    const attempts: Attempt[] = [];
    const acknowledged: number[] = [];
    let next = 0;
    let doses = 0;
    let stop = false;
    const t0 = performance.now();
    const worker = async () => {
      while (!stop) {
        const request = mixedRequest(targets, next++, () => doses++);
        const sent = performance.now() - t0;
        const status = await send(request, 15_000);
        attempts.push({ kind: request.kind, sent, at: performance.now() - t0, status });
        if (request.dose !== undefined && status === 201) acknowledged.push(request.dose);
        if (status < 200 || status >= 300) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const running = Array.from({ length: workers }, worker);
    await new Promise((r) => setTimeout(r, beforeS * 1000));
    const killAt = performance.now() - t0;
    const patroniPid = Number(readFileSync(path.join(CLUSTER_DIR, `${primary.name}.patroni.pid`), 'utf8').trim());
    const postmasterPid = Number(
      readFileSync(path.join(CLUSTER_DIR, primary.name, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    process.kill(patroniPid, 'SIGKILL');
    process.kill(postmasterPid, 'SIGKILL');
    log(
      `killed the primary ${primary.name} (Patroni ${patroniPid}, PostgreSQL ${postmasterPid}) at ${fmt(killAt / 1000, 1)} s`,
    );
    let promotedAt: number | null = null;
    const watch = (async () => {
      while (!stop && promotedAt === null) {
        if ((await role(replica.apiPort)) === 'primary') promotedAt = performance.now() - t0;
        else await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await new Promise((r) => setTimeout(r, afterS * 1000));
    stop = true;
    await Promise.all([...running, watch]);
    const endAt = performance.now() - t0;

    const outage = (kind: MixKind, ok: number) => {
      const after = attempts.filter((a) => a.kind === kind && a.at >= killAt);
      // The outage starts with the first request refused after the kill (those in flight may still
      // have been answered by the dying primary's last commits — a look-up answers 250–300 ms after
      // its commit) and ends with the first request *sent* after that refusal and accepted.
      const firstRefused = after.filter((a) => a.status !== ok).sort((a, b) => a.at - b.at)[0];
      const firstOkAfter = firstRefused
        ? after.filter((a) => a.status === ok && a.sent > firstRefused.at).sort((a, b) => a.at - b.at)[0]
        : undefined;
      return {
        resumeSeconds: firstRefused ? (firstOkAfter ? (firstOkAfter.at - killAt) / 1000 : null) : 0,
        refused: after.filter((a) => a.status !== ok && (!firstOkAfter || a.sent < firstOkAfter.sent)).length,
        failedAfterResume: firstOkAfter ? after.filter((a) => a.sent > firstOkAfter.sent && a.status !== ok).length : 0,
        statuses: [...new Set(after.filter((a) => a.status !== ok).map((a) => a.status))].sort(),
        firstOkAfter,
      };
    };
    const doseOutage = outage('dose', 201);
    const lookupOutage = outage('look-up', 202);
    const { resumeSeconds, refused, failedAfterResume, statuses, firstOkAfter } = doseOutage;
    const rate = (kind: MixKind, from: number, to: number, ok: number) =>
      attempts.filter((a) => a.kind === kind && a.at >= from && a.at < to && a.status === ok).length /
      ((to - from) / 1000);
    const requestsBefore = attempts.filter((a) => a.at < killAt).length;
    const refusedBeforeList = attempts.filter((a) => a.at < killAt && (a.status < 200 || a.status >= 300));
    const refusedBefore = refusedBeforeList.length;
    const refusedBeforeBy = [...new Set(refusedBeforeList.map((a) => `${a.kind} ${a.status}`))];
    log(
      `doses accepted again ${resumeSeconds === null ? 'never' : `${fmt(resumeSeconds, 1)} s`} after the kill, look-ups ` +
        `${lookupOutage.resumeSeconds === null ? 'never' : `${fmt(lookupOutage.resumeSeconds, 1)} s`} ` +
        `(replica promoted after ${promotedAt === null ? '—' : fmt((promotedAt - killAt) / 1000, 1)} s); ${refused} doses and ${lookupOutage.refused} look-ups refused meanwhile`,
    );
    if (refusedBefore)
      failures.push(
        `${refusedBefore} of ${requestsBefore} requests refused before the kill (${refusedBeforeBy.join(', ')})`,
      );
    if (lookupOutage.resumeSeconds === null || lookupOutage.resumeSeconds > 60)
      failures.push('look-ups were not accepted again within 60 s');
    if (resumeSeconds === null || resumeSeconds > 60) failures.push('doses were not accepted again within 60 s');

    // 4. Every acknowledged dose on the new primary.
    const check = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${replica.pgPort}/postgres` });
    await check.connect();
    const keys = acknowledged.map((n) => `${targets.keyPrefix}-${n}`);
    const found = Number(
      (
        await check.query<{ n: string }>(
          `select count(*)::text as n from dose_keys k join doses d on d.id = k.dose_id
            where k.idempotency_key = any($1::text[])`,
          [keys],
        )
      ).rows[0]?.n,
    );
    const withoutAudit = Number(
      (
        await check.query<{ n: string }>(
          `select count(*)::text as n from dose_keys k join doses d on d.id = k.dose_id
            where k.idempotency_key = any($1::text[])
             and not exists (select 1 from audit_log a where a.entity_type = 'dose' and a.entity_id = d.id)`,
          [keys],
        )
      ).rows[0]?.n,
    );
    const newPrimaryInRecovery = (await check.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]!.r;
    await check.end();
    log(`${fmt(found)} of ${fmt(keys.length)} acknowledged doses on the new primary ${replica.name}`);
    if (found !== keys.length) failures.push(`${keys.length - found} acknowledged doses missing on the new primary`);
    if (withoutAudit) failures.push(`${withoutAudit} doses without their audit entry`);
    if (newPrimaryInRecovery) failures.push('the replica was not promoted');

    const results = {
      meta,
      people,
      workers,
      clusterUpSeconds: upSeconds,
      reads: { statsRequests: STATS_REQUESTS, readsOnReplica, readsOnPrimary, replica: replica.name },
      killedPrimary: primary.name,
      killAtSeconds: killAt / 1000,
      promotedAfterSeconds: promotedAt === null ? null : (promotedAt - killAt) / 1000,
      resumeSeconds,
      refusedDuringFailover: refused,
      refusedStatuses: statuses,
      failedAfterResume,
      requestsBefore,
      refusedBefore,
      lookups: {
        resumeSeconds: lookupOutage.resumeSeconds,
        refused: lookupOutage.refused,
        statuses: lookupOutage.statuses,
        failedAfterResume: lookupOutage.failedAfterResume,
        perSecondBefore: rate('look-up', 0, killAt, 202),
      },
      dosesPerSecondBefore: rate('dose', 0, killAt, 201),
      dosesPerSecondAfterResume: firstOkAfter ? rate('dose', firstOkAfter.at, endAt, 201) : 0,
      acknowledged: keys.length,
      acknowledgedFound: found,
      withoutAudit,
    };
    const file = writeResults('failover', results);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; ${fmt(people)} people, ${workers} concurrent clients of the mixed load (80 % look-ups, 15 % doses, 5 % staff reads), the primary killed after ${beforeS} s, ${afterS} s more.`,
      '',
      markdownTable(
        ['measure', 'value'],
        [
          ['cluster up (etcd, 2 × Patroni, HAProxy, PgBouncer)', `${fmt(upSeconds, 1)} s`],
          [
            `read-pool connections after ${STATS_REQUESTS} statistics requests: replica / primary`,
            `${readsOnReplica} / ${readsOnPrimary}`,
          ],
          ['requests before the kill (refused)', `${fmt(requestsBefore)} (${fmt(refusedBefore)})`],
          [
            'look-ups/s and doses/s before the kill',
            `${fmt(results.lookups.perSecondBefore)} and ${fmt(results.dosesPerSecondBefore)}`,
          ],
          [
            'replica promoted after',
            results.promotedAfterSeconds === null ? '—' : `${fmt(results.promotedAfterSeconds, 1)} s`,
          ],
          ['doses accepted again after', resumeSeconds === null ? 'never' : `**${fmt(resumeSeconds, 1)} s**`],
          ['dose requests refused until then (statuses)', `${fmt(refused)} (${statuses.join(', ') || '—'})`],
          ['dose requests failed after that', fmt(failedAfterResume)],
          [
            'look-ups accepted again after',
            lookupOutage.resumeSeconds === null ? 'never' : `**${fmt(lookupOutage.resumeSeconds, 1)} s**`,
          ],
          [
            'look-ups refused until then (statuses); failed after',
            `${fmt(lookupOutage.refused)} (${lookupOutage.statuses.join(', ') || '—'}); ${fmt(lookupOutage.failedAfterResume)}`,
          ],
          ['doses/s after', fmt(results.dosesPerSecondAfterResume)],
          ['acknowledged doses found on the new primary', `**${fmt(found)} of ${fmt(keys.length)}**`],
          ['… without their audit entry', fmt(withoutAudit)],
        ],
      ),
    ].join('\n');
    writeFileSync(file.replace(/\.json$/, '.md'), `${md}\n`);
    console.log(md);
    reportOutcome(file, failures);
    return results;
  } finally {
    await app?.close();
    if (!values['keep-cluster']) execFileSync('bash', [CLUSTER, 'down'], { stdio: 'inherit' });
  }
}

export const main = runFailover;
await runIfEntry(import.meta.url, main);
