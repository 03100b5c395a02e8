import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { unitOfWork } from '../../db/transaction.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { foldStatsNow, useTestApp } from '../../test/harness.js';
import { AGGREGATE_TABLES } from './stats.fold.js';
import { rebuildStats } from './stats.rebuild.js';
import { verifyStats } from './stats.verify.js';

const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });

/** Every aggregate's rows with a count, in a comparable form. */
async function snapshot() {
  const out: Record<string, string[]> = {};
  for (const { table, key } of Object.values(AGGREGATE_TABLES)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where n <> 0`.execute(t.db);
    out[table] = rows.rows
      .map((r) =>
        [...key, 'parent_code', 'parent_2025', 'n']
          .map((c) => (r[c] instanceof Date ? (r[c] as Date).toISOString() : String(r[c] ?? '')))
          .join('|'),
      )
      .sort();
  }
  return out;
}

describe('the bulk rebuild of the statistics', () => {
  it('makes the same aggregates as the incremental fold, equal to a recount of the records', async () => {
    for (const [province, dates, user, facilityId] of [
      ['87', ['2021-07-01', '2021-08-01', '2022-01-05'], 'caolanh.tiem', 'DT-CL-01'],
      ['01', ['2021-09-01'], 'hanoi.tiem', 'HN-BD-01'],
    ] as const) {
      const p = await createPersonVia(t, buildPersonIn(province), user);
      for (const administeredOn of dates) {
        const r = await t.call('POST', `/api/people/${p.id}/doses`, {
          as: user,
          headers: { 'idempotency-key': randomUUID() },
          body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId },
        });
        expect(r.status).toBe(201);
      }
    }
    await foldStatsNow(t);
    const folded = await snapshot();
    expect(folded.stats_dose_totals?.length).toBeGreaterThan(0);
    expect(folded.stats_people_totals?.length).toBeGreaterThan(0);

    const done = await unitOfWork(t.db, (trx) => rebuildStats(trx, statsSources, { batch: 7 }));
    expect(done.doses).toBeGreaterThanOrEqual(4);
    expect(await snapshot()).toEqual(folded);
    expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
  });

  it('leaves the marks: a change marked during a rebuild is folded after it', async () => {
    const p = await createPersonVia(t, buildPersonIn('87'), 'caolanh.tiem');
    const pending = await t.db.selectFrom('stats_dirty').select('person_id').where('person_id', '=', p.id).execute();
    expect(pending).toHaveLength(1);
    await unitOfWork(t.db, (trx) => rebuildStats(trx, statsSources));
    expect(
      await t.db.selectFrom('stats_dirty').select('person_id').where('person_id', '=', p.id).execute(),
    ).toHaveLength(1);
    await foldStatsNow(t);
    expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
  });

  it('an import of the official 2021 → 2025 mapping recounts the figures in the 2025 units, in its own transaction', async () => {
    await foldStatsNow(t);
    const in2025 = async () => {
      const row = await t.db
        .selectFrom('stats_people_totals')
        .select((eb) => eb.fn.sum<number>('n').as('n'))
        .where('level', '=', 'province2025')
        .where('unit_code', '=', '82')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    const living87 = Number(
      (
        await t.db
          .selectFrom('people')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('province_code', '=', '87')
          .where('merged_into', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(living87).toBeGreaterThan(0);
    expect(await in2025()).toBe(0);
    // Đồng Tháp (87) and Tiền Giang (82) became the new Đồng Tháp, code 82 (the official mapping's shape).
    const mapping = {
      data: [
        { level1_id: '87', name: 'Tỉnh Đồng Tháp', splits: [{ new_id: '82', name: 'Tỉnh Đồng Tháp' }], level3s: [] },
        { level1_id: '82', name: 'Tỉnh Tiền Giang', splits: [{ new_id: '82', name: 'Tỉnh Đồng Tháp' }], level3s: [] },
      ],
      stats: { level1_count: 2 },
    };
    const started = await t.call('POST', '/api/units/imports', {
      as: 'admin',
      body: { files: [{ name: 'mapping.json', content: JSON.stringify(mapping) }] },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    for (let i = 0; i < 400; i++) {
      const job = await t.call('GET', `/api/units/imports/${started.body.id}`, { as: 'admin' });
      if (job.body.status === 'done' || job.body.status === 'failed') {
        expect(job.body.status, JSON.stringify(job.body)).toBe('done');
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    // No fold: the import itself recounted (the marks are not what moved the figures).
    expect(await in2025()).toBe(living87);
    await foldStatsNow(t);
    expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
  });
});
