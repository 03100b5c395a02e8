import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { every } from '../../lib/periodic.js';

/**
 * The audit log's hash chain (migration 0009). Each entry's link in `audit_chain` holds
 *
 *   hash = sha256(prev_hash || id as 8 bytes big-endian || sha256(utf8(audit_log_canonical(entry))))
 *
 * and `prev_hash`, the hash of the entry before it (32 zero bytes for the first). The database's
 * `audit_log_seal()` makes the links a little after the entries are committed, in id order (see the
 * migration for why not while writing); the servers call it every second. Verification recomputes
 * each hash here, in Node, from the database's canonical text, entry by entry in id order, a page at
 * a time.
 */

/** The previous hash of the first entry. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

export type ChainProblem =
  /** The entry's fields (or its stored hash) are not what was hashed when it was sealed. */
  | 'content'
  /** Its `prev_hash` is not the hash of the entry before it: an entry between was removed or altered. */
  | 'link'
  /** An entry older than the sealed point has no link: written behind the sealer's back (or its link removed). */
  | 'unsealed'
  /** The head names a last sealed entry that is not there (the last entries were removed). */
  | 'missing_tail'
  /** No chain at all (`audit_chain_head` missing or empty). */
  | 'no_head';

export interface ChainBreak {
  /** The first entry whose link does not hold. */
  readonly id: number;
  readonly problem: ChainProblem;
  /** In words, what differs. */
  readonly message: string;
  /** Hex of the value expected there, and of what was found. */
  readonly expected?: string;
  readonly found?: string;
  /** The last entry that verified before it (0: none). */
  readonly lastGoodId: number;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Entries verified (up to the first break). */
  readonly entries: number;
  /** The sealed end of the chain when verification started: its id and hash (hex). */
  readonly head: { readonly id: number; readonly hash: string } | null;
  /** Entries newer than that, not yet sealed (not checked). */
  readonly pending: number;
  readonly broken: ChainBreak | null;
}

/** The hash of an entry, from the previous hash, its id and its canonical text. */
export function chainHash(prevHash: Uint8Array, id: number | bigint, canonical: string): Buffer {
  const idBytes = Buffer.alloc(8);
  idBytes.writeBigInt64BE(BigInt(id));
  const content = createHash('sha256').update(canonical, 'utf8').digest();
  return createHash('sha256').update(prevHash).update(idBytes).update(content).digest();
}

function bytes(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.alloc(0);
}

/** One call of the database's sealer: links what became final. Returns the entries linked. */
export async function sealAuditLogOnce(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select audit_log_seal() as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Seals every entry committed before the call (a few calls of the sealer; it waits for writing
 * transactions that were running at the start to end, `timeoutMs` at most). Returns the sealed id.
 */
export async function sealAuditLog(db: Kysely<DB>, options: { timeoutMs?: number } = {}): Promise<number> {
  const target = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  const wanted = Number(target?.id ?? 0);
  const until = Date.now() + (options.timeoutMs ?? 30_000);
  for (let wait = 0; ; wait = Math.min(wait * 2 || 5, 200)) {
    await sealAuditLogOnce(db);
    const head = await db.selectFrom('audit_chain_head').select('sealed_id').executeTakeFirst();
    const sealed = Number(head?.sealed_id ?? 0);
    if (sealed >= wanted) return sealed;
    if (Date.now() > until) {
      throw new Error(
        `the audit log is sealed up to ${sealed} only, ${wanted} wanted: a writing transaction is still open`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Calls the sealer every `everyMs` while the app runs (with several nodes, one at a time works). */
export function startAuditSealer(app: FastifyInstance, everyMs = 1000): void {
  every(app, everyMs, 'sealing the audit log', () => sealAuditLogOnce(app.db));
}

/**
 * Makes the audit log's yearly partitions up to a year after `now` (migration 0023); an entry
 * outside them lands in the default partition, so this keeps the years apart, it loses nothing.
 * Returns the partitions made (0 once they exist: a catalogue look-up per year, no lock).
 */
export async function ensureAuditPartitions(db: Kysely<DB>, now: Date): Promise<number> {
  const through = new Date(now.getTime() + 366 * 86_400_000);
  const { rows } = await sql<{ n: number }>`select audit_log_add_partitions(${through}) as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Checks twice a day that next year's partition of the audit log is there (by the real date: entries take the database's time). */
export function startAuditPartitioner(app: FastifyInstance, everyMs = 12 * 3_600_000): void {
  every(app, everyMs, 'audit log partitions', () => ensureAuditPartitions(app.db, new Date()));
}

interface ChainRow {
  id: number;
  prev_hash: unknown;
  hash: unknown;
  canonical: string;
}

/**
 * Walks the sealed part of the audit log in id order (`pageSize` entries per query, so memory stays
 * flat on millions) and reports the first broken link. `onProgress` is called after each page.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  options: { pageSize?: number; onProgress?: (verified: number, lastId: number) => void } = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 2000;
  const headRow = await db.selectFrom('audit_chain_head').select(['sealed_id', 'hash']).executeTakeFirst();
  if (!headRow) {
    return {
      ok: false,
      entries: 0,
      head: null,
      pending: 0,
      broken: {
        id: 0,
        problem: 'no_head',
        message: 'audit_chain_head has no row: the chain cannot be checked or extended',
        lastGoodId: 0,
      },
    };
  }
  const sealedId = Number(headRow.sealed_id);
  const headHash = bytes(headRow.hash);
  const head = { id: sealedId, hash: headHash.toString('hex') };
  let prev: Buffer = GENESIS_HASH;
  let lastId = 0;
  let entries = 0;
  const pendingOf = async () => {
    const r = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '>', sealedId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  const fail = async (broken: Omit<ChainBreak, 'lastGoodId'>): Promise<ChainVerification> => ({
    ok: false,
    entries,
    head,
    pending: await pendingOf(),
    broken: { ...broken, lastGoodId: lastId },
  });

  for (;;) {
    const { rows } = await sql<ChainRow>`
      select a.id, c.prev_hash, c.hash, audit_log_canonical(a) as canonical
      from audit_log a left join audit_chain c on c.id = a.id
      where a.id > ${lastId} and a.id <= ${sealedId}
      order by a.id
      limit ${pageSize}
    `.execute(db);
    for (const row of rows) {
      const id = Number(row.id);
      if (row.hash === null || row.hash === undefined) {
        return fail({
          id,
          problem: 'unsealed',
          message:
            'it has no link in the chain although it is older than the sealed point: it was written behind ' +
            "the sealer's back (with an id chosen by hand), or its link was removed",
        });
      }
      const prevHash = bytes(row.prev_hash);
      const hash = bytes(row.hash);
      if (!prevHash.equals(prev)) {
        return fail({
          id,
          problem: 'link',
          message:
            `its prev_hash is not the hash of the entry before it (${lastId ? `id ${lastId}` : 'the start of the log'}): ` +
            'an entry between them was removed, or this link was rewritten',
          expected: prev.toString('hex'),
          found: prevHash.toString('hex'),
        });
      }
      const recomputed = chainHash(prevHash, id, row.canonical);
      if (!recomputed.equals(hash)) {
        return fail({
          id,
          problem: 'content',
          message:
            'its content does not match its hash: the entry (or its stored hash) was changed after it was sealed',
          expected: recomputed.toString('hex'),
          found: hash.toString('hex'),
        });
      }
      prev = hash;
      lastId = id;
      entries++;
    }
    options.onProgress?.(entries, lastId);
    if (rows.length < pageSize) break;
  }

  if (!prev.equals(headHash)) {
    return fail({
      id: sealedId,
      problem: 'missing_tail',
      message: `the chain ends at ${lastId ? `entry ${lastId}` : 'nothing'}, but its head says the last sealed entry had another hash: the last entries were removed`,
      expected: head.hash,
      found: prev.toString('hex'),
    });
  }
  return { ok: true, entries, head, pending: await pendingOf(), broken: null };
}
