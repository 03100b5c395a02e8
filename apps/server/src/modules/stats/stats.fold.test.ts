import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { MIGRATIONS } from '../../db/migrate.js';
import { unitOfWork } from '../../db/transaction.js';
import { buildPersonIn, createPersonVia, otherCccd } from '../../test/factories.js';
import { createUnmigratedDatabase, foldStatsNow, latch, untilBlockedOnLock, useTestApp } from '../../test/harness.js';
import { foldPeople, type StatsSources } from './stats.fold.js';
import { drainStats, foldStats } from './stats.job.js';
import { markPeopleForStats } from './stats.marks.js';
import { verifyStats } from './stats.verify.js';

/**
 * The fold under concurrency and failure (issue 15, "consistency"): a change that commits while a
 * fold works on the same person is counted by the next fold; a fold that fails leaves the marks
 * and the aggregates as they were; records already there when the statistics migration runs are
 * counted; two folds at once count what one would.
 */

const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });
const onPostgres = t.app.dbKind === 'postgres';
const PFIZER = { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' };

async function recordDose(personId: string, administeredOn: string, facilityId = 'DT-CL-01') {
  return t.call('POST', `/api/people/${personId}/doses`, {
    as: 'admin',
    headers: { 'idempotency-key': randomUUID() },
    body: { ...PFIZER, administeredOn, facilityId },
  });
}

/** The people marked and not yet counted. */
async function marked(): Promise<string[]> {
  return (await t.db.selectFrom('stats_dirty').select('person_id').execute()).map((r) => r.person_id);
}

/** What the aggregates and images hold now, row by row (to show a failed fold changed nothing). */
async function snapshot(): Promise<string> {
  const tables = [
    'stats_dose_facts',
    'stats_dose_totals',
    'stats_dose_days',
    'stats_people_totals',
    'stats_person_image',
    'stats_dose_image',
  ];
  const out: unknown[] = [];
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.db);
    out.push(rows.rows.map((r) => JSON.stringify(r)).sort());
  }
  return JSON.stringify(out);
}

/** The doses the aggregates count for one person (from their dose images' facts) — via verify's view of the nation. */
async function nationDoses(): Promise<number> {
  const r = await t.db
    .selectFrom('stats_dose_totals')
    .select((eb) => eb.fn.sum<number>('n').as('n'))
    .where('level', '=', 'nation')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

async function countedDoses(): Promise<number> {
  const r = await t.db
    .selectFrom('doses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('duplicate_of', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function expectConsistent() {
  await foldStatsNow(t);
  expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
  expect(await nationDoses()).toBe(await countedDoses());
}

/** Sources whose reading of these people waits for the test (the fold has claimed their marks then). */
function pausingSources(personIds: readonly string[]) {
  const reading = latch();
  const proceed = latch();
  const sources: StatsSources = {
    ...statsSources,
    async people(db, ids) {
      if (ids.some((id) => personIds.includes(id))) {
        reading.release();
        await proceed.done;
      }
      return statsSources.people(db, ids);
    },
  };
  return { sources, reading: reading.done, proceed: proceed.release };
}

/** On PostgreSQL: waits until `n` statements of this database wait on a lock (5 s at most); their number. */
async function waitingOnLocks(n: number): Promise<number> {
  let found = 0;
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
    found = rows[0]!.n;
    if (found >= n) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return found;
}

describe('a change while a fold works on the same person', () => {
  it(`a dose committed while a fold holds the person's mark is counted by the next fold${onPostgres ? '' : ' (PGlite, one connection: the dose waits for the fold’s transaction instead of its lock — the same order of commits)'}`, async () => {
    const p = await createPersonVia(t, buildPersonIn('87'));
    expect((await recordDose(p.id, '2021-09-01')).status).toBe(201);
    await expectConsistent();
    expect((await recordDose(p.id, '2021-10-01')).status).toBe(201);
    expect(await marked()).toContain(p.id);

    const pause = pausingSources([p.id]);
    const fold = foldStats(t.db, pause.sources);
    await pause.reading;
    // The fold has claimed (deleted, locked) the mark and not read the doses yet: a dose comes now.
    // A booster three months after the second dose (the clock is 10 January 2022).
    const third = recordDose(p.id, '2022-01-05');
    let waiting = -1;
    try {
      await untilBlockedOnLock(t);
      // On PostgreSQL the new dose's mark waits for the fold's claim of the same row.
      if (onPostgres) waiting = await waitingOnLocks(1);
    } finally {
      pause.proceed();
    }
    await fold;
    if (onPostgres) expect(waiting).toBeGreaterThanOrEqual(1);
    expect((await third).status).toBe(201);
    // The fold read the person without the third dose; the dose's mark came back after it.
    expect(await marked()).toContain(p.id);
    await expectConsistent();
    const images = await t.db
      .selectFrom('stats_dose_image')
      .select('dose_number')
      .where('person_id', '=', p.id)
      .execute();
    expect(images.map((d) => d.dose_number).sort()).toEqual([1, 2, 3]);
  });

  it.skipIf(!onPostgres)(
    'a mark held by a writer not yet committed is skipped by the fold (not waited for), and counted after the writer commits (PostgreSQL only: PGlite has one connection, no fold runs beside an open writer)',
    async () => {
      const p = await createPersonVia(t, buildPersonIn('87'));
      expect((await recordDose(p.id, '2021-09-01')).status).toBe(201);
      await expectConsistent();
      const inWriter = latch();
      const commit = latch();
      const writer = unitOfWork(t.db, async (trx) => {
        await markPeopleForStats(trx, [p.id]);
        await sql`update people set gender = case when gender = 'male' then 'female' else 'male' end where id = ${p.id}`.execute(
          trx,
        );
        inWriter.release();
        await commit.done;
      });
      await inWriter.done;
      // The fold does not wait for the writer's row and does not count the person.
      const folded = await foldStats(t.db, statsSources).finally(() => commit.release());
      await writer;
      expect(folded).toBe(0);
      expect(await marked()).toContain(p.id);
      await expectConsistent();
      const image = await t.db
        .selectFrom('stats_person_image')
        .select('sex')
        .where('person_id', '=', p.id)
        .executeTakeFirstOrThrow();
      expect(image.sex).toBe(p.gender === 'male' ? 'female' : 'male');
    },
  );
});

describe('a fold that fails', () => {
  it('rolls back: the marks stay and the aggregates are as they were; the next fold counts everything', async () => {
    const p = await createPersonVia(t, buildPersonIn('87'));
    await expectConsistent();
    expect((await recordDose(p.id, '2021-09-01')).status).toBe(201);
    expect((await recordDose(p.id, '2021-10-01', 'DT-SD-01')).status).toBe(201);
    const before = await snapshot();
    expect(await marked()).toContain(p.id);

    // Failing while reading the records.
    const broken: StatsSources = {
      ...statsSources,
      async doses() {
        throw new Error('the doses could not be read');
      },
    };
    await expect(foldStats(t.db, broken)).rejects.toThrow('the doses could not be read');
    expect(await marked()).toContain(p.id);
    expect(await snapshot()).toBe(before);

    // Failing after the deltas and images were written, before the commit.
    await expect(
      unitOfWork(t.db, async (trx) => {
        expect(await foldPeople(trx, statsSources)).toBeGreaterThanOrEqual(1);
        throw new Error('the node stopped before the commit');
      }),
    ).rejects.toThrow('the node stopped before the commit');
    expect(await marked()).toContain(p.id);
    expect(await snapshot()).toBe(before);

    await expectConsistent();
    expect(await snapshot()).not.toBe(before);
    expect(await marked()).not.toContain(p.id);
  });
});

describe('records already there when the statistics migration runs', () => {
  it('are marked by the migration and, once the fold drained, the aggregates equal the recount', async () => {
    // Records made through the API on the test database (people, doses, a merge with a duplicate dose, reports)…
    const aBody = buildPersonIn('87', { districtCode: '866', communeCode: '29866' });
    const a = await createPersonVia(t, aBody);
    const b = await createPersonVia(t, buildPersonIn('01'), 'hanoi.tiem');
    expect((await recordDose(a.id, '2021-09-01')).status).toBe(201);
    expect((await recordDose(b.id, '2021-09-15', 'HN-BD-01')).status).toBe(201);
    const twin = await createPersonVia(t, { ...aBody, idNumber: otherCccd(aBody.idNumber) });
    expect((await recordDose(twin.id, '2021-09-01')).status).toBe(201);
    expect((await recordDose(twin.id, '2021-10-01', 'DT-SD-01')).status).toBe(201);
    const merged = await t.call('POST', `/api/people/${a.id}/merge`, {
      as: 'admin',
      body: { duplicateId: twin.id, reason: 'Hai hồ sơ của một người' },
    });
    expect(merged.status).toBe(200);
    const r = await t.call('POST', '/api/portal/reports', {
      ip: '10.66.0.1',
      body: {
        category: 'missing_dose',
        fullName: a.fullName,
        dateOfBirth: a.dateOfBirth,
        gender: a.gender,
        phone: a.phone,
        idNumber: a.idNumber,
        description: 'Chưa thấy mũi 2',
      },
    });
    expect(r.status).toBe(201);

    // …copied into a database that has every migration before the statistics one.
    const fresh = await createUnmigratedDatabase();
    try {
      const names = Object.keys(MIGRATIONS);
      const statsMigration = names.findIndex((n) => n.endsWith('_stats'));
      await fresh.to(names[statsMigration - 1]!);
      const copied: Record<string, number> = {};
      await fresh.db.transaction().execute(async (trx) => {
        // A copy of whole tables: their references hold in the source, so the checks are off for it.
        await sql`set local session_replication_role = replica`.execute(trx);
        for (const table of [
          'admin_units',
          'admin_unit_mappings',
          'facilities',
          // What a dose references: a later migration (0023) re-creates the doses' foreign keys,
          // which check the rows copied here.
          'vaccines',
          'lots',
          'vaccination_sessions',
          'people',
          'doses',
          'registrations',
          'reports',
        ]) {
          const { rows: cols } = await sql<{ column_name: string }>`
            select column_name from information_schema.columns
            where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
            order by ordinal_position`.execute(trx);
          const columns = cols.map((c) => c.column_name);
          expect(columns.length, table).toBeGreaterThan(0);
          const { rows } = await sql<Record<string, unknown>>`
            select ${sql.join(columns.map((c) => sql.id(c)))} from ${sql.table(table)}`.execute(t.db);
          for (let i = 0; i < rows.length; i += 500) {
            const chunk = rows.slice(i, i + 500);
            await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
              select ${sql.join(columns.map((c) => sql`r.${sql.id(c)}`))}
              from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::jsonb) r
              on conflict do nothing`.execute(trx);
          }
          copied[table] = rows.length;
        }
      });
      expect(copied.people).toBeGreaterThanOrEqual(3);
      expect(copied.doses).toBeGreaterThanOrEqual(2);
      expect(copied.reports).toBeGreaterThanOrEqual(1);

      await fresh.to(names[names.length - 1]!);
      const db = fresh.db;
      const dirty = await db
        .selectFrom('stats_dirty')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const dirtyReports = await db
        .selectFrom('stats_dirty_reports')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(dirty.n)).toBe(copied.people);
      expect(Number(dirtyReports.n)).toBe(copied.reports);
      // Nothing counted yet: the verification sees every record as a difference.
      expect((await verifyStats(db, statsSources)).differences.length).toBeGreaterThan(0);

      expect(await drainStats(db, statsSources)).toBe(copied.people! + copied.reports!);
      const check = await verifyStats(db, statsSources);
      expect(check.differences).toEqual([]);
      expect(check.people).toBe(copied.people);
      expect(check.reports).toBe(copied.reports);
      const people = await db
        .selectFrom('stats_people_totals')
        .select((eb) => eb.fn.sum<number>('n').as('n'))
        .where('level', '=', 'nation')
        .executeTakeFirstOrThrow();
      const living = await db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('merged_into', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(people.n)).toBe(Number(living.n));
      const doses = await db
        .selectFrom('stats_dose_totals')
        .select((eb) => eb.fn.sum<number>('n').as('n'))
        .where('level', '=', 'nation')
        .executeTakeFirstOrThrow();
      const counted = await db
        .selectFrom('doses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('duplicate_of', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(doses.n)).toBe(Number(counted.n));
    } finally {
      await fresh.drop();
    }
  });
});

describe('two folds at once', () => {
  /** A citizen with two records, each with doses (one the same on both): merged, one dose is a duplicate. */
  async function twinsWithDoses() {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) });
    expect((await recordDose(a.id, '2021-08-01')).status).toBe(201);
    expect((await recordDose(b.id, '2021-08-01')).status).toBe(201);
    expect((await recordDose(b.id, '2021-09-01', 'DT-SD-01')).status).toBe(201);
    return { a, b };
  }

  const merge = (survivor: string, other: string) =>
    t.call('POST', `/api/people/${survivor}/merge`, {
      as: 'admin',
      body: { duplicateId: other, reason: 'Hai hồ sơ của một người' },
    });

  it.skipIf(!onPostgres)(
    'the two records of a merge counted by two folds at the same moment: the moved doses are taken away once (PostgreSQL only: PGlite has one connection, two folds never overlap)',
    async () => {
      const { a, b } = await twinsWithDoses();
      await expectConsistent();
      expect((await merge(a.id, b.id)).status).toBe(200);
      expect((await marked()).sort()).toEqual([a.id, b.id].sort());

      // The aggregates are held: both folds read their people and images, then wait to write.
      const locked = latch();
      const unlock = latch();
      const holder = t.db.transaction().execute(async (trx) => {
        await sql`lock table stats_people_totals in share row exclusive mode`.execute(trx);
        locked.release();
        await unlock.done;
      });
      await locked.done;
      const first = unitOfWork(t.db, (trx) => foldPeople(trx, statsSources, 1));
      let waiting = 0;
      let second: Promise<number> = Promise.resolve(0);
      try {
        await waitingOnLocks(1);
        second = unitOfWork(t.db, (trx) => foldPeople(trx, statsSources, 1));
        waiting = await waitingOnLocks(2);
      } finally {
        unlock.release();
      }
      await holder;
      expect(waiting).toBeGreaterThanOrEqual(2);
      expect((await first) + (await second)).toBe(2);
      expect(await marked()).toEqual([]);
      expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
      expect(await nationDoses()).toBe(await countedDoses());
    },
  );

  it(`many marked people folded by two folds in parallel, in small batches, count what one fold would${onPostgres ? '' : ' (PGlite, one connection: the two folds take turns)'}`, async () => {
    const pairs = [];
    for (let i = 0; i < 6; i++) pairs.push(await twinsWithDoses());
    for (const [i, { a, b }] of pairs.entries()) {
      if (i % 2 === 0) expect((await merge(a.id, b.id)).status).toBe(200);
      else expect((await merge(b.id, a.id)).status).toBe(200);
    }
    expect((await marked()).length).toBeGreaterThanOrEqual(12);
    const [x, y] = await Promise.all([
      foldStats(t.db, statsSources, { batch: 2 }),
      foldStats(t.db, statsSources, { batch: 2 }),
    ]);
    expect(x + y).toBeGreaterThanOrEqual(12);
    await drainStats(t.db, statsSources);
    expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
    expect(await nationDoses()).toBe(await countedDoses());
  });
});
