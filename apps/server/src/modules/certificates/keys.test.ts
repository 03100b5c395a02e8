import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { latch, untilBlockedOnLock, useTestApp } from '../../test/harness.js';
import { systemAuditContext } from '../audit/audit.service.js';
import { SigningKeys } from './keys.service.js';

/** A fresh database: no signing key until the first certificate needs one. */
const t = await useTestApp();
const audit = systemAuditContext('test');
const now = new Date('2022-01-10T03:00:00Z');

describe('the first signing key', () => {
  it('two requests that both find none at the same moment end with one key, both signing with it', async () => {
    const keys = t.app.deps.keys;
    const { done: gate, release } = latch();
    const { done: madeOnce, release: made } = latch();
    const first = unitOfWork(t.db, async (trx) => {
      const signer = await keys.active(trx, audit, now);
      made();
      await gate;
      return signer.kidBase64;
    });
    await madeOnce;
    const second = unitOfWork(t.db, async (trx) => {
      const signer = await keys.active(trx, audit, now);
      // The transaction goes on after the refused key (PostgreSQL aborts it without a savepoint).
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from signing_keys`.execute(trx);
      return { kid: signer.kidBase64, keys: rows[0]!.n };
    });
    // PostgreSQL: the second key's insert waits on the one-active-key index for the first; the
    // embedded database has one connection: the second waits for the first to commit.
    await untilBlockedOnLock(t);
    release();
    const kid = await first;
    expect(await second).toEqual({ kid, keys: 1 });
    const rows = await t.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute();
    expect(rows).toEqual([{ kid, retired_at: null }]);
  });
});

describe('the master key at start', () => {
  it('opens the stored keys with the right master key; another key is refused with a clear message', async () => {
    await unitOfWork(t.db, (trx) => t.app.deps.keys.active(trx, audit, now));
    await expect(t.app.deps.keys.checkMasterKey(t.db)).resolves.toBeUndefined();
    await expect(new SigningKeys(randomBytes(32)).checkMasterKey(t.db)).rejects.toThrow(
      /TIEMCHUNG_MASTER_KEY does not open the signing keys stored in the database/,
    );
  });
});
