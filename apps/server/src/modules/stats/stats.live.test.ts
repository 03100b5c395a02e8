import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { verifyStats } from './stats.verify.js';

// The fold job on, every 5 ms, as the requests come in (in production every second).
const t = await useTestApp({ config: { STATS_FOLD_INTERVAL_MS: '5' } });

describe('the statistics while doses are recorded', () => {
  it('count every dose recorded concurrently while the fold job runs, with nothing left marked', async () => {
    const people = [];
    for (let i = 0; i < 40; i++) people.push(await createPersonVia(t, buildPersonIn(i % 2 ? '87' : '01'), 'admin'));
    const statuses = await Promise.all(
      people.map((p, i) =>
        t
          .call('POST', `/api/people/${p.id}/doses`, {
            as: 'admin',
            headers: { 'idempotency-key': randomUUID() },
            body: {
              vaccineCode: 'EU/1/20/1528',
              lotNumber: 'FF2587',
              administeredOn: '2021-10-01',
              facilityId: i % 2 ? 'DT-CL-01' : 'HN-BD-01',
            },
          })
          .then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 201)).toBe(true);
    // The job catches up on its own (no fold called here).
    for (let i = 0; i < 100; i++) {
      const left = await t.db.selectFrom('stats_dirty').select('person_id').limit(1).execute();
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const summary = (await t.call('GET', '/api/stats/summary', { as: 'admin' })).body;
    expect(summary.pending).toBe(0);
    const counted = await t.db
      .selectFrom('doses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('duplicate_of', 'is', null)
      .executeTakeFirstOrThrow();
    expect(summary.doses).toBe(Number(counted.n));
    expect((await verifyStats(t.db, statsSources)).differences).toEqual([]);
  });
});
