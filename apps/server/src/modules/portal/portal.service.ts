import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { nameComparisonKey, nameSearchKey, normalizeIdNumber, normalizePhone, uuidv7 } from '@tiemchung/core';
import type { PersonRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { findPeopleByNameDobPhone, findPersonByIdNumber } from '../people/people.service.js';
import { hashedKey, hit } from '../ratelimit/rate-limit.service.js';
import { queueSms, type SmsProvider } from '../sms/sms.service.js';

/** OTP rules of the portal: 6 digits, valid 5 minutes, 5 attempts, stored only as an HMAC. */
export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;

/**
 * Limits of the portal's OTP flows. Those keyed on what the caller sent (client address, ID number,
 * phone number) answer 429 past them: they apply alike to a look-up that matches and one that does
 * not. The one keyed on the person matched never shows: past it, the look-up goes on exactly as a
 * mismatch (202, no OTP sent), so it cannot tell anyone that a record matched.
 */
export const LOOKUP_LIMITS = {
  perIp: { max: 10, windowMs: 15 * 60_000 },
  perId: { max: 5, windowMs: 60 * 60_000 },
  /** Requests giving one phone number (normalised), whatever other fields came with it. */
  perPhone: { max: 10, windowMs: 60 * 60_000 },
  /** Look-ups that matched one person (silent: no OTP past it). */
  perPerson: { max: 5, windowMs: 60 * 60_000 },
  guessesPerIp: { max: 20, windowMs: 15 * 60_000 },
} as const;

/**
 * At most this many OTP messages go to one phone per hour, all portal flows together (look-ups and
 * registrations). Past it nothing is sent and the caller's answer does not change: the cap counts
 * OTPs sent for matched look-ups too, so answering it differently would tell that they matched.
 */
export const OTP_SMS_PER_PHONE = { max: 5, windowMs: 60 * 60_000 } as const;

/** Every look-up answers after at least this long, matched or not, so time tells nothing. */
export const LOOKUP_MIN_RESPONSE_MS = 250;
/** … plus up to this much, drawn at random: the deliberate answer time is 250–300 ms. */
export const LOOKUP_JITTER_MS = 50;

/**
 * Waits out the deliberate answer time (LOOKUP_MIN_RESPONSE_MS plus up to LOOKUP_JITTER_MS) since
 * `startedMs` (`Date.now()` when the request began): answers whose work differs with what matched
 * (a code sent or not) then take the same time. For every public start of a code flow that answers
 * the same whether or not anyone matched: the certificate look-up, the e-health book's sign-in.
 */
export async function padAnswerTime(startedMs: number): Promise<void> {
  const wait = LOOKUP_MIN_RESPONSE_MS + Math.random() * LOOKUP_JITTER_MS - (Date.now() - startedMs);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

export interface PortalDeps {
  readonly clock: () => Date;
  readonly sms: SmsProvider;
  readonly smsAscii: boolean;
  /** Secret for OTP hashes and short-lived download links. */
  readonly secret: Buffer;
}

export function otpHash(secret: Buffer, scope: string, otp: string): string {
  return createHmac('sha256', secret).update(`${scope}:${otp}`).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newOtp(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The key a phone number is limited by: the normalised number, or what was sent when it is not one. */
export function phoneLimitKey(prefix: string, phone: string): string {
  const p = normalizePhone(phone);
  return hashedKey(prefix, p.ok ? p.value : phone.trim().toLowerCase());
}

/**
 * Counts one OTP message to `phone` (normalised) against OTP_SMS_PER_PHONE; false past the cap,
 * when the caller sends nothing and answers as if it had.
 */
export async function claimOtpSms(db: Executor, phone: string, now: Date): Promise<boolean> {
  const n = await hit(db, hashedKey('otp-sms:phone', phone), OTP_SMS_PER_PHONE.windowMs, now);
  return n <= OTP_SMS_PER_PHONE.max;
}

/**
 * Names compare regardless of case, spacing and Unicode form (api-contract.md), and of where a word's
 * tone mark sits (Thuỷ/Thủy, Hoà/Hòa: both spellings are taught and typed; core's nameComparisonKey).
 */
function sameName(a: string, b: string): boolean {
  return nameComparisonKey(a) === nameComparisonKey(b);
}

export interface LookupInput {
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
  readonly phone: string;
  readonly idNumber?: string;
}

/** A limit `enforce` counts a request against (rate-limit.service.ts). */
export interface RequestLimit {
  readonly key: string;
  readonly max: number;
  readonly windowMs: number;
}

function lookupIdNumber(input: { idNumber?: string }): string | null {
  return input.idNumber?.trim() ? normalizeIdNumber(input.idNumber).toUpperCase() : null;
}

/**
 * The limits a look-up is counted against before anything else (429 past them, whichever fields
 * were given): per client address, per ID number and per phone number given. The route counts them
 * on their own, before its transaction: a refused or failed request still counts.
 */
export function lookupLimits(input: LookupInput, ip: string): RequestLimit[] {
  const idNumber = lookupIdNumber(input);
  return [
    { key: `lookup:ip:${ip}`, ...LOOKUP_LIMITS.perIp },
    ...(idNumber ? [{ key: hashedKey('lookup:id', idNumber), ...LOOKUP_LIMITS.perId }] : []),
    { key: phoneLimitKey('lookup:phone', input.phone), ...LOOKUP_LIMITS.perPhone },
  ];
}

/** The limit of OTP guesses per client address (look-ups and registrations), counted like `lookupLimits`. */
export function otpGuessLimits(ip: string): RequestLimit[] {
  return [{ key: `otp:ip:${ip}`, ...LOOKUP_LIMITS.guessesPerIp }];
}

/**
 * Tra cứu chứng nhận: finds the person whose record matches every given field and sends an OTP to
 * the phone on record. Whatever the outcome, the caller gets a lookup id (a row is stored either
 * way, with an OTP hash nobody can match when nothing matched), so the answer reveals nothing.
 * Limits: those of `lookupLimits`, counted by the route first; per person matched and OTP
 * messages per phone (past them no OTP is sent and the look-up is stored and answered as a
 * mismatch), counted here with the look-up; audited.
 */
export async function startLookup(
  trx: Trx,
  deps: PortalDeps,
  audit: AuditContext,
  input: LookupInput,
  ip: string,
): Promise<string> {
  const now = deps.clock();
  const idNumber = lookupIdNumber(input);
  const phone = normalizePhone(input.phone);
  let person: PersonRow | undefined;
  if (phone.ok) {
    const candidates = idNumber
      ? [await findPersonByIdNumber(trx, idNumber)].filter((p): p is PersonRow => !!p)
      : await findPeopleByNameDobPhone(trx, nameSearchKey(input.fullName), input.dateOfBirth, phone.value);
    person = candidates.find(
      (p) =>
        sameName(p.full_name, input.fullName) &&
        p.date_of_birth === input.dateOfBirth &&
        p.gender === input.gender &&
        p.phone === phone.value,
    );
    // Without an ID number the match must be unambiguous.
    if (
      !idNumber &&
      candidates.filter((p) => sameName(p.full_name, input.fullName) && p.gender === input.gender).length > 1
    )
      person = undefined;
  }
  // Past the limit for this person, or the cap of OTP messages to the phone, the look-up goes on
  // as a mismatch: stored with an OTP hash nobody can match, nothing sent, the same 202.
  let otpTo: PersonRow | undefined;
  if (person?.phone) {
    const forPerson = await hit(trx, hashedKey('lookup:person', person.id), LOOKUP_LIMITS.perPerson.windowMs, now);
    if (forPerson <= LOOKUP_LIMITS.perPerson.max && (await claimOtpSms(trx, person.phone, now))) otpTo = person;
  }
  const id = uuidv7(now.getTime());
  const otp = newOtp();
  await trx
    .insertInto('portal_lookups')
    .values({
      id,
      person_id: otpTo?.id ?? null,
      // No match (or no OTP sent): the hash of an OTP nobody was sent (and a different scope), so
      // no guess works.
      otp_hash: otpTo ? otpHash(deps.secret, id, otp) : otpHash(deps.secret, `void:${id}`, newOtp()),
      created_at: now,
      expires_at: new Date(now.getTime() + OTP_TTL_MS),
      verified_at: null,
      ip,
    })
    .execute();
  if (otpTo?.phone) {
    await queueSms(
      trx,
      deps.sms,
      {
        to: otpTo.phone,
        kind: 'lookup_otp',
        text: `Ma xac thuc tra cuu chung nhan tiem chung COVID-19 cua ban la ${otp}. Ma co hieu luc 5 phut. Khong chia se ma nay cho bat ky ai.`,
      },
      { ascii: deps.smsAscii },
    );
  }
  await recordAudit(trx, audit, {
    action: 'portal.certificate_lookup',
    entityType: person ? 'person' : 'portal_lookup',
    entityId: person?.id ?? id,
    after: { lookupId: id, matched: !!person, withIdNumber: !!idNumber, otpSent: !!otpTo },
  });
  return id;
}

/** The one answer to a wrong, expired, exhausted, used or unknown OTP (look-ups and registrations). */
export function invalidOtp(): AppError {
  return new AppError('invalid_otp', { field: 'otp' });
}

/**
 * Checks the OTP of a look-up: the person's id, or null when it is wrong, expired, exhausted (5
 * attempts), already used or unknown. A wrong guess is counted on the look-up (and audited) in the
 * caller's transaction, which must commit before the route answers `invalidOtp()`: the refusal is
 * returned, not thrown, so the attempt is never rolled back. Guesses per client address are
 * limited by the route (`otpGuessLimits`).
 */
export async function verifyLookup(
  trx: Trx,
  deps: PortalDeps,
  audit: AuditContext,
  lookupId: string,
  otp: string,
): Promise<string | null> {
  const now = deps.clock();
  const row = await trx
    .selectFrom('portal_lookups')
    .selectAll()
    .where('id', '=', lookupId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  const usable = !row.verified_at && row.expires_at > now && row.attempts < OTP_MAX_ATTEMPTS;
  const ok =
    usable &&
    row.person_id !== null &&
    /^\d{6}$/.test(otp) &&
    sameHash(row.otp_hash, otpHash(deps.secret, row.id, otp));
  if (!ok || !row.person_id) {
    await trx
      .updateTable('portal_lookups')
      .set({ attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, audit, { action: 'portal.otp_failed', entityType: 'portal_lookup', entityId: row.id });
    return null;
  }
  await trx.updateTable('portal_lookups').set({ verified_at: now }).where('id', '=', row.id).execute();
  await recordAudit(trx, audit, { action: 'portal.certificate_view', entityType: 'person', entityId: row.person_id });
  return row.person_id;
}

/** A signed link token for the certificate PDF of a person, valid for `ttlMs`. */
export function signDownload(secret: Buffer, personId: string, now: Date, ttlMs = 10 * 60_000): string {
  const body = Buffer.from(JSON.stringify({ p: personId, e: now.getTime() + ttlMs })).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`pdf:${body}`).digest('base64url')}`;
}

/** The person of a valid, unexpired download token, or null. */
export function readDownload(secret: Buffer, token: string, now: Date): string | null {
  const [body, mac] = token.split('.');
  if (!body || !mac) return null;
  if (!sameHash(mac, createHmac('sha256', secret).update(`pdf:${body}`).digest('base64url'))) return null;
  try {
    const { p, e } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p: string; e: number };
    return typeof p === 'string' && e > now.getTime() ? p : null;
  } catch {
    return null;
  }
}
