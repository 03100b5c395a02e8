import { randomUUID } from 'node:crypto';
import { PASSPORT_VALIDITY_DAYS, SUPERSEDE_REASON_TEXT } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, reportBodyAbout } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { sealAuditLog } from '../audit/audit.chain.js';
import { systemAuditContext } from '../audit/audit.service.js';
import { refreshPassports } from './passports.service.js';

let now = new Date('2022-03-01T03:00:00Z');
const clock = () => now;
const t = await useTestApp({ deps: { clock } });
const PFIZER = 'EU/1/20/1528';
const DAY = 86_400_000;

let ipSeq = 0;
const freshIp = () => `10.77.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

async function vaccinated(dates: string[], over: Record<string, unknown> = {}) {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', communeCode: '29866', ...over }));
  for (const administeredOn of dates) await addDose(p.id, administeredOn);
  return p;
}

async function addDose(personId: string, administeredOn: string) {
  const r = await t.call('POST', `/api/people/${personId}/doses`, {
    as: 'caolanh.tiem',
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const confirm = (personIds: string[], as = 'caolanh.tiem') =>
  t.call('POST', '/api/passports/confirmations', { as, body: { personIds } });
const sign = (body: Record<string, unknown>, as = 'admin') => t.call('POST', '/api/passports/signatures', { as, body });
const passportOf = async (id: string, as = 'caolanh.tiem') =>
  (await t.call('GET', `/api/people/${id}/passport`, { as })).body;
const verify = async (qr: string) => (await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr } })).body;

/** One run of the refresh job, after the audit log is sealed up to now (as the server's sealer does). */
async function runRefresh() {
  await sealAuditLog(t.db);
  return t.db
    .transaction()
    .execute((trx) =>
      refreshPassports(trx, { keys: t.app.deps.keys, clock }, systemAuditContext('passport-refresh-test')),
    );
}

/** A record confirmed by its site and signed by the ministry: its passport. */
async function issuedFor(dates = ['2021-09-01', '2021-09-29']) {
  const p = await vaccinated(dates);
  expect((await confirm([p.id])).body.items).toEqual([{ personId: p.id, state: 'confirmed', blockers: [] }]);
  const signed = await sign({ personIds: [p.id] });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  expect(signed.body.signed.map((s: { personId: string }) => s.personId)).toEqual([p.id]);
  const view = await passportOf(p.id);
  expect(view.state).toBe('issued');
  return { person: p, passport: view.passport as { qr: string; ci: string; issuedAt: string; expiresAt: string } };
}

describe('vaccine passport: confirm → sign → verify', () => {
  it('a site confirms a complete, verified record; the ministry signs it; verifiers accept it for 12 months', async () => {
    const p = await vaccinated(['2021-09-01', '2021-09-29']);
    const before = await passportOf(p.id);
    expect(before).toMatchObject({ state: 'ready', blockers: [], requested: false, passport: null });

    const confirmed = await confirm([p.id]);
    expect(confirmed.status).toBe(200);
    expect(await passportOf(p.id)).toMatchObject({ state: 'confirmed', confirmedBy: 'caolanh.tiem', passport: null });
    // Confirmed, not yet signed: nothing is issued and the citizen's certificate shows no passport.
    expect((await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' })).body.passport).toBeNull();

    const signed = await sign({ personIds: [p.id] });
    expect(signed.body.signed).toEqual([
      { personId: p.id, ci: expect.stringMatching(/^URN:UVCI:/), expiresAt: expect.any(String) },
    ]);
    const view = await passportOf(p.id);
    expect(view).toMatchObject({ state: 'issued', signedAt: now.toISOString() });
    const { qr, ci, issuedAt, expiresAt } = view.passport;
    expect(new Date(expiresAt).getTime() - new Date(issuedAt).getTime()).toBe(PASSPORT_VALIDITY_DAYS * DAY);

    // The passport is its own certificate (its own UVCI), beside the domestic one.
    const cert = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' })).body;
    expect(cert.passport).toEqual(view.passport);
    expect(cert.ci).not.toBe(ci);

    const checked = await verify(qr);
    expect(checked).toMatchObject({ result: 'valid', signatureValid: true, issuerCountry: 'VN' });
    expect(checked.certificate.v[0]).toMatchObject({ ci, is: expect.stringContaining('Bộ Y tế'), dn: 2, sd: 2 });
    expect(checked.certificate.nam.fnt).toMatch(/^[A-Z<]+$/);
    // A second batch finds nothing left to sign; the passport is unchanged.
    expect((await sign({ personIds: [p.id] })).body.signed).toEqual([]);
    expect((await passportOf(p.id)).passport.ci).toBe(ci);
  });

  it('signs in batches: the oldest confirmed first, up to the limit, and says how many remain', async () => {
    const people = [];
    for (let i = 0; i < 3; i++) people.push(await vaccinated(['2021-09-01', '2021-09-29']));
    // Whatever other tests left confirmed is signed first (oldest first), then these in order.
    const waiting = (await sign({ limit: 1 })).body.remaining as number;
    expect((await confirm(people.map((p) => p.id))).status).toBe(200);
    const first = await sign({ limit: waiting + 2 });
    expect(first.body.remaining).toBe(1);
    const second = await sign({ limit: 10 });
    expect(second.body.signed).toHaveLength(1);
    expect(second.body.remaining).toBe(0);
    for (const p of people) expect((await passportOf(p.id)).state).toBe('issued');
  });
});

describe('what blocks a passport', () => {
  it('an incomplete series is kept blocked with its reason, listed for the unit, not signed; once fixed the site confirms it', async () => {
    const p = await vaccinated(['2021-09-01']);
    const res = await confirm([p.id]);
    expect(res.body.items[0]).toMatchObject({ state: 'blocked', blockers: [{ code: 'doses_incomplete' }] });
    expect((await sign({ personIds: [p.id] })).body.signed).toEqual([]);

    const list = (await t.call('GET', '/api/passports?state=blocked&limit=500', { as: 'caolanh.admin' })).body;
    const row = list.items.find((i: { personId: string }) => i.personId === p.id);
    expect(row).toMatchObject({
      state: 'blocked',
      fullName: p.fullName,
      blockers: [{ code: 'doses_incomplete', message: { vi: 'Chưa tiêm đủ liều cơ bản.' } }],
    });
    expect(list.counts.blocked).toBeGreaterThanOrEqual(1);
    // Its province sees it; another province, and a unit code outside the caller's, do not.
    const listed = async (as: string, query = '') =>
      (await t.call('GET', `/api/passports?limit=500${query}`, { as })).body.items.some(
        (i: { personId: string }) => i.personId === p.id,
      );
    expect(await listed('dongthap.admin')).toBe(true);
    expect(await listed('dongthap.admin', '&unitCode=866')).toBe(true);
    expect(await listed('hanoi.admin')).toBe(false);
    expect(await listed('hanoi.admin', '&unitCode=87')).toBe(false);
    expect(await listed('hanoi.tiem')).toBe(false);
    expect((await t.call('GET', '/api/passports', { as: 'dongthap.phananh' })).status).toBe(403);

    // The second dose: the refresh job sees the change and sends the record back to its site.
    await addDose(p.id, '2021-09-29');
    await runRefresh();
    expect(await passportOf(p.id)).toMatchObject({ state: 'ready', blockers: [] });
    expect((await confirm([p.id])).body.items[0].state).toBe('confirmed');
    expect((await sign({ personIds: [p.id] })).body.signed).toHaveLength(1);
  });

  it('an identity not verified blocks it, even under a supervisor’s override', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const p = await createPersonVia(t, { ...body, fullName: `${body.fullName} Khác` });
    await t.call('POST', `/api/people/${p.id}/identity-override`, {
      as: 'caolanh.admin',
      body: { reason: 'Đối chiếu giấy tờ gốc tại điểm tiêm' },
    });
    await addDose(p.id, '2021-11-15');
    await addDose(p.id, '2021-12-13');
    const res = await confirm([p.id]);
    expect(res.body.items[0].blockers.map((b: { code: string }) => b.code)).toEqual(['identity_not_verified']);
  });
});

describe('scope', () => {
  it('a site confirms only records of its units; only the ministry signs', async () => {
    const far = await createPersonVia(t, buildPersonIn('01'), 'admin');
    const res = await confirm([far.id]);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('out_of_scope');
    const mine = await vaccinated(['2021-09-01', '2021-09-29']);
    // One record out of reach refuses the whole request: nothing is confirmed.
    expect((await confirm([mine.id, far.id])).status).toBe(403);
    expect((await passportOf(mine.id)).state).toBe('ready');
    expect((await confirm([mine.id])).status).toBe(200);
    for (const who of ['caolanh.tiem', 'caolanh.admin', 'dongthap.admin']) {
      expect((await sign({ personIds: [mine.id] }, who)).status, who).toBe(403);
    }
    expect((await passportOf(mine.id)).state).toBe('confirmed');
    expect((await t.call('POST', '/api/passports/confirmations', { body: { personIds: [mine.id] } })).status).toBe(401);
  });

  it('refuses bad input with the error shape, never a 5xx', async () => {
    for (const body of [{}, { personIds: [] }, { personIds: 'x' }, { personIds: Array(201).fill('a') }]) {
      const r = await t.call('POST', '/api/passports/confirmations', { as: 'caolanh.tiem', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const unknown = await confirm(['no-such-person']);
    expect(unknown.status).toBe(404);
    expect((await sign({ limit: 0 })).status).toBe(400);
    expect((await t.call('GET', '/api/passports?state=nope', { as: 'caolanh.admin' })).status).toBe(400);
  });
});

describe('kept current: corrections and renewal', () => {
  it('a correction makes it again (new UVCI, new data); verifiers are told the old one is revoked', async () => {
    const { person, passport } = await issuedFor();
    const doses = (await t.call('GET', `/api/people/${person.id}/doses`, { as: 'caolanh.tiem' })).body.items;
    const filed = await t.call('POST', '/api/portal/reports', {
      ip: freshIp(),
      body: reportBodyAbout(person, { category: 'wrong_dose', description: 'Ngày tiêm mũi 2 sai' }),
    });
    expect(filed.status).toBe(201);
    const report = (await t.call('GET', `/api/reports?trackingCode=${filed.body.trackingCode}`, { as: 'admin' })).body
      .items[0];
    expect(
      (
        await t.call('POST', `/api/reports/${report.id}/person`, {
          as: 'dongthap.phananh',
          body: { personId: person.id },
        })
      ).status,
    ).toBe(200);
    const second = doses.find((d: { administeredOn: string }) => d.administeredOn === '2021-09-29');
    const fixed = await t.call('POST', `/api/reports/${report.id}/actions/correct-dose`, {
      as: 'dongthap.phananh',
      body: { doseId: second.id, administeredOn: '2021-10-06' },
    });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);

    // The job, following the audit log, remakes it without anyone reading the record.
    const run = await runRefresh();
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const after = await passportOf(person.id);
    expect(after.state).toBe('issued');
    expect(after.passport.ci).not.toBe(passport.ci);
    const checked = await verify(after.passport.qr);
    expect(checked.result).toBe('valid');
    expect(checked.certificate.v[0].dt).toBe('2021-10-06');
    const old = await verify(passport.qr);
    expect(old).toMatchObject({ result: 'revoked', signatureValid: true });
    // The history shows why.
    const list = (await t.call('GET', `/api/people/${person.id}/certificates`, { as: 'caolanh.tiem' })).body.items;
    expect(list.find((c: { ci: string }) => c.ci === passport.ci)).toMatchObject({
      state: 'superseded',
      supersedeReason: 'data_changed',
      supersededByCi: after.passport.ci,
    });
    // A second run changes nothing.
    const again = await runRefresh();
    expect((await passportOf(person.id)).passport.ci).toBe(after.passport.ci);
    expect(again.changed).toBe(0);
  });

  it('a booster makes a newer passport; the earlier one stays valid for what it states (not revoked)', async () => {
    const { person, passport } = await issuedFor();
    await addDose(person.id, '2022-02-20');
    const run = await runRefresh();
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const after = (await passportOf(person.id)).passport;
    expect(after.ci).not.toBe(passport.ci);
    const fresh = await verify(after.qr);
    expect(fresh.result).toBe('valid');
    expect(fresh.certificate.v[0]).toMatchObject({ dn: 3, sd: 3 });
    const old = await verify(passport.qr);
    expect(old).toMatchObject({ result: 'valid', signatureValid: true });
    expect(old.reason).toMatch(/newer certificate .* exists/);
    expect(old.certificate.v[0]).toMatchObject({ dn: 2, sd: 2, ci: passport.ci });
    expect((await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(passport.ci)}`)).body).toMatchObject({
      state: 'newer_issued',
      newerCi: after.ci,
    });
    const list = (await t.call('GET', `/api/people/${person.id}/certificates`, { as: 'caolanh.tiem' })).body.items;
    expect(list.find((c: { ci: string }) => c.ci === passport.ci)).toMatchObject({
      state: 'superseded',
      supersedeReason: 'new_dose',
      supersededByCi: after.ci,
    });
    // Something that blocks the passport later withdraws the earlier one with it.
    await t.call('POST', `/api/people/${person.id}/identity-override`, { as: 'caolanh.admin', body: { reason: 'x' } });
    const changed = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Văn`, reason: 'Sửa họ tên theo yêu cầu' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await runRefresh();
    expect((await passportOf(person.id)).passport).toBeNull();
    expect((await verify(after.qr)).result).toBe('revoked');
    expect((await verify(passport.qr)).result).toBe('revoked');
  });

  it('a change that blocks it withdraws it: no passport, the record listed as blocked with why', async () => {
    const { person, passport } = await issuedFor();
    await t.call('POST', `/api/people/${person.id}/identity-override`, { as: 'caolanh.admin', body: { reason: 'x' } });
    const changed = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Văn`, reason: 'Sửa họ tên theo yêu cầu' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await runRefresh();
    const view = await passportOf(person.id);
    expect(view.passport).toBeNull();
    expect(view.state).toBe('blocked');
    expect(view.blockers.map((b: { code: string }) => b.code)).toContain('identity_not_verified');
    expect((await verify(passport.qr)).result).toBe('revoked');
  });

  it('the first read after a change that blocks it already answers blocked, without the withdrawn QR (probe 3, E4)', async () => {
    const { person, passport } = await issuedFor();
    await t.call('POST', `/api/people/${person.id}/identity-override`, { as: 'caolanh.admin', body: { reason: 'x' } });
    const changed = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Văn`, reason: 'Sửa họ tên theo yêu cầu' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // No refresh job, no verification in between: the staff read itself withdraws it.
    const view = await passportOf(person.id);
    expect(view).toMatchObject({ state: 'blocked', passport: null });
    expect(view.blockers.map((b: { code: string }) => b.code)).toContain('identity_not_verified');
    const status = (await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(passport.ci)}`)).body;
    expect(status).toMatchObject({ state: 'superseded', reason: 'blocked', supersededByCi: null });
  });

  it('a withdrawn passport verifies revoked as withdrawn, not as replaced by a later one (probe 3, E3)', async () => {
    const { person, passport } = await issuedFor();
    await t.call('POST', `/api/people/${person.id}/identity-override`, { as: 'caolanh.admin', body: { reason: 'x' } });
    const changed = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Văn`, reason: 'Sửa họ tên theo yêu cầu' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await runRefresh();
    const checked = await verify(passport.qr);
    expect(checked).toMatchObject({ result: 'revoked', signatureValid: true });
    expect(checked.reason).toBe(SUPERSEDE_REASON_TEXT.blocked.en);
    expect(checked.reason).toMatch(/withdrawn/);
    expect(checked.reason).not.toMatch(/replaced this one/);
    expect(SUPERSEDE_REASON_TEXT.blocked.vi).toMatch(/thu hồi/);
  });

  it('the renewal job makes again a passport that expires within 30 days, and only those', async () => {
    const { person, passport } = await issuedFor();
    const expires = new Date(passport.expiresAt).getTime();
    const saved = now;
    try {
      now = new Date(expires - 40 * DAY);
      await runRefresh();
      expect((await passportOf(person.id)).passport.ci).toBe(passport.ci);

      now = new Date(expires - 20 * DAY);
      const run = await runRefresh();
      expect(run.renewed).toBeGreaterThanOrEqual(1);
      const renewed = (await passportOf(person.id)).passport;
      expect(renewed.ci).not.toBe(passport.ci);
      expect(new Date(renewed.expiresAt).getTime()).toBe(now.getTime() + PASSPORT_VALIDITY_DAYS * DAY);
      expect((await verify(renewed.qr)).result).toBe('valid');
      const list = (await t.call('GET', `/api/people/${person.id}/certificates`, { as: 'caolanh.tiem' })).body.items;
      expect(list.find((c: { ci: string }) => c.ci === passport.ci)).toMatchObject({ supersedeReason: 'renewal' });
    } finally {
      now = saved;
    }
  });
});
