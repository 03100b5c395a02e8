import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { sealAuditLog, verifyAuditChain } from '../modules/audit/audit.chain.js';
import { buildPersonIn, createPersonVia } from '../test/factories.js';
import { createUnmigratedDatabase, useTestApp } from '../test/harness.js';

/**
 * Migration 0023: `doses` partitioned by hash of the person, `audit_log` by year — the rules the
 * unpartitioned tables kept still hold (one key over every person, the person-day rule, the dose
 * references of visits and adverse events, the append-only log and its hash chain), and the rows
 * of a database made before it survive the way up and down.
 */
const now = new Date('2022-03-01T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

const PFIZER = 'EU/1/20/1528';
const dose = (over: Record<string, unknown> = {}) => ({
  vaccineCode: PFIZER,
  lotNumber: 'FF2587',
  administeredOn: '2021-11-15',
  facilityId: 'DT-CL-01',
  ...over,
});
const person = () => createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
const post = (personId: string, body: object, key: string) =>
  t.call('POST', `/api/people/${personId}/doses`, { as: 'caolanh.tiem', body, headers: { 'idempotency-key': key } });

async function partitionsOf(table: string) {
  const { rows } = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass order by c.relname`.execute(t.db);
  return rows;
}

describe('doses: partitioned by hash of the person', () => {
  it('has eight partitions; people’s doses spread over all of them, each person’s in one', async () => {
    const parts = await partitionsOf('doses');
    expect(parts.map((p) => p.bound)).toEqual(
      Array.from({ length: 8 }, (_, r) => `FOR VALUES WITH (modulus 8, remainder ${r})`),
    );
    // 200 people (legacy records, written directly) with a dose each: every partition gets some
    // (the chance that one stays empty is 8 × (7/8)^200 ≈ 2·10⁻¹¹).
    const tag = randomUUID().slice(0, 8);
    await sql`
      insert into people (id, full_name, name_key, date_of_birth, gender, province_code, legacy)
      select ${tag} || '-' || g, 'Người thử', 'nguoi thu', date '1980-01-01', 'female', '87', true
      from generate_series(1, 200) g`.execute(t.db);
    await sql`
      insert into doses (id, person_id, vaccine_code, lot_number, administered_on, facility_id, province_code,
                         dose_number, dose_kind, source)
      select ${tag} || '-d' || g, ${tag} || '-' || g, ${PFIZER}, 'FF2587', '2021-11-15', 'DT-CL-01', '87', 1, 'primary', 'api'
      from generate_series(1, 200) g`.execute(t.db);
    const { rows } = await sql<{ part: string; n: number }>`
      select tableoid::regclass::text as part, count(*)::int as n from doses
      where person_id like ${`${tag}-%`} group by 1 order by 1`.execute(t.db);
    expect(rows.map((r) => r.part)).toEqual(Array.from({ length: 8 }, (_, r) => `doses_h${r}`));
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(200);
    // And each person's doses lie in one partition (the person is the key).
    const { rows: spread } = await sql<{ n: number }>`
      select max(c)::int as n from (select count(distinct tableoid) as c from doses group by person_id) x`.execute(
      t.db,
    );
    expect(spread[0]!.n).toBe(1);
  });

  it('keeps one Idempotency-Key over every person: two people’s requests with one key at the same moment make one dose', async () => {
    const [a, b] = [await person(), await person()];
    const key = randomUUID();
    // Sent together, both go into one shared statement of the fast path (different people): the
    // trigger's claim of the key fails it; each is tried alone again, and the second, whose key is
    // taken, goes to the locked path, which answers 422.
    const [ra, rb] = await Promise.all([post(a.id, dose(), key), post(b.id, dose(), key)]);
    expect([ra.status, rb.status].sort()).toEqual([201, 422]);
    expect((ra.status === 422 ? ra : rb).body.error.code).toBe('idempotency_key_reused');
    const { rows } = await sql<{ person_id: string }>`
      select d.person_id from doses d join dose_keys k on k.dose_id = d.id where k.idempotency_key = ${key}`.execute(
      t.db,
    );
    expect(rows).toHaveLength(1);
    // A replay by the winner answers the same dose.
    const winner = ra.status === 201 ? { p: a, r: ra } : { p: b, r: rb };
    const again = await post(winner.p.id, dose(), key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(winner.r.body.id);
  });

  it('refuses a raw insert whose key another person’s dose holds, and a second dose on one day', async () => {
    const [a, b] = [await person(), await person()];
    const key = randomUUID();
    const first = await post(a.id, dose(), key);
    const raw = (personId: string, k: string | null, day: string) => sql`
      insert into doses (id, person_id, vaccine_code, lot_number, administered_on, facility_id, province_code,
                         dose_number, dose_kind, source, idempotency_key)
      values (${randomUUID()}, ${personId}, ${PFIZER}, 'FF2587', ${day}, 'DT-CL-01', '87', 2, 'primary', 'api', ${k})`;
    await expect(raw(b.id, key, '2021-12-20').execute(t.db)).rejects.toMatchObject({ code: '23505' });
    await expect(raw(a.id, null, '2021-11-15').execute(t.db)).rejects.toMatchObject({ code: '23505' });
    expect(
      (await sql<{ n: number }>`select count(*)::int as n from doses where person_id = ${b.id}`.execute(t.db)).rows[0]!
        .n,
    ).toBe(0);
    expect(first.status).toBe(201);
  });

  it('checks what the foreign keys checked: a visit’s and an adverse event’s dose, a duplicate’s twin', async () => {
    const [a, b] = [await person(), await person()];
    const da = (await post(a.id, dose(), randomUUID())).body.id as string;
    const db_ = (await post(b.id, dose(), randomUUID())).body.id as string;
    // A visit naming a dose that does not exist.
    const session = randomUUID();
    await sql`insert into vaccination_sessions (id, facility_id, province_code, session_date)
              values (${session}, 'DT-CL-01', '87', '2021-11-15')`.execute(t.db);
    const visit = (doseId: string) => sql`
      insert into visits (id, session_id, person_id, queue_number, status, check_in_method, checked_in_at, dose_id)
      values (${randomUUID()}, ${session}, ${a.id}, 1, 'done', 'list', now(), ${doseId})`;
    await expect(visit('no-such-dose').execute(t.db)).rejects.toMatchObject({ code: '23503' });
    await visit(da).execute(t.db);
    await expect(
      sql`insert into adverse_events (id, person_id, dose_id, facility_id, province_code, occurred_at, symptoms, severity, action_taken)
          values (${randomUUID()}, ${a.id}, 'no-such-dose', 'DT-CL-01', '87', now(), '[]', 'mild', 'theo dõi')`.execute(
        t.db,
      ),
    ).rejects.toMatchObject({ code: '23503' });
    // An adverse event on a real dose, which then cannot be deleted.
    await sql`insert into adverse_events (id, person_id, dose_id, facility_id, province_code, occurred_at, symptoms, severity, action_taken)
              values (${randomUUID()}, ${a.id}, ${da}, 'DT-CL-01', '87', now(), '[]', 'mild', 'theo dõi')`.execute(
      t.db,
    );
    await expect(sql`delete from doses where id = ${da}`.execute(t.db)).rejects.toMatchObject({ code: '23503' });
    // A duplicate must point at a dose of the same person (checked at commit).
    await expect(
      t.db.transaction().execute((trx) => sql`update doses set duplicate_of = ${db_} where id = ${da}`.execute(trx)),
    ).rejects.toMatchObject({ code: '23503' });
  });
});

describe('a merge moves doses between partitions', () => {
  const partOf = async (personId: string) =>
    (
      await sql<{ r: number }>`
        select r from generate_series(0, 7) r where satisfies_hash_partition('doses'::regclass, 8, r, ${personId}::text)`.execute(
        t.db,
      )
    ).rows[0]!.r;

  it('keeps a moved dose’s visit and adverse event, marks the twin, and all of it commits', async () => {
    const a = await person();
    // The survivor in another partition than the merged record (the row really moves).
    let b = await person();
    for (let n = 0; n < 6 && (await partOf(b.id)) === (await partOf(a.id)); n++) b = await person();
    expect(await partOf(b.id)).not.toBe(await partOf(a.id));
    const da = (await post(a.id, dose(), randomUUID())).body.id as string;
    const twin = (await post(b.id, dose(), randomUUID())).body.id as string;
    const later = (await post(a.id, dose({ administeredOn: '2021-12-20' }), randomUUID())).body.id as string;
    await sql`insert into adverse_events (id, person_id, dose_id, facility_id, province_code, occurred_at, symptoms, severity, action_taken)
              values (${randomUUID()}, ${a.id}, ${later}, 'DT-CL-01', '87', now(), '[]', 'mild', 'theo dõi')`.execute(
      t.db,
    );
    const merged = await t.call('POST', `/api/people/${b.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: a.id, reason: 'cùng một người, hai hồ sơ' },
    });
    expect(merged.status).toBe(200);
    const { rows } = await sql<{ id: string; person_id: string; duplicate_of: string | null; part: string }>`
      select id, person_id, duplicate_of, tableoid::regclass::text as part from doses
      where id in (${da}, ${twin}, ${later}) order by id`.execute(t.db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of [da, twin, later]) {
      expect(byId.get(id)?.person_id).toBe(b.id);
      expect(byId.get(id)?.part).toBe(`doses_h${await partOf(b.id)}`);
    }
    expect(byId.get(da)?.duplicate_of).toBe(twin);
    expect(byId.get(later)?.duplicate_of).toBeNull();
    // The adverse event still names its dose, which cannot now be deleted.
    await expect(sql`delete from doses where id = ${later}`.execute(t.db)).rejects.toMatchObject({ code: '23503' });
  });
});

describe('audit_log: partitioned by year', () => {
  it('has a partition per year from 2021 to next year and a default one; an entry lands by its time', async () => {
    const names = (await partitionsOf('audit_log')).map((p) => p.name);
    const year = new Date().getUTCFullYear();
    for (let y = 2021; y <= year + 1; y++) expect(names).toContain(`audit_log_y${y}`);
    expect(names).toContain('audit_log_default');
    const tag = randomUUID();
    await sql`insert into audit_log (at, action, entity_type, entity_id) values
      ('2019-05-01T00:00:00Z', 'test.old', 'test', ${tag}), ('2022-05-01T00:00:00Z', 'test.mid', 'test', ${tag})`.execute(
      t.db,
    );
    const { rows } = await sql<{ action: string; part: string }>`
      select action, tableoid::regclass::text as part from audit_log where entity_id = ${tag} order by action`.execute(
      t.db,
    );
    expect(rows).toEqual([
      { action: 'test.mid', part: 'audit_log_y2022' },
      { action: 'test.old', part: 'audit_log_default' },
    ]);
    await sealAuditLog(t.db, { timeoutMs: 10_000 });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('is append-only through the parent and through each partition', async () => {
    await expect(sql`truncate audit_log_y2022`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log_default`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log_y2022`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set reason = 'x' where at < '2023-01-01'`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('adds the years asked for, and leaves a year whose entries are in the default partition there', async () => {
    const far = 2100;
    await sql`insert into audit_log (at, action, entity_type, entity_id) values
      (${`${far}-03-01T00:00:00Z`}, 'test.future', 'test', 'far')`.execute(t.db);
    const { rows } = await sql<{ n: number }>`
      select audit_log_add_partitions(${`${far + 1}-06-01T00:00:00Z`}::timestamptz) as n`.execute(t.db);
    const names = (await partitionsOf('audit_log')).map((p) => p.name);
    expect(names).toContain(`audit_log_y${far - 1}`);
    expect(names).toContain(`audit_log_y${far + 1}`);
    expect(names).not.toContain(`audit_log_y${far}`);
    expect(rows[0]!.n).toBeGreaterThan(50);
    // Asked again: nothing to make.
    const again = await sql<{
      n: number;
    }>`select audit_log_add_partitions(${`${far + 1}-06-01T00:00:00Z`}::timestamptz) as n`.execute(t.db);
    expect(again.rows[0]!.n).toBe(0);
  });
});

const fresh = await createUnmigratedDatabase();
afterAll(() => fresh.drop());

describe('migration 0023 on a database that has rows', () => {
  const counts = async () => {
    const { rows } = await sql<{ doses: number; keyed: number; audit: number; max_id: string }>`
      select (select count(*)::int from doses) as doses,
             (select count(*)::int from doses where idempotency_key is not null) as keyed,
             (select count(*)::int from audit_log) as audit,
             (select max(id)::text from audit_log) as max_id`.execute(fresh.db);
    return rows[0]!;
  };

  it('keeps every dose, key and audit entry up and down, and the hash chain verifies', async () => {
    await fresh.to('2026_12_03_0022_people_fillfactor');
    // An empty database: the rows the doses' foreign keys need, made here.
    await sql`insert into facilities (id, name, province_code) values ('F-0023', 'Trạm thử', '87')`.execute(fresh.db);
    await sql`
      insert into vaccines (code, name, local_name, manufacturer, ma, vp, platform, approved_on, primary_doses, doses_per_vial)
      values ('V-0023', 'Test', 'Thử', 'M', 'ORG-1', '1119349007', 'mRNA', '2021-06-01', 2, 6)`.execute(fresh.db);
    const ids = Array.from({ length: 30 }, (_, n) => `P0023-${n}`);
    await sql`
      insert into people (id, full_name, name_key, date_of_birth, gender, province_code, legacy)
      select x, 'Người thử', 'nguoi thu', date '1980-01-01', 'female', '87', true from unnest(${ids}::text[]) x`.execute(
      fresh.db,
    );
    expect(ids.length).toBeGreaterThan(0);
    await sql`
      insert into doses (id, person_id, vaccine_code, lot_number, administered_on, facility_id, province_code,
                         dose_number, dose_kind, source, idempotency_key)
      select 'D' || n || '-' || x, x, 'V-0023', 'L1', date '2021-08-01' + n * 30, 'F-0023', '87', n, 'primary', 'api',
             case when n = 1 then 'key-' || x end
      from unnest(${ids}::text[]) x, generate_series(1, 2) n`.execute(fresh.db);
    await sql`insert into audit_log (action, entity_type, entity_id) select 'test.before', 'test', g::text from generate_series(1, 25) g`.execute(
      fresh.db,
    );
    await sealAuditLog(fresh.db as never, { timeoutMs: 10_000 });
    const before = await counts();
    expect(before.doses).toBe(ids.length * 2);

    await fresh.to('2026_12_03_0023_partitioning');
    expect(await counts()).toEqual(before);
    const { rows: keys } = await sql<{ n: number }>`select count(*)::int as n from dose_keys`.execute(fresh.db);
    expect(keys[0]!.n).toBe(before.keyed);
    expect((await verifyAuditChain(fresh.db as never)).ok).toBe(true);
    // New entries take the next ids and are sealed after the old ones.
    await sql`insert into audit_log (action, entity_type, entity_id) values ('test.after', 'test', 'x')`.execute(
      fresh.db,
    );
    await sealAuditLog(fresh.db as never, { timeoutMs: 10_000 });
    expect((await verifyAuditChain(fresh.db as never)).ok).toBe(true);
    const after = await counts();
    expect(BigInt(after.max_id)).toBeGreaterThan(BigInt(before.max_id));

    await fresh.to('2026_12_03_0022_people_fillfactor');
    expect(await counts()).toEqual(after);
    expect((await verifyAuditChain(fresh.db as never)).ok).toBe(true);
    const { rows: kind } = await sql<{
      k: string;
    }>`select relkind::text as k from pg_class where relname = 'doses'`.execute(fresh.db);
    expect(kind[0]!.k).toBe('r');
    await fresh.to('2026_12_03_0023_partitioning');
    expect(await counts()).toEqual(after);
  });
});
