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

describe('a merge checks the combined doses against the dose rules again (probe 3, F17)', () => {
  const PFIZER = 'EU/1/20/1528';
  const dose = async (personId: string, administeredOn: string) => {
    const r = await t.call('POST', `/api/people/${personId}/doses`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  let cmnd = 343_000_101;
  /** A verified CCCD record with `aDoses`, and an old CMND record of the same person with `bDoses`. */
  async function pair(aDoses: string[], bDoses: string[]) {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, {
      fullName: body.fullName,
      dateOfBirth: body.dateOfBirth,
      gender: body.gender,
      idType: 'cmnd',
      idNumber: String(cmnd++),
      phone: body.phone,
      provinceCode: '87',
      districtCode: '866',
    } as typeof body);
    for (const d of aDoses) await dose(a.id, d);
    for (const d of bDoses) await dose(b.id, d);
    return { a, b };
  }
  const merge = (a: string, b: string) =>
    t.call('POST', `/api/people/${a}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: b, reason: 'CMND và CCCD của cùng một người' },
    });
  const dosesOf = async (id: string) =>
    (await t.call('GET', `/api/people/${id}/doses`, { as: 'dongthap.admin' })).body.items as any[];
  const passportOf = async (id: string) =>
    (await t.call('GET', `/api/people/${id}/passport`, { as: 'dongthap.admin' })).body;
  const flagEntries = (doseIds: string[]) =>
    t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'dose.rule_flag')
      .where('entity_id', 'in', doseIds)
      .execute();

  it('a "booster" a month after the primary series once merged: the merge goes ahead, the dose is flagged, audited, and blocks the passport', async () => {
    const { a, b } = await pair(['2021-09-01', '2021-10-01'], ['2021-08-01']);
    expect((await passportOf(a.id)).state).toBe('ready');

    const res = await merge(a.id, b.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const doses = await dosesOf(a.id);
    expect(doses.map((d) => `${d.doseNumber}:${d.doseKind}:${d.administeredOn}`)).toEqual([
      '1:primary:2021-08-01',
      '2:primary:2021-09-01',
      '3:booster:2021-10-01',
    ]);
    expect(doses[0].override).toBeNull();
    expect(doses[1].override).toBeNull();
    expect(doses[2].override).toMatchObject({ by: 'dongthap.admin' });
    expect(doses[2].override.reason).toContain('Gộp hồ sơ');
    const row = await t.db.selectFrom('doses').selectAll().where('id', '=', doses[2].id).executeTakeFirstOrThrow();
    expect(row.overridden).toEqual(['interval_too_short']);

    const entries = await flagEntries(doses.map((d) => d.id));
    expect(entries.map((e) => [e.entity_id, e.actor_username])).toEqual([[doses[2].id, 'dongthap.admin']]);
    expect(entries[0]!.reason).toContain('Gộp hồ sơ');

    const passport = await passportOf(a.id);
    expect(passport.state).toBe('blocked');
    expect(passport.blockers).toEqual([expect.objectContaining({ code: 'dose_rule_override', doseId: doses[2].id })]);
  });

  it('a merge that breaks no rule flags nothing, and the passport stays ready', async () => {
    const { a, b } = await pair(['2021-09-01'], ['2021-08-01']);
    const res = await merge(a.id, b.id);
    expect(res.status).toBe(200);
    const doses = await dosesOf(a.id);
    expect(doses.map((d) => `${d.doseNumber}:${d.doseKind}:${d.override === null}`)).toEqual([
      '1:primary:true',
      '2:primary:true',
    ]);
    expect(await flagEntries(doses.map((d) => d.id))).toEqual([]);
    const passport = await passportOf(a.id);
    expect(passport.blockers).toEqual([]);
    expect(passport.state).toBe('ready');
  });
});

describe('a merge withdraws the merged record’s certificate and passport (probe 3, E1)', () => {
  const PFIZER = 'EU/1/20/1528';
  let ipSeq = 0;
  const freshIp = () => `10.78.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
  async function vaccinated(dates: string[]) {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    for (const administeredOn of dates) {
      const r = await t.call('POST', `/api/people/${p.id}/doses`, {
        as: 'caolanh.tiem',
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    return p;
  }
  const merge = (a: string, b: string) =>
    t.call('POST', `/api/people/${a}/merge`, { as: 'dongthap.admin', body: { duplicateId: b, reason: 'trùng hồ sơ' } });
  const certificateOf = async (id: string) =>
    (await t.call('GET', `/api/people/${id}/certificate`, { as: 'dongthap.admin' })).body;
  const historyOf = async (id: string) =>
    (await t.call('GET', `/api/people/${id}/certificates`, { as: 'dongthap.admin' })).body.items as any[];
  const status = async (ci: string) =>
    (await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(ci)}`, { ip: freshIp() })).body;
  const verify = async (qr: string) => (await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr } })).body;
  async function passportFor(id: string) {
    const confirmed = await t.call('POST', '/api/passports/confirmations', {
      as: 'dongthap.admin',
      body: { personIds: [id] },
    });
    expect(confirmed.body.items, JSON.stringify(confirmed.body)).toEqual([
      { personId: id, state: 'confirmed', blockers: [] },
    ]);
    const signed = await t.call('POST', '/api/passports/signatures', { as: 'admin', body: { personIds: [id] } });
    expect(signed.body.signed, JSON.stringify(signed.body)).toHaveLength(1);
    return (await t.call('GET', `/api/people/${id}/passport`, { as: 'dongthap.admin' })).body.passport as {
      qr: string;
      ci: string;
    };
  }

  it('the merged record’s certificate: superseded (data_changed) by the survivor’s new one, revoked, and in the survivor’s history', async () => {
    const a = await vaccinated(['2021-09-01', '2021-09-29']);
    const b = await vaccinated(['2021-10-20']);
    const mergedCert = await certificateOf(b.id);
    expect(await status(mergedCert.ci)).toMatchObject({ state: 'current' });

    const res = await merge(a.id, b.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const survivorCert = await certificateOf(a.id);
    expect(survivorCert.ci).not.toBe(mergedCert.ci);
    expect(await status(mergedCert.ci)).toMatchObject({
      state: 'superseded',
      reason: 'data_changed',
      supersededByCi: survivorCert.ci,
    });
    expect(await verify(mergedCert.qr)).toMatchObject({ result: 'revoked', signatureValid: true });
    expect(await verify(survivorCert.qr)).toMatchObject({ result: 'valid' });
    // Listed with the survivor's certificates (the merged id answers the survivor's).
    for (const id of [a.id, b.id]) {
      expect(
        (await historyOf(id)).find((c) => c.ci === mergedCert.ci),
        id,
      ).toMatchObject({
        state: 'superseded',
        supersedeReason: 'data_changed',
        supersededByCi: survivorCert.ci,
      });
    }
  });

  it('the merged record’s passport is withdrawn (merged), and the survivor’s too when the merged history blocks it', async () => {
    const a = await vaccinated(['2021-09-01', '2021-09-29']);
    const b = await vaccinated(['2021-09-03', '2021-10-01']);
    const survivorPassport = await passportFor(a.id);
    const mergedPassport = await passportFor(b.id);
    expect(await verify(mergedPassport.qr)).toMatchObject({ result: 'valid' });

    const res = await merge(a.id, b.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    // Before anyone reads either record or the refresh job runs.
    expect(await status(mergedPassport.ci)).toMatchObject({ state: 'superseded', reason: 'merged' });
    const checked = await verify(mergedPassport.qr);
    expect(checked).toMatchObject({ result: 'revoked', signatureValid: true });
    expect(checked.reason).toMatch(/merged/);
    // The merged history flags a dose against the interval rule: the survivor's passport is withdrawn.
    expect(await status(survivorPassport.ci)).toMatchObject({ state: 'superseded', reason: 'blocked' });
    expect((await verify(survivorPassport.qr)).result).toBe('revoked');
    const view = (await t.call('GET', `/api/people/${b.id}/passport`, { as: 'dongthap.admin' })).body;
    expect(view).toMatchObject({ personId: a.id, state: 'blocked', passport: null });
    expect((await historyOf(a.id)).find((c) => c.ci === mergedPassport.ci)).toMatchObject({
      state: 'superseded',
      supersedeReason: 'merged',
    });
  });
});
