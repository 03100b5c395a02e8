import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { createUnmigratedDatabase, latch, useTestApp } from '../../test/harness.js';
import { chainHash, GENESIS_HASH, sealAuditLog, sealAuditLogOnce, verifyAuditChain } from './audit.chain.js';
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

/** What a superuser can do: the tables' triggers off for one transaction. */
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

/** Seals everything written so far, then verifies. */
async function sealAndVerify(db: Kysely<DB> = t.db) {
  await sealAuditLog(db);
  return verifyAuditChain(db);
}

// Where the tampering tests keep what they remove, to put it back.
await sql`create table audit_log_saved (like audit_log)`.execute(t.db);
await sql`create table audit_chain_saved (like audit_chain)`.execute(t.db);

/** An audit entry written in a transaction that rolls back: its id is taken and never appears. */
async function rolledBackEntry(): Promise<void> {
  await t.db
    .transaction()
    .execute(async (trx) => {
      await recordAudit(trx, systemAuditContext('test'), { action: 'test.lost', entityType: 'test', entityId: 'x' });
      throw new Error('rolled back');
    })
    .catch(() => {});
}

describe('the audit log hash chain', () => {
  it('links the entries written by API calls (single inserts, CTEs, batched doses) and verifies', async () => {
    const p = await person();
    await recordDose(p.id);
    // A read is audited outside any transaction.
    expect((await t.call('GET', `/api/people/${p.id}`, { as: 'caolanh.tiem' })).status).toBe(200);
    const r = await sealAndVerify();
    expect(r.broken).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.pending).toBe(0);
    const { n } = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(r.entries).toBe(Number(n));
    expect(r.head?.id).toBeGreaterThanOrEqual((await lastIds(t.db, 1))[0]!);
  });

  it('stores each link as sha256(prev || id || sha256(canonical)), the first from 32 zero bytes', async () => {
    const rows = await sql<{ id: number; prev_hash: Uint8Array; hash: Uint8Array; canonical: string }>`
      select a.id, c.prev_hash, c.hash, audit_log_canonical(a) as canonical
      from audit_log a join audit_chain c on c.id = a.id order by a.id limit 2
    `.execute(t.db);
    const [first, second] = rows.rows;
    expect(Buffer.from(first!.prev_hash).equals(GENESIS_HASH)).toBe(true);
    expect(chainHash(first!.prev_hash, first!.id, first!.canonical).equals(Buffer.from(first!.hash))).toBe(true);
    expect(Buffer.from(second!.prev_hash).equals(Buffer.from(first!.hash))).toBe(true);
    // Migration 0009's twelve fields, and (migration 0013) the entry's units and people.
    expect(JSON.parse(first!.canonical)).toHaveLength(14);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the log and of its chain through the application', async () => {
    await sealAuditLog(t.db);
    const [id] = await lastIds(t.db, 1);
    await expect(sql`update audit_log set reason = 'edited' where id = ${id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_chain set hash = prev_hash where id = ${id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_chain where id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_chain`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_chain_head`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('keeps one valid chain under 20 concurrent API writers, and links across rolled-back writes', async () => {
    const [before] = await lastIds(t.db, 1);
    const people = await Promise.all(Array.from({ length: 20 }, () => person()));
    // And 20 doses at once: the batched fast path writes their entries with one INSERT … SELECT.
    await Promise.all(people.map((p) => recordDose(p.id)));
    // A write rolled back takes an id that never appears.
    await rolledBackEntry();
    await recordAudit(t.db, systemAuditContext('test'), { action: 'test.after', entityType: 'test', entityId: 'y' });
    const r = await sealAndVerify();
    expect(r.broken).toBeNull();
    expect(r.pending).toBe(0);
    const created = await t.db
      .selectFrom('audit_log')
      .leftJoin('audit_chain', 'audit_chain.id', 'audit_log.id')
      .select(['audit_log.id', 'audit_log.action', 'audit_chain.hash'])
      .where('audit_log.id', '>', before!)
      .orderBy('audit_log.id')
      .execute();
    expect(created.every((x) => x.hash !== null)).toBe(true);
    expect(created.filter((x) => x.action === 'person.create')).toHaveLength(20);
    expect(created.filter((x) => x.action === 'dose.create')).toHaveLength(20);
    expect(created.some((x) => x.action === 'test.lost')).toBe(false);
    expect(created.at(-1)?.action).toBe('test.after');
  });

  it('finds an entry edited in SQL behind the triggers, at exactly its id, and is OK again once undone', async () => {
    const p = await person();
    await recordDose(p.id);
    await person();
    await sealAuditLog(t.db);
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
    expect(r.broken).toMatchObject({ id: victim, problem: 'content' });
    expect(r.broken!.lastGoodId).toBeLessThan(victim!);

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

  it('finds a deleted entry at the entry after it, a rewritten link, and a link removed', async () => {
    await person();
    await person();
    await sealAuditLog(t.db);
    const [a, b, c] = await lastIds(t.db, 3);
    await asSuperuser(async (trx) => {
      await sql`with d as (delete from audit_log where id = ${b} returning *) insert into audit_log_saved select * from d`.execute(
        trx,
      );
    });
    const r = await verifyAuditChain(t.db);
    expect(r.broken).toMatchObject({ id: c, problem: 'link', lastGoodId: a });

    // Put back as it was (a superuser can), the chain holds again.
    await asSuperuser(async (trx) => {
      await sql`insert into audit_log select * from audit_log_saved where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // A stored hash rewritten: the entry's own check fails first.
    await asSuperuser(async (trx) => {
      await sql`insert into audit_chain_saved select * from audit_chain where id = ${b}`.execute(trx);
      await sql`update audit_chain set hash = sha256(hash) where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: b, problem: 'content' });

    // The link removed altogether.
    await asSuperuser(async (trx) => {
      await sql`delete from audit_chain where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: b, problem: 'unsealed' });
    await asSuperuser(async (trx) => {
      await sql`insert into audit_chain select * from audit_chain_saved where id = ${b}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('finds the last entries removed (against the head), and an entry slipped in below the sealed point', async () => {
    await recordAudit(t.db, systemAuditContext('test'), { action: 'test.tail', entityType: 'test', entityId: 'tail' });
    await sealAuditLog(t.db);
    const [last] = await lastIds(t.db, 1);
    await asSuperuser(async (trx) => {
      await sql`with d as (delete from audit_log where id = ${last} returning *) insert into audit_log_saved select * from d`.execute(
        trx,
      );
    });
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ problem: 'missing_tail' });
    await asSuperuser(async (trx) => {
      await sql`insert into audit_log select * from audit_log_saved where id = ${last}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // A rolled-back write leaves a free id below the sealed point; an entry written there by hand.
    await rolledBackEntry();
    await recordAudit(t.db, systemAuditContext('test'), { action: 'test.kept', entityType: 'test', entityId: 'y' });
    await sealAuditLog(t.db);
    const [kept] = await lastIds(t.db, 1);
    const free = kept! - 1;
    expect(await t.db.selectFrom('audit_log').select('id').where('id', '=', free).executeTakeFirst()).toBeUndefined();
    await sql`insert into audit_log (id, action, entity_type, entity_id) values (${free}, 'test.slipped', 'test', 'z')`.execute(
      t.db,
    );
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id: free, problem: 'unsealed' });
    await asSuperuser(async (trx) => {
      await sql`delete from audit_log where id = ${free}`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('leaves a link written by hand ahead of the sealer for verification to find', async () => {
    // In one transaction, so that no sealer links the entry first.
    const id = await t.db.transaction().execute(async (trx) => {
      await recordAudit(trx, systemAuditContext('test'), { action: 'test.forged', entityType: 'test', entityId: 'f' });
      const [written] = await lastIds(trx, 1);
      await sql`insert into audit_chain (id, prev_hash, hash) values (${written}, ${GENESIS_HASH}, ${GENESIS_HASH})`.execute(
        trx,
      );
      return written;
    });
    await sealAuditLog(t.db);
    expect((await verifyAuditChain(t.db)).broken).toMatchObject({ id, problem: 'link' });
    // Repaired by a superuser with the link the sealer would have written.
    const before = await t.db
      .selectFrom('audit_chain')
      .select('hash')
      .where('id', '<', id!)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const canonical = await sql<{
      c: string;
    }>`select audit_log_canonical(a) as c from audit_log a where id = ${id}`.execute(t.db);
    const hash = chainHash(before.hash, id!, canonical.rows[0]!.c);
    await asSuperuser(async (trx) => {
      await sql`delete from audit_chain where id = ${id}`.execute(trx);
      await sql`insert into audit_chain values (${id}, ${Buffer.from(before.hash)}, ${hash})`.execute(trx);
    });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('does not seal past an entry whose transaction is still open, and seals it once committed', async () => {
    await sealAuditLog(t.db);
    if (t.app.dbKind === 'postgres') {
      // PostgreSQL: another connection holds the entry uncommitted while later entries commit.
      const url = (t.app.config.database as { url: string }).url;
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await other.query('begin');
        const { rows } = await other.query<{ id: string }>(
          "insert into audit_log (action, entity_type, entity_id) values ('test.slow', 'test', 'slow') returning id",
        );
        const slow = Number(rows[0]!.id);
        await recordAudit(t.db, systemAuditContext('test'), { action: 'test.fast', entityType: 'test', entityId: 'f' });
        for (let i = 0; i < 4; i++) {
          await sealAuditLogOnce(t.db);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const head = await t.db.selectFrom('audit_chain_head').select('sealed_id').executeTakeFirstOrThrow();
        expect(Number(head.sealed_id)).toBeLessThan(slow);
        await other.query('commit');
        const r = await sealAndVerify();
        expect(r).toMatchObject({ ok: true, pending: 0 });
        const linked = await t.db.selectFrom('audit_chain').select('id').where('id', '=', slow).executeTakeFirst();
        expect(linked).toBeDefined();
      } finally {
        await other.end();
      }
      return;
    }
    // The embedded database has one connection: a sealer started while a transaction holds an
    // uncommitted entry waits for that transaction, then seals the committed entry.
    const { done: gate, release } = latch();
    const { done: insertedOnce, release: inserted } = latch();
    const writer = t.db.transaction().execute(async (trx) => {
      const row = await sql<{ id: string }>`insert into audit_log (action, entity_type, entity_id)
        values ('test.slow', 'test', 'slow') returning id`.execute(trx);
      inserted();
      await gate;
      return Number(row.rows[0]!.id);
    });
    await insertedOnce;
    let sealedDuringTransaction = false;
    let gateReleased = false;
    const sealer = sealAuditLogOnce(t.db).then(() => {
      sealedDuringTransaction = !gateReleased;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sealedDuringTransaction).toBe(false);
    gateReleased = true;
    release();
    const slow = await writer;
    await sealer;
    expect(sealedDuringTransaction).toBe(false);
    const r = await sealAndVerify();
    expect(r).toMatchObject({ ok: true, pending: 0 });
    const linked = await t.db.selectFrom('audit_chain').select('id').where('id', '=', slow).executeTakeFirst();
    expect(linked).toBeDefined();
  });
});

describe('migration 0009 on a log written before it', () => {
  it('seals the existing entries in id order, links the next ones after them, and goes down and up again', async () => {
    const fresh = await createUnmigratedDatabase();
    const { db, to } = fresh;
    try {
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
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 3, head: { id: 4 }, pending: 0 });

      // What the application wrote at that version (its entries had no units yet).
      await sql`insert into audit_log (action, entity_type, entity_id) values ('new.write', 'test', 'd')`.execute(db);
      expect((await lastIds(db, 1))[0]).toBe(5);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 3, pending: 1 });
      expect(await sealAndVerify(db)).toMatchObject({ ok: true, entries: 4, head: { id: 5 }, pending: 0 });

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
