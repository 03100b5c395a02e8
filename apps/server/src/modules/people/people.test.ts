import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import {
  buildPerson,
  buildPersonIn,
  createPersonVia,
  nationalActor,
  otherCccd,
  setRegistryMode,
} from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit, systemAuditContext } from '../audit/audit.service.js';
import { doseDatesOf } from '../doses/doses.service.js';
import { runRecheckBatch } from './people.job.js';
import { applyPersonUpdate, createPerson, planNewPerson, planPersonUpdate } from './people.service.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

describe('registering a person at the desk', () => {
  it('creates the person with normalised name and phone, verified against the population registry', async () => {
    const body = buildPerson();
    const res = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: {
        ...body,
        fullName: `  ${body.fullName.toLowerCase()} `,
        phone: `+84 ${body.phone.slice(1, 4)} ${body.phone.slice(4)}`,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      fullName: body.fullName,
      phone: body.phone,
      idNumber: body.idNumber,
      idType: 'cccd',
      legacy: false,
      verification: { status: 'verified', source: 'registry-sim', recheck: false, fields: [] },
    });
    const trail = await listAudit(t.db, 'person', res.body.id);
    expect(trail.map((a) => a.action)).toEqual(['person.create']);
    expect(trail[0]?.actor_username).toBe('caolanh.tiem');
  });

  it('requires the ID number', async () => {
    const res = await t.call('POST', '/api/people', { as: 'caolanh.tiem', body: { ...buildPerson(), idNumber: '' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'id_number_required', field: 'idNumber' });
  });

  it('rejects ID numbers that are malformed or contradict the person, naming the field and the reason', async () => {
    const p = buildPerson({ dateOfBirth: '1990-05-01', gender: 'male', provinceCode: '87' });
    const cases: [string, string][] = [
      ['08709012345', 'id_number_wrong_length'],
      ['08709012345X', 'id_number_not_digits'],
      ['003090123456', 'id_number_province_unknown'], // 03 is no province code
      ['087190123456', 'id_number_sex_mismatch'], // 1 = female born in the 1900s
      ['087290123456', 'id_number_century_mismatch'], // 2 = male born in the 2000s
      ['087091123456', 'id_number_birth_year_mismatch'], // 91 ≠ 1990
    ];
    for (const [idNumber, code] of cases) {
      const res = await t.call('POST', '/api/people', { as: 'caolanh.tiem', body: { ...p, idNumber } });
      expect(res.status, idNumber).toBe(400);
      expect(res.body.error, idNumber).toMatchObject({ code, field: 'idNumber' });
      expect(res.body.error.message).toMatch(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
    }
  });

  it('one person per ID number: the second registration → 409 duplicate_person with the existing id', async () => {
    const body = buildPerson();
    const first = await createPersonVia(t, body);
    const again = await t.call('POST', '/api/people', {
      as: 'hanoi.tiem',
      body: { ...body, fullName: `${body.fullName} B` },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'duplicate_person' }, existingId: first.id });
  });

  it('two desks registering the same ID at the same moment create one record', async () => {
    const body = buildPerson();
    const results = await Promise.all([
      t.call('POST', '/api/people', { as: 'caolanh.tiem', body }),
      t.call('POST', '/api/people', { as: 'hanoi.tiem', body }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const rows = await t.db.selectFrom('people').select('id').where('id_number', '=', body.idNumber).execute();
    expect(rows).toHaveLength(1);
    // The later one names the record that won.
    expect(results.find((r) => r.status === 409)?.body.existingId).toBe(rows[0]?.id);
  });

  it('a correction to an ID number taken after it was checked → 409 duplicate_person naming the holder', async () => {
    const admin = nationalActor({ id: 'test-admin', username: 'admin', displayName: 'admin' });
    const a = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const taken = otherCccd(a.idNumber);
    const deps = { registry: t.app.deps.registry, clock: () => now };
    // Checked while the number is free…
    const plan = await planPersonUpdate(t.db, deps, admin, a.id, { idNumber: taken, reason: 'Sửa số định danh' });
    // …then another desk registers it before the correction is written.
    const holder = await createPersonVia(t, {
      ...buildPersonIn('87', { districtCode: '866' }),
      fullName: a.fullName,
      dateOfBirth: a.dateOfBirth,
      gender: a.gender,
      idNumber: taken,
    });
    // The update fails on the unique index under a savepoint, so the transaction can still name the holder.
    const err = await unitOfWork(t.db, (trx) =>
      applyPersonUpdate(trx, systemAuditContext('test'), plan, doseDatesOf),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'duplicate_person', extra: { existingId: holder.id } });
    expect((await t.call('GET', `/api/people/${a.id}`, { as: 'admin' })).body.idNumber).toBe(a.idNumber);
  });

  it('rejects a bad phone, a bad name and an unknown province with the field', async () => {
    const bad = [
      [{ phone: '0241234567' }, 'phone'],
      [{ fullName: 'Nguyễn V4n An' }, 'fullName'],
      [{ provinceCode: '03' }, 'provinceCode'],
      [{ communeCode: '00001' }, 'communeCode'], // a Hà Nội commune for a person of another province
      [{ nationality: 'XX' }, 'nationality'], // not an assigned ISO 3166-1 code
      [{ nationality: 'UK' }, 'nationality'], // the United Kingdom is GB
    ] as const;
    for (const [patch, field] of bad) {
      const body = buildPersonIn('87', patch);
      const res = await t.call('POST', '/api/people', { as: 'caolanh.tiem', body });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });
});

describe('identity verification against the population registry', () => {
  it('mismatch: says which fields differ ("Bửu Lộc" is not "Bảo Lộc")', async () => {
    const body = buildPerson();
    const parts = body.fullName.split(' ');
    const wrongName = [...parts.slice(0, -1), 'Bửu'].join(' ');
    const res = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: {
        ...body,
        fullName: wrongName,
        dateOfBirth: body.dateOfBirth.replace(
          /-(\d\d)$/,
          (_, d) => `-${String((Number(d) % 28) + 1).padStart(2, '0')}`,
        ),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.verification).toMatchObject({ status: 'mismatch', fields: ['fullName', 'dateOfBirth'] });
  });

  it('not found: a valid number the registry does not hold', async () => {
    const res = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: buildPerson({ idNumber: '087095999999', dateOfBirth: '1995-01-02', gender: 'male', provinceCode: '87' }),
    });
    expect(res.status).toBe(201);
    expect(res.body.verification.status).toBe('not_found');
  });

  it('registry down: the desk proceeds, the record is marked to re-check, and the background job verifies it later', async () => {
    await setRegistryMode(t, { down: true });
    const res = await t.call('POST', '/api/people', { as: 'caolanh.tiem', body: buildPerson() });
    await setRegistryMode(t, { down: false });
    expect(res.status).toBe(201);
    expect(res.body.verification).toMatchObject({ status: 'unavailable', recheck: true });
    expect(res.body.verification.source).toMatch(/registry-sim \(http_503\)/);

    // Not due yet: nothing checked.
    await runRecheckBatch(t.db, { ...t.app.deps, clock: () => now }, systemAuditContext('test'));
    expect((await t.call('GET', `/api/people/${res.body.id}`, { as: 'caolanh.tiem' })).body.verification.status).toBe(
      'unavailable',
    );

    const later = new Date(now.getTime() + 16 * 60_000);
    const checked = await runRecheckBatch(t.db, { ...t.app.deps, clock: () => later }, systemAuditContext('test'));
    expect(checked).toBeGreaterThanOrEqual(1);
    const after = await t.call('GET', `/api/people/${res.body.id}`, { as: 'caolanh.tiem' });
    expect(after.body.verification).toMatchObject({ status: 'verified', recheck: false });
    const actions = (await listAudit(t.db, 'person', res.body.id)).map((a) => a.action);
    expect(actions).toContain('person.verify');
  });

  it('a sex that contradicts the ID number is caught by the rules before the registry is asked', async () => {
    const body = buildPersonIn('87');
    const res = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: { ...body, gender: body.gender === 'male' ? 'female' : 'male' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'id_number_sex_mismatch', field: 'idNumber' });
  });

  it('a site corrects a mismatching name, the identity verifies', async () => {
    const body = buildPersonIn('87');
    const wrong = await createPersonVia(t, { ...body, fullName: `${body.fullName} Thêm` });
    expect(wrong.verification.status).toBe('mismatch');
    const fixed = await t.call('PATCH', `/api/people/${wrong.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: body.fullName, reason: 'Sai tên khi nhập' },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.verification.status).toBe('verified');
    const trail = await listAudit(t.db, 'person', wrong.id);
    const update = trail.find((a) => a.action === 'person.update');
    expect(update).toMatchObject({ reason: 'Sai tên khi nhập' });
    expect((update!.before as { fullName: string }).fullName).toBe(`${body.fullName} Thêm`);
    expect((update!.after as { fullName: string }).fullName).toBe(body.fullName);
  });

  it('a supervisor overrides a mismatch with a reason; site staff may not', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const wrong = await createPersonVia(t, { ...body, fullName: `${body.fullName} Khác` });
    const bySite = await t.call('POST', `/api/people/${wrong.id}/identity-override`, {
      as: 'caolanh.tiem',
      body: { reason: 'Đã kiểm tra CCCD gốc' },
    });
    expect(bySite.status).toBe(403);
    const bySupervisor = await t.call('POST', `/api/people/${wrong.id}/identity-override`, {
      as: 'caolanh.admin',
      body: { reason: 'Đã kiểm tra CCCD gốc tại điểm tiêm' },
    });
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.verification.override).toMatchObject({
      by: 'caolanh.admin',
      reason: 'Đã kiểm tra CCCD gốc tại điểm tiêm',
    });
    const trail = await listAudit(t.db, 'person', wrong.id);
    expect(trail.find((a) => a.action === 'person.identity_override')).toMatchObject({
      actor_username: 'caolanh.admin',
    });
  });
});

describe('finding people', () => {
  it('by name typed without diacritics, by phone in any writing, by exact ID number', async () => {
    const body = buildPersonIn('87', { fullName: 'Nguyễn Thị Ánh Tuyết' });
    await t.call('POST', '/api/people', { as: 'caolanh.tiem', body });
    const byName = await t.call('GET', `/api/people?q=${encodeURIComponent('nguyen thi anh tu')}`, {
      as: 'caolanh.tiem',
    });
    expect(byName.status).toBe(200);
    const hit = byName.body.items.find((p: { fullName: string }) => p.fullName === 'Nguyễn Thị Ánh Tuyết');
    expect(hit).toBeDefined();
    expect(hit.masked).toBe(true);
    expect(hit.idNumber).toMatch(/^\d{3}\*+\d{3}$/);

    const byPhone = await t.call('GET', `/api/people?phone=${encodeURIComponent(`+84${body.phone.slice(1)}`)}`, {
      as: 'caolanh.tiem',
    });
    expect(byPhone.body.items.map((p: { fullName: string }) => p.fullName)).toContain('Nguyễn Thị Ánh Tuyết');

    const byId = await t.call('GET', `/api/people?idNumber=${body.idNumber}`, { as: 'caolanh.tiem' });
    expect(byId.body.items).toHaveLength(1);
    expect(byId.body.items[0]).toMatchObject({ idNumber: body.idNumber, masked: false });
  });

  it('a name typed in full-width letters is stored in ordinary letters and found by search; an accent on no letter is refused', async () => {
    const body = buildPersonIn('87', { fullName: 'Ｎｇｕｙｅｎ Ｖａｎ Ｂｉｎｈ Ｑｕａｎｇ' });
    const created = await t.call('POST', '/api/people', { as: 'caolanh.tiem', body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.fullName).toBe('Nguyen Van Binh Quang');
    const found = await t.call('GET', `/api/people?q=${encodeURIComponent('nguyen van binh quang')}`, {
      as: 'caolanh.tiem',
    });
    expect(found.body.items.map((p: { id: string }) => p.id)).toContain(created.body.id);

    const bare = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: buildPersonIn('87', { fullName: 'Lê \u0301\u0301\u0301\u0301 Tâm' }),
    });
    expect(bare.status).toBe(400);
    expect(bare.body.error).toMatchObject({ code: 'name_invalid_characters', field: 'fullName' });
  });

  it('name and phone searches stay inside the caller’s units; a Hà Nội administrator cannot open a Đồng Tháp record', async () => {
    const body = buildPersonIn('87', { fullName: 'Trương Văn Phạm Đồng' });
    const created = await createPersonVia(t, body);
    const fromHanoi = await t.call('GET', `/api/people?q=truong van pham dong`, { as: 'hanoi.admin' });
    expect(fromHanoi.body.items).toHaveLength(0);
    const fromDongThap = await t.call('GET', `/api/people?q=truong van pham dong`, { as: 'dongthap.admin' });
    expect(fromDongThap.body.items).toHaveLength(1);
    expect((await t.call('GET', `/api/people/${created.id}`, { as: 'hanoi.admin' })).status).toBe(404);
    expect((await t.call('GET', `/api/people/${created.id}`, { as: 'dongthap.admin' })).status).toBe(200);
  });

  it('reading a full record is audited', async () => {
    const created = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', communeCode: '29866' }));
    await t.call('GET', `/api/people/${created.id}`, { as: 'caolanh.admin' });
    const reads = (await listAudit(t.db, 'person', created.id)).filter((a) => a.action === 'person.read');
    expect(reads).toHaveLength(1);
    expect(reads[0]?.actor_username).toBe('caolanh.admin');
  });

  it('the exact look-up by ID number finds a record by its old number (a CMND a CCCD replaced); it is not registered again', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const cmnd = `34${body.idNumber.slice(5)}`;
    const created = await createPersonVia(t, { ...body, oldIdNumber: cmnd });
    expect(created.oldIdNumber).toBe(cmnd);
    const byOld = await t.call('GET', `/api/people?idNumber=${cmnd}`, { as: 'caolanh.tiem' });
    expect(byOld.body.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    expect((await listAudit(t.db, 'person', created.id)).map((a) => a.action)).toContain('person.lookup');
    // The same person at a desk with the old CMND: the record already on file is named.
    const again = await t.call('POST', '/api/people', {
      as: 'caolanh.tiem',
      body: { ...body, idType: 'cmnd', idNumber: cmnd },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'duplicate_person', field: 'idNumber' },
      existingId: created.id,
    });
    // Nor may another record be corrected to it.
    const other = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const corrected = await t.call('PATCH', `/api/people/${other.id}`, {
      as: 'caolanh.tiem',
      body: { idType: 'cmnd', idNumber: cmnd, reason: 'Sửa số định danh' },
    });
    expect(corrected.status).toBe(409);
    expect(corrected.body).toMatchObject({ error: { code: 'duplicate_person' }, existingId: created.id });
  });

  it('a CMND corrected to the CCCD that replaced it is kept as the old number; oldIdNumber can be set or cleared', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const cmnd = `35${body.idNumber.slice(5)}`;
    const created = await createPersonVia(t, { ...body, idType: 'cmnd', idNumber: cmnd });
    expect(created.oldIdNumber ?? null).toBeNull();
    const replaced = await t.call('PATCH', `/api/people/${created.id}`, {
      as: 'caolanh.tiem',
      body: { idType: 'cccd', idNumber: body.idNumber, reason: 'Đổi sang CCCD gắn chip' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ idNumber: body.idNumber, oldIdNumber: cmnd });
    const byOld = await t.call('GET', `/api/people?idNumber=${cmnd}`, { as: 'caolanh.tiem' });
    expect(byOld.body.items.map((p: { id: string }) => p.id)).toEqual([created.id]);
    // A CCCD corrected to another CCCD is a typo fixed, not a card replaced: the old number stays as it was.
    const other = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    // The same province, sex, century and year of birth (the first six digits), another serial.
    const serial = String((Number(other.idNumber.slice(6)) + 1) % 1_000_000).padStart(6, '0');
    const typo = await t.call('PATCH', `/api/people/${other.id}`, {
      as: 'caolanh.tiem',
      body: { idNumber: `${other.idNumber.slice(0, 6)}${serial}`, reason: 'Sửa số nhập nhầm' },
    });
    expect(typo.status).toBe(200);
    expect(typo.body.oldIdNumber ?? null).toBeNull();
    // Given explicitly: checked, stored; blank clears it; the current number itself is refused.
    const bad = await t.call('PATCH', `/api/people/${created.id}`, {
      as: 'caolanh.tiem',
      body: { oldIdNumber: '12ab' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('oldIdNumber');
    const same = await t.call('PATCH', `/api/people/${created.id}`, {
      as: 'caolanh.tiem',
      body: { oldIdNumber: body.idNumber },
    });
    expect(same.status).toBe(400);
    expect(same.body.error.field).toBe('oldIdNumber');
    const cleared = await t.call('PATCH', `/api/people/${created.id}`, {
      as: 'caolanh.tiem',
      body: { oldIdNumber: '', reason: 'Số cũ nhập nhầm' },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.oldIdNumber ?? null).toBeNull();
  });

  it('rejects a query with none or several of idNumber, phone, q', async () => {
    expect((await t.call('GET', '/api/people', { as: 'caolanh.tiem' })).status).toBe(400);
    expect((await t.call('GET', '/api/people?q=an&phone=0912345678', { as: 'caolanh.tiem' })).status).toBe(400);
  });

  it('needs a signed-in staff member', async () => {
    expect((await t.call('GET', '/api/people?q=nguyen')).status).toBe(401);
  });
});

describe('correcting the date of birth of a person with doses', () => {
  const CMND = () => `34${String(1_000_000 + Math.floor(Math.random() * 8_999_999)).slice(0, 7)}`;

  it('a date of birth after a recorded dose is refused (422 date_before_birth, dateOfBirth); on or before it, accepted', async () => {
    // A CMND record: a CCCD ties the birth year, a CMND does not.
    const p = await createPersonVia(t, {
      ...buildPersonIn('87', { districtCode: '866', communeCode: '29866' }),
      dateOfBirth: '1980-01-01',
      gender: 'male',
      idType: 'cmnd',
      idNumber: CMND(),
    });
    const dose = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn: '2021-09-01', facilityId: 'DT-CL-01' },
    });
    expect(dose.status).toBe(201);
    const late = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'caolanh.tiem',
      body: { dateOfBirth: '2021-10-01' },
      headers: { 'accept-language': 'vi' },
    });
    expect(late.status).toBe(422);
    expect(late.body.error).toMatchObject({ code: 'date_before_birth', field: 'dateOfBirth' });
    expect(late.body.error.message).toContain('01/09/2021');
    const record = await t.call('GET', `/api/people/${p.id}`, { as: 'caolanh.tiem' });
    expect(record.body.dateOfBirth).toBe('1980-01-01');
    expect((await listAudit(t.db, 'person', p.id)).map((a) => a.action)).not.toContain('person.update');
    // The day of the dose itself is not before it.
    const sameDay = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'caolanh.tiem',
      body: { dateOfBirth: '2021-09-01' },
    });
    expect(sameDay.status).toBe(200);
    expect(sameDay.body.dateOfBirth).toBe('2021-09-01');
  });
});

describe('legacy records', () => {
  it('an import may keep a record without an ID number, flagged legacy; the API may not', async () => {
    const body = buildPersonIn('87');
    const plan = await planNewPerson(
      t.db,
      { registry: t.app.deps.registry, clock: () => now },
      null,
      { ...body, idNumber: '', phone: '' },
      { legacy: true },
    );
    const legacy = await unitOfWork(t.db, (trx) => createPerson(trx, systemAuditContext('import'), plan));
    expect(legacy).toMatchObject({ legacy: true, id_number: null, verification_status: 'pending' });
  });
});

describe('duplicate candidates for review', () => {
  const listFor = async (as: string) => (await t.call('GET', '/api/people/duplicates', { as })).body.items as any[];
  const pairOf = (items: any[], x: string, y: string) =>
    items.find((c) => (c.a.id === x && c.b.id === y) || (c.a.id === y && c.b.id === x));

  it('lists a CMND record and a CCCD record of one person, and same name + birth date + phone, within the province', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const cccd = await createPersonVia(t, body);
    const cmnd = await createPersonVia(t, { ...body, idNumber: `34${body.idNumber.slice(5)}`, idType: 'cmnd' } as any);
    const twinBody = buildPersonIn('87', { districtCode: '866' });
    const first = await createPersonVia(t, twinBody);
    const second = await createPersonVia(t, { ...twinBody, idNumber: otherCccd(twinBody.idNumber) });

    const items = await listFor('dongthap.admin');
    expect(pairOf(items, cccd.id, cmnd.id)?.kind).toBe('cmnd_cccd');
    expect(pairOf(items, first.id, second.id)?.kind).toBe('same_name_dob_phone');
    // Full records on both sides, for the reviewer to compare.
    expect(pairOf(items, cccd.id, cmnd.id).a).toMatchObject({ fullName: body.fullName, masked: false });
    // Another province sees none of them; site staff may not review.
    const hanoi = await listFor('hanoi.admin');
    expect(pairOf(hanoi, cccd.id, cmnd.id)).toBeUndefined();
    expect(pairOf(hanoi, first.id, second.id)).toBeUndefined();
    expect((await t.call('GET', '/api/people/duplicates', { as: 'caolanh.tiem' })).status).toBe(403);
  });

  it('the list shows full records, so each person shown is audited: by the reader, found by a search of the log', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) });
    const pair = pairOf(await listFor('dongthap.admin'), a.id, b.id);
    expect(pair.a).toMatchObject({ masked: false, idNumber: expect.any(String) });
    for (const id of [a.id, b.id]) {
      const listed = (await listAudit(t.db, 'person', id)).filter((x) => x.action === 'duplicate.list');
      expect(listed.map((x) => [x.actor_username, (x.after as { candidates: number[] }).candidates])).toEqual([
        ['dongthap.admin', [pair.id]],
      ]);
      const log = await t.call('GET', `/api/audit?personId=${id}&action=duplicate.list`, { as: 'dongthap.admin' });
      expect(log.body.items.map((e: any) => e.actor.username)).toEqual(['dongthap.admin']);
    }
  });

  it('two different people: dismissed (audited), gone from the list; another province cannot dismiss', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) });
    const candidate = pairOf(await listFor('dongthap.admin'), a.id, b.id);
    expect(candidate).toBeDefined();
    expect((await t.call('POST', `/api/people/duplicates/${candidate.id}/dismiss`, { as: 'hanoi.admin' })).status).toBe(
      404,
    );
    const res = await t.call('POST', `/api/people/duplicates/${candidate.id}/dismiss`, { as: 'dongthap.admin' });
    expect(res.status).toBe(204);
    expect(pairOf(await listFor('dongthap.admin'), a.id, b.id)).toBeUndefined();
    const trail = await listAudit(t.db, 'person', candidate.a.id);
    expect(trail.find((x) => x.action === 'duplicate.dismiss')).toMatchObject({ actor_username: 'dongthap.admin' });
  });

  it('a merge closes the pair', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const a = await createPersonVia(t, body);
    const b = await createPersonVia(t, { ...body, idNumber: `34${body.idNumber.slice(5)}`, idType: 'cmnd' } as any);
    expect(pairOf(await listFor('dongthap.admin'), a.id, b.id)).toBeDefined();
    const merge = await t.call('POST', `/api/people/${a.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: b.id, reason: 'CMND cũ ghi trên CCCD' },
    });
    expect(merge.status).toBe(200);
    expect(pairOf(await listFor('dongthap.admin'), a.id, b.id)).toBeUndefined();
  });
});
