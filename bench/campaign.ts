/**
 * Benchmark: a campaign day's mixed load (issue 19) — 80 % portal look-ups
 * (`POST /api/portal/certificate-lookups`, each from its own client address behind TRUST_PROXY and
 * for one of 200,000 citizens, so that the per-address and per-phone limits are not what is
 * measured), 15 % doses (`POST /api/people/{id}/doses`, each a different person, its own
 * Idempotency-Key), 5 % staff reads (the report queue `GET /api/reports?limit=50` as a handler, a
 * person's record `GET /api/people/{id}` as site staff) — for D minutes on PostgreSQL, the app in
 * its own process. Measured per kind: requests, req/s, p50/p99, non-2xx and errors; the app's RSS
 * every 10 s, its growth from the first minute's median to the last minute's (target < 10 %).
 *
 *   node --conditions=source --import tsx bench/campaign.ts [--minutes M] [--workers N] [--people N]
 *
 * Writes bench/results/campaign.{json,md}; exits non-zero on any error or non-2xx answer.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { simulatorCitizens } from '../apps/server/src/modules/registry/registry.simulator.js';
import { DOSE } from './dose-recording.js';
import { signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { rssMiB } from './lib/cpu.js';
import { loadPeople } from './lib/load-people.js';
import { createBenchDatabase, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE = 'node --conditions=source --import tsx bench/campaign.ts [--minutes M] [--workers N] [--people N]';
const spec = {
  minutes: { type: 'string' },
  workers: { type: 'string' },
  people: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
const log = (m: string) => console.log(`[campaign] ${m}`);

type Kind = 'look-up' | 'dose' | 'report queue' | 'person record';
const KINDS: readonly Kind[] = ['look-up', 'dose', 'report queue', 'person record'];

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
const median = (xs: readonly number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

export async function runCampaign(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true });
  const num = numberOption(USAGE);
  const minutes = num('minutes', values.minutes, 10, 1);
  const workers = num('workers', values.workers, 32, 1);
  const people = num('people', values.people, 200_000, 1000);
  const meta = runMeta();
  const failures: string[] = [];
  const server = await startBenchServer(log);
  let app: Awaited<ReturnType<typeof startAppProcess>> | null = null;
  try {
    const database = await createBenchDatabase(server);
    await loadPeople(database.url, { count: people, indexes: 'keep', log });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const ids = (
      await client.query<{ id: string }>("select id from people where verification_status = 'verified' order by id")
    ).rows.map((r) => r.id);
    await client.end();
    const lookups = simulatorCitizens(200_000).map((c) =>
      JSON.stringify({ fullName: c.fullName, dateOfBirth: c.dateOfBirth, gender: c.gender, phone: c.phone }),
    );
    app = await startAppProcess({
      env: {
        DATABASE_URL: database.url,
        DATABASE_POOL_MAX: '20',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: 'true',
        RECHECK_INTERVAL_MS: '0',
        TIEMCHUNG_MASTER_KEY: randomBytes(32).toString('base64'),
        TIEMCHUNG_DEMO_DATA: 'true',
      },
    });
    const origin = app.origin;
    const site = { authorization: `Bearer ${await signIn(origin, 'caolanh.tiem')}` };
    const handler = { authorization: `Bearer ${await signIn(origin, 'dongthap.phananh')}` };

    const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const statuses = new Map<Kind, Map<number, number>>(KINDS.map((k) => [k, new Map()]));
    let n = 0;
    let doses = 0;
    const rss: { atS: number; mib: number }[] = [];
    const t0 = performance.now();
    const endAt = t0 + minutes * 60_000;
    const one = async (): Promise<void> => {
      const i = n++;
      const r = (i * 0.618033988749895) % 1; // an even spread of kinds in a fixed order
      const kind: Kind = r < 0.8 ? 'look-up' : r < 0.95 ? 'dose' : r < 0.975 ? 'report queue' : 'person record';
      let url: string;
      let init: RequestInit;
      if (kind === 'look-up') {
        url = `${origin}/api/portal/certificate-lookups`;
        init = {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: lookups[i % lookups.length]!,
        };
      } else if (kind === 'dose') {
        const d = doses++;
        url = `${origin}/api/people/${ids[d % ids.length]}/doses`;
        init = {
          method: 'POST',
          headers: { ...site, 'content-type': 'application/json', 'idempotency-key': `campaign-${d}` },
          body: JSON.stringify(DOSE),
        };
      } else if (kind === 'report queue') {
        url = `${origin}/api/reports?limit=50`;
        init = { headers: handler };
      } else {
        url = `${origin}/api/people/${ids[(i * 7919) % ids.length]}`;
        init = { headers: site };
      }
      const started = performance.now();
      let status = 0;
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      latencies.get(kind)!.push(performance.now() - started);
      const counts = statuses.get(kind)!;
      counts.set(status, (counts.get(status) ?? 0) + 1);
    };
    const sampler = setInterval(() => {
      if (app) rss.push({ atS: (performance.now() - t0) / 1000, mib: rssMiB(app.pid) });
    }, 10_000);
    const progress = setInterval(() => log(`${fmt((performance.now() - t0) / 1000)} s: ${fmt(n)} requests`), 60_000);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < endAt) await one();
      }),
    );
    clearInterval(sampler);
    clearInterval(progress);
    const seconds = (performance.now() - t0) / 1000;
    if (doses > ids.length) failures.push('more doses than people: a person got a second dose');

    const rows = KINDS.map((kind) => {
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
    const first = median(rss.filter((s) => s.atS <= 60).map((s) => s.mib));
    const last = median(rss.filter((s) => s.atS >= seconds - 60).map((s) => s.mib));
    const growth = last / first - 1;
    if (!(growth < 0.1))
      failures.push(
        `the app's memory grew ${fmt(growth * 100, 1)} % (first minute ${fmt(first)} MiB, last ${fmt(last)} MiB)`,
      );
    const results = {
      meta,
      minutes,
      workers,
      people: ids.length,
      seconds,
      rows,
      rss,
      memory: { firstMiB: first, lastMiB: last, growth },
    };
    const file = writeResults('campaign', results);
    const total = rows.reduce((a, r) => a + r.requests, 0);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; ${fmt(seconds / 60, 1)} minutes, ${workers} concurrent clients, ${fmt(ids.length)} people, PostgreSQL.`,
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
      `All: ${fmt(total)} requests, ${fmt(total / seconds)} req/s. The app's RSS: ${fmt(first)} MiB (first minute's median) → ${fmt(last)} MiB (last minute's): ${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} % (target < 10 %).`,
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
