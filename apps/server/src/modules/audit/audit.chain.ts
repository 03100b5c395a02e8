import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Verification of the audit log's hash chain (migration 0009): each entry's `hash` is
 *
 *   sha256(prev_hash || id as 8 bytes big-endian || sha256(utf8(audit_log_canonical(entry))))
 *
 * and its `prev_hash` is the hash of the entry before it (32 zero bytes for the first). The
 * canonical text is the database's own function (the one the trigger uses); the hashes are
 * recomputed here, in Node, entry by entry in id order, one page at a time.
 */

/** The previous hash of the first entry. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

export type ChainProblem =
  /** The entry's fields (or its stored hash) are not what was hashed when it was written. */
  | 'content'
  /** Its `prev_hash` is not the hash of the entry before it: an entry between was removed or altered. */
  | 'link'
  /** The chain's head names an entry that is not there (the last entries were removed). */
  | 'missing_tail'
  /** An entry beyond the head: written with the chain's trigger switched off. */
  | 'unchained'
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
  /** The chain's head when verification started: its last id and hash (hex). */
  readonly head: { readonly id: number; readonly hash: string } | null;
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

interface ChainRow {
  id: number;
  prev_hash: unknown;
  hash: unknown;
  canonical: string;
}

/**
 * Walks the whole audit log in id order (`pageSize` entries per query, so memory stays flat on
 * millions) and reports the first broken link. Entries committed after it started are not checked
 * (it stops at the head it read first); `onProgress` is called after each page.
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  options: { pageSize?: number; onProgress?: (verified: number, lastId: number) => void } = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 2000;
  const headRow = await db.selectFrom('audit_chain_head').select(['last_id', 'hash']).executeTakeFirst();
  if (!headRow) {
    return {
      ok: false,
      entries: 0,
      head: null,
      broken: {
        id: 0,
        problem: 'no_head',
        message: 'audit_chain_head has no row: the chain cannot be checked or extended',
        lastGoodId: 0,
      },
    };
  }
  const headId = Number(headRow.last_id);
  const head = { id: headId, hash: bytes(headRow.hash).toString('hex') };
  let prev: Buffer = GENESIS_HASH;
  let lastId = 0;
  let entries = 0;
  const fail = (broken: Omit<ChainBreak, 'lastGoodId'>): ChainVerification => ({
    ok: false,
    entries,
    head,
    broken: { ...broken, lastGoodId: lastId },
  });

  for (;;) {
    const { rows } = await sql<ChainRow>`
      select a.id, a.prev_hash, a.hash, audit_log_canonical(a) as canonical
      from audit_log a
      where a.id > ${lastId} and a.id <= ${headId}
      order by a.id
      limit ${pageSize}
    `.execute(db);
    for (const row of rows) {
      const id = Number(row.id);
      const prevHash = bytes(row.prev_hash);
      const hash = bytes(row.hash);
      if (!prevHash.equals(prev)) {
        const gap = id !== lastId + 1 ? `; ids ${lastId + 1}–${id - 1} are not in the log` : '';
        return fail({
          id,
          problem: 'link',
          message:
            `its prev_hash is not the hash of the entry before it (${lastId ? `id ${lastId}` : 'the start of the log'}): ` +
            `an entry between them was removed, or this link was rewritten${gap}`,
          expected: prev.toString('hex'),
          found: prevHash.toString('hex'),
        });
      }
      const recomputed = chainHash(prevHash, id, row.canonical);
      if (!recomputed.equals(hash)) {
        return fail({
          id,
          problem: 'content',
          message: 'its content does not match its hash: the entry was changed after it was written',
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

  if (lastId !== headId || !prev.equals(bytes(headRow.hash))) {
    return fail({
      id: headId,
      problem: 'missing_tail',
      message:
        lastId < headId
          ? `the chain's head is entry ${headId}, but the log ends at ${lastId || 'nothing'}: the last entries were removed`
          : `the chain's head hash is not the hash of its entry ${headId}`,
      expected: head.hash,
      found: prev.toString('hex'),
    });
  }
  // An entry above the head that is committed now was written without the chain's trigger (the
  // head and the entries above it are read in one statement, so a concurrent writer is no false alarm).
  const stray = await sql<{ id: number | null }>`
    select (select min(a.id) from audit_log a where a.id > h.last_id) as id from audit_chain_head h
  `.execute(db);
  const strayId = stray.rows[0]?.id;
  if (strayId !== null && strayId !== undefined) {
    return fail({
      id: Number(strayId),
      problem: 'unchained',
      message: "the entry is beyond the chain's head: it was written with the chain's trigger switched off",
    });
  }
  return { ok: true, entries, head, broken: null };
}
