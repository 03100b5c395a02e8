import {
  birthDateAfterDoses,
  type CreatePersonBody,
  identityGate,
  maskPhone,
  nameSearchKey,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  type Person,
  provinceByCode,
  SUPERVISOR_ROLES,
  type UpdatePersonBody,
  uuidv7,
  validateIdNumber,
  vietnamDay,
} from '@tiemchung/core';
import type { NewPerson, PersonRow, PersonUpdate, VerificationStatus } from '../../db/schema.js';
import { type Executor, type Trx, withSavepoint } from '../../db/transaction.js';
import { type Actor, covers, fieldOutsideScope, NO_MATCH, scopeColumns, type UnitRef } from '../../lib/authz.js';
import { AppError, ruleError } from '../../lib/errors.js';
import { type AuditContext, recordAudit, recordAuditForEach } from '../audit/audit.service.js';
import type { PopulationRegistry, VerificationOutcome } from '../registry/registry.types.js';
import { getUnit2021 } from '../units/units.service.js';
import * as q from './people.queries.js';

export interface PeopleDeps {
  readonly registry: PopulationRegistry;
  readonly clock: () => Date;
}

/** How long to wait before re-checking a person whose verification the registry could not answer. */
export const RECHECK_DELAY_MS = 15 * 60_000;

const dateOnly = (d: Date) => vietnamDay(d);

/** Partly hides an ID number: first three and last three digits shown ("087******567"). */
export function maskIdNumber(id: string): string {
  if (id.length <= 6) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 6)}${id.slice(-3)}`;
}

/** Never return a raw row. `masked` hides most of the ID number and phone (search results). */
export function presentPerson(p: PersonRow, options: { masked?: boolean } = {}): Person {
  const masked = options.masked ?? false;
  return {
    id: p.id,
    fullName: p.full_name,
    dateOfBirth: p.date_of_birth,
    gender: p.gender,
    idType: p.id_type,
    idNumber: p.id_number && masked ? maskIdNumber(p.id_number) : p.id_number,
    oldIdNumber: p.old_id_number && masked ? maskIdNumber(p.old_id_number) : p.old_id_number,
    legacy: p.legacy,
    phone: p.phone && masked ? maskPhone(p.phone) : p.phone,
    provinceCode: p.province_code,
    districtCode: p.district_code,
    communeCode: p.commune_code,
    address: masked ? null : p.address,
    nationality: p.nationality,
    ethnicity: p.ethnicity,
    healthInsuranceNumber: masked ? null : p.health_insurance_number,
    occupation: p.occupation,
    verification: {
      status: p.verification_status,
      fields: Array.isArray(p.verification_fields) ? (p.verification_fields as string[]) : [],
      source: p.verification_source,
      verifiedAt: p.verified_at?.toISOString() ?? null,
      recheck: p.recheck_after !== null,
      override:
        p.identity_override_by && p.identity_override_reason && p.identity_override_at
          ? { by: p.identity_override_by, reason: p.identity_override_reason, at: p.identity_override_at.toISOString() }
          : null,
    },
    masked,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

/** The identity details after the core rules: normalised, or the first violation as a 400 with its field. */
interface CleanIdentity {
  fullName: string;
  nameKey: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  idType: 'cccd' | 'cmnd' | 'passport' | null;
  idNumber: string | null;
}

function cleanIdentity(
  input: {
    fullName: string;
    dateOfBirth: string;
    gender: 'male' | 'female';
    idNumber?: string | null;
    idType?: 'cccd' | 'cmnd' | 'passport';
    nationality?: string;
  },
  today: string,
  options: { idRequired: boolean },
): CleanIdentity {
  const name = normalizeName(input.fullName);
  if (!name.ok) throw ruleError({ ...name.error, field: 'fullName' });
  if (input.dateOfBirth > today) {
    throw new AppError('date_of_birth_in_future', { field: 'dateOfBirth' });
  }
  if (input.dateOfBirth < '1900-01-01') {
    throw new AppError('date_of_birth_too_early', { field: 'dateOfBirth' });
  }
  const raw = input.idNumber?.trim() ?? '';
  if (!raw) {
    if (options.idRequired) {
      throw new AppError('id_number_required', { field: 'idNumber' });
    }
    return {
      fullName: name.value,
      nameKey: nameSearchKey(name.value),
      dateOfBirth: input.dateOfBirth,
      gender: input.gender,
      idType: null,
      idNumber: null,
    };
  }
  // Vietnamese citizens carry a CCCD (12 digits) or an old CMND (9); a passport number is for
  // foreign nationals, chosen explicitly (idType) or implied by a foreign nationality.
  const foreign = input.nationality !== undefined && input.nationality !== 'VN';
  const idType = input.idType ?? (foreign ? 'passport' : normalizeIdNumber(raw).length === 9 ? 'cmnd' : 'cccd');
  const id = validateIdNumber(idType, raw, { dateOfBirth: input.dateOfBirth, gender: input.gender, today });
  if (!id.ok) throw ruleError({ ...id.error, field: 'idNumber' });
  return {
    fullName: name.value,
    nameKey: nameSearchKey(name.value),
    dateOfBirth: input.dateOfBirth,
    gender: input.gender,
    idType: id.value.idType,
    idNumber: id.value.idNumber,
  };
}

function cleanPhone(raw: string | undefined | null, required: boolean): string | null {
  if (!raw?.trim()) {
    if (!required) return null;
    throw new AppError('phone_required', { field: 'phone' });
  }
  const p = normalizePhone(raw);
  if (!p.ok) throw ruleError({ ...p.error, field: 'phone' });
  return p.value;
}

/**
 * Checks the province, district and commune codes exist and nest (2021 units): 400 `unknown_unit`
 * naming the field otherwise. The district of a commune given alone is filled in.
 */
export async function cleanResidence(
  db: Executor,
  input: { provinceCode: string; districtCode?: string | null; communeCode?: string | null },
): Promise<{ province_code: string; district_code: string | null; commune_code: string | null }> {
  if (!provinceByCode(input.provinceCode)) throw new AppError('unknown_unit', { field: 'provinceCode' });
  let districtCode = input.districtCode ?? null;
  if (input.communeCode) {
    const c = await getUnit2021(db, input.communeCode);
    if (
      c?.level !== 'commune' ||
      c.province_code !== input.provinceCode ||
      (districtCode && c.district_code !== districtCode)
    ) {
      throw new AppError('unknown_unit', { field: 'communeCode' });
    }
    districtCode = c.district_code;
  }
  if (districtCode) {
    const d = await getUnit2021(db, districtCode);
    if (d?.level !== 'district' || d.province_code !== input.provinceCode)
      throw new AppError('unknown_unit', { field: 'districtCode' });
  }
  return { province_code: input.provinceCode, district_code: districtCode, commune_code: input.communeCode ?? null };
}

/** The person columns that record a verification outcome. */
export function verificationColumns(outcome: VerificationOutcome, source: string, now: Date): PersonUpdate {
  const status: VerificationStatus = outcome.status;
  return {
    verification_status: status,
    verification_fields: JSON.stringify(outcome.status === 'mismatch' ? outcome.fields : []),
    verification_source: outcome.status === 'unavailable' ? `${source} (${outcome.reason})` : source,
    verified_at: outcome.status === 'unavailable' ? null : now,
    recheck_after: outcome.status === 'unavailable' ? new Date(now.getTime() + RECHECK_DELAY_MS) : null,
  };
}

/** Asks the registry about a person's identity; passports and records without an ID are not asked. */
async function verifyIdentity(deps: PeopleDeps, id: CleanIdentity): Promise<PersonUpdate> {
  const now = deps.clock();
  if (!id.idNumber)
    return {
      verification_status: 'pending',
      verification_fields: '[]',
      verification_source: null,
      verified_at: null,
      recheck_after: null,
    };
  if (id.idType === 'passport') {
    return {
      verification_status: 'pending',
      verification_fields: '[]',
      verification_source: 'passport (checked at the site)',
      verified_at: null,
      recheck_after: null,
    };
  }
  const outcome = await deps.registry.verify({
    idNumber: id.idNumber,
    fullName: id.fullName,
    dateOfBirth: id.dateOfBirth,
    gender: id.gender,
  });
  return verificationColumns(outcome, deps.registry.source, now);
}

function duplicatePerson(existingId: string): AppError {
  return new AppError('duplicate_person', { field: 'idNumber', extra: { existingId } });
}

/** Why two people are likely the same record (a candidate for review), or null. */
function duplicateKind(p: PersonRow, o: PersonRow): 'cmnd_cccd' | 'legacy_match' | 'same_name_dob_phone' | null {
  const sameNameDob = o.name_key === p.name_key && o.date_of_birth === p.date_of_birth;
  const linkedIds =
    (p.old_id_number && o.id_number === p.old_id_number) || (p.id_number && o.old_id_number === p.id_number);
  const cmndCccd =
    linkedIds ||
    (sameNameDob &&
      p.id_type &&
      o.id_type &&
      p.id_type !== o.id_type &&
      p.id_type !== 'passport' &&
      o.id_type !== 'passport');
  return cmndCccd
    ? 'cmnd_cccd'
    : sameNameDob && (p.legacy || o.legacy)
      ? 'legacy_match'
      : sameNameDob && p.phone && p.phone === o.phone
        ? 'same_name_dob_phone'
        : null;
}

/** Records the likely duplicates of a person just created or changed, for review; answers how many. */
async function detectDuplicates(trx: Trx, p: PersonRow): Promise<number> {
  const others = await q.findLikelySame(trx, {
    excludeId: p.id,
    nameKey: p.name_key,
    dateOfBirth: p.date_of_birth,
    phone: p.phone,
    idNumber: p.id_number,
    oldIdNumber: p.old_id_number,
  });
  let n = 0;
  for (const o of others) {
    const kind = duplicateKind(p, o);
    if (kind) {
      await q.insertDuplicateCandidate(trx, { a: p.id, b: o.id, kind, provinceCode: p.province_code });
      n++;
    }
  }
  return n;
}

/** True when the actor may read this person's full record (see README: who sees whom). */
export function canSeePerson(
  actor: Actor,
  p: Pick<PersonRow, 'province_code' | 'district_code' | 'commune_code'>,
): boolean {
  // Desk staff serve whoever walks in, from any province; their reads are audited.
  if (actor.scope.level === 'facility') return true;
  return covers(actor.scope, unitsOfPerson(p));
}

/** A person's units as a scope check takes them. */
const unitsOfPerson = (p: Pick<PersonRow, 'province_code' | 'district_code' | 'commune_code'>) => ({
  provinceCode: p.province_code,
  districtCode: p.district_code,
  communeCode: p.commune_code,
});

/**
 * True when the actor may change this person's record (details, identity override, merge, link to
 * a report): only within the actor's own units. Site staff: people living in their facility's
 * district, or registered at their facility (a traveller registered at the desk). Reading is wider
 * (`canSeePerson`); changing a record elsewhere goes through the unit responsible for it.
 */
export function canChangePerson(
  actor: Actor,
  p: Pick<PersonRow, 'province_code' | 'district_code' | 'commune_code' | 'registered_facility_id'>,
): boolean {
  const s = actor.scope;
  if (s.level === 'facility')
    return (
      (s.districtCode != null && p.district_code === s.districtCode) ||
      (s.facilityId != null && p.registered_facility_id === s.facilityId)
    );
  return covers(s, { provinceCode: p.province_code, districtCode: p.district_code, communeCode: p.commune_code });
}

/** The residence filter of searches by phone or name: the actor's units (a facility: its province). */
export function residenceFilter(actor: Actor): q.ResidenceFilter {
  if (actor.scope.level === 'facility') return { province_code: actor.scope.provinceCode ?? NO_MATCH };
  const { facility_id: _f, ...cols } = scopeColumns(actor.scope);
  return cols;
}

export interface CreatePersonOptions {
  /** Import of historical records: the ID number may be missing (the record is flagged legacy). */
  readonly legacy?: boolean;
  readonly registeredFacilityId?: string | null;
  /**
   * The registry is asked later, by the re-check job, not now (a bulk import of doses given before
   * the identity rule of 1 Nov 2021, which a verification does not decide): the person is created
   * `pending` and flagged for the re-check.
   */
  readonly deferVerification?: boolean;
  /**
   * The caller has just found no living record with this ID number (in one read for many): not
   * read again here. The insert still refuses a number taken meanwhile.
   */
  readonly idNumberChecked?: boolean;
}

/** A person checked and verified, ready to insert (`createPerson`): what `planNewPerson` decided. */
export interface NewPersonPlan {
  readonly row: NewPerson;
}

/**
 * The checks of a registration and the registry's answer — everything before the insert, so that
 * the registry (a network call) is asked before the route opens its transaction. The ID number
 * is required (except legacy imports) and checked against date of birth, sex and province; one
 * living person per ID number (409 `duplicate_person` with the existing id).
 */
export async function planNewPerson(
  db: Executor,
  deps: PeopleDeps,
  actor: Actor | null,
  input: CreatePersonBody,
  options: CreatePersonOptions = {},
): Promise<NewPersonPlan> {
  const today = dateOnly(deps.clock());
  const identity = cleanIdentity(input, today, { idRequired: !options.legacy });
  const phone = cleanPhone(input.phone, !options.legacy);
  const residence = await cleanResidence(db, input);
  if (actor && actor.scope.level !== 'facility' && !canSeePerson(actor, residence))
    throw new AppError('out_of_scope', { field: fieldOutsideScope(actor.scope, unitsOfPerson(residence)) });
  const oldIdNumber = cleanOldIdNumber(input.oldIdNumber);
  // A number someone's record keeps as its old one (the CMND a CCCD replaced) is theirs too.
  if (identity.idNumber && !options.idNumberChecked) {
    const existing = await q.findLivingByIdOrOldNumber(db, identity.idNumber);
    if (existing) throw duplicatePerson(existing.id);
  }
  const now = deps.clock();
  const verification: PersonUpdate =
    options.deferVerification && identity.idNumber
      ? {
          verification_status: 'pending',
          verification_fields: '[]',
          verification_source: null,
          verified_at: null,
          recheck_after: now,
        }
      : await verifyIdentity(deps, identity);
  const row: NewPerson = {
    id: uuidv7(now.getTime()),
    full_name: identity.fullName,
    name_key: identity.nameKey,
    date_of_birth: identity.dateOfBirth,
    gender: identity.gender,
    id_type: identity.idType,
    id_number: identity.idNumber,
    old_id_number: oldIdNumber,
    legacy: !identity.idNumber,
    phone,
    ...residence,
    address: input.address?.trim() || null,
    nationality: input.nationality ?? (identity.idType === 'passport' ? 'ZZ' : 'VN'),
    ethnicity: input.ethnicity?.trim() || null,
    health_insurance_number: input.healthInsuranceNumber?.trim() || null,
    occupation: input.occupation?.trim() || null,
    verification_status: verification.verification_status as VerificationStatus,
    verification_fields: verification.verification_fields as string,
    verification_source: verification.verification_source ?? null,
    verified_at: verification.verified_at ?? null,
    recheck_after: verification.recheck_after ?? null,
    registered_facility_id: options.registeredFacilityId ?? actor?.scope.facilityId ?? null,
    updated_at: now,
    created_by: actor?.id ?? null,
  };
  return { row };
}

/**
 * Registers a planned person: insert, audit entry and duplicate candidates in the caller's
 * transaction, the registry's outcome stored with time and source. A second desk registering the
 * same ID number at the same moment gets 409 `duplicate_person` with the first one's id (the insert
 * skips a taken number instead of failing, which would abort the transaction).
 */
export async function createPerson(trx: Trx, audit: AuditContext, plan: NewPersonPlan): Promise<PersonRow> {
  const person = await q.insertPersonUnlessIdTaken(trx, plan.row);
  if (!person) {
    const holder = plan.row.id_number ? await q.findLivingByIdNumber(trx, plan.row.id_number) : undefined;
    throw holder ? duplicatePerson(holder.id) : new AppError('conflict');
  }
  await recordAudit(trx, audit, {
    action: 'person.create',
    entityType: 'person',
    entityId: person.id,
    after: presentPerson(person),
  });
  await detectDuplicates(trx, person);
  return person;
}

/**
 * Registers planned people in bulk (the bulk import), as `createPerson` does one by one: inserted
 * a few hundred per statement (a plan whose ID number a living record took meanwhile is left out),
 * each with its audit entry, its statistics mark and its duplicate candidates — found for all in
 * one read, the people of the same call included. Answers, per plan's id, the person created and
 * how many candidates it got.
 */
export async function createPeopleInBulk(
  trx: Trx,
  audit: AuditContext,
  plans: readonly NewPersonPlan[],
): Promise<Map<string, { person: PersonRow; candidates: number }>> {
  const created: PersonRow[] = [];
  for (let i = 0; i < plans.length; i += BULK_PEOPLE) {
    created.push(
      ...(await q.insertPeopleUnlessIdTaken(
        trx,
        plans.slice(i, i + BULK_PEOPLE).map((p) => p.row),
      )),
    );
  }
  const out = new Map<string, { person: PersonRow; candidates: number }>();
  if (!created.length) return out;
  await recordAuditForEach(
    trx,
    audit,
    created.map((person) => ({
      action: 'person.create',
      entityType: 'person',
      entityId: person.id,
      after: presentPerson(person),
    })),
  );
  const likely = await q.findLikelySameAsAny(trx, created);
  // The records read, by what relates them (an index each: a batch's people are not compared with
  // every record read, which took time in the square of the batch).
  const index = (key: (o: PersonRow) => string | null) => {
    const by = new Map<string, number[]>();
    likely.forEach((o, i) => {
      const k = key(o);
      if (k === null) return;
      const list = by.get(k);
      if (list) list.push(i);
      else by.set(k, [i]);
    });
    return by;
  };
  const byNameAndBirth = index((o) => `${o.name_key}\u0000${o.date_of_birth}`);
  const byIdNumber = index((o) => o.id_number);
  const byOldIdNumber = index((o) => o.old_id_number);
  const pairs = new Set<string>();
  for (const p of created) {
    let n = 0;
    const related = new Set([
      ...(byNameAndBirth.get(`${p.name_key}\u0000${p.date_of_birth}`) ?? []),
      ...((p.old_id_number && byIdNumber.get(p.old_id_number)) || []),
      ...((p.id_number && byOldIdNumber.get(p.id_number)) || []),
    ]);
    // In the order read, as before.
    for (const i of [...related].sort((a, b) => a - b)) {
      const o = likely[i]!;
      if (o.id === p.id) continue;
      const kind = duplicateKind(p, o);
      if (!kind) continue;
      n++;
      const pair = p.id < o.id ? `${p.id} ${o.id}` : `${o.id} ${p.id}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      await q.insertDuplicateCandidate(trx, { a: p.id, b: o.id, kind, provinceCode: p.province_code });
    }
    out.set(p.id, { person: p, candidates: n });
  }
  return out;
}

/** The row a planned person will have once created (the rules of a first dose read it before the insert). */
export function plannedPerson(plan: NewPersonPlan, now: Date): PersonRow {
  const r = plan.row;
  return {
    ...r,
    legacy: r.legacy ?? false,
    nationality: r.nationality ?? 'VN',
    verification_status: r.verification_status ?? 'pending',
    verification_fields: r.verification_fields ?? null,
    verification_source: r.verification_source ?? null,
    verified_at: r.verified_at ?? null,
    recheck_after: r.recheck_after ?? null,
    identity_override_by: null,
    identity_override_reason: null,
    identity_override_at: null,
    merged_into: null,
    merged_at: null,
    registered_facility_id: r.registered_facility_id ?? null,
    created_at: now,
    created_by: r.created_by ?? null,
    version: 1,
  } as PersonRow;
}

/** People per insert statement of a bulk registration (about 30 parameters each, under PostgreSQL's 65,535). */
const BULK_PEOPLE = 500;

/** The living people holding these ID numbers, by ID number. */
export async function findPeopleByIdNumbers(
  db: Executor,
  idNumbers: readonly string[],
): Promise<Map<string, PersonRow>> {
  const rows = await q.findLivingByIdNumbers(db, idNumbers);
  return new Map(rows.map((p) => [p.id_number!, p]));
}

/**
 * The living person known by each of these ID numbers, by the number asked, as
 * `findPersonByIdNumber` finds one: the one holding it, else the first (by id) keeping it as the
 * old number (the CMND a CCCD replaced). One query for all (the bulk import's batch).
 */
export async function findPeopleByIdOrOldNumbers(
  db: Executor,
  idNumbers: readonly string[],
): Promise<Map<string, PersonRow>> {
  return personOfEachNumber(idNumbers, await q.findLivingByIdOrOldNumbers(db, idNumbers));
}

/**
 * `findPeopleByIdOrOldNumbers` with the rows locked for the caller's transaction, in id order (as
 * `lockPerson` locks one). A person may answer for two numbers asked (their number and their old one).
 */
export async function lockPeopleByIdOrOldNumbers(
  trx: Trx,
  idNumbers: readonly string[],
): Promise<Map<string, PersonRow>> {
  return personOfEachNumber(idNumbers, await q.findLivingByIdOrOldNumbersForUpdate(trx, idNumbers));
}

/** Each number asked → its person among `rows` (in id order): its holder wins over a record keeping it as old. */
function personOfEachNumber(idNumbers: readonly string[], rows: readonly PersonRow[]): Map<string, PersonRow> {
  const asked = new Set(idNumbers);
  const found = new Map<string, PersonRow>();
  for (const p of rows) if (p.id_number && asked.has(p.id_number)) found.set(p.id_number, p);
  for (const p of rows)
    if (p.old_id_number && asked.has(p.old_id_number) && !found.has(p.old_id_number)) found.set(p.old_id_number, p);
  return found;
}

/** The person with this id; an id merged away resolves to the surviving record. */
export async function getPerson(db: Executor, id: string): Promise<PersonRow | undefined> {
  let p = await q.findPersonById(db, id);
  for (let hops = 0; p?.merged_into && hops < 10; hops++) p = await q.findPersonById(db, p.merged_into);
  return p;
}

/** People by id, for lists that name them (no audit entry: callers that show a record audit it). */
export async function getPeopleByIds(db: Executor, ids: readonly string[]): Promise<Map<string, PersonRow>> {
  return new Map((await q.findPeopleByIds(db, [...new Set(ids)])).map((p) => [p.id, p]));
}

/** A staff member opens a person's full record: scope checked, and the read is audited. */
export async function readPerson(db: Executor, actor: Actor, audit: AuditContext, id: string): Promise<PersonRow> {
  const p = await getPerson(db, id);
  if (!p || !canSeePerson(actor, p)) throw new AppError('not_found');
  await recordAudit(db, audit, { action: 'person.read', entityType: 'person', entityId: p.id });
  return p;
}

export type PeopleSearch = { idNumber: string } | { phone: string } | { q: string };

/**
 * Finds people by exact ID number (nationwide for staff: the one check that stops a second record
 * for the same person), by phone or by diacritic-free name — its start, or any of its whole words
 * (within the actor's units).
 */
export async function searchPeople(
  db: Executor,
  actor: Actor,
  audit: AuditContext,
  search: PeopleSearch,
  limit = 20,
): Promise<{ items: PersonRow[]; masked: boolean }> {
  if ('idNumber' in search) {
    const id = normalizeIdNumber(search.idNumber).toUpperCase();
    // The record holding the number, or keeping it as its old number (a CMND replaced by a CCCD).
    const found = await q.findLivingByIdOrOldNumber(db, id);
    if (!found) return { items: [], masked: false };
    await recordAudit(db, audit, { action: 'person.lookup', entityType: 'person', entityId: found.id });
    // The caller typed the ID number; outside their units the phone and address stay hidden.
    return { items: [found], masked: !canSeePerson(actor, found) };
  }
  const filter = residenceFilter(actor);
  if ('phone' in search) {
    const phone = normalizePhone(search.phone);
    if (!phone.ok) throw ruleError({ ...phone.error, field: 'phone' });
    return { items: await q.searchByPhone(db, phone.value, filter, limit), masked: true };
  }
  const text = search.q.trim();
  const digits = text.replace(/[\s.-]/g, '');
  if (/^\d{9}$|^\d{12}$/.test(digits)) return searchPeople(db, actor, audit, { idNumber: digits }, limit);
  if (/^(\+?84|0)\d{9}$/.test(digits)) return searchPeople(db, actor, audit, { phone: digits }, limit);
  const key = nameSearchKey(text);
  if (key.length < 2) {
    throw new AppError('query_too_short', { field: 'q' });
  }
  return { items: await searchByName(db, key, filter, limit), masked: true };
}

/** Byte order, as the "C" collation of `name_key` sorts. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * People by name: the names that start with the key ("nguyen van b…", as typed) and the names
 * that have each of its words as a whole word, anywhere ("binh" → "Nguyễn Văn Bình"), merged in
 * name order. Two index searches, each stopping at `limit`, so the first `limit` of the union
 * are among their answers.
 */
async function searchByName(db: Executor, key: string, filter: q.ResidenceFilter, limit: number) {
  const words = [...new Set(key.split(' ').filter(Boolean))];
  const [byPrefix, byWords] = await Promise.all([
    q.searchByNamePrefix(db, key, filter, limit),
    q.searchByNameWords(db, words, filter, limit),
  ]);
  const seen = new Set<string>();
  return [...byPrefix, ...byWords]
    .filter((p) => !seen.has(p.id) && seen.add(p.id))
    .sort((a, b) => compareText(a.name_key, b.name_key) || compareText(a.id, b.id))
    .slice(0, limit);
}

/** People who may be the one about to be registered: shown to the desk before it creates a record. */
export async function duplicateCheck(
  db: Executor,
  actor: Actor,
  input: { fullName: string; dateOfBirth: string; phone?: string; idNumber?: string },
): Promise<PersonRow[]> {
  const name = normalizeName(input.fullName);
  const phone = input.phone ? normalizePhone(input.phone) : null;
  const idNumber = input.idNumber ? normalizeIdNumber(input.idNumber) : null;
  const found = await q.findLikelySame(db, {
    nameKey: nameSearchKey(name.ok ? name.value : input.fullName),
    dateOfBirth: input.dateOfBirth,
    phone: phone?.ok ? phone.value : null,
    idNumber,
    oldIdNumber: idNumber,
  });
  const byId = idNumber ? await q.findLivingByIdOrOldNumber(db, idNumber) : undefined;
  const all = byId && !found.some((p) => p.id === byId.id) ? [byId, ...found] : found;
  return all.filter((p) => canSeePerson(actor, p)).slice(0, 10);
}

const IDENTITY_FIELDS = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'idType'] as const;

/** A checked correction of a person, ready to write: what `planPersonUpdate` decided. */
export type PersonUpdatePlan = Awaited<ReturnType<typeof planPersonUpdate>>;

/** An old ID number as given (a CMND of 9 or 12 digits, or a CCCD), checked; null when blank. */
function cleanOldIdNumber(given: string | undefined): string | null {
  if (!given?.trim()) return null;
  const raw = normalizeIdNumber(given);
  const old = validateIdNumber(raw.length === 12 ? 'cccd' : 'cmnd', raw);
  if (!old.ok) throw ruleError({ ...old.error, field: 'oldIdNumber' });
  return old.value.idNumber;
}

/**
 * The checks of a correction and the registry's answer for changed identity details — everything
 * before the write, so that the route asks the registry (a network call) before it opens its
 * transaction, then writes with `applyPersonUpdate` in it. Changing name, date of birth, sex or ID
 * number re-verifies the identity (and clears an override given for the old details). Doses stay
 * attached by id: editing details never detaches a dose.
 */
export async function planPersonUpdate(
  db: Executor,
  deps: PeopleDeps,
  actor: Actor,
  id: string,
  patch: UpdatePersonBody,
) {
  const current = await getPerson(db, id);
  if (!current || !canSeePerson(actor, current)) throw new AppError('not_found');
  if (!canChangePerson(actor, current)) throw new AppError('out_of_scope');
  const today = dateOnly(deps.clock());
  const identityChanged = IDENTITY_FIELDS.some((f) => patch[f] !== undefined);
  const identity = cleanIdentity(
    {
      fullName: patch.fullName ?? current.full_name,
      dateOfBirth: patch.dateOfBirth ?? current.date_of_birth,
      gender: patch.gender ?? current.gender,
      idNumber: patch.idNumber ?? current.id_number,
      idType: patch.idType ?? (patch.idNumber === undefined ? (current.id_type ?? undefined) : undefined),
      nationality: patch.nationality ?? current.nationality,
    },
    today,
    { idRequired: !current.legacy || patch.idNumber !== undefined },
  );
  if (identity.idNumber && identity.idNumber !== current.id_number) {
    const holder = await q.findLivingByIdOrOldNumber(db, identity.idNumber);
    if (holder && holder.id !== current.id) throw duplicatePerson(holder.id);
  }
  const residence =
    patch.provinceCode || patch.districtCode || patch.communeCode
      ? await cleanResidence(db, {
          provinceCode: patch.provinceCode ?? current.province_code,
          districtCode: patch.districtCode ?? (patch.provinceCode ? null : current.district_code),
          communeCode: patch.communeCode ?? (patch.provinceCode || patch.districtCode ? null : current.commune_code),
        })
      : {};
  const changes: PersonUpdate = {
    full_name: identity.fullName,
    name_key: identity.nameKey,
    date_of_birth: identity.dateOfBirth,
    gender: identity.gender,
    id_type: identity.idType,
    id_number: identity.idNumber,
    legacy: current.legacy && !identity.idNumber,
    ...residence,
    updated_at: deps.clock(),
  };
  if (patch.phone !== undefined) changes.phone = cleanPhone(patch.phone, false);
  if (patch.address !== undefined) changes.address = patch.address.trim() || null;
  if (patch.ethnicity !== undefined) changes.ethnicity = patch.ethnicity.trim() || null;
  if (patch.occupation !== undefined) changes.occupation = patch.occupation.trim() || null;
  if (patch.healthInsuranceNumber !== undefined)
    changes.health_insurance_number = patch.healthInsuranceNumber.trim() || null;
  if (patch.nationality !== undefined) changes.nationality = patch.nationality;
  // The old number: as given (blank clears it); else, when a CMND is replaced by a CCCD, the CMND —
  // as a merge keeps it — so that records and files under the card the person used to carry find them.
  if (patch.oldIdNumber !== undefined) changes.old_id_number = cleanOldIdNumber(patch.oldIdNumber);
  else if (
    current.id_type === 'cmnd' &&
    identity.idType === 'cccd' &&
    current.id_number &&
    identity.idNumber !== current.id_number &&
    !current.old_id_number
  )
    changes.old_id_number = current.id_number;
  if (changes.old_id_number && changes.old_id_number === identity.idNumber)
    throw new AppError('validation_failed', { field: 'oldIdNumber' });
  const reallyChanged =
    identityChanged &&
    (identity.fullName !== current.full_name ||
      identity.dateOfBirth !== current.date_of_birth ||
      identity.gender !== current.gender ||
      identity.idNumber !== current.id_number);
  if (reallyChanged) {
    Object.assign(changes, await verifyIdentity(deps, identity), {
      identity_override_by: null,
      identity_override_reason: null,
      identity_override_at: null,
    });
  }
  return { current, changes, reallyChanged, identity, reason: patch.reason ?? null };
}

/**
 * The dates of a person's counted doses, from the doses module — which sits above people, so the
 * caller gives it (app.ts to the people routes; the reports module to its corrections).
 */
export type DoseDatesOf = (db: Executor, personId: string) => Promise<readonly string[]>;

/**
 * Writes a planned correction in the caller's transaction, audited with before and after. A new
 * date of birth is refused (422 `date_before_birth`, field `dateOfBirth`) while a counted dose of
 * the person is dated before it: checked with the person locked, so no dose lands in between.
 */
export async function applyPersonUpdate(
  trx: Trx,
  audit: AuditContext,
  plan: PersonUpdatePlan,
  doseDatesOf: DoseDatesOf,
): Promise<PersonRow> {
  const { current, changes, reallyChanged, identity } = plan;
  const locked = await q.findPersonForUpdate(trx, current.id);
  if (!locked || locked.merged_into) throw new AppError('conflict');
  if (identity.dateOfBirth !== locked.date_of_birth) {
    const doseBeforeBirth = birthDateAfterDoses(identity.dateOfBirth, await doseDatesOf(trx, locked.id));
    if (doseBeforeBirth) throw AppError.rule(doseBeforeBirth);
  }
  const write = () => q.updatePersonRow(trx, current.id, changes);
  // A new ID number may have been taken since the plan checked it: the update fails on the unique
  // index, under a savepoint so that the transaction stays usable to name the holder.
  const updated =
    identity.idNumber && identity.idNumber !== locked.id_number
      ? await withSavepoint(trx, write).catch(async (err: unknown) => {
          if ((err as { code?: string }).code === '23505') {
            const holder = await q.findLivingByIdNumber(trx, identity.idNumber!);
            if (holder) throw duplicatePerson(holder.id);
          }
          throw err;
        })
      : await write();
  await recordAudit(trx, audit, {
    action: 'person.update',
    entityType: 'person',
    entityId: current.id,
    before: presentPerson(locked),
    after: presentPerson(updated),
    reason: plan.reason,
  });
  if (reallyChanged) await detectDuplicates(trx, updated);
  return updated;
}

/** The registry's answer about a person's current details, asked before the route's transaction. */
export interface Reverification {
  readonly current: PersonRow;
  readonly verification: PersonUpdate;
}

/** Asks the registry again now (a desk after correcting details); `reverifyPerson` records the answer. */
export async function planReverification(db: Executor, deps: PeopleDeps, id: string): Promise<Reverification> {
  const current = await getPerson(db, id);
  if (!current) throw new AppError('not_found');
  const verification = await verifyIdentity(deps, {
    fullName: current.full_name,
    nameKey: current.name_key,
    dateOfBirth: current.date_of_birth,
    gender: current.gender,
    idType: current.id_type,
    idNumber: current.id_number,
  });
  return { current, verification };
}

/** Records the registry's answer on the person, audited. */
export async function reverifyPerson(
  trx: Trx,
  audit: AuditContext,
  plan: Reverification,
  now: Date,
): Promise<PersonRow> {
  const { current, verification } = plan;
  const updated = await q.updatePersonRow(trx, current.id, { ...verification, updated_at: now });
  await recordAudit(trx, audit, {
    action: 'person.verify',
    entityType: 'person',
    entityId: current.id,
    before: { status: current.verification_status },
    after: {
      status: updated.verification_status,
      fields: updated.verification_fields,
      source: updated.verification_source,
    },
  });
  return updated;
}

/** The desk's request a supervisor approves (modules/approvals): who asked, why, and from which unit. */
export interface OverrideApproval {
  readonly id: string;
  readonly requestedBy: string;
  readonly requestReason: string;
  /**
   * The unit of the site that asked: a supervisor over it may approve a traveller vaccinated there
   * whose residence is elsewhere (the person's own units may always decide).
   */
  readonly unit: UnitRef;
}

/**
 * A supervisor lets a person whose identity does not match (or is not found) be vaccinated anyway,
 * with a recorded reason (letters of Nov 2021: the site corrects the details, or the supervisor decides).
 * Given through an approval, the audit entry names the request, who asked and why.
 */
export async function overrideIdentity(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  reason: string,
  now: Date,
  approval?: OverrideApproval,
): Promise<PersonRow> {
  if (!(SUPERVISOR_ROLES as readonly string[]).includes(actor.role)) throw new AppError('forbidden');
  const current = await getPerson(trx, id);
  const viaSite = approval !== undefined && covers(actor.scope, approval.unit);
  if (!current || !(canSeePerson(actor, current) || viaSite)) throw new AppError('not_found');
  if (!(canChangePerson(actor, current) || viaSite)) throw new AppError('out_of_scope');
  const updated = await q.updatePersonRow(trx, current.id, {
    identity_override_by: actor.username,
    identity_override_reason: reason,
    identity_override_at: now,
    updated_at: now,
  });
  await recordAudit(trx, audit, {
    action: 'person.identity_override',
    entityType: 'person',
    entityId: current.id,
    before: { status: current.verification_status, fields: current.verification_fields },
    ...(approval
      ? {
          after: {
            approvalId: approval.id,
            requestedBy: approval.requestedBy,
            requestReason: approval.requestReason,
            approvedBy: actor.username,
          },
        }
      : {}),
    reason,
  });
  return updated;
}

/** Whether a dose on `administeredOn` may be recorded for this person (the 1 Nov 2021 rule). */
export function personIdentityGate(p: PersonRow, administeredOn: string) {
  return identityGate(
    { verificationStatus: p.verification_status, identityOverride: p.identity_override_at !== null, idType: p.id_type },
    administeredOn,
  );
}

/** Marks a person for a later registry check (retroactive entries, registry unavailable). */
export async function flagForRecheck(db: Executor, personId: string, when: Date): Promise<void> {
  await db
    .updateTable('people')
    .set({ recheck_after: when })
    .where('id', '=', personId)
    .where('recheck_after', 'is', null)
    .where('verification_status', '<>', 'verified')
    .execute();
}

/** `flagForRecheck` for several people at once (a bulk import's retroactive doses). */
export async function flagManyForRecheck(db: Executor, personIds: readonly string[], when: Date): Promise<void> {
  if (!personIds.length) return;
  await db
    .updateTable('people')
    .set({ recheck_after: when })
    .where('id', 'in', [...new Set(personIds)])
    .where('recheck_after', 'is', null)
    .where('verification_status', '<>', 'verified')
    .execute();
}

/** Moves every record of one person to another inside a merge (doses, reports…); given by the caller. */
export type MoveRecords = (trx: Trx, fromId: string, toId: string, now: Date) => Promise<Record<string, number>>;

/**
 * Merges `otherId` into `survivorId`: every dose and report moves to the survivor (through
 * `moveRecords`, supplied by the modules that own them), the merged record points to the survivor so
 * its old id still resolves, the survivor takes the ID number if it had none, open candidates of
 * the pair close, and the merge is audited on both records with who and why.
 */
export async function mergePeople(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { survivorId: string; otherId: string; reason: string; now: Date },
  moveRecords: MoveRecords,
): Promise<{ survivor: PersonRow; moved: Record<string, number> }> {
  if (![...SUPERVISOR_ROLES, 'report_handler'].includes(actor.role)) throw new AppError('forbidden');
  if (input.survivorId === input.otherId) {
    throw new AppError('merge_with_itself', { field: 'duplicateId' });
  }
  // Lock in id order so two merges of the same pair cannot deadlock.
  // Each record is taken by its own id: a missing one is missing (404), never the other record.
  const locked = new Map<string, PersonRow>();
  for (const id of [input.survivorId, input.otherId].sort()) {
    const row = await q.findPersonForUpdate(trx, id);
    if (row) locked.set(row.id, row);
  }
  const survivor = locked.get(input.survivorId);
  const other = locked.get(input.otherId);
  if (!survivor || !other || !canSeePerson(actor, survivor) || !canSeePerson(actor, other))
    throw new AppError('not_found');
  if (!canChangePerson(actor, survivor) || !canChangePerson(actor, other)) throw new AppError('out_of_scope');
  if (survivor.merged_into || other.merged_into) {
    throw new AppError('already_merged');
  }
  const moved = await moveRecords(trx, other.id, survivor.id, input.now);
  await q.updatePersonRow(trx, other.id, { merged_into: survivor.id, merged_at: input.now, updated_at: input.now });
  const takeId = !survivor.id_number && other.id_number;
  const updatedSurvivor = await q.updatePersonRow(trx, survivor.id, {
    ...(takeId
      ? {
          id_number: other.id_number,
          id_type: other.id_type,
          legacy: false,
          verification_status: other.verification_status,
          verification_fields: JSON.stringify(other.verification_fields ?? []),
          verification_source: other.verification_source,
          verified_at: other.verified_at,
        }
      : {}),
    old_id_number: survivor.old_id_number ?? (other.id_type === 'cmnd' ? other.id_number : other.old_id_number),
    updated_at: input.now,
  });
  await q.resolveCandidatesOf(trx, [survivor.id, other.id], 'merged', actor.username, input.now);
  const entry = {
    before: { survivor: presentPerson(survivor), merged: presentPerson(other) },
    after: { survivor: presentPerson(updatedSurvivor), moved },
    reason: input.reason,
  };
  await recordAudit(trx, audit, { action: 'person.merge', entityType: 'person', entityId: survivor.id, ...entry });
  await recordAudit(trx, audit, { action: 'person.merged_into', entityType: 'person', entityId: other.id, ...entry });
  return { survivor: updatedSurvivor, moved };
}

/**
 * Open duplicate candidates within the actor's province (the nation for national staff), both full
 * records of each pair for the reviewer to compare: each person shown gets an audit entry
 * (`duplicate.list`, naming the pairs it is listed in), as a full record's read does.
 */
export async function listDuplicateCandidates(db: Executor, actor: Actor, audit: AuditContext, limit = 100) {
  const province = actor.scope.level === 'nation' ? null : (actor.scope.provinceCode ?? NO_MATCH);
  const rows = await q.listOpenCandidates(db, province, limit);
  const ids = [...new Set(rows.flatMap((r) => [r.person_a, r.person_b]))];
  const people = ids.length ? await db.selectFrom('people').selectAll().where('id', 'in', ids).execute() : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const shown = rows
    .map((r) => ({ candidate: r, a: byId.get(r.person_a), b: byId.get(r.person_b) }))
    .filter(
      (x): x is { candidate: typeof x.candidate; a: PersonRow; b: PersonRow } =>
        !!x.a && !!x.b && canSeePerson(actor, x.a) && canSeePerson(actor, x.b),
    );
  const pairsOf = new Map<string, number[]>();
  for (const { candidate, a, b } of shown)
    for (const p of [a, b]) pairsOf.set(p.id, [...(pairsOf.get(p.id) ?? []), candidate.id]);
  await recordAuditForEach(
    db,
    audit,
    [...pairsOf].map(([personId, candidates]) => ({
      action: 'duplicate.list',
      entityType: 'person',
      entityId: personId,
      after: { candidates },
    })),
  );
  return shown;
}

/** Dismisses a candidate pair judged to be two different people. */
export async function dismissCandidate(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  candidateId: number,
  now: Date,
): Promise<void> {
  const c = await trx
    .selectFrom('duplicate_candidates')
    .selectAll()
    .where('id', '=', candidateId)
    .forUpdate()
    .executeTakeFirst();
  if (!c || (actor.scope.level !== 'nation' && c.province_code !== actor.scope.provinceCode))
    throw new AppError('not_found');
  // The pair is the actor's only when both records are within the actor's units.
  const pair = await trx.selectFrom('people').selectAll().where('id', 'in', [c.person_a, c.person_b]).execute();
  if (pair.length !== 2 || !pair.every((p) => canChangePerson(actor, p))) throw new AppError('not_found');
  await trx
    .updateTable('duplicate_candidates')
    .set({ status: 'dismissed', resolved_at: now, resolved_by: actor.username })
    .where('id', '=', c.id)
    .execute();
  await recordAudit(trx, audit, {
    action: 'duplicate.dismiss',
    entityType: 'person',
    entityId: c.person_a,
    after: { other: c.person_b, kind: c.kind },
  });
}

/**
 * The living person known by this ID number — holding it, else keeping it as the old number (the
 * CMND a CCCD replaced) — for other modules (reports routing, portal look-ups).
 */
export function findPersonByIdNumber(db: Executor, idNumber: string): Promise<PersonRow | undefined> {
  return q.findLivingByIdOrOldNumber(db, idNumber);
}

/** Living people with this name key, date of birth and phone (portal look-ups of records without an ID number). */
export function findPeopleByNameDobPhone(
  db: Executor,
  nameKey: string,
  dateOfBirth: string,
  phone: string,
): Promise<PersonRow[]> {
  return db
    .selectFrom('people')
    .selectAll()
    .where('name_key', '=', nameKey)
    .where('date_of_birth', '=', dateOfBirth)
    .where('phone', '=', phone)
    .where('merged_into', 'is', null)
    .limit(5)
    .execute();
}

/**
 * Living people whose record carries this phone (normalised), oldest first: the household of the
 * e-health book. At most `limit`: a phone shared by a whole village is not a household.
 */
export function findPeopleByPhone(db: Executor, phone: string, limit: number): Promise<PersonRow[]> {
  return db
    .selectFrom('people')
    .selectAll()
    .where('phone', '=', phone)
    .where('merged_into', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Several people at once by id, as stored (lists such as the identity approvals'). */
export async function peopleByIds(db: Executor, ids: readonly string[]): Promise<Map<string, PersonRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The unit columns of people, by the length of a unit's code. */
const RESIDENCE_COLUMN = { 2: 'province_code', 3: 'district_code', 5: 'commune_code' } as const;
type ResidenceColumn = (typeof RESIDENCE_COLUMN)[keyof typeof RESIDENCE_COLUMN];

/** Why a record's identity blocks a vaccine passport, read from its row. */
export function identityBlockReason(p: Pick<PersonRow, 'id_number' | 'verification_status'>) {
  if (!p.id_number) return 'no_id_number' as const;
  return p.verification_status === 'verified' ? null : p.verification_status;
}

/**
 * The records of the actor's units (their residence) whose identity is neither verified by the
 * population database nor approved by a supervisor — what blocks a vaccine passport — foreign
 * passports aside (checked at the site). Narrowed to `unitCode` when given (a unit outside the
 * actor's gives nothing); counted per unit one level below (the nation: provinces; a province:
 * districts; a district or commune: communes), the newest `limit` listed.
 */
export async function listIdentityBlocked(
  db: Executor,
  actor: Actor,
  options: { unitCode?: string | undefined; limit: number },
): Promise<{ items: PersonRow[]; total: number; byUnit: { code: string | null; count: number }[] }> {
  const { facility_id: _f, ...filter } = scopeColumns(actor.scope);
  const where: [ResidenceColumn, string][] = Object.entries(filter) as [ResidenceColumn, string][];
  const unitColumn = options.unitCode
    ? RESIDENCE_COLUMN[options.unitCode.length as keyof typeof RESIDENCE_COLUMN]
    : undefined;
  if (options.unitCode && !unitColumn) return { items: [], total: 0, byUnit: [] };
  if (options.unitCode && unitColumn) where.push([unitColumn, options.unitCode]);
  const ownLevel = { nation: null, province: 'province_code', district: 'district_code' } as const;
  const level: ResidenceColumn | null =
    unitColumn ??
    (actor.scope.level in ownLevel ? ownLevel[actor.scope.level as keyof typeof ownLevel] : 'commune_code');
  const groupBy: ResidenceColumn =
    level === null ? 'province_code' : level === 'province_code' ? 'district_code' : 'commune_code';
  const blocked = () => {
    let query = db
      .selectFrom('people')
      .where('verification_status', '<>', 'verified')
      .where('identity_override_at', 'is', null)
      .where('merged_into', 'is', null)
      .where((eb) => eb.or([eb('id_type', 'is', null), eb('id_type', '<>', 'passport')]));
    for (const [column, value] of where) query = query.where(column, '=', value);
    return query;
  };
  const items = await blocked()
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
  const groups = await blocked()
    .select((eb) => [eb.ref(groupBy).as('code'), eb.fn.countAll<string>().as('n')])
    .groupBy(groupBy)
    .orderBy(groupBy)
    .execute();
  const byUnit = groups.map((g) => ({ code: g.code, count: Number(g.n) }));
  return { items, total: byUnit.reduce((sum, u) => sum + u.count, 0), byUnit };
}

/** Locks a person's row for the caller's transaction (one writer per person: doses, certificates). */
export function lockPerson(trx: Trx, id: string): Promise<PersonRow | undefined> {
  return q.findPersonForUpdate(trx, id);
}

/** Name, birth date and sex of several people at once (lists such as the session board). */
export async function personSummaries(
  db: Executor,
  ids: string[],
): Promise<Map<string, Pick<PersonRow, 'full_name' | 'date_of_birth' | 'gender'>>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('people')
    .select(['id', 'full_name', 'date_of_birth', 'gender'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** A person row read back from JSON (see `personJsonExpr`): timestamps become Dates again. */
export function personFromJson(j: Record<string, unknown>): PersonRow {
  const ts = (v: unknown) => (v == null ? null : new Date(String(v)));
  return {
    ...(j as unknown as PersonRow),
    verified_at: ts(j.verified_at),
    recheck_after: ts(j.recheck_after),
    identity_override_at: ts(j.identity_override_at),
    merged_at: ts(j.merged_at),
    created_at: ts(j.created_at) as Date,
    updated_at: ts(j.updated_at) as Date,
  };
}

export { personJsonExpr, personVersionClaims } from './people.queries.js';

/** These people as statistics count them (merged duplicates too: they count for nothing). */
export async function peopleForStats(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('people')
    .select([
      'id',
      'gender',
      'date_of_birth',
      'province_code',
      'district_code',
      'commune_code',
      'registered_facility_id',
      'merged_into',
    ])
    .where('id', 'in', ids)
    .execute();
  return rows.map((p) => ({
    id: p.id,
    gender: p.gender,
    dateOfBirth: p.date_of_birth,
    provinceCode: p.province_code,
    districtCode: p.district_code,
    communeCode: p.commune_code,
    registeredFacilityId: p.registered_facility_id,
    mergedInto: p.merged_into,
  }));
}

/** People ids after `after`, in id order: a full recount of the statistics walks them. */
export async function personIdsAfter(db: Executor, after: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('people').select('id').where('id', '>', after).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}
