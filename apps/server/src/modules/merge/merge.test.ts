import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

async function personRow(id: string) {
  return t.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('merging with an id that names no record (issue 12, finding 5)', () => {
  it('a missing duplicate → 404, and the survivor is left as it was (never merged into itself)', async () => {
    const a = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const before = await personRow(a.id);
    // '0' sorts before every real id: the old code took the survivor for the missing record.
    for (const duplicateId of ['0', 'zzzz-no-such-person', `${a.id}x`]) {
      const res = await t.call('POST', `/api/people/${a.id}/merge`, {
        as: 'dongthap.admin',
        body: { duplicateId, reason: 'không có hồ sơ này' },
      });
      expect(res.status, duplicateId).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(await personRow(a.id)).toEqual(before);
  });

  it('a missing survivor → 404, and the duplicate is left as it was', async () => {
    const b = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const before = await personRow(b.id);
    for (const survivorId of ['0', 'zzzz-no-such-person']) {
      const res = await t.call('POST', `/api/people/${survivorId}/merge`, {
        as: 'dongthap.admin',
        body: { duplicateId: b.id, reason: 'không có hồ sơ này' },
      });
      expect(res.status, survivorId).toBe(404);
    }
    expect(await personRow(b.id)).toEqual(before);
  });

  it('the same id on both sides → 400 naming duplicateId', async () => {
    const a = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const res = await t.call('POST', `/api/people/${a.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: a.id, reason: 'cùng một hồ sơ' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'merge_with_itself', field: 'duplicateId' });
    expect((await personRow(a.id)).merged_into).toBeNull();
  });

  it('a record already merged away → 409', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const c = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const first = await t.call('POST', `/api/people/${a.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: b.id, reason: 'trùng hồ sơ' },
    });
    expect(first.status).toBe(200);
    const again = await t.call('POST', `/api/people/${c.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: b.id, reason: 'trùng hồ sơ' },
    });
    expect(again.status).toBe(409);
    expect((await personRow(c.id)).merged_into).toBeNull();
  });
});
