import type { Executor } from '../../db/transaction.js';

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

/** The outbox, newest first (demo and tests read OTPs here). */
export function listOutbox(db: Executor, limit = 100, to?: string) {
  let q = db.selectFrom('sms_messages').select(['to_phone', 'text', 'created_at', 'kind', 'status']);
  if (to) q = q.where('to_phone', '=', to);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
