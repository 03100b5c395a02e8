import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { buildPersonIn, createPersonVia, nationalActor, setRegistryMode } from '../../test/factories.js';
import { latch, untilBlockedOnLock, useTestApp } from '../../test/harness.js';
import { listAudit, systemAuditContext } from '../audit/audit.service.js';
import { doseBatchStats, recordDose } from './doses.service.js';

const now = new Date('2022-03-01T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

const PFIZER = 'EU/1/20/1528';
const AZ = 'EU/1/21/1529';
const dose = (over: Record<string, unknown> = {}) => ({
  vaccineCode: PFIZER,
  lotNumber: 'FF2587',
  administeredOn: '2021-11-15',
  facilityId: 'DT-CL-01',
  ...over,
});

async function person(over: Record<string, unknown> = {}) {
  return createPersonVia(t, buildPersonIn('87', { districtCode: '866', ...over }));
}

async function post(personId: string, body: object, key: string | null = randomUUID(), as = 'caolanh.tiem') {
  return t.call('POST', `/api/people/${personId}/doses`, { as, body, headers: key ? { 'idempotency-key': key } : {} });
}

describe('recording a dose', () => {
  it('records the first dose as primary dose 1, audited', async () => {
    const p = await person();
    const res = await post(p.id, dose());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      doseNumber: 1,
      doseKind: 'primary',
      vaccineCode: PFIZER,
      lotNumber: 'FF2587',
      administeredOn: '2021-11-15',
      facilityId: 'DT-CL-01',
      retroactive: false,
    });
    const trail = await listAudit(t.db, 'dose', res.body.id);
    expect(trail.map((a) => [a.action, a.actor_username])).toEqual([['dose.create', 'caolanh.tiem']]);
  });

  it('lists a person’s doses in date order, numbered from the whole history (a retroactive entry renumbers)', async () => {
    const p = await person();
    await post(p.id, dose({ administeredOn: '2021-12-20' }));
    const earlier = await post(p.id, dose({ administeredOn: '2021-10-20' }));
    expect(earlier.status).toBe(201);
    expect(earlier.body).toMatchObject({ doseNumber: 1, retroactive: true });
    const list = await t.call('GET', `/api/people/${p.id}/doses`, { as: 'caolanh.tiem' });
    expect(list.body.items.map((d: any) => [d.administeredOn, d.doseNumber, d.doseKind])).toEqual([
      ['2021-10-20', 1, 'primary'],
      ['2021-12-20', 2, 'primary'],
    ]);
  });

  it('reading a person’s doses is audited: an entry naming the person, by the reader, found by a search of the log', async () => {
    const p = await person();
    await post(p.id, dose());
    // A site elsewhere in the country may read the doses (people travel): the read leaves a trace.
    const list = await t.call('GET', `/api/people/${p.id}/doses`, { as: 'hanoi.tiem' });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const reads = (await listAudit(t.db, 'person', p.id)).filter((a) => a.action === 'dose.list_of_person');
    expect(reads.map((a) => [a.actor_username, a.after])).toEqual([['hanoi.tiem', { count: 1 }]]);
    const log = await t.call('GET', `/api/audit?personId=${p.id}&action=dose.list_of_person`, {
      as: 'dongthap.admin',
    });
    expect(log.body.items.map((e: any) => e.actor.username)).toEqual(['hanoi.tiem']);
    // A person out of reach: 404, nothing read, nothing written.
    expect((await t.call('GET', `/api/people/${p.id}/doses`, { as: 'hanoi.admin' })).status).toBe(404);
    expect((await listAudit(t.db, 'person', p.id)).filter((a) => a.action === 'dose.list_of_person')).toHaveLength(1);
  });
});

describe('idempotency: a retry, a double click or a re-sync never makes a second dose', () => {
  it('the same key again returns the same dose (200)', async () => {
    const p = await person();
    const key = randomUUID();
    const first = await post(p.id, dose(), key);
    const again = await post(p.id, dose(), key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('20 concurrent identical requests → exactly one dose', async () => {
    const p = await person();
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => post(p.id, dose(), key)));
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.db.selectFrom('doses').select('id').where('person_id', '=', p.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('two doses of one person recorded at the same moment are numbered 1 and 2, never both 1', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await person();
      const results = await Promise.all([
        post(p.id, dose({ administeredOn: '2021-11-15' })),
        post(p.id, dose({ administeredOn: '2021-12-20' })),
      ]);
      expect(results.map((r) => r.status)).toEqual([201, 201]);
      const list = (await t.call('GET', `/api/people/${p.id}/doses`, { as: 'caolanh.tiem' })).body.items;
      expect(list.map((d: any) => [d.administeredOn, d.doseNumber])).toEqual([
        ['2021-11-15', 1],
        ['2021-12-20', 2],
      ]);
    }
  });

  it('the same key with a different dose → 422 idempotency_key_reused', async () => {
    const p = await person();
    const key = randomUUID();
    await post(p.id, dose(), key);
    const other = await post(p.id, dose({ administeredOn: '2021-12-20' }), key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('without a key, the same dose twice is refused as a second dose on one day', async () => {
    const p = await person();
    expect((await post(p.id, dose(), null)).status).toBe(201);
    const again = await post(p.id, dose(), null);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('dose_same_day');
  });
});

describe('one idempotency key sent for two people at the same moment (the locked path)', () => {
  const nation = nationalActor({ id: 'test', username: 'test.nation', displayName: 'Test' });
  const audit = systemAuditContext('test');

  it('the unique index decides: the loser gets the winner’s answer and its transaction goes on', async () => {
    const a = await person();
    const b = await person();
    const key = randomUUID();
    const { done: gate, release } = latch();
    const { done: insertedOnce, release: inserted } = latch();
    const winner = unitOfWork(t.db, async (trx) => {
      const r = await recordDose(
        trx,
        nation,
        audit,
        { ...dose(), personId: a.id, idempotencyKey: key, source: 'api' },
        now,
      );
      inserted();
      await gate;
      return r;
    });
    await insertedOnce;
    const loser = unitOfWork(t.db, async (trx) => {
      const outcome = await recordDose(
        trx,
        nation,
        audit,
        // Another dose (another day): a request of its own, not a retry of the winner's.
        { ...dose({ administeredOn: '2021-11-16' }), personId: b.id, idempotencyKey: key, source: 'api' },
        now,
      ).then(
        () => 'recorded',
        (err: { code?: string }) => err.code,
      );
      // The caller's transaction is still usable (PostgreSQL aborts it on an error not under a savepoint).
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from doses where person_id = ${b.id}`.execute(
        trx,
      );
      return { outcome, doses: rows[0]!.n };
    });
    // PostgreSQL: the loser's insert waits on the unique index for the winner's transaction, then is
    // refused (23505) when the winner commits; the embedded database has one connection: the loser
    // waits for the winner to commit, then finds the key already used.
    await untilBlockedOnLock(t);
    release();
    expect((await winner).created).toBe(true);
    expect(await loser).toEqual({ outcome: 'idempotency_key_reused', doses: 0 });
    const rows = await t.db.selectFrom('doses').select('person_id').where('idempotency_key', '=', key).execute();
    expect(rows.map((r) => r.person_id)).toEqual([a.id]);
  });
});

describe('doses recorded at the same moment share their statements (group commit)', () => {
  it('each dose lands once with its audit entry; a same-day second request is refused on its own', async () => {
    const people = await Promise.all(Array.from({ length: 12 }, () => person()));
    const before = doseBatchStats(t.db);
    const requests = [
      ...people.map((p) => post(p.id, dose())),
      // Three people also get a second request for the same day, without a key, at the same moment.
      ...people.slice(0, 3).map((p) => post(p.id, dose(), null)),
    ];
    const results = await Promise.all(requests);
    const after = doseBatchStats(t.db);
    for (const [i, p] of people.entries()) {
      const mine = results.filter((_, j) => j === i || j === people.length + i);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of mine.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(422);
        expect(r.body.error.code).toBe('dose_same_day');
      }
      const rows = await t.db.selectFrom('doses').select('id').where('person_id', '=', p.id).execute();
      expect(rows).toHaveLength(1);
      const trail = await listAudit(t.db, 'dose', rows[0]!.id);
      expect(trail.map((a) => a.action)).toEqual(['dose.create']);
    }
    // Fewer statements than doses: the writes were shared.
    const writes = after.writes.batches - before.writes.batches;
    const written = after.writes.items - before.writes.items;
    expect(written).toBeGreaterThanOrEqual(people.length);
    expect(writes).toBeLessThan(written);
    expect(after.writes.largest).toBeGreaterThan(1);
  });
});

describe('dose rules through the API', () => {
  it('each violation → 422 with a code, the field and a message a nurse understands', async () => {
    const p = await person();
    const cases: [object, string, string][] = [
      [dose({ administeredOn: '2022-03-02' }), 'date_in_future', 'administeredOn'],
      [dose({ vaccineCode: 'Covaxin' }), 'unknown_vaccine', 'vaccineCode'],
      [dose({ lotNumber: 'NO-SUCH-LOT' }), 'unknown_lot', 'lotNumber'],
      [dose({ lotNumber: 'ABV5811' }), 'lot_vaccine_mismatch', 'lotNumber'],
      [dose({ administeredOn: '2021-06-01' }), 'date_before_approval', 'administeredOn'],
    ];
    for (const [body, code, field] of cases) {
      const res = await post(p.id, body);
      expect(res.status, code).toBe(422);
      expect(res.body.error, code).toMatchObject({ code, field });
      expect(res.body.violations[0]).toMatchObject({ code, overridable: false });
    }
  });

  it('every violation listed is in the caller’s language, like the error itself', async () => {
    const p = await person();
    await post(p.id, dose({ administeredOn: '2021-11-15' }));
    const res = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      body: dose({ administeredOn: '2021-12-05' }),
      headers: { 'idempotency-key': randomUUID(), 'accept-language': 'en' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/at least 21 days/i);
    expect(res.body.violations[0].message).toBe(res.body.error.message);
    expect(res.body.violations[0]).toMatchObject({ code: 'interval_too_short', overridable: true });
  });

  it('a second Pfizer dose after 20 days is refused; a supervisor may record it with a reason', async () => {
    const p = await person();
    await post(p.id, dose({ administeredOn: '2021-11-15' }));
    const short = await post(p.id, dose({ administeredOn: '2021-12-05' }));
    expect(short.status).toBe(422);
    expect(short.body.error.code).toBe('interval_too_short');
    expect(short.body.error.message).toMatch(/ít nhất 21 ngày; mới được 20 ngày/);
    expect(short.body.overridable).toBe(true);

    const siteTries = await post(p.id, dose({ administeredOn: '2021-12-05', override: { reason: 'Bác sĩ chỉ định' } }));
    expect(siteTries.status).toBe(422);

    const supervisor = await post(
      p.id,
      dose({ administeredOn: '2021-12-05', override: { reason: 'Người dân đi công tác dài ngày' } }),
      randomUUID(),
      'caolanh.admin',
    );
    expect(supervisor.status).toBe(201);
    expect(supervisor.body).toMatchObject({
      doseNumber: 2,
      override: { by: 'caolanh.admin', reason: 'Người dân đi công tác dài ngày' },
    });
    const trail = await listAudit(t.db, 'dose', supervisor.body.id);
    expect(trail[0]).toMatchObject({ action: 'dose.create_override', reason: 'Người dân đi công tác dài ngày' });
  });

  it('mixing Vero Cell then Pfizer is refused with 422 mixing_not_allowed', async () => {
    const p = await person();
    await post(p.id, dose({ vaccineCode: 'BBIBP-CorV', lotNumber: '202108B2316', administeredOn: '2021-10-01' }));
    const res = await post(p.id, dose({ administeredOn: '2021-11-15' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('mixing_not_allowed');
  });
});

describe('identity verification before a new dose (from 1 Nov 2021)', () => {
  async function mismatching() {
    const body = buildPersonIn('87', { districtCode: '866' });
    return createPersonVia(t, { ...body, fullName: `${body.fullName} Sai` });
  }

  it('a person whose identity does not match cannot get a dose dated on or after 1 Nov 2021', async () => {
    const p = await mismatching();
    expect(p.verification.status).toBe('mismatch');
    const res = await post(p.id, dose({ administeredOn: '2021-11-01' }));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'identity_not_verified' });
    expect(res.body.error.message).toMatch(/01\/11\/2021/);
  });

  it('an earlier dose is a retroactive entry: accepted, and the person is listed for verification', async () => {
    const p = await mismatching();
    const res = await post(p.id, dose({ administeredOn: '2021-10-31' }));
    expect(res.status).toBe(201);
    expect(res.body.retroactive).toBe(true);
    const after = await t.call('GET', `/api/people/${p.id}`, { as: 'caolanh.tiem' });
    expect(after.body.verification.recheck).toBe(true);
  });

  it('after a supervisor’s override the dose is accepted', async () => {
    const p = await mismatching();
    await t.call('POST', `/api/people/${p.id}/identity-override`, {
      as: 'caolanh.admin',
      body: { reason: 'Đối chiếu CCCD gốc: đúng người' },
    });
    expect((await post(p.id, dose())).status).toBe(201);
  });

  it('registry unavailable: the site proceeds, the person flagged to re-check', async () => {
    await setRegistryMode(t, { down: true });
    const p = await person();
    await setRegistryMode(t, { down: false });
    expect(p.verification.status).toBe('unavailable');
    expect((await post(p.id, dose())).status).toBe(201);
  });
});

describe('scope', () => {
  it('site staff record doses only at their own facility (403 elsewhere)', async () => {
    const p = await person();
    const res = await post(p.id, dose({ facilityId: 'HN-BD-01' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('out_of_scope');
  });

  it('report handlers cannot record doses directly', async () => {
    const p = await person();
    expect((await post(p.id, dose(), randomUUID(), 'dongthap.phananh')).status).toBe(403);
  });
});

describe('merging duplicate records', () => {
  it('two records with doses → one record with all doses, renumbered; the old id resolves; audited', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    // The second record: same person, typed with another name and an old CMND (as in 2021).
    const b = await createPersonVia(t, {
      ...body,
      fullName: `${body.fullName} B`,
      idNumber: `34${body.idNumber.slice(5)}`,
      idType: 'cmnd',
    } as any);
    await post(a.id, dose({ administeredOn: '2021-10-01', vaccineCode: AZ, lotNumber: 'ABV5811' }));
    await post(b.id, dose({ administeredOn: '2021-10-29', lotNumber: 'FF2587' }));
    // Each record believes its dose is dose 1.
    expect((await t.call('GET', `/api/people/${b.id}/doses`, { as: 'caolanh.tiem' })).body.items[0].doseNumber).toBe(1);

    const merge = await t.call('POST', `/api/people/${a.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: b.id, reason: 'Cùng một người: CMND cũ và CCCD' },
    });
    expect(merge.status).toBe(200);
    expect(merge.body.moved).toEqual({ doses: 1, reports: 0 });

    const doses = await t.call('GET', `/api/people/${a.id}/doses`, { as: 'caolanh.tiem' });
    expect(doses.body.items.map((d: any) => [d.administeredOn, d.vaccineCode, d.doseNumber])).toEqual([
      ['2021-10-01', AZ, 1],
      ['2021-10-29', PFIZER, 2],
    ]);
    const viaOld = await t.call('GET', `/api/people/${b.id}`, { as: 'dongthap.admin' });
    expect(viaOld.body.id).toBe(a.id);
    const trail = await listAudit(t.db, 'person', a.id);
    expect(trail.find((x) => x.action === 'person.merge')).toMatchObject({
      actor_username: 'dongthap.admin',
      reason: 'Cùng một người: CMND cũ và CCCD',
    });
    expect((await listAudit(t.db, 'person', b.id)).some((x) => x.action === 'person.merged_into')).toBe(true);
  });
});

describe('lots', () => {
  it('every demo facility holds at least one lot of every vaccine', async () => {
    const vaccines = (await t.call('GET', '/api/vaccines')).body.items.map((v: any) => v.code);
    for (const facilityId of ['HN-BD-01', 'HCM-Q1-01', 'DT-CL-01', 'DT-SD-01']) {
      const lots = await t.call('GET', `/api/lots?facilityId=${facilityId}`, { as: 'caolanh.tiem' });
      expect(lots.status).toBe(200);
      expect(new Set(lots.body.items.map((l: any) => l.vaccineCode))).toEqual(new Set(vaccines));
      expect(lots.body.items.every((l: any) => l.expiresOn >= '2027-01-01' && l.dosesRemaining > 0)).toBe(true);
    }
    const pfizer = await t.call('GET', `/api/lots?facilityId=DT-CL-01&vaccineCode=${encodeURIComponent(PFIZER)}`, {
      as: 'caolanh.tiem',
    });
    expect(pfizer.body.items.map((l: any) => l.lotNumber)).toEqual(['FF2587']);
  });
});
