import { randomInt } from 'node:crypto';
import {
  INVITE_MAX_DAYS_AHEAD,
  inviteDateProblem,
  nameSearchKey,
  normalizeName,
  normalizePhone,
  PREFERRED_DATE_MAX_DAYS_AHEAD,
  type PriorityGroup,
  preferredDateProblem,
  REGISTRATION_QR_PREFIX,
  type ScreeningAnswer,
  uuidv7,
  validateIdNumber,
  vietnamDay,
} from '@tiemchung/core';
import type { RegistrationRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, requireScope, whereInScope } from '../../lib/authz.js';
import { AppError, ruleError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import {
  cleanResidence,
  createPerson,
  findPersonByIdNumber,
  getPerson,
  type NewPersonPlan,
  type PeopleDeps,
  planNewPerson,
} from '../people/people.service.js';
import { hashedKey } from '../ratelimit/rate-limit.service.js';
import { queueSms } from '../sms/sms.service.js';
import { markPeopleForStats } from '../stats/stats.marks.js';
import { getUnit2021 } from '../units/units.service.js';
import {
  claimOtpSms,
  LOOKUP_LIMITS,
  newOtp,
  OTP_MAX_ATTEMPTS,
  OTP_TTL_MS,
  otpHash,
  type PortalDeps,
  phoneLimitKey,
  type RequestLimit,
  sameHash,
} from './portal.service.js';

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function newRegistrationCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `DK-${s}`;
}

export interface RegistrationInput {
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
  readonly phone: string;
  readonly idNumber: string;
  readonly healthInsuranceNumber?: string;
  readonly occupation?: string;
  readonly priorityGroup: PriorityGroup;
  readonly provinceCode: string;
  readonly districtCode?: string;
  readonly communeCode?: string;
  readonly ethnicity?: string;
  readonly nationality: string;
  readonly preferredDate?: string;
  readonly checklist: Record<string, ScreeningAnswer>;
  readonly consent: boolean;
}

/** A registration's details after the rules (normalised name, phone and ID number), ready to store. */
export interface CheckedRegistration {
  readonly input: RegistrationInput;
  readonly fullName: string;
  readonly phone: string;
  readonly idNumber: string;
  /** The residence checked (the district of a commune given alone filled in). */
  readonly districtCode: string | null;
  readonly communeCode: string | null;
}

/**
 * The checks of a registration, before anything is counted or written: consent, name, phone, the
 * ID number against birth date and sex, the province, district and commune (existing, nested), the
 * preferred day (today in Vietnam to 90 days ahead). The checklist's questions and answers are the
 * body schema's.
 */
export async function checkRegistration(
  db: Executor,
  deps: Pick<PortalDeps, 'clock'>,
  input: RegistrationInput,
): Promise<CheckedRegistration> {
  const now = deps.clock();
  if (!input.consent) {
    throw new AppError('consent_required', { field: 'consent' });
  }
  const name = normalizeName(input.fullName);
  if (!name.ok) throw ruleError({ ...name.error, field: 'fullName' });
  const phone = normalizePhone(input.phone);
  if (!phone.ok) throw ruleError({ ...phone.error, field: 'phone' });
  const foreign = input.nationality !== 'VN';
  const raw = input.idNumber.replace(/[\s.-]/g, '');
  const id = validateIdNumber(foreign ? 'passport' : raw.length === 9 ? 'cmnd' : 'cccd', raw, {
    dateOfBirth: input.dateOfBirth,
    gender: input.gender,
    today: vietnamDay(now),
  });
  if (!id.ok) throw ruleError({ ...id.error, field: 'idNumber' });
  const residence = await cleanResidence(db, input);
  if (input.preferredDate) {
    const problem = preferredDateProblem(input.preferredDate, vietnamDay(now));
    if (problem === 'preferred_date_past') throw new AppError(problem, { field: 'preferredDate' });
    if (problem === 'preferred_date_too_far') {
      throw new AppError(problem, { field: 'preferredDate', params: { maxDays: PREFERRED_DATE_MAX_DAYS_AHEAD } });
    }
  }
  return {
    input,
    fullName: name.value,
    phone: phone.value,
    idNumber: id.value.idNumber,
    districtCode: residence.district_code,
    communeCode: residence.commune_code,
  };
}

/**
 * The limits a checked registration is counted against (429 past them): per client address, per
 * ID number and per phone number. The route counts them on their own, before its transaction.
 */
export function registrationLimits(r: CheckedRegistration, ip: string): RequestLimit[] {
  return [
    { key: `register:ip:${ip}`, ...LOOKUP_LIMITS.perIp },
    { key: hashedKey('register:id', r.idNumber), ...LOOKUP_LIMITS.perId },
    { key: phoneLimitKey('register:phone', r.phone), ...LOOKUP_LIMITS.perPhone },
  ];
}

/**
 * Đăng ký tiêm: stores an unconfirmed registration (checked by `checkRegistration`, counted against
 * `registrationLimits`) and sends an OTP to the given phone; the registration counts only once the
 * OTP is confirmed (the phone is the registrant's). Past the hourly cap of OTP messages to the
 * phone (shared with look-ups, so it must not show) nothing is sent and the answer is the same.
 */
export async function startRegistration(
  trx: Trx,
  deps: PortalDeps,
  audit: AuditContext,
  checked: CheckedRegistration,
): Promise<string> {
  const now = deps.clock();
  const { input } = checked;
  const sendOtp = await claimOtpSms(trx, checked.phone, now);
  const regId = uuidv7(now.getTime());
  const otp = newOtp();
  await trx
    .insertInto('registrations')
    .values({
      id: regId,
      code: newRegistrationCode(),
      full_name: checked.fullName,
      name_key: nameSearchKey(checked.fullName),
      date_of_birth: input.dateOfBirth,
      gender: input.gender,
      phone: checked.phone,
      id_number: checked.idNumber,
      health_insurance_number: input.healthInsuranceNumber?.trim() || null,
      occupation: input.occupation?.trim() || null,
      priority_group: input.priorityGroup,
      province_code: input.provinceCode,
      district_code: checked.districtCode,
      commune_code: checked.communeCode,
      ethnicity: input.ethnicity?.trim() || null,
      nationality: input.nationality,
      preferred_date: input.preferredDate ?? null,
      checklist: JSON.stringify(input.checklist),
      consent_at: now,
      otp_hash: otpHash(deps.secret, `reg:${regId}`, otp),
      otp_expires_at: new Date(now.getTime() + OTP_TTL_MS),
      status: 'unconfirmed',
      assigned_district_code: null,
      assigned_facility_id: null,
      invited_for: null,
      person_id: null,
      created_at: now,
      confirmed_at: null,
    })
    .execute();
  if (sendOtp) {
    await queueSms(
      trx,
      deps.sms,
      {
        to: checked.phone,
        kind: 'registration_otp',
        text: `Ma xac nhan dang ky tiem chung COVID-19 cua ban la ${otp}. Ma co hieu luc 5 phut.`,
      },
      { ascii: deps.smsAscii },
    );
  }
  await recordAudit(trx, audit, {
    action: 'registration.create',
    entityType: 'registration',
    entityId: regId,
    after: { otpSent: sendOtp },
  });
  return regId;
}

/**
 * Confirms a registration with its OTP; answers the registration (its code goes in the check-in
 * QR), or null when the OTP is wrong, expired, exhausted or already used (the registration
 * confirmed: the code is single-use, as a look-up's; the confirmation SMS carries the registration
 * code), or the registration unknown. Every refused code, before or after the confirmation, is
 * counted on the registration in the caller's transaction, which must commit before the route
 * answers `invalidOtp()` (the refusal is returned, not thrown). Guesses per client address are
 * limited by the route (`otpGuessLimits`).
 */
export async function confirmRegistration(
  trx: Trx,
  deps: PortalDeps,
  audit: AuditContext,
  regId: string,
  otp: string,
): Promise<RegistrationRow | null> {
  const now = deps.clock();
  const r = await trx.selectFrom('registrations').selectAll().where('id', '=', regId).forUpdate().executeTakeFirst();
  if (!r) return null;
  const ok =
    r.status === 'unconfirmed' &&
    r.otp_expires_at > now &&
    r.otp_attempts < OTP_MAX_ATTEMPTS &&
    /^\d{6}$/.test(otp) &&
    sameHash(r.otp_hash, otpHash(deps.secret, `reg:${r.id}`, otp));
  if (!ok) {
    await trx
      .updateTable('registrations')
      .set({ otp_attempts: r.otp_attempts + 1 })
      .where('id', '=', r.id)
      .execute();
    return null;
  }
  const confirmed = await trx
    .updateTable('registrations')
    .set({ status: 'confirmed', confirmed_at: now })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await queueSms(
    trx,
    deps.sms,
    {
      to: r.phone,
      kind: 'registration_confirmed',
      text: `Da dang ky tiem chung COVID-19. Ma dang ky: ${r.code}. Xuat trinh ma QR khi den diem tiem.`,
    },
    { ascii: deps.smsAscii },
  );
  await recordAudit(trx, audit, { action: 'registration.confirm', entityType: 'registration', entityId: r.id });
  return confirmed;
}

/** Registrations a province, district or facility sees (confirmed ones; newest first). */
export function listRegistrations(
  db: Executor,
  actor: Actor,
  f: { status?: RegistrationRow['status']; invitedFor?: string; facilityId?: string },
) {
  let q = whereInScope(db.selectFrom('registrations').selectAll().where('status', '<>', 'unconfirmed'), actor.scope, {
    commune: 'district',
    columns: { district: 'assigned_district_code', facility: 'assigned_facility_id' },
  });
  if (f.status) q = q.where('status', '=', f.status);
  if (f.invitedFor) q = q.where('invited_for', '=', f.invitedFor);
  if (f.facilityId) q = q.where('assigned_facility_id', '=', f.facilityId);
  return q.orderBy('created_at', 'desc').limit(500).execute();
}

/** A province assigns a registration to a district or a facility. */
export async function assignRegistration(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  to: { districtCode?: string; facilityId?: string },
) {
  const r = await trx.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
  if (
    !r ||
    r.status === 'unconfirmed' ||
    !covers(actor.scope, {
      provinceCode: r.province_code,
      districtCode: r.assigned_district_code,
      facilityId: r.assigned_facility_id,
    })
  ) {
    throw new AppError('not_found');
  }
  let district = to.districtCode ?? null;
  let facilityId: string | null = null;
  if (to.facilityId) {
    const f = await getFacility(trx, to.facilityId);
    if (!f) throw new AppError('unknown_facility', { field: 'facilityId' });
    // A facility that exists but is not the caller's: 403 out_of_scope (it is not "unknown").
    requireScope(
      actor,
      { provinceCode: f.province_code, districtCode: f.district_code, communeCode: f.commune_code, facilityId: f.id },
      'facilityId',
    );
    if (f.province_code !== r.province_code) throw new AppError('registration_other_province', { field: 'facilityId' });
    // A registrant is not sent to a deactivated facility (409 facility_inactive).
    if (!f.active) throw new AppError('facility_inactive', { field: 'facilityId', params: { name: f.name } });
    facilityId = f.id;
    district = f.district_code;
  } else if (district) {
    const d = await getUnit2021(trx, district);
    if (d?.level !== 'district') throw new AppError('unknown_unit', { field: 'districtCode' });
    requireScope(actor, { provinceCode: d.province_code, districtCode: d.code }, 'districtCode');
    if (d.province_code !== r.province_code) {
      throw new AppError('registration_other_province', { field: 'districtCode' });
    }
  }
  const updated = await trx
    .updateTable('registrations')
    .set({ assigned_district_code: district, assigned_facility_id: facilityId, status: 'assigned' })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'registration.assign',
    entityType: 'registration',
    entityId: id,
    after: { district, facilityId },
  });
  return updated;
}

/** A facility invites a registrant by SMS for a date. */
export async function inviteRegistration(
  trx: Trx,
  deps: PortalDeps,
  actor: Actor,
  audit: AuditContext,
  id: string,
  date: string,
) {
  const r = await trx.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
  if (
    !r?.assigned_facility_id ||
    !covers(actor.scope, {
      provinceCode: r.province_code,
      districtCode: r.assigned_district_code,
      facilityId: r.assigned_facility_id,
    })
  ) {
    throw new AppError('not_found');
  }
  // Not a day already past, nor one too far ahead: the citizen is sent the day by SMS.
  const problem = inviteDateProblem(date, vietnamDay(deps.clock()));
  if (problem === 'invite_date_past') throw new AppError(problem, { field: 'date' });
  if (problem === 'invite_date_too_far') {
    throw new AppError(problem, { field: 'date', params: { maxDays: INVITE_MAX_DAYS_AHEAD } });
  }
  const f = (await getFacility(trx, r.assigned_facility_id))!;
  const updated = await trx
    .updateTable('registrations')
    .set({ status: 'invited', invited_for: date })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const d = `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
  await queueSms(
    trx,
    deps.sms,
    {
      to: r.phone,
      kind: 'registration_invite',
      text: `Moi ban den tiem vac xin COVID-19 ngay ${d} tai ${f.name}. Mang CCCD va ma dang ky ${r.code}.`,
    },
    { ascii: deps.smsAscii },
  );
  await recordAudit(trx, audit, {
    action: 'registration.invite',
    entityType: 'registration',
    entityId: id,
    after: { date, facilityId: f.id },
  });
  return updated;
}

/**
 * What checking in a registration QR will do, decided before the route opens its transaction: the
 * existing record with that ID number, or one to register from the registration's details
 * (verified against the registry — a network call, never inside the transaction).
 */
export interface RegistrationCheckIn {
  readonly registration: RegistrationRow;
  readonly personId?: string;
  readonly newPerson?: NewPersonPlan;
}

export async function planRegistrationCheckIn(
  db: Executor,
  people: PeopleDeps,
  actor: Actor,
  qrText: string,
): Promise<RegistrationCheckIn> {
  const code = qrText.trim().toUpperCase().replace(REGISTRATION_QR_PREFIX, '');
  const r = await db.selectFrom('registrations').selectAll().where('code', '=', code).executeTakeFirst();
  if (!r || r.status === 'unconfirmed' || r.status === 'cancelled') {
    throw new AppError('registration_not_found');
  }
  const existing = await findPersonByIdNumber(db, r.id_number);
  if (existing) return { registration: r, personId: existing.id };
  const newPerson = await planNewPerson(db, people, actor, {
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    gender: r.gender,
    idNumber: r.id_number,
    phone: r.phone,
    provinceCode: r.province_code,
    districtCode: r.district_code ?? undefined,
    communeCode: r.commune_code ?? undefined,
    nationality: r.nationality,
    ethnicity: r.ethnicity ?? undefined,
    occupation: r.occupation ?? undefined,
    healthInsuranceNumber: r.health_insurance_number ?? undefined,
  });
  return { registration: r, newPerson };
}

/**
 * The person of a registration QR scanned at check-in (registered now when so planned), and the
 * registration marked checked in — in the route's transaction, with the check-in itself.
 */
export async function personFromRegistrationQr(trx: Trx, audit: AuditContext, plan: RegistrationCheckIn) {
  const person = plan.newPerson
    ? await createPerson(trx, audit, plan.newPerson)
    : await getPerson(trx, plan.personId ?? '');
  if (!person) throw new AppError('not_found');
  await trx
    .updateTable('registrations')
    .set({ person_id: person.id, status: 'checked_in' })
    .where('id', '=', plan.registration.id)
    .execute();
  // The person now counts under the registration's priority group.
  await markPeopleForStats(trx, [person.id]);
  return { person, registration: plan.registration };
}

/** The priority group each of these people last registered under (people who never registered are left out). */
export async function priorityGroupsOf(db: Executor, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('registrations')
    .select(['person_id', 'priority_group'])
    .where('person_id', 'in', personIds)
    .orderBy('created_at')
    .execute();
  // Later registrations overwrite earlier ones.
  return new Map(rows.map((r) => [r.person_id as string, r.priority_group]));
}
