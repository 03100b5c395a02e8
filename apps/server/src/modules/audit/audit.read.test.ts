import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.js';
import ExcelJS from '../../lib/exceljs.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { createUnmigratedDatabase, useTestApp } from '../../test/harness.js';
import { sealAuditLog, verifyAuditChain } from './audit.chain.js';
import { AUDIT_EXPORT_COLUMNS } from './audit.export.js';
import { listAudit, recordAudit, systemAuditContext } from './audit.service.js';

const t = await useTestApp();
const PFIZER = 'EU/1/20/1528';

/** A person of TP Cao Lãnh (district 866, Phường 1), of Sa Đéc (867) or of Ba Đình, Hà Nội (001). */
const CAO_LANH = { province: '87', districtCode: '866', communeCode: '29866' };
const SA_DEC = { province: '87', districtCode: '867', communeCode: '29902' };
const BA_DINH = { province: '01', districtCode: '001', communeCode: '00001' };
async function personOf(place: typeof CAO_LANH, as: string) {
  const { province, ...units } = place;
  return createPersonVia(t, buildPersonIn(province, units), as);
}

async function get(url: string, as: string) {
  return t.call('GET', url, { as });
}
async function page(query: string, as: string) {
  const res = await get(`/api/audit?${query}`, as);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: any[]; nextCursor: number | null };
}
/** Every entry of a filter, through every page. */
async function all(query: string, as: string, limit = 200) {
  const items: any[] = [];
  let cursor: number | null = null;
  do {
    const p = await page(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, as);
    items.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return items;
}

async function recordDose(personId: string) {
  const res = await t.call('POST', `/api/people/${personId}/doses`, {
    as: 'caolanh.tiem',
    body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-11-15', facilityId: 'DT-CL-01' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

// The people of the tests, and what was done to them.
const caoLanh = await personOf(CAO_LANH, 'dongthap.admin');
const saDec = await personOf(SA_DEC, 'dongthap.admin');
const baDinh = await personOf(BA_DINH, 'hanoi.admin');
const dose = await recordDose(caoLanh.id);
// Desk staff of Hà Nội open the Cao Lãnh person's record (allowed at any desk, audited).
expect((await get(`/api/people/${caoLanh.id}`, 'hanoi.tiem')).status).toBe(200);
const corrected = await t.call('PATCH', `/api/people/${caoLanh.id}`, {
  as: 'caolanh.admin',
  body: { address: 'Số 5, Phường 1, TP Cao Lãnh', reason: 'Người dân báo đổi địa chỉ' },
});
expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);

/** The cells of a CSV (every cell quoted, `""` inside), without its BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let cell = '';
      for (i++; i < text.length; i++) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (text[i] === '"') break;
        else cell += text[i];
      }
      row.push(cell);
      i++;
    }
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${text[i]} at ${i}`);
  }
  return rows;
}

/** The entries about records (not the log's own reads, which name whom a supervisor looked for). */
const records = (items: any[]) => items.filter((e) => !e.action.startsWith('audit.'));

/** The entries of an entity as written (all columns). */
const entriesOf = (type: string, id: string) => listAudit(t.db, type, id);

describe('what an audit entry is tied to (migration 0013)', () => {
  it('the units of its record and of the staff member who acted, and the person it is about', async () => {
    const [created] = (await entriesOf('person', caoLanh.id)).filter((e) => e.action === 'person.create');
    expect(created?.unit_codes).toEqual(['c:29866', 'd:866', 'p:87']);
    expect(created?.person_ids).toEqual([caoLanh.id]);

    // The dose's entry is written in the statement that writes the dose: tied through what it names.
    const [doseEntry] = await entriesOf('dose', dose.id);
    expect(doseEntry?.action).toBe('dose.create');
    expect(doseEntry?.unit_codes).toEqual(['c:29866', 'd:866', 'f:DT-CL-01', 'p:87']);
    expect(doseEntry?.person_ids).toEqual([caoLanh.id]);

    // A read by Hà Nội's desk: the record's units and the reader's (their facility and its units).
    const [read] = (await entriesOf('person', caoLanh.id)).filter(
      (e) => e.action === 'person.read' && e.actor_username === 'hanoi.tiem',
    );
    expect(read?.unit_codes).toEqual(['c:00001', 'c:29866', 'd:001', 'd:866', 'f:HN-BD-01', 'p:01', 'p:87']);
  });

  it('a person moved to another district is tied to both; an entry about nothing of a unit to none', async () => {
    const mover = await personOf(SA_DEC, 'dongthap.admin');
    const moved = await t.call('PATCH', `/api/people/${mover.id}`, {
      as: 'dongthap.admin',
      body: { districtCode: '866', communeCode: '29863', reason: 'Chuyển nơi ở' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const [update] = (await entriesOf('person', mover.id)).filter((e) => e.action === 'person.update');
    expect(update?.unit_codes).toEqual(['c:29863', 'c:29902', 'd:866', 'd:867', 'p:87']);

    await recordAudit(t.db, systemAuditContext('test'), { action: 'test.none', entityType: 'test', entityId: 'n' });
    const [none] = await entriesOf('test', 'n');
    expect(none?.unit_codes).toEqual([]);
    expect(none?.person_ids).toEqual([]);
  });

  it('a lot allocated to a district is tied to the province that gave it and the district that got it', async () => {
    const lotNumber = `AU${randomUUID().slice(0, 6)}`.toUpperCase();
    const lot = await t.call('POST', '/api/lots', {
      as: 'dongthap.admin',
      body: { vaccineCode: PFIZER, lotNumber, expiresOn: '2030-01-01', doses: 100, receivedOn: '2021-10-01' },
    });
    expect(lot.status).toBe(201);
    const allocated = await t.call('POST', `/api/lots/${lot.body.id}/allocations`, {
      as: 'dongthap.admin',
      body: { doses: 40, toDistrictCode: '867' },
    });
    expect(allocated.status).toBe(204);
    const allocation = (await entriesOf('lot', lot.body.id)).find((e) => e.action === 'lot.allocate');
    expect(allocation?.unit_codes).toEqual(['d:867', 'p:87']);
    const sadec = await page(`action=lot.allocate&unitCode=867`, 'dongthap.admin');
    expect(sadec.items.map((e) => e.entityId)).toContain(lot.body.id);
    expect((await page('action=lot.allocate', 'caolanh.admin')).items.map((e) => e.entityId)).not.toContain(
      lot.body.id,
    );
  });
});

describe('GET /api/audit: scoped to the caller', () => {
  it('a district administrator reads only the entries of their district', async () => {
    const items = await all('', 'caolanh.admin');
    expect(items.length).toBeGreaterThan(3);
    for (const e of items) expect(e.unitCodes, JSON.stringify(e)).toContain('d:866');
    const about = new Set(records(items).flatMap((e) => e.personIds ?? []));
    expect(about.has(caoLanh.id)).toBe(true);
    expect(about.has(saDec.id)).toBe(false);
    expect(about.has(baDinh.id)).toBe(false);
    // Asking for another district's person finds nothing.
    expect((await page(`personId=${saDec.id}`, 'caolanh.admin')).items).toEqual([]);
    expect((await page(`personId=${baDinh.id}`, 'caolanh.admin')).items).toEqual([]);
  });

  it('refuses a unit outside the caller’s units (403), for the list and both exports', async () => {
    for (const url of [
      '/api/audit?unitCode=867',
      '/api/audit?unitCode=87',
      '/api/audit?unitCode=01',
      '/api/audit/export.csv?unitCode=867',
      '/api/audit/export.xlsx?unitCode=001',
    ]) {
      const res = await get(url, 'caolanh.admin');
      expect(res.status, url).toBe(403);
      expect(res.body.error, url).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    }
    expect((await get('/api/audit?unitCode=01', 'dongthap.admin')).status).toBe(403);
    expect((await get('/api/audit?unitCode=99', 'admin')).body.error.code).toBe('unknown_unit');
    // Not a supervisor: no audit log at all.
    for (const who of ['caolanh.tiem', 'dongthap.phananh'])
      expect((await get('/api/audit', who)).status, who).toBe(403);
  });

  it('cannot export another district’s entries: the export holds only the caller’s', async () => {
    const res = await get('/api/audit/export.csv', 'caolanh.admin');
    expect(res.status).toBe(200);
    const rows = parseCsv(res.raw.body).slice(1);
    const units = AUDIT_EXPORT_COLUMNS.findIndex((c) => c.header === 'Đơn vị liên quan');
    const people = AUDIT_EXPORT_COLUMNS.findIndex((c) => c.header === 'Người được tiêm liên quan');
    const code = AUDIT_EXPORT_COLUMNS.findIndex((c) => c.header === 'Mã hành động');
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r[units]!.split(' '), r.join()).toContain('d:866');
    // The people of the records in it: Cao Lãnh's, not Sa Đéc's or Hà Nội's (the caller's own
    // look-ups of the log, which name whom they looked for, are theirs).
    const about = rows.filter((r) => !r[code]!.startsWith('audit.')).flatMap((r) => r[people]!.split(' '));
    expect(about).toContain(caoLanh.id);
    expect(about).not.toContain(saDec.id);
    expect(about).not.toContain(baDinh.id);
  });

  it('a province reads its districts’ entries; the reader’s province sees their staff reading elsewhere', async () => {
    const dongThap = new Set(records(await all('', 'dongthap.admin')).flatMap((e) => e.personIds ?? []));
    expect(dongThap.has(caoLanh.id) && dongThap.has(saDec.id)).toBe(true);
    expect(dongThap.has(baDinh.id)).toBe(false);
    // Hà Nội's administrator sees that Hà Nội's desk read a Cao Lãnh record, and nothing else of it.
    const hanoi = await page(`personId=${caoLanh.id}`, 'hanoi.admin');
    expect(hanoi.items.map((e) => `${e.action} ${e.actor.username}`)).toEqual(['person.read hanoi.tiem']);
    // The nation reads everything.
    const nation = new Set((await all('', 'admin')).flatMap((e) => e.personIds ?? []));
    expect([caoLanh.id, saDec.id, baDinh.id].every((id) => nation.has(id))).toBe(true);
  });
});

describe('GET /api/audit: filters and paging', () => {
  it('by person: who created, read and changed the record, and the dose, newest first', async () => {
    const { items } = await page(`personId=${caoLanh.id}`, 'caolanh.admin');
    const seen = items.map((e) => `${e.action} ${e.actor.username}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'person.create dongthap.admin',
        'dose.create caolanh.tiem',
        'person.read hanoi.tiem',
        'person.update caolanh.admin',
      ]),
    );
    const ids = items.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const update = items.find((e) => e.action === 'person.update');
    expect(update).toMatchObject({ reason: 'Người dân báo đổi địa chỉ', entityType: 'person', entityId: caoLanh.id });
    expect(update.before).toMatchObject({ address: null });
    expect(update.after).toMatchObject({ address: 'Số 5, Phường 1, TP Cao Lãnh' });
  });

  it('by staff member, action, unit, facility and time', async () => {
    const byActor = await all('actor=hanoi.tiem', 'dongthap.admin');
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actor.username === 'hanoi.tiem')).toBe(true);

    const reads = await all(`action=person.read&personId=${caoLanh.id}`, 'admin');
    expect(reads.map((e) => e.action)).toEqual(['person.read']);

    const commune = await all('unitCode=29902', 'dongthap.admin');
    expect(commune.some((e) => e.personIds?.includes(saDec.id))).toBe(true);
    expect(commune.every((e) => e.unitCodes.includes('c:29902'))).toBe(true);

    const facility = await all('facilityId=DT-CL-01', 'caolanh.admin');
    expect(facility.map((e) => e.entityId)).toContain(dose.id);
    expect(facility.every((e) => e.unitCodes.includes('f:DT-CL-01'))).toBe(true);

    // Time: the entries from the dose's entry on, and up to it.
    const doseEntry = (await entriesOf('dose', dose.id))[0]!;
    const at = doseEntry.at.toISOString();
    const from = await all(`personId=${caoLanh.id}&from=${encodeURIComponent(at)}`, 'admin');
    expect(from.some((e) => e.action === 'person.create')).toBe(false);
    expect(from.some((e) => e.action === 'dose.create')).toBe(true);
    const to = await all(`personId=${caoLanh.id}&to=${encodeURIComponent(at)}`, 'admin');
    expect(to.some((e) => e.action === 'person.create')).toBe(true);
    expect(to.some((e) => e.action === 'dose.create')).toBe(false);
    const wrong = await get(`/api/audit?from=${encodeURIComponent(at)}&to=${encodeURIComponent(at)}`, 'admin');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'audit_range_invalid', field: 'to' });
  });

  it('pages by keyset on the id: every entry once, in order, the last page without a cursor', async () => {
    const reader = await personOf(CAO_LANH, 'caolanh.tiem');
    for (let i = 0; i < 7; i++) expect((await get(`/api/people/${reader.id}`, 'caolanh.tiem')).status).toBe(200);
    const whole = await page(`personId=${reader.id}&limit=200`, 'caolanh.admin');
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.length).toBeGreaterThanOrEqual(8);
    const paged = await all(`personId=${reader.id}&action=person.read`, 'caolanh.admin', 3);
    expect(paged.map((e) => e.id)).toEqual(whole.items.filter((e) => e.action === 'person.read').map((e) => e.id));
    const first = await page(`personId=${reader.id}&action=person.read&limit=3`, 'caolanh.admin');
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toBe(first.items[2].id);
    // Entries written after the first page do not shift the next one.
    expect((await get(`/api/people/${reader.id}`, 'caolanh.tiem')).status).toBe(200);
    const second = await page(
      `personId=${reader.id}&action=person.read&limit=3&cursor=${first.nextCursor}`,
      'caolanh.admin',
    );
    expect(second.items.map((e) => e.id)).toEqual(paged.slice(3, 6).map((e) => e.id));
    expect((await get('/api/audit?limit=201', 'admin')).status).toBe(400);
  });

  it('reading the log is itself an entry: about the person read, by whom, with the filters', async () => {
    const subject = await personOf(CAO_LANH, 'dongthap.admin');
    await page(`personId=${subject.id}`, 'caolanh.admin');
    const reads = (await entriesOf('person', subject.id)).filter((e) => e.action === 'audit.read');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ actor_username: 'caolanh.admin', after: { filters: { personId: subject.id } } });
    // The next read shows who read the log before.
    const again = await page(`personId=${subject.id}`, 'dongthap.admin');
    expect(again.items.map((e) => `${e.action} ${e.actor.username}`)).toContain('audit.read caolanh.admin');
    // Without a person: an entry about the log, tied to the reader's units.
    await page('action=person.update', 'caolanh.admin');
    const logRead = (await entriesOf('audit_log', 'log')).filter((e) => e.actor_username === 'caolanh.admin').at(-1);
    expect(logRead?.after).toMatchObject({ filters: { action: 'person.update' } });
    expect(logRead?.unit_codes).toEqual(expect.arrayContaining(['d:866', 'p:87']));
  });
});

describe('exports of the filtered log', () => {
  it('CSV: Vietnamese headers, one row per entry of the filter in the list’s order, the action in words', async () => {
    const res = await get(`/api/audit/export.csv?personId=${caoLanh.id}`, 'dongthap.admin');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="nhat-ky-truy-cap.csv"');
    const text = res.raw.body;
    expect(text.startsWith('\uFEFF"Số thứ tự","Thời điểm (UTC)","Người thực hiện","Vai trò","Hành động"')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    // The list read afterwards: the export's own entry (written as it started) is not in the
    // export, every entry before it is, in the same order.
    const list = await all(`personId=${caoLanh.id}`, 'dongthap.admin');
    const own = list.find((e) => e.action === 'audit.export' && e.actor.username === 'dongthap.admin');
    expect(own?.after).toMatchObject({ format: 'csv', filters: { personId: caoLanh.id } });
    const before = list.filter((e) => e.id < own.id);
    expect(lines).toHaveLength(before.length + 1);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]!.replace(/"/g, '')))).toEqual(before.map((e) => e.id));
    const updateLine = lines.find((l) => l.includes('"person.update"'))!;
    expect(updateLine).toContain('"Sửa thông tin hồ sơ"');
    expect(updateLine).toContain('"Quản trị huyện"');
    expect(updateLine).toContain('"Người dân báo đổi địa chỉ"');
    expect(lines.find((l) => l.includes(',"person.read",'))).toContain('"Xem hồ sơ"');
  });

  it('XLSX: the same rows as the CSV, in a sheet with the Vietnamese headers', async () => {
    const csv = (await get(`/api/audit/export.csv?personId=${caoLanh.id}`, 'admin')).raw.body;
    const res = await get(`/api/audit/export.xlsx?personId=${caoLanh.id}`, 'admin');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Nhật ký truy cập')!;
    const rows: string[][] = [];
    ws.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? '')));
    });
    expect(rows[0]).toEqual(AUDIT_EXPORT_COLUMNS.map((c) => c.header));
    const csvRows = csv.slice(1).trimEnd().split('\r\n');
    // The XLSX export was asked after the CSV: it holds the CSV's export entry as well.
    expect(rows.length).toBe(csvRows.length + 1);
    expect(rows.slice(2).map((r) => r[0])).toEqual(csvRows.slice(1).map((l) => l.split(',')[0]!.replace(/"/g, '')));
    expect(rows[1]).toEqual(expect.arrayContaining(['audit.export', 'Xuất nhật ký truy cập']));
  });
});

describe('the hash chain with units (npm run audit:verify’s check)', () => {
  it('verifies, and finds an entry whose units or people were changed behind the triggers', async () => {
    await sealAuditLog(t.db);
    const before = await verifyAuditChain(t.db);
    expect(before.broken).toBeNull();
    expect(before.ok).toBe(true);
    const [victim] = (await entriesOf('person', caoLanh.id)).filter((e) => e.action === 'person.create');
    const id = Number(victim!.id);
    const tamper = (change: ReturnType<typeof sql>) =>
      t.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await change.execute(trx);
      });
    await tamper(sql`update audit_log set unit_codes = array['p:01'] where id = ${id}`);
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id, problem: 'content' });
    await tamper(sql`update audit_log set unit_codes = null, person_ids = null where id = ${id}`);
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id, problem: 'content' });
    await tamper(sql`update audit_log set person_ids = array[]::text[] where id = ${id}`);
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id, problem: 'content' });
    await tamper(
      sql`update audit_log set unit_codes = ${sql.raw(`array['c:29866', 'd:866', 'p:87']`)}, person_ids = array[${caoLanh.id}] where id = ${id}`,
    );
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});

describe('migration 0013 on a log sealed before it', () => {
  it('leaves every sealed entry verifying, and seals the new entries with their units', async () => {
    const fresh = await createUnmigratedDatabase();
    const { db } = fresh;
    try {
      await fresh.to('2026_12_02_0009_audit_chain');
      for (const id of ['a', 'b', 'c'])
        await sql`insert into audit_log (actor_username, action, entity_type, entity_id, after, reason)
          values ('hanoi.admin', 'old.write', 'person', ${id}, '{"provinceCode": "01", "tên": "Nguyễn Văn A"}', null)`.execute(
          db,
        );
      const sealed = await sealAuditLog(db);
      const old = await sql<{
        canonical: string;
      }>`select audit_log_canonical(a) as canonical from audit_log a order by id`.execute(db);

      await migrateToLatest(db);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 3, head: { id: sealed } });
      // The same text as before the migration: what their hashes cover.
      const now = await sql<{
        canonical: string;
      }>`select audit_log_canonical(a) as canonical from audit_log a order by id`.execute(db);
      expect(now.rows).toEqual(old.rows);
      const [legacy] = await listAudit(db, 'person', 'a');
      expect(legacy).toMatchObject({ unit_codes: null, person_ids: null });

      await recordAudit(db, systemAuditContext('test'), {
        action: 'new.write',
        entityType: 'person',
        entityId: 'd',
        after: { provinceCode: '01' },
      });
      const [written] = await listAudit(db, 'person', 'd');
      expect(written).toMatchObject({ unit_codes: ['p:01'], person_ids: ['d'] });
      expect(await sealAndVerifyOn(db)).toMatchObject({ ok: true, entries: 4, pending: 0 });
    } finally {
      await fresh.drop();
    }
  });
});

async function sealAndVerifyOn(db: typeof t.db) {
  await sealAuditLog(db);
  return verifyAuditChain(db);
}
