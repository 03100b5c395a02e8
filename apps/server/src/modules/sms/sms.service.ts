import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * SMS goes through a provider. `outbox` (the default outside production) only stores messages, so
 * demo users and tests read them from `GET /api/admin/sms-outbox`; `http` sends them to a gateway.
 * Either way a message is first written to the `sms_messages` table in the caller's transaction
 * (an OTP is never "sent" for a look-up that rolled back, nor lost by a crash after commit).
 */
export interface SmsProvider {
  readonly name: 'outbox' | 'http';
  /** Delivers one message; throws on failure (the dispatcher retries). */
  deliver(to: string, text: string): Promise<void>;
}

export const outboxProvider: SmsProvider = {
  name: 'outbox',
  async deliver() {},
};

/** A gateway that accepts `POST {to: "+84…", text}` with a bearer token. */
export function httpSmsProvider(options: { url: string; token?: string; timeoutMs?: number }): SmsProvider {
  return {
    name: 'http',
    async deliver(to, text) {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({ to: `+84${to.replace(/^0/, '')}`, text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`gateway answered ${res.status}`);
    },
  };
}

/** Removes Vietnamese diacritics (đ → d) for gateways limited to the GSM 7-bit alphabet. */
export function toSmsAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/**
 * Queues an SMS in the caller's transaction: `stored` for the outbox provider, `pending` for a real
 * gateway (sent by the dispatcher).
 */
export async function queueSms(
  db: Executor,
  provider: SmsProvider,
  message: { to: string; text: string; kind: string },
  options: { ascii: boolean },
): Promise<void> {
  await db
    .insertInto('sms_messages')
    .values({
      to_phone: message.to,
      text: options.ascii ? toSmsAscii(message.text) : message.text,
      kind: message.kind,
      status: provider.name === 'outbox' ? 'stored' : 'pending',
      last_error: null,
      sent_at: null,
    })
    .execute();
}

/** Sends pending messages through the provider, a batch at a time; failures are retried up to 5 times. */
export async function dispatchPendingSms(db: Kysely<DB>, provider: SmsProvider, limit = 50): Promise<number> {
  if (provider.name === 'outbox') return 0;
  const batch = await db.transaction().execute(async (trx) => {
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

/** The outbox, newest first (demo and tests read OTPs here). */
export function listOutbox(db: Executor, limit = 100, to?: string) {
  let q = db.selectFrom('sms_messages').select(['to_phone', 'text', 'created_at', 'kind', 'status']);
  if (to) q = q.where('to_phone', '=', to);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
