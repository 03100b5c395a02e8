/**
 * Benchmark: a person's certificate through HTTP (issue 19) — `GET /api/people/{id}/certificate`
 * (JSON), `GET /api/people/{id}/certificate.pdf` (A4) and `?layout=card`, against a same-run
 * `GET /api/health`, on PostgreSQL. Each request reads the person (its read audited), the person's
 * doses and current certificate, in one unit of work; the PDF's are then rendered. The people
 * (`--certified N`, with doses) have their certificates issued before measuring, so the runs measure
 * reading and printing, not signing.
 *
 * Data: `--reuse-db NAME` (with BENCH_DATABASE_URL naming its server; the national data set of
 * `bench/nation.ts`) or `--people N` loaded into a new database with their doses.
 *
 *   node --conditions=source --import tsx bench/certificate-routes.ts [--reuse-db NAME | --people N] [--connections C] [--duration S] [--rounds R] [--certified N]
 *
 * Writes bench/results/certificate-routes.{json,md}; exits non-zero on a non-2xx answer or an error.
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { type AppProcess, BENCH_MASTER_KEY, signIn, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { type HttpLoadOutcome, runHttpLoad } from './lib/http-load.js';
import { loadPeopleWithDoses } from './lib/load-doses.js';
import { tableSizes } from './lib/mixed-load.js';
import { benchDatabase, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE =
  'node --conditions=source --import tsx bench/certificate-routes.ts [--reuse-db NAME | --people N] [--connections C] [--duration S] [--rounds R] [--certified N]';
/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const certificateRoutesOptionsSpec = {
  'reuse-db': { type: 'string' },
  people: { type: 'string' },
  connections: { type: 'string' },
  duration: { type: 'string' },
  rounds: { type: 'string' },
  certified: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
const log = (m: string) => console.log(`[certificate-routes] ${m}`);

/** The target for A4 PDFs (in PDFs a second, with p99 under 100 ms). */
const PDF_TARGET = { perSecond: 250, p99Ms: 100 } as const;

type Kind = 'health' | 'certificate JSON' | 'PDF A4' | 'PDF card';

export async function runCertificateRoutes(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: certificateRoutesOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const connections = num('connections', values.connections, 32, 1);
  const durationS = num('duration', values.duration, 8, 1);
  const rounds = num('rounds', values.rounds, 3, 1);
  const certified = num('certified', values.certified, 1000, 10);
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
      RECHECK_INTERVAL_MS: '0',
      TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
      TIEMCHUNG_DEMO_DATA: 'true',
    };
    if (!reuse) {
      await (await startAppProcess({ env })).close();
      await loadPeopleWithDoses(database.url, people, log);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const ids = (
      await client.query<{ id: string }>(
        `select p.id from people p tablesample system (${reuse ? 0.1 : 10})
          where exists (select 1 from doses d where d.person_id = p.id and d.duplicate_of is null)
          limit $1`,
        [certified],
      )
    ).rows.map((r) => r.id);
    const size = await tableSizes(client);
    await client.end();
    log(`${fmt(size.people)} people, ${fmt(size.doses)} doses; ${fmt(ids.length)} people with doses`);

    app = await startAppProcess({ env });
    const origin = app.origin;
    const authorization = `Bearer ${await signIn(origin, 'admin')}`;
    // Issue each certificate once (signing), so that the runs read and print.
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < ids.length) {
          const res = await fetch(`${origin}/api/people/${ids[next++]}/certificate`, { headers: { authorization } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`issuing a certificate: ${res.status}`);
        }
      }),
    );
    const paths: Record<Kind, string[]> = {
      health: ['/api/health'],
      'certificate JSON': ids.map((id) => `/api/people/${id}/certificate`),
      'PDF A4': ids.map((id) => `/api/people/${id}/certificate.pdf`),
      'PDF card': ids.map((id) => `/api/people/${id}/certificate.pdf?layout=card`),
    };
    const run = (kind: Kind, warmupS: number) =>
      runHttpLoad({
        origin,
        headers: kind === 'health' ? {} : { authorization },
        connections,
        durationS,
        warmupS,
        timeoutS: 30,
        paths: paths[kind],
      });
    const runs: { kind: Kind; round: number; outcome: HttpLoadOutcome }[] = [];
    for (let round = 1; round <= rounds; round++)
      for (const kind of ['health', 'certificate JSON', 'PDF A4', 'PDF card'] as const) {
        const outcome = await run(kind, round === 1 ? 2 : 0);
        runs.push({ kind, round, outcome });
        log(
          `round ${round} ${kind}: ${fmt(outcome.requestsPerSecond)} req/s, p50 ${fmt(outcome.latencyMs.p50)} ms, ` +
            `p99 ${fmt(outcome.latencyMs.p99)} ms, non-2xx ${outcome.non2xx}, errors ${outcome.errors}`,
        );
        if (outcome.non2xx || outcome.errors)
          failures.push(
            `${kind}: ${outcome.non2xx} non-2xx ${JSON.stringify(outcome.statusCodes)}, ${outcome.errors} errors`,
          );
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows = (['health', 'certificate JSON', 'PDF A4', 'PDF card'] as const).map((kind) => {
      const mine = runs.filter((r) => r.kind === kind);
      // Each run against the health run of its round.
      const ratios = mine.map(
        (r) =>
          r.outcome.requestsPerSecond /
          runs.find((h) => h.kind === 'health' && h.round === r.round)!.outcome.requestsPerSecond,
      );
      return {
        kind,
        perSecond: median(mine.map((r) => r.outcome.requestsPerSecond)),
        p50: median(mine.map((r) => r.outcome.latencyMs.p50)),
        p99: median(mine.map((r) => r.outcome.latencyMs.p99)),
        ratio: median(ratios),
      };
    });
    const a4 = rows.find((r) => r.kind === 'PDF A4')!;
    const a4Met = a4.perSecond >= PDF_TARGET.perSecond && a4.p99 < PDF_TARGET.p99Ms;
    const results = {
      meta,
      data: { people: size.people, doses: size.doses, reused: !!reuse, certified: ids.length },
      connections,
      durationS,
      runs,
      rows,
      pdfTarget: { ...PDF_TARGET, met: a4Met },
    };
    const file = writeResults('certificate-routes', results);
    const md = [
      `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs; PostgreSQL with ${fmt(size.people)} people and ${fmt(size.doses)} doses; ${connections} connections, ${rounds} rounds of ${durationS} s; ${fmt(ids.length)} people's certificates.`,
      '',
      markdownTable(
        ['request', 'req/s (median)', 'p50 ms', 'p99 ms', '× health'],
        rows.map((r) => [r.kind, fmt(r.perSecond), fmt(r.p50), fmt(r.p99), fmt(r.ratio, 3)]),
      ),
      '',
      `A4 PDFs through HTTP: ${fmt(a4.perSecond)}/s, p99 ${fmt(a4.p99)} ms (target ≥ ${PDF_TARGET.perSecond}/s with p99 < ${PDF_TARGET.p99Ms} ms: ${a4Met ? '✓' : '✗'}).`,
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

export const main = runCertificateRoutes;
await runIfEntry(import.meta.url, main);
