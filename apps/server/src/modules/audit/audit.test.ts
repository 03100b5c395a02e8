import { randomUUID } from 'node:crypto';
import { type Kysely, Migrator, sql, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import { MIGRATIONS } from '../../db/migrate.js';
import type { DB } from '../../db/schema.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { createTestDatabase, testConfig, useTestApp } from '../../test/harness.js';
import { chainHash, GENESIS_HASH, verifyAuditChain } from './audit.chain.js';
import { recordAudit, systemAuditContext } from './audit.service.js';

const t = await useTestApp();

const dose = {
  vaccineCode: 'EU/1/20/1528',
  lotNumber: 'FF2587',
  administeredOn: '2021-11-15',
  facilityId: 'DT-CL-01',
};

async function person() {
  return createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
}

async function recordDose(personId: string) {
  const res = await t.call('POST', `/api/people/${personId}/doses`, {
    as: 'caolanh.tiem',
    body: dose,
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** What a superuser can do: the table's triggers (append-only and chain) off for one transaction. */
function asSuperuser(work: (trx: Transaction<DB>) => Promise<void>) {
  return t.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await work(trx);
  });
}

async function lastIds(db: Kysely<DB>, n: number): Promise<number[]> {
  const rows = await db.selectFrom('audit_log').select('id').orderBy('id', 'desc').limit(n).execute();
  return rows.map((r) => Number(r.id)).reverse();
}

// Where the tampering tests keep the entries they remove, to put them back.
await sql`create table audit_log_saved (like audit_log)`.execute(t.db);

describe('the audit log hash chain', () => {
  it('chains the entries written by API calls (single inserts, CTEs, batched doses) and verifies', async () => {
    const p = await person();
    await recordDose(p.id);
    // A read is audited outside any transaction.
    expect((await t.call('GET', `/api/people/${p.id}`, { as: 'caolanh.tiem' })).status).toBe(200);
    const r = await verifyAuditChain(t.db);
    expect(r.broken).toBeNull();
    expect(r.ok).toBe(true);
    const { n } = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(r.entries).toBe(Number(n));
    expect(r.head?.id).toBe((await lastIds(t.db, 1))[0]);
  });

  it('stores each link as sha256(prev || id || sha256(canonical)), the first from 32 zero bytes', async () => {
    const rows = await sql<{ id: number; prev_hash: Uint8Array; hash: Uint8Array; canonical: string }>`
      select a.id, a.prev_hash, a.hash, audit_log_canonical(a) as canonical from audit_log a order by a.id limit 2
    `.execute(t.db);
    const [first, second] = rows.rows;
    expect(Buffer.from(first!.prev_hash).equals(GENESIS_HASH)).toBe(true);
    expect(chainHash(first!.prev_hash, first!.id, first!.canonical).equals(Buffer.from(first!.hash))).toBe(true);
    expect(Buffer.from(second!.prev_hash).equals(Buffer.from(first!.hash))).toBe(true);
    expect(JSON.parse(first!.canonical)).toHaveLength(12);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the log through the application', async () => {
    const [id] = await lastIds(t.db, 1);
    await expect(sql`update audit_log set reason = 'edited' where id = ${id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_chain_head`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('ignores an id or hashes the application tries to set: the trigger assigns them', async () => {
    const [last] = await lastIds(t.db, 1);
    await sql`insert into audit_log (id, action, entity_type, entity_id, prev_hash, hash)
      values (1, 'test.forge', 'test', 'x', '\\x00', '\\x00')`.execute(t.db);
    const row = await t.db
      .selectFrom('audit_log')
      .select(['id', 'hash'])
      .where('action', '=', 'test.forge')
      .executeTakeFirstOrThrow();
    expect(Number(row.id)).toBe(last! + 1);
    expect(row.hash).toHaveLength(32);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('keeps one valid chain, in id order without gaps, under 20 concurrent API writers', async () => {
    const [before] = await lastIds(t.db, 1);
    const people = await Promise.all(Array.from({ length: 20 }, () => person()));
    // And 20 doses at once: the batched fast path writes their entries with one INSERT … SELECT.
    await Promise.all(people.map((p) => recordDose(p.id)));
    const r = await verifyAuditChain(t.db);
    expect(r.broken).toBeNull();
    const created = await t.db
      .selectFrom('audit_log')
      .select(['id', 'action'])
      .where('id', '>', before!)
      .orderBy('id')
      .execute();
    const ids = created.map((x) => Number(x.id));
    expect(ids).toEqual(ids.map((_, i) => before! + 1 + i));
    expect(created.filter((x) => x.action === 'person.create')).toHaveLength(20);
    expect(created.filter((x) => x.action === 'dose.create')).toHaveLength(20);
  });

  it('finds an entry edited in SQL behind the triggers, at exactly its id, and is OK again once undone', async () => {
    const p = await person();
    await recordDose(p.id);
    await person();
    const [victim, next] = await lastIds(t.db, 3);
    const original = await t.db
      .selectFrom('audit_log')
      .select('after')
      .where('id', '=', victim!)
      .executeTakeFirstOrThrow();
    await asSuperuser(async (trx) => {
      await sql`update audit_log set after = ${JSON.stringify({ tampered: true })}::jsonb where id = ${victim}`.execute(
        trx,
      );
    });
    const r = await verifyAuditChain(t.db, { pageSize: 7 });
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ id: victim, problem: 'content', lastGoodId: victim! - 1 });
    expect(r.entries).toBe(victim! - 1);

    // Putting the value back makes the same hash: content is all the chain checks.
    await asSuperuser(async (trx) => {
      await sql`update audit_log set after = ${JSON.stringify(original.after)}::jsonb where id = ${victim}`.execute(
        trx,
      );
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // SQL null and JSON null differ.
    await asSuperuser(async (trx) => {
      await sql`update audit_log set reason = 'x' where id = ${next}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: next, problem: 'content' });
    await asSuperuser(async (trx) => {
      await sql`update audit_log set reason = null where id = ${next}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('finds a deleted entry at the entry after it, and a rewritten stored hash', async () => {
    await person();
    await person();
    const [a, b, c] = await lastIds(t.db, 3);
    await asSuperuser(async (trx) => {
      await sql`with d as (delete from audit_log where id = ${b} returning *) insert into audit_log_saved select * from d`.execute(
        trx,
      );
    });
    const r = await verifyAuditChain(t.db);
    expect(r.broken).toMatchObject({ id: c, problem: 'link', lastGoodId: a });
    expect(r.broken?.message).toContain(`ids ${b}–${b} are not in the log`);

    // Put back as it was (a superuser can), the chain holds again.
    await asSuperuser(async (trx) => {
      await sql`insert into audit_log select * from audit_log_saved where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // A stored hash rewritten: the entry's own check fails first.
    await asSuperuser(async (trx) => {
      await sql`update audit_log set hash = sha256(hash) where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: b, problem: 'content' });
    await asSuperuser(async (trx) => {
      await sql`update audit_log a set hash = s.hash from audit_log_saved s where a.id = ${b} and s.id = a.id`.execute(
        trx,
      );
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('finds the last entries removed (against the chain head), and an entry written with the trigger off', async () => {
    await recordAudit(t.db, systemAuditContext('test'), { action: 'test.tail', entityType: 'test', entityId: 'tail' });
    const [last] = await lastIds(t.db, 1);
    await asSuperuser(async (trx) => {
      await sql`with d as (delete from audit_log where id = ${last} returning *) insert into audit_log_saved select * from d`.execute(
        trx,
      );
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: last, problem: 'missing_tail' });
    await asSuperuser(async (trx) => {
      await sql`insert into audit_log select * from audit_log_saved where id = ${last}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // An entry slipped in with the triggers off, with a made-up id beyond the head.
    await asSuperuser(async (trx) => {
      await sql`insert into audit_log (id, action, entity_type, entity_id, prev_hash, hash)
        values (${last! + 1000}, 'test.slipped', 'test', 'x', '\\x00', '\\x00')`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: last! + 1000, problem: 'unchained' });
    await asSuperuser(async (trx) => {
      await sql`delete from audit_log where id = ${last! + 1000}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});

describe('migration 0009 on a log written before it', () => {
  it('seals the existing entries in id order, chains the next ones after them, and goes down and up again', async () => {
    // An empty database: a new one on PostgreSQL, a fresh in-memory one (not the seeded template) on PGlite.
    const fresh = process.env.DATABASE_URL
      ? await createTestDatabase()
      : await openDatabase(testConfig().database).then((database) => ({ database, drop: () => database.close() }));
    const db = fresh.database.db;
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      const to = async (name: string) => {
        const r = await migrator.migrateTo(name);
        if (r.error) throw r.error;
      };
      await to('2026_11_24_0008_report_queue_index');
      const insert = (entityId: string) =>
        sql`insert into audit_log (action, entity_type, entity_id, before, after, reason)
            values ('old.write', 'test', ${entityId}, 'null'::jsonb, '{"tên": "Nguyễn Văn A", "n": [1, 2.50]}', null)`.execute(
          db,
        );
      await insert('a');
      // A rolled-back write leaves a gap in the identity's ids.
      await db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into audit_log (action, entity_type, entity_id) values ('old.lost', 'test', 'x')`.execute(
            trx,
          );
          throw new Error('rollback');
        })
        .catch(() => {});
      await insert('b');
      await insert('c');

      await to('2026_12_02_0009_audit_chain');
      const sealed = await verifyAuditChain(db);
      expect(sealed).toMatchObject({ ok: true, entries: 3, head: { id: 4 } });

      await recordAudit(db, systemAuditContext('test'), { action: 'new.write', entityType: 'test', entityId: 'd' });
      const after = await verifyAuditChain(db);
      expect(after).toMatchObject({ ok: true, entries: 4, head: { id: 5 } });

      await to('2026_11_24_0008_report_queue_index');
      await insert('e');
      const ids = await db.selectFrom('audit_log').select('id').orderBy('id').execute();
      expect(ids.map((r) => Number(r.id))).toEqual([1, 3, 4, 5, 6]);
      await to('2026_12_02_0009_audit_chain');
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 5, head: { id: 6 } });
    } finally {
      await fresh.drop();
    }
  });
});
