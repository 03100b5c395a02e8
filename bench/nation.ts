/**
 * The national data set (issue 19, point 1): 10,000,000 people, 20,000,000 doses and 1,000,000
 * reports loaded with COPY into a PostgreSQL database that is kept for the scenarios measured at
 * that size (`bench/campaign.ts --reuse-db`, `bench/portal.ts --reuse-db`). Target: the whole load
 * in under 30 minutes on this 2-core machine.
 *
 * The app's own bootstrap makes the schema and the reference data (provinces, vaccines, the demo
 * units, facilities, users and lots); then, timed: the people (`syntheticPopulation`, secondary
 * indexes dropped and rebuilt), synthetic districts, communes and facilities in proportion to each
 * province's people, the doses (streamed from the people: 30 % three doses, 50 % two, 10 % one,
 * 10 % none; foreign keys and indexes added back and validated after the COPY) and the reports
 * (40 % in Hồ Chí Minh City, 70 % resolved, received over 21 days). Statistics' aggregates are not
 * built (`npm run stats:rebuild` does that; `bench/stats.ts` measures it).
 *
 *   node --conditions=source --import tsx bench/nation.ts [--people N] [--doses N] [--reports N]
 *
 * On a temporary server (no BENCH_DATABASE_URL) the server is left running with the database; the
 * last line prints how to reuse it and how to stop it. Writes bench/results/nation.{json,md}.
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { bootstrapBenchDatabase } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { loadDoses, loadFacilities } from './lib/load-doses.js';
import { loadPeople } from './lib/load-people.js';
import { loadReports } from './lib/load-reports.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE = 'node --conditions=source --import tsx bench/nation.ts [--people N] [--doses N] [--reports N]';
const spec = {
  people: { type: 'string' },
  doses: { type: 'string' },
  reports: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
const log = (m: string) => console.log(`[nation] ${m}`);

/** The issue's target for the whole load. */
const TARGET_S = 30 * 60;

export async function runNation(argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: spec, strict: true });
  const num = numberOption(USAGE);
  const people = num('people', values.people, 10_000_000, 1000);
  const doses = num('doses', values.doses, people * 2, 0);
  const reports = num('reports', values.reports, people / 10, 0);
  const meta = runMeta();
  const failures: string[] = [];
  const server = await startBenchServer(log);
  const database = await createBenchDatabase(server);
  log(`database ${database.name}`);
  await bootstrapBenchDatabase(database.url);

  const steps: { step: string; seconds: number; rows: number }[] = [];
  const started = performance.now();
  const step = async <T>(name: string, rows: (r: T) => number, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await run();
    const seconds = (performance.now() - t) / 1000;
    steps.push({ step: name, seconds, rows: rows(r) });
    log(`${name}: ${fmt(rows(r))} rows in ${fmt(seconds, 1)} s`);
    return r;
  };
  const peopleLoad = await step(
    'people',
    (r) => r.people,
    () => loadPeople(database.url, { count: people, indexes: 'rebuild', log }),
  );
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const facilities = await step(
    'units and facilities',
    (r) => r.districts + r.communes + r.facilities,
    () => loadFacilities(admin),
  );
  const doseLoad = await step(
    'doses',
    (r) => r.doses,
    () => loadDoses(database.url, { doses, facilities: facilities.byProvince, log }),
  );
  const reportLoad = await step(
    'reports',
    (r) => r.reports,
    () =>
      loadReports(
        database.url,
        { count: reports, bigProvince: '79', bigShare: 0.4, resolvedShare: 0.7, days: 21 },
        new Date(),
        log,
      ),
  );
  const totalS = (performance.now() - started) / 1000;
  const { rows: sizes } = await admin.query<{ db: string; people: string; doses: string; reports: string }>(
    `select pg_database_size(current_database())::text as db,
            (select count(*) from people)::text as people,
            (select count(*) from doses)::text as doses,
            (select count(*) from reports)::text as reports`,
  );
  const settings = await serverSettings(database.url);
  await admin.end();
  const counted = {
    people: Number(sizes[0]!.people),
    doses: Number(sizes[0]!.doses),
    reports: Number(sizes[0]!.reports),
  };
  if (counted.people !== people) failures.push(`people: ${counted.people}, asked ${people}`);
  if (counted.doses !== doses) failures.push(`doses: ${counted.doses}, asked ${doses}`);
  if (counted.reports !== reports) failures.push(`reports: ${counted.reports}, asked ${reports}`);
  if (totalS > TARGET_S) failures.push(`the load took ${fmt(totalS)} s (target < ${TARGET_S} s)`);

  const results = {
    meta,
    settings,
    database: database.name,
    adminUrl: server.source === 'temporary' ? server.adminUrl : '(external)',
    asked: { people, doses, reports },
    counted,
    databaseBytes: Number(sizes[0]!.db),
    totalS,
    steps,
    people: peopleLoad,
    facilities: { districts: facilities.districts, communes: facilities.communes, facilities: facilities.facilities },
    doses: doseLoad,
    reports: reportLoad,
  };
  const file = writeResults('nation', results);
  const md = [
    `Run ${meta.date}, ${meta.commit}${meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${meta.node}, ${meta.machine.cpus} CPUs, PostgreSQL ${settings.server_version}; database ${fmt(Number(sizes[0]!.db) / 2 ** 30, 1)} GiB.`,
    '',
    markdownTable(
      ['step', 'rows', 'seconds', 'rows/s'],
      [
        ...steps.map((s) => [s.step, fmt(s.rows), fmt(s.seconds, 1), fmt(s.rows / s.seconds)]),
        ['**all**', '', `**${fmt(totalS, 1)}**`, ''],
      ],
    ),
    '',
    `Doses by number: ${Object.entries(doseLoad.byDoseNumber)
      .map(([k, v]) => `${k}: ${fmt(v)}`)
      .join(
        ', ',
      )}; ${fmt(doseLoad.peopleWithout)} people without a dose. Target: the whole load < ${TARGET_S / 60} minutes (${totalS <= TARGET_S ? '✓' : '✗'}).`,
  ].join('\n');
  writeFileSync(file.replace(/\.json$/, '.md'), `${md}\n`);
  console.log(md);
  if (server.source === 'temporary')
    log(
      `kept: BENCH_DATABASE_URL=${server.adminUrl} … --reuse-db ${database.name}  ` +
        '(stop it with pg_ctl -D <its directory>/data stop, as the postgres user)',
    );
  reportOutcome(file, failures);
  return results;
}

export const main = runNation;
await runIfEntry(import.meta.url, main);
