import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  CHECK_IN_QR_PREFIX,
  CHECK_IN_TOKEN_TTL_MS,
  type CheckInToken,
  HcertError,
  HEALTH_BOOK_DEVICE_TTL_DAYS,
  type HealthBookDevice,
  type Household,
  type HouseholdMember,
  type HouseholdReportBody,
  maskPhone,
  type NextDoseView,
  nextDoseDue,
  normalizeIdNumber,
  normalizePhone,
  uuidv7,
  vietnamDay,
} from '@tiemchung/core';
import type { HealthBookDeviceRow, HealthBookMemberRow, PersonRow, ReportRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError, ruleError } from '../../lib/errors.js';
import { type AuditContext, recordAudit, recordAuditForEach } from '../audit/audit.service.js';
import {
  type CertificateDeps,
  type CertificateView,
  certificateWithoutQr,
  getCertificate,
} from '../certificates/certificates.service.js';
import { findPeopleByPhone, findPersonByIdNumber, getPerson, peopleByIds } from '../people/people.service.js';
import { claimOtpSms, newOtp, OTP_MAX_ATTEMPTS, OTP_TTL_MS, otpHash, sameHash } from '../portal/portal.service.js';
import { hashedKey, hit } from '../ratelimit/rate-limit.service.js';
import { createReport, reportStatusForCitizen, reportsOfHousehold } from '../reports/reports.service.js';
import { queueSms, type SmsProvider } from '../sms/sms.service.js';

/** The session cookie of a signed-in device: sent only to the book's own API. */
export const BOOK_COOKIE = 'tc_book';
export const BOOK_COOKIE_PATH = '/api/health-book';

/** At most this many people in one household's book. */
export const HOUSEHOLD_MAX = 20;

/**
 * Limits of the book's OTP flows (429 past them, whatever the outcome): per client address and per
 * phone given for signing in; per device for adding members. Codes sent to one phone are also
 * capped with the portal's (`claimOtpSms`), silently.
 */
export const BOOK_LIMITS = {
  signInPerIp: { max: 10, windowMs: 15 * 60_000 },
  signInPerPhone: { max: 5, windowMs: 60 * 60_000 },
  addPerDevice: { max: 10, windowMs: 60 * 60_000 },
  /** Adds that matched one person (silent: past it no code is sent). */
  addPerPerson: { max: 5, windowMs: 60 * 60_000 },
} as const;

const DAY_MS = 86_400_000;
/** A device's last use is written at most this often (not on every request). */
const SEEN_EVERY_MS = 60 * 60_000;

export interface BookDeps {
  readonly clock: () => Date;
  readonly sms: SmsProvider;
  readonly smsAscii: boolean;
  /** Secret for OTP hashes and check-in tokens (derived from the master key). */
  readonly secret: Buffer;
  readonly certificates: CertificateDeps;
  /** Where a member whose certificate cannot be made is logged (the app's logger). */
  readonly log?: { warn(details: object, message: string): void };
  /** Where reports' evidence photos are kept (the report flow's own dependency). */
  readonly evidenceDir: string;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function presentDevice(d: HealthBookDeviceRow, currentId: string | null): HealthBookDevice {
  return {
    id: d.id,
    name: d.name,
    createdAt: d.created_at.toISOString(),
    lastSeenAt: d.last_seen_at.toISOString(),
    expiresAt: d.expires_at.toISOString(),
    current: d.id === currentId,
  };
}

/** Whether any record carries the phone or any household on it has members: someone to sign in as. */
async function phoneHasHousehold(db: Executor, phone: string): Promise<boolean> {
  if ((await findPeopleByPhone(db, phone, 1)).length) return true;
  const added = await db
    .selectFrom('health_book_members')
    .select('person_id')
    .where('phone', '=', phone)
    .where('added_at', 'is not', null)
    .where('removed_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return !!added;
}

/**
 * Stores a one-time code of the book (a sign-in, a member being added) and, when `sendTo` is given,
 * sends it by SMS; otherwise the row holds the hash of a code nobody was sent (and another scope),
 * so no guess works and the caller's answer is the same. The row's id.
 */
async function storeOtp(
  trx: Trx,
  deps: BookDeps,
  input: {
    readonly purpose: 'sign_in' | 'add_member';
    readonly phone: string;
    readonly deviceId: string | null;
    readonly personId: string | null;
    readonly sendTo: string | null;
    readonly smsKind: string;
    readonly smsText: (otp: string) => string;
    readonly ip: string;
  },
): Promise<string> {
  const now = deps.clock();
  const id = uuidv7(now.getTime());
  const otp = newOtp();
  await trx
    .insertInto('health_book_otps')
    .values({
      id,
      purpose: input.purpose,
      phone: input.phone,
      device_id: input.deviceId,
      person_id: input.personId,
      otp_hash: input.sendTo ? otpHash(deps.secret, `book:${id}`, otp) : otpHash(deps.secret, `void:${id}`, newOtp()),
      created_at: now,
      expires_at: new Date(now.getTime() + OTP_TTL_MS),
      verified_at: null,
      ip: input.ip,
    })
    .execute();
  if (input.sendTo) {
    await queueSms(
      trx,
      deps.sms,
      { to: input.sendTo, kind: input.smsKind, text: input.smsText(otp) },
      { ascii: deps.smsAscii },
    );
  }
  return id;
}

/**
 * Starts signing a device in: an OTP goes to the phone when a record carries it (or a household
 * on it has members), within the cap of codes per phone; the caller gets an id either way, so the
 * answer tells nothing. Audited.
 */
export async function startSignIn(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  phoneGiven: string,
  ip: string,
): Promise<string> {
  const now = deps.clock();
  const p = normalizePhone(phoneGiven);
  if (!p.ok) throw ruleError({ ...p.error, field: 'phone' });
  const phone = p.value;
  const known = await phoneHasHousehold(trx, phone);
  const send = known && (await claimOtpSms(trx, phone, now));
  const id = await storeOtp(trx, deps, {
    purpose: 'sign_in',
    phone,
    deviceId: null,
    personId: null,
    sendTo: send ? phone : null,
    smsKind: 'health_book_otp',
    smsText: (otp) =>
      `Ma dang nhap So suc khoe dien tu cua ban la ${otp}. Ma co hieu luc 5 phut. Khong chia se ma nay cho bat ky ai.`,
    ip,
  });
  await recordAudit(trx, audit, {
    action: 'health_book.sign_in_start',
    entityType: 'health_book_otp',
    entityId: id,
    after: { phone: maskPhone(phone), otpSent: send },
  });
  return id;
}

/**
 * Checks an OTP row of the book (a sign-in or a member being added): the row when the code is
 * right, unexpired, unused and within its attempts; otherwise counts the attempt (committed with
 * the caller's transaction, which must commit before answering `invalid_otp`) and returns null.
 */
async function checkOtp(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  id: string,
  purpose: 'sign_in' | 'add_member',
  otp: string,
  deviceId: string | null,
) {
  const now = deps.clock();
  const row = await trx
    .selectFrom('health_book_otps')
    .selectAll()
    .where('id', '=', id)
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  const usable =
    !row.verified_at && row.expires_at > now && row.attempts < OTP_MAX_ATTEMPTS && row.device_id === deviceId;
  const ok = usable && /^\d{6}$/.test(otp) && sameHash(row.otp_hash, otpHash(deps.secret, `book:${row.id}`, otp));
  if (!ok) {
    await trx
      .updateTable('health_book_otps')
      .set({ attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, audit, {
      action: 'health_book.otp_failed',
      entityType: 'health_book_otp',
      entityId: row.id,
    });
    return null;
  }
  await trx.updateTable('health_book_otps').set({ verified_at: now }).where('id', '=', row.id).execute();
  return row;
}

/** A device signed in: its row and the session token (shown once, kept only as a hash). */
export interface SignedIn {
  readonly device: HealthBookDeviceRow;
  readonly token: string;
}

/** Finishes signing in: a new device session for the phone, or null for a wrong code. Audited. */
export async function verifySignIn(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  input: { signInId: string; otp: string; deviceName?: string | undefined; userAgent?: string | undefined },
): Promise<SignedIn | null> {
  const row = await checkOtp(trx, deps, audit, input.signInId, 'sign_in', input.otp, null);
  if (!row) return null;
  const now = deps.clock();
  const token = randomBytes(32).toString('base64url');
  const device = await trx
    .insertInto('health_book_devices')
    .values({
      id: uuidv7(now.getTime()),
      phone: row.phone,
      token_hash: tokenHash(token),
      name: input.deviceName?.trim() || deviceNameOf(input.userAgent),
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + HEALTH_BOOK_DEVICE_TTL_DAYS * DAY_MS),
      revoked_at: null,
      revoked_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'health_book.sign_in',
    entityType: 'health_book_device',
    entityId: device.id,
    after: { phone: maskPhone(row.phone), name: device.name },
  });
  return { device, token };
}

/** A readable name for a device from its browser's User-Agent ("Android", "iPhone"…). */
function deviceNameOf(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  if (/Windows/.test(ua)) return 'Windows';
  if (/Mac OS X/.test(ua)) return 'Mac';
  if (/Linux/.test(ua)) return 'Linux';
  return 'Thiết bị';
}

/**
 * The device of a session token, unless unknown, revoked or expired; its last use is moved on
 * (at most hourly), and with it the expiry: months from the last use.
 */
export async function authenticateDevice(db: Executor, token: string, now: Date): Promise<HealthBookDeviceRow | null> {
  const device = await db
    .selectFrom('health_book_devices')
    .selectAll()
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!device || device.revoked_at || device.expires_at <= now) return null;
  if (now.getTime() - device.last_seen_at.getTime() > SEEN_EVERY_MS) {
    const expires = new Date(now.getTime() + HEALTH_BOOK_DEVICE_TTL_DAYS * DAY_MS);
    await db
      .updateTable('health_book_devices')
      .set({ last_seen_at: now, expires_at: expires })
      .where('id', '=', device.id)
      .execute();
    return { ...device, last_seen_at: now, expires_at: expires };
  }
  return device;
}

/** The household's own rows (added, removed, reminders), by person. */
async function memberRows(db: Executor, phone: string): Promise<Map<string, HealthBookMemberRow>> {
  const rows = await db.selectFrom('health_book_members').selectAll().where('phone', '=', phone).execute();
  return new Map(rows.map((r) => [r.person_id, r]));
}

interface Member {
  readonly person: PersonRow;
  readonly source: 'phone' | 'added';
  readonly row: HealthBookMemberRow | undefined;
}

/**
 * The household of a phone: every living person whose record carries it, unless removed, and every
 * person added with their own code, unless removed; a merged record counts as the one it was merged
 * into. Oldest record first.
 */
async function householdMembers(db: Executor, phone: string): Promise<Member[]> {
  const rows = await memberRows(db, phone);
  const onPhone = await findPeopleByPhone(db, phone, HOUSEHOLD_MAX);
  const addedIds = [...rows.values()].filter((r) => r.added_at && !r.removed_at).map((r) => r.person_id);
  const added = await peopleByIds(db, addedIds);
  // Added people merged since: the surviving record.
  const survivors = await peopleByIds(
    db,
    [...added.values()].map((p) => p.merged_into).filter((id): id is string => !!id),
  );
  const members = new Map<string, Member>();
  for (const person of onPhone) {
    const row = rows.get(person.id);
    if (row?.removed_at) continue;
    members.set(person.id, { person, source: 'phone', row });
  }
  for (const id of addedIds) {
    let person = added.get(id);
    if (person?.merged_into) person = survivors.get(person.merged_into);
    if (!person || person.merged_into || members.has(person.id)) continue;
    if (rows.get(person.id)?.removed_at) continue;
    members.set(person.id, { person, source: 'added', row: rows.get(id) });
  }
  return [...members.values()].slice(0, HOUSEHOLD_MAX);
}

/**
 * Writes what a household changed about a member: a row made with `change` applied to an empty
 * one, or `change` applied to the row already there.
 */
async function upsertMember(
  trx: Trx,
  phone: string,
  personId: string,
  change: Partial<Pick<HealthBookMemberRow, 'added_at' | 'removed_at' | 'reminder'>>,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('health_book_members')
    .values({
      phone,
      person_id: personId,
      added_at: null,
      removed_at: null,
      reminder: false,
      reminded_for: null,
      ...change,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['phone', 'person_id']).doUpdateSet({ ...change, updated_at: now }))
    .execute();
}

/** The member of the device's household with this id, or 404. */
async function memberOf(db: Executor, device: HealthBookDeviceRow, personId: string): Promise<Member> {
  const member = (await householdMembers(db, device.phone)).find((m) => m.person.id === personId);
  if (!member) throw new AppError('household_member_not_found', { field: 'personId' });
  return member;
}

/** The id of a member of the device's household (404 when the person is not one). */
export async function memberId(db: Executor, device: HealthBookDeviceRow, personId: string): Promise<string> {
  return (await memberOf(db, device, personId)).person.id;
}

/** Core's next-dose rule on a certificate's doses. */
export function nextDoseOf(view: CertificateView, today: string): NextDoseView {
  const next = nextDoseDue({
    dateOfBirth: view.person.dateOfBirth,
    history: view.doses.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccineCode,
      administeredOn: d.administeredOn,
      declaredKind: d.doseKind === 'additional' ? 'additional' : null,
    })),
    today,
  });
  return next.due
    ? {
        due: true,
        doseNumber: next.doseNumber,
        doseKind: next.doseKind,
        from: next.from,
        dueNow: next.from <= today,
        vaccineCode: next.vaccineCode,
        reason: null,
        message: next.message,
      }
    : {
        due: false,
        doseNumber: null,
        doseKind: null,
        from: next.from,
        dueNow: false,
        vaccineCode: null,
        reason: next.reason,
        message: next.message,
      };
}

async function presentMember(trx: Trx, deps: BookDeps, audit: AuditContext, m: Member): Promise<HouseholdMember> {
  const certificate = await memberCertificate(trx, deps, audit, m.person.id);
  const nextDose = nextDoseOf(certificate, vietnamDay(deps.clock()));
  const enabled = m.row?.reminder ?? false;
  return {
    personId: m.person.id,
    source: m.source,
    certificate,
    nextDose,
    reminder: { enabled, on: enabled && nextDose.due ? nextDose.from : null },
  };
}

function presentReport(r: ReportRow, names: Map<string, string>): Household['reports'][number] {
  return {
    ...reportStatusForCitizen(r),
    personId: r.person_id,
    fullName: (r.person_id && names.get(r.person_id)) || r.full_name,
  };
}

/**
 * A member's certificate; when core refuses to make it (a record it cannot print), the member is
 * shown without a QR and the refusal logged — one such record must not fail the whole household.
 * Core refuses before anything is written, so the transaction goes on.
 */
async function memberCertificate(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  personId: string,
): Promise<CertificateView> {
  try {
    return await getCertificate(trx, deps.certificates, audit, personId);
  } catch (e) {
    if (!(e instanceof HcertError)) throw e;
    deps.log?.warn({ err: e, personId }, 'health book: the member’s certificate could not be made; shown without it');
    return certificateWithoutQr(trx, personId);
  }
}

/**
 * The book's sync: every member with their current certificate (issued or renewed as the staff
 * screens do: a correction's new certificate appears here), next dose and reminder, and the
 * household's reports. Each member's record read is audited.
 */
export async function readHousehold(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
): Promise<Household> {
  const members = await householdMembers(trx, device.phone);
  const presented: HouseholdMember[] = [];
  for (const m of members) presented.push(await presentMember(trx, deps, audit, m));
  await recordAuditForEach(
    trx,
    audit,
    members.map((m) => ({
      action: 'health_book.person_view',
      entityType: 'person',
      entityId: m.person.id,
      after: { device: device.id },
    })),
  );
  const names = new Map(members.map((m) => [m.person.id, m.person.full_name]));
  const reports = await reportsOfHousehold(trx, device.phone, [...names.keys()]);
  return {
    phoneMasked: maskPhone(device.phone),
    syncedAt: deps.clock().toISOString(),
    members: presented,
    reports: reports.map((r) => presentReport(r, names)),
  };
}

/**
 * Starts adding a member by ID number and date of birth: when a living record has both and a
 * phone, an OTP goes to that phone (a child's record carries the parent's); the answer is the same
 * either way. Limited per device by the route and per person matched here (silently). Audited.
 */
export async function startAddMember(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  input: { idNumber: string; dateOfBirth: string },
  ip: string,
): Promise<string> {
  const now = deps.clock();
  const person = await findPersonByIdNumber(trx, normalizeIdNumber(input.idNumber).toUpperCase());
  const matched = person && person.date_of_birth === input.dateOfBirth ? person : undefined;
  let otpTo: PersonRow | undefined;
  if (matched?.phone) {
    const members = await householdMembers(trx, device.phone);
    if (members.some((m) => m.person.id === matched.id)) throw new AppError('household_member_exists');
    if (members.length >= HOUSEHOLD_MAX) throw new AppError('household_full', { params: { max: HOUSEHOLD_MAX } });
    const forPerson = await hit(trx, hashedKey('book-add:person', matched.id), BOOK_LIMITS.addPerPerson.windowMs, now);
    if (forPerson <= BOOK_LIMITS.addPerPerson.max && (await claimOtpSms(trx, matched.phone, now))) otpTo = matched;
  }
  const id = await storeOtp(trx, deps, {
    purpose: 'add_member',
    phone: device.phone,
    deviceId: device.id,
    personId: otpTo?.id ?? null,
    sendTo: otpTo?.phone ?? null,
    smsKind: 'health_book_member_otp',
    smsText: (otp) =>
      `Ma xac nhan them ho so tiem chung vao So suc khoe dien tu cua so ${maskPhone(device.phone)} la ${otp}. Chi chia se ma nay neu ban dong y.`,
    ip,
  });
  await recordAudit(trx, audit, {
    action: 'health_book.member_add_start',
    entityType: matched ? 'person' : 'health_book_otp',
    entityId: matched?.id ?? id,
    after: { requestId: id, device: device.id, matched: !!matched, otpSent: !!otpTo },
  });
  return id;
}

/** Finishes adding a member with the code sent to their phone: the member, or null for a wrong code. */
export async function verifyAddMember(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  requestId: string,
  otp: string,
): Promise<HouseholdMember | null> {
  const row = await checkOtp(trx, deps, audit, requestId, 'add_member', otp, device.id);
  if (!row?.person_id) return null;
  const now = deps.clock();
  await upsertMember(trx, device.phone, row.person_id, { added_at: now, removed_at: null }, now);
  await recordAudit(trx, audit, {
    action: 'health_book.member_add',
    entityType: 'person',
    entityId: row.person_id,
    after: { household: maskPhone(device.phone), device: device.id },
  });
  const member = await memberOf(trx, device, row.person_id);
  return presentMember(trx, deps, audit, member);
}

/** Removes a member from the household's book (the record itself is untouched). Audited. */
export async function removeMember(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  personId: string,
): Promise<void> {
  const member = await memberOf(trx, device, personId);
  const now = deps.clock();
  await upsertMember(trx, device.phone, member.person.id, { removed_at: now }, now);
  await recordAudit(trx, audit, {
    action: 'health_book.member_remove',
    entityType: 'person',
    entityId: member.person.id,
    after: { household: maskPhone(device.phone), device: device.id },
  });
}

/** Turns the next-dose SMS reminder of a member on or off; on only when a dose is to come. */
export async function setReminder(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  personId: string,
  enabled: boolean,
): Promise<{ enabled: boolean; on: string | null }> {
  const member = await memberOf(trx, device, personId);
  const certificate = await getCertificate(trx, deps.certificates, audit, member.person.id);
  const next = nextDoseOf(certificate, vietnamDay(deps.clock()));
  if (enabled && !next.due) throw new AppError('next_dose_not_due');
  const now = deps.clock();
  await upsertMember(trx, device.phone, member.person.id, { reminder: enabled }, now);
  await recordAudit(trx, audit, {
    action: 'health_book.reminder',
    entityType: 'person',
    entityId: member.person.id,
    after: { enabled, on: enabled ? next.from : null },
  });
  return { enabled, on: enabled ? next.from : null };
}

/**
 * Sends the reminders due: for each member whose reminder is on and whose next dose is due today
 * (or earlier, not yet reminded for that date), one SMS to the household's phone, written to the
 * outbox in the same transaction as the mark that it was sent — so it is sent once. A job.
 */
export async function sendDueReminders(trx: Trx, deps: BookDeps, audit: AuditContext, limit = 500): Promise<number> {
  const today = vietnamDay(deps.clock());
  const rows = await trx
    .selectFrom('health_book_members')
    .selectAll()
    .where('reminder', '=', true)
    .where('removed_at', 'is', null)
    .orderBy('phone')
    .orderBy('person_id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  let sent = 0;
  for (const row of rows) {
    const person = await getPerson(trx, row.person_id);
    if (!person || person.merged_into) continue;
    const certificate = await getCertificate(trx, deps.certificates, audit, person.id);
    const next = nextDoseOf(certificate, today);
    if (!next.due || !next.from || next.from > today || row.reminded_for === next.from) continue;
    await queueSms(
      trx,
      deps.sms,
      {
        to: row.phone,
        kind: 'health_book_reminder',
        text: `So suc khoe dien tu: ${person.full_name} den han tiem mui ${next.doseNumber} vac xin COVID-19 tu ngay ${next.from.slice(8, 10)}/${next.from.slice(5, 7)}/${next.from.slice(0, 4)}. Lien he diem tiem gan nha.`,
      },
      { ascii: deps.smsAscii },
    );
    await trx
      .updateTable('health_book_members')
      .set({ reminded_for: next.from, updated_at: deps.clock() })
      .where('phone', '=', row.phone)
      .where('person_id', '=', row.person_id)
      .execute();
    await recordAudit(trx, audit, {
      action: 'health_book.reminder_sent',
      entityType: 'person',
      entityId: person.id,
      after: { on: next.from, doseNumber: next.doseNumber },
    });
    sent++;
  }
  return sent;
}

function checkInMac(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`checkin:${body}`).digest('base64url').slice(0, 22);
}

/**
 * A check-in QR for a member: `TCSK:` + a random id and its expiry, signed (HMAC with the server's
 * secret); no personal data. The id names a stored row (whose it is); valid for 15 minutes. Audited.
 */
export async function issueCheckInToken(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  personId: string,
): Promise<CheckInToken> {
  const member = await memberOf(trx, device, personId);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + CHECK_IN_TOKEN_TTL_MS);
  const id = randomBytes(12).toString('base64url');
  await trx
    .insertInto('health_book_check_ins')
    .values({ id, person_id: member.person.id, device_id: device.id, created_at: now, expires_at: expiresAt })
    .execute();
  // Tokens expired a day ago are of no use to anyone.
  await trx
    .deleteFrom('health_book_check_ins')
    .where('expires_at', '<', new Date(now.getTime() - DAY_MS))
    .execute();
  await recordAudit(trx, audit, {
    action: 'health_book.check_in_token',
    entityType: 'person',
    entityId: member.person.id,
    after: { device: device.id, expiresAt: expiresAt.toISOString() },
  });
  const body = `${id}.${expiresAt.getTime().toString(36)}`;
  return { qr: `${CHECK_IN_QR_PREFIX}${body}.${checkInMac(deps.secret, body)}`, expiresAt: expiresAt.toISOString() };
}

/**
 * The person a check-in QR was made for (the session board's check-in): refused as invalid when
 * its signature does not match (altered, or not made here) and as expired past its time.
 */
export async function personOfCheckInQr(db: Executor, secret: Buffer, qr: string, now: Date): Promise<string> {
  const text = qr.trim();
  const m = /^TCSK:([A-Za-z0-9_-]{16})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(text);
  const invalid = () => new AppError('check_in_token_invalid', { field: 'checkInQr' });
  if (!m) throw invalid();
  const [, id, exp, mac] = m as unknown as [string, string, string, string];
  if (!sameHash(mac, checkInMac(secret, `${id}.${exp}`))) throw invalid();
  if (Number.parseInt(exp, 36) <= now.getTime()) {
    throw new AppError('check_in_token_expired', { field: 'checkInQr' });
  }
  const row = await db.selectFrom('health_book_check_ins').select('person_id').where('id', '=', id).executeTakeFirst();
  if (!row) throw invalid();
  return row.person_id;
}

/**
 * A report about a member, pre-filled from the record (name, date of birth, sex, ID number) with
 * the household's phone for the receipt; a dose named by id must be one of the member's. Goes
 * through the portal's report flow (routing, 48-hour clock, receipt SMS).
 */
export async function fileHouseholdReport(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  personId: string,
  body: HouseholdReportBody,
): Promise<ReportRow> {
  const member = await memberOf(trx, device, personId);
  const p = member.person;
  let dose = body.dose;
  if (body.doseId) {
    const certificate = await getCertificate(trx, deps.certificates, audit, p.id);
    const d = certificate.doses.find((x) => x.id === body.doseId);
    if (!d) throw new AppError('not_found', { field: 'doseId' });
    dose = { administeredOn: d.administeredOn, vaccineCode: d.vaccineCode, facilityId: d.facilityId };
  }
  return createReport(trx, deps, audit, {
    category: body.category,
    fullName: p.full_name,
    dateOfBirth: p.date_of_birth,
    gender: p.gender,
    phone: device.phone,
    ...(p.id_number ? { idNumber: p.id_number } : {}),
    description: body.description,
    provinceCode: p.province_code,
    ...(dose ? { dose } : {}),
    personId: p.id,
  });
}

/** The phone's signed-in devices (not revoked, not expired), newest first. */
export async function listDevices(db: Executor, device: HealthBookDeviceRow, now: Date): Promise<HealthBookDevice[]> {
  const rows = await db
    .selectFrom('health_book_devices')
    .selectAll()
    .where('phone', '=', device.phone)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => presentDevice(r, device.id));
}

export { presentDevice };

/** Ends one of the phone's device sessions (this one: signing out). Audited. */
export async function revokeDevice(
  trx: Trx,
  deps: BookDeps,
  audit: AuditContext,
  device: HealthBookDeviceRow,
  deviceId: string,
): Promise<void> {
  const ended = await trx
    .updateTable('health_book_devices')
    .set({ revoked_at: deps.clock(), revoked_by: deviceId === device.id ? 'self' : `device:${device.id}` })
    .where('id', '=', deviceId)
    .where('phone', '=', device.phone)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!ended) throw new AppError('device_not_found', { field: 'id' });
  await recordAudit(trx, audit, {
    action: 'health_book.device_revoke',
    entityType: 'health_book_device',
    entityId: deviceId,
    after: { by: deviceId === device.id ? 'self' : device.id },
  });
}

/** Ends every device session of a phone (a national administrator: a lost phone, a number reassigned). */
export async function revokePhone(trx: Trx, deps: BookDeps, audit: AuditContext, phoneGiven: string): Promise<number> {
  const p = normalizePhone(phoneGiven);
  if (!p.ok) throw ruleError({ ...p.error, field: 'phone' });
  const ended = await trx
    .updateTable('health_book_devices')
    .set({ revoked_at: deps.clock(), revoked_by: `staff:${audit.actorUsername ?? '?'}` })
    .where('phone', '=', p.value)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  await recordAudit(trx, audit, {
    action: 'health_book.phone_revoke',
    entityType: 'health_book_phone',
    entityId: hashedKey('phone', p.value),
    after: { phone: maskPhone(p.value), revoked: ended.length },
  });
  return ended.length;
}
