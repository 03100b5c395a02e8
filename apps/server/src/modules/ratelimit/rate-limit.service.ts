import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Fixed-window counters in the database, shared by every API node: how the portal limits look-ups
 * and OTP guesses per client address and per ID number (the per-route limiter of one node cannot
 * count per ID number, nor across nodes). Returns the count in the current window after this hit.
 */
export async function hit(db: Executor, key: string, windowMs: number, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - windowMs);
  const row = await db
    .insertInto('rate_counters')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_counters.window_start < ${windowStart} then 1 else rate_counters.count + 1 end`,
        window_start: sql<Date>`case when rate_counters.window_start < ${windowStart} then ${now} else rate_counters.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Counts a hit on each key and throws 429 when any is over its limit (after counting all). */
export async function enforce(
  db: Executor,
  limits: { key: string; max: number; windowMs: number }[],
  now: Date,
): Promise<void> {
  let over: { windowMs: number } | null = null;
  for (const l of limits) {
    const n = await hit(db, l.key, l.windowMs, now);
    if (n > l.max) over = l;
  }
  if (over)
    throw new AppError('too_many_requests', { headers: { 'retry-after': String(Math.ceil(over.windowMs / 1000)) } });
}

/** A key that does not store the raw value (ID numbers stay out of the counter table). */
export function hashedKey(prefix: string, value: string): string {
  return `${prefix}:${createHash('sha256').update(value).digest('base64url').slice(0, 22)}`;
}
