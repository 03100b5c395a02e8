import { describe, expect, it } from 'vitest';
import { uniq, useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

const TODAY = '2021-11-20';
const t = await useTestApp({ deps: { clock: () => new Date(`${TODAY}T02:00:00Z`) } });
const PFIZER = 'EU/1/20/1528';

async function receive(as: string, over: Record<string, unknown> = {}) {
  const lotNumber = uniq('ST').toUpperCase();
  const res = await t.call('POST', '/api/lots', {
    as,
    body: { vaccineCode: PFIZER, lotNumber, expiresOn: '2022-06-30', doses: 1000, receivedOn: '2021-11-15', ...over },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; lotNumber: string };
}

async function allocate(as: string, lotId: string, body: Record<string, unknown>) {
  return t.call('POST', `/api/lots/${lotId}/allocations`, { as, body });
}

async function stock(as: string, query = '') {
  const res = await t.call('GET', `/api/stock${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    unit: { level: string; code: string | null; name: string };
    expiryWarningDays: number;
    items: {
      holder: string;
      level: string;
      name: string;
      districtCode: string | null;
      lots: any[];
      lotsExpiringSoon: number;
    }[];
  };
}
const lotIn = (s: Awaited<ReturnType<typeof stock>>, holder: string, lotId: string) =>
  s.items.find((h) => h.holder === holder)?.lots.find((l) => l.id === lotId);

const main = await receive('dongthap.admin');
const soon = await receive('dongthap.admin', { expiresOn: '2021-12-10', doses: 50 });
expect((await allocate('dongthap.admin', main.id, { doses: 300, toDistrictCode: '866' })).status).toBe(204);
expect((await allocate('dongthap.admin', main.id, { doses: 100, toFacilityId: 'DT-SD-01' })).status).toBe(204);
expect((await allocate('caolanh.admin', main.id, { doses: 120, toFacilityId: 'DT-CL-01' })).status).toBe(204);

describe('GET /api/stock: the stock of a unit and of the holders below it', () => {
  it('a province sees its own stock, its districts’ and its facilities’, with expiry warnings', async () => {
    const s = await stock('dongthap.admin');
    expect(s.unit).toEqual({ level: 'province', code: '87', name: 'Tỉnh Đồng Tháp' });
    expect(s.expiryWarningDays).toBe(30);
    expect(s.items[0]).toMatchObject({ holder: 'P:87', level: 'province', name: 'Tỉnh Đồng Tháp' });
    expect(lotIn(s, 'P:87', main.id)).toMatchObject({ dosesReceived: 1000, dosesAllocated: 400, dosesRemaining: 600 });
    expect(lotIn(s, 'P:87', soon.id)).toMatchObject({ dosesRemaining: 50, expiresSoon: true, expired: false });
    expect(s.items[0]!.lotsExpiringSoon).toBeGreaterThanOrEqual(1);
    expect(s.items.find((h) => h.holder === 'D:866')).toMatchObject({
      level: 'district',
      name: 'Thành phố Cao Lãnh',
      districtCode: '866',
    });
    expect(lotIn(s, 'D:866', main.id)).toMatchObject({ dosesReceived: 300, dosesAllocated: 120, dosesRemaining: 180 });
    expect(lotIn(s, 'F:DT-CL-01', main.id)).toMatchObject({ dosesReceived: 120, dosesRemaining: 120 });
    expect(s.items.find((h) => h.holder === 'F:DT-CL-01')).toMatchObject({
      level: 'facility',
      name: 'Trạm Y tế Phường 1, TP Cao Lãnh',
      districtCode: '866',
    });
    expect(lotIn(s, 'F:DT-SD-01', main.id)).toMatchObject({ dosesRemaining: 100 });
    // Province first, then districts, then facilities.
    const levels = s.items.map((h) => h.level);
    expect(levels).toEqual(
      [...levels].sort(
        (a, b) => ['province', 'district', 'facility'].indexOf(a) - ['province', 'district', 'facility'].indexOf(b),
      ),
    );
  });

  it('a district sees its own and its facilities’ only; another unit is refused', async () => {
    const s = await stock('caolanh.admin');
    expect(s.unit).toMatchObject({ level: 'district', code: '866' });
    expect(s.items.map((h) => h.holder)).toEqual(expect.arrayContaining(['D:866', 'F:DT-CL-01']));
    expect(s.items.every((h) => h.holder === 'D:866' || h.districtCode === '866')).toBe(true);
    expect(s.items.some((h) => h.holder === 'F:DT-SD-01' || h.holder === 'P:87')).toBe(false);
    for (const [who, unit] of [
      ['caolanh.admin', '867'],
      ['caolanh.admin', '87'],
      ['dongthap.admin', '01'],
      ['hanoi.admin', '866'],
    ] as const) {
      const res = await t.call('GET', `/api/stock?unitCode=${unit}`, { as: who });
      expect(res.status, `${who} ${unit}`).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    }
    expect((await t.call('GET', '/api/stock?unitCode=999', { as: 'admin' })).body.error.code).toBe('unknown_unit');
    expect((await t.call('GET', '/api/stock', { as: 'caolanh.tiem' })).status).toBe(403);
    // A province looks at one of its districts.
    const district = await stock('dongthap.admin', '?unitCode=866');
    expect(district.items.map((h) => h.holder).sort()).toEqual(s.items.map((h) => h.holder).sort());
  });

  it('the nation sees each province’s own stock, and any unit below on asking; the read is audited', async () => {
    const nation = await stock('admin');
    expect(nation.unit).toMatchObject({ level: 'nation', code: null });
    expect(nation.items.every((h) => h.level === 'province')).toBe(true);
    expect(lotIn(nation, 'P:87', main.id)).toMatchObject({ dosesRemaining: 600 });
    const filtered = await stock('admin', `?unitCode=87&vaccineCode=${encodeURIComponent('EU/1/21/1529')}`);
    expect(filtered.items.flatMap((h) => h.lots).every((l) => l.vaccineCode === 'EU/1/21/1529')).toBe(true);
    const reads = (await listAudit(t.db, 'stock', '866')).filter((e) => e.actor_username === 'caolanh.admin');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]).toMatchObject({ action: 'stock.read', unit_codes: expect.arrayContaining(['d:866']) });
  });
});

describe('receipts and allocations: the catalogue’s errors', () => {
  it('refuses an expired lot, an expired allocation, a missing or wrong target, and too many doses', async () => {
    const expired = await t.call('POST', '/api/lots', {
      as: 'dongthap.admin',
      body: { vaccineCode: PFIZER, lotNumber: 'OLD1', expiresOn: '2021-11-01', doses: 10, receivedOn: '2021-11-15' },
    });
    expect(expired.status).toBe(422);
    expect(expired.body.error).toMatchObject({ code: 'lot_received_expired', field: 'expiresOn' });
    expect(expired.body.error.message).toBe(
      'Lô OLD1 đã hết hạn ngày 2021-11-01, trước ngày nhận: không nhận được vào kho.',
    );

    const gone = await receive('dongthap.admin', { expiresOn: '2021-11-19', receivedOn: '2021-11-01' });
    const late = await allocate('dongthap.admin', gone.id, { doses: 1, toDistrictCode: '866' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'allocation_lot_expired' });
    expect(late.body.error.message).toContain(gone.lotNumber);

    const noTarget = await allocate('dongthap.admin', main.id, { doses: 1 });
    expect(noTarget.body.error).toMatchObject({ code: 'allocation_target_invalid', field: 'toFacilityId' });
    expect(noTarget.status).toBe(400);
    const districtToDistrict = await allocate('caolanh.admin', main.id, { doses: 1, toDistrictCode: '866' });
    expect(districtToDistrict.body.error).toMatchObject({ code: 'allocation_target_invalid', field: 'toDistrictCode' });

    const tooMany = await allocate('caolanh.admin', main.id, { doses: 181, toFacilityId: 'DT-CL-01' });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: 'insufficient_stock', field: 'doses' });
    expect(tooMany.body.error.message).toBe(`Không đủ vắc xin: lô ${main.lotNumber} chỉ còn 180 liều.`);
  });

  it('an allocation is dated neither after today nor before its holder received the lot', async () => {
    const lot = await receive('dongthap.admin', { receivedOn: '2021-11-15' });
    const before = await allocate('dongthap.admin', lot.id, {
      doses: 1,
      toFacilityId: 'DT-CL-01',
      movedOn: '2020-01-01',
    });
    expect(before.status).toBe(400);
    expect(before.body.error).toMatchObject({ code: 'allocation_before_receipt', field: 'movedOn' });
    expect(before.body.error.message).toBe(
      `Lô ${lot.lotNumber} được nhận ngày 15/11/2021: không phân bổ được trước ngày nhận.`,
    );
    const dayBefore = await allocate('dongthap.admin', lot.id, {
      doses: 1,
      toFacilityId: 'DT-CL-01',
      movedOn: '2021-11-14',
    });
    expect(dayBefore.body.error.code).toBe('allocation_before_receipt');
    const tomorrow = await allocate('dongthap.admin', lot.id, {
      doses: 1,
      toFacilityId: 'DT-CL-01',
      movedOn: '2021-11-21',
    });
    expect(tomorrow.status).toBe(400);
    expect(tomorrow.body.error).toMatchObject({ code: 'allocation_date_in_future', field: 'movedOn' });
    const far = await allocate('dongthap.admin', lot.id, { doses: 1, toFacilityId: 'DT-CL-01', movedOn: '2022-06-29' });
    expect(far.body.error.code).toBe('allocation_date_in_future');
    // A district's receipt is the day the province passed the doses down.
    expect(
      (await allocate('dongthap.admin', lot.id, { doses: 100, toDistrictCode: '866', movedOn: '2021-11-18' })).status,
    ).toBe(204);
    const early = await allocate('caolanh.admin', lot.id, {
      doses: 1,
      toFacilityId: 'DT-CL-01',
      movedOn: '2021-11-16',
    });
    expect(early.body.error).toMatchObject({ code: 'allocation_before_receipt', field: 'movedOn' });
    expect(early.body.error.message).toContain('18/11/2021');
    // From the day of receipt to today it is taken.
    expect(
      (await allocate('caolanh.admin', lot.id, { doses: 1, toFacilityId: 'DT-CL-01', movedOn: '2021-11-18' })).status,
    ).toBe(204);
    expect(
      (await allocate('dongthap.admin', lot.id, { doses: 1, toFacilityId: 'DT-CL-01', movedOn: TODAY })).status,
    ).toBe(204);
    expect((await allocate('dongthap.admin', lot.id, { doses: 1, toFacilityId: 'DT-CL-01' })).status).toBe(204);
  });
});

describe('reconciliation per lot', () => {
  it('names the lot, its expiry and doses per vial with the doses used against those recorded', async () => {
    const session = await t.call('POST', '/api/sessions', {
      as: 'caolanh.tiem',
      body: { facilityId: 'DT-CL-01', sessionDate: TODAY, lotNumbers: [main.lotNumber] },
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const closed = await t.call('POST', `/api/sessions/${session.body.id}/close`, {
      as: 'caolanh.tiem',
      body: { lots: [{ lotNumber: main.lotNumber, vialsOpened: 2 }] },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const rec = await t.call('GET', '/api/lots/reconciliation', { as: 'caolanh.admin' });
    expect(rec.body.items.find((r: any) => r.lotNumber === main.lotNumber)).toEqual({
      lotNumber: main.lotNumber,
      lotId: main.id,
      expiresOn: '2022-06-30',
      dosesPerVial: 6,
      vaccineCode: PFIZER,
      dosesUsed: 12,
      dosesRecorded: 0,
      possibleUnrecorded: 12,
    });
    // The facility's stock counts what the session used.
    expect(lotIn(await stock('caolanh.admin'), 'F:DT-CL-01', main.id)).toMatchObject({
      dosesUsed: 12,
      dosesRemaining: 108,
    });
  });
});
