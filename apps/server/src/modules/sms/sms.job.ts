import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import type { SmsProvider } from './sms.service.js';

/**
 * Sends pending messages through the provider, a batch at a time; failures are retried up to 5
 * times. The batch is claimed in one short transaction (SKIP LOCKED: several nodes may run it);
 * each message's outcome is then one statement — no transaction is open while the gateway is called.
 */
export async function dispatchPendingSms(db: Kysely<DB>, provider: SmsProvider, limit = 50): Promise<number> {
  if (provider.name === 'outbox') return 0;
  const batch = await unitOfWork(db, async (trx) => {
    const rows = await trx
      .selectFrom('sms_messages')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    // Claim them: attempts + 1 now, so a crash mid-send cannot loop on one message forever.
    for (const r of rows)
      await trx
        .updateTable('sms_messages')
        .set({ attempts: r.attempts + 1 })
        .where('id', '=', r.id)
        .execute();
    return rows;
  });
  for (const m of batch) {
    try {
      await provider.deliver(m.to_phone, m.text);
      await db
        .updateTable('sms_messages')
        .set({ status: 'sent', sent_at: new Date(), last_error: null })
        .where('id', '=', m.id)
        .execute();
    } catch (err) {
      const failed = m.attempts + 1 >= 5;
      await db
        .updateTable('sms_messages')
        .set({
          status: failed ? 'failed' : 'pending',
          last_error: err instanceof Error ? err.message.slice(0, 300) : 'error',
        })
        .where('id', '=', m.id)
        .execute();
    }
  }
  return batch.length;
}
