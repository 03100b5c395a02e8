import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { useTestApp } from '../../test/harness.js';
import { systemAuditContext } from '../audit/audit.service.js';

/** A fresh database: no signing key until the first certificate needs one. */
const t = await useTestApp();
const audit = systemAuditContext('test');
const now = new Date('2022-01-10T03:00:00Z');

describe('the first signing key', () => {
  it('two requests that both find none at the same moment end with one key, both signing with it', async () => {
    const keys = t.app.deps.keys;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let made!: () => void;
    const madeOnce = new Promise<void>((resolve) => {
      made = resolve;
    });
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
    if (t.app.dbKind === 'postgres') {
      // PostgreSQL: the second key's insert waits on the one-active-key index for the first.
      for (let i = 0; i < 200; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
        if (rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } else {
      // The embedded database has one connection: the second waits for the first to commit.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    release();
    const kid = await first;
    expect(await second).toEqual({ kid, keys: 1 });
    const rows = await t.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute();
    expect(rows).toEqual([{ kid, retired_at: null }]);
  });
});
