/**
 * Benchmark: the citizens' portal on PostgreSQL (issue 19) — `POST /api/portal/certificate-lookups`
 * (look-up start) against a same-run `GET /api/health`, and the OTP step
 * (`POST /api/portal/certificate-lookups/{id}/verify`, which answers the signed certificate).
 *
 * Targets: look-up start ≥ 0.5 × the health rate at the same number of connections, with p99 below
 * the deliberate answer time (`LOOKUP_MIN_RESPONSE_MS` plus up to `LOOKUP_JITTER_MS` at random, the
 * same for a match and a mismatch) + 50 ms.
 *
 * Data: `--reuse-db NAME` (with BENCH_DATABASE_URL naming its server) runs on the national data set
 * `bench/nation.ts` loaded; otherwise `--people N` are loaded into a new database with doses. The
 * look-ups are for people on record with a dose (name, date of birth, sex and phone as registered,
 * so each one matches, claims an OTP and queues its SMS), each from its own client address behind
 * TRUST_PROXY so the per-address limits are not what is measured. Rounds of health, look-ups,
 * health …: each look-up run is compared with the mean of the health runs around it. The OTP step:
 * `--verify N` look-ups started one by one (not timed), their codes read from the SMS outbox in the
 * database, then verified at `--connections` clients at once (each code once; the first verify of a
 * person signs their certificate).
 *
 *   node --conditions=source --import tsx bench/portal.ts [--reuse-db NAME | --people N] [--connections C] [--duration S] [--rounds R] [--verify N]
 *
 * The connection queue's settings (DATABASE_QUEUE_MAX, DATABASE_QUEUE_PUBLIC_MAX, …) are passed to
 * the app from the environment.
 *
 * Writes bench/results/portal.{json,md}; exits non-zero on a non-2xx answer or an error.
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { LOOKUP_JITTER_MS, LOOKUP_MIN_RESPONSE_MS } from '../apps/server/src/modules/portal/portal.service.js';
import { type AppProcess, BENCH_MASTER_KEY, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type CpuSnapshot, type CpuTargets, cpuSnapshot, cpuUse, postmasterPid } from './lib/cpu.js';
import { type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import { loadPeopleWithDoses } from './lib/load-doses.js';
import { citizensOnRecord, lookupBody, tableSizes } from './lib/mixed-load.js';
import { benchDatabase, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE =
  'node --conditions=source --import tsx bench/portal.ts [--reuse-db NAME | --people N] [--connections C] [--duration S] [--rounds R] [--verify N]';
/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const portalOptionsSpec = {
  'reuse-db': { type: 'string' },
  people: { type: 'string' },
  connections: { type: 'string' },
  duration: { type: 'string' },
  rounds: { type: 'string' },
  verify: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
const log = (m: string) => console.log(`[portal] ${m}`);

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;

export async function runPortal(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: portalOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const connections = num('connections', values.connections, 128, 1);
  const durationS = num('duration', values.duration, 8, 1);
  const rounds = num('rounds', values.rounds, 3, 1);
  const verifyCount = num('verify', values.verify, 2000, 0);
  const people = num('people', values.people, 100_000, 1000);
  const reuse = values['reuse-db'];
  const meta = runMeta();
  const failures: string[] = [];
  const server = await startBenchServer(log);
  let app: AppProcess | null = null;
  try {
    const database = await benchDatabase(server, reuse);
    const env = {
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '20',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      RECHECK_INTERVAL_MS: '0',
      TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
      TIEMCHUNG_DEMO_DATA: 'true',
      // The connection queue's limits, when given (e.g. DATABASE_QUEUE_PUBLIC_MAX for many clients).
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DATABASE_QUEUE_'))),
    };
    if (!reuse) {
      await (await startAppProcess({ env })).close();
      await loadPeopleWithDoses(database.url, people, log);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const sample = await citizensOnRecord(client, reuse ? 2 : 100, true);
    const size = await tableSizes(client);
    const pmPid = await postmasterPid(client);
    log(`${fmt(size.people)} people, ${fmt(size.doses)} doses; ${fmt(sample.length)} sampled`);
    if (sample.length < verifyCount * 2) throw new Error(`only ${sample.length} people sampled`);
    // The first half of the sample for the load, the second for the OTP step (no limit shared).
    const loadBodies = sample.slice(0, sample.length - verifyCount).map(lookupBody);
    const verifyPeople = sample.slice(sample.length - verifyCount);

    app = await startAppProcess({ env });
    const origin = app.origin;
    const targets: CpuTargets = { appPid: app.pid, postmasterPid: pmPid };
    // CPU per answered request, of the app and of PostgreSQL, over the measured part of a run.
    let cpuStart: CpuSnapshot = cpuSnapshot(targets);
    let cpuEnd: CpuSnapshot = cpuStart;
    const hooks = {
      onMeasureStart: () => {
        cpuStart = cpuSnapshot(targets);
      },
      onMeasureEnd: () => {
        cpuEnd = cpuSnapshot(targets);
      },
    };
    const perRequest = (o: HttpLoadOutcome) => {
      const use = cpuUse(cpuStart, cpuEnd);
      const per = (s: number | null) => (s === null || !o.requests ? null : (s * 1000) / o.requests);
      return { appMs: per(use.appS), postgresMs: per(use.postgresS) };
    };
    const health = (warmupS: number) =>
      runHttpLoad(
        { origin, headers: {}, connections, durationS, warmupS, timeoutS: 30, paths: ['/api/health'] },
        hooks,
      );
    let next = 1;
    const lookups = async (warmupS: number) => {
      const r = await runHttpLoad(
        {
          origin,
          headers: {},
          connections,
          durationS,
          warmupS,
          timeoutS: 30,
          sequence: {
            method: 'POST',
            pathTemplate: '/api/portal/certificate-lookups',
            bodyTemplate: '{item}',
            headerTemplates: { 'x-forwarded-for': '{ip}' },
            start: next,
            items: loadBodies,
            cycle: true,
          },
        },
        hooks,
      );
      next += r.sequence?.used ?? 0;
      return r;
    };
    const runs: {
      kind: 'health' | 'look-up start';
      outcome: HttpLoadOutcome;
      cpu: { appMs: number | null; postgresMs: number | null };
    }[] = [];
    const add = (kind: 'health' | 'look-up start', outcome: HttpLoadOutcome) => {
      const cpu = perRequest(outcome);
      runs.push({ kind, outcome, cpu });
      log(
        `${kind}: ${fmt(outcome.requestsPerSecond)} req/s, p50 ${fmt(outcome.latencyMs.p50)} ms, p99 ${fmt(outcome.latencyMs.p99)} ms, ` +
          `CPU ms/req app ${fmt(cpu.appMs ?? Number.NaN, 2)} + PostgreSQL ${fmt(cpu.postgresMs ?? Number.NaN, 2)}, ` +
          `non-2xx ${outcome.non2xx}, errors ${outcome.errors}`,
      );
      if (outcome.non2xx || outcome.errors)
        failures.push(
          `${kind}: ${outcome.non2xx} non-2xx ${JSON.stringify(outcome.statusCodes)}, ${outcome.errors} errors`,
        );
    };
    add('health', await health(2));
    for (let r = 0; r < rounds; r++) {
      add('look-up start', await lookups(r === 0 ? 3 : 0));
      add('health', await health(0));
    }
    const pairs = runs.flatMap((run, i) =>
      run.kind === 'look-up start'
        ? [
            {
              lookups: run.outcome,
              ratio:
                run.outcome.requestsPerSecond /
                ((runs[i - 1]!.outcome.requestsPerSecond + runs[i + 1]!.outcome.requestsPerSecond) / 2),
            },
          ]
        : [],
    );
    const ratios = pairs.map((p) => p.ratio).sort((a, b) => a - b);
    const ratio = quantile(ratios, 0.5);
    const p99s = pairs.map((p) => p.lookups.latencyMs.p99).sort((a, b) => a - b);
    const p99 = quantile(p99s, 0.5);
    // The deliberate answer time is LOOKUP_MIN_RESPONSE_MS plus up to LOOKUP_JITTER_MS; the target
    // allows 50 ms of work above it.
    const p99Limit = LOOKUP_MIN_RESPONSE_MS + LOOKUP_JITTER_MS + 50;
    if (!(ratio >= 0.5)) failures.push(`look-up start ${fmt(ratio, 2)} × health (target ≥ 0.5)`);
    if (!(p99 < p99Limit)) failures.push(`look-up start p99 ${fmt(p99)} ms (target < ${p99Limit} ms)`);

    // The OTP step.
    const started: { lookupId: string; phone: string }[] = [];
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (cursor < verifyPeople.length) {
          const p = verifyPeople[cursor++]!;
          const res = await fetch(`${origin}/api/portal/certificate-lookups`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.200.${cursor >> 8}.${cursor & 255}` },
            body: lookupBody(p),
          });
          const answer = (await res.json()) as { lookupId?: string };
          if (res.status !== 202 || !answer.lookupId) throw new Error(`look-up answered ${res.status}`);
          started.push({ lookupId: answer.lookupId, phone: p.phone });
        }
      }),
    );
    const { rows: messages } = await client.query<{ to_phone: string; text: string }>(
      `select distinct on (to_phone) to_phone, text from sms_messages
        where kind = 'lookup_otp' and to_phone = any($1) order by to_phone, id desc`,
      [started.map((s) => s.phone)],
    );
    await client.end();
    const otpOf = new Map(messages.map((m) => [m.to_phone, /\b(\d{6})\b/.exec(m.text)?.[1] ?? '']));
    const verifyLatencies: number[] = [];
    const verifyStatuses = new Map<number, number>();
    let v = 0;
    const verifyStart = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(connections, 32) }, async () => {
        while (v < started.length) {
          const s = started[v++]!;
          const t = performance.now();
          const res = await fetch(`${origin}/api/portal/certificate-lookups/${s.lookupId}/verify`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-forwarded-for': `10.201.${(v >> 8) & 255}.${v & 255}`,
            },
            body: JSON.stringify({ otp: otpOf.get(s.phone) ?? '' }),
          });
          await res.arrayBuffer();
          verifyLatencies.push(performance.now() - t);
          verifyStatuses.set(res.status, (verifyStatuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    verifyLatencies.sort((a, b) => a - b);
    const verifyOk = verifyStatuses.get(200) ?? 0;
    if (verifyOk !== started.length)
      failures.push(`verify: ${verifyOk} of ${started.length} answered 200 (${JSON.stringify([...verifyStatuses])})`);
    const verify = {
      count: started.length,
      clients: Math.min(connections, 32),
      perSecond: started.length / verifySeconds,
      p50: quantile(verifyLatencies, 0.5),
      p99: quantile(verifyLatencies, 0.99),
      statuses: Object.fromEntries(verifyStatuses),
    };

    const results = {
      meta,
      data: { people: size.people, doses: size.doses, reused: !!reuse },
      connections,
      durationS,
      runs,
      ratio,
      ratios,
      lookupP99: p99,
      p99Limit,
      verify,
    };
    const file = writeResults('portal', results);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; PostgreSQL with ${fmt(results.data.people)} people and ${fmt(results.data.doses)} doses; ${connections} connections, ${durationS} s runs.`,
      '',
      markdownTable(
        ['run', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'CPU ms/req: app + PostgreSQL'],
        runs.map((r) => [
          r.kind,
          fmt(r.outcome.requestsPerSecond),
          fmt(r.outcome.latencyMs.p50),
          fmt(r.outcome.latencyMs.p99),
          fmt(r.outcome.latencyMs.max),
          fmt(r.outcome.non2xx),
          fmt(r.outcome.errors),
          `${fmt(r.cpu.appMs ?? Number.NaN, 2)} + ${fmt(r.cpu.postgresMs ?? Number.NaN, 2)}`,
        ]),
      ),
      '',
      `Look-up start ÷ the health runs around it: ${ratios.map((r) => fmt(r, 3)).join(', ')} (median **${fmt(ratio, 3)}**, target ≥ 0.5 ${ratio >= 0.5 ? '✓' : '✗'}); p99 median ${fmt(p99)} ms (target < ${p99Limit} ms ${p99 < p99Limit ? '✓' : '✗'}).`,
      `OTP step: ${fmt(verify.count)} verifications at ${verify.clients} clients, ${fmt(verify.perSecond)}/s, p50 ${fmt(verify.p50)} ms, p99 ${fmt(verify.p99)} ms (${JSON.stringify(verify.statuses)}).`,
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

export const main = runPortal;
await runIfEntry(import.meta.url, main);
