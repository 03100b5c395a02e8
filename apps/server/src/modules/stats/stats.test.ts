import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { foldStatsNow, useTestApp } from '../../test/harness.js';
import { verifyStats } from './stats.verify.js';

const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });

describe('the statistics summary', () => {
  it('equals a direct count of the records, for the nation and for a province', async () => {
    for (const [province, dates] of [
      ['87', ['2021-10-01', '2021-10-29']],
      ['87', ['2021-10-01']],
      ['01', ['2021-09-01']],
    ] as const) {
      const p = await createPersonVia(t, buildPersonIn(province), province === '87' ? 'caolanh.tiem' : 'hanoi.tiem');
      for (const administeredOn of dates) {
        const r = await t.call('POST', `/api/people/${p.id}/doses`, {
          as: province === '87' ? 'caolanh.tiem' : 'hanoi.tiem',
          headers: { 'idempotency-key': randomUUID() },
          body: {
            vaccineCode: 'EU/1/20/1528',
            lotNumber: 'FF2587',
            administeredOn,
            facilityId: province === '87' ? 'DT-CL-01' : 'HN-BD-01',
          },
        });
        expect(r.status).toBe(201);
      }
    }
    await foldStatsNow(t);
    const nation = (await t.call('GET', '/api/stats/summary', { as: 'admin' })).body;
    const people = await t.db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    const doses = await t.db
      .selectFrom('doses')
      .select(['dose_number', (eb) => eb.fn.countAll<number>().as('n')])
      .where('duplicate_of', 'is', null)
      .groupBy('dose_number')
      .execute();
    expect(nation.people).toBe(Number(people.n));
    expect(nation.doses).toBe(doses.reduce((s, d) => s + Number(d.n), 0));
    expect(nation.byDoseNumber).toEqual(Object.fromEntries(doses.map((d) => [String(d.dose_number), Number(d.n)])));
    expect(nation).toMatchObject({ doses: 4, byDoseNumber: { '1': 3, '2': 1 }, byVaccine: { 'EU/1/20/1528': 4 } });

    const dt = (await t.call('GET', '/api/stats/summary', { as: 'dongthap.admin' })).body;
    expect(dt).toMatchObject({ people: 2, doses: 3, byDoseNumber: { '1': 2, '2': 1 } });
    const hn = (await t.call('GET', '/api/stats/summary', { as: 'hanoi.admin' })).body;
    expect(hn).toMatchObject({ people: 1, doses: 1 });
    expect(nation).toMatchObject({ lagSeconds: 0, pending: 0 });
    const check = await verifyStats(t.db, statsSources);
    expect(check.differences).toEqual([]);
    expect(check.people).toBeGreaterThan(2);
  });
});
