/**
 * Benchmark: a campaign day's mixed load (issue 19) — 80 % portal look-ups
 * (`POST /api/portal/certificate-lookups`, each from its own client address behind TRUST_PROXY and
 * for one of 200,000 citizens, so that the per-address and per-phone limits are not what is
 * measured), 15 % doses (`POST /api/people/{id}/doses`, each a different person, its own
 * Idempotency-Key), 5 % staff reads (the report queue `GET /api/reports?limit=50` as a handler, a
 * person's record `GET /api/people/{id}` as site staff) — for D minutes on PostgreSQL, the app in
 * its own process. Measured per kind: requests, req/s, p50/p99, non-2xx and errors; the app's RSS
 * every 10 s (V8 lets garbage pile up between its major collections, so RSS is a sawtooth), and
 * every minute its memory right after a full collection — what it keeps: the growth of that, from
 * the end of the first minute to the end of the last, is the target (< 10 %), for the heap in use
 * and for RSS.
 *
 * The app runs as a PostgreSQL node would be configured: pool 20 and DATABASE_QUEUE_PUBLIC_MAX 64
 * (`--public-waiting`; the default 16 is sized for the embedded database's one connection, and sheds
 * look-ups that a pool of 20 serves within milliseconds).
 *
 *   node --conditions=source --import tsx bench/campaign.ts [--minutes M] [--workers N] [--people N] [--reuse-db NAME]
 *
 * `--reuse-db NAME` (with BENCH_DATABASE_URL naming its server) runs on a database `bench/nation.ts`
 * loaded — 10 M people with their doses and reports — instead of loading `--people` into a new one:
 * the look-ups are then for people on record (name, date of birth, sex and phone as registered, so
 * each one matches, claims an OTP and queues its SMS), doses go to people without one, and the
 * record reads are of people with doses.
 *
 * Writes bench/results/campaign.{json,md}; exits non-zero on any error or non-2xx answer.
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.js';
import { BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { rssMiB } from './lib/cpu.js';
import { loadPeople } from './lib/load-people.js';
import {
  citizensOnRecord,
  lookupBody,
  MIX_KINDS,
  type MixKind,
  type MixTargets,
  mixedRequest,
  send,
  tableSizes,
} from './lib/mixed-load.js';
import { benchDatabase, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE =
  'node --conditions=source --import tsx bench/campaign.ts [--minutes M] [--workers N] [--people N] [--reuse-db NAME] [--public-waiting N]';
/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const campaignOptionsSpec = {
  minutes: { type: 'string' },
  workers: { type: 'string' },
  people: { type: 'string' },
  'reuse-db': { type: 'string' },
  'public-waiting': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
const log = (m: string) => console.log(`[campaign] ${m}`);

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;

export async function runCampaign(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: campaignOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const minutes = num('minutes', values.minutes, 10, 1);
  const workers = num('workers', values.workers, 64, 1);
  const people = num('people', values.people, 200_000, 1000);
  const publicWaiting = num('public-waiting', values['public-waiting'], 64, 1);
  const meta = runMeta();
  const failures: string[] = [];
  const server = await startBenchServer(log);
  let app: Awaited<ReturnType<typeof startAppProcess>> | null = null;
  try {
    const reuse = values['reuse-db'];
    const database = await benchDatabase(server, reuse);
    if (!reuse) await loadPeople(database.url, { count: people, indexes: 'keep', log });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // The rate limits' counters of earlier runs on a reused database (their windows are up to an
    // hour): without this a phone looked up in three runs within the hour meets its limit (429).
    if (reuse) await client.query('delete from rate_counters');
    // Doses for verified people without one (each gets one: a dose number 1 for everybody).
    const ids = (
      await client.query<{ id: string }>(
        `select id from people p where verification_status = 'verified'
            and not exists (select 1 from doses d where d.person_id = p.id) order by id limit 400000`,
      )
    ).rows.map((r) => r.id);
    const sample = reuse ? await citizensOnRecord(client, 1, true) : [];
    const size = await tableSizes(client);
    await client.end();
    const lookups = reuse
      ? sample.map(lookupBody)
      : simulatorCitizens(200_000).map((c) =>
          JSON.stringify({ fullName: c.fullName, dateOfBirth: c.dateOfBirth, gender: c.gender, phone: c.phone }),
        );
    const records = reuse ? sample.map((p) => p.id) : ids;
    log(
      `${fmt(size.people)} people, ${fmt(size.doses)} doses, ${fmt(size.reports)} reports (estimates); ` +
        `${fmt(ids.length)} people to vaccinate, ${fmt(lookups.length)} look-ups`,
    );
    app = await startAppProcess({
      env: {
        DATABASE_URL: database.url,
        DATABASE_POOL_MAX: '20',
        DATABASE_QUEUE_PUBLIC_MAX: String(publicWaiting),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'true',
        RECHECK_INTERVAL_MS: '0',
        TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
        TIEMCHUNG_DEMO_DATA: 'true',
      },
    });
    const origin = app.origin;
    const targets: MixTargets = {
      origin,
      lookups,
      vaccinate: ids,
      records,
      site: `Bearer ${await signIn(origin, 'caolanh.tiem')}`,
      handler: `Bearer ${await signIn(origin, 'dongthap.phananh')}`,
      keyPrefix: `campaign-${Date.now()}`,
    };

    const latencies = new Map<MixKind, number[]>(MIX_KINDS.map((k) => [k, []]));
    const statuses = new Map<MixKind, Map<number, number>>(MIX_KINDS.map((k) => [k, new Map()]));
    let n = 0;
    let doses = 0;
    const rss: { atS: number; mib: number }[] = [];
    const kept: { atS: number; heapUsedMiB: number; rssMiB: number }[] = [];
    const MiB = 2 ** 20;
    const t0 = performance.now();
    const endAt = t0 + minutes * 60_000;
    const one = async (): Promise<void> => {
      const request = mixedRequest(targets, n++, () => doses++);
      const started = performance.now();
      const status = await send(request, 30_000);
      latencies.get(request.kind)!.push(performance.now() - started);
      const counts = statuses.get(request.kind)!;
      counts.set(status, (counts.get(status) ?? 0) + 1);
    };
    const sampler = setInterval(() => {
      if (app) rss.push({ atS: (performance.now() - t0) / 1000, mib: rssMiB(app.pid) });
    }, 10_000);
    const afterGc = async () => {
      const usage = await app!.memoryAfterGc();
      kept.push({ atS: (performance.now() - t0) / 1000, heapUsedMiB: usage.heapUsed / MiB, rssMiB: usage.rss / MiB });
    };
    const gcSampler = setInterval(() => void afterGc(), 60_000);
    const progress = setInterval(() => log(`${fmt((performance.now() - t0) / 1000)} s: ${fmt(n)} requests`), 60_000);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < endAt) await one();
      }),
    );
    clearInterval(sampler);
    clearInterval(gcSampler);
    await afterGc();
    clearInterval(progress);
    const seconds = (performance.now() - t0) / 1000;
    if (doses > ids.length)
      failures.push(`${fmt(doses - ids.length)} doses asked for past the people without one (read instead)`);

    const rows = MIX_KINDS.map((kind) => {
      const l = [...latencies.get(kind)!].sort((a, b) => a - b);
      const counts = statuses.get(kind)!;
      const ok = [...counts].filter(([s]) => s >= 200 && s < 300).reduce((a, [, c]) => a + c, 0);
      const errors = counts.get(0) ?? 0;
      const non2xx = l.length - ok - errors;
      if (errors || non2xx)
        failures.push(`${kind}: ${non2xx} non-2xx (${JSON.stringify([...counts])}), ${errors} errors`);
      return {
        kind,
        requests: l.length,
        perSecond: l.length / seconds,
        p50: quantile(l, 0.5),
        p99: quantile(l, 0.99),
        non2xx,
        errors,
        statuses: Object.fromEntries(counts),
      };
    });
    // What the app keeps: after a full collection at the end of the first minute and at the end.
    const first = kept[0]!;
    const last = kept.at(-1)!;
    const heapGrowth = last.heapUsedMiB / first.heapUsedMiB - 1;
    const rssGrowth = last.rssMiB / first.rssMiB - 1;
    for (const [what, growth, a, b] of [
      ['heap in use', heapGrowth, first.heapUsedMiB, last.heapUsedMiB],
      ['RSS', rssGrowth, first.rssMiB, last.rssMiB],
    ] as const)
      if (!(growth < 0.1))
        failures.push(
          `the app's ${what} after a full collection grew ${fmt(growth * 100, 1)} % (${fmt(a)} → ${fmt(b)} MiB)`,
        );
    const rssSampled = rss.map((s) => s.mib);
    const results = {
      meta,
      minutes,
      workers,
      data: { people: size.people, doses: size.doses, reports: size.reports, reused: !!reuse },
      seconds,
      rows,
      publicWaiting,
      rss,
      afterGc: kept,
      memory: {
        heapUsedMiB: [first.heapUsedMiB, last.heapUsedMiB],
        rssAfterGcMiB: [first.rssMiB, last.rssMiB],
        heapGrowth,
        rssGrowth,
        rssSampledMiB: [Math.min(...rssSampled), Math.max(...rssSampled)],
      },
    };
    const file = writeResults('campaign', results);
    const total = rows.reduce((a, r) => a + r.requests, 0);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; ${fmt(seconds / 60, 1)} minutes, ${workers} concurrent clients, PostgreSQL with ${fmt(size.people)} people, ${fmt(size.doses)} doses and ${fmt(size.reports)} reports${reuse ? ' (the national data set)' : ''}.`,
      '',
      markdownTable(
        ['kind', 'requests', 'share', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
        rows.map((r) => [
          r.kind,
          fmt(r.requests),
          `${fmt((r.requests / total) * 100, 1)} %`,
          fmt(r.perSecond, 1),
          fmt(r.p50, 1),
          fmt(r.p99, 1),
          fmt(r.non2xx),
          fmt(r.errors),
        ]),
      ),
      '',
      `All: ${fmt(total)} requests, ${fmt(total / seconds)} req/s. The app after a full collection, end of minute 1 → end: heap in use ${fmt(first.heapUsedMiB)} → ${fmt(last.heapUsedMiB)} MiB (${heapGrowth >= 0 ? '+' : ''}${fmt(heapGrowth * 100, 1)} %), RSS ${fmt(first.rssMiB)} → ${fmt(last.rssMiB)} MiB (${rssGrowth >= 0 ? '+' : ''}${fmt(rssGrowth * 100, 1)} %) (target < 10 %); RSS sampled every 10 s between ${fmt(Math.min(...rssSampled))} and ${fmt(Math.max(...rssSampled))} MiB. Public waiting places ${publicWaiting}.`,
    ].join('\n');
    writeFileSync(file.replace(/\.json$/, '.md'), `${md}\n`);
    console.log(md);
    reportOutcome(file, failures);
    await app.close();
    app = null;
    await database.drop();
    return results;
  } finally {
    await app?.close();
    await server.stop();
  }
}

export const main = runCampaign;
await runIfEntry(import.meta.url, main);
